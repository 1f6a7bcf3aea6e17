"""The protobuf writer: varints, omission of defaults, sfixed64, messages."""

from __future__ import annotations

import pytest

from sen.ledger.light import _proto


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, "00"),
        (1, "01"),
        (127, "7f"),
        (128, "8001"),
        (300, "ac02"),
        (16_384, "808001"),
        ((1 << 64) - 1, "ffffffffffffffffff01"),
    ],
)
def test_varint(value: int, encoded: str) -> None:
    assert _proto.varint(value).hex() == encoded


@pytest.mark.parametrize("value", [-1, 1 << 64])
def test_varint_rejects_out_of_range(value: int) -> None:
    with pytest.raises(ValueError):
        _proto.varint(value)


@pytest.mark.parametrize(
    ("field", "value", "encoded"),
    [
        (1, 0, ""),  # proto3 default: omitted
        (1, 1, "0801"),
        (3, 150, "189601"),
        (1, -1, "08ffffffffffffffffff01"),  # negative int64: ten bytes
        (2, -(1 << 63), "1080808080808080808001"),
    ],
)
def test_int_field(field: int, value: int, encoded: str) -> None:
    assert _proto.int_field(field, value).hex() == encoded


def test_int_field_respects_int32_range() -> None:
    assert _proto.int_field(2, -1, minimum=_proto.INT32_MIN, maximum=_proto.INT32_MAX).hex() == (
        "10ffffffffffffffffff01"
    )
    with pytest.raises(ValueError):
        _proto.int_field(2, 1 << 31, minimum=_proto.INT32_MIN, maximum=_proto.INT32_MAX)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [(0, ""), (1, "110100000000000000"), (-1, "11ffffffffffffffff")],
)
def test_sfixed64_field(value: int, encoded: str) -> None:
    assert _proto.sfixed64_field(2, value).hex() == encoded


def test_bytes_and_string_fields_omit_empty_values() -> None:
    assert _proto.bytes_field(1, b"") == b""
    assert _proto.string_field(6, "") == b""
    assert _proto.bytes_field(1, b"\x00").hex() == "0a0100"
    # strings are UTF-8: "dự" is four bytes
    assert _proto.string_field(2, "dự").hex() == "120464e1bbb1"


def test_message_field_is_written_even_when_empty() -> None:
    assert _proto.message_field(3, b"").hex() == "1a00"
    assert _proto.message_field(1, b"\x08\x01").hex() == "0a020801"


def test_delimited_prefixes_the_length() -> None:
    assert _proto.delimited(b"\x00" * 200)[:2].hex() == "c801"
