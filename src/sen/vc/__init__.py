"""Verifiable credentials: W3C VC Data Model 2.0, secured with Data Integrity proofs.

Sign with any Sen key (in memory or in an HSM), verify with an injected key
resolver; no network, ever (JSON-LD contexts are bundled and pinned)::

    from sen.vc import sign_credential, verify_credential

    signed = sign_credential(
        diploma, key, "did:sen:hust#key-1", "eddsa-rdfc-2022"
    )
    result = verify_credential(signed, resolve_key, is_authorized=is_authorized)
    result.verified, result.errors   # [Problem(code, message, path), ...]

Cryptosuites: ``eddsa-rdfc-2022``, ``eddsa-jcs-2022`` (Ed25519 keys) and
``ecdsa-rdfc-2019`` (P-256 keys). Formats, error codes and the Sen diploma
context: ``docs/spec/credentials.md``.
"""

from sen.did.key import did_key, is_did_key, resolve_did_key
from sen.vc.cryptosuites import CRYPTOSUITES, Cryptosuite, Signer, get_cryptosuite
from sen.vc.errors import (
    ContextIntegrityError,
    ErrorCode,
    InvalidDocument,
    Problem,
    SigningError,
    UnsupportedCryptosuite,
    VcError,
)
from sen.vc.issue import sign_credential, sign_presentation
from sen.vc.loader import (
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    DATA_INTEGRITY_V2,
    DIPLOMA_V1,
    ContextLoader,
    UnknownContext,
    default_loader,
)
from sen.vc.proofs import KeyResolver
from sen.vc.verify import Authorizer, VerificationResult, verify_credential, verify_presentation

__all__ = [
    "CREDENTIALS_V1",
    "CREDENTIALS_V2",
    "CRYPTOSUITES",
    "DATA_INTEGRITY_V2",
    "DIPLOMA_V1",
    "Authorizer",
    "ContextIntegrityError",
    "ContextLoader",
    "Cryptosuite",
    "ErrorCode",
    "InvalidDocument",
    "KeyResolver",
    "Problem",
    "Signer",
    "SigningError",
    "UnknownContext",
    "UnsupportedCryptosuite",
    "VcError",
    "VerificationResult",
    "default_loader",
    "did_key",
    "get_cryptosuite",
    "is_did_key",
    "resolve_did_key",
    "sign_credential",
    "sign_presentation",
    "verify_credential",
    "verify_presentation",
]
