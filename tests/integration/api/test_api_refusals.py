"""Every bad input gets its exact status and field, and writes nothing.

Choices (see docs/api/README.md): an oversized transaction is 413 carrying
code TX_TOO_LARGE; a batch of more than 10 000 transactions is 413 naming
``txs``; path and query values that cannot be read are 400.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import (
    NothingWritten,
    Signer,
    assert_problem,
    b64,
    digest,
    open_node,
    with_bad_signature,
)
from fastapi.testclient import TestClient

from sen.api import create_app
from sen.consensus.embedded.engine import EngineConfig
from sen.node.node import Node


def test_malformed_json_is_400(client: TestClient, nothing_written: NothingWritten) -> None:
    with nothing_written():
        response = client.post(
            "/v1/txs", content=b'{"tx": ', headers={"content-type": "application/json"}
        )
    assert_problem(response, 400, "body")


def test_unknown_field_in_body_is_422(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(signer.tx(nonce=0).raw), "memo": "x"})
    body = assert_problem(response, 422, "body.memo", expected="no such field")
    assert body["got"] == "'x'"


def test_missing_and_mistyped_fields_are_422(
    client: TestClient, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        missing = client.post("/v1/txs", json={})
        mistyped = client.post("/v1/txs", json={"tx": 5})
        empty_batch = client.post("/v1/txs/batch", json={"txs": []})
    assert_problem(missing, 422, "body.tx", expected="a value")
    assert_problem(mistyped, 422, "body.tx", got="5")
    assert_problem(empty_batch, 422, "body.txs", expected="length >= 1")


def test_bad_base64_is_400_naming_tx(client: TestClient, nothing_written: NothingWritten) -> None:
    with nothing_written():
        response = client.post("/v1/txs", json={"tx": "not base64!"})
    assert_problem(response, 400, "tx", expected="standard base64")


def test_wrong_signature(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    raw = with_bad_signature(signer.tx(nonce=0))
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(raw)})
    body = assert_problem(response, 422, "signature", code="BAD_SIGNATURE")
    assert body["code"] == 7


def test_wrong_chain(
    client: TestClient, node: Node, signer: Signer, nothing_written: NothingWritten
) -> None:
    tx = signer.tx(nonce=0, chain_id="another-chain")
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(tx.raw)})
    assert_problem(
        response,
        422,
        "chain_id",
        code="WRONG_CHAIN",
        expected=node.app.genesis.chain_id,
        got="another-chain",
    )


def test_replayed_nonce(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    first = client.post("/v1/txs", json={"tx": b64(signer.tx(nonce=0).raw)})
    assert first.status_code == 202
    shown = client.get(f"/v1/txs/{first.json()['hash']}", params={"wait": 10})
    assert shown.json()["status"] == "committed"
    replay = signer.tx(nonce=0, args={"digest": digest("another"), "title": "x"})
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(replay.raw)})
    assert_problem(response, 422, "nonce", code="NONCE_TOO_LOW", expected="1", got="0")


def test_future_nonce(client: TestClient, signer: Signer, nothing_written: NothingWritten) -> None:
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(signer.tx(nonce=5).raw)})
    assert_problem(response, 422, "nonce", code="NONCE_TOO_HIGH", expected="0", got="5")


def test_duplicate_is_409(client: TestClient, signer: Signer, node: Node) -> None:
    raw = signer.tx(nonce=0).raw
    assert client.post("/v1/txs", json={"tx": b64(raw)}).status_code == 202
    response = client.post("/v1/txs", json={"tx": b64(raw)})
    assert_problem(response, 409, "tx")
    assert node.app.pending_nonce(signer.address) == 1


def test_oversized_transaction_is_413_with_tx_too_large(
    client: TestClient, node: Node, signer: Signer, nothing_written: NothingWritten
) -> None:
    limit = node.app.params.max_tx_bytes
    tx = signer.tx(nonce=0, args={"digest": digest(0), "title": "x" * (limit + 100)})
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(tx.raw)})
    body = assert_problem(response, 413, "tx", code="TX_TOO_LARGE")
    assert body["expected"] == f"at most {limit} bytes"
    assert body["got"] == f"{len(tx.raw)} bytes"


def test_oversized_body_is_413(client: TestClient, nothing_written: NothingWritten) -> None:
    with nothing_written():
        response = client.post("/v1/txs", json={"tx": "A" * (2 * 1024 * 1024)})
    assert_problem(response, 413, "body")


def test_oversized_streamed_body_is_413(
    client: TestClient, nothing_written: NothingWritten
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"tx": "'
        for _ in range(64):
            yield b"A" * 65536
        yield b'"}'

    with nothing_written():
        response = client.post(
            "/v1/txs", content=chunks(), headers={"content-type": "application/json"}
        )
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "body")


def test_oversized_batch_is_413(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    txs = [b64(signer.tx(nonce=0).raw)] * 10_001
    with nothing_written(signer.address):
        response = client.post("/v1/txs/batch", json={"txs": txs})
    assert_problem(
        response,
        413,
        "txs",
        expected="at most 10000 transactions",
        got="10001 transactions",
    )


def test_batch_body_over_64_mib_is_413(client: TestClient, nothing_written: NothingWritten) -> None:
    with nothing_written():
        response = client.post(
            "/v1/txs/batch",
            content=b"x",
            headers={"content-type": "application/json", "content-length": str(65 << 20)},
        )
    assert_problem(response, 413, "body", expected=f"at most {64 << 20} bytes")


def test_unknown_module(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    tx = signer.tx(nonce=0, module="lottery", action="draw", args={})
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(tx.raw)})
    assert_problem(response, 422, "module", code="UNKNOWN_MODULE", got="lottery")


def test_unknown_action(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    tx = signer.tx(nonce=0, action="erase", args={})
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(tx.raw)})
    assert_problem(response, 422, "action", code="UNKNOWN_ACTION", got="evidence.erase")


def test_digest_of_wrong_length(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    tx = signer.tx(nonce=0, args={"digest": bytes(31)})
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(tx.raw)})
    assert_problem(
        response,
        422,
        "args.digest",
        code="WRONG_DIGEST_LENGTH",
        expected="32 bytes for sha-256",
        got="31 bytes",
    )


def test_unknown_digest_algorithm(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    tx = signer.tx(nonce=0, args={"digest": digest(0), "algorithm": "md5"})
    with nothing_written(signer.address):
        response = client.post("/v1/evidence/anchors", json={"tx": b64(tx.raw)})
    body = assert_problem(
        response, 422, "args.algorithm", code="UNKNOWN_DIGEST_ALGORITHM", got="md5"
    )
    assert "sha-256" in body["expected"]


def test_batch_with_one_bad_tx_admits_nothing(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    good = [signer.tx(nonce=n) for n in range(4)]
    raws = [tx.raw for tx in good]
    raws[2] = with_bad_signature(good[2])
    with nothing_written(signer.address):
        response = client.post("/v1/txs/batch", json={"txs": [b64(r) for r in raws]})
    body = assert_problem(response, 422, "txs[2].signature", code="BAD_SIGNATURE")
    assert body["detail"].startswith("nothing was admitted")
    for tx in good[:2]:
        assert client.get(f"/v1/txs/{tx.hash.hex()}").status_code == 404


def test_batch_with_bad_base64_names_the_item(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    with nothing_written(signer.address):
        response = client.post("/v1/txs/batch", json={"txs": [b64(signer.tx(nonce=0).raw), "%%%"]})
    assert_problem(response, 400, "txs[1]")


def test_mempool_full_is_503(tmp_path: Path) -> None:
    tiny = EngineConfig(block_interval=0.05, mempool_max_bytes=16)
    node = open_node(tmp_path / "tiny", engine=tiny)
    node.start()
    try:
        assert node.engine.wait_for_height(1, 5)
        with TestClient(create_app(node)) as client:
            signer = Signer(node.app.genesis.chain_id)
            one = client.post("/v1/txs", json={"tx": b64(signer.tx(nonce=0).raw)})
            batch = client.post(
                "/v1/txs/batch", json={"txs": [b64(signer.tx(nonce=n).raw) for n in range(2)]}
            )
            for response in (one, batch):
                assert_problem(response, 503, None)
                assert response.headers["retry-after"] == "1"
                assert response.json()["type"] == "urn:sen:problem:mempool-full"
            assert len(node.engine.mempool) == 0
            assert node.app.pending_nonce(signer.address) == 0
            assert node.app.height == 1
    finally:
        node.close()


def test_anchor_route_takes_only_anchorings(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    other_module = signer.tx(nonce=0, module="identity", action="register", args={})
    other_action = signer.tx(nonce=0, action="revoke", args={})
    with nothing_written(signer.address):
        wrong_module = client.post("/v1/evidence/anchors", json={"tx": b64(other_module.raw)})
        wrong_action = client.post("/v1/evidence/anchors", json={"tx": b64(other_action.raw)})
    assert_problem(wrong_module, 422, "module", expected="evidence", got="identity")
    assert_problem(wrong_action, 422, "action", expected="anchor or anchor_batch", got="revoke")


def test_tx_lookup_errors(client: TestClient) -> None:
    assert_problem(client.get("/v1/txs/xyz"), 400, "hash")
    assert_problem(client.get("/v1/txs/" + "ab" * 31), 400, "hash", expected="64 hex characters")
    assert_problem(client.get("/v1/txs/" + "ab" * 32), 404, "hash")
    assert_problem(client.get("/v1/txs/" + "ab" * 32, params={"wait": 61}), 400, "wait")
    assert_problem(client.get("/v1/txs/" + "ab" * 32, params={"wait": "soon"}), 400, "wait")


def test_block_lookup_errors(client: TestClient, node: Node) -> None:
    assert_problem(client.get("/v1/blocks/0"), 400, "height")
    assert_problem(client.get("/v1/blocks/-3"), 400, "height")
    assert_problem(client.get("/v1/blocks/ten"), 400, "height")
    assert_problem(client.get(f"/v1/blocks/{node.app.height + 1000}"), 404, "height")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/blocks/" + "9" * 5000, "height"),
        (f"/v1/blocks/{2**63}", "height"),
        ("/v1/governance/proposals/-1", "proposal_id"),
        (f"/v1/governance/proposals/{2**63}", "proposal_id"),
        ("/v1/governance/proposals/" + "9" * 5000, "proposal_id"),
        ("/v1/status-lists/did:sen:moet/degrees/" + "9" * 5000, "index"),
        ("/v1/status-lists/did:sen:moet/degrees/-1", "index"),
        ("/v1/blocks?before=" + "9" * 30, "before"),
        ("/v1/evidence/sha-256/" + "ab" * 32 + f"/receipt?anchoring={2**63}", "anchoring"),
    ],
)
def test_out_of_range_ids_are_400_not_500(client: TestClient, path: str, field: str) -> None:
    body = assert_problem(client.get(path), 400, field)
    assert body["type"] == "urn:sen:problem:bad-parameter"


def test_account_and_state_lookup_errors(client: TestClient) -> None:
    assert_problem(client.get("/v1/accounts/abc"), 400, "address", expected="40 hex characters")
    assert_problem(client.get("/v1/accounts/" + "zz" * 20), 400, "address")
    assert_problem(client.get("/v1/state/xyz"), 400, "key")
    assert_problem(client.get("/v1/state/00", params={"prove": "perhaps"}), 400, "prove")


def test_evidence_lookup_errors(client: TestClient) -> None:
    unknown = assert_problem(client.get("/v1/evidence/md5/" + "00" * 16), 400, "algorithm")
    assert unknown["expected"] == "one of sha-256, sha-384, sha-512, sha3-256, sha3-512"
    assert_problem(
        client.get("/v1/evidence/sha-256/" + "00" * 31),
        400,
        "digest",
        expected="64 hex characters (32 bytes for sha-256)",
        got="62 characters",
    )
    assert_problem(client.get("/v1/evidence/sha-512/" + "zz" * 64), 400, "digest")
    assert_problem(client.get("/v1/evidence/sha-256/" + "00" * 32), 404, "digest")
    assert_problem(client.get("/v1/evidence/sha-256/" + "00" * 32 + "/receipt"), 404, "digest")
    assert_problem(
        client.get("/v1/evidence/sha-256/" + "00" * 32 + "/receipt", params={"anchoring": -1}),
        400,
        "anchoring",
    )


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404, None)
    assert_problem(client.delete("/v1/txs"), 405, None)
    put = client.put("/v1/txs")  # GET /v1/txs lists recent ones, POST submits one
    assert_problem(put, 405, None)
    assert put.headers["allow"] == "GET, POST"
    assert client.options("/v1/blocks/latest").headers["allow"] == "GET"
