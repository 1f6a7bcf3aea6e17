"""ABCI framing: unsigned varint length prefixes, frames cut across reads, size limits."""

from __future__ import annotations

import pytest
from google.protobuf.internal.encoder import _VarintBytes  # protobuf's own uvarint
from hypothesis import given
from hypothesis import strategies as st

from sen.abci.errors import BadVarint, FrameTooLarge
from sen.abci.wire import FrameDecoder, decode_uvarint, encode_frame, encode_uvarint


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, "00"),
        (1, "01"),
        (127, "7f"),
        (128, "8001"),
        (300, "ac02"),
        (16_384, "808001"),
        (104_857_600, "80808032"),
        ((1 << 64) - 1, "ffffffffffffffffff01"),
    ],
)
def test_uvarint_matches_go_binary_put_uvarint(value: int, encoded: str) -> None:
    assert encode_uvarint(value).hex() == encoded
    assert decode_uvarint(bytes.fromhex(encoded)) == (value, len(encoded) // 2)


@given(st.integers(min_value=0, max_value=(1 << 64) - 1))
def test_uvarint_round_trip_and_agrees_with_protobuf(value: int) -> None:
    encoded = encode_uvarint(value)
    assert encoded == _VarintBytes(value)
    assert decode_uvarint(b"xy" + encoded + b"tail", 2) == (value, 2 + len(encoded))


@pytest.mark.parametrize("value", [-1, 1 << 64])
def test_uvarint_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(ValueError, match="uvarint out of range"):
        encode_uvarint(value)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff" * 10 + b"\x01", "longer than 10 bytes"),
        (b"\xff" * 9 + b"\x02", "overflows 64 bits"),
    ],
)
def test_bad_uvarint_is_refused_like_go_read_uvarint(data: bytes, reason: str) -> None:
    with pytest.raises(BadVarint, match=reason):
        decode_uvarint(data)


def test_incomplete_uvarint_needs_more_bytes() -> None:
    assert decode_uvarint(b"\x80\x80") is None
    assert decode_uvarint(b"") is None


@pytest.mark.parametrize("size", [0, 1, 127, 128, 300, 16_383, 16_384, 70_000])
def test_frame_round_trip_including_multi_byte_lengths(size: int) -> None:
    body = bytes(i % 251 for i in range(size))
    decoder = FrameDecoder(limit=1 << 20)
    assert decoder.feed(encode_frame(body)) == [body]
    assert decoder.buffered == 0


@given(
    st.lists(st.binary(max_size=300), min_size=1, max_size=8),
    st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=40),
)
def test_frames_survive_any_cut_into_reads(bodies: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(encode_frame(b) for b in bodies)
    decoder = FrameDecoder(limit=1 << 20)
    received: list[bytes] = []
    position = 0
    for cut in cuts:
        received += decoder.feed(stream[position : position + cut])
        position += cut
    received += decoder.feed(stream[position:])
    assert received == bodies
    assert decoder.buffered == 0


def test_one_byte_at_a_time_with_a_two_byte_prefix() -> None:
    body = b"z" * 200
    decoder = FrameDecoder(limit=1000)
    out: list[bytes] = []
    for byte in encode_frame(body):
        out += decoder.feed(bytes([byte]))
    assert out == [body]


def test_oversized_frame_is_refused_from_its_prefix_alone() -> None:
    decoder = FrameDecoder(limit=1000)
    with pytest.raises(FrameTooLarge, match="message of 1001 bytes exceeds the limit of 1000"):
        decoder.feed(encode_uvarint(1001))


def test_frame_at_the_limit_is_accepted() -> None:
    assert FrameDecoder(limit=5).feed(encode_frame(b"12345")) == [b"12345"]


def test_frames_before_a_bad_prefix_come_first_then_the_error() -> None:
    decoder = FrameDecoder(limit=10)
    assert decoder.feed(encode_frame(b"ok") + encode_uvarint(11)) == [b"ok"]
    with pytest.raises(FrameTooLarge):
        decoder.feed(b"")
