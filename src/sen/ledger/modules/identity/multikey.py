"""Multikey: public keys as ``publicKeyMultibase`` text (``z6Mk…``, ``zDn…``).

A Multikey (W3C Controlled Identifiers v1.0, §2.2.2) is the multibase
encoding of ``multicodec-varint(key type) ‖ raw public key``. Sen accepts
exactly one multibase, base58-btc (prefix ``z``), and the key types of its
signature suites that DID documents use:

===============  =========  ==============  ===========================  ==========
Sen suite        multicodec  varint bytes   raw key                      starts
===============  =========  ==============  ===========================  ==========
``ed25519``      0xed        ``ed 01``      32 bytes                     ``z6Mk``
``ecdsa-p256``   0x1200      ``80 24``      33 bytes, compressed SEC1    ``zDn``
===============  =========  ==============  ===========================  ==========

Decoding is consensus-critical (``identity.create`` stores the decoded key),
so it accepts only the one canonical text of each key: base58-btc is a
bijection between strings and byte strings (leading ``1`` ↔ leading zero
byte), the varint must be minimal, and the key must pass its suite's check.

Base58-btc is written here rather than taken from a package: it is twenty
lines, it runs inside consensus (every validator must accept exactly the
same strings, D8), and the packages that offer it are either unmaintained
or pull in far more than the codec.
"""

from __future__ import annotations

from dataclasses import dataclass

from sen.ledger.crypto import get_suite
from sen.ledger.errors import LedgerError

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}
MULTIBASE_BASE58BTC = "z"
MAX_MULTIBASE_CHARS = 128  # far above any key here; bounds the (quadratic) decoding work


class MultikeyError(LedgerError, ValueError):
    """Text that is not a Multikey Sen accepts; ``reason`` says why.

    ``unsupported`` is set when the text is well formed but names a multibase
    or a key type Sen does not take (rather than being malformed).
    """

    def __init__(self, reason: str, *, unsupported: bool = False) -> None:
        self.reason = reason
        self.unsupported = unsupported
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class KeyType:
    suite: str  # the Sen signature suite
    multicodec: int
    size: int  # raw public key bytes
    label: str


KEY_TYPES: tuple[KeyType, ...] = (
    KeyType("ed25519", 0xED, 32, "Ed25519"),
    KeyType("ecdsa-p256", 0x1200, 33, "P-256 (compressed)"),
)
_BY_SUITE = {t.suite: t for t in KEY_TYPES}
_BY_CODEC = {t.multicodec: t for t in KEY_TYPES}
SUPPORTED_SUITES = tuple(t.suite for t in KEY_TYPES)


def base58btc_encode(data: bytes) -> str:
    """Base58 with the Bitcoin alphabet; each leading zero byte becomes a ``1``."""
    zeros = len(data) - len(data.lstrip(b"\x00"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """The bytes of base58-btc ``text``; ``ValueError`` names the first bad character."""
    number = 0
    for position, char in enumerate(text):
        digit = _BASE58_INDEX.get(char)
        if digit is None:
            raise ValueError(f"{char!r} at position {position} is not a base58-btc character")
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def encode_varint(value: int) -> bytes:
    """Unsigned LEB128, as multiformats' unsigned-varint."""
    if value < 0:
        raise ValueError("a varint is unsigned")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data: bytes) -> tuple[int, int]:
    """``(value, bytes used)`` of the minimal unsigned varint at the start of ``data``."""
    value = 0
    for index, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if index > 0 and byte == 0:
                raise ValueError("the multicodec varint is not minimal")
            return value, index + 1
    raise ValueError("the multicodec varint does not end")


def encode_multikey(suite: str, public_key: bytes) -> str:
    """``publicKeyMultibase`` of a Sen public key (``ed25519`` or ``ecdsa-p256``)."""
    key_type = _BY_SUITE.get(suite)
    if key_type is None:
        raise MultikeyError(
            f"suite {suite!r} has no Multikey form here; supported: {', '.join(SUPPORTED_SUITES)}"
        )
    if len(public_key) != key_type.size:
        raise MultikeyError(
            f"a {key_type.label} key is {key_type.size} bytes, got {len(public_key)}"
        )
    return MULTIBASE_BASE58BTC + base58btc_encode(encode_varint(key_type.multicodec) + public_key)


def decode_multikey(text: str) -> tuple[str, bytes]:
    """``(suite, raw public key)`` of a ``publicKeyMultibase``, else :class:`MultikeyError`."""
    if not text.startswith(MULTIBASE_BASE58BTC):
        raise MultikeyError(
            f"expected base58-btc multibase (starting 'z'), got {text[:1]!r} as the prefix",
            unsupported=True,
        )
    if len(text) > MAX_MULTIBASE_CHARS:
        raise MultikeyError(f"at most {MAX_MULTIBASE_CHARS} characters, got {len(text)}")
    try:
        data = base58btc_decode(text[1:])
        codec, used = decode_varint(data)
    except ValueError as exc:
        raise MultikeyError(str(exc)) from None
    key_type = _BY_CODEC.get(codec)
    if key_type is None:
        raise MultikeyError(
            f"multicodec 0x{codec:x} is not a supported key type (0xed Ed25519, 0x1200 P-256)",
            unsupported=True,
        )
    public_key = data[used:]
    if len(public_key) != key_type.size:
        raise MultikeyError(
            f"a {key_type.label} key is {key_type.size} bytes, got {len(public_key)}"
        )
    problem = get_suite(key_type.suite).check_public_key(public_key)
    if problem is not None:
        raise MultikeyError(problem)
    return key_type.suite, public_key
