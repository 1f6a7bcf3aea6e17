"""``sen keys new --suite`` for every suite; ``show`` prints the suite and the address."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sen.cli.main import main
from sen.ledger.crypto import address_of, get_suite
from sen.sdk import Keyring

SUITES = ("ed25519", "ecdsa-p256", "ecdsa-secp256k1", "ml-dsa-65")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài")
    monkeypatch.setenv("SEN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SEN_NODE", raising=False)
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


@pytest.mark.parametrize("suite", SUITES)
def test_keys_new_with_a_suite_stores_it_encrypted(
    suite: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["keys", "new", "so-y-te", "--suite", suite], capsys)
    assert code == 0, err
    assert "Created key so-y-te" in out and suite in out
    code, out, _ = run(["keys", "show", "so-y-te", "--json"], capsys)
    shown = json.loads(out)
    public_key = bytes.fromhex(shown["public_key"])
    assert shown["suite"] == suite
    assert shown["address"] == address_of(suite, public_key).hex()
    assert len(public_key) == get_suite(suite).public_key_size
    code, out, _ = run(["keys", "show", "so-y-te"], capsys)
    assert code == 0 and suite in out and shown["address"] in out
    assert "ENCRYPTED PRIVATE KEY" in (tmp_path / "keys" / "so-y-te.pem").read_text()
    key = Keyring(tmp_path / "keys").load("so-y-te", "mật-khẩu-đủ-dài")
    assert key.suite == suite and key.public_key == public_key


def test_keys_list_shows_each_suite(capsys: pytest.CaptureFixture[str]) -> None:
    for suite in SUITES:
        assert run(["keys", "new", f"k-{suite}", "--suite", suite], capsys)[0] == 0
    code, out, _ = run(["keys", "list", "--json"], capsys)
    assert code == 0
    assert sorted(k["suite"] for k in json.loads(out)) == sorted(SUITES)


def test_an_unknown_suite_is_a_usage_error_listing_the_known(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["keys", "new", "x", "--suite", "rsa-2048"], capsys)
    assert code == 2
    assert "unknown suite 'rsa-2048'" in err
    assert "ecdsa-p256, ecdsa-secp256k1, ed25519, ml-dsa-65" in err


def test_keys_new_refuses_a_weak_passphrase_naming_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SEN_PASSPHRASE", "123456789012")
    code, _, err = run(["keys", "new", "so-y-te"], capsys)
    assert code == 2
    assert err.strip().endswith(
        "passphrase too weak: it is all digits; use at least 12 characters, not all digits, "
        "not one character repeated"
    )
    assert not (tmp_path / "keys" / "so-y-te.pem").exists()
