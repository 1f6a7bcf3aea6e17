"""A minimal protobuf wire-format writer, exactly as gogoproto emits proto3.

Only what CometBFT's hashed and signed messages need: varints, tags,
length-delimited fields and sfixed64. Fields are written in field-number order
by the callers. Proto3 scalar fields are omitted when they hold their default
(0, empty bytes, empty string); embedded messages are written by the caller
either always (gogoproto ``nullable=false``) or only when present.

Negative ``int32``/``int64`` values are written as ten-byte two's-complement
varints, as protobuf requires (no zig-zag: that is only for ``sint``).
"""

from __future__ import annotations

import functools
import struct

__all__ = [
    "INT32_MAX",
    "INT32_MIN",
    "INT64_MAX",
    "INT64_MIN",
    "UINT32_MAX",
    "UINT64_MAX",
    "bytes_field",
    "delimited",
    "int_field",
    "message_field",
    "sfixed64_field",
    "string_field",
    "tag",
    "uint_field",
    "varint",
]

WIRE_VARINT = 0
WIRE_FIXED64 = 1
WIRE_LENGTH_DELIMITED = 2

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
UINT32_MAX = (1 << 32) - 1
UINT64_MAX = (1 << 64) - 1

_SFIXED64 = struct.Struct("<q")


def varint(value: int) -> bytes:
    """Unsigned LEB128 varint of a value in ``[0, 2**64)``."""
    if not 0 <= value <= UINT64_MAX:
        raise ValueError(f"varint out of range: {value}")
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


@functools.lru_cache(maxsize=256)
def tag(field_number: int, wire_type: int) -> bytes:
    """A field's key (cached: the same few tags are written over and over)."""
    return varint((field_number << 3) | wire_type)


def delimited(data: bytes) -> bytes:
    """Length-prefixed bytes (what ``protoio.MarshalDelimited`` writes)."""
    return varint(len(data)) + data


def uint_field(field_number: int, value: int, *, maximum: int = UINT64_MAX) -> bytes:
    """uint32/uint64/enum field; omitted when zero."""
    if not 0 <= value <= maximum:
        raise ValueError(f"field {field_number}: unsigned value out of range: {value}")
    if value == 0:
        return b""
    return tag(field_number, WIRE_VARINT) + varint(value)


def int_field(
    field_number: int, value: int, *, minimum: int = INT64_MIN, maximum: int = INT64_MAX
) -> bytes:
    """int32/int64 field; omitted when zero; negatives as 64-bit two's complement."""
    if not minimum <= value <= maximum:
        raise ValueError(f"field {field_number}: signed value out of range: {value}")
    if value == 0:
        return b""
    return tag(field_number, WIRE_VARINT) + varint(value & UINT64_MAX)


def sfixed64_field(field_number: int, value: int) -> bytes:
    """sfixed64 field (8 bytes little-endian); omitted when zero."""
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"field {field_number}: sfixed64 out of range: {value}")
    if value == 0:
        return b""
    return tag(field_number, WIRE_FIXED64) + _SFIXED64.pack(value)


def bytes_field(field_number: int, value: bytes) -> bytes:
    """Singular bytes field; omitted when empty."""
    if not value:
        return b""
    return tag(field_number, WIRE_LENGTH_DELIMITED) + delimited(value)


def string_field(field_number: int, value: str) -> bytes:
    """Singular string field (UTF-8); omitted when empty."""
    return bytes_field(field_number, value.encode("utf-8"))


def message_field(field_number: int, encoded: bytes) -> bytes:
    """Embedded message or repeated element: always written, even when empty."""
    return tag(field_number, WIRE_LENGTH_DELIMITED) + delimited(encoded)
