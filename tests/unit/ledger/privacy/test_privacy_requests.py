"""Data-subject requests on their 72-hour clock, erasures as tombstones an erasure receipt
proves, breach notifications and impact-assessment dossiers."""

from __future__ import annotations

import secrets
from dataclasses import replace
from pathlib import Path

import pytest
from privacy_chain import DAY, HOSPITAL_A, HOSPITAL_B, PrivacyChain, did_key, digest

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.light.state_proof import StateProofError, verify_state_proof
from sen.ledger.modules.privacy import (
    CLOCK_SECONDS,
    MAX_OPEN_REQUESTS,
    controller_requests,
    erasure_digest,
    erasure_key,
    load_assessment,
    load_breach,
    load_consent,
    load_erasure,
    load_request,
    load_vault,
)
from sen.ledger.modules.privacy.queries import request_clocks
from sen.sdk.privacy import new_request_id
from sen.services.vault.crypto import SoftwareKek, opens
from sen.services.vault.store import SqliteVaultStore
from sen.services.vault.vault import RecordErased, Vault


def _file(chain: PrivacyChain, kind: str = "access", **extra: object) -> bytes:
    request_id = new_request_id(did_key(chain.patient), HOSPITAL_A)
    args = {"id": request_id, "controller": HOSPITAL_A, "subject": did_key(chain.patient)}
    result = chain.ok(chain.patient, "privacy", "file_request", {**args, "kind": kind, **extra})
    assert result.data == request_id
    return request_id


def test_a_request_runs_on_a_72_hour_clock_from_its_block(chain: PrivacyChain) -> None:
    chain.consent()
    request_id = _file(chain)
    request = load_request(chain.store, request_id)
    assert request is not None and request.open
    assert request.due == chain.times[-1] + CLOCK_SECONDS
    assert not request.overdue_at(request.due) and request.overdue_at(request.due + 1)
    chain.ok(chain.hospital_a, "privacy", "acknowledge_request", {"request": request_id})
    chain.refuse(
        chain.hospital_a, "privacy", "acknowledge_request", {"request": request_id},
        ResultCode.INVALID_ARGUMENT, "args.request",
    )  # fmt: skip
    answer = {"request": request_id, "outcome": "fulfilled", "answer": digest("export.json")}
    chain.refuse(
        chain.hospital_b, "privacy", "answer_request", answer, ResultCode.NOT_DID_CONTROLLER,
        "sender",
    )  # fmt: skip
    result = chain.ok(chain.hospital_a, "privacy", "answer_request", answer)
    [event] = result.events
    assert {a.key: a.value for a in event.attributes}["late"] == "false"
    closed = load_request(chain.store, request_id)
    assert closed is not None and not closed.open and not closed.late
    assert (closed.outcome, closed.answer) == ("fulfilled", digest("export.json"))
    chain.refuse(
        chain.hospital_a, "privacy", "answer_request", answer, ResultCode.REQUEST_CLOSED,
        "args.request",
    )  # fmt: skip


def test_an_answer_after_72_hours_is_on_record_as_late(chain: PrivacyChain) -> None:
    chain.consent()
    request_id = _file(chain, "correction")
    chain.wait(CLOCK_SECONDS)
    chain.block()
    [queued] = controller_requests(chain.store, HOSPITAL_A)
    assert queued.id == request_id and queued.overdue_at(chain.times[-1])
    assert request_clocks(chain.store, chain.times[-1]) == {HOSPITAL_A: (1, 1)}
    assert request_clocks(chain.store, queued.due) == {HOSPITAL_A: (1, 0)}
    answer = {"request": request_id, "outcome": "refused", "answer": digest("why")}
    result = chain.ok(chain.hospital_a, "privacy", "answer_request", answer)
    assert {a.key: a.value for a in result.events[0].attributes}["late"] == "true"
    closed = load_request(chain.store, request_id)
    assert closed is not None and closed.late and closed.acknowledged == closed.answered


