"""Consent on chain: given, refused and withdrawn records the patient signs, and the check
the vault makes at every read (each refusal with its reason)."""

from __future__ import annotations

import pytest
from consortium import CHAIN_ID
from privacy_chain import DAY, HOSPITAL_A, HOSPITAL_B, SUMMARY, TREATMENT, PrivacyChain, did_key

from sen.ledger.codes import ResultCode
from sen.ledger.modules.privacy import (
    ConsentRefused,
    ConsentTerms,
    consent_allows,
    consent_message,
    load_consent,
    subject_consents,
)


def _allows(chain: PrivacyChain, consent: bytes, **changes: object) -> None:
    asked: dict[str, object] = {
        "subject": did_key(chain.patient),
        "controller": HOSPITAL_A,
        "recipient": HOSPITAL_B,
        "purpose": TREATMENT,
        "category": SUMMARY,
        "at": chain.next_time(),
    }
    asked.update(changes)
    consent_allows(chain.store, consent, **asked)  # type: ignore[arg-type]


def _refused(chain: PrivacyChain, consent: bytes, problem: str, **changes: object) -> None:
    with pytest.raises(ConsentRefused) as caught:
        _allows(chain, consent, **changes)
    assert caught.value.problem == problem
    assert caught.value.expected and caught.value.got


def test_a_given_consent_lets_the_recipient_read_for_its_purpose(chain: PrivacyChain) -> None:
    consent = chain.consent()
    record = load_consent(chain.store, consent)
    assert record is not None and record.state == "given"
    assert record.recorded == (chain.height, chain.times[-1])
    _allows(chain, consent)
    _allows(chain, consent, recipient=HOSPITAL_A)  # the controller holds what it was given
    assert [c.terms.id for c in subject_consents(chain.store, did_key(chain.patient))] == [consent]


def test_every_mismatch_is_refused_with_its_reason(chain: PrivacyChain) -> None:
    consent = chain.consent()
    _refused(chain, consent, "recipient", recipient="did:sen:benh-vien-c")
    _refused(chain, consent, "purpose", purpose="dpv:Marketing")
    _refused(chain, consent, "category", category="pd:Genetic")
    _refused(chain, consent, "subject", subject=did_key(chain.stranger))
    _refused(chain, consent, "controller", controller=HOSPITAL_B)
    _refused(chain, bytes(16), "unknown")
    record = load_consent(chain.store, consent)
    assert record is not None
    _allows(chain, consent, at=record.terms.expires - 1)
    _refused(chain, consent, "expired", at=record.terms.expires)


def test_a_refused_consent_is_recorded_and_allows_nothing(chain: PrivacyChain) -> None:
    consent = chain.consent(decision="refused")
    record = load_consent(chain.store, consent)
    assert record is not None and record.state == "refused"
    _refused(chain, consent, "refused")


def test_the_patient_withdraws_without_being_a_member(chain: PrivacyChain) -> None:
    consent = chain.consent()
    args = {"consent": consent}
    assert chain.check(chain.patient, "privacy", "withdraw_consent", args) == 0
    assert chain.check(chain.stranger, "privacy", "withdraw_consent", args) == (
        ResultCode.NOT_DATA_SUBJECT
    )
    result = chain.ok(chain.patient, "privacy", "withdraw_consent", args)
    assert [e.type for e in result.events] == ["privacy.withdraw"]
    record = load_consent(chain.store, consent)
    assert record is not None and record.state == "withdrawn"
    assert record.withdrawn_by == "subject"
    _refused(chain, consent, "withdrawn")
    assert chain.check(chain.patient, "privacy", "withdraw_consent", args) == (
        ResultCode.CONSENT_NOT_LIVE
    )
    chain.refuse(
        chain.patient, "privacy", "withdraw_consent", args, ResultCode.CONSENT_NOT_LIVE,
        "args.consent",
    )  # fmt: skip


