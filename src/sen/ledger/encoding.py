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
    try:
        return _dumps(value)
    except UnicodeEncodeError:
        raise EncodingError(
            "text is not valid Unicode (it has a lone surrogate)",
            field=_locate(value, "", 0, text=True) or "",
        ) from None


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


_SCALARS = (bytes, str, bool, type(None))


def _check_value(value: object, depth: int, path: str) -> None:
    """Reject anything outside the allowed subset (iterative and cheap on the happy path)."""
    stack: list[tuple[object, int]] = [(value, depth)]
    pop, push = stack.pop, stack.append
    while stack:
        item, level = pop()
        kind = type(item)
        if kind in _SCALARS:
            continue
        if kind is int:
            if not MIN_INT <= item <= MAX_INT:  # type: ignore[operator]
                _fail(value, path, "integer out of range [-2^63, 2^64-1]")
            continue
        if level >= MAX_DEPTH:
            _fail(value, path, f"nested deeper than {MAX_DEPTH}")
        if kind is list or kind is tuple:
            for child in item:  # type: ignore[attr-defined]
                push((child, level + 1))
            continue
        if kind is dict or isinstance(item, Mapping):
            for key, child in item.items():  # type: ignore[attr-defined]
                if type(key) is not str:
                    _fail(value, path, "map keys must be text strings")
                push((child, level + 1))
            continue
        _fail(value, path, f"type {kind.__name__} is not allowed")


def _fail(value: object, path: str, reason: str) -> None:
    """Find where in ``value`` the first offending item is, and raise naming it."""
    where = _locate(value, path, 0)
    raise EncodingError(reason, field=where or path)


def _locate(value: object, path: str, level: int, *, text: bool = False) -> str | None:
    """Path of the first item outside the subset; with ``text``, of the first text
    that is not valid Unicode (what the subset check itself does not look at)."""
    kind = type(value)
    if kind is str:
        return path if text and not _is_unicode(value) else None  # type: ignore[arg-type]
    if kind in _SCALARS:
        return None
    if kind is int:
        return None if MIN_INT <= value <= MAX_INT else path  # type: ignore[operator]
    if level >= MAX_DEPTH:
        return path
    if kind is list or kind is tuple:
        for i, child in enumerate(value):  # type: ignore[arg-type, var-annotated]
            found = _locate(child, f"{path}[{i}]", level + 1, text=text)
            if found is not None:
                return found
        return None
    if kind is dict or isinstance(value, Mapping):
        for key, child in value.items():  # type: ignore[attr-defined]
            if type(key) is not str or (text and not _is_unicode(key)):
                return path
            found = _locate(child, f"{path}.{key}" if path else key, level + 1, text=text)
            if found is not None:
                return found
        return None
    return path


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def encode_unchecked(value: Value) -> bytes:
    """Canonical bytes of a value built by Sen's own code for storage only (never hashed).

    Skips the subset check that :func:`encode` makes; use :func:`encode` for
    anything hashed, signed or received from outside.
    """
    return _dumps(value)


def decode_unchecked(data: bytes) -> Value:
    """Decode bytes Sen itself stored with :func:`encode_unchecked` (no canonical check)."""
    return cbor2.loads(data)


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
