"""DID Resolution over HTTP: statuses, content types, versionTime; the chain's DIDs listed."""

from __future__ import annotations

import time
from typing import Any

import pytest
from api_support import NothingWritten, Signer, assert_problem, b64
from fastapi.testclient import TestClient

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.modules.identity import encode_multikey
from sen.node.node import Node

RESULT = "application/did-resolution"
RESULT_LD = 'application/ld+json;profile="https://w3id.org/did-resolution"'
DOCUMENT_LD = "application/did+ld+json"
DOCUMENT_JSON = "application/did+json"


def _args(name: str, *keys: SigningKey) -> dict[str, Any]:
    methods = [
        {"id": f"key-{i + 1}", "public_key_multibase": encode_multikey(k.suite, k.public_key)}
        for i, k in enumerate(keys)
    ]
    return {
        "name": name,
        "verification_methods": methods,
        "relationships": {"assertionMethod": [m["id"] for m in methods]},
        "services": [{"id": "web", "type": "LinkedDomains", "service_endpoint": "https://a.vn"}],
    }


@pytest.fixture
def dids(node: Node) -> dict[str, Any]:
    """did:sen:moet (rotated once), did:sen:old (deactivated), on an open chain."""
    sdk = in_process_client(node)
    owner = get_suite("ed25519").generate()
    keys = [get_suite("ed25519").generate(), get_suite("ecdsa-p256").generate()]
    created = sdk.send(owner, "identity", "create", _args("moet", keys[0]))
    time.sleep(1.1)  # block times in different seconds
    updated = sdk.send(owner, "identity", "update", _args("moet", keys[1]))
    sdk.send(owner, "identity", "create", _args("old", keys[0]))
    sdk.send(owner, "identity", "deactivate", {"name": "old"})
    sdk.close()
    return {"keys": keys, "created": created.height, "updated": updated.height}


def _block_time(client: TestClient, height: int) -> str:
    block = client.get(f"/v1/blocks/{height}").json()
    return str(block["header"]["time"])[:19] + "Z"


def test_resolution_result_by_default(client: TestClient, dids: dict[str, Any]) -> None:
    answer = client.get("/1.0/identifiers/did:sen:moet")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == RESULT_LD
    body = answer.json()
    assert body["didResolutionMetadata"] == {"contentType": DOCUMENT_LD}
    assert body["didDocument"]["verificationMethod"][0]["publicKeyMultibase"].startswith("zDn")
    metadata = body["didDocumentMetadata"]
    assert (metadata["versionId"], metadata["chainId"]) == ("2", "sen-local")
    assert "nextVersionId" not in metadata and metadata["updated"] > metadata["created"]
    for accept, media_type in ((RESULT, RESULT), (RESULT_LD, RESULT_LD), ("*/*", RESULT_LD)):
        again = client.get("/1.0/identifiers/did:sen:moet", headers={"accept": accept})
        assert again.headers["content-type"] == media_type
        assert again.json() == body


def test_only_the_document_when_asked(client: TestClient, dids: dict[str, Any]) -> None:
    ld = client.get("/1.0/identifiers/did:sen:moet", headers={"accept": DOCUMENT_LD})
    assert (ld.status_code, ld.headers["content-type"]) == (200, DOCUMENT_LD)
    assert ld.json()["@context"][0] == "https://www.w3.org/ns/did/v1"
    assert ld.json()["id"] == "did:sen:moet"
    plain = client.get(
        "/1.0/identifiers/did:sen:moet", headers={"accept": f"{DOCUMENT_JSON}, {RESULT};q=0.5"}
    )
    assert (plain.status_code, plain.headers["content-type"]) == (200, DOCUMENT_JSON)
    assert "@context" not in plain.json() and plain.json()["id"] == "did:sen:moet"


def test_version_time_and_version_id(client: TestClient, dids: dict[str, Any]) -> None:
    at_creation = _block_time(client, dids["created"])
    first = client.get("/1.0/identifiers/did:sen:moet", params={"versionTime": at_creation})
    assert first.status_code == 200
    body = first.json()
    assert body["didDocumentMetadata"]["versionId"] == "1"
    assert body["didDocumentMetadata"]["nextVersionId"] == "2"
    assert body["didDocument"]["verificationMethod"][0]["publicKeyMultibase"].startswith("z6Mk")
    by_id = client.get("/1.0/identifiers/did:sen:moet", params={"versionId": "1"}).json()
    assert by_id["didDocument"] == body["didDocument"]
    early = client.get(
        "/1.0/identifiers/did:sen:moet", params={"versionTime": "2001-01-01T00:00:00Z"}
    )
    assert early.status_code == 404 and early.json()["didResolutionMetadata"]["error"] == "notFound"


