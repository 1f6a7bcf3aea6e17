"""``[vc]`` and ``[[vc.issuers]]`` in sen.toml: what is read, and every refusal naming its key."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

import pytest

from sen.services.credentials.config import load_vc_settings, parse_vc_settings
from sen.services.credentials.errors import IssuerConfigError

DEFAULT_URL = "http://127.0.0.1:26680"
TOKEN_HASH = hashlib.sha256(b"token").hexdigest()
ISSUER = {
    "did": "did:sen:vnu",
    "verification_method": "did:sen:vnu#key-1",
    "key": "vnu-issuer",
    "status_list": "bang-2025",
}


DID_KEY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
DID_KEY_ISSUER = {
    **ISSUER,
    "did": DID_KEY,
    "verification_method": f"{DID_KEY}#{DID_KEY.removeprefix('did:key:')}",
}


def parse(table: dict[str, Any]) -> Any:
    return parse_vc_settings(table, DEFAULT_URL, where="sen.toml")


def test_a_complete_configuration() -> None:
    settings = parse(
        {
            "public_url": "https://vc.vnu.edu.vn/",
            "issue_token_sha256": TOKEN_HASH.upper(),
            "publish_credentials": False,
            "issuers": [{**ISSUER, "suspension_list": "tam-dung", "tx_key": "vnu-ops"}],
        }
    )
    assert settings.public_url == "https://vc.vnu.edu.vn"
    assert settings.issue_token_sha256 == TOKEN_HASH
    assert settings.publish_credentials is False
    issuer = settings.issuer("did:sen:vnu")
    assert issuer is not None and issuer.cryptosuite == "eddsa-rdfc-2022"
    assert issuer.transaction_key == "vnu-ops" and issuer.suspension_list == "tam-dung"
    assert settings.issuer("did:sen:moet") is None


def test_a_did_key_issuer_needs_no_accreditation_unless_configured() -> None:
    """An issuer known by its key alone (interoperability, the W3C suites) cannot be
    accredited in the trust registry: by default it issues without."""
    [issuer] = parse({"issuers": [DID_KEY_ISSUER]}).issuers
    assert issuer.did == DID_KEY and issuer.require_accreditation is False
    [strict] = parse({"issuers": [{**DID_KEY_ISSUER, "require_accreditation": True}]}).issuers
    assert strict.require_accreditation is True
    [sen] = parse({"issuers": [ISSUER]}).issuers
    assert sen.require_accreditation is True


def test_defaults_without_a_vc_table(tmp_path: Path) -> None:
    path = tmp_path / "sen.toml"
    path.write_text("[api]\nport = 1\n", encoding="utf-8")
    settings = load_vc_settings(path, DEFAULT_URL)
    assert settings.public_url == DEFAULT_URL
    assert settings.issue_token_sha256 is None and settings.issuers == ()


@pytest.mark.parametrize(
    ("table", "where", "reason"),
    [
        ({"public_url": "ftp://x"}, "[vc] public_url", "http(s)"),
        ({"issue_token_sha256": "secret"}, "[vc] issue_token_sha256", "never the token"),
        ({"publish_credentials": "yes"}, "[vc] publish_credentials", "true or false"),
        ({"issuer": []}, "[vc] issuer", "unknown setting"),
        ({"issuers": [{**ISSUER, "did": "did:key:z6Mk"}]}, "#1 did", ""),
        ({"issuers": [{**ISSUER, "did": "did:sen:VNU"}]}, "#1 did", "did:sen name"),
        ({"issuers": [{**ISSUER, "did": "did:web:vnu.edu.vn"}]}, "#1 did", ""),
        (
            {"issuers": [{**ISSUER, "require_accreditation": "yes"}]},
            "#1 require_accreditation",
            "true or false",
        ),
        (
            {"issuers": [{**DID_KEY_ISSUER, "verification_method": "did:sen:vnu#key-1"}]},
            "#1 verification_method",
            DID_KEY + "#",
        ),
        (
            {"issuers": [{**ISSUER, "verification_method": "did:sen:moet#key-1"}]},
            "#1 verification_method",
            "did:sen:vnu#",
        ),
        ({"issuers": [{**ISSUER, "cryptosuite": "rsa"}]}, "#1 cryptosuite", "eddsa-rdfc-2022"),
        ({"issuers": [{**ISSUER, "status_list": "Bằng"}]}, "#1 status_list", "a-z, 0-9"),
        (
            {"issuers": [{**ISSUER, "suspension_list": "bang-2025"}]},
            "#1 suspension_list",
            "must differ",
        ),
        ({"issuers": [{k: v for k, v in ISSUER.items() if k != "key"}]}, "#1 key", "missing"),
        ({"issuers": [ISSUER, ISSUER]}, "[[vc.issuers]]", "listed twice"),
        ({"issuers": [{**ISSUER, "passphrase": "x"}]}, "#1 passphrase", "unknown setting"),
    ],
)
def test_refusals_name_the_setting(table: dict[str, Any], where: str, reason: str) -> None:
    with pytest.raises(IssuerConfigError) as refused:
        parse(table)
    assert where in refused.value.where
    assert reason in refused.value.reason


def test_the_file_must_be_toml(tmp_path: Path) -> None:
    path = tmp_path / "sen.toml"
    path.write_text("[vc\n", encoding="utf-8")
    with pytest.raises(IssuerConfigError, match="cannot read"):
        load_vc_settings(path, DEFAULT_URL)
    path.write_text('[vc]\npublic_url = "https://x.vn"\n', encoding="utf-8")
    assert load_vc_settings(path, DEFAULT_URL).public_url == "https://x.vn"
    assert tomllib.loads(path.read_text())["vc"]["public_url"] == "https://x.vn"
