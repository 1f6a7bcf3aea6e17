"""Key files: Argon2id parameters, tampering, downgrade, weak passphrases, old files upgraded."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from sen.ledger.crypto import pkcs8_codec
from sen.sdk import InvalidInput, KeyFileError, Keyring, WeakPassphrase, generate_key
from sen.sdk import keys as keys_module
from sen.sdk._keyfile import (
    FLOOR,
    WRITE_PARAMETERS,
    Argon2Parameters,
    is_legacy,
    parameters_of,
    seal,
)
from sen.sdk.keys import _pkcs8_der, address, decode_key, encode_key

PASSPHRASE = "mật khẩu đủ dài"
RULE = "use at least 12 characters, not all digits, not one character repeated"


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "keys")


def _raw(data: bytes) -> bytes:
    return base64.b64decode("".join(data.decode().strip().splitlines()[1:-1]))


def _armour(raw: bytes) -> bytes:
    body = base64.b64encode(raw).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    label = "SEN ENCRYPTED PRIVATE KEY"
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode()


def _write_legacy(keyring: Keyring, name: str, passphrase: str) -> bytes:
    """A key as the keyring stored it before Argon2id: PKCS#8 PEM, PBKDF2 (2,048 rounds)."""
    key = generate_key()
    codec = pkcs8_codec(key.suite)
    assert codec is not None
    pem = codec.to_pkcs8_key(key.private_bytes()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    keyring.path.mkdir(parents=True, exist_ok=True)
    (keyring.path / f"{name}.pem").write_bytes(pem)
    (keyring.path / f"{name}.pem").chmod(0o600)
    sidecar = {
        "name": name,
        "suite": key.suite,
        "public_key": key.public_key.hex(),
        "address": address(key),
        "created": 1,
    }
    (keyring.path / f"{name}.json").write_text(json.dumps(sidecar))
    return key.public_key


def test_a_new_file_states_the_required_argon2id_parameters(keyring: Keyring) -> None:
    info = keyring.new("alice", PASSPHRASE)
    data = info.path.read_bytes()
    assert parameters_of(data) == WRITE_PARAMETERS == Argon2Parameters(65536, 3, 4)
    assert not is_legacy(data)
    raw = _raw(data)
    assert raw[:6] == b"SENK\x01\x01"
    other = keyring.new("bob", PASSPHRASE)
    assert _raw(other.path.read_bytes())[15:43] != raw[15:43]  # a fresh salt and nonce each


@pytest.mark.parametrize(
    ("passphrase", "reason"),
    [
        ("ngắn quá", "it has 8 characters"),
        ("abcdefghijk", "it has 11 characters"),
        ("012345678901234", "it is all digits"),
        ("aaaaaaaaaaaaaaaa", "it is one character repeated"),
        ("            ", "it is one character repeated"),
    ],
)
def test_weak_passphrases_are_refused_naming_the_rule_and_nothing_is_written(
    keyring: Keyring, passphrase: str, reason: str
) -> None:
    with pytest.raises(WeakPassphrase) as refused:
        keyring.new("alice", passphrase)
    assert str(refused.value) == f"passphrase too weak: {reason}; {RULE}"
    assert isinstance(refused.value, InvalidInput)
    assert not keyring.path.exists() or list(keyring.path.iterdir()) == []


@pytest.mark.parametrize(
    "passphrase", ["abcdefghijkl", "a long passphrase", "mật khẩu đủ dài", "1234567890ab"]
)
def test_passphrases_that_pass_the_rule(keyring: Keyring, passphrase: str) -> None:
    keyring.new("alice", passphrase)
    assert keyring.load("alice", passphrase).suite == "ed25519"


def test_characters_are_counted_after_nfc() -> None:
    typed = unicodedata.normalize("NFD", "mật khẩu") + "abc"  # 11 characters, 15 code points
    assert len(typed) >= 12
    with pytest.raises(WeakPassphrase, match="it has 11 characters"):
        encode_key(generate_key(), typed)


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (0, "the file is damaged (no SENK magic)"),
        (4, "key file version 2; this Sen reads version 1"),
        (5, "unknown key derivation 0 (expected 1, Argon2id)"),
        (20, "cannot decrypt: wrong passphrase, or the file is damaged"),  # salt
        (35, "cannot decrypt: wrong passphrase, or the file is damaged"),  # nonce
        (50, "cannot decrypt: wrong passphrase, or the file is damaged"),  # ciphertext
        (-1, "cannot decrypt: wrong passphrase, or the file is damaged"),  # tag
    ],
)
def test_a_tampered_byte_anywhere_is_refused(keyring: Keyring, offset: int, message: str) -> None:
    info = keyring.new("alice", PASSPHRASE)
    raw = bytearray(_raw(info.path.read_bytes()))
    raw[offset] ^= {4: 0x03, 5: 0x01}.get(offset, 0x01)
    info.path.write_bytes(_armour(bytes(raw)))
    with pytest.raises(KeyFileError) as refused:
        keyring.load("alice", PASSPHRASE)
    assert str(refused.value) == f"key 'alice': {message}"


