"""An outside reviewer's attacks on the privacy module and the vault's consented reads.

Tests that pass show an attack refused. Each ``xfail(strict=True)`` test demonstrates a
weakness (its reason starts ``FINDING:``): it asserts what the system should do and fails
today, so the suite stays green until the weakness is fixed.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from consortium import CHAIN_ID, key
from privacy_chain import (
    DAY,
    HOSPITAL_A,
    HOSPITAL_B,
    SUMMARY,
    TREATMENT,
    PrivacyChain,
    did_key,
    digest,
    read_for,
)

from sen.abci.types import RequestPrepareProposal, RequestProcessProposal
from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import P256, EcdsaSuite, SigningKey, address_of
from sen.ledger.errors import TxRejected
from sen.ledger.light.types import Timestamp
from sen.ledger.modules import find_action
from sen.ledger.modules.base import Context
from sen.ledger.modules.privacy import (
    CLOCK_SECONDS,
    MAX_OPEN_REQUESTS,
    ConsentTerms,
    consent_message,
    erasure_digest,
    load_assessment,
    load_consent,
    load_erasure,
    load_request,
)
from sen.ledger.permissions import LAST_BLOCK_TIME_KEY
from sen.ledger.rules import load_nonce
from sen.ledger.state import Overlay
from sen.ledger.tx import Tx, sign_tx
from sen.ledger.types import BlockInfo, ChainParams, TxResult
from sen.sdk.privacy import new_request_id
from sen.services.vault.crypto import SoftwareKek
from sen.services.vault.store import SqliteVaultStore
from sen.services.vault.vault import Access, ConsentMissing, RecordErased, Vault

HOSPITAL_C = "did:sen:benh-vien-c"
NAME = "Nguyễn Thị Hồng Nhung"
PAYLOAD = f"Bệnh nhân: {NAME}, CCCD 079201001234 — viêm phổi.".encode()
PARAMS = ChainParams(chain_id=CHAIN_ID, permissioned=True)


# --- helpers --------------------------------------------------------------------------


def _address(signer: SigningKey) -> bytes:
    return address_of(signer.suite, signer.public_key)


def _txs(
    chain: PrivacyChain, signer: SigningKey, calls: list[tuple[str, dict[str, Any]]]
) -> list[Tx]:
    """Transactions of one signer with consecutive nonces, for one block or one mempool."""
    nonce = load_nonce(chain.store, _address(signer))
    return [
        sign_tx(
            signer, chain_id=CHAIN_ID, nonce=nonce + i, module="privacy", action=action,
            args=args,
        )
        for i, (action, args) in enumerate(calls)
    ]  # fmt: skip


def _request_args(chain: PrivacyChain, kind: str = "access", **extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"controller": HOSPITAL_A, "subject": did_key(chain.patient)}
    args = {**args, "kind": kind, **extra}
    args.setdefault("id", new_request_id(str(args["subject"]), str(args["controller"])))
    return args


def _file(chain: PrivacyChain, kind: str = "access", by: SigningKey | None = None) -> bytes:
    args = _request_args(chain, kind)
    chain.ok(by or chain.patient, "privacy", "file_request", args)
    return bytes(args["id"])


def _answer(request: bytes, outcome: str = "refused") -> dict[str, Any]:
    return {"request": request, "outcome": outcome, "answer": digest("answer")}


def _erasure(chain: PrivacyChain, **changes: Any) -> dict[str, Any]:
    args = {
        "controller": HOSPITAL_A, "subject_ref": secrets.token_bytes(16),
        "records": [[secrets.token_bytes(16), secrets.token_bytes(32)]],
        "erased_at": chain.next_time(),
    }  # fmt: skip
    return {**args, **changes}


def _attribute(result: TxResult, name: str, index: int = 0) -> str:
    return {a.key: a.value for a in result.events[index].attributes}[name]


def _privacy_state(chain: PrivacyChain) -> dict[bytes, bytes]:
    return dict(chain.store.scan(b"privacy/", b"privacy0", 100_000))


def _read_refused(
    chain: PrivacyChain, vault: Vault, reference: bytes, consent: bytes, **asked: Any
) -> str:
    with pytest.raises(ConsentMissing) as caught:
        read_for(chain, vault, reference, consent, **asked)
    assert caught.value.field and caught.value.expected and caught.value.got
    return caught.value.problem


# --- consent: signatures --------------------------------------------------------------


def test_the_controller_cannot_record_terms_the_patient_did_not_sign(chain: PrivacyChain) -> None:
    terms = chain.terms()
    signed = chain.signed(terms)
    tampered: list[dict[str, Any]] = [
        {"recipients": [HOSPITAL_B, HOSPITAL_C]},  # one more recipient
        {"recipients": []},
        {"purposes": [TREATMENT, "dpv:Marketing"]},
        {"categories": [SUMMARY, "pd:Genetic"]},
        {"legal_basis": "dpv:LegitimateInterest"},
        {"decision": "refused"},
        {"expires": terms["expires"] + DAY},
        {"id": secrets.token_bytes(16)},
        {"subject": did_key(chain.stranger)},  # the same signature under another key
    ]
    for changes in tampered:
        chain.refuse(
            chain.hospital_a, "privacy", "record_consent", {**signed, **changes},
            ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature",
        )  # fmt: skip
    # the lists are signed in order: the same terms reordered are other terms
    two = chain.terms(purposes=[TREATMENT, "dpv:Research"])
    swapped = {**chain.signed(two), "purposes": ["dpv:Research", TREATMENT]}
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent", swapped,
        ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature",
    )  # fmt: skip
    # the controller's own key, the bare terms without the domain, a transaction signature,
    # an empty, a short and an oversized signature are not the patient's consent
    message = consent_message(CHAIN_ID, ConsentTerms.from_value(terms))
    bare = encoding.encode(ConsentTerms.from_value(terms).to_value())
    tx_signature = chain.tx(chain.patient, "privacy", "withdraw_consent", {"consent": bytes(16)})
    for signature in (
        chain.hospital_a.sign(message),
        chain.patient.sign(bare),
        tx_signature.signature,
        b"",
        chain.patient.sign(message)[:63],
        chain.patient.sign(message) + b"\x00",
    ):
        chain.refuse(
            chain.hospital_a, "privacy", "record_consent", {**terms, "signature": signature},
            ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature",
        )  # fmt: skip
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent", {**terms, "signature": bytes(5000)},
        ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature",
    )  # fmt: skip
    # a P-256 wallet: a high-S twin of a good signature is refused (no malleability)
    wallet = EcdsaSuite(P256).generate()
    p256_terms = chain.terms(subject=did_key(wallet))
    good = chain.signed(p256_terms, wallet)["signature"]
    order = P256.order
    r, s = good[:32], int.from_bytes(good[32:], "big")
    twin = r + (order - s).to_bytes(32, "big")
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent", {**p256_terms, "signature": twin},
        ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature",
    )  # fmt: skip
    assert load_consent(chain.store, bytes(terms["id"])) is None


def test_a_patients_signature_does_not_replay_elsewhere(chain: PrivacyChain) -> None:
    terms = chain.terms()
    signed = chain.signed(terms)
    other_chain = consent_message(CHAIN_ID + "-2", ConsentTerms.from_value(terms))
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent",
        {**terms, "signature": chain.patient.sign(other_chain)},
        ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature",
    )  # fmt: skip
    # hospital B cannot record A's consent, nor the same signature re-addressed to itself
    chain.refuse(
        chain.hospital_b, "privacy", "record_consent", signed, ResultCode.NOT_DID_CONTROLLER,
        "sender",
    )  # fmt: skip
    chain.refuse(
        chain.hospital_b, "privacy", "record_consent", {**signed, "controller": HOSPITAL_B},
        ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature",
    )  # fmt: skip
    chain.ok(chain.hospital_a, "privacy", "record_consent", signed)
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent", signed, ResultCode.CONSENT_EXISTS, "args.id"
    )
    # once withdrawn, the old signature does not bring the consent back under a new id
    chain.ok(chain.patient, "privacy", "withdraw_consent", {"consent": signed["id"]})
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent", {**signed, "id": secrets.token_bytes(16)},
        ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature",
    )  # fmt: skip
    record = load_consent(chain.store, bytes(signed["id"]))
    assert record is not None and record.state == "withdrawn"


# --- open actions: who gets in --------------------------------------------------------


def test_a_stranger_gets_nothing_into_the_mempool_a_proposal_or_the_state(
    chain: PrivacyChain,
) -> None:
    consent = chain.consent()
    before = _privacy_state(chain)
    stranger = did_key(chain.stranger)
    attempts: list[tuple[str, dict[str, Any], ResultCode]] = [
        ("withdraw_consent", {"consent": consent}, ResultCode.NOT_DATA_SUBJECT),
        ("withdraw_consent", {"consent": secrets.token_bytes(16)}, ResultCode.UNKNOWN_CONSENT),
        (
            "file_request",
            {**_request_args(chain), "subject": stranger},
            ResultCode.NO_CONSENT_RELATION,
        ),
        ("file_request", _request_args(chain), ResultCode.NOT_DATA_SUBJECT),
        (
            "file_request",
            {**_request_args(chain), "subject": stranger, "controller": "did:sen:khong-co"},
            ResultCode.NO_CONSENT_RELATION,
        ),
        (
            "file_request",
            {**_request_args(chain, "withdrawal", consent=consent), "subject": stranger},
            ResultCode.NO_CONSENT_RELATION,
        ),
    ]
    for action, args, code in attempts:
        assert chain.check(chain.stranger, "privacy", action, args) == code, action
    # a proposal holding a stranger's transaction is rejected by every honest validator
    raws = tuple(t.raw for t in _txs(chain, chain.stranger, [(a, g) for a, g, _ in attempts]))
    at = Timestamp(chain.next_time(), 0)
    prepared = chain.app.prepare_proposal(
        RequestPrepareProposal(
            max_tx_bytes=10**6, txs=raws, height=chain.height + 1, time=at,
            next_validators_hash=bytes(32), proposer_address=bytes(20),
        )
    )  # fmt: skip
    assert prepared.txs == ()
    processed = chain.app.process_proposal(
        RequestProcessProposal(
            txs=raws[:1], hash=bytes(32), height=chain.height + 1, time=at,
            next_validators_hash=bytes(32), proposer_address=bytes(20),
        )
    )  # fmt: skip
    assert processed.status.name == "REJECT"
    # executed anyway (a faulty proposer), each is refused and writes nothing of privacy's
    results = chain.block(*_txs(chain, chain.stranger, [(a, g) for a, g, _ in attempts]))
    assert [r.code for r in results] == [code for _, _, code in attempts]
    assert _privacy_state(chain) == before


def test_a_non_member_cannot_send_the_controllers_actions(chain: PrivacyChain) -> None:
    consent = chain.consent()
    request = _file(chain)
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("record_consent", chain.signed(chain.terms())),
        ("acknowledge_request", {"request": request}),
        ("answer_request", _answer(request, "fulfilled")),
        ("record_erasure", _erasure(chain)),
        (
            "report_breach",
            {
                "id": secrets.token_bytes(16),
                "controller": HOSPITAL_A,
                "detected": chain.next_time(),
                "categories": [SUMMARY],
                "subjects": 1,
                "digest": digest("x"),
            },
        ),
        (
            "file_assessment",
            {
                "id": secrets.token_bytes(16),
                "controller": HOSPITAL_A,
                "kind": "processing",
                "digest": digest("x"),
            },
        ),
    ]
    before = _privacy_state(chain)
    for action, args in attempts:
        assert chain.check(chain.patient, "privacy", action, args) == ResultCode.UNKNOWN_SIGNER
        assert chain.run(chain.patient, "privacy", action, args).code == ResultCode.UNKNOWN_SIGNER
    assert _privacy_state(chain) == before
    record = load_request(chain.store, request)
    assert record is not None and record.open and load_consent(chain.store, consent) is not None


def test_no_one_else_withdraws_answers_or_files_for_the_patient(chain: PrivacyChain) -> None:
    consent = chain.consent()
    request = _file(chain)
    # a second patient of hospital A: a non-member with a consent relation of its own
    neighbour = key(83)
    chain.ok(
        chain.hospital_a, "privacy", "record_consent",
        chain.signed(chain.terms(subject=did_key(neighbour)), neighbour),
    )  # fmt: skip
    chain.refuse(
        neighbour, "privacy", "withdraw_consent", {"consent": consent},
        ResultCode.NOT_DATA_SUBJECT, "sender",
    )  # fmt: skip
    chain.refuse(
        neighbour, "privacy", "file_request", _request_args(chain), ResultCode.NOT_DATA_SUBJECT,
        "sender",
    )  # fmt: skip
    own = {**_request_args(chain, "withdrawal", consent=consent), "subject": did_key(neighbour)}
    chain.refuse(
        neighbour, "privacy", "file_request", own, ResultCode.REQUEST_MISMATCH, "args.consent"
    )
    # the patient cannot file with a hospital it has no consent with
    to_b = {**_request_args(chain), "controller": HOSPITAL_B}
    chain.refuse(
        chain.patient, "privacy", "file_request", to_b, ResultCode.NO_CONSENT_RELATION,
        "args.controller",
    )  # fmt: skip
    # hospital B does not answer, acknowledge or withdraw for hospital A
    for action, args in (
        ("acknowledge_request", {"request": request}),
        ("answer_request", _answer(request)),
        ("record_erasure", _erasure(chain, controller=HOSPITAL_B, request=request)),
    ):
        chain.refuse(
            chain.hospital_b, "privacy", action, args, ResultCode.NOT_DID_CONTROLLER, "sender"
        )
    chain.refuse(
        chain.hospital_b, "privacy", "withdraw_consent", {"consent": consent},
        ResultCode.NOT_DATA_SUBJECT, "sender",
    )  # fmt: skip
    chain.refuse(
        chain.hospital_b, "privacy", "record_erasure", _erasure(chain),
        ResultCode.NOT_DID_CONTROLLER, "sender",
    )  # fmt: skip
    record = load_consent(chain.store, consent)
    assert record is not None and record.state == "given"


# --- deletions, tombstones and clocks -------------------------------------------------


def test_a_deletion_is_closed_only_by_its_controllers_erasure(chain: PrivacyChain) -> None:
    chain.consent()
    deletion = _file(chain, "deletion")
    access = _file(chain, "access")
    chain.refuse(
        chain.hospital_a, "privacy", "answer_request", _answer(deletion, "fulfilled"),
        ResultCode.REQUEST_MISMATCH, "args.outcome",
    )  # fmt: skip
    chain.refuse(
        chain.hospital_a, "privacy", "record_erasure", _erasure(chain, request=access),
        ResultCode.REQUEST_MISMATCH, "args.request",
    )  # fmt: skip
    # hospital B's deletion request is not closed by hospital A's erasure, nor the reverse
    chain.consent(by=chain.hospital_b, controller=HOSPITAL_B, recipients=[])
    theirs = _request_args(chain, "deletion", controller=HOSPITAL_B)
    chain.ok(chain.patient, "privacy", "file_request", theirs)
    chain.refuse(
        chain.hospital_a, "privacy", "record_erasure", _erasure(chain, request=theirs["id"]),
        ResultCode.NOT_DID_CONTROLLER, "sender",
    )  # fmt: skip
    chain.refuse(
        chain.hospital_b, "privacy", "record_erasure",
        _erasure(chain, controller=HOSPITAL_B, request=deletion), ResultCode.NOT_DID_CONTROLLER,
        "sender",
    )  # fmt: skip
    args = _erasure(chain, request=deletion)
    chain.ok(chain.hospital_a, "privacy", "record_erasure", args)
    tombstone = load_erasure(chain.store, HOSPITAL_A, bytes(args["subject_ref"]))
    closed = load_request(chain.store, deletion)
    assert tombstone is not None and closed is not None
    assert (closed.outcome, closed.answer) == ("fulfilled", erasure_digest(tombstone))
    # a closed deletion is not closed again, nor answered, nor its tombstone replaced
    chain.refuse(
        chain.hospital_a, "privacy", "record_erasure", _erasure(chain, request=deletion),
        ResultCode.REQUEST_CLOSED, "args.request",
    )  # fmt: skip
    chain.refuse(
        chain.hospital_a, "privacy", "answer_request", _answer(deletion),
        ResultCode.REQUEST_CLOSED, "args.request",
    )  # fmt: skip
    chain.refuse(
        chain.hospital_a, "privacy", "record_erasure", {**args, "records": []},
        ResultCode.ERASURE_EXISTS, "args.subject_ref",
    )  # fmt: skip


def test_late_answers_are_flagged_on_every_path(chain: PrivacyChain) -> None:
    chain.consent()
    exact, late, acknowledged = (_file(chain) for _ in range(3))
    deletion = _file(chain, "deletion")
    chain.ok(chain.hospital_a, "privacy", "acknowledge_request", {"request": acknowledged})
    first = load_request(chain.store, exact)
    assert first is not None
    # answered exactly at the due time: not late
    chain.wait(first.due - chain.next_time())
    result = chain.ok(chain.hospital_a, "privacy", "answer_request", _answer(exact))
    assert chain.times[-1] == first.due and _attribute(result, "late") == "false"
    chain.wait(60)
    result = chain.ok(chain.hospital_a, "privacy", "answer_request", _answer(late))
    assert _attribute(result, "late") == "true"
    # an early acknowledgement does not stop the clock
    result = chain.ok(chain.hospital_a, "privacy", "answer_request", _answer(acknowledged))
    assert _attribute(result, "late") == "true"
    # an erasure dated before the due time, recorded after it, still closes the request late
    filed = load_request(chain.store, deletion)
    assert filed is not None
    args = _erasure(chain, request=deletion, erased_at=filed.due - 60)
    result = chain.ok(chain.hospital_a, "privacy", "record_erasure", args)
    assert [e.type for e in result.events] == ["privacy.erasure", "privacy.answer"]
    assert _attribute(result, "late", 1) == "true"
    for request_id in (late, acknowledged, deletion):
        closed = load_request(chain.store, request_id)
        assert closed is not None and closed.late and not closed.overdue_at(10**12)


def test_times_in_the_future_are_refused_and_the_breach_clock_holds(chain: PrivacyChain) -> None:
    now = chain.next_time()
    breach = {
        "id": secrets.token_bytes(16), "controller": HOSPITAL_A, "detected": now + 1,
        "categories": [SUMMARY], "subjects": 10, "digest": digest("breach"),
    }  # fmt: skip
    chain.refuse(
        chain.hospital_a, "privacy", "report_breach", breach, ResultCode.TIME_IN_FUTURE,
        "args.detected",
    )  # fmt: skip
    future = _erasure(chain, erased_at=chain.next_time() + 1)
    chain.refuse(
        chain.hospital_a, "privacy", "record_erasure", future, ResultCode.TIME_IN_FUTURE,
        "args.erased_at",
    )  # fmt: skip
    for offset, late in ((CLOCK_SECONDS, "false"), (CLOCK_SECONDS + 1, "true")):
        detected = chain.next_time() - offset
        result = chain.ok(
            chain.hospital_a, "privacy", "report_breach",
            {**breach, "id": secrets.token_bytes(16), "detected": detected},
        )  # fmt: skip
        assert _attribute(result, "late") == late
    for detected in (-1, 2**63, True, "1800000000"):
        chain.refuse(
            chain.hospital_a, "privacy", "report_breach",
            {**breach, "id": secrets.token_bytes(16), "detected": detected},
            ResultCode.INVALID_ARGUMENT, "args.detected",
        )  # fmt: skip
    for expires in (chain.next_time(), chain.next_time() - 1, 0):
        chain.refuse(
            chain.hospital_a, "privacy", "record_consent",
            chain.signed(chain.terms(expires=expires)), ResultCode.CONSENT_EXPIRED, "args.expires",
        )  # fmt: skip
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent", chain.signed(chain.terms(expires=2**63)),
        ResultCode.INVALID_ARGUMENT, "args.expires",
    )  # fmt: skip


# --- the vault's reads ----------------------------------------------------------------


def test_the_vault_reads_only_under_the_exact_live_consent(
    chain: PrivacyChain, vault: Vault
) -> None:
    patient = did_key(chain.patient)
    stored = vault.put(patient, SUMMARY, PAYLOAD)
    neighbour = key(83)  # another patient of hospital A, with a consent of its own
    theirs_args = chain.signed(chain.terms(subject=did_key(neighbour)), neighbour)
    chain.ok(chain.hospital_a, "privacy", "record_consent", theirs_args)
    refused = chain.consent(decision="refused")
    to_b = chain.consent(by=chain.hospital_b, controller=HOSPITAL_B, recipients=[HOSPITAL_A])
    wallet_reader = did_key(key(84))
    to_wallet = chain.consent(recipients=[wallet_reader])
    given = chain.consent()
    cases: list[tuple[str, bytes, dict[str, Any]]] = [
        ("subject", bytes(theirs_args["id"]), {}),
        ("refused", refused, {}),
        ("controller", to_b, {"reader": HOSPITAL_A}),
        ("recipient", to_wallet, {"reader": did_key(key(85))}),
        ("recipient", given, {"reader": "did:sen:benh-vien-b2"}),
        ("purpose", given, {"purpose": "dpv:ServiceProvision2"}),
        ("purpose", given, {"purpose": "dpv:serviceprovision"}),
        ("unknown", secrets.token_bytes(16), {}),
    ]
    for problem, consent, asked in cases:
        assert _read_refused(chain, vault, stored.reference, consent, **asked) == problem
    assert vault.who_read(patient) == []
    assert read_for(chain, vault, stored.reference, to_wallet, reader=wallet_reader) == PAYLOAD
    assert read_for(chain, vault, stored.reference, given, reader=HOSPITAL_A) == PAYLOAD
    # a category the consent does not list: another record of the same patient
    lab = vault.put(patient, "pd:HealthRecords", b"lab")
    assert _read_refused(chain, vault, lab.reference, given) == "category"
    # a fulfilled withdrawal request withdraws: the next read is refused
    request = _request_args(chain, "withdrawal", consent=given)
    chain.ok(chain.patient, "privacy", "file_request", request)
    chain.ok(chain.hospital_a, "privacy", "answer_request", _answer(request["id"], "fulfilled"))
    assert _read_refused(chain, vault, stored.reference, given) == "withdrawn"
    # the last second before expiry reads, the expiry second does not
    expiring = chain.consent(expires=chain.next_time() + 100)
    recorded = load_consent(chain.store, expiring)
    assert recorded is not None
    expires = recorded.terms.expires
    assert read_for(chain, vault, stored.reference, expiring, at=expires - 1) == PAYLOAD
    assert _read_refused(chain, vault, stored.reference, expiring, at=expires) == "expired"
    assert len(vault.who_read(patient)) == 3  # only the served reads are logged
    vault.erase(patient, at=chain.times[-1])
    with pytest.raises(RecordErased):
        read_for(chain, vault, stored.reference, to_wallet, reader=wallet_reader)


# --- malformed arguments --------------------------------------------------------------


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


MALFORMED: list[Any] = [
    None, True, False, 0, -1, 2**64 - 1, -(2**63), b"", b"\xff" * 16, bytes(32), "", "x" * 5000,
    "did:key:", "did:key:z", "did:key:z6Mk" + "1" * 200, "did:sen:", "did:sen:benh-vien-a\n",
    "dpv:ServiceProvision\n", " dpv:ServiceProvision", "dpv:Ser\u0000vice", [], [[]], _nested(14),
    {"a": 1}, {}, list(range(2000)), [[bytes(16), bytes(32)]] * 1001, ["dpv:A"] * 40, [None],
    [[bytes(16), bytes(32), b""]], [[bytes(32), bytes(16)]], [["a", "b"]], [b"x"],
]  # fmt: skip


def test_malformed_arguments_are_clean_refusals(chain: PrivacyChain) -> None:
    consent = chain.consent()
    request = _file(chain, "deletion")
    bases: dict[str, dict[str, Any]] = {
        "record_consent": chain.signed(chain.terms()),
        "withdraw_consent": {"consent": consent},
        "file_request": _request_args(chain, "withdrawal", consent=consent),
        "acknowledge_request": {"request": request},
        "answer_request": _answer(request),
        "record_erasure": _erasure(chain, request=request),
        "report_breach": {
            "id": secrets.token_bytes(16), "controller": HOSPITAL_A,
            "detected": chain.next_time(), "categories": [SUMMARY], "subjects": 3,
            "digest": digest("d"),
        },
        "file_assessment": {
            "id": secrets.token_bytes(16), "controller": HOSPITAL_A, "kind": "processing",
            "digest": digest("d"),
        },
        "review_assessment": {
            "id": secrets.token_bytes(16), "controller": HOSPITAL_A, "decision": "accepted",
        },
    }  # fmt: skip
    block = BlockInfo(chain.height + 1, chain.next_time(), 0, bytes(20))
    crashes: list[str] = []
    accepted: list[str] = []
    for name, base in bases.items():
        action = find_action("privacy", name)
        assert action is not None
        for field in [*base, "extra"]:
            for value in MALFORMED:
                args = {**base, field: value}
                for signer in (chain.hospital_a, chain.patient, chain.auditor):
                    sender = _address(signer)
                    ctx = Context(
                        Overlay(chain.store), block, PARAMS, bytes(32), 0, sender, chain.store
                    )
                    try:
                        parsed = action.parse(args, PARAMS)
                        action.admit(chain.store, sender, parsed, (block.time_seconds, 0))
                        action.execute(ctx, parsed)
                    except TxRejected as exc:
                        assert exc.field, (name, field, value)
                    except Exception as exc:  # any other exception: a crash
                        crashes.append(f"{name} {field}={value!r:.40}: {exc!r}")
                    else:
                        accepted.append(f"{name} {field}={value!r:.40}")
    assert crashes == []
    # what is accepted is only what is well formed (withdrawal consent id 0..0 is unknown)
    assert all("extra" not in a for a in accepted), accepted
    # and through the node: the block runs, each is refused, the state is untouched
    before = _privacy_state(chain)
    bad = [
        ("record_consent", {**bases["record_consent"], "recipients": _nested(12)}),
        ("record_consent", {**bases["record_consent"], "subject": b"did:key:z6Mk"}),
        ("record_erasure", {**bases["record_erasure"], "records": [[bytes(16)] * 3] * 1000}),
        ("record_erasure", {**bases["record_erasure"], "erased_at": 2**64 - 1}),
        ("report_breach", {**bases["report_breach"], "subjects": 10**12 + 1}),
        ("file_request", {**bases["file_request"], "kind": ["deletion"]}),
    ]
    results = chain.block(*_txs(chain, chain.hospital_a, bad))
    assert all(r.code != 0 for r in results), [r.log for r in results]
    assert _privacy_state(chain) == before


# --- determinism and personal data ----------------------------------------------------


def test_tombstones_do_not_depend_on_the_order_given_and_replays_agree(
    chain: PrivacyChain, tmp_path: Path
) -> None:
    chain.consent()
    records = sorted([[secrets.token_bytes(16), secrets.token_bytes(32)] for _ in range(5)])
    first = _erasure(chain, records=records, erased_at=chain.next_time() - 5)
    second = {**first, "controller": HOSPITAL_B, "records": list(reversed(records))}
    digest_a = chain.ok(chain.hospital_a, "privacy", "record_erasure", first).data
    chain.ok(chain.hospital_b, "privacy", "record_erasure", second)
    a = load_erasure(chain.store, HOSPITAL_A, bytes(first["subject_ref"]))
    b = load_erasure(chain.store, HOSPITAL_B, bytes(first["subject_ref"]))
    assert a is not None and b is not None and a.records == b.records
    assert digest_a == erasure_digest(a)
    deletion = _file(chain, "deletion")
    chain.ok(chain.hospital_a, "privacy", "acknowledge_request", {"request": deletion})
    chain.ok(chain.patient, "privacy", "withdraw_consent", {"consent": chain.consent()})
    assessment = {
        "id": secrets.token_bytes(16), "controller": HOSPITAL_A, "kind": "processing",
        "digest": digest("dpia"),
    }  # fmt: skip
    chain.ok(chain.hospital_a, "privacy", "file_assessment", assessment)
    review = {"id": assessment["id"], "controller": HOSPITAL_A, "decision": "accepted"}
    review["digest"] = assessment["digest"]
    chain.ok(chain.auditor, "privacy", "review_assessment", review)
    assert chain.replay(tmp_path / "replay") == chain.app_hashes


def test_no_personal_data_reaches_the_chain(chain: PrivacyChain, vault: Vault) -> None:
    patient = did_key(chain.patient)
    stored = vault.put(patient, SUMMARY, PAYLOAD)
    opening = vault.opening(stored.reference)
    consent = chain.consent()
    read_for(chain, vault, stored.reference, consent)
    batch = vault.seal_access_batch()
    assert batch is not None
    chain.ok(chain.writer, "evidence", "anchor", {"digest": batch.root})
    request = _file(chain, "deletion")
    statement = vault.erase(patient, at=chain.times[-1])
    args = {
        "controller": HOSPITAL_A, "subject_ref": statement.subject,
        "records": [[r, c] for r, c in statement.records], "erased_at": statement.at,
        "request": request,
    }  # fmt: skip
    chain.ok(chain.hospital_a, "privacy", "record_erasure", args)
    everything = chain.store.scan(b"", b"\xff" * 64, 1_000_000)
    values = b"".join(k + v for k, v in everything)
    for secret in (PAYLOAD, NAME.encode(), b"079201001234", opening.salt):
        assert secret not in values
    for height in range(1, chain.height + 1):
        for result in chain.store.load_results(height) or []:
            for event in result.events:
                for attribute in event.attributes:
                    assert NAME not in attribute.value and "0792010" not in attribute.value


# --- findings -----------------------------------------------------------------------------
# Fixed ones now pass as tests of the fix; the rest stay xfail(strict) until fixed.


def test_a_non_member_has_one_transaction_in_flight(chain: PrivacyChain) -> None:
    """Fixed finding: admit judges each open action on the committed state alone, so a
    non-member's queued transactions were all admitted and refused only in the block. Now a
    non-member's second transaction waits for the first's block (NONCE_TOO_HIGH)."""
    consent = chain.consent()
    calls = [("file_request", _request_args(chain)) for _ in range(MAX_OPEN_REQUESTS + 8)]
    calls += [("withdraw_consent", {"consent": consent})] * 8
    txs = _txs(chain, chain.patient, calls)
    codes = [int(r.code) for r in chain.app.check_txs([t.raw for t in txs])]
    assert codes[0] == ResultCode.OK
    assert set(codes[1:]) == {ResultCode.NONCE_TOO_HIGH}
    prepared = chain.app.prepare_proposal(
        RequestPrepareProposal(
            max_tx_bytes=10**6, txs=tuple(t.raw for t in txs), height=chain.height + 1,
            time=Timestamp(chain.next_time(), 0), next_validators_hash=bytes(32),
            proposer_address=bytes(20),
        )
    )  # fmt: skip
    assert list(prepared.txs) == [txs[0].raw]


def test_a_deletion_request_is_not_closed_by_an_empty_tombstone(chain: PrivacyChain) -> None:
    """Fixed finding: an erasure of no record closed a deletion request as fulfilled."""
    chain.consent()
    deletion = _file(chain, "deletion")
    fake = _erasure(chain, subject_ref=secrets.token_bytes(16), records=[], request=deletion)
    result = chain.run(chain.hospital_a, "privacy", "record_erasure", fake)
    closed = load_request(chain.store, deletion)
    assert closed is not None
    assert (result.code, closed.outcome) != (ResultCode.OK, "fulfilled")


def test_the_controller_cannot_fill_the_subjects_request_quota(chain: PrivacyChain) -> None:
    """Fixed finding: the controller's own filings counted against the subject's 16."""
    chain.consent()
    held = [_file(chain, by=chain.hospital_a) for _ in range(MAX_OPEN_REQUESTS)]
    chain.wait(CLOCK_SECONDS - 3 * 3600)
    # just before they fall due: answer them all and file as many again, in one block
    calls = [("answer_request", _answer(r)) for r in held]
    calls += [("file_request", _request_args(chain)) for _ in held]
    results = chain.block(*_txs(chain, chain.hospital_a, calls))
    assert all(r.code == 0 for r in results)
    assert not any(load_request(chain.store, r).late for r in held)  # type: ignore[union-attr]
    deletion = _request_args(chain, "deletion")
    assert chain.check(chain.patient, "privacy", "file_request", deletion) == 0


def test_a_review_names_the_dossier_it_read(chain: PrivacyChain) -> None:
    """Fixed finding: an amendment slipped before the review in the same block was accepted
    unread. The review now names the digest it read (ASSESSMENT_CHANGED otherwise)."""
    dossier = {
        "id": secrets.token_bytes(16), "controller": HOSPITAL_A, "kind": "cross_border",
        "digest": digest("dpia v1, reviewed"),
    }  # fmt: skip
    chain.ok(chain.hospital_a, "privacy", "file_assessment", dossier)
    swap = {**dossier, "digest": digest("dpia v2, never reviewed")}
    review = {
        "id": dossier["id"], "controller": HOSPITAL_A, "decision": "accepted",
        "digest": dossier["digest"],
    }  # fmt: skip
    results = chain.block(
        chain.tx(chain.hospital_a, "privacy", "file_assessment", swap),
        chain.tx(chain.auditor, "privacy", "review_assessment", review),
    )
    assert [r.code for r in results] == [ResultCode.OK, ResultCode.ASSESSMENT_CHANGED]
    kept = load_assessment(chain.store, HOSPITAL_A, bytes(dossier["id"]))
    assert kept is not None and (kept.status, kept.version) == ("amended", 2)


def test_a_subject_key_the_chain_cannot_hear_is_refused_at_recording(
    chain: PrivacyChain,
) -> None:
    """Fixed finding: a P-256 subject was recorded on a chain that takes transactions from
    Ed25519 keys only, and could then never withdraw itself."""
    wallet = EcdsaSuite(P256).generate()
    terms = chain.terms(subject=did_key(wallet))
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent", chain.signed(terms, wallet),
        ResultCode.SUITE_NOT_ALLOWED, "args.subject",
    )  # fmt: skip


def test_another_controller_cannot_squat_a_signed_consent_id(chain: PrivacyChain) -> None:
    """Fixed finding: consent ids were global, so another controller recorded a consent of
    its own under the id the patient signed for hospital A (seen in the mempool), and A
    could no longer record it (CONSENT_EXISTS). Now an id starts with 8 bytes bound to its
    subject and controller (consent_id_prefix): the squat is refused."""
    signed = chain.signed(chain.terms())
    puppet = key(90)  # a did:key hospital B holds itself
    squat = chain.terms(
        id=signed["id"], subject=did_key(puppet), controller=HOSPITAL_B, recipients=[]
    )
    chain.refuse(
        chain.hospital_b, "privacy", "record_consent", chain.signed(squat, puppet),
        ResultCode.INVALID_ARGUMENT, "args.id",
    )  # fmt: skip
    result = chain.run(chain.hospital_a, "privacy", "record_consent", signed)
    assert result.code == ResultCode.OK, result.log


def test_an_erasure_is_not_dated_before_the_request_it_fulfils(chain: PrivacyChain) -> None:
    """Fixed finding: a tombstone could claim an erasure before the deletion request."""
    chain.consent()
    deletion = _file(chain, "deletion")
    filed = load_request(chain.store, deletion)
    assert filed is not None
    args = _erasure(chain, erased_at=filed.filed[1] - DAY, request=deletion)
    result = chain.run(chain.hospital_a, "privacy", "record_erasure", args)
    assert result.code != ResultCode.OK, "erased a day before the subject asked"


def test_the_vault_is_bound_to_its_controller(chain: PrivacyChain, tmp_path: Path) -> None:
    """Fixed finding: the caller named the controller, so a consent given to hospital A
    opened the patient's records in hospital B's vault."""
    store = SqliteVaultStore(tmp_path / "vault-b.db", "VN")
    try:
        pepper = b"pepper of hospital B".ljust(32, b".")
        vault_b = Vault(store, SoftwareKek(bytes(32)), pepper, controller=HOSPITAL_B)
        stored = vault_b.put(did_key(chain.patient), SUMMARY, PAYLOAD)
        given_to_a = chain.consent(recipients=[])
        with pytest.raises(ConsentMissing):  # hospital A reads hospital B's records
            read_for(chain, vault_b, stored.reference, given_to_a, reader=HOSPITAL_A)
    finally:
        store.close()


def test_the_vault_does_not_judge_at_a_stale_time(chain: PrivacyChain, vault: Vault) -> None:
    """Fixed finding: Vault.read trusted the caller's `at`, so a stale time read under an
    expired consent and the access log recorded the stale time. Now the vault judges at the
    state's own last block time when it is later (proven with the consent), and never at a
    time earlier than a read it already judged."""
    stored = vault.put(did_key(chain.patient), SUMMARY, PAYLOAD)
    consent = chain.consent(expires=chain.next_time() + 30)
    read_for(chain, vault, stored.reference, consent)  # allowed, judged at the chain's time
    chain.wait(DAY)
    chain.block()
    record = load_consent(chain.store, consent)
    assert record is not None and chain.times[-1] >= record.terms.expires
    stale = record.terms.expires - 1
    with pytest.raises(ConsentMissing) as refused:
        read_for(chain, vault, stored.reference, consent, at=stale)
    assert refused.value.problem == "expired"
    [logged] = vault.who_read(did_key(chain.patient))  # only the first read
    assert isinstance(logged, Access) and logged.at < record.terms.expires


def test_the_vault_never_judges_a_read_earlier_than_the_last(
    chain: PrivacyChain, vault: Vault
) -> None:
    """Where the state keeps no time, a read is never judged (nor logged) before a read the
    vault already logged; a refused read moves nothing (a future time cannot lock reads)."""
    from sen.ledger.state import StateReader

    class NoClock:  # the state without the last block's time, as an open chain's
        def __init__(self, inner: StateReader) -> None:
            self.inner = inner

        def get(self, key: bytes) -> bytes | None:
            return None if key == LAST_BLOCK_TIME_KEY else self.inner.get(key)

        def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
            return self.inner.scan(start, end, limit)

    stored = vault.put(did_key(chain.patient), SUMMARY, PAYLOAD)
    consent = chain.consent(expires=chain.next_time() + DAY)
    state = NoClock(chain.store)

    def read(at: int) -> None:
        vault.read(
            stored.reference, consent=consent, reader=HOSPITAL_B, purpose=TREATMENT,
            state=state, at=at,
        )  # fmt: skip

    later = chain.times[-1] + 3600
    read(later)
    read(later - 1800)  # a stale time: judged, and logged, at the later one
    first, second = vault.who_read(did_key(chain.patient))
    assert first.at == second.at == later  # type: ignore[union-attr]
    with pytest.raises(ConsentMissing):  # refused far in the future: the clock stays
        read(later + 10 * 365 * DAY)
    read(later)


def test_a_missing_argument_refusal_says_what_was_expected(chain: PrivacyChain) -> None:
    """Fixed finding: a missing argument's refusal had no expected and no got."""
    action = find_action("privacy", "record_consent")
    assert action is not None
    args = chain.signed(chain.terms())
    del args["expires"]
    with pytest.raises(TxRejected) as caught:
        action.parse(args, PARAMS)
    assert caught.value.field == "args.expires"
    assert caught.value.expected is not None and caught.value.got is not None
