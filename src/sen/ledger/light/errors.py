"""Errors raised by the light-client formats and verifiers (the receipt's are in
:mod:`sen.light.errors`).

Every error names what was expected and what was found, so that the REST and
CLI edges can translate it once without parsing messages::

    LightError
    ├── InvalidValue                  a value out of range for its CometBFT type
    ├── DecodeError                   JSON that does not describe a CometBFT object
    │   ├── MissingField
    │   ├── UnexpectedField
    │   └── InvalidField
    ├── ProofError                    a Merkle proof that does not prove its leaf
    │   ├── ProofIndexOutOfRange
    │   ├── ProofAuntCountMismatch
    │   ├── LeafHashMismatch
    │   └── RootHashMismatch
    ├── CommitError                   a commit that does not commit the block
    │   ├── CommitSizeMismatch
    │   ├── CommitHeightMismatch
    │   ├── CommitBlockIDMismatch
    │   ├── MalformedCommitSig
    │   ├── ValidatorAddressMismatch
    │   ├── InvalidSignature
    │   └── InsufficientVotingPower
    └── StateProofError               a state proof that does not show key -> value
                                      (or absence) under an app hash
"""

from __future__ import annotations

__all__ = [
    "CommitBlockIDMismatch",
    "CommitError",
    "CommitHeightMismatch",
    "CommitSizeMismatch",
    "DecodeError",
    "InsufficientVotingPower",
    "InvalidField",
    "InvalidSignature",
    "InvalidValue",
    "LeafHashMismatch",
    "LightError",
    "MalformedCommitSig",
    "MissingField",
    "ProofAuntCountMismatch",
    "ProofError",
    "ProofIndexOutOfRange",
    "RootHashMismatch",
    "StateProofError",
    "UnexpectedField",
    "ValidatorAddressMismatch",
]


class LightError(Exception):
    """Root of every error raised by `sen.light`."""


class InvalidValue(LightError):
    """A field holds a value its CometBFT type cannot hold (range, length, kind)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"invalid {field}: {reason}")


# ---------------------------------------------------------------- decoding


class DecodeError(LightError):
    """JSON input that does not describe the expected CometBFT object."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class MissingField(DecodeError):
    def __init__(self, field: str) -> None:
        super().__init__(field, f"missing field {field!r}")


class UnexpectedField(DecodeError):
    def __init__(self, field: str) -> None:
        super().__init__(field, f"unexpected field {field!r}")


class InvalidField(DecodeError):
    def __init__(self, field: str, expected: str, got: str) -> None:
        self.expected = expected
        self.got = got
        super().__init__(field, f"field {field!r}: expected {expected}, got {got}")


# ---------------------------------------------------------------- proofs


class ProofError(LightError):
    """A Merkle proof that does not prove its leaf under the given root."""


class ProofIndexOutOfRange(ProofError):
    def __init__(self, index: int, total: int) -> None:
        self.index = index
        self.total = total
        super().__init__(f"proof index {index} out of range for total {total}")


class ProofAuntCountMismatch(ProofError):
    def __init__(self, expected: int, got: int) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"proof needs {expected} aunts, got {got}")


class LeafHashMismatch(ProofError):
    def __init__(self, expected: bytes, got: bytes) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"leaf hash mismatch: expected {expected.hex()}, got {got.hex()}")


class RootHashMismatch(ProofError):
    def __init__(self, expected: bytes, got: bytes) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"root hash mismatch: expected {expected.hex()}, got {got.hex()}")


# ---------------------------------------------------------------- commits


class CommitError(LightError):
    """A commit that does not prove that the validator set committed the block."""


class CommitSizeMismatch(CommitError):
    def __init__(self, expected: int, got: int) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"commit has {got} signatures, validator set has {expected} validators")


class CommitHeightMismatch(CommitError):
    def __init__(self, expected: int, got: int) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"commit height mismatch: expected {expected}, got {got}")


class CommitBlockIDMismatch(CommitError):
    def __init__(self, expected: str, got: str) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"commit block id mismatch: expected {expected}, got {got}")


class MalformedCommitSig(CommitError):
    def __init__(self, index: int, reason: str) -> None:
        self.index = index
        self.reason = reason
        super().__init__(f"malformed commit signature #{index}: {reason}")


class ValidatorAddressMismatch(CommitError):
    def __init__(self, index: int, expected: str, got: str) -> None:
        self.index = index
        self.expected = expected
        self.got = got
        super().__init__(
            f"validator address mismatch at index {index}: expected {expected}, got {got}"
        )


class InvalidSignature(CommitError):
    def __init__(self, validator: str, index: int) -> None:
        self.validator = validator
        self.index = index
        super().__init__(f"invalid signature #{index} from validator {validator}")


class InsufficientVotingPower(CommitError):
    def __init__(self, signed: int, needed: int) -> None:
        self.signed = signed
        self.needed = needed
        super().__init__(f"insufficient voting power: got {signed}, needed more than {needed}")


# ---------------------------------------------------------------- state proofs


class StateProofError(LightError):
    """A state proof that does not show what it claims."""
