"""The signature-suite registry and the Ed25519 suite."""

from __future__ import annotations

import pytest

from sen.ledger import crypto
from sen.ledger.crypto import Ed25519Suite, get_suite, known_suites, register_suite
from sen.ledger.errors import UnknownSuite

SUITE = Ed25519Suite()
KEY = SUITE.load_private(b"\x07" * 32)


def test_the_four_suites_are_registered_by_default() -> None:
    assert known_suites() == ("ecdsa-p256", "ecdsa-secp256k1", "ed25519", "ml-dsa-65")
    for name in known_suites():
        assert get_suite(name).name == name


@pytest.mark.parametrize("name", ["", "ED25519", "secp256k1", "ed25519 "])
def test_unknown_suite_names_the_known_ones(name: str) -> None:
    with pytest.raises(UnknownSuite) as caught:
        get_suite(name)
    assert caught.value.name == name
    assert "ed25519" in caught.value.known


def test_registering_a_suite_name_twice_is_refused() -> None:
    before = known_suites()
    with pytest.raises(ValueError, match="already registered"):
        register_suite(Ed25519Suite())
    assert known_suites() == before


def test_a_new_suite_becomes_findable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "_SUITES", dict(crypto._SUITES))

    class Other(Ed25519Suite):
        name = "test-other"

    register_suite(Other())
    assert get_suite("test-other").name == "test-other"
    assert known_suites() == (
        "ecdsa-p256",
        "ecdsa-secp256k1",
        "ed25519",
        "ml-dsa-65",
        "test-other",
    )


@pytest.mark.parametrize("size", [0, 31, 33, 64])
def test_public_key_of_wrong_size_is_explained(size: int) -> None:
    reason = SUITE.check_public_key(b"\x01" * size)
    assert reason is not None
    assert f"got {size}" in reason


def test_public_key_of_32_bytes_is_accepted() -> None:
    assert SUITE.check_public_key(KEY.public_key) is None


@pytest.mark.parametrize("size", [0, 16, 31, 33, 64])
def test_private_seed_of_wrong_size_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        SUITE.load_private(b"\x01" * size)


def test_signature_verifies_only_for_its_message_and_key() -> None:
    signature = KEY.sign(b"message")
    other = SUITE.load_private(b"\x08" * 32)
    assert SUITE.verify(KEY.public_key, b"message", signature)
    assert not SUITE.verify(KEY.public_key, b"messagE", signature)
    assert not SUITE.verify(other.public_key, b"message", signature)
    assert not SUITE.verify(KEY.public_key, b"message", signature[:-1] + bytes([signature[-1] ^ 1]))


@pytest.mark.parametrize(("key_size", "signature_size"), [(31, 64), (32, 63), (32, 65), (0, 0)])
def test_verify_with_wrong_sizes_says_no_rather_than_raising(
    key_size: int, signature_size: int
) -> None:
    assert not SUITE.verify(b"\x01" * key_size, b"m", b"\x02" * signature_size)


def test_loaded_key_round_trips_its_seed_and_is_deterministic() -> None:
    again = SUITE.load_private(KEY.private_bytes())
    assert again.public_key == KEY.public_key
    assert again.sign(b"x") == KEY.sign(b"x")  # Ed25519 signatures are deterministic
    assert KEY.suite == "ed25519"


def test_generated_keys_differ() -> None:
    assert SUITE.generate().public_key != SUITE.generate().public_key
