"""VC-API tokens: one per issuer, salted SHA-256 in a 0600 file, rotated and revoked."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from sen.services.credentials.errors import IssuerConfigError
from sen.services.credentials.tokens import TokenStore

VNU = "did:sen:vnu"
COLLEGE = "did:sen:college"


@pytest.fixture
def store(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "config" / "vc-tokens.json")


def test_a_token_is_kept_only_as_a_salted_hash_in_a_0600_file(store: TokenStore) -> None:
    record, token = store.create(VNU, now=1_764_662_400)
    assert token.startswith(f"senvc_{record.id}_") and len(token) == 83
    text = store.path.read_text()
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert token not in text and token.split("_")[2] not in text
    assert hashlib.sha256(token.encode()).hexdigest() not in text  # salted
    [entry] = json.loads(text)["tokens"]
    assert entry == {
        "id": record.id,
        "issuer": VNU,
        "salt": record.salt.hex(),
        "sha256": hashlib.sha256(record.salt + token.encode()).hexdigest(),
        "created": 1_764_662_400,
    }
    assert len(record.salt) == 16
    assert [p.name for p in store.path.parent.iterdir()] == ["vc-tokens.json"]


def test_a_token_names_its_issuer_and_only_its_issuer(store: TokenStore) -> None:
    _, vnu = store.create(VNU)
    _, college = store.create(COLLEGE)
    assert store.issuer_of(vnu) == VNU
    assert store.issuer_of(college) == COLLEGE


@pytest.mark.parametrize(
    "change",
    [
        lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"),  # another secret
        lambda token: token[:6] + "000000000000" + token[18:],  # an unknown id
        lambda token: token.upper(),
        lambda token: token + "0",
        lambda token: token[6:],
        lambda token: "",
        lambda token: "sai-token",
    ],
)
def test_anything_but_the_token_names_no_issuer(store: TokenStore, change: object) -> None:
    _, token = store.create(VNU)
    assert callable(change)
    assert store.issuer_of(change(token)) is None


def test_creating_again_rotates_the_issuers_token_only(store: TokenStore) -> None:
    _, old = store.create(VNU)
    _, college = store.create(COLLEGE)
    _, new = store.create(VNU)
    assert store.issuer_of(old) is None
    assert store.issuer_of(new) == VNU
    assert store.issuer_of(college) == COLLEGE
    assert sorted(r.issuer for r in store.records()) == [COLLEGE, VNU]


def test_a_revoked_token_stops_working(store: TokenStore) -> None:
    _, token = store.create(VNU)
    assert store.revoke(VNU) is True
    assert store.issuer_of(token) is None
    assert store.revoke(VNU) is False
    assert store.records() == ()


def test_no_file_is_no_token(store: TokenStore) -> None:
    assert store.records() == ()
    assert store.issuer_of("senvc_000000000000_" + "0" * 64) is None


def test_a_file_others_can_read_is_refused(store: TokenStore) -> None:
    store.create(VNU)
    store.path.chmod(0o644)
    with pytest.raises(IssuerConfigError) as refused:
        store.records()
    assert refused.value.message == (
        f"{store.path}: others can read it (mode 0644): chmod 600 {store.path}"
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not json", "not JSON"),
        ('{"format": "other"}', 'expected {"format": "sen-vc-tokens", ...}'),
        ('{"format": "sen-vc-tokens", "version": 2}', "version 2; expected 1"),
        (
            '{"format": "sen-vc-tokens", "version": 1, "tokens": [{"id": "x"}]}',
            "tokens[0] id: expected 12 hex digits",
        ),
    ],
)
def test_a_damaged_file_is_refused_naming_the_fault(
    store: TokenStore, document: str, message: str
) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text(document)
    store.path.chmod(0o600)
    with pytest.raises(IssuerConfigError, match=message.replace("[", r"\[").replace("{", r"\{")):
        store.records()