def test_a_deactivated_did_answers_410_with_its_metadata(
    client: TestClient, dids: dict[str, Any]
) -> None:
    answer = client.get("/1.0/identifiers/did:sen:old")
    assert answer.status_code == 410
    body = answer.json()
    assert body["didDocumentMetadata"]["deactivated"] is True
    assert body["didDocumentMetadata"]["versionId"] == "2"
    assert (
        body["didDocument"]["id"] == "did:sen:old"
        and "verificationMethod" not in body["didDocument"]
    )
    document = client.get("/1.0/identifiers/did:sen:old", headers={"accept": DOCUMENT_LD})
    assert (document.status_code, document.headers["content-type"]) == (410, DOCUMENT_LD)


@pytest.mark.parametrize(
    ("path", "headers", "status", "error"),
    [
        ("/1.0/identifiers/did:sen:nobody", {}, 404, "notFound"),
        ("/1.0/identifiers/did:sen:MOET", {}, 400, "invalidDid"),
        ("/1.0/identifiers/did:sen:moet/extra", {}, 400, "invalidDid"),
        ("/1.0/identifiers/not-a-did", {}, 400, "invalidDid"),
        ("/1.0/identifiers/did:sen:moet?versionTime=soon", {}, 400, "invalidOptions"),
        ("/1.0/identifiers/did:sen:moet?versionId=x", {}, 400, "invalidOptions"),
        (
            "/1.0/identifiers/did:sen:moet",
            {"accept": "text/html"},
            406,
            "representationNotSupported",
        ),
        ("/1.0/identifiers/did:web:moet.gov.vn", {}, 501, "methodNotSupported"),
    ],
)
def test_errors_are_resolution_results_with_their_status(
    client: TestClient,
    dids: dict[str, Any],
    path: str,
    headers: dict[str, str],
    status: int,
    error: str,
) -> None:
    answer = client.get(path, headers=headers)
    assert answer.status_code == status
    assert answer.headers["content-type"] == RESULT_LD
    body = answer.json()
    assert body["didDocument"] is None
    assert body["didResolutionMetadata"]["error"] == error
    assert body["didResolutionMetadata"]["problemDetails"]["detail"]


def test_did_key_resolves_through_the_api(client: TestClient) -> None:
    did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    body = client.get(f"/1.0/identifiers/{did}").json()
    assert body["didDocument"]["assertionMethod"] == [f"{did}#{did[8:]}"]
    assert body["didDocumentMetadata"] == {}


def test_the_chain_s_dids_newest_first_with_history(
    client: TestClient, dids: dict[str, Any]
) -> None:
    listing = client.get("/v1/identity/dids").json()
    assert listing["total"] == 2
    assert [(d["did"], d["version"], d["deactivated"]) for d in listing["dids"]] == [
        ("did:sen:old", 2, True),
        ("did:sen:moet", 2, False),
    ]
    assert client.get("/v1/identity/dids", params={"limit": 1}).json()["dids"][0]["did"] == (
        "did:sen:old"
    )
    assert client.get("/v1/identity/dids", params={"organisation": "x"}).json()["dids"] == []
    history = client.get("/v1/identity/dids/did:sen:moet/versions").json()
    assert [(v["version_id"], v["height"], v["methods"]) for v in history["versions"]] == [
        ("1", dids["created"], ["key-1"]),
        ("2", dids["updated"], ["key-1"]),
    ]
    missing = client.get("/v1/identity/dids/did:sen:nobody/versions")
    assert (missing.status_code, missing.json()["field"]) == (404, "did")
    bad = client.get("/v1/identity/dids/moet/versions")
    assert (bad.status_code, bad.headers["content-type"]) == (400, "application/problem+json")
    assert client.get("/v1/identity/dids", params={"limit": 0}).status_code == 400


def test_a_bad_document_is_refused_at_submission_naming_the_field(
    client: TestClient, signer: Signer, nothing_written: NothingWritten
) -> None:
    args = _args("moet", get_suite("ed25519").generate())
    args["relationships"] = {"assertionMethod": ["key-9"]}
    tx = signer.tx(nonce=0, module="identity", action="create", args=args)
    with nothing_written(signer.address):
        response = client.post("/v1/txs", json={"tx": b64(tx.raw)})
    assert_problem(
        response,
        422,
        "args.relationships.assertionMethod[0]",
        code="INVALID_RELATIONSHIP",
        expected="one of key-1",
        got="'key-9'",
    )
