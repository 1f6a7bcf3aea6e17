"""ECDSA over P-256 (``ecdsa-p256``) and secp256k1 (``ecdsa-secp256k1``), with SHA-256.

Encodings, the same for both curves:

- public key: the 33-byte SEC1 *compressed* point (``0x02``/``0x03`` ‖ x);
- signature: 64 bytes, ``r ‖ s`` big-endian (IEEE P1363), ECDSA-SHA256 of
  the message bytes;
- private key: the 32-byte big-endian scalar ``d``, 1 ≤ d < n.

**Low-S rule.** For every signature (r, s), (r, n − s) verifies too, so a
third party could turn one signed transaction into another with a different
hash. Sen accepts only ``s ≤ n/2``; a high-S signature fails verification.
Signers normalise (:func:`normalize_low_s`), as this module's keys do.

Signing is deterministic (RFC 6979 nonces, through OpenSSL); verification
uses OpenSSL through ``cryptography`` after the range and low-S checks here.
Decoded public keys are cached (decompressing a point costs a square root).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from sen.ledger.suites.base import SigningKey

PUBLIC_KEY_SIZE = 33
SIGNATURE_SIZE = 64
SCALAR_SIZE = 32
PUBLIC_KEY_CACHE = 4096


@dataclass(frozen=True, slots=True)
class Curve:
    """The numbers of one curve that the encodings and checks need."""

    suite: str  # the suite name, e.g. "ecdsa-p256"
    label: str  # for messages, e.g. "P-256"
    curve: ec.EllipticCurve
    field_prime: int
    order: int


P256 = Curve(
    suite="ecdsa-p256",
    label="P-256",
    curve=ec.SECP256R1(),
    field_prime=2**256 - 2**224 + 2**192 + 2**96 - 1,
    order=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
)
SECP256K1 = Curve(
    suite="ecdsa-secp256k1",
    label="secp256k1",
    curve=ec.SECP256K1(),
    field_prime=2**256 - 2**32 - 977,
    order=0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
)
CURVES = (P256, SECP256K1)


def curve_of(curve: str | ec.EllipticCurve) -> Curve:
    """A curve by suite name (``"ecdsa-p256"``), curve name (``"secp256r1"``) or object."""
    name = curve.name if isinstance(curve, ec.EllipticCurve) else curve
    for known in CURVES:
        if name in (known.suite, known.curve.name, known.label):
            return known
    raise ValueError(f"unsupported ECDSA curve {name!r}; supported: P-256, secp256k1")


def normalize_low_s(r_s: bytes, curve: str | ec.EllipticCurve) -> bytes:
    """A 64-byte ``r ‖ s`` signature in the low-S form Sen accepts (s → n − s if s > n/2).

    For signers outside this module, e.g. a PKCS#11 token that returns raw
    ``r ‖ s``. Raises ``ValueError`` if the input is not 64 bytes or r, s are
    not in [1, n − 1].
    """
    known = curve_of(curve)
    if len(r_s) != SIGNATURE_SIZE:
        raise ValueError(f"an ECDSA signature is {SIGNATURE_SIZE} bytes r ‖ s, got {len(r_s)}")
    r = int.from_bytes(r_s[:SCALAR_SIZE], "big")
    s = int.from_bytes(r_s[SCALAR_SIZE:], "big")
    if not (0 < r < known.order and 0 < s < known.order):
        raise ValueError(f"r and s must be in [1, n-1] for {known.label}")
    return _encode(r, s, known.order)


def _encode(r: int, s: int, order: int) -> bytes:
    if s > order // 2:
        s = order - s
    return r.to_bytes(SCALAR_SIZE, "big") + s.to_bytes(SCALAR_SIZE, "big")


def compressed_point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


@dataclass(frozen=True, slots=True)
class EcdsaKey:
    curve: Curve
    _key: ec.EllipticCurvePrivateKey
    _public: bytes

    @property
    def suite(self) -> str:
        return self.curve.suite

    @property
    def public_key(self) -> bytes:
        return self._public

    def sign(self, message: bytes) -> bytes:
        algorithm = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
        r, s = decode_dss_signature(self._key.sign(message, algorithm))
        return _encode(r, s, self.curve.order)

    def private_bytes(self) -> bytes:
        return self._key.private_numbers().private_value.to_bytes(SCALAR_SIZE, "big")


class EcdsaSuite:
    """ECDSA-SHA256 on one curve; ``EcdsaSuite(P256)`` and ``EcdsaSuite(SECP256K1)``."""

    public_key_size = PUBLIC_KEY_SIZE
    signature_size = SIGNATURE_SIZE

    def __init__(self, curve: Curve) -> None:
        self.curve = curve
        self.name = curve.suite
        self._public_key: Callable[[bytes], ec.EllipticCurvePublicKey | None] = functools.lru_cache(
            maxsize=PUBLIC_KEY_CACHE
        )(self._decode_point)

    def _decode_point(self, public_key: bytes) -> ec.EllipticCurvePublicKey | None:
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(self.curve.curve, public_key)
        except ValueError:
            return None

    def check_public_key(self, public_key: bytes) -> str | None:
        what = f"{self.name} public key"
        if public_key == b"\x00":
            return f"{what} is the point at infinity"
        if len(public_key) != PUBLIC_KEY_SIZE:
            return (
                f"{what} must be {PUBLIC_KEY_SIZE} bytes (a compressed SEC1 point), "
                f"got {len(public_key)}"
            )
        prefix = public_key[0]
        if prefix not in (2, 3):
            return f"{what} must start with 0x02 or 0x03 (compressed SEC1), got 0x{prefix:02x}"
        if int.from_bytes(public_key[1:], "big") >= self.curve.field_prime:
            return f"{what} x-coordinate is not below the field prime"
        if self._public_key(public_key) is None:
            return f"{what} is not a point on {self.curve.label}"
        return None

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        if len(signature) != SIGNATURE_SIZE or len(public_key) != PUBLIC_KEY_SIZE:
            return False
        order = self.curve.order
        r = int.from_bytes(signature[:SCALAR_SIZE], "big")
        s = int.from_bytes(signature[SCALAR_SIZE:], "big")
        if not (0 < r < order and 0 < s <= order // 2):  # low-S only
            return False
        key = self._public_key(public_key)
        if key is None:
            return False
        try:
            key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True

    def generate(self) -> SigningKey:
        return self._wrap(ec.generate_private_key(self.curve.curve))

    def load_private(self, private: bytes) -> SigningKey:
        if len(private) != SCALAR_SIZE:
            raise ValueError(
                f"{self.name} private key must be {SCALAR_SIZE} bytes, got {len(private)}"
            )
        scalar = int.from_bytes(private, "big")
        if not 0 < scalar < self.curve.order:
            raise ValueError(f"{self.name} private key must be in [1, n-1]")
        return self._wrap(ec.derive_private_key(scalar, self.curve.curve))

    def _wrap(self, key: ec.EllipticCurvePrivateKey) -> EcdsaKey:
        return EcdsaKey(self.curve, key, compressed_point(key.public_key()))

    def to_pkcs8_key(self, private: bytes) -> PrivateKeyTypes:
        return ec.derive_private_key(int.from_bytes(private, "big"), self.curve.curve)

    def from_pkcs8_key(self, key: PrivateKeyTypes) -> bytes | None:
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            return None
        if key.curve.name != self.curve.curve.name:
            return None
        return key.private_numbers().private_value.to_bytes(SCALAR_SIZE, "big")
