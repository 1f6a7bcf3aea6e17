"""Commit verification and signing with CometBFT v0.38's semantics.

`verify_commit` follows `types.VerifyCommit`: the commit must be for the given
height and block id and carry one signature slot per validator, in set order.
Absent slots are skipped; every other slot must be well formed, belong to the
validator at its index and carry a valid Ed25519 signature over the canonical
precommit sign-bytes (a nil vote signs over the zero block id). Only slots that
voted for the block count, and their voting power must be more than 2/3 of the
set's total. All signatures are checked, even after 2/3 is reached.

The checks run one by one in slot order (CometBFT's non-batch path), so the
first bad slot is the one reported.
"""

from __future__ import annotations

import nacl.bindings
import nacl.exceptions
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ._json import to_hex
from .errors import (
    CommitBlockIDMismatch,
    CommitHeightMismatch,
    CommitSizeMismatch,
    InsufficientVotingPower,
    InvalidSignature,
    MalformedCommitSig,
    ValidatorAddressMismatch,
)
from .types import (
    ADDRESS_SIZE,
    BlockID,
    BlockIDFlag,
    Commit,
    CommitSig,
    SignedMsgType,
    Timestamp,
    Validator,
    ValidatorSet,
)
from .vote import canonical_vote_sign_bytes

__all__ = [
    "commit_vote_sign_bytes",
    "sign_commit",
    "verify_commit",
    "verify_commit_light_trusting",
    "voting_power_needed",
]


def _vote_block_id(flag: BlockIDFlag, commit_block_id: BlockID) -> BlockID:
    """What a commit slot voted for (`CommitSig.BlockID`)."""
    return commit_block_id if flag == BlockIDFlag.COMMIT else BlockID.zero()


def commit_vote_sign_bytes(chain_id: str, commit: Commit, index: int) -> bytes:
    """The precommit sign-bytes of slot ``index`` (`Commit.VoteSignBytes`)."""
    sig = commit.signatures[index]
    return canonical_vote_sign_bytes(
        chain_id,
        SignedMsgType.PRECOMMIT,
        commit.height,
        commit.round,
        _vote_block_id(sig.block_id_flag, commit.block_id),
        sig.timestamp,
    )


def voting_power_needed(validator_set: ValidatorSet) -> int:
    """Signed power must be strictly greater than this (2/3 of the total, floored)."""
    return validator_set.total_voting_power() * 2 // 3


def _check_well_formed(index: int, sig: CommitSig) -> None:
    if len(sig.validator_address) != ADDRESS_SIZE:
        raise MalformedCommitSig(
            index, f"validator address has {len(sig.validator_address)} bytes, expected 20"
        )
    if not sig.signature:
        raise MalformedCommitSig(index, "signature is missing")


def _signature_is_valid(validator: Validator, message: bytes, signature: bytes) -> bool:
    """Ed25519 verification with libsodium (about twice as fast here as OpenSSL)."""
    if len(signature) != 64 or len(validator.pub_key) != 32:
        return False
    try:
        nacl.bindings.crypto_sign_open(signature + message, validator.pub_key)
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
        return False
    return True


def verify_commit(
    chain_id: str, validator_set: ValidatorSet, block_id: BlockID, height: int, commit: Commit
) -> None:
    """Check that more than 2/3 of ``validator_set`` committed ``block_id`` at ``height``.

    Returns nothing on success; raises a `CommitError` subclass otherwise.
    """
    validators = validator_set.validators
    if len(validators) != len(commit.signatures):
        raise CommitSizeMismatch(expected=len(validators), got=len(commit.signatures))
    if height != commit.height:
        raise CommitHeightMismatch(expected=height, got=commit.height)
    if block_id != commit.block_id:
        raise CommitBlockIDMismatch(expected=str(block_id), got=str(commit.block_id))

    needed = voting_power_needed(validator_set)
    signed = 0
    for index, (validator, sig) in enumerate(zip(validators, commit.signatures, strict=True)):
        if sig.block_id_flag == BlockIDFlag.ABSENT:
            continue
        _check_well_formed(index, sig)
        if sig.validator_address != validator.address:
            raise ValidatorAddressMismatch(
                index, expected=to_hex(validator.address), got=to_hex(sig.validator_address)
            )
        message = commit_vote_sign_bytes(chain_id, commit, index)
        if not _signature_is_valid(validator, message, sig.signature):
            raise InvalidSignature(validator=to_hex(validator.address), index=index)
        if sig.block_id_flag == BlockIDFlag.COMMIT:
            signed += validator.voting_power

    if signed <= needed:
        raise InsufficientVotingPower(signed=signed, needed=needed)


def verify_commit_light_trusting(
    chain_id: str,
    trusted_set: ValidatorSet,
    commit: Commit,
    numerator: int,
    denominator: int,
) -> None:
    """Check that validators of ``trusted_set`` holding more than ``numerator/denominator``
    of its power signed ``commit`` (CometBFT's `VerifyCommitLightTrusting`).

    The set need not be the one that signed the block (a light client skipping
    heights trusts an older set), so slots are matched to validators by address,
    not by index; slots of validators not in the set are skipped. A validator
    may sign once. Counting stops as soon as the power is reached (as CometBFT's
    non-batch path does). Raises a `CommitError` subclass otherwise.
    """
    if denominator <= 0 or numerator <= 0:
        raise ValueError("a trust level is a positive fraction")
    needed = trusted_set.total_voting_power() * numerator // denominator
    by_address = {v.address: v for v in trusted_set.validators}
    seen: set[bytes] = set()
    signed = 0
    for index, sig in enumerate(commit.signatures):
        if sig.block_id_flag == BlockIDFlag.ABSENT:
            continue
        _check_well_formed(index, sig)
        validator = by_address.get(sig.validator_address)
        if validator is None:
            continue
        if validator.address in seen:
            raise MalformedCommitSig(index, "the validator signed twice")
        seen.add(validator.address)
        message = commit_vote_sign_bytes(chain_id, commit, index)
        if not _signature_is_valid(validator, message, sig.signature):
            raise InvalidSignature(validator=to_hex(validator.address), index=index)
        if sig.block_id_flag == BlockIDFlag.COMMIT:
            signed += validator.voting_power
            if signed > needed:
                return
    raise InsufficientVotingPower(signed=signed, needed=needed)


def sign_commit(
    private_key: Ed25519PrivateKey,
    chain_id: str,
    height: int,
    round: int,
    block_id: BlockID,
    timestamp: Timestamp,
    block_id_flag: BlockIDFlag = BlockIDFlag.COMMIT,
) -> CommitSig:
    """Sign a precommit for ``block_id`` (or for nil) and return its commit slot."""
    if block_id_flag == BlockIDFlag.ABSENT:
        raise ValueError("an absent validator does not sign; use CommitSig.absent()")
    public_key = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    message = canonical_vote_sign_bytes(
        chain_id,
        SignedMsgType.PRECOMMIT,
        height,
        round,
        _vote_block_id(block_id_flag, block_id),
        timestamp,
    )
    return CommitSig(
        block_id_flag=block_id_flag,
        validator_address=Validator(public_key, 1).address,
        timestamp=timestamp,
        signature=private_key.sign(message),
    )
