"""POST /v1/receipts/verify: the checks of ``sen verify``, each passed or failed with its reason."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from api_support import NothingWritten, Signer, assert_problem, b64, digest, open_node, settle
from fastapi.testclient import TestClient

from sen.api import create_app
from sen.light.receipt import verify_receipt
from sen.node.node import Node

ALL_CHECKS = [
    "format",
    "chain",
    "validators",
    "commit",
    "inclusion",
    "result",
    "transaction",
    "evidence",
    "document",
]


@pytest.fixture
def receipt(client: TestClient, node: Node, signer: Signer) -> dict[str, Any]:
    tx = signer.tx(
        args={"digest": digest(0), "title": "Bằng tốt nghiệp", "organisation": "Trường ĐH Cần Thơ"}
    )
    assert client.post("/v1/txs", json={"tx": b64(tx.raw)}).status_code == 202
    assert (
        client.get(f"/v1/txs/{tx.hash.hex()}", params={"wait": 10}).json()["status"] == "committed"
    )
    settle(node)
    body: dict[str, Any] = client.get(f"/v1/evidence/sha-256/{digest(0).hex()}/receipt").json()
    return body


def verify(client: TestClient, receipt: object, document: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"receipt": receipt}
    if document is not None:
        payload["document_digest"] = document
    response = client.post("/v1/receipts/verify", json=payload)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_valid_receipt_with_its_document(
    client: TestClient, node: Node, signer: Signer, receipt: dict[str, Any]
) -> None:
    body = verify(client, receipt, digest(0).hex())
    assert body["valid"] is True and body["failed_check"] is None and body["not_run"] == []
    assert [c["name"] for c in body["checks"]] == ALL_CHECKS
    assert all(c["ok"] for c in body["checks"])
    expected = verify_receipt(receipt, node.app.genesis, document_digest=digest(0))
    assert [c["detail"] for c in body["checks"]] == [c.detail for c in expected.checks]
    assert body["document_checked"] is True
    assert body["organisation"] == "Trường ĐH Cần Thơ"
    assert body["sender"] == signer.address.hex()
    assert (body["height"], body["tx_hash"]) == (receipt["transaction"]["height"], expected.tx_hash)
    document = body["checks"][-1]
    assert document["label"] == {"en": "document", "vi": "tài liệu"}
    assert document["explanation"]["vi"].startswith("Tài liệu trùng khớp chính xác")


def test_valid_receipt_alone(client: TestClient, receipt: dict[str, Any]) -> None:
    body = verify(client, receipt)
    assert body["valid"] is True and body["document_checked"] is False
    assert (
        body["checks"][-1]["explanation"]["en"]
        == "No document given: only the receipt was checked."
    )


def test_changed_document_fails_the_document_check(
    client: TestClient, receipt: dict[str, Any]
) -> None:
    body = verify(client, receipt, digest(1).hex())
    assert body["valid"] is False and body["failed_check"] == "document"
    failed = body["checks"][-1]
    assert failed["ok"] is False
    assert "does not match the receipt's" in failed["detail"]
    assert "đã bị thay đổi" in failed["explanation"]["vi"]
    assert body["document_checked"] is True


def tampered(receipt: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    changed = copy.deepcopy(receipt)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value", "check"),
    [
        (("format",), "other", "format"),
        (("evidence", "algorithm"), ["sha-256"], "format"),  # once a crash: an unhashable value
        (("chain_id",), "another-chain", "chain"),
        (("validators",), [], "format"),
        (("result", "code"), 12, "result"),
        (("evidence", "digest"), digest(5).hex(), "evidence"),
    ],
    ids=["format", "algorithm-list", "chain", "validators", "result", "digest"],
)
def test_tampered_receipt_fails_the_named_check(
    client: TestClient, receipt: dict[str, Any], path: tuple[str, ...], value: object, check: str
) -> None:
    body = verify(client, tampered(receipt, path, value))
    assert body["valid"] is False
    assert body["failed_check"] == check
    assert body["checks"][-1]["name"] == check and body["checks"][-1]["ok"] is False
    assert all(c["ok"] for c in body["checks"][:-1])
    assert body["not_run"] == ALL_CHECKS[ALL_CHECKS.index(check) + 1 :]
    assert body["checks"][-1]["explanation"]["vi"]


@pytest.mark.parametrize("value", [[1, 2], "receipt", 5, None, {}])
def test_not_a_receipt_fails_the_format_check(client: TestClient, value: object) -> None:
    body = verify(client, value)
    assert body["valid"] is False and body["failed_check"] == "format"
    assert body["not_run"] == ALL_CHECKS[1:]
    assert body["checks"][0]["explanation"]["en"] == "This is not a valid Sen receipt."


def test_receipt_of_another_chain(tmp_path: Path, receipt: dict[str, Any]) -> None:
    other = open_node(tmp_path / "other")
    other.start()
    try:
        with TestClient(create_app(other)) as other_client:
            body = verify(other_client, receipt)
    finally:
        other.close()
    assert body["failed_check"] == "chain"
    assert "genesis_hash does not match" in body["checks"][-1]["detail"]


def test_unreadable_bodies_are_problems(
    client: TestClient, receipt: dict[str, Any], nothing_written: NothingWritten
) -> None:
    with nothing_written():
        not_json = client.post(
            "/v1/receipts/verify",
            content=b'{"receipt": ',
            headers={"content-type": "application/json"},
        )
        missing = client.post("/v1/receipts/verify", json={})
        extra = client.post("/v1/receipts/verify", json={"receipt": receipt, "lang": "vi"})
        bad_digest = client.post(
            "/v1/receipts/verify", json={"receipt": receipt, "document_digest": "xyz!"}
        )
        long_digest = client.post(
            "/v1/receipts/verify", json={"receipt": receipt, "document_digest": "ab" * 65}
        )
    assert_problem(not_json, 400, "body")
    assert_problem(missing, 422, "body.receipt", expected="a value")
    assert_problem(extra, 422, "body.lang", expected="no such field")
    assert_problem(bad_digest, 400, "document_digest", got="'xyz!'")
    assert_problem(long_digest, 400, "document_digest", expected="at most 64 bytes")
