"""ML-DSA-65 (FIPS 204), the post-quantum suite ``ml-dsa-65``.

Pure ML-DSA (no pre-hash) with the empty context string, through OpenSSL via
``cryptography``. Public key 1952 bytes (the raw FIPS 204 encoding; every
1952-byte string decodes), signature 3309 bytes, private key the 32-byte
seed ξ of ``ML-DSA.KeyGen`` (``from_seed_bytes`` / ``private_bytes_raw``).
Signing is hedged (fresh randomness per signature, as FIPS 204 recommends),
so two signatures of one message differ; both verify.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA65PrivateKey, MLDSA65PublicKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from sen.ledger.suites.base import SigningKey

NAME = "ml-dsa-65"
PUBLIC_KEY_SIZE = 1952
SIGNATURE_SIZE = 3309
SEED_SIZE = 32
PUBLIC_KEY_CACHE = 1024  # decoded keys take about 8 KB each


@dataclass(frozen=True, slots=True)
class MlDsa65Key:
    _key: MLDSA65PrivateKey
    _public: bytes

    @property
    def suite(self) -> str:
        return NAME

    @property
    def public_key(self) -> bytes:
        return self._public

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def private_bytes(self) -> bytes:
        return self._key.private_bytes_raw()


def _decode_public(public_key: bytes) -> MLDSA65PublicKey | None:
    try:
        return MLDSA65PublicKey.from_public_bytes(public_key)
    except ValueError:
        return None


class MlDsa65Suite:
    name = NAME
    public_key_size = PUBLIC_KEY_SIZE
    signature_size = SIGNATURE_SIZE

    def __init__(self) -> None:
        self._public_key: Callable[[bytes], MLDSA65PublicKey | None] = functools.lru_cache(
            maxsize=PUBLIC_KEY_CACHE
        )(_decode_public)

    def check_public_key(self, public_key: bytes) -> str | None:
        if len(public_key) != PUBLIC_KEY_SIZE:
            return f"{NAME} public key must be {PUBLIC_KEY_SIZE} bytes, got {len(public_key)}"
        if self._public_key(public_key) is None:
            return f"{NAME} public key cannot be decoded"
        return None

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        if len(signature) != SIGNATURE_SIZE or len(public_key) != PUBLIC_KEY_SIZE:
            return False
        key = self._public_key(public_key)
        if key is None:
            return False
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def generate(self) -> SigningKey:
        return _wrap(MLDSA65PrivateKey.generate())

    def load_private(self, private: bytes) -> SigningKey:
        if len(private) != SEED_SIZE:
            raise ValueError(
                f"{NAME} private key (seed) must be {SEED_SIZE} bytes, got {len(private)}"
            )
        return _wrap(MLDSA65PrivateKey.from_seed_bytes(private))

    def to_pkcs8_key(self, private: bytes) -> PrivateKeyTypes:
        return MLDSA65PrivateKey.from_seed_bytes(private)

    def from_pkcs8_key(self, key: PrivateKeyTypes) -> bytes | None:
        if not isinstance(key, MLDSA65PrivateKey):
            return None
        try:
            return key.private_bytes_raw()  # the seed; absent if the file held no seed
        except (ValueError, UnsupportedAlgorithm):
            return None


def _wrap(key: MLDSA65PrivateKey) -> MlDsa65Key:
    return MlDsa65Key(key, key.public_key().public_bytes_raw())