def test_who_may_file_and_how_many(chain: PrivacyChain) -> None:
    args = {"controller": HOSPITAL_A, "kind": "access"}
    stranger = {**args, "subject": did_key(chain.stranger)}
    stranger["id"] = new_request_id(did_key(chain.stranger), HOSPITAL_A)
    assert chain.check(chain.stranger, "privacy", "file_request", stranger) == (
        ResultCode.NO_CONSENT_RELATION
    )
    chain.refuse(
        chain.stranger, "privacy", "file_request", stranger, ResultCode.NO_CONSENT_RELATION,
        "args.controller",
    )  # fmt: skip
    patient = {**args, "subject": did_key(chain.patient)}
    patient["id"] = new_request_id(did_key(chain.patient), HOSPITAL_A)
    chain.refuse(
        chain.stranger, "privacy", "file_request", patient, ResultCode.NOT_DATA_SUBJECT, "sender"
    )
    # the controller files for a patient who asked at the desk, with or without a consent
    chain.ok(chain.hospital_a, "privacy", "file_request", patient)
    chain.refuse(
        chain.hospital_a, "privacy", "file_request", patient, ResultCode.REQUEST_EXISTS, "args.id"
    )
    chain.consent()
    filed = [_file(chain) for _ in range(MAX_OPEN_REQUESTS)]  # the controller's took no room
    more = {**patient, "id": new_request_id(did_key(chain.patient), HOSPITAL_A)}
    assert chain.check(chain.patient, "privacy", "file_request", more) == (
        ResultCode.TOO_MANY_OPEN_REQUESTS
    )
    chain.refuse(
        chain.patient, "privacy", "file_request", more, ResultCode.TOO_MANY_OPEN_REQUESTS,
        "args.id",
    )  # fmt: skip
    # the controller may still file for the subject: its filings count against nothing
    again = {**more, "id": new_request_id(did_key(chain.patient), HOSPITAL_A)}
    chain.ok(chain.hospital_a, "privacy", "file_request", again)
    answer = {"request": filed[0], "outcome": "fulfilled", "answer": digest("a")}
    chain.ok(chain.hospital_a, "privacy", "answer_request", answer)
    assert chain.check(chain.patient, "privacy", "file_request", more) == 0
    request = load_request(chain.store, filed[1])
    assert request is not None and request.filed_by == "subject"


def test_request_arguments_are_checked(chain: PrivacyChain) -> None:
    chain.consent()
    base = {"id": new_request_id(did_key(chain.patient), HOSPITAL_A), "controller": HOSPITAL_A}
    base["subject"] = did_key(chain.patient)
    for args, code, field in (
        ({**base, "kind": "forget"}, ResultCode.INVALID_ARGUMENT, "args.kind"),
        ({**base, "kind": "withdrawal"}, ResultCode.INVALID_ARGUMENT, "args.consent"),
        (
            {**base, "kind": "access", "consent": bytes(16)},
            ResultCode.UNKNOWN_CONSENT,
            "args.consent",
        ),
        (
            {**base, "kind": "access", "controller": "benh-vien-a"},
            ResultCode.INVALID_DID,
            "args.controller",
        ),
    ):
        chain.refuse(chain.patient, "privacy", "file_request", args, code, field)
    other = chain.consent(by=chain.hospital_b, controller=HOSPITAL_B, recipients=[])
    chain.refuse(
        chain.patient, "privacy", "file_request", {**base, "kind": "access", "consent": other},
        ResultCode.REQUEST_MISMATCH, "args.consent",
    )  # fmt: skip


