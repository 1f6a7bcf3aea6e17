"""Issuing and verifying credentials: a Sen diploma under each cryptosuite, and how each breaks."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from vc_support import (
    ED25519_METHOD,
    HOLDER_NAME,
    NOW,
    P256_METHOD,
    SIGNED_AT,
    Issuer,
    diploma,
)

from sen.ledger.crypto import get_suite
from sen.vc import (
    DIPLOMA_V1,
    ErrorCode,
    InvalidDocument,
    SigningError,
    UnsupportedCryptosuite,
    VerificationResult,
    did_key,
    resolve_did_key,
    sign_credential,
    verify_credential,
)

SUITES = [
    ("eddsa-rdfc-2022", ED25519_METHOD),
    ("eddsa-jcs-2022", ED25519_METHOD),
    ("ecdsa-rdfc-2019", P256_METHOD),
]


def _sign(
    issuer: Issuer, suite: str, method: str, credential: dict[str, Any] | None = None
) -> dict[str, Any]:
    return sign_credential(credential or diploma(), issuer.keys[method], method, suite, SIGNED_AT)


def _verify(issuer: Issuer, vc: object, **options: Any) -> VerificationResult:
    options.setdefault("now", NOW)
    return verify_credential(vc, issuer.resolve, is_authorized=issuer.is_authorized, **options)


def _codes(result: VerificationResult) -> list[ErrorCode]:
    return [problem.code for problem in result.errors]


@pytest.mark.parametrize(("suite", "method"), SUITES)
def test_a_diploma_signed_under_each_cryptosuite_verifies(
    issuer: Issuer, suite: str, method: str
) -> None:
    signed = _sign(issuer, suite, method)

    result = _verify(issuer, signed)

    assert result.verified, result.errors
    assert result.checks == ("dataModel", "proof", "proofPurpose", "controller", "validity")
    assert result.warnings == ()
    assert signed["proof"]["cryptosuite"] == suite
    assert signed["proof"]["proofValue"].startswith("z")
    assert signed["proof"]["created"] == "2025-06-30T09:00:00Z"


@pytest.mark.parametrize(("suite", "method"), SUITES)
def test_vietnamese_names_round_trip_exactly(issuer: Issuer, suite: str, method: str) -> None:
    signed = _sign(issuer, suite, method)
    wire = json.dumps(signed, ensure_ascii=False).encode("utf-8")

    received = json.loads(wire.decode("utf-8"))

    assert received["credentialSubject"]["name"] == HOLDER_NAME == "Nguyễn Thị Minh Khai"
    assert received["credentialSubject"]["diploma"]["classification"] == "Giỏi"
    assert _verify(issuer, received).verified


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("credentialSubject", "name"), "Nguyễn Thị Minh Khải"),  # one diacritic
        (("credentialSubject", "birthDate"), "2003-05-20"),
        (("credentialSubject", "diploma", "classification"), "Xuất sắc"),
        (("credentialSubject", "diploma", "graduationYear"), "2024"),
        (("credentialSubject", "id"), "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doL"),
        (("issuer", "name"), "Đại học Quốc gia Hà Nội"),
        (("validFrom",), "2025-06-29T00:00:00+07:00"),
        (("id",), "urn:uuid:00000000-1d7b-4c39-9e61-2b8f0d4a7c15"),
        (("type",), ["VerifiableCredential"]),
        (("proof", "created"), "2025-06-30T09:00:01Z"),
        (("proof", "verificationMethod"), "the other key"),
        (("proof", "proofValue"), None),  # flip a character of the signature
    ],
)
@pytest.mark.parametrize(("suite", "method"), SUITES)
def test_tampering_with_any_field_fails_the_proof(
    issuer: Issuer, suite: str, method: str, where: tuple[str, ...], value: object
) -> None:
    signed = _sign(issuer, suite, method)
    tampered = copy.deepcopy(signed)
    node = tampered
    for key in where[:-1]:
        node = node[key]
    if value is None:
        original = node[where[-1]]
        value = original[:-2] + ("2" if original[-2] != "2" else "3") + original[-1]
    if value == "the other key":
        value = P256_METHOD if method == ED25519_METHOD else ED25519_METHOD
    node[where[-1]] = value

    result = _verify(issuer, tampered)

    assert not result.verified
    assert "proof" not in result.checks
    assert set(_codes(result)) & {ErrorCode.INVALID_SIGNATURE, ErrorCode.KEY_MISMATCH}


def test_a_credential_without_a_proof_is_rejected(issuer: Issuer) -> None:
    result = _verify(issuer, diploma())

    assert not result.verified
    assert result.errors[0].as_dict() == {
        "code": "MISSING_PROOF",
        "message": "the document has no proof",
        "path": "$.proof",
    }


def test_wrong_proof_purpose_is_rejected(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)

    result = _verify(issuer, signed, expected_purpose="authentication")

    assert _codes(result) == [ErrorCode.WRONG_PROOF_PURPOSE]
    assert result.errors[0].path == "$.proof.proofPurpose"
    assert "proofPurpose" not in result.checks


def test_a_proof_claiming_another_purpose_does_not_verify(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)
    signed["proof"]["proofPurpose"] = "authentication"

    result = _verify(issuer, signed)

    assert set(_codes(result)) == {ErrorCode.WRONG_PROOF_PURPOSE, ErrorCode.INVALID_SIGNATURE}


@pytest.mark.parametrize(
    ("now", "code", "path"),
    [
        (datetime(2025, 6, 29, 16, 59, 59, tzinfo=UTC), ErrorCode.NOT_YET_VALID, "$.validFrom"),
        (datetime(2031, 1, 1, tzinfo=UTC), ErrorCode.EXPIRED, "$.validUntil"),
    ],
)
def test_expired_and_not_yet_valid_credentials_are_rejected(
    issuer: Issuer, now: datetime, code: ErrorCode, path: str
) -> None:
    credential = diploma()
    credential["validUntil"] = "2030-12-31T23:59:59Z"
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD, credential)

    result = _verify(issuer, signed, now=now)

    assert [(problem.code, problem.path) for problem in result.errors] == [(code, path)]
    assert "proof" in result.checks and "validity" not in result.checks


def test_validity_bounds_are_inclusive_and_time_zone_aware(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)  # validFrom 2025-06-30T00:00:00+07:00

    at_start = _verify(issuer, signed, now=datetime(2025, 6, 29, 17, 0, tzinfo=UTC))

    assert at_start.verified


def test_a_naive_now_is_a_programming_error(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)
    with pytest.raises(ValueError, match="aware"):
        _verify(issuer, signed, now=datetime(2025, 9, 1))


def test_an_unresolvable_verification_method_is_reported(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)
    signed["proof"]["verificationMethod"] = "did:sen:hust#key-gone"

    result = _verify(issuer, signed)

    assert _codes(result) == [ErrorCode.UNKNOWN_VERIFICATION_METHOD]
    assert result.errors[0].path == "$.proof.verificationMethod"
    assert "key-gone" in result.errors[0].message


def test_a_key_of_the_wrong_type_for_the_cryptosuite_is_reported(issuer: Issuer) -> None:
    signed = _sign(issuer, "ecdsa-rdfc-2019", P256_METHOD)
    signed["proof"]["cryptosuite"] = "eddsa-rdfc-2022"

    result = _verify(issuer, signed)

    assert _codes(result) == [ErrorCode.KEY_MISMATCH]


def test_a_method_not_under_assertion_method_is_unauthorized(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)

    def only_p256(method: str, purpose: str) -> bool:
        return method == P256_METHOD and purpose == "assertionMethod"

    result = verify_credential(signed, issuer.resolve, now=NOW, is_authorized=only_p256)

    assert _codes(result) == [ErrorCode.UNAUTHORIZED_VERIFICATION_METHOD]
    assert "proof" in result.checks and "controller" not in result.checks


def test_without_an_authorization_hook_only_did_key_methods_are_trusted(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)

    result = verify_credential(signed, issuer.resolve, now=NOW)

    assert _codes(result) == [ErrorCode.UNAUTHORIZED_VERIFICATION_METHOD]
    assert "no is_authorized hook" in result.errors[0].message


def test_a_proof_by_someone_other_than_the_issuer_is_rejected(issuer: Issuer) -> None:
    stranger = get_suite("ed25519").load_private(bytes(range(50, 82)))
    _, method = did_key("ed25519", stranger.public_key)
    signed = sign_credential(diploma(), stranger, method, "eddsa-rdfc-2022", SIGNED_AT)

    result = _verify(issuer, signed)

    assert [(p.code, p.path) for p in result.errors] == [(ErrorCode.ISSUER_MISMATCH, "$.issuer")]


def test_an_expired_proof_is_rejected(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)
    signed["proof"]["expires"] = "2025-07-01T00:00:00Z"

    result = _verify(issuer, signed)

    assert ErrorCode.PROOF_EXPIRED in _codes(result)


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        ({"type": "Ed25519Signature2020"}, ErrorCode.MALFORMED_PROOF, "$.proof.type"),
        ({"cryptosuite": "bbs-2023"}, ErrorCode.UNSUPPORTED_CRYPTOSUITE, "$.proof.cryptosuite"),
        (
            {"verificationMethod": "key one"},
            ErrorCode.MALFORMED_PROOF,
            "$.proof.verificationMethod",
        ),
        ({"proofValue": "uAAAA"}, ErrorCode.MALFORMED_PROOF, "$.proof.proofValue"),
        ({"proofValue": "z0OIl"}, ErrorCode.MALFORMED_PROOF, "$.proof.proofValue"),
        ({"proofValue": "z3mJr7AoUXx2Wqd"}, ErrorCode.MALFORMED_PROOF, "$.proof.proofValue"),
        ({"created": "2025-06-30 09:00:00"}, ErrorCode.INVALID_DATE, "$.proof.created"),
    ],
)
def test_malformed_proofs_are_named(
    issuer: Issuer, change: dict[str, str], code: ErrorCode, path: str
) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)
    signed["proof"].update(change)

    result = _verify(issuer, signed)

    assert (code, path) in [(problem.code, problem.path) for problem in result.errors]


def test_proof_must_be_an_object(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)
    signed["proof"] = "signed, trust me"

    result = _verify(issuer, signed)

    assert ErrorCode.MALFORMED_PROOF in _codes(result)


def test_a_second_proof_joins_a_proof_set_and_both_must_verify(issuer: Issuer) -> None:
    once = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)
    twice = sign_credential(
        once, issuer.keys[P256_METHOD], P256_METHOD, "ecdsa-rdfc-2019", SIGNED_AT
    )

    assert [proof["cryptosuite"] for proof in twice["proof"]] == [
        "eddsa-rdfc-2022",
        "ecdsa-rdfc-2019",
    ]
    assert _verify(issuer, twice).verified
    twice["proof"][1]["created"] = "2025-06-30T09:00:01Z"
    assert [(p.code, p.path) for p in _verify(issuer, twice).errors] == [
        (ErrorCode.INVALID_SIGNATURE, "$.proof[1].proofValue")
    ]


def test_signing_refuses_a_cryptosuite_sen_does_not_implement(issuer: Issuer) -> None:
    with pytest.raises(UnsupportedCryptosuite) as raised:
        _sign(issuer, "ecdsa-sd-2023", P256_METHOD)
    assert raised.value.code == ErrorCode.UNSUPPORTED_CRYPTOSUITE


@pytest.mark.parametrize(
    ("suite", "method"), [("eddsa-rdfc-2022", P256_METHOD), ("ecdsa-rdfc-2019", ED25519_METHOD)]
)
def test_signing_refuses_a_key_of_the_wrong_type(issuer: Issuer, suite: str, method: str) -> None:
    with pytest.raises(SigningError, match="signs with"):
        _sign(issuer, suite, method)


def test_signing_refuses_a_signer_whose_signatures_do_not_verify(issuer: Issuer) -> None:
    class Broken:
        public_key = issuer.keys[ED25519_METHOD].public_key

        def sign(self, message: bytes) -> bytes:
            return bytes(64)

    with pytest.raises(SigningError, match="does not verify"):
        sign_credential(diploma(), Broken(), ED25519_METHOD, "eddsa-rdfc-2022", SIGNED_AT)


def test_signing_refuses_an_invalid_credential_listing_every_problem(issuer: Issuer) -> None:
    credential = diploma()
    credential["type"] = ["DiplomaCredential"]
    credential["validUntil"] = "2020-01-01T00:00:00Z"
    del credential["issuer"]

    with pytest.raises(InvalidDocument) as raised:
        _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD, credential)

    assert [(p.code, p.path) for p in raised.value.problems] == [
        (ErrorCode.MISSING_TYPE, "$.type"),
        (ErrorCode.INVALID_ISSUER, "$.issuer"),
        (ErrorCode.INVALID_VALIDITY_PERIOD, "$.validUntil"),
    ]


def test_signing_does_not_change_the_input(issuer: Issuer) -> None:
    credential = diploma()
    before = copy.deepcopy(credential)

    _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD, credential)

    assert credential == before


def test_signing_without_created_stamps_the_current_second(issuer: Issuer) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    signed = sign_credential(
        diploma(), issuer.keys[ED25519_METHOD], ED25519_METHOD, "eddsa-jcs-2022"
    )
    created = datetime.fromisoformat(signed["proof"]["created"])
    assert before <= created <= datetime.now(UTC) + timedelta(seconds=1)


def test_text_not_in_unicode_nfc_is_signed_but_warned_about(issuer: Issuer) -> None:
    import unicodedata

    credential = diploma()
    credential["credentialSubject"]["name"] = unicodedata.normalize("NFD", HOLDER_NAME)
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD, credential)

    result = _verify(issuer, signed)

    assert result.verified
    assert [(w.code, w.path) for w in result.warnings] == [
        (ErrorCode.NOT_NFC, "$.credentialSubject.name")
    ]


def test_terms_only_an_undefined_term_vocabulary_defines_are_warned_about(issuer: Issuer) -> None:
    credential = diploma()
    credential["@context"] = [
        *credential["@context"],
        "https://www.w3.org/ns/credentials/undefined-terms/v2",
    ]
    credential["credentialSubject"]["nickname"] = "Khai"
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD, credential)

    result = _verify(issuer, signed)

    assert result.verified
    assert [w.code for w in result.warnings] == [ErrorCode.UNDEFINED_TERM]
    assert "undefined-term#nickname" in result.warnings[0].message


def test_a_did_key_issuer_verifies_with_the_did_key_resolver() -> None:
    key = get_suite("ecdsa-p256").load_private(bytes(range(7, 39)))
    did, method = did_key("ecdsa-p256", key.public_key)
    credential = diploma()
    credential["issuer"] = did

    signed = sign_credential(credential, key, method, "ecdsa-rdfc-2019", SIGNED_AT)

    assert method.startswith("did:key:zDn")
    assert verify_credential(signed, resolve_did_key, now=NOW).verified


def test_the_diploma_context_is_the_sen_one(issuer: Issuer) -> None:
    signed = _sign(issuer, "eddsa-rdfc-2022", ED25519_METHOD)
    assert signed["@context"] == ["https://www.w3.org/ns/credentials/v2", DIPLOMA_V1]


def test_result_serializes_for_apis(issuer: Issuer) -> None:
    result = _verify(issuer, diploma())

    assert result.as_dict() == {
        "verified": False,
        "checks": ["dataModel", "validity"],
        "errors": [
            {"code": "MISSING_PROOF", "message": "the document has no proof", "path": "$.proof"}
        ],
        "warnings": [],
    }
