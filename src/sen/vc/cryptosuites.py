"""The Data Integrity cryptosuites Sen implements: eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019.

Each is a canonicalization, a hash and a signature (W3C Data Integrity EdDSA
Cryptosuites v1.0 §3; ECDSA Cryptosuites v1.0 §3.2–3.3, P-256 only):

=================  ============  ==========================  =====================
cryptosuite        canonical     signed bytes (``hashData``)  signature
=================  ============  ==========================  =====================
eddsa-rdfc-2022    RDFC-1.0      SHA-256(config) ‖ SHA-256(doc)  Ed25519 (64 B)
eddsa-jcs-2022     JCS           SHA-256(config) ‖ SHA-256(doc)  Ed25519 (64 B)
ecdsa-rdfc-2019    RDFC-1.0      SHA-256(config) ‖ SHA-256(doc)  ECDSA P-256 with
                                                                 SHA-256, r ‖ s (64 B)
=================  ============  ==========================  =====================

"config" is the proof configuration: the proof without ``proofValue``, with
the document's ``@context``, canonicalized the same way as the document. The
proof configuration hash comes *first*.

Signing goes through any object with ``public_key`` and ``sign(message)``
(Sen's :class:`~sen.ledger.crypto.SigningKey`, including HSM keys), which for
``ecdsa-p256`` already computes ECDSA-SHA256 over the message and returns a
low-S ``r ‖ s`` — exactly what ecdsa-rdfc-2019 asks for. Verification accepts
high-S signatures too: the W3C suite does not require low S, and its own test
vectors have one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from sen.ledger.crypto import P256, get_suite
from sen.vc.canonical import DocumentLoader, canonicalize_jcs, canonicalize_rdfc
from sen.vc.errors import UnsupportedCryptosuite
from sen.vc.loader import ContextLoader

__all__ = [
    "CRYPTOSUITES",
    "PROOF_TYPE",
    "Cryptosuite",
    "Signer",
    "get_cryptosuite",
]

PROOF_TYPE = "DataIntegrityProof"


class Signer(Protocol):
    """What signing needs of a key: its raw public key, and a signature over a message."""

    @property
    def public_key(self) -> bytes: ...

    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Cryptosuite:
    name: str
    canonicalization: Literal["rdfc", "jcs"]
    key_suite: str  # the Sen signature suite of its keys: "ed25519" or "ecdsa-p256"

    def canonicalize(
        self, document: Mapping[str, Any], loader: ContextLoader | DocumentLoader
    ) -> bytes:
        if self.canonicalization == "rdfc":
            return canonicalize_rdfc(document, loader).encode("utf-8")
        return canonicalize_jcs(document)

    def hash_data(
        self,
        document: Mapping[str, Any],
        proof_config: Mapping[str, Any],
        loader: ContextLoader | DocumentLoader,
    ) -> bytes:
        """SHA-256(canonical proof configuration) ‖ SHA-256(canonical document): 64 bytes."""
        config_hash = hashlib.sha256(self.canonicalize(proof_config, loader)).digest()
        document_hash = hashlib.sha256(self.canonicalize(document, loader)).digest()
        return config_hash + document_hash

    def verify(self, public_key: bytes, hash_data: bytes, signature: bytes) -> bool:
        if self.key_suite == "ed25519":
            return get_suite("ed25519").verify(public_key, hash_data, signature)
        return _verify_p256(public_key, hash_data, signature)


CRYPTOSUITES: dict[str, Cryptosuite] = {
    suite.name: suite
    for suite in (
        Cryptosuite("eddsa-rdfc-2022", "rdfc", "ed25519"),
        Cryptosuite("eddsa-jcs-2022", "jcs", "ed25519"),
        Cryptosuite("ecdsa-rdfc-2019", "rdfc", "ecdsa-p256"),
    )
}


def get_cryptosuite(name: object) -> Cryptosuite:
    suite = CRYPTOSUITES.get(name) if isinstance(name, str) else None
    if suite is None:
        raise UnsupportedCryptosuite(name, sorted(CRYPTOSUITES))
    return suite


def _verify_p256(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """ECDSA P-256 / SHA-256 over ``message``, signature ``r ‖ s``; either S accepted."""
    if len(signature) != 64 or get_suite(P256.suite).check_public_key(public_key) is not None:
        return False
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    if not (0 < r < P256.order and 0 < s < P256.order):
        return False
    key = ec.EllipticCurvePublicKey.from_encoded_point(P256.curve, public_key)
    try:
        key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
