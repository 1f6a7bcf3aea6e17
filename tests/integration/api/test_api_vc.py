"""The VC-API without a chain of issuers: verification open, issuing closed, config errors,
tokens per issuer, and no PIN in an answer."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from sen.api import create_app
from sen.node.node import Node
from sen.services.credentials.store import IssuedCredential, StatusAssignment, VcStore
from sen.services.credentials.tokens import TokenStore, tokens_path

ISSUERS = """
[vc]
{legacy}
[[vc.issuers]]
did = "did:sen:vnu"
verification_method = "did:sen:vnu#key-1"
key = "vnu-issuer"
status_list = "bang-2025"

[[vc.issuers]]
did = "did:sen:college"
verification_method = "did:sen:college#key-1"
key = "{college_key}"
status_list = "college-2025"
"""
PIN = "s3cr3t-pin-9876"
HSM_KEY = f"pkcs11:token=sen;object=college?module-path=/nowhere/libsofthsm2.so&pin-value={PIN}"
REVOKE = [{"type": "BitstringStatusListEntry", "status": "revoked"}]

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:sen:nobody",
    "credentialSubject": {"name": "Nguyễn Thị Minh Khai"},
}


def test_a_failed_verification_answers_400_with_its_report(client: TestClient) -> None:
    """As the W3C suites' VC-API verifiers expect: not verified is an error answer."""
    response = client.post("/credentials/verify", json={"verifiableCredential": CREDENTIAL})
    assert response.status_code == 400
    body = response.json()
    assert body["verified"] is False
    assert [e["code"] for e in body["errors"]] == ["MISSING_PROOF"]
    presented = client.post(
        "/presentations/verify",
        json={"verifiablePresentation": {"type": ["VerifiablePresentation"]}, "options": {}},
    )
    assert presented.status_code == 400 and presented.json()["verified"] is False


