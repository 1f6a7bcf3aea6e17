"""Keys: encrypted round trip, wrong passphrase, tampered files, listing."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from sen.ledger.crypto import address_of, get_suite
from sen.sdk import InvalidInput, KeyFileError, Keyring, address, generate_key

PASSPHRASE = "mật khẩu đủ dài"
OTHER = "một mật khẩu khác"


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "keys")


def test_round_trip_keeps_the_key_and_encrypts_it(keyring: Keyring) -> None:
    info = keyring.new("truong-dhbk", PASSPHRASE)
    key = keyring.load("truong-dhbk", PASSPHRASE)
    assert key.public_key == info.public_key
    assert info.address == address_of("ed25519", key.public_key).hex() == address(key)
    message = b"sen"
    assert get_suite("ed25519").verify(key.public_key, message, key.sign(message))
    pem = info.path.read_text()
    assert pem.startswith("-----BEGIN SEN ENCRYPTED PRIVATE KEY-----\n")
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600


def test_wrong_passphrase_is_a_key_file_error_naming_the_key(keyring: Keyring) -> None:
    keyring.new("alice", PASSPHRASE)
    with pytest.raises(KeyFileError, match="key 'alice': cannot decrypt: wrong passphrase"):
        keyring.load("alice", OTHER)


def test_tampered_private_key_file_is_refused(keyring: Keyring) -> None:
    info = keyring.new("alice", PASSPHRASE)
    lines = info.path.read_text().splitlines()
    body = lines[3]
    lines[3] = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    info.path.write_text("\n".join(lines) + "\n")
    with pytest.raises(KeyFileError, match="key 'alice'"):
        keyring.load("alice", PASSPHRASE)


def test_swapped_public_key_in_sidecar_is_refused(keyring: Keyring) -> None:
    keyring.new("alice", PASSPHRASE)
    other = generate_key()
    sidecar = keyring.path / "alice.json"
    doc = json.loads(sidecar.read_text())
    doc["public_key"] = other.public_key.hex()
    sidecar.write_text(json.dumps(doc))
    with pytest.raises(KeyFileError, match="does not match its public key"):
        keyring.load("alice", PASSPHRASE)


def test_loading_a_missing_key_names_it(keyring: Keyring) -> None:
    with pytest.raises(KeyFileError, match="no key named 'nobody'"):
        keyring.load("nobody", PASSPHRASE)


def test_creating_a_key_twice_is_refused(keyring: Keyring) -> None:
    first = keyring.new("alice", PASSPHRASE)
    with pytest.raises(KeyFileError, match="a key named 'alice' already exists"):
        keyring.new("alice", OTHER)
    assert keyring.load("alice", PASSPHRASE).public_key == first.public_key


def test_empty_passphrase_is_refused_and_nothing_is_written(keyring: Keyring) -> None:
    with pytest.raises(KeyFileError, match="passphrase is required"):
        keyring.new("alice", "")
    assert not (keyring.path / "alice.pem").exists()
    assert not (keyring.path / "alice.json").exists()


@pytest.mark.parametrize("name", ["", ".hidden", "../escape", "a/b", "x" * 65])
def test_bad_names_are_invalid_input(keyring: Keyring, name: str) -> None:
    with pytest.raises(InvalidInput, match="key name"):
        keyring.new(name, PASSPHRASE)


def test_unknown_suite_is_invalid_input(keyring: Keyring) -> None:
    with pytest.raises(InvalidInput, match="unknown signature suite 'rsa'"):
        keyring.new("alice", PASSPHRASE, suite="rsa")


def test_list_shows_every_key_without_a_passphrase(keyring: Keyring) -> None:
    assert keyring.list() == []
    bob = keyring.new("bob", PASSPHRASE)
    alice = keyring.new("alice", OTHER)
    listed = keyring.list()
    assert [k.name for k in listed] == ["alice", "bob"]
    assert [k.address for k in listed] == [alice.address, bob.address]


def test_default_keyring_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "ring"))
    assert Keyring().path == tmp_path / "ring"
    monkeypatch.delenv("SEN_KEYRING")
    assert Keyring().path == Path.home() / ".sen" / "keys"