def test_raising_the_cost_in_the_header_breaks_the_seal(keyring: Keyring) -> None:
    info = keyring.new("alice", PASSPHRASE)
    raw = bytearray(_raw(info.path.read_bytes()))
    raw[13] = 5  # iterations 3 -> 5: the header is authenticated
    info.path.write_bytes(_armour(bytes(raw)))
    with pytest.raises(KeyFileError, match="cannot decrypt"):
        keyring.load("alice", PASSPHRASE)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        (Argon2Parameters(1024, 3, 4), "Argon2id memory 1024 is below the floor 19456"),
        (Argon2Parameters(19456, 1, 1), "Argon2id iterations 1 is below the floor 2"),
    ],
)
def test_a_file_below_the_floor_is_refused_even_with_the_right_passphrase(
    keyring: Keyring, parameters: Argon2Parameters, message: str
) -> None:
    downgraded = seal(_pkcs8_der(generate_key()), PASSPHRASE, parameters)
    with pytest.raises(KeyFileError) as refused:
        decode_key(downgraded, PASSPHRASE, "ed25519", source="key 'alice'")
    assert str(refused.value) == (
        f"key 'alice': {message} (memory {FLOOR.memory_kib} KiB, iterations "
        f"{FLOOR.iterations}, lanes {FLOOR.lanes}); refused: the file may have been downgraded"
    )


def test_a_file_above_the_ceiling_is_refused_unopened(keyring: Keyring) -> None:
    info = keyring.new("alice", PASSPHRASE)
    raw = bytearray(_raw(info.path.read_bytes()))
    raw[6:10] = (8 * 1024 * 1024).to_bytes(4, "big")  # 8 GiB
    info.path.write_bytes(_armour(bytes(raw)))
    with pytest.raises(KeyFileError, match="Argon2id memory 8388608 is above the ceiling"):
        keyring.load("alice", PASSPHRASE)


def test_an_old_file_still_loads_and_is_sealed_again_with_argon2id(keyring: Keyring) -> None:
    public_key = _write_legacy(keyring, "alice", PASSPHRASE)
    path = keyring.path / "alice.pem"
    assert is_legacy(path.read_bytes())

    assert keyring.load("alice", PASSPHRASE).public_key == public_key

    upgraded = path.read_bytes()
    assert not is_legacy(upgraded)
    assert parameters_of(upgraded) == WRITE_PARAMETERS
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keyring.load("alice", PASSPHRASE).public_key == public_key
    assert sorted(p.name for p in keyring.path.iterdir()) == ["alice.json", "alice.pem"]


def test_an_old_file_with_a_weak_passphrase_still_loads_and_is_upgraded(
    keyring: Keyring,
) -> None:
    public_key = _write_legacy(keyring, "alice", "x")
    assert keyring.load("alice", "x").public_key == public_key
    assert parameters_of((keyring.path / "alice.pem").read_bytes()) == WRITE_PARAMETERS


def test_an_old_file_is_not_touched_by_a_wrong_passphrase(keyring: Keyring) -> None:
    _write_legacy(keyring, "alice", PASSPHRASE)
    before = (keyring.path / "alice.pem").read_bytes()
    with pytest.raises(KeyFileError, match="cannot decrypt: wrong passphrase"):
        keyring.load("alice", "một mật khẩu khác")
    assert (keyring.path / "alice.pem").read_bytes() == before


def test_a_crash_during_the_upgrade_keeps_the_old_file(
    keyring: Keyring, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    public_key = _write_legacy(keyring, "alice", PASSPHRASE)
    before = (keyring.path / "alice.pem").read_bytes()

    def crash(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with caplog.at_level(logging.WARNING, logger="sen.sdk.keys"):
        assert keyring.load("alice", PASSPHRASE).public_key == public_key
    assert (keyring.path / "alice.pem").read_bytes() == before
    assert sorted(p.name for p in keyring.path.iterdir()) == ["alice.json", "alice.pem"]
    assert "still in the old format (PBKDF2)" in caplog.text
    assert "No space left on device" in caplog.text


def test_a_read_only_keyring_still_loads_an_old_file(
    keyring: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory the process may not write (as a read-only mount does to root too)."""
    public_key = _write_legacy(keyring, "alice", PASSPHRASE)

    def read_only(path: object, data: bytes, *, replace: bool) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(keys_module, "_write_private", read_only)
    assert keyring.load("alice", PASSPHRASE).public_key == public_key
    assert is_legacy((keyring.path / "alice.pem").read_bytes())
