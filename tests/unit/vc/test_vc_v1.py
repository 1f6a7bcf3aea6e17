"""VCDM 1.1 credentials: read, signed and verified with 1.1's validity names (and 2.0's)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from vc_support import NOW, SIGNED_AT

from sen.ledger.crypto import get_suite
from sen.vc import (
    ErrorCode,
    InvalidDocument,
    did_key,
    resolve_did_key,
    sign_credential,
    verify_credential,
)
from sen.vc.datamodel import check_credential, data_model_version

V1 = "https://www.w3.org/2018/credentials/v1"
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"
# 1.1's context does not define 2.0's names; a credential may define them itself
VALIDITY_TERMS = {
    "validFrom": {
        "@id": "https://www.w3.org/2018/credentials#validFrom",
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    },
    "validUntil": {
        "@id": "https://www.w3.org/2018/credentials#validUntil",
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    },
}
KEY = get_suite("ed25519").generate()
DID, METHOD = did_key(KEY.suite, KEY.public_key)


def credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": [V1, {"name": "https://schema.org/name", **VALIDITY_TERMS}],
        "id": "urn:uuid:36245ee9-9074-4b05-a777-febff2e69757",
        "type": ["VerifiableCredential"],
        "issuer": DID,
        "issuanceDate": "2025-06-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:alice", "name": "Alice"},
        **extra,
    }


def sign(document: dict[str, Any], suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    return sign_credential(document, KEY, METHOD, suite, created=SIGNED_AT)


def codes(document: dict[str, Any], now: datetime = NOW) -> list[str]:
    return [p.code for p in verify_credential(document, resolve_did_key, now=now).errors]


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_1_1_credential_is_signed_with_the_data_integrity_context_and_verifies(
    suite: str,
) -> None:
    signed = sign(credential(), suite)
    assert data_model_version(signed) == 1
    assert signed["@context"][-1] == DATA_INTEGRITY  # 1.1's context lacks the proof terms
    result = verify_credential(signed, resolve_did_key, now=NOW)
    assert result.verified, result.errors
    assert "validity" in result.checks
    assert codes({**signed, "credentialSubject": {"id": "did:example:alice", "name": "Eve"}}) == [
        ErrorCode.INVALID_SIGNATURE
    ]


def test_issuance_and_expiration_dates_bound_the_period() -> None:
    signed = sign(credential(expirationDate="2025-08-01T00:00:00Z"))
    assert codes(signed) == [ErrorCode.EXPIRED]
    assert codes(signed, datetime(2025, 5, 1, tzinfo=UTC)) == [ErrorCode.NOT_YET_VALID]
    assert codes(signed, datetime(2025, 7, 1, tzinfo=UTC)) == []
    [problem] = check_credential({k: v for k, v in credential().items() if k != "issuanceDate"})
    assert (problem.code, problem.path) == (ErrorCode.MISSING_PROPERTY, "$.issuanceDate")


def test_signed_2_0_bounds_in_a_1_1_credential_are_never_ignored() -> None:
    """A 1.1 credential whose context defines validFrom/validUntil is bound by them too."""
    expired = sign(credential(validUntil="2025-07-01T00:00:00Z"))
    assert codes(expired) == [ErrorCode.EXPIRED]
    early = sign(credential(validFrom="2030-01-01T00:00:00Z"))
    assert codes(early) == [ErrorCode.NOT_YET_VALID]
    with pytest.raises(InvalidDocument) as refused:
        sign(credential(validFrom="2030-01-01T00:00:00Z", validUntil="2020-01-01T00:00:00Z"))
    assert [(p.code, p.path) for p in refused.value.problems] == [
        (ErrorCode.INVALID_VALIDITY_PERIOD, "$.validUntil"),
        (ErrorCode.INVALID_VALIDITY_PERIOD, "$.validUntil"),
    ]
