"""ML-DSA-65 (FIPS 204): known answers from NIST ACVP, round trips, tampering, sizes."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA65PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sen.ledger.crypto import MlDsa65Suite, get_suite

SUITE = get_suite("ml-dsa-65")

# NIST ACVP-Server, gen-val/json-files/ML-DSA-keyGen-FIPS204 (prompt.json and
# expectedResults.json, vsId 42, test group 2 "ML-DSA-65"): the seed ξ and the
# expected public key, here as its first 32 bytes (ρ) and the SHA-256 of all
# 1952 bytes (the full key is 3904 hex digits).
KEYGEN_VECTORS = [
    pytest.param(
        "AC37688A229C819F1F5BA5A2ED98E3D0AD98D1B5DB233FF8E8122040BCBA609F",
        "FED3FFCDEC5BEE2E82D7AC7F2A244035B5AA94C1E0E6A2141C4ACEB45165A1A2",
        "8C721557",  # last 4 bytes of pk
        "40c350d2fadedec2f4efa02e371192b497db19857ce2560e803c7b7245eb86f2",
        id="acvp-tc26",
    ),
    pytest.param(
        "97A6F36CCE36AF6283B335B4957BD8B177AE229AB8A4FA8AD7AE4134DE26955F",
        "763BE1553B7C0293F215F7A3342B6C7988B5303A0C21C7DDFD52070D58D0425C",
        "41E13A3A",
        None,
        id="acvp-tc27",
    ),
]


@pytest.mark.parametrize(("seed", "rho", "tail", "pk_sha256"), KEYGEN_VECTORS)
def test_acvp_key_generation_from_seed(
    seed: str, rho: str, tail: str, pk_sha256: str | None
) -> None:
    key = SUITE.load_private(bytes.fromhex(seed))
    public = key.public_key
    assert len(public) == 1952
    assert public[:32].hex().upper() == rho
    assert public[-4:].hex().upper() == tail
    if pk_sha256 is not None:
        assert hashlib.sha256(public).hexdigest() == pk_sha256
    assert key.private_bytes() == bytes.fromhex(seed)  # the private key is the seed


def test_suite_sizes_and_round_trip() -> None:
    assert isinstance(SUITE, MlDsa65Suite)
    assert (SUITE.name, SUITE.public_key_size, SUITE.signature_size) == ("ml-dsa-65", 1952, 3309)
    key = SUITE.generate()
    assert key.suite == "ml-dsa-65"
    signature = key.sign(b"message")
    assert len(signature) == 3309
    assert SUITE.verify(key.public_key, b"message", signature)
    again = SUITE.load_private(key.private_bytes())
    assert again.public_key == key.public_key
    assert SUITE.verify(again.public_key, b"message", again.sign(b"message"))


def test_signing_is_hedged_yet_every_signature_verifies() -> None:
    key = SUITE.load_private(b"\x05" * 32)
    first, second = key.sign(b"m"), key.sign(b"m")
    assert first != second
    assert SUITE.verify(key.public_key, b"m", first)
    assert SUITE.verify(key.public_key, b"m", second)


def test_pure_mldsa_with_empty_context_interoperates() -> None:
    """Same as cryptography's ML-DSA-65 with no context: pure, context string empty."""
    seed = b"\x09" * 32
    ours = SUITE.load_private(seed)
    theirs = MLDSA65PrivateKey.from_seed_bytes(seed)
    theirs.public_key().verify(ours.sign(b"tx"), b"tx", b"")
    assert SUITE.verify(ours.public_key, b"tx", theirs.sign(b"tx"))
    assert not SUITE.verify(ours.public_key, b"tx", theirs.sign(b"tx", b"sen"))


def test_tampered_message_signature_or_key_fails() -> None:
    key = SUITE.load_private(b"\x01" * 32)
    other = SUITE.load_private(b"\x02" * 32)
    signature = key.sign(b"message")
    assert not SUITE.verify(key.public_key, b"messagE", signature)
    assert not SUITE.verify(other.public_key, b"message", signature)
    for index in (0, 100, 3000, 3308):
        flipped = bytearray(signature)
        flipped[index] ^= 0x01
        assert not SUITE.verify(key.public_key, b"message", bytes(flipped))
    bent_key = bytearray(key.public_key)
    bent_key[40] ^= 0x80
    assert not SUITE.verify(bytes(bent_key), b"message", signature)


@pytest.mark.parametrize(("key_size", "signature_size"), [(1951, 3309), (1952, 3308), (1952, 3310)])
def test_wrong_sizes_say_no_rather_than_raising(key_size: int, signature_size: int) -> None:
    assert not SUITE.verify(b"\x01" * key_size, b"m", b"\x02" * signature_size)


def test_all_zero_signature_fails() -> None:
    key = SUITE.load_private(b"\x01" * 32)
    assert not SUITE.verify(key.public_key, b"m", bytes(3309))
    assert not SUITE.verify(key.public_key, b"m", b"\xff" * 3309)


@pytest.mark.parametrize("size", [0, 32, 1312, 1951, 1953, 2592])
def test_public_key_of_wrong_size_is_explained(size: int) -> None:
    assert SUITE.check_public_key(b"\x01" * size) == (
        f"ml-dsa-65 public key must be 1952 bytes, got {size}"
    )


def test_public_key_of_1952_bytes_is_accepted() -> None:
    assert SUITE.check_public_key(SUITE.load_private(b"\x01" * 32).public_key) is None


@pytest.mark.parametrize("size", [0, 31, 33, 4032])
def test_private_seed_of_wrong_size_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="must be 32 bytes"):
        SUITE.load_private(b"\x01" * size)


def test_an_ed25519_or_ecdsa_signature_is_not_an_mldsa_signature() -> None:
    key = SUITE.load_private(b"\x01" * 32)
    for name in ("ed25519", "ecdsa-p256", "ecdsa-secp256k1"):
        other = get_suite(name).load_private(b"\x01" * 32)
        assert not SUITE.verify(key.public_key, b"m", other.sign(b"m"))
        assert not get_suite(name).verify(other.public_key, b"m", key.sign(b"m"))


@settings(max_examples=15, deadline=None)
@given(message=st.binary(max_size=4096))
def test_property_sign_then_verify(message: bytes) -> None:
    key = SUITE.load_private(hashlib.sha256(message).digest())
    signature = key.sign(message)
    assert SUITE.verify(key.public_key, message, signature)
    assert not SUITE.verify(key.public_key, message + b"\x00", signature)
