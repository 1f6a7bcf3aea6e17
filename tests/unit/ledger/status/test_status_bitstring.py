"""The bitstring and its encodedList: the specification's example, bit order, strict decoding."""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sen.ledger.modules.status import (
    MIN_ENTRIES,
    StatusListError,
    decode_list,
    encode_list,
    list_digest,
    status_at,
    with_changes,
)

SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
"""Bitstring Status List v1.0, example "BitstringStatusListCredential": 131,072 entries, all 0."""
EMPTY = bytes(MIN_ENTRIES // 8)


def _text(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_the_specification_example_both_ways() -> None:
    assert decode_list(SPEC_EXAMPLE) == EMPTY
    assert encode_list(EMPTY) == SPEC_EXAMPLE


def test_bit_order_index_zero_is_the_left_most_bit() -> None:
    bits = with_changes(EMPTY, [0, 9, MIN_ENTRIES - 1], [])
    assert bits[:2] == b"\x80\x40" and bits[-1] == 0x01
    assert [status_at(bits, i) for i in (0, 1, 8, 9, MIN_ENTRIES - 2, MIN_ENTRIES - 1)] == [
        1,
        0,
        0,
        1,
        0,
        1,
    ]
    assert with_changes(bits, [], [0, 9]) == with_changes(EMPTY, [MIN_ENTRIES - 1], [])
    with pytest.raises(IndexError):
        status_at(bits, MIN_ENTRIES)


def test_a_hand_checked_list() -> None:
    """Entries 3 and 12 revoked: bytes 10 08 00 …; GZIP of that by any encoder decodes the same."""
    bits = with_changes(EMPTY, [3, 12], [])
    assert bits[:3] == b"\x10\x08\x00" and not any(bits[3:])
    encoded = encode_list(bits)
    assert decode_list(encoded) == bits
    assert decode_list(_text(gzip.compress(bits, compresslevel=9, mtime=1_700_000_000))) == bits
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert raw[:10] == bytes.fromhex("1f8b0800000000000003")  # no name, mtime 0, Unix
    assert gzip.decompress(raw) == bits
    assert list_digest(bits).hex() == hashlib.sha256(bits).hexdigest()


@settings(max_examples=25, deadline=None)
@given(st.sets(st.integers(0, MIN_ENTRIES - 1), max_size=200))
def test_round_trip(indexes: set[int]) -> None:
    bits = with_changes(EMPTY, sorted(indexes), [])
    assert decode_list(encode_list(bits)) == bits
    assert {i for i in range(MIN_ENTRIES) if status_at(bits, i)} == indexes


def _non_canonical() -> str:
    """A valid list whose base64url text has a non-zero unused bit in its last character."""
    raw = encode_list(EMPTY)  # 51 bytes of GZIP: no unused bits
    padded = base64.urlsafe_b64decode(raw[1:]) + b"\x00"  # a trailing byte leaves 4 unused bits
    text = _text(padded)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return text[:-1] + alphabet[alphabet.index(text[-1]) + 1]


def _bomb() -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    raw = compressor.compress(bytes(8 * 1024 * 1024)) + compressor.flush()
    return _text(raw)


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        (SPEC_EXAMPLE[1:], "not multibase base64url"),
        ("z" + SPEC_EXAMPLE[1:], "not multibase base64url"),
        (SPEC_EXAMPLE + "=", "not base64url without padding"),
        ("u" + base64.b64encode(gzip.compress(EMPTY)).decode(), "not base64url without padding"),
        (_non_canonical(), "non-canonical base64url"),
        ("u" + "A" * 5, "not base64url without padding"),
        (_text(zlib.compress(EMPTY)), "not GZIP"),
        (_text(gzip.compress(EMPTY)[:-12]), "GZIP data ends early"),
        (_text(gzip.compress(EMPTY) + b"\x00"), "data after the GZIP member"),
        (_text(gzip.compress(EMPTY) * 2), "data after the GZIP member"),
        (_text(gzip.compress(bytes(100))), "bitstring too short"),
        (_text(bytes.fromhex("1f8b08000000000000ff") + b"\xff" * 20), "corrupt GZIP"),
        (_bomb(), "bitstring too large"),
    ],
)
def test_malformed_lists_are_refused(encoded: str, reason: str) -> None:
    with pytest.raises(StatusListError) as refused:
        decode_list(encoded)
    assert refused.value.reason.startswith(reason), refused.value
    assert refused.value.field == "encodedList"


def test_limits_are_the_callers() -> None:
    small = encode_list(bytes(16))
    assert decode_list(small, min_bytes=16) == bytes(16)
    with pytest.raises(StatusListError):
        decode_list(encode_list(bytes(4096)), max_bytes=1024, min_bytes=0)
    too_long = "u" + "A" * 4000
    with pytest.raises(StatusListError) as refused:
        decode_list(too_long, max_bytes=1024, min_bytes=0)
    assert refused.value.reason == "encodedList too long"