def test_the_controller_may_withdraw_for_the_patient_and_no_one_else(chain: PrivacyChain) -> None:
    consent = chain.consent()
    args = {"consent": consent}
    chain.refuse(
        chain.hospital_b, "privacy", "withdraw_consent", args, ResultCode.NOT_DATA_SUBJECT,
        "sender",
    )  # fmt: skip
    chain.refuse(
        chain.stranger, "privacy", "withdraw_consent", {"consent": bytes(16)},
        ResultCode.UNKNOWN_CONSENT, "args.consent",
    )  # fmt: skip
    chain.ok(chain.hospital_a, "privacy", "withdraw_consent", args)
    record = load_consent(chain.store, consent)
    assert record is not None and record.withdrawn_by == "controller"


def test_recording_refusals_name_the_field(chain: PrivacyChain) -> None:
    def refuse(args: dict[str, object], code: ResultCode, field: str, signer=None) -> None:  # type: ignore[no-untyped-def]
        chain.refuse(signer or chain.hospital_a, "privacy", "record_consent", args, code, field)

    terms = chain.terms()
    refuse(
        chain.signed(terms, chain.stranger), ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature"
    )
    other_chain = consent_message("another-chain", ConsentTerms.from_value(terms))
    refuse(
        {**terms, "signature": chain.patient.sign(other_chain)},
        ResultCode.INVALID_CONSENT_SIGNATURE, "args.signature",
    )  # fmt: skip
    signed = chain.signed(terms)
    refuse(
        {**signed, "expires": terms["expires"] + 1},
        ResultCode.INVALID_CONSENT_SIGNATURE,
        "args.signature",
    )
    refuse(signed, ResultCode.NOT_DID_CONTROLLER, "sender", signer=chain.hospital_b)
    refuse(
        chain.signed(chain.terms(purposes=["Chữa bệnh"])),
        ResultCode.INVALID_PRIVACY_TERM,
        "args.purposes[0]",
    )
    refuse(chain.signed(chain.terms(categories=[])), ResultCode.INVALID_ARGUMENT, "args.categories")
    refuse(
        chain.signed(chain.terms(recipients=[HOSPITAL_B, HOSPITAL_B])), ResultCode.INVALID_ARGUMENT,
        "args.recipients[1]",
    )  # fmt: skip
    refuse(
        chain.signed(chain.terms(recipients=["079201001234"])),
        ResultCode.INVALID_DID,
        "args.recipients[0]",
    )
    refuse(
        chain.signed(chain.terms(expires=chain.next_time())),
        ResultCode.CONSENT_EXPIRED,
        "args.expires",
    )
    refuse({**signed, "subject": "did:sen:patient"}, ResultCode.INVALID_DID, "args.subject")
    refuse({**signed, "id": b"short"}, ResultCode.INVALID_ARGUMENT, "args.id")
    refuse({**signed, "name": "Nguyễn Văn A"}, ResultCode.INVALID_ARGUMENT, "args.name")
    chain.ok(chain.hospital_a, "privacy", "record_consent", signed)
    refuse(signed, ResultCode.CONSENT_EXISTS, "args.id")


def test_a_p256_wallet_key_signs_on_a_chain_that_takes_its_transactions(
    chain: PrivacyChain,
) -> None:
    """The signature verifies; the chain takes Ed25519 transactions only, so the subject
    could never withdraw itself: refused at recording, naming the subject."""
    from sen.ledger.crypto import P256, EcdsaSuite

    wallet = EcdsaSuite(P256).generate()
    terms = chain.terms(subject=did_key(wallet))
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent", chain.signed(terms, wallet),
        ResultCode.SUITE_NOT_ALLOWED, "args.subject",
    )  # fmt: skip


def test_thirty_days_later_the_consent_has_expired(chain: PrivacyChain) -> None:
    consent = chain.consent()
    chain.wait(30 * DAY)
    chain.block()
    _refused(chain, consent, "expired", at=chain.times[-1])


def test_replaying_the_blocks_gives_the_same_app_hashes(chain: PrivacyChain, tmp_path) -> None:  # type: ignore[no-untyped-def]
    consent = chain.consent()
    chain.consent(decision="refused")
    chain.ok(chain.patient, "privacy", "withdraw_consent", {"consent": consent})
    assert chain.replay(tmp_path / "replay") == chain.app_hashes
    assert CHAIN_ID
