"""Sen's canonical encoding: a strict subset of deterministic CBOR (RFC 8949 §4.2.1).

Everything Sen hashes or signs is encoded this way (see ``docs/spec/encoding.md``).
Allowed values: integers in [-2**63, 2**64-1], byte strings, UTF-8 text strings,
arrays, maps whose keys are text strings, ``true``/``false`` and ``null``.
No floats, no tags, no indefinite lengths, no duplicate keys; integers and
lengths use their shortest form and map keys are sorted by their encoded bytes.
Because every accepted value has exactly one encoding, :func:`decode` rejects
any input that is not the canonical encoding of what it decodes to.

We encode with ``cbor2`` (a maintained C-accelerated library) in canonical mode
and add the checks that turn "a CBOR decoder" into "a canonical-form validator".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import cbor2

from sen.ledger.errors import EncodingError, NonCanonical

Value = Any  # int | bytes | str | bool | None | list[Value] | dict[str, Value]

MAX_DEPTH = 16
MIN_INT = -(2**63)
MAX_INT = 2**64 - 1


def encode(value: Value) -> bytes:
    """The canonical encoding of ``value`` (checked against the allowed subset)."""
    _check_value(value, 0, "")
    return _dumps(value)


def _dumps(value: Value) -> bytes:
    return bytes(cbor2.dumps(value, canonical=True))


def decode(data: bytes) -> Value:
    """Decode canonical bytes; raise :class:`EncodingError` for anything else."""
    try:
        value = cbor2.loads(data)
    except Exception as exc:  # cbor2 raises several types; all mean "not CBOR"
        raise EncodingError(f"not valid CBOR: {exc}") from None
    _check_value(value, 0, "")
    if _dumps(value) != data:
        raise NonCanonical("not the canonical encoding of its value")
    return value


def _check_value(value: object, depth: int, path: str) -> None:
    if depth > MAX_DEPTH:
        raise EncodingError(f"nested deeper than {MAX_DEPTH}", field=path)
    if value is None or isinstance(value, bool | bytes | str):
        return
    if isinstance(value, int):
        if not MIN_INT <= value <= MAX_INT:
            raise EncodingError("integer out of range [-2^63, 2^64-1]", field=path)
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_value(item, depth + 1, f"{path}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EncodingError("map keys must be text strings", field=path)
            _check_value(item, depth + 1, f"{path}.{key}" if path else key)
        return
    raise EncodingError(f"type {type(value).__name__} is not allowed", field=path)


def bytes_header_length(length: int) -> int:
    """How many bytes the CBOR head of a byte string of ``length`` takes."""
    if length < 24:
        return 1
    if length < 2**8:
        return 2
    if length < 2**16:
        return 3
    if length < 2**32:
        return 5
    return 9


def as_sequence(value: Value, field: str) -> Sequence[Value]:
    if not isinstance(value, list):
        raise EncodingError(f"expected array, got {type(value).__name__}", field=field)
    return value
