"""The vault's REST service against a running node: hospital B reads with a presentation
signed by its DID's key under the chain's consent; every refusal is a problem naming the
field; the patient reads its access log with its own did:key; staff store and erase."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.node.config import load_config
from sen.node.node import Node, init_home
from sen.sdk.privacy import (
    consent_terms,
    did_key,
    latest_block_time,
    new_request_id,
    sign_consent,
)
from sen.services.vault import SoftwareKek, SqliteVaultStore, Vault
from sen.services.vault.service import create_vault_app
from sen.vc import sign_presentation

A, B, C = "did:sen:benh-vien-a", "did:sen:benh-vien-b", "did:sen:benh-vien-c"
DOMAIN = "vault.benh-vien-a.example"
TOKEN = "t" * 40
RECORD = "Tóm tắt bệnh án: Nguyễn Thị Hồng Nhung, viêm phổi."


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    config = init_home(tmp_path / "home", chain_id="vn-health", block_interval=0.05)
    running = Node.open(load_config(config.home))
    running.start()
    yield running
    running.close()


@pytest.fixture
def world(node: Node, tmp_path: Path) -> Iterator[dict[str, Any]]:
    keys = {name: get_suite("ed25519").generate() for name in ("a", "b", "c", "patient")}
    sdk = in_process_client(node)
    for name, did in (("a", A), ("b", B), ("c", C)):
        method = encode_multikey(keys[name].suite, keys[name].public_key)
        sdk.send(keys[name], "identity", "create", {
            "name": did.removeprefix("did:sen:"),
            "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
            "relationships": {"authentication": ["key-1"], "assertionMethod": ["key-1"]},
        })  # fmt: skip
    store = SqliteVaultStore(tmp_path / "vault.db", "VN/Hà Nội")
    vault = Vault(store, SoftwareKek(bytes(range(32))), b"p" * 32, controller=A)
    app = create_vault_app(vault, lambda: in_process_client(node), token=TOKEN, domain=DOMAIN)
    with TestClient(app) as http:
        yield {"http": http, "keys": keys, "sdk": sdk, "vault": vault}
    store.close()
    sdk.close()


def _presentation(http: TestClient, key: SigningKey, holder: str, method: str) -> dict[str, Any]:
    challenge = http.post("/vault/v1/challenges").json()["challenge"]
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
    }
    return sign_presentation(unsigned, key, method, "eddsa-rdfc-2022", challenge=challenge,
                             domain=DOMAIN)  # fmt: skip


def _problem(response: Any, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["field"] == field, body
    assert body["expected"] and body["got"] is not None
    return body


def test_a_recipient_reads_with_its_credential_under_consent(world: dict[str, Any]) -> None:
    http, keys, sdk = world["http"], world["keys"], world["sdk"]
    patient = did_key(keys["patient"])
    put = {"subject": patient, "category": "pd:HealthRecord",
           "payload": base64.b64encode(RECORD.encode()).decode()}  # fmt: skip
    _problem(http.post("/vault/v1/records", json=put), 401, "authorization")
    stored = http.post("/vault/v1/records", json=put, headers={"Authorization": f"Bearer {TOKEN}"})
    assert stored.status_code == 201, stored.text
    reference = stored.json()["reference"]

    terms = consent_terms(keys["patient"], controller=A, recipients=[B],
                          purposes=["dpv:ServiceProvision"], categories=["pd:HealthRecord"],
                          expires=latest_block_time(sdk) + 86_400)  # fmt: skip
    sdk.send(
        keys["a"], "privacy", "record_consent", sign_consent(keys["patient"], sdk.chain_id, terms)
    )
    consent = bytes(terms["id"]).hex()

    def ask(key: str, holder: str, **changes: Any) -> Any:
        signed = _presentation(http, keys[key], holder, f"{holder}#key-1")
        body = {"consent": consent, "purpose": "dpv:ServiceProvision", "presentation": signed}
        body.update(changes)
        return http.post(f"/vault/v1/records/{reference}/read", json=body)

    answer = ask("b", B)
    assert answer.status_code == 200, answer.text
    assert base64.b64decode(answer.json()["payload"]).decode() == RECORD
    assert answer.json()["reader"] == B

    # hospital C, with its own valid credential, is no recipient of the consent
    assert "recipient" in _problem(ask("c", C), 403, "recipient")["title"]
    _problem(ask("b", B, purpose="dpv:Marketing"), 403, "purpose")
    # C's key presenting itself as B: the proof does not verify for B's DID
    _problem(ask("c", B), 401, "$.proof.proofValue")
    # a used challenge
    replayed = _presentation(http, keys["b"], B, f"{B}#key-1")
    body = {"consent": consent, "purpose": "dpv:ServiceProvision", "presentation": replayed}
    assert http.post(f"/vault/v1/records/{reference}/read", json=body).status_code == 200
    _problem(http.post(f"/vault/v1/records/{reference}/read", json=body), 401,
             "presentation.proof.challenge")  # fmt: skip
    _problem(http.post(f"/vault/v1/records/{reference}/read", json={}), 401, "presentation")
    _problem(ask("b", B, consent="zz"), 400, "consent")
    _problem(http.post("/vault/v1/records/xyz/read", content=b"[1]"), 400, "body")

    # the patient asks who read its data, with its own did:key
    own_method = f"{patient}#{patient.removeprefix('did:key:')}"
    mine = {"presentation": _presentation(http, keys["patient"], patient, own_method)}
    reads = http.post("/vault/v1/access", json=mine).json()["reads"]
    assert [r["reader"] for r in reads] == [B, B]
    sealed = http.post("/vault/v1/access/seal", headers={"Authorization": f"Bearer {TOKEN}"})
    assert sealed.json()["batch"]["number"] == 1
    mine = {"presentation": _presentation(http, keys["patient"], patient, own_method)}
    reads = http.post("/vault/v1/access", json=mine).json()["reads"]
    assert all(r["batch"]["root"] == sealed.json()["batch"]["root"] for r in reads)

    # the patient withdraws: B's next read is refused; the patient is erased: gone
    sdk.send(keys["patient"], "privacy", "withdraw_consent", {"consent": bytes.fromhex(consent)})
    assert "withdrawn" in _problem(ask("b", B), 403, "consent")["title"]
    erased = http.post("/vault/v1/subjects/erase", json={"subject": patient},
                       headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
    assert erased.status_code == 200 and erased.json()["records"][0][0] == reference
    _problem(ask("b", B), 410, "reference")
    unknown = http.post(f"/vault/v1/records/{secrets.token_hex(16)}/read", json={
        "consent": consent, "purpose": "dpv:ServiceProvision",
        "presentation": _presentation(http, keys["b"], B, f"{B}#key-1")})  # fmt: skip
    _problem(unknown, 404, "reference")


def test_an_erasure_checks_its_deletion_request_before_destroying_anything(
    world: dict[str, Any],
) -> None:
    http, keys, sdk = world["http"], world["keys"], world["sdk"]
    staff = {"Authorization": f"Bearer {TOKEN}"}
    patient = did_key(keys["patient"])
    put = {"subject": patient, "category": "pd:HealthRecord",
           "payload": base64.b64encode(RECORD.encode()).decode()}  # fmt: skip
    typo = {**put, "subject": "did:key:z6MkXXX"}  # not a key (a did:key has no checksum)
    _problem(http.post("/vault/v1/records", json=typo, headers=staff), 400, "subject")
    reference = http.post("/vault/v1/records", json=put, headers=staff).json()["reference"]
    terms = consent_terms(keys["patient"], controller=A, recipients=[B],
                          purposes=["dpv:ServiceProvision"], categories=["pd:HealthRecord"],
                          expires=latest_block_time(sdk) + 86_400)  # fmt: skip
    sdk.send(keys["a"], "privacy", "record_consent",
             sign_consent(keys["patient"], sdk.chain_id, terms))  # fmt: skip

    def file(kind: str) -> str:
        request = new_request_id(patient, A)
        sdk.send(keys["patient"], "privacy", "file_request",
                 {"id": request, "controller": A, "subject": patient, "kind": kind})  # fmt: skip
        return request.hex()

    def erase(request: str) -> Any:
        body = {"subject": patient, "request": request}
        return http.post("/vault/v1/subjects/erase", json=body, headers=staff)

    access = file("access")
    assert "not a deletion request" in _problem(erase(access), 400, "request")["title"]
    _problem(erase(secrets.token_hex(16)), 404, "request")
    assert world["vault"].get(bytes.fromhex(reference)) == RECORD.encode()  # nothing destroyed
    # erased an hour before the patient asked: that erasure cannot fulfil the request
    world["vault"].erase(patient, at=latest_block_time(sdk) - 3600)
    refused = _problem(erase(file("deletion")), 409, "request")
    assert "nothing_held" in refused["title"]