def test_a_fulfilled_withdrawal_request_withdraws_the_consent(chain: PrivacyChain) -> None:
    consent = chain.consent()
    request_id = _file(chain, "withdrawal", consent=consent)
    answer = {"request": request_id, "outcome": "refused", "answer": digest("no")}
    chain.refuse(
        chain.hospital_a, "privacy", "answer_request", answer, ResultCode.REQUEST_MISMATCH,
        "args.outcome",
    )  # fmt: skip
    answer = {"request": request_id, "outcome": "fulfilled", "answer": digest("done")}
    chain.ok(chain.hospital_a, "privacy", "answer_request", answer)
    record = load_consent(chain.store, consent)
    assert record is not None and record.state == "withdrawn"
    assert record.withdrawn_by == "controller"


def _vault(tmp_path: Path) -> Vault:
    return Vault(
        SqliteVaultStore(tmp_path / "vault.db", "VN"), SoftwareKek(bytes(range(32))), b"p" * 32
    )


def test_an_erasure_closes_the_deletion_request_and_its_receipt_verifies(
    chain: PrivacyChain, tmp_path: Path
) -> None:
    chain.consent()
    vault = _vault(tmp_path)
    subject = did_key(chain.patient)
    stored = [vault.put(subject, "health/summary", "Tóm tắt bệnh án".encode()) for _ in range(2)]
    opening = vault.opening(stored[0].reference)
    request_id = _file(chain, "deletion")
    answer = {"request": request_id, "outcome": "fulfilled", "answer": digest("x")}
    chain.refuse(
        chain.hospital_a, "privacy", "answer_request", answer, ResultCode.REQUEST_MISMATCH,
        "args.outcome",
    )  # fmt: skip

    statement = vault.erase(subject, at=chain.next_time())
    args = {
        "controller": HOSPITAL_A,
        "subject_ref": statement.subject,
        "records": [[r, c] for r, c in statement.records],
        "erased_at": statement.at,
        "request": request_id,
    }
    result = chain.ok(chain.hospital_a, "privacy", "record_erasure", args)
    assert [e.type for e in result.events] == ["privacy.erasure", "privacy.answer"]
    tombstone = load_erasure(chain.store, HOSPITAL_A, statement.subject)
    assert tombstone is not None and result.data == erasure_digest(tombstone)
    assert {r for r, _ in tombstone.records} == {s.reference for s in stored}
    request = load_request(chain.store, request_id)
    assert request is not None and request.outcome == "fulfilled"
    assert request.answer == erasure_digest(tombstone)

    # the receipt: the tombstone proved against the app hash, offline
    key = erasure_key(HOSPITAL_A, statement.subject)
    height, app_hash, value, proof = chain.store.prove(key)
    assert value is not None and (height, app_hash) == (chain.height, chain.app.app_hash)
    verify_state_proof(app_hash, key, value, proof.siblings, proof.leaf_path, proof.leaf_value_hash)
    forged = replace(tombstone, records=tombstone.records[:1])  # a record left out
    with pytest.raises(StateProofError):
        verify_state_proof(
            app_hash, key, encoding.encode(forged.to_value()), proof.siblings, proof.leaf_path,
            proof.leaf_value_hash,
        )  # fmt: skip
    # ... and the commitment on it can no longer be opened: the vault has no salt, no key
    assert opens(opening.commitment, opening.salt, opening.reference, opening.payload)
    with pytest.raises(RecordErased):
        vault.opening(stored[0].reference)
    chain.refuse(
        chain.hospital_a, "privacy", "record_erasure", {**args, "request": secrets.token_bytes(16)},
        ResultCode.ERASURE_EXISTS, "args.subject_ref",
    )  # fmt: skip


