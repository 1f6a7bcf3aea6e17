"""Signature suites: a registry, so that adding an algorithm touches only this table.

A suite names an algorithm and knows how to check a public key, verify a
signature and make keys. Transactions name their suite; chains list which
suites they accept (``ChainParams.allowed_suites``). The suites themselves
live one per module in :mod:`sen.ledger.suites`; this module is the import
path everyone uses. Formats: ``docs/spec/signature-suites.md``.

=====================  ==========  =========  =====================================
suite                  public key  signature  private key
=====================  ==========  =========  =====================================
``ed25519``            32 B        64 B       32-byte seed (RFC 8032)
``ecdsa-p256``         33 B SEC1   64 B r‖s   32-byte scalar; low-S only
``ecdsa-secp256k1``    33 B SEC1   64 B r‖s   32-byte scalar; low-S only
``ml-dsa-65``          1952 B      3309 B     32-byte seed ξ (FIPS 204)
=====================  ==========  =========  =====================================
"""

from __future__ import annotations

import hashlib

from sen.ledger.errors import UnknownSuite
from sen.ledger.suites.base import Pkcs8Codec, SignatureSuite, SigningKey
from sen.ledger.suites.ecdsa import (
    P256,
    SECP256K1,
    Curve,
    EcdsaKey,
    EcdsaSuite,
    curve_of,
    normalize_low_s,
)
from sen.ledger.suites.ed25519 import Ed25519Key, Ed25519Suite
from sen.ledger.suites.mldsa import MlDsa65Key, MlDsa65Suite

__all__ = [
    "P256",
    "SECP256K1",
    "Curve",
    "EcdsaKey",
    "EcdsaSuite",
    "Ed25519Key",
    "Ed25519Suite",
    "MlDsa65Key",
    "MlDsa65Suite",
    "Pkcs8Codec",
    "SignatureSuite",
    "SigningKey",
    "address_of",
    "curve_of",
    "get_suite",
    "known_suites",
    "normalize_low_s",
    "pkcs8_codec",
    "register_suite",
]

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


def pkcs8_codec(name: str) -> Pkcs8Codec | None:
    """The suite's PKCS#8 codec, for storing its keys encrypted; None if it has none."""
    suite = get_suite(name)
    return suite if isinstance(suite, Pkcs8Codec) else None


def address_of(suite: str, public_key: bytes) -> bytes:
    """A 20-byte account address: the first 20 bytes of SHA-256(suite ‖ 0x00 ‖ key)."""
    return hashlib.sha256(suite.encode() + b"\x00" + public_key).digest()[:20]


register_suite(Ed25519Suite())
register_suite(EcdsaSuite(P256))
register_suite(EcdsaSuite(SECP256K1))
register_suite(MlDsa65Suite())
