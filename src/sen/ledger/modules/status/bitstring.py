"""The bitstring of a W3C Bitstring Status List, and its ``encodedList`` text form.

Bit order (Bitstring Status List v1.0 §3.1): index 0 is the left-most
(most significant) bit of the first byte, index ``8·k + j`` is bit ``7 - j``
of byte ``k``. ``encodedList`` is the multibase base64url (no padding, prefix
``u``) of the GZIP (RFC 1952) compression of the bitstring.

:func:`encode_list` writes one fixed GZIP form — no file name, modification
time 0, extra flags 0, operating system 3 (Unix), DEFLATE at zlib's level
6 — so the same bits always give the same text (with the zlib version
Python links); 131,072 zero bits give exactly the specification's example
``uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA``.
:func:`decode_list` accepts any single-member GZIP, strictly: canonical
base64url, a bounded output (a few hundred bytes of GZIP can expand to
gigabytes), no trailing data.

Pure functions: no I/O, no clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
import zlib
from collections.abc import Iterable

from sen.ledger.errors import LedgerError

MIN_ENTRIES = 131_072
"""The specification's minimum: 16 KiB of bits, so that a list hides which credential is checked."""
MAX_ENTRIES = 2**21
"""The largest list the ledger keeps (256 KiB of bits)."""
DEFAULT_MAX_DECODED_BYTES = 2 * 1024 * 1024
"""What :func:`decode_list` will inflate by default: 16,777,216 entries."""

_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"  # deflate, no flags, mtime 0, Unix
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_LEVEL = 6


class StatusListError(LedgerError, ValueError):
    """An ``encodedList`` that cannot be decoded; ``field``/``expected``/``got`` say why."""

    def __init__(self, reason: str, *, expected: str = "", got: str = "") -> None:
        self.reason = reason
        self.field = "encodedList"
        self.expected = expected
        self.got = got
        parts = [reason] + [f"expected {expected}"] * bool(expected) + [f"got {got}"] * bool(got)
        super().__init__("; ".join(parts))


def encode_list(bits: bytes) -> str:
    """``encodedList`` of a bitstring: ``"u"`` + base64url(GZIP(bits)), without padding."""
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(bits) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(bits), len(bits) & 0xFFFFFFFF)
    text = base64.urlsafe_b64encode(_GZIP_HEADER + body + trailer).decode("ascii")
    return "u" + text.rstrip("=")


def decode_list(
    encoded: str,
    *,
    max_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    min_bytes: int = MIN_ENTRIES // 8,
) -> bytes:
    """The bitstring of an ``encodedList``; :class:`StatusListError` if it is malformed.

    The decompressed size is bounded by ``max_bytes`` (checked while
    inflating, so a GZIP bomb costs at most that much memory) and must be at
    least ``min_bytes`` (the specification's 16 KiB).
    """
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError(
            "not multibase base64url", expected="text starting with 'u'", got=_shown(encoded)
        )
    text = encoded[1:]
    compressed_limit = max_bytes + max_bytes // 256 + 1024  # DEFLATE's worst case, and more
    if len(text) > compressed_limit * 4 // 3 + 4:
        raise StatusListError(
            "encodedList too long",
            expected=f"at most {compressed_limit} bytes of GZIP",
            got=f"{len(text)} characters",
        )
    if _BASE64URL.fullmatch(text) is None or len(text) % 4 == 1:
        raise StatusListError(
            "not base64url without padding",
            expected="A-Z a-z 0-9 - _ only, no '='",
            got=_shown(encoded),
        )
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise StatusListError("not base64url", got=_shown(encoded)) from None
    if base64.urlsafe_b64encode(compressed).decode().rstrip("=") != text:
        raise StatusListError(
            "non-canonical base64url (unused bits are not zero)", got=_shown(encoded)
        )
    return _gunzip(compressed, max_bytes, min_bytes)


def _gunzip(compressed: bytes, max_bytes: int, min_bytes: int) -> bytes:
    if compressed[:3] != b"\x1f\x8b\x08":
        raise StatusListError(
            "not GZIP", expected="1f 8b 08 (GZIP, DEFLATE)", got=compressed[:3].hex()
        )
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        bits = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise StatusListError("corrupt GZIP", got=str(exc)) from None
    if len(bits) > max_bytes:
        raise StatusListError(
            "bitstring too large", expected=f"at most {max_bytes} bytes", got="more"
        )
    if not inflater.eof:
        raise StatusListError("GZIP data ends early", expected="a complete GZIP member")
    if inflater.unused_data:
        raise StatusListError(
            "data after the GZIP member",
            expected="exactly one GZIP member",
            got=f"{len(inflater.unused_data)} more bytes",
        )
    if len(bits) < min_bytes:
        raise StatusListError(
            "bitstring too short",
            expected=f"at least {min_bytes} bytes ({min_bytes * 8} entries)",
            got=f"{len(bits)} bytes",
        )
    return bits


def _shown(value: object) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    return type(value).__name__


def status_at(bits: bytes, index: int) -> int:
    """The status bit at ``index`` (0 or 1); IndexError outside the list."""
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"index {index} outside 0..{len(bits) * 8 - 1}")
    return (bits[index >> 3] >> (7 - (index & 7))) & 1


def with_changes(bits: bytes, set_indexes: Iterable[int], clear_indexes: Iterable[int]) -> bytes:
    """``bits`` with the given indexes set to 1 and cleared to 0 (indexes must be in range)."""
    changed = bytearray(bits)
    for index in set_indexes:
        changed[index >> 3] |= 0x80 >> (index & 7)
    for index in clear_indexes:
        changed[index >> 3] &= 0xFF ^ (0x80 >> (index & 7))
    return bytes(changed)


def list_digest(bits: bytes) -> bytes:
    """SHA-256 of the bitstring (``statusListDigest``).

    It equals the ``leaf_value_hash`` of the bits key's state proof: the state
    tree commits to the SHA-256 of each value.
    """
    return hashlib.sha256(bits).digest()
