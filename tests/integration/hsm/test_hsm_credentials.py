"""A diploma credential signed by keys that never leave a SoftHSM2 token, then verified."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sen.sdk.pkcs11 import Pkcs11Key
from sen.vc import DIPLOMA_V1, did_key, resolve_did_key, sign_credential, verify_credential


def _diploma(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", DIPLOMA_V1],
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "issuer": issuer,
        "validFrom": "2025-06-30T00:00:00+07:00",
        "credentialSubject": {
            "name": "Nguyễn Thị Minh Khai",
            "diploma": {"type": "Diploma", "degreeName": "Kỹ sư Điện tử", "graduationYear": "2025"},
        },
    }


@pytest.mark.parametrize(
    ("key_fixture", "cryptosuite"),
    [
        ("ed25519_key", "eddsa-rdfc-2022"),
        ("ed25519_key", "eddsa-jcs-2022"),
        ("p256_key", "ecdsa-rdfc-2019"),
    ],
)
def test_an_hsm_key_signs_a_credential_that_verifies(
    request: pytest.FixtureRequest, key_fixture: str, cryptosuite: str
) -> None:
    key: Pkcs11Key = request.getfixturevalue(key_fixture)
    did, method = did_key(key.suite, key.public_key)

    signed = sign_credential(
        _diploma(did), key, method, cryptosuite, datetime(2025, 6, 30, 9, tzinfo=UTC)
    )
    result = verify_credential(signed, resolve_did_key, now=datetime(2025, 9, 1, tzinfo=UTC))

    assert result.verified, result.errors