def test_erasure_refusals(chain: PrivacyChain) -> None:
    chain.consent()
    access = _file(chain)
    args = {
        "controller": HOSPITAL_A, "subject_ref": bytes(16),
        "records": [[bytes(16), bytes(32)]], "erased_at": chain.next_time(),
    }  # fmt: skip
    for changes, code, field in (
        ({"erased_at": chain.next_time() + 1}, ResultCode.TIME_IN_FUTURE, "args.erased_at"),
        ({"request": access}, ResultCode.REQUEST_MISMATCH, "args.request"),
        ({"request": bytes(16)}, ResultCode.UNKNOWN_REQUEST, "args.request"),
        ({"records": [[bytes(16), bytes(32)]] * 2}, ResultCode.INVALID_ARGUMENT, "args.records[1]"),
        ({"records": [[bytes(16)]]}, ResultCode.INVALID_ARGUMENT, "args.records[0]"),
        ({"records": [[bytes(15), bytes(32)]]}, ResultCode.INVALID_ARGUMENT, "args.records[0][0]"),
        ({"subject_ref": "Nguyễn Văn A"}, ResultCode.INVALID_ARGUMENT, "args.subject_ref"),
    ):
        chain.refuse(
            chain.hospital_a, "privacy", "record_erasure", {**args, **changes}, code, field
        )
    chain.refuse(
        chain.hospital_b, "privacy", "record_erasure", args, ResultCode.NOT_DID_CONTROLLER, "sender"
    )


def test_a_breach_report_is_on_record_with_its_clock(chain: PrivacyChain) -> None:
    detected = chain.next_time() - 2 * DAY
    args = {
        "id": secrets.token_bytes(16), "controller": HOSPITAL_A, "detected": detected,
        "categories": ["pd:HealthRecord"], "subjects": 1200, "digest": digest("dossier"),
    }  # fmt: skip
    chain.ok(chain.hospital_a, "privacy", "report_breach", args)
    breach = load_breach(chain.store, HOSPITAL_A, args["id"])  # type: ignore[arg-type]
    assert breach is not None and not breach.late and breach.due == detected + CLOCK_SECONDS
    late = {**args, "id": secrets.token_bytes(16), "detected": chain.next_time() - 4 * DAY}
    result = chain.ok(chain.hospital_a, "privacy", "report_breach", late)
    assert {a.key: a.value for a in result.events[0].attributes}["late"] == "true"
    for changes, code, field in (
        ({"id": args["id"]}, ResultCode.BREACH_EXISTS, "args.id"),
        ({"detected": chain.next_time() + 1000}, ResultCode.TIME_IN_FUTURE, "args.detected"),
        ({"subjects": -1}, ResultCode.INVALID_ARGUMENT, "args.subjects"),
        ({"digest": b"abc"}, ResultCode.INVALID_ARGUMENT, "args.digest"),
    ):
        fresh = {"id": secrets.token_bytes(16), **changes}
        chain.refuse(chain.hospital_a, "privacy", "report_breach", {**args, **fresh}, code, field)


def test_an_assessment_is_filed_amended_and_reviewed_by_an_auditor(chain: PrivacyChain) -> None:
    args = {
        "id": secrets.token_bytes(16), "controller": HOSPITAL_A, "kind": "cross_border",
        "digest": digest("dpia v1"),
    }  # fmt: skip
    assert chain.ok(chain.hospital_a, "privacy", "file_assessment", args).data == b"1"
    review = {
        "id": args["id"], "controller": HOSPITAL_A, "decision": "returned",
        "digest": digest("dpia v1"),
    }  # fmt: skip
    result = chain.run(chain.hospital_a, "privacy", "review_assessment", review)
    assert result.code == ResultCode.ROLE_REQUIRED, result.log
    chain.ok(chain.auditor, "privacy", "review_assessment", review)
    chain.refuse(
        chain.auditor, "privacy", "review_assessment", review, ResultCode.ASSESSMENT_CLOSED,
        "args.id",
    )  # fmt: skip
    amended = {**args, "digest": digest("dpia v2")}
    assert chain.ok(chain.hospital_a, "privacy", "file_assessment", amended).data == b"2"
    stale = {**review, "decision": "accepted"}  # the auditor's review of v1: v2 is filed now
    chain.refuse(
        chain.auditor, "privacy", "review_assessment", stale, ResultCode.ASSESSMENT_CHANGED,
        "args.digest",
    )  # fmt: skip
    chain.ok(chain.auditor, "privacy", "review_assessment", {**stale, "digest": digest("dpia v2")})
    dossier = load_assessment(chain.store, HOSPITAL_A, args["id"])  # type: ignore[arg-type]
    assert dossier is not None
    assert (dossier.status, dossier.version, dossier.digest) == ("accepted", 2, digest("dpia v2"))
    chain.refuse(
        chain.hospital_a, "privacy", "file_assessment", amended, ResultCode.ASSESSMENT_CLOSED,
        "args.id",
    )  # fmt: skip
    chain.refuse(
        chain.hospital_a, "privacy", "file_assessment",
        {**args, "id": secrets.token_bytes(16), "kind": "transfer"}, ResultCode.INVALID_ARGUMENT,
        "args.kind",
    )  # fmt: skip
    chain.refuse(
        chain.auditor, "privacy", "review_assessment", {**review, "id": bytes(16)},
        ResultCode.UNKNOWN_ASSESSMENT, "args.id",
    )  # fmt: skip