def test_malformed_requests_are_400_or_422(client: TestClient) -> None:
    assert client.post("/credentials/verify", json={"credential": CREDENTIAL}).status_code == 422
    response = client.post(
        "/credentials/verify",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400


def _configure(node: Node, *, legacy: str = "", college_key: str = "college-issuer") -> TokenStore:
    settings = node.config.settings_path
    settings.write_text(
        settings.read_text() + ISSUERS.format(legacy=legacy, college_key=college_key)
    )
    return TokenStore(tokens_path(settings))


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _issued_by(node: Node, issuer: str, credential_id: str) -> None:
    VcStore(node.config.data_dir / "vc").save(
        IssuedCredential(
            credential={"id": credential_id},
            issuer=issuer,
            entries=(StatusAssignment("revocation", "college-2025", 7),),
            issued=0,
        )
    )


def test_issuing_is_closed_without_a_token(client: TestClient) -> None:
    response = client.post("/credentials/issue", json={"credential": CREDENTIAL})
    assert response.status_code == 403
    assert response.json()["type"] == "urn:sen:problem:issuing-disabled"
    assert response.json()["detail"] == (
        "this node issues nothing: no VC-API token exists; create one for each issuer "
        "with `sen vc token create DID`"
    )
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
    tokens = _configure(node)
    _, token = tokens.create("did:sen:vnu")
    with TestClient(create_app(node)) as client:
        wrong = client.post(
            "/credentials/issue", json={"credential": CREDENTIAL}, headers=_bearer("sai-token")
        )
        assert wrong.status_code == 401 and "invalid_token" in wrong.headers["www-authenticate"]
        assert wrong.json()["detail"] == "the bearer token is not one of this node's"
        right = client.post(
            "/credentials/issue",
            json={"credential": {**CREDENTIAL, "issuer": "did:sen:vnu"}},
            headers=_bearer(token),
        )
        status = client.post(
            "/credentials/status",
            json={"credentialId": "x", "credentialStatus": [{"type": "X", "status": "revoked"}]},
            headers=_bearer(token),
        )
        unknown = client.post(
            "/credentials/status",
            json={"credentialId": "urn:uuid:1", "credentialStatus": REVOKE},
            headers=_bearer(token),
        )
    assert right.status_code == 503  # past the token: now the issuer's key (no passphrase set)
    assert right.json()["type"] == "urn:sen:problem:issuer-unavailable"
    assert status.status_code == 422 and status.json()["field"] == "body.credentialStatus[0].type"
    assert unknown.status_code == 404 and unknown.json()["field"] == "credentialId"


def test_a_token_for_one_issuer_cannot_issue_or_revoke_as_another(node: Node) -> None:
    tokens = _configure(node)
    _, vnu = tokens.create("did:sen:vnu")
    _issued_by(node, "did:sen:college", "urn:uuid:0b6e0c52-8d3e-4a57-9d7e-2f1f0f3a9b11")
    with TestClient(create_app(node)) as client:
        issued = client.post(
            "/credentials/issue",
            json={"credential": {**CREDENTIAL, "issuer": {"id": "did:sen:college"}}},
            headers=_bearer(vnu),
        )
        revoked = client.post(
            "/credentials/status",
            json={
                "credentialId": "urn:uuid:0b6e0c52-8d3e-4a57-9d7e-2f1f0f3a9b11",
                "credentialStatus": REVOKE,
            },
            headers=_bearer(vnu),
        )
    for response, field in ((issued, "credential.issuer"), (revoked, "credentialId")):
        assert response.status_code == 403
        body = response.json()
        assert body["type"] == "urn:sen:problem:token-not-for-issuer"
        assert body["detail"] == "this token is for did:sen:vnu; it cannot act for did:sen:college"
        assert (body["field"], body["expected"], body["got"]) == (
            field,
            "did:sen:vnu",
            "did:sen:college",
        )


def test_a_rotated_token_stops_working_without_a_restart(node: Node) -> None:
    tokens = _configure(node)
    _, old = tokens.create("did:sen:vnu")
    body = {"credentialId": "urn:uuid:1", "credentialStatus": REVOKE}
    with TestClient(create_app(node)) as client:
        assert (
            client.post("/credentials/status", json=body, headers=_bearer(old)).status_code == 404
        )
        _, new = tokens.create("did:sen:vnu")
        assert (
            client.post("/credentials/status", json=body, headers=_bearer(old)).status_code == 401
        )
        assert (
            client.post("/credentials/status", json=body, headers=_bearer(new)).status_code == 404
        )


@pytest.mark.parametrize("with_tokens", [False, True])
def test_the_node_wide_token_is_retired_and_says_what_to_do(node: Node, with_tokens: bool) -> None:
    digest = hashlib.sha256(b"dung-token").hexdigest()
    tokens = _configure(node, legacy=f'issue_token_sha256 = "{digest}"')
    if with_tokens:
        tokens.create("did:sen:vnu")
    with TestClient(create_app(node)) as client:
        response = client.post(
            "/credentials/issue", json={"credential": CREDENTIAL}, headers=_bearer("dung-token")
        )
    assert response.status_code == (401 if with_tokens else 403)
    assert response.json()["detail"] == (
        "[vc] issue_token_sha256 (one token for every issuer) is retired: create a token for "
        "each issuer with `sen vc token create DID` and remove that line"
    )


def test_a_token_file_others_can_read_closes_issuing(node: Node) -> None:
    tokens = _configure(node)
    _, token = tokens.create("did:sen:vnu")
    tokens.path.chmod(0o644)
    with TestClient(create_app(node)) as client:
        response = client.post(
            "/credentials/issue", json={"credential": CREDENTIAL}, headers=_bearer(token)
        )
    assert response.status_code == 503
    assert response.json()["type"] == "urn:sen:problem:vc-misconfigured"
    assert "others can read it (mode 0644)" in response.json()["detail"]


def test_a_pin_in_an_issuer_key_uri_is_not_in_the_503(
    node: Node, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = _configure(node, college_key=HSM_KEY)
    _, token = tokens.create("did:sen:college")
    _issued_by(node, "did:sen:college", "urn:uuid:5d7e4b7a-1c2b-4f4e-9a0e-3e2b1c0d9f8a")
    with TestClient(create_app(node)) as client:
        response = client.post(
            "/credentials/status",
            json={
                "credentialId": "urn:uuid:5d7e4b7a-1c2b-4f4e-9a0e-3e2b1c0d9f8a",
                "credentialStatus": REVOKE,
            },
            headers=_bearer(token),
        )
    assert response.status_code == 503
    assert response.json()["type"] == "urn:sen:problem:issuer-unavailable"
    assert PIN not in response.text and PIN not in caplog.text
    assert "pin-value=***" in response.json()["detail"]


def test_nan_and_duplicate_keys_are_refused_before_anything_is_signed(node: Node) -> None:
    _, token = _configure(node).create("did:sen:vnu")
    bearer = {**_bearer(token), "content-type": "application/json"}
    with TestClient(create_app(node)) as client:
        nan = client.post(
            "/credentials/issue",
            content=b'{"credential": {"issuer": "did:sen:vnu", "credentialSubject": {"gpa": NaN}}}',
            headers=bearer,
        )
        twice = client.post(
            "/credentials/issue",
            content=b'{"credential": {"issuer": "did:sen:vnu", "issuer": "did:sen:college"}}',
            headers=bearer,
        )
        huge = client.post(
            "/credentials/verify",
            content=b'{"verifiableCredential": {"n": 1e999}}',
            headers=bearer,
        )
    for response, field in (
        (nan, "body.credential.credentialSubject.gpa"),
        (twice, "body.credential.issuer"),
        (huge, "body.verifiableCredential.n"),
    ):
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"] == "urn:sen:problem:invalid-json"
        assert problem["field"] == field
    assert "duplicate key 'issuer'" in twice.json()["detail"]
    stored = node.config.data_dir / "vc"
    assert not stored.exists() or not any(stored.rglob("*.json"))
