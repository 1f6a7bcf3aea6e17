"""Opening an issuer's key: a PIN in a ``pkcs11:`` URI never reaches the error (a 503 body)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from sen.sdk.pkcs11 import MODULE_ENV, PIN_ENV
from sen.services.credentials.config import parse_vc_settings
from sen.services.credentials.errors import IssuerUnavailable
from sen.services.credentials.service import CredentialService
from sen.services.credentials.store import VcStore
from sen.services.credentials.tokens import TokenStore

if TYPE_CHECKING:
    from sen.node.node import Node

URI = "pkcs11:token=t;object=a?module-path=/nowhere/libsofthsm2.so&pin-value=s3cr3t-pin"


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODULE_ENV, raising=False)
    monkeypatch.delenv(PIN_ENV, raising=False)


def _service(tmp_path: Path, key: str) -> CredentialService:
    issuer = {
        "did": "did:sen:vnu",
        "verification_method": "did:sen:vnu#key-1",
        "key": key,
        "status_list": "bang-2025",
    }
    settings = parse_vc_settings({"issuers": [issuer]}, "http://127.0.0.1:1", where="sen.toml")
    return CredentialService(
        cast("Node", None), settings, VcStore(tmp_path), TokenStore(tmp_path / "tokens.json")
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            URI,
            "cannot open the issuer key 'pkcs11:token=t;object=a?module-path=/nowhere/"
            "libsofthsm2.so&pin-value=***': PKCS#11 module /nowhere/libsofthsm2.so (from "
            "module-path in the URI) does not exist",
        ),
        (
            "pkcs11:object=a?pin-value=s3cr3t-pin&pin-value=s3cr3t-pin",
            "cannot open the issuer key 'pkcs11:object=a?pin-value=***&pin-value=***': "
            "PKCS#11 URI: pin-value appears more than once",
        ),
        (
            "pkcs11:object=a?pin-value:s3cr3t-pin",
            "cannot open the issuer key 'pkcs11:object=a?***': PKCS#11 URI: a query attribute "
            "has no value (expected name=value)",
        ),
    ],
)
def test_an_issuer_key_uri_is_shown_without_its_pin(tmp_path: Path, key: str, message: str) -> None:
    service = _service(tmp_path, key)
    with pytest.raises(IssuerUnavailable) as failed:
        service._key(key)
    assert failed.value.message == message
    assert "s3cr3t" not in str(failed.value)
