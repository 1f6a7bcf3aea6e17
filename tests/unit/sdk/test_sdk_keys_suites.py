"""The keyring with every suite: sealed PKCS#8 round trips, refusals, signing."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from sen.ledger.crypto import address_of, get_suite, pkcs8_codec
from sen.ledger.rules import verify_signature
from sen.ledger.tx import decode_tx, sign_tx
from sen.sdk import KeyFileError, Keyring, generate_key
from sen.sdk._keyfile import open_sealed
from sen.sdk.keys import decode_key, encode_key

SUITES = ("ed25519", "ecdsa-p256", "ecdsa-secp256k1", "ml-dsa-65")
PASSPHRASE = "mật khẩu đủ dài"
WRONG = "mật khẩu sai rồi"


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "keys")


@pytest.mark.parametrize("suite", SUITES)
def test_each_suite_round_trips_encrypted(keyring: Keyring, suite: str) -> None:
    info = keyring.new(f"key-{suite}", PASSPHRASE, suite)
    assert info.suite == suite
    assert info.address == address_of(suite, info.public_key).hex()
    pem = info.path.read_bytes()
    assert b"BEGIN SEN ENCRYPTED PRIVATE KEY" in pem
    key = keyring.load(f"key-{suite}", PASSPHRASE)
    assert (key.suite, key.public_key) == (suite, info.public_key)
    assert get_suite(suite).verify(key.public_key, b"m", key.sign(b"m"))
    assert [i.suite for i in keyring.list()] == [suite]


@pytest.mark.parametrize("suite", SUITES)
def test_wrong_passphrase_is_refused_for_every_suite(keyring: Keyring, suite: str) -> None:
    keyring.new("alice", PASSPHRASE, suite)
    with pytest.raises(KeyFileError, match="key 'alice': cannot decrypt: wrong passphrase"):
        keyring.load("alice", WRONG)


@pytest.mark.parametrize("suite", SUITES)
def test_the_sealed_key_is_standard_pkcs8_of_the_suites_key(suite: str) -> None:
    key = generate_key(suite)
    pem = encode_key(key, PASSPHRASE)
    loaded = open_sealed(pem, PASSPHRASE)
    codec = pkcs8_codec(suite)
    assert codec is not None
    assert codec.from_pkcs8_key(loaded) == key.private_bytes()
    assert decode_key(pem, PASSPHRASE, suite).public_key == key.public_key


@pytest.mark.parametrize(
    ("stored", "claimed"),
    [
        ("ecdsa-p256", "ecdsa-secp256k1"),
        ("ecdsa-secp256k1", "ecdsa-p256"),
        ("ml-dsa-65", "ed25519"),
    ],
)
def test_a_key_of_another_suite_is_named(stored: str, claimed: str) -> None:
    pem = encode_key(generate_key(stored), PASSPHRASE)
    with pytest.raises(KeyFileError, match=f"not a {claimed} key"):
        decode_key(pem, PASSPHRASE, claimed)


def test_ml_dsa_key_file_holds_only_the_seed() -> None:
    key = generate_key("ml-dsa-65")
    pem = encode_key(key, PASSPHRASE)
    der = open_sealed(pem, PASSPHRASE).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert len(der) == 54 and der.endswith(key.private_bytes())


@pytest.mark.parametrize("suite", SUITES)
def test_loaded_keys_sign_transactions_of_their_suite(keyring: Keyring, suite: str) -> None:
    keyring.new("signer", PASSPHRASE, suite)
    key = keyring.load("signer", PASSPHRASE)
    tx = sign_tx(key, chain_id="c", nonce=0, module="evidence", action="anchor", args={})
    decoded = decode_tx(tx.raw)
    assert decoded.suite == suite and verify_signature(decoded)