def test_replaying_requests_and_erasures_gives_the_same_app_hashes(
    chain: PrivacyChain, tmp_path: Path
) -> None:
    chain.consent()
    request_id = _file(chain, "deletion")
    chain.wait(CLOCK_SECONDS + 5)
    args = {
        "controller": HOSPITAL_A, "subject_ref": bytes(16),
        "records": [[bytes(16), bytes(32)]], "erased_at": chain.next_time(),
        "request": request_id,
    }  # fmt: skip
    chain.ok(chain.hospital_a, "privacy", "record_erasure", args)
    assert chain.replay(tmp_path / "replay") == chain.app_hashes


def test_a_vault_declares_where_it_keeps_personal_data(chain: PrivacyChain) -> None:
    args = {
        "controller": HOSPITAL_A, "name": "main", "jurisdiction": "VN-HN",
        "endpoint": "https://vault.benhviena.vn",
    }  # fmt: skip
    result = chain.ok(chain.hospital_a, "privacy", "declare_vault", args)
    assert result.data == b"1"
    attributes = {a.key: a.value for a in result.events[0].attributes}
    assert attributes == {"controller": HOSPITAL_A, "name": "main", "jurisdiction": "VN-HN"}
    moved = {**args, "jurisdiction": "VN-SG", "endpoint": ""}
    assert chain.ok(chain.hospital_a, "privacy", "declare_vault", moved).data == b"2"
    declared = load_vault(chain.store, HOSPITAL_A, "main")
    assert declared is not None
    assert (declared.jurisdiction, declared.endpoint, declared.version) == ("VN-SG", "", 2)
    assert declared.declared[0] == chain.height
    for changes, code, field in (
        ({"jurisdiction": "Việt Nam"}, ResultCode.INVALID_ARGUMENT, "args.jurisdiction"),
        ({"jurisdiction": "vn"}, ResultCode.INVALID_ARGUMENT, "args.jurisdiction"),
        ({"name": "Kho Chính"}, ResultCode.INVALID_ARGUMENT, "args.name"),
        ({"endpoint": "ftp://vault"}, ResultCode.INVALID_ARGUMENT, "args.endpoint"),
        ({"endpoint": "https://a b"}, ResultCode.INVALID_ARGUMENT, "args.endpoint"),
        ({"controller": "did:key:z6Mk"}, ResultCode.INVALID_DID, "args.controller"),
        ({"where": "VN"}, ResultCode.INVALID_ARGUMENT, "args.where"),
    ):
        chain.refuse(chain.hospital_a, "privacy", "declare_vault", {**args, **changes}, code, field)
    chain.refuse(
        chain.hospital_b, "privacy", "declare_vault", args, ResultCode.NOT_DID_CONTROLLER, "sender"
    )
