"""Presentations: a graduate shows a diploma to an employer, bound to the employer's challenge."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from vc_support import ED25519_METHOD, NOW, P256_METHOD, SIGNED_AT, Issuer, diploma

from sen.ledger.crypto import SigningKey, get_suite
from sen.vc import (
    ErrorCode,
    InvalidDocument,
    VerificationResult,
    default_loader,
    did_key,
    sign_credential,
    sign_presentation,
    verify_presentation,
)
from sen.vc.proofs import ProofOptions, create_proof

CHALLENGE = "f3b1c2d4-7e8a-4b9c-a1d2-e3f4a5b6c7d8"
DOMAIN = "https://tuyendung.viettel.example"


def _presentation(
    issuer: Issuer, holder: SigningKey, suite: str = "eddsa-rdfc-2022"
) -> dict[str, Any]:
    did, _ = did_key(holder.suite, holder.public_key)
    credential = sign_credential(
        diploma(did), issuer.keys[ED25519_METHOD], ED25519_METHOD, "eddsa-rdfc-2022", SIGNED_AT
    )
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": did,
        "verifiableCredential": [credential],
    }


def _signed(
    issuer: Issuer, holder: SigningKey, suite: str = "eddsa-rdfc-2022", **extra: Any
) -> dict[str, Any]:
    _, method = did_key(holder.suite, holder.public_key)
    options: dict[str, Any] = {"challenge": CHALLENGE, "domain": DOMAIN, "created": NOW}
    options.update(extra)
    return sign_presentation(_presentation(issuer, holder), holder, method, suite, **options)


def _verify(
    issuer: Issuer, vp: object, challenge: str | None = CHALLENGE, domain: str | None = DOMAIN
) -> VerificationResult:
    return verify_presentation(
        vp, issuer.resolve, challenge, domain, now=NOW, is_authorized=issuer.is_authorized
    )


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_presentation_with_a_diploma_verifies(
    issuer: Issuer, holder_key: SigningKey, suite: str
) -> None:
    vp = _signed(issuer, holder_key, suite)

    result = _verify(issuer, vp)

    assert result.verified, result.errors
    assert result.checks == ("dataModel", "proof", "proofPurpose", "controller", "credentials")
    assert vp["proof"]["proofPurpose"] == "authentication"
    assert (vp["proof"]["challenge"], vp["proof"]["domain"]) == (CHALLENGE, DOMAIN)


def test_a_p256_holder_can_present(issuer: Issuer) -> None:
    holder = get_suite("ecdsa-p256").load_private(bytes(range(40, 72)))
    assert _verify(issuer, _signed(issuer, holder, "ecdsa-rdfc-2019")).verified


def test_a_replayed_presentation_fails_the_new_challenge(
    issuer: Issuer, holder_key: SigningKey
) -> None:
    result = _verify(issuer, _signed(issuer, holder_key), challenge="another-nonce")

    assert [(p.code, p.path) for p in result.errors] == [
        (ErrorCode.INVALID_CHALLENGE, "$.proof.challenge")
    ]


def test_a_presentation_for_another_verifier_fails_the_domain(
    issuer: Issuer, holder_key: SigningKey
) -> None:
    result = _verify(issuer, _signed(issuer, holder_key), domain="https://other.example")

    assert [(p.code, p.path) for p in result.errors] == [
        (ErrorCode.INVALID_DOMAIN, "$.proof.domain")
    ]


def test_a_credential_proof_cannot_stand_in_for_a_presentation_proof(
    issuer: Issuer, holder_key: SigningKey
) -> None:
    vp = _presentation(issuer, holder_key)
    _, method = did_key(holder_key.suite, holder_key.public_key)
    # an assertionMethod proof over the presentation: wrong purpose, and no challenge or domain
    vp["proof"] = create_proof(
        vp,
        holder_key,
        ProofOptions("eddsa-rdfc-2022", method, "assertionMethod", NOW),
        default_loader(),
    )

    codes = {p.code for p in _verify(issuer, vp).errors}

    assert codes == {
        ErrorCode.WRONG_PROOF_PURPOSE,
        ErrorCode.INVALID_CHALLENGE,
        ErrorCode.INVALID_DOMAIN,
    }


def test_a_presentation_signed_by_someone_else_than_the_holder_is_rejected(
    issuer: Issuer, holder_key: SigningKey
) -> None:
    thief = get_suite("ed25519").load_private(bytes(range(200, 232)))
    vp = _presentation(issuer, holder_key)
    _, method = did_key(thief.suite, thief.public_key)

    signed = sign_presentation(
        vp, thief, method, "eddsa-rdfc-2022", challenge=CHALLENGE, domain=DOMAIN, created=NOW
    )

    assert [(p.code, p.path) for p in _verify(issuer, signed).errors] == [
        (ErrorCode.HOLDER_MISMATCH, "$.holder")
    ]


def test_a_changed_credential_inside_fails_both_proofs(
    issuer: Issuer, holder_key: SigningKey
) -> None:
    vp = _signed(issuer, holder_key)
    tampered = copy.deepcopy(vp)
    tampered["verifiableCredential"][0]["credentialSubject"]["diploma"]["classification"] = (
        "Xuất sắc"
    )

    result = _verify(issuer, tampered)

    assert [(p.code, p.path) for p in result.errors] == [
        (ErrorCode.INVALID_SIGNATURE, "$.proof.proofValue"),
        (ErrorCode.INVALID_SIGNATURE, "$.verifiableCredential[0].proof.proofValue"),
    ]


def test_an_expired_credential_inside_fails_the_credentials_check(
    issuer: Issuer, holder_key: SigningKey
) -> None:
    did, method = did_key(holder_key.suite, holder_key.public_key)
    credential = diploma(did)
    credential["validUntil"] = "2025-08-31T23:59:59+07:00"
    signed_credential = sign_credential(
        credential, issuer.keys[P256_METHOD], P256_METHOD, "ecdsa-rdfc-2019", SIGNED_AT
    )
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": did,
        "verifiableCredential": signed_credential,
    }
    signed = sign_presentation(
        vp, holder_key, method, "eddsa-rdfc-2022", challenge=CHALLENGE, domain=DOMAIN, created=NOW
    )

    result = _verify(issuer, signed)

    assert [(p.code, p.path) for p in result.errors] == [
        (ErrorCode.EXPIRED, "$.verifiableCredential.validUntil")
    ]
    assert "credentials" not in result.checks and "proof" in result.checks


def test_a_presentation_without_a_proof_is_rejected(issuer: Issuer, holder_key: SigningKey) -> None:
    result = _verify(issuer, _presentation(issuer, holder_key))
    assert [p.code for p in result.errors] == [ErrorCode.MISSING_PROOF]


def test_signing_refuses_an_invalid_presentation(issuer: Issuer, holder_key: SigningKey) -> None:
    vp = _presentation(issuer, holder_key)
    vp["type"] = ["VerifiableCredential"]
    _, method = did_key(holder_key.suite, holder_key.public_key)

    with pytest.raises(InvalidDocument) as raised:
        sign_presentation(
            vp, holder_key, method, "eddsa-rdfc-2022", challenge=CHALLENGE, domain=DOMAIN
        )
    assert raised.value.code == ErrorCode.MISSING_TYPE


def test_verifying_a_non_object_presentation(issuer: Issuer) -> None:
    result = _verify(issuer, ["not", "a", "presentation"])
    assert [(p.code, p.path) for p in result.errors] == [(ErrorCode.MALFORMED_PRESENTATION, "$")]
