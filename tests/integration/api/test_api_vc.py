"""The VC-API on a node with no issuers: verification open to all, issuing closed, config errors."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from sen.api import create_app
from sen.node.node import Node

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:sen:nobody",
    "credentialSubject": {"name": "Nguyễn Thị Minh Khai"},
}


def test_verification_answers_200_even_when_it_fails(client: TestClient) -> None:
    response = client.post("/credentials/verify", json={"verifiableCredential": CREDENTIAL})
    assert response.status_code == 200
    body = response.json()
    assert body["verified"] is False
    assert [e["code"] for e in body["errors"]] == ["MISSING_PROOF"]
    presented = client.post(
        "/presentations/verify",
        json={"verifiablePresentation": {"type": ["VerifiablePresentation"]}, "options": {}},
    )
    assert presented.status_code == 200 and presented.json()["verified"] is False


def test_malformed_requests_are_400_or_422(client: TestClient) -> None:
    assert client.post("/credentials/verify", json={"credential": CREDENTIAL}).status_code == 422
    response = client.post(
        "/credentials/verify",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400


def test_issuing_is_closed_without_a_token_hash(client: TestClient) -> None:
    response = client.post("/credentials/issue", json={"credential": CREDENTIAL})
    assert response.status_code == 403
    assert response.json()["type"] == "urn:sen:problem:issuing-disabled"
    missing = client.get("/v1/status-lists/did:sen:nobody/a/credential")
    assert missing.status_code == 404
    assert client.get("/v1/credentials/urn:uuid:1").status_code == 404


def test_a_wrong_configuration_is_503_naming_the_setting(node: Node) -> None:
    settings = node.config.settings_path
    settings.write_text(settings.read_text() + '\n[vc]\nissue_token_sha256 = "the-token-itself"\n')
    with TestClient(create_app(node)) as client:
        response = client.post("/credentials/issue", json={"credential": CREDENTIAL})
    assert response.status_code == 503
    assert "issue_token_sha256" in response.json()["field"]
    assert "never the token" in response.json()["detail"]


def test_the_token_is_checked_before_anything_else(node: Node) -> None:
    digest = hashlib.sha256(b"dung-token").hexdigest()
    settings = node.config.settings_path
    settings.write_text(settings.read_text() + f'\n[vc]\nissue_token_sha256 = "{digest}"\n')
    with TestClient(create_app(node)) as client:
        wrong = client.post(
            "/credentials/issue",
            json={"credential": CREDENTIAL},
            headers={"authorization": "Bearer sai-token"},
        )
        assert wrong.status_code == 401 and "invalid_token" in wrong.headers["www-authenticate"]
        right = client.post(
            "/credentials/issue",
            json={"credential": CREDENTIAL},
            headers={"authorization": "Bearer dung-token"},
        )
        status = client.post(
            "/credentials/status",
            json={"credentialId": "x", "credentialStatus": [{"type": "X", "status": "revoked"}]},
            headers={"authorization": "Bearer dung-token"},
        )
        unknown = client.post(
            "/credentials/status",
            json={
                "credentialId": "urn:uuid:1",
                "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
            },
            headers={"authorization": "Bearer dung-token"},
        )
    assert right.status_code == 400  # now the issuer: not configured on this node
    assert right.json()["type"] == "urn:sen:problem:unknown-issuer"
    assert status.status_code == 422 and status.json()["field"] == "body.credentialStatus[0].type"
    assert unknown.status_code == 404 and unknown.json()["field"] == "credentialId"
