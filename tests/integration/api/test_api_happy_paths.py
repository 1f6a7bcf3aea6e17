"""What a client does on a good day: submit, wait, look up, prove, anchor, monitor."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from api_support import TITLE, Signer, b64, digest, settle
from fastapi.testclient import TestClient

import sen
from sen.ledger import encoding
from sen.ledger.light.header import header_hash
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.light.types import Header
from sen.ledger.rules import account_key
from sen.light.receipt import verify_receipt
from sen.node.node import Node


def submit_and_wait(client: TestClient, raw: bytes) -> dict[str, Any]:
    submitted = client.post("/v1/txs", json={"tx": b64(raw)})
    assert submitted.status_code == 202, submitted.text
    shown = client.get(f"/v1/txs/{submitted.json()['hash']}", params={"wait": 10})
    assert shown.status_code == 200
    body: dict[str, Any] = shown.json()
    assert body["status"] == "committed"
    return body


def test_submit_wait_and_show(client: TestClient, signer: Signer) -> None:
    tx = signer.tx(nonce=0)
    submitted = client.post("/v1/txs", json={"tx": b64(tx.raw)})
    assert submitted.status_code == 202
    assert submitted.json() == {"hash": hashlib.sha256(tx.raw).hexdigest(), "code": 0}
    shown = client.get(f"/v1/txs/{tx.hash.hex()}", params={"wait": 10}).json()
    assert shown["status"] == "committed"
    assert shown["hash"] == tx.hash.hex()
    assert shown["height"] >= 1 and shown["index"] == 0
    assert shown["result"]["code"] == 0 and shown["result"]["code_name"] == "OK"
    assert shown["result"]["events"][0]["type"] == "evidence.anchor"
    assert shown["tx"] == {
        "chain_id": signer.chain_id,
        "suite": "ed25519",
        "public_key": signer.key.public_key.hex(),
        "sender": signer.address.hex(),
        "nonce": 0,
        "module": "evidence",
        "action": "anchor",
        "args": {"digest": digest(0).hex(), "title": TITLE},
    }
    upper = client.get(f"/v1/txs/{tx.hash.hex().upper()}")
    assert upper.json()["hash"] == tx.hash.hex()


def test_pending_transaction_and_nonces(idle_client: TestClient, idle_signer: Signer) -> None:
    tx = idle_signer.tx(nonce=0)
    assert idle_client.post("/v1/txs", json={"tx": b64(tx.raw)}).status_code == 202
    shown = idle_client.get(f"/v1/txs/{tx.hash.hex()}", params={"wait": 0.2}).json()
    assert shown["status"] == "pending"
    assert shown["height"] is None and shown["result"] is None
    assert shown["tx"]["nonce"] == 0
    account = idle_client.get(f"/v1/accounts/{idle_signer.address.hex()}").json()
    assert account == {"address": idle_signer.address.hex(), "nonce": 0, "pending_nonce": 1}


def test_block_show(client: TestClient, node: Node, signer: Signer) -> None:
    shown = submit_and_wait(client, signer.tx(nonce=0).raw)
    block = client.get(f"/v1/blocks/{shown['height']}").json()
    assert block["height"] == shown["height"]
    assert block["txs"][shown["index"]] == shown["hash"]
    assert block["results"][shown["index"]] == {"code": 0, "code_name": "OK", "log": ""}
    header = Header.from_json(block["header"])
    assert header.height == shown["height"]
    assert header_hash(header).hex() == block["block_id"]
    assert block["commit"]["block_id"]["hash"].lower() == block["block_id"]
    settle(node)  # the proof block after the transaction's block has landed
    latest = client.get("/v1/blocks/latest").json()
    assert latest["height"] == node.app.height


def test_account_nonce_after_commit(client: TestClient, signer: Signer) -> None:
    submit_and_wait(client, signer.tx(nonce=0).raw)
    account = client.get(f"/v1/accounts/{signer.address.hex()}").json()
    assert account == {"address": signer.address.hex(), "nonce": 1, "pending_nonce": 1}
    stranger = client.get("/v1/accounts/" + "00" * 20).json()
    assert stranger["nonce"] == 0 and stranger["pending_nonce"] == 0


def test_state_proof_verifies(client: TestClient, signer: Signer) -> None:
    submit_and_wait(client, signer.tx(nonce=0).raw)
    key = account_key(signer.address)
    state = client.get(f"/v1/state/{key.hex()}", params={"prove": "true"}).json()
    value = base64.b64decode(state["value"])
    assert encoding.decode(value) == [1]
    proof = state["proof"]
    assert proof["app_hash"] == state["app_hash"]
    verify_state_proof(
        bytes.fromhex(state["app_hash"]),
        key,
        value,
        [bytes.fromhex(s) for s in proof["siblings"]],
        bytes.fromhex(proof["leaf_path"]),
        bytes.fromhex(proof["leaf_value_hash"]),
    )
    absent_key = account_key(bytes(20))
    absent = client.get(f"/v1/state/{absent_key.hex()}", params={"prove": "true"}).json()
    assert absent["value"] is None
    verify_state_proof(
        bytes.fromhex(absent["app_hash"]),
        absent_key,
        None,
        [bytes.fromhex(s) for s in absent["proof"]["siblings"]],
        _hex_or_none(absent["proof"]["leaf_path"]),
        _hex_or_none(absent["proof"]["leaf_value_hash"]),
    )
    unproven = client.get(f"/v1/state/{key.hex()}").json()
    assert unproven["proof"] is None and unproven["value"] == state["value"]


def _hex_or_none(text: str | None) -> bytes | None:
    return None if text is None else bytes.fromhex(text)


def test_batch_submission(client: TestClient, node: Node, signer: Signer) -> None:
    txs = [signer.tx(nonce=n) for n in range(5)]
    response = client.post("/v1/txs/batch", json={"txs": [b64(tx.raw) for tx in txs]})
    assert response.status_code == 202, response.text
    assert response.json() == {"hashes": [tx.hash.hex() for tx in txs]}
    for tx in txs:
        assert client.get(f"/v1/txs/{tx.hash.hex()}", params={"wait": 10}).json()["status"] == (
            "committed"
        )
    assert node.app.pending_nonce(signer.address) == 5


def test_anchor_and_look_up_two_anchorings_oldest_first(client: TestClient, signer: Signer) -> None:
    document = digest("diploma")
    other = Signer(signer.chain_id)
    single = signer.tx(
        nonce=0, args={"digest": document, "title": TITLE, "organisation": "Đại học Huế"}
    )
    submitted = client.post("/v1/evidence/anchors", json={"tx": b64(single.raw)})
    assert submitted.status_code == 202, submitted.text
    assert submitted.json() == {
        "hash": single.hash.hex(),
        "digests": [document.hex()],
        "algorithm": "sha-256",
    }
    first = client.get(f"/v1/txs/{single.hash.hex()}", params={"wait": 10}).json()
    batch = other.tx(
        nonce=0,
        action="anchor_batch",
        args={"digests": [digest("a"), document], "reference": "QĐ-42"},
    )
    batch_response = client.post("/v1/evidence/anchors", json={"tx": b64(batch.raw)})
    assert batch_response.json()["digests"] == [digest("a").hex(), document.hex()]
    second = client.get(f"/v1/txs/{batch.hash.hex()}", params={"wait": 10}).json()
    assert second["height"] > first["height"]

    found = client.get(f"/v1/evidence/sha-256/{document.hex()}").json()
    assert found["algorithm"] == "sha-256" and found["digest"] == document.hex()
    older, newer = found["anchorings"]
    assert older["height"] == first["height"] and newer["height"] == second["height"]
    assert older["tx_hash"] == single.hash.hex() and older["batch"] is False
    assert older["leaf"] == 0 and older["title"] == TITLE
    assert older["organisation"] == "Đại học Huế" and older["sender"] == signer.address.hex()
    assert newer["tx_hash"] == batch.hash.hex() and newer["batch"] is True
    assert newer["leaf"] == 1 and newer["reference"] == "QĐ-42"
    assert newer["sender"] == other.address.hex()
    assert older["time"] <= newer["time"]


def test_receipt_waits_for_the_next_block_then_verifies(
    idle_client: TestClient, idle_node: Node, idle_signer: Signer
) -> None:
    document = digest("contract")
    tx = idle_signer.tx(nonce=0, args={"digest": document, "title": TITLE})
    assert idle_client.post("/v1/evidence/anchors", json={"tx": b64(tx.raw)}).status_code == 202
    idle_node.engine.produce_block()
    url = f"/v1/evidence/sha-256/{document.hex()}/receipt"
    early = idle_client.get(url)
    assert early.status_code == 409, early.text
    assert early.headers["content-type"].startswith("application/problem+json")
    assert early.headers["retry-after"] == "1"
    idle_node.engine.produce_block()
    receipt = idle_client.get(url)
    assert receipt.status_code == 200, receipt.text
    report = verify_receipt(receipt.json(), idle_node.app.genesis, document_digest=document)
    assert report.valid and report.tx_hash == tx.hash.hex()
    missing = idle_client.get(url, params={"anchoring": 1})
    assert missing.status_code == 404 and missing.json()["field"] == "anchoring"


def test_status_genesis_health_metrics_and_docs(
    client: TestClient, node: Node, signer: Signer
) -> None:
    submit_and_wait(client, signer.tx(nonce=0).raw)
    settle(node)
    status = client.get("/v1/status").json()
    assert status["chain_id"] == node.app.genesis.chain_id
    assert status["height"] == node.app.height
    assert status["version"] == sen.__version__
    assert set(status["mempool"]) == {"txs", "bytes"}
    served = client.get("/v1/genesis")
    assert hashlib.sha256(served.content).digest() == node.app.genesis.hash  # byte for byte
    genesis = served.json()
    assert genesis["chain_id"] == node.app.genesis.chain_id
    assert client.get("/health").json() == {"status": "ok"}
    before = node.app.height  # the proof block may land while /metrics is read
    metrics = client.get("/metrics")
    after = node.app.height
    assert metrics.headers["content-type"].startswith("text/plain")
    assert any(f"sen_height {float(h)}" in metrics.text for h in range(before, after + 1))
    assert 'sen_api_requests_total{method="POST",route="/v1/txs",status="202"} 1.0' in metrics.text
    assert "sen_api_txs_accepted_total 1.0" in metrics.text
    schema = client.get("/openapi.json").json()
    assert schema["info"] == {
        "title": "Sen node API",
        "version": sen.__version__,
        "description": schema["info"]["description"],
    }
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()  # the docs page works offline
    assert "/docs/assets/swagger-ui-bundle.js" in docs.text
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_health_is_503_when_consensus_stopped(idle_client: TestClient, idle_node: Node) -> None:
    idle_node.engine.error = RuntimeError("disk full")
    response = idle_client.get("/health")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "disk full" in response.json()["detail"]
