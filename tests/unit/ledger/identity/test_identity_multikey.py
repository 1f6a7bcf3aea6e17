"""Base58-btc, multicodec varints and Multikey: known values, round trips, one text per key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sen.ledger.crypto import P256, EcdsaSuite, Ed25519Suite
from sen.ledger.modules.identity.multikey import (
    BASE58_ALPHABET,
    MultikeyError,
    base58btc_decode,
    base58btc_encode,
    decode_multikey,
    decode_varint,
    encode_multikey,
    encode_varint,
)

ED = Ed25519Suite().load_private(bytes(32)).public_key
P = EcdsaSuite(P256).load_private(bytes([9]) * 32).public_key


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", ""),
        (b"\x00", "1"),
        (b"\x00\x00\x01", "112"),
        (b"\x39", "z"),
        (b"\x3a", "21"),
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (
            bytes.fromhex("00eb15231dfceb60925886b67d065299925915aeb172c06647"),
            "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
        ),
    ],
)
def test_base58btc_known_values(data: bytes, text: str) -> None:
    assert base58btc_encode(data) == text
    assert base58btc_decode(text) == data


@given(st.binary(max_size=64))
def test_base58btc_round_trip(data: bytes) -> None:
    assert base58btc_decode(base58btc_encode(data)) == data


@given(st.text(alphabet=BASE58_ALPHABET, max_size=40))
def test_each_base58_text_is_the_only_text_of_its_bytes(text: str) -> None:
    assert base58btc_encode(base58btc_decode(text)) == text


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "+", " "])
def test_base58btc_refuses_characters_outside_its_alphabet(bad: str) -> None:
    with pytest.raises(ValueError, match="not a base58-btc character"):
        base58btc_decode("2N" + bad)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [(0, b"\x00"), (0x7F, b"\x7f"), (0xED, b"\xed\x01"), (0x1200, b"\x80\x24")],
)
def test_varints(value: int, encoded: bytes) -> None:
    assert encode_varint(value) == encoded
    assert decode_varint(encoded + b"rest") == (value, len(encoded))


def test_a_varint_must_be_minimal_and_end() -> None:
    with pytest.raises(ValueError, match="not minimal"):
        decode_varint(b"\xed\x81\x00")
    with pytest.raises(ValueError, match="does not end"):
        decode_varint(b"\xff\xff")


def test_multikey_prefixes_and_round_trips() -> None:
    ed_text, p_text = encode_multikey("ed25519", ED), encode_multikey("ecdsa-p256", P)
    assert ed_text.startswith("z6Mk") and len(ed_text) == 48
    assert p_text.startswith("zDn") and len(p_text) == 49
    assert decode_multikey(ed_text) == ("ed25519", ED)
    assert decode_multikey(p_text) == ("ecdsa-p256", P)


@pytest.mark.parametrize(
    ("text", "reason", "unsupported"),
    [
        ("u7QH" + "A" * 43, "expected base58-btc multibase", True),
        ("z" + base58btc_encode(b"\xe7\x01\x02" + bytes(32)), "multicodec 0xe7", True),
        ("z" + base58btc_encode(b"\xed\x01" + ED[:31]), "32 bytes, got 31", False),
        ("z" + base58btc_encode(b"\x80\x24\x04" + bytes(32)), "0x02 or 0x03", False),
        ("z" + base58btc_encode(b"\xed\x81\x00" + ED), "not minimal", False),
        ("z" + "2" * 200, "at most 128 characters", False),
    ],
)
def test_multikey_refusals(text: str, reason: str, unsupported: bool) -> None:
    with pytest.raises(MultikeyError, match=reason) as refused:
        decode_multikey(text)
    assert refused.value.unsupported is unsupported


def test_only_supported_suites_encode() -> None:
    with pytest.raises(MultikeyError, match="no Multikey form"):
        encode_multikey("ml-dsa-65", bytes(1952))
    with pytest.raises(MultikeyError, match="33 bytes"):
        encode_multikey("ecdsa-p256", P[:32])
