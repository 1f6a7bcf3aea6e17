"""Reading path and query values: hex, base64, heights, digest algorithms.

Each reader raises :class:`~sen.api.errors.BadRequest` naming the value at
fault, what it expected and what it got.
"""

from __future__ import annotations

import base64
import binascii
import re

from sen.api.errors import BadRequest
from sen.ledger.modules.evidence import DIGEST_ALGORITHMS

_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
HASH_BYTES = 32
ADDRESS_BYTES = 20
MAX_STATE_KEY_BYTES = 1024


def parse_hex(text: str, field: str, *, length: int | None = None, max_length: int = 0) -> bytes:
    """Hex (either case) to bytes; ``length`` in bytes if fixed."""
    if length is not None and len(text) != 2 * length:
        raise BadRequest(
            f"{field}: expected {length} bytes ({2 * length} hex characters)",
            field=field,
            expected=f"{2 * length} hex characters",
            got=f"{len(text)} characters",
        )
    if not text or not _HEX.fullmatch(text):
        raise BadRequest(
            f"{field}: not hex",
            field=field,
            expected="hex (an even number of 0-9, a-f)",
            got=_short(text),
        )
    if max_length and len(text) > 2 * max_length:
        raise BadRequest(
            f"{field}: too long",
            field=field,
            expected=f"at most {max_length} bytes",
            got=f"{len(text) // 2} bytes",
        )
    return bytes.fromhex(text)


def parse_base64(text: str, field: str) -> bytes:
    """Standard base64 (with padding) to bytes."""
    try:
        if not _BASE64.fullmatch(text):
            raise ValueError("characters outside the base64 alphabet")
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadRequest(
            f"{field}: not base64 ({exc})",
            field=field,
            expected="standard base64",
            got=_short(text),
        ) from None
    if not raw:
        raise BadRequest(f"{field}: empty", field=field, expected="a transaction", got="0 bytes")
    return raw


def parse_height(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise BadRequest(
            "height: expected a positive integer",
            field="height",
            expected="integer >= 1",
            got=_short(text),
        )
    return int(text)


def parse_algorithm(text: str) -> str:
    if text not in DIGEST_ALGORITHMS:
        allowed = ", ".join(DIGEST_ALGORITHMS)
        raise BadRequest(
            f"algorithm: unknown digest algorithm {text!r}; allowed: {allowed}",
            field="algorithm",
            expected=f"one of {allowed}",
            got=_short(text),
        )
    return text


def parse_digest(text: str, algorithm: str) -> bytes:
    length = DIGEST_ALGORITHMS[algorithm][0]
    if len(text) != 2 * length:
        raise BadRequest(
            f"digest: a {algorithm} digest is {length} bytes ({2 * length} hex characters)",
            field="digest",
            expected=f"{2 * length} hex characters ({length} bytes for {algorithm})",
            got=f"{len(text)} characters",
        )
    return parse_hex(text, "digest")


def _short(text: str) -> str:
    return repr(text) if len(text) <= 64 else repr(text[:61] + "...")
