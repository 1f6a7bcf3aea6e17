"""The privacy module over REST: consents, the allows check, a subject's consents, a
controller's queue with its clocks, erasure receipts, breaches and dossiers — each record
with a state proof that verifies offline."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from api_support import assert_problem
from fastapi.testclient import TestClient

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.modules.identity import encode_multikey
from sen.ledger.modules.privacy import CLOCK_SECONDS, ConsentTerms, consent_message
from sen.node.node import Node
from sen.sdk.client import Client
from sen.sdk.privacy import new_consent_id, new_request_id

A, B = "did:sen:benh-vien-a", "did:sen:benh-vien-b"


def _did_key(key: SigningKey) -> str:
    return "did:key:" + encode_multikey(key.suite, key.public_key)


def _verify(record: dict[str, Any]) -> None:
    proof = record["proof"]
    verify_state_proof(
        bytes.fromhex(record["app_hash"]), bytes.fromhex(record["key"]),
        bytes.fromhex(record["value"]), [bytes.fromhex(s) for s in proof["siblings"]],
        bytes.fromhex(proof["leaf_path"]), bytes.fromhex(proof["leaf_value_hash"]),
    )  # fmt: skip


@pytest.fixture
def setup(node: Node) -> Iterator[dict[str, Any]]:
    hospital = get_suite("ed25519").generate()
    patient = get_suite("ed25519").generate()
    sdk = in_process_client(node)
    key = encode_multikey(hospital.suite, hospital.public_key)
    for name in ("benh-vien-a", "benh-vien-b"):
        document = {
            "name": name,
            "verification_methods": [{"id": "key-1", "public_key_multibase": key}],
            "relationships": {"assertionMethod": ["key-1"]},
        }
        sdk.send(hospital, "identity", "create", document)
    yield {"sdk": sdk, "hospital": hospital, "patient": patient}
    sdk.close()


def _consent(node: Node, sdk: Client, hospital: SigningKey, patient: SigningKey) -> str:
    terms = {
        "id": new_consent_id(_did_key(patient), A), "subject": _did_key(patient), "controller": A,
        "recipients": [B], "purposes": ["dpv:ServiceProvision"],
        "categories": ["pd:HealthRecord"], "legal_basis": "dpv:ExplicitlyExpressedConsent",
        "decision": "given", "expires": 4_000_000_000,
    }  # fmt: skip
    message = consent_message(node.app.genesis.chain_id, ConsentTerms.from_value(terms))
    sdk.send(hospital, "privacy", "record_consent", {**terms, "signature": patient.sign(message)})
    return bytes(terms["id"]).hex()


def test_a_consent_its_check_and_the_subjects_list(
    client: TestClient, node: Node, setup: dict[str, Any]
) -> None:
    consent_id = _consent(node, setup["sdk"], setup["hospital"], setup["patient"])
    body = client.get(f"/v1/privacy/consents/{consent_id}").json()
    assert (body["state"], body["controller"], body["recipients"]) == ("given", A, [B])
    assert body["expired"] is False and body["subject"] == _did_key(setup["patient"])
    _verify(body["record"])

    query = {
        "recipient": B, "purpose": "dpv:ServiceProvision", "category": "pd:HealthRecord",
        "controller": A, "subject": _did_key(setup["patient"]),
    }  # fmt: skip
    allowed = client.get(f"/v1/privacy/consents/{consent_id}/allows", params=query).json()
    assert allowed["allowed"] is True and allowed["problem"] is None
    refused = client.get(
        f"/v1/privacy/consents/{consent_id}/allows", params={**query, "purpose": "dpv:Marketing"}
    ).json()
    assert (refused["allowed"], refused["problem"]) == (False, "purpose")

    mine = client.get(f"/v1/privacy/subjects/{_did_key(setup['patient'])}/consents").json()
    assert [c["id"] for c in mine] == [consent_id]

    setup["sdk"].send(
        setup["patient"], "privacy", "withdraw_consent", {"consent": bytes.fromhex(consent_id)}
    )
    body = client.get(f"/v1/privacy/consents/{consent_id}").json()
    assert (body["state"], body["withdrawn_by"]) == ("withdrawn", "subject")


def test_the_controllers_queue_shows_each_clock(
    client: TestClient, node: Node, setup: dict[str, Any]
) -> None:
    sdk, patient = setup["sdk"], setup["patient"]
    _consent(node, sdk, setup["hospital"], patient)
    ids = [new_request_id(_did_key(patient), A) for _ in range(2)]
    for request_id in ids:
        args = {"id": request_id, "controller": A, "subject": _did_key(patient), "kind": "access"}
        sdk.send(patient, "privacy", "file_request", args)
    answer = {"request": ids[0], "outcome": "fulfilled", "answer": hashlib.sha256(b"x").digest()}
    sdk.send(setup["hospital"], "privacy", "answer_request", answer)
    queue = client.get(f"/v1/privacy/controllers/{A}/requests").json()
    assert (queue["open"], queue["overdue"]) == (1, 0)
    first, second = queue["requests"]
    assert first["id"] == ids[1].hex() and first["open"] and not first["overdue"]
    assert 0 < first["seconds_left"] <= CLOCK_SECONDS
    assert first["due"] == first["filed_time"] + CLOCK_SECONDS
    assert second["outcome"] == "fulfilled" and second["late"] is False
    _verify(second["record"])
    only_open = client.get(f"/v1/privacy/controllers/{A}/requests", params={"open_only": True})
    assert [r["id"] for r in only_open.json()["requests"]] == [ids[1].hex()]
    one = client.get(f"/v1/privacy/requests/{ids[1].hex()}").json()
    assert one["kind"] == "access" and one["subject"] == _did_key(patient)
    metrics = client.get("/metrics").text
    assert f'sen_privacy_requests_open{{controller="{A}"}} 1.0' in metrics
    assert f'sen_privacy_requests_overdue{{controller="{A}"}} 0.0' in metrics


def test_an_erasure_receipt_breaches_and_dossiers(
    client: TestClient, node: Node, setup: dict[str, Any]
) -> None:
    sdk, hospital = setup["sdk"], setup["hospital"]
    subject_ref = secrets.token_bytes(16)
    records = [[secrets.token_bytes(16), secrets.token_bytes(32)]]
    now = int(node.engine.last.header.time.seconds) if node.engine.last else 0
    sdk.send(hospital, "privacy", "record_erasure", {
        "controller": A, "subject_ref": subject_ref, "records": records, "erased_at": now,
    })  # fmt: skip
    receipt = client.get(f"/v1/privacy/erasures/{A}/{subject_ref.hex()}").json()
    assert receipt["records"] == [[records[0][0].hex(), records[0][1].hex()]]
    _verify(receipt["record"])

    breach = {
        "id": secrets.token_bytes(16), "controller": A, "detected": now,
        "categories": ["pd:HealthRecord"], "subjects": 3, "digest": hashlib.sha256(b"d").digest(),
    }  # fmt: skip
    sdk.send(hospital, "privacy", "report_breach", breach)
    dossier = {
        "id": secrets.token_bytes(16), "controller": A, "kind": "cross_border",
        "digest": hashlib.sha256(b"dpia").digest(),
    }  # fmt: skip
    sdk.send(hospital, "privacy", "file_assessment", dossier)
    [found] = client.get(f"/v1/privacy/controllers/{A}/breaches").json()
    assert found["late"] is False and found["due"] == now + CLOCK_SECONDS
    _verify(found["record"])
    [filed] = client.get(f"/v1/privacy/controllers/{A}/assessments").json()
    assert (filed["status"], filed["version"], filed["kind"]) == ("filed", 1, "cross_border")
    assert client.get(f"/v1/privacy/controllers/{B}/breaches").json() == []


def test_a_controllers_vaults_and_their_jurisdictions(
    client: TestClient, setup: dict[str, Any]
) -> None:
    sdk, hospital = setup["sdk"], setup["hospital"]
    assert client.get(f"/v1/privacy/controllers/{A}/vaults").json() == []
    for name, where in (("main", "VN-HN"), ("backup", "VN-SG")):
        declared = {"controller": A, "name": name, "jurisdiction": where}
        sdk.send(hospital, "privacy", "declare_vault", declared)
    sdk.send(hospital, "privacy", "declare_vault", {
        "controller": A, "name": "main", "jurisdiction": "VN-HN",
        "endpoint": "https://vault.benhviena.vn",
    })  # fmt: skip
    found = client.get(f"/v1/privacy/controllers/{A}/vaults").json()
    assert [(v["name"], v["jurisdiction"], v["endpoint"], v["version"]) for v in found] == [
        ("backup", "VN-SG", None, 1),
        ("main", "VN-HN", "https://vault.benhviena.vn", 2),
    ]
    for vault in found:
        _verify(vault["record"])
    assert_problem(client.get("/v1/privacy/controllers/benh-vien-a/vaults"), 400, "controller")


def test_bad_and_unknown_ids_are_clear_refusals(client: TestClient, node: Node) -> None:
    assert_problem(client.get("/v1/privacy/consents/xyz"), 400, "id")
    assert_problem(client.get(f"/v1/privacy/consents/{'0' * 32}"), 404, "id")
    assert_problem(client.get(f"/v1/privacy/requests/{'0' * 32}"), 404, "id")
    assert_problem(client.get(f"/v1/privacy/erasures/{A}/{'0' * 32}"), 404, "subject_ref")
    assert_problem(client.get(f"/v1/privacy/erasures/benh-vien-a/{'0' * 32}"), 400, "controller")
    assert_problem(client.get("/v1/privacy/subjects/did:sen:x/consents"), 400, "subject")
    assert_problem(client.get("/v1/privacy/controllers/did:sen:Hoa!/requests"), 400, "controller")


def test_erasure_and_consent_receipts_verify_offline_with_the_genesis(
    client: TestClient, node: Node, setup: dict[str, Any]
) -> None:
    import copy

    from sen.light.errors import ReceiptInvalid
    from sen.light.genesis import Genesis
    from sen.light.privacy_receipt import verify_privacy_receipt
    from sen.sdk.privacy import privacy_receipt

    sdk, hospital, patient = setup["sdk"], setup["hospital"], setup["patient"]
    consent_id = _consent(node, sdk, hospital, patient)
    subject_ref = secrets.token_bytes(16)
    records = [[secrets.token_bytes(16), secrets.token_bytes(32)]]
    now = int(node.engine.last.header.time.seconds) if node.engine.last else 0
    sdk.send(hospital, "privacy", "record_erasure", {
        "controller": A, "subject_ref": subject_ref, "records": records, "erased_at": now,
    })  # fmt: skip
    erasure = privacy_receipt(sdk, f"/v1/privacy/erasures/{A}/{subject_ref.hex()}/receipt")
    genesis: Genesis = node.app.genesis
    report = verify_privacy_receipt(erasure, genesis)
    assert [c.name for c in report.checks] == ["format", "chain", "header", "state", "record"]
    assert report.record["records"] == [[records[0][0].hex(), records[0][1].hex()]]
    assert report.record["subject_ref"] == subject_ref.hex() and report.record["controller"] == A

    consent = privacy_receipt(sdk, f"/v1/privacy/consents/{consent_id}/receipt")
    assert verify_privacy_receipt(consent, genesis).record["state"] == "given"
    sdk.send(patient, "privacy", "withdraw_consent", {"consent": bytes.fromhex(consent_id)})
    later = privacy_receipt(sdk, f"/v1/privacy/consents/{consent_id}/receipt")
    assert verify_privacy_receipt(later, genesis).record["state"] == "withdrawn"

    def fails(receipt: dict[str, Any], check: str) -> None:
        with pytest.raises(ReceiptInvalid) as caught:
            verify_privacy_receipt(receipt, genesis)
        assert caught.value.check == check, caught.value.reason

    moved = copy.deepcopy(erasure)
    moved["value"] = consent["value"]  # another record under the tombstone's key
    fails(moved, "state")
    swapped = copy.deepcopy(consent)
    swapped["kind"] = "erasure"
    fails(swapped, "record")
    forged = copy.deepcopy(erasure)
    forged["signed_header"]["header"]["app_hash"] = "00" * 32
    fails(forged, "header")
    other = copy.deepcopy(erasure)
    other["genesis_hash"] = "11" * 32
    fails(other, "chain")
    fails({**erasure, "format": "sen-evidence-receipt"}, "format")
    fails({**erasure, "kind": "breach"}, "format")
    assert_problem(client.get(f"/v1/privacy/erasures/{A}/{'0' * 32}/receipt"), 404, "subject_ref")
    assert_problem(client.get(f"/v1/privacy/consents/{'0' * 32}/receipt"), 404, "id")
