"""Error codes and exceptions of the verifiable-credentials library.

Verification never raises for a bad credential: it answers with a
:class:`~sen.vc.verify.VerificationResult` whose ``errors`` are
:class:`Problem` s, each an :class:`ErrorCode`, a message and the JSON path at
fault. Signing (and loading the bundled contexts) raises, one root::

    VcError(code, message, path)
    ├── InvalidDocument(problems)   the credential or presentation breaks a
    │                               VCDM 2.0 rule, or JSON-LD processing of it
    │                               fails (unknown context, dropped term, ...)
    ├── ContextIntegrityError       a bundled context file differs from its
    │                               pinned SHA-256 (the package is damaged)
    ├── UnsupportedCryptosuite      the cryptosuite is not one Sen implements
    └── SigningError                the key does not fit the cryptosuite, or the
                                    signer returned a signature that does not verify

The codes are stable strings (they reach APIs and logs). Where the W3C specs
name an error type, the code's documentation in ``docs/spec/credentials.md``
gives it (e.g. ``TERM_DROPPED`` is Data Integrity's ``DATA_LOSS_DETECTION_ERROR``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    # the document's shape (VCDM 2.0 data model)
    MALFORMED_CREDENTIAL = "MALFORMED_CREDENTIAL"
    MALFORMED_PRESENTATION = "MALFORMED_PRESENTATION"
    INVALID_CONTEXT = "INVALID_CONTEXT"
    MISSING_TYPE = "MISSING_TYPE"
    MISSING_PROPERTY = "MISSING_PROPERTY"
    INVALID_URL = "INVALID_URL"
    INVALID_ISSUER = "INVALID_ISSUER"
    INVALID_HOLDER = "INVALID_HOLDER"
    EMPTY_SUBJECT = "EMPTY_SUBJECT"
    INVALID_DATE = "INVALID_DATE"
    INVALID_VALIDITY_PERIOD = "INVALID_VALIDITY_PERIOD"
    INVALID_RELATED_RESOURCE = "INVALID_RELATED_RESOURCE"
    MALFORMED_STATUS = "MALFORMED_STATUS"  # Bitstring Status List's MALFORMED_VALUE_ERROR
    # JSON-LD processing
    MALFORMED_JSON_LD = "MALFORMED_JSON_LD"
    UNKNOWN_CONTEXT = "UNKNOWN_CONTEXT"
    TERM_DROPPED = "TERM_DROPPED"
    RESPELLED_TERM = "RESPELLED_TERM"  # a core property under an alias or its full IRI
    CONTEXT_INTEGRITY = "CONTEXT_INTEGRITY"
    # proofs (Data Integrity 1.0)
    MISSING_PROOF = "MISSING_PROOF"
    MALFORMED_PROOF = "MALFORMED_PROOF"
    UNSUPPORTED_CRYPTOSUITE = "UNSUPPORTED_CRYPTOSUITE"
    CONTEXT_MISMATCH = "CONTEXT_MISMATCH"
    UNKNOWN_VERIFICATION_METHOD = "UNKNOWN_VERIFICATION_METHOD"
    KEY_MISMATCH = "KEY_MISMATCH"
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    PROOF_EXPIRED = "PROOF_EXPIRED"
    WRONG_PROOF_PURPOSE = "WRONG_PROOF_PURPOSE"
    INVALID_CHALLENGE = "INVALID_CHALLENGE"
    INVALID_DOMAIN = "INVALID_DOMAIN"
    # who signed
    ISSUER_MISMATCH = "ISSUER_MISMATCH"
    HOLDER_MISMATCH = "HOLDER_MISMATCH"
    UNAUTHORIZED_VERIFICATION_METHOD = "UNAUTHORIZED_VERIFICATION_METHOD"
    # validity period against the verifier's clock
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
    # warnings (never make a result fail)
    UNDEFINED_TERM = "UNDEFINED_TERM"
    NOT_NFC = "NOT_NFC"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a document: a code, a sentence, and where (``$.credentialSubject``)."""

    code: ErrorCode
    message: str
    path: str = "$"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message, "path": self.path}


class VcError(Exception):
    """Root of every error raised by :mod:`sen.vc`."""

    def __init__(self, code: ErrorCode, message: str, path: str = "$") -> None:
        self.code = code
        self.message = message
        self.path = path
        super().__init__(f"{code}: {message} (at {path})")

    @property
    def problem(self) -> Problem:
        return Problem(self.code, self.message, self.path)


class InvalidDocument(VcError):
    """A document cannot be signed: ``problems`` lists every rule it breaks."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("InvalidDocument needs at least one problem")
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(first.code, first.message, first.path)


class ContextIntegrityError(VcError):
    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.CONTEXT_INTEGRITY, message)


class UnsupportedCryptosuite(VcError):
    def __init__(
        self, name: object, known: Sequence[str], path: str = "$.proof.cryptosuite"
    ) -> None:
        super().__init__(
            ErrorCode.UNSUPPORTED_CRYPTOSUITE,
            f"cryptosuite {name!r} is not supported; supported: {', '.join(known)}",
            path,
        )


class SigningError(VcError):
    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.KEY_MISMATCH, message, "$.proof")
