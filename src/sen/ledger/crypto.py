"""Signature suites: a registry, so that adding an algorithm touches only this table.

A suite names an algorithm and knows how to check a public key, verify a
signature and make keys. Transactions name their suite; chains list which
suites they accept (``ChainParams.allowed_suites``).

Ed25519 (RFC 8032) is the default. It is verified with libsodium through
PyNaCl, which is about twice as fast as OpenSSL here and releases the GIL, so
verification runs in parallel threads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

import nacl.bindings
import nacl.exceptions
import nacl.signing

from sen.ledger.errors import UnknownSuite


class SigningKey(Protocol):
    @property
    def suite(self) -> str: ...
    @property
    def public_key(self) -> bytes: ...
    def sign(self, message: bytes) -> bytes: ...
    def private_bytes(self) -> bytes: ...


class SignatureSuite(Protocol):
    name: str
    public_key_size: int
    signature_size: int

    def check_public_key(self, public_key: bytes) -> str | None:
        """None if the key is well formed, else the reason it is not."""

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool: ...

    def generate(self) -> SigningKey: ...

    def load_private(self, private: bytes) -> SigningKey: ...


@dataclass(frozen=True, slots=True)
class Ed25519Key:
    _key: nacl.signing.SigningKey

    @property
    def suite(self) -> str:
        return "ed25519"

    @property
    def public_key(self) -> bytes:
        return bytes(self._key.verify_key)

    def sign(self, message: bytes) -> bytes:
        return bytes(self._key.sign(message).signature)

    def private_bytes(self) -> bytes:
        return bytes(self._key)


class Ed25519Suite:
    name = "ed25519"
    public_key_size = 32
    signature_size = 64

    def check_public_key(self, public_key: bytes) -> str | None:
        if len(public_key) != 32:
            return f"ed25519 public key must be 32 bytes, got {len(public_key)}"
        return None

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        if len(signature) != 64 or len(public_key) != 32:
            return False
        try:
            nacl.bindings.crypto_sign_open(signature + message, public_key)
        except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
            return False
        return True

    def generate(self) -> SigningKey:
        return Ed25519Key(nacl.signing.SigningKey.generate())

    def load_private(self, private: bytes) -> SigningKey:
        if len(private) != 32:
            raise ValueError(f"ed25519 private key (seed) must be 32 bytes, got {len(private)}")
        return Ed25519Key(nacl.signing.SigningKey(private))


_SUITES: dict[str, SignatureSuite] = {}


def register_suite(suite: SignatureSuite) -> None:
    if suite.name in _SUITES:
        raise ValueError(f"signature suite {suite.name!r} is already registered")
    _SUITES[suite.name] = suite


def get_suite(name: str) -> SignatureSuite:
    try:
        return _SUITES[name]
    except KeyError:
        raise UnknownSuite(name, known_suites()) from None


def known_suites() -> tuple[str, ...]:
    return tuple(sorted(_SUITES))


def address_of(suite: str, public_key: bytes) -> bytes:
    """A 20-byte account address: the first 20 bytes of SHA-256(suite ‖ 0x00 ‖ key)."""
    return hashlib.sha256(suite.encode() + b"\x00" + public_key).digest()[:20]


register_suite(Ed25519Suite())
