"""Strict readers and writers for CometBFT's RPC JSON conventions.

CometBFT's JSON writes 64-bit integers as decimal strings, 32-bit integers as
numbers, hashes and addresses as uppercase hex, signatures and keys as
standard base64, and times as RFC 3339 with up to nine fractional digits (UTC,
trailing zeros trimmed). The readers here reject anything else with a
`DecodeError` naming the field by its dotted path.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import re
from collections.abc import Mapping, Sequence

from .errors import InvalidField, MissingField, UnexpectedField

__all__ = [
    "describe",
    "format_time",
    "load",
    "parse_time",
    "read_base64",
    "read_hex",
    "read_int_number",
    "read_int_string",
    "read_list",
    "read_object",
    "read_str",
    "to_base64",
    "to_hex",
]

_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
_SECONDS_PER_DAY = 86_400
_TIME_PATTERN = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})"
)
_INT_PATTERN = re.compile(r"-?(0|[1-9][0-9]*)")
_HEX_PATTERN = re.compile(r"([0-9A-Fa-f]{2})*")


def describe(value: object) -> str:
    """A short description of a JSON value for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {shown!r}"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def load(value: object) -> object:
    """Accept already-parsed JSON, or JSON text (str/bytes) to parse."""
    if isinstance(value, str | bytes | bytearray):
        try:
            return json.loads(value)
        except ValueError as error:
            raise InvalidField("$", "JSON text", f"unparseable text ({error})") from None
    return value


def read_object(
    value: object, path: str, required: Sequence[str], optional: Sequence[str] = ()
) -> Mapping[str, object]:
    """Check that ``value`` is an object with exactly the allowed keys."""
    if not isinstance(value, dict):
        raise InvalidField(path or "$", "object", describe(value))
    for key in required:
        if key not in value:
            raise MissingField(join(path, key))
    allowed = set(required) | set(optional)
    for key in value:
        if key not in allowed:
            raise UnexpectedField(join(path, str(key)))
    return value


def read_list(obj: Mapping[str, object], key: str, path: str) -> list[object] | None:
    """A JSON array, or None for ``null`` (Go's nil slice)."""
    value = obj[key]
    if value is None:
        return None
    if not isinstance(value, list):
        raise InvalidField(join(path, key), "array or null", describe(value))
    return value


def read_str(obj: Mapping[str, object], key: str, path: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise InvalidField(join(path, key), "string", describe(value))
    return value


def read_int_string(
    obj: Mapping[str, object], key: str, path: str, minimum: int, maximum: int
) -> int:
    """A 64-bit integer written as a decimal string, e.g. ``"12"``."""
    value = obj[key]
    if not isinstance(value, str) or not _INT_PATTERN.fullmatch(value):
        raise InvalidField(join(path, key), "integer as decimal string", describe(value))
    number = int(value)
    if not minimum <= number <= maximum:
        raise InvalidField(join(path, key), f"integer in [{minimum}, {maximum}]", value)
    return number


def read_int_number(
    obj: Mapping[str, object], key: str, path: str, minimum: int, maximum: int
) -> int:
    """A 32-bit integer written as a JSON number, e.g. ``2``."""
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(join(path, key), "integer number", describe(value))
    if not minimum <= value <= maximum:
        raise InvalidField(join(path, key), f"integer in [{minimum}, {maximum}]", str(value))
    return value


def read_hex(
    obj: Mapping[str, object], key: str, path: str, lengths: Sequence[int] | None = None
) -> bytes:
    value = obj[key]
    if not isinstance(value, str) or not _HEX_PATTERN.fullmatch(value):
        raise InvalidField(join(path, key), "hex string", describe(value))
    data = bytes.fromhex(value)
    if lengths is not None and len(data) not in lengths:
        wanted = " or ".join(str(n) for n in lengths)
        raise InvalidField(join(path, key), f"{wanted} bytes", f"{len(data)} bytes")
    return data


def read_base64(obj: Mapping[str, object], key: str, path: str, *, nullable: bool) -> bytes:
    value = obj[key]
    if value is None and nullable:
        return b""
    if not isinstance(value, str):
        expected = "base64 string or null" if nullable else "base64 string"
        raise InvalidField(join(path, key), expected, describe(value))
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):  # ValueError: characters outside ASCII
        raise InvalidField(join(path, key), "base64 string", describe(value)) from None


def to_hex(data: bytes) -> str:
    return data.hex().upper()


def to_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def format_time(seconds: int, nanos: int) -> str:
    """Go's ``time.RFC3339Nano`` in UTC: fractional zeros trimmed, ``Z`` suffix."""
    days, second_of_day = divmod(seconds, _SECONDS_PER_DAY)
    date = datetime.date.fromordinal(days + _EPOCH_ORDINAL)
    hour, rest = divmod(second_of_day, 3600)
    minute, second = divmod(rest, 60)
    text = f"{date.year:04d}-{date.month:02d}-{date.day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text + "Z"


def parse_time(value: object, path: str) -> tuple[int, int]:
    """Parse RFC 3339 (any offset, up to nanoseconds) into (unix seconds, nanos)."""
    match = _TIME_PATTERN.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidField(path, "RFC 3339 time string", describe(value))
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction, zone = match.group(7), match.group(8)
    try:
        ordinal = datetime.date(year, month, day).toordinal()
    except ValueError:
        raise InvalidField(path, "RFC 3339 time string", describe(value)) from None
    if hour > 23 or minute > 59 or second > 59:
        raise InvalidField(path, "RFC 3339 time string", describe(value))
    offset = 0
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        offset_hours, offset_minutes = int(zone[1:3]), int(zone[4:6])
        if offset_hours > 23 or offset_minutes > 59:
            raise InvalidField(path, "RFC 3339 time string", describe(value))
        offset = sign * (offset_hours * 3600 + offset_minutes * 60)
    seconds = (ordinal - _EPOCH_ORDINAL) * _SECONDS_PER_DAY
    seconds += hour * 3600 + minute * 60 + second - offset
    nanos = int(fraction.ljust(9, "0")) if fraction else 0
    return seconds, nanos
