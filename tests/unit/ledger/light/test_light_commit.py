"""Commit verification: the happy paths and every way a commit can be wrong."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sen.ledger.light import (
    BlockID,
    BlockIDFlag,
    Commit,
    CommitBlockIDMismatch,
    CommitError,
    CommitHeightMismatch,
    CommitSig,
    CommitSizeMismatch,
    InsufficientVotingPower,
    InvalidSignature,
    MalformedCommitSig,
    PartSetHeader,
    SignedMsgType,
    Timestamp,
    Validator,
    ValidatorAddressMismatch,
    ValidatorSet,
    canonical_vote_sign_bytes,
    commit_vote_sign_bytes,
    sign_commit,
    verify_commit,
    voting_power_needed,
)

CHAIN_ID = "sen-test"
HEIGHT = 42
ROUND = 1
BLOCK_ID = BlockID(b"\xaa" * 32, PartSetHeader(1, b"\xbb" * 32))
TIME = Timestamp(1_700_000_000, 0)

KEYS = [
    Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"key-{i}".encode()).digest())
    for i in range(4)
]
POWERS = [40, 30, 20, 10]  # total 100: more than 66 is needed


def public_key(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


VALIDATORS = ValidatorSet.sorted(
    Validator(public_key(k), p) for k, p in zip(KEYS, POWERS, strict=True)
)
KEY_BY_ADDRESS = {Validator(public_key(k), 1).address: k for k in KEYS}


def make_commit(
    flags: list[BlockIDFlag], chain_id: str = CHAIN_ID, validators: ValidatorSet = VALIDATORS
) -> Commit:
    signatures = []
    for i, (validator, flag) in enumerate(zip(validators.validators, flags, strict=True)):
        if flag == BlockIDFlag.ABSENT:
            signatures.append(CommitSig.absent())
            continue
        stamp = Timestamp(TIME.seconds + i, 1000 * i)
        key = KEY_BY_ADDRESS[validator.address]
        signatures.append(sign_commit(key, chain_id, HEIGHT, ROUND, BLOCK_ID, stamp, flag))
    return Commit(HEIGHT, ROUND, BLOCK_ID, tuple(signatures))


C, N, A = BlockIDFlag.COMMIT, BlockIDFlag.NIL, BlockIDFlag.ABSENT


def verify(commit: Commit, validators: ValidatorSet = VALIDATORS) -> None:
    verify_commit(CHAIN_ID, validators, BLOCK_ID, HEIGHT, commit)


@pytest.mark.parametrize(
    "flags",
    [[C, C, C, C], [C, C, A, A], [C, N, C, C], [C, C, N, N], [C, A, C, C]],
    ids=str,
)
def test_commits_with_more_than_two_thirds_verify(flags: list[BlockIDFlag]) -> None:
    verify(make_commit(flags))


@pytest.mark.parametrize(
    ("flags", "signed"),
    [
        ([A, A, A, A], 0),
        ([C, A, C, A], 60),  # 40 + 20
        ([C, N, N, C], 50),  # nil votes are verified but do not count
        ([A, C, C, C], 60),
        ([N, N, N, N], 0),
    ],
    ids=str,
)
def test_commits_with_two_thirds_or_less_fail(flags: list[BlockIDFlag], signed: int) -> None:
    with pytest.raises(InsufficientVotingPower) as raised:
        verify(make_commit(flags))
    assert (raised.value.signed, raised.value.needed) == (signed, 66)


def test_exactly_two_thirds_is_not_enough() -> None:
    keys = KEYS[:3]
    validators = ValidatorSet.sorted(Validator(public_key(k), 10) for k in keys)
    commit = make_commit([C, C, A], validators=validators)
    assert voting_power_needed(validators) == 20
    with pytest.raises(InsufficientVotingPower, match="got 20, needed more than 20"):
        verify(commit, validators)
    verify(make_commit([C, C, C], validators=validators), validators)


def flip_signature_byte(commit: Commit, index: int, at: int) -> Commit:
    sig = commit.signatures[index]
    flipped = bytearray(sig.signature)
    flipped[at] ^= 0x01
    signatures = list(commit.signatures)
    signatures[index] = replace(sig, signature=bytes(flipped))
    return replace(commit, signatures=tuple(signatures))


@pytest.mark.parametrize(("index", "at"), [(0, 0), (1, 31), (2, 32), (3, 63)])
def test_one_flipped_signature_byte_fails_naming_the_validator(index: int, at: int) -> None:
    commit = flip_signature_byte(make_commit([C, C, C, C]), index, at)
    with pytest.raises(InvalidSignature) as raised:
        verify(commit)
    assert raised.value.index == index
    assert raised.value.validator == VALIDATORS.validators[index].address.hex().upper()


def test_bad_signature_on_a_nil_vote_fails_too() -> None:
    commit = flip_signature_byte(make_commit([C, C, C, N]), 3, 5)
    with pytest.raises(InvalidSignature):
        verify(commit)


def test_all_signatures_are_checked_even_after_two_thirds() -> None:
    commit = flip_signature_byte(make_commit([C, C, C, C]), 3, 0)
    with pytest.raises(InvalidSignature):
        verify(commit)


def test_signature_for_another_chain_fails() -> None:
    commit = make_commit([C, C, C, C], chain_id="other-chain")
    with pytest.raises(InvalidSignature):
        verify(commit)


def test_wrong_height_fails() -> None:
    commit = make_commit([C, C, C, C])
    with pytest.raises(CommitHeightMismatch) as raised:
        verify_commit(CHAIN_ID, VALIDATORS, BLOCK_ID, HEIGHT + 1, commit)
    assert (raised.value.expected, raised.value.got) == (HEIGHT + 1, HEIGHT)


@pytest.mark.parametrize(
    "expected",
    [
        BlockID(b"\xab" * 32, BLOCK_ID.part_set_header),
        BlockID(BLOCK_ID.hash, PartSetHeader(2, b"\xbb" * 32)),
        BlockID(BLOCK_ID.hash, PartSetHeader(1, b"\xbc" * 32)),
        BlockID.zero(),
    ],
    ids=["hash", "parts-total", "parts-hash", "zero"],
)
def test_wrong_block_id_fails(expected: BlockID) -> None:
    with pytest.raises(CommitBlockIDMismatch) as raised:
        verify_commit(CHAIN_ID, VALIDATORS, expected, HEIGHT, make_commit([C, C, C, C]))
    assert raised.value.expected == str(expected)
    assert raised.value.got == str(BLOCK_ID)


def test_commit_with_a_tampered_block_id_fails_its_signatures() -> None:
    other = BlockID(b"\xab" * 32, BLOCK_ID.part_set_header)
    commit = replace(make_commit([C, C, C, C]), block_id=other)
    with pytest.raises(InvalidSignature):
        verify_commit(CHAIN_ID, VALIDATORS, other, HEIGHT, commit)


def test_signature_count_must_match_validator_count() -> None:
    commit = make_commit([C, C, C, C])
    short = replace(commit, signatures=commit.signatures[:3])
    with pytest.raises(CommitSizeMismatch) as raised:
        verify(short)
    assert (raised.value.expected, raised.value.got) == (4, 3)


def test_signatures_out_of_order_fail() -> None:
    commit = make_commit([C, C, C, C])
    swapped = (commit.signatures[1], commit.signatures[0], *commit.signatures[2:])
    with pytest.raises(ValidatorAddressMismatch) as raised:
        verify(replace(commit, signatures=swapped))
    assert raised.value.index == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [({"signature": b""}, "missing"), ({"validator_address": b"\x01" * 19}, "address")],
)
def test_malformed_commit_sig_fails(change: dict[str, bytes], reason: str) -> None:
    commit = make_commit([C, C, C, C])
    signatures = list(commit.signatures)
    signatures[2] = replace(signatures[2], **change)  # type: ignore[arg-type]
    with pytest.raises(MalformedCommitSig, match=reason) as raised:
        verify(replace(commit, signatures=tuple(signatures)))
    assert raised.value.index == 2


def test_every_failure_is_a_commit_error() -> None:
    with pytest.raises(CommitError):
        verify(make_commit([A, A, A, A]))


def test_sign_commit_signs_the_canonical_precommit() -> None:
    key = KEYS[0]
    sig = sign_commit(key, CHAIN_ID, HEIGHT, ROUND, BLOCK_ID, TIME)
    message = canonical_vote_sign_bytes(
        CHAIN_ID, SignedMsgType.PRECOMMIT, HEIGHT, ROUND, BLOCK_ID, TIME
    )
    key.public_key().verify(sig.signature, message)
    assert sig.validator_address == Validator(public_key(key), 1).address
    assert sig.block_id_flag is BlockIDFlag.COMMIT


def test_nil_precommit_signs_over_the_zero_block_id() -> None:
    commit = make_commit([C, N, C, C])
    assert commit_vote_sign_bytes(CHAIN_ID, commit, 1) == canonical_vote_sign_bytes(
        CHAIN_ID,
        SignedMsgType.PRECOMMIT,
        HEIGHT,
        ROUND,
        BlockID.zero(),
        commit.signatures[1].timestamp,
    )


def test_absent_validators_do_not_sign() -> None:
    with pytest.raises(ValueError):
        sign_commit(KEYS[0], CHAIN_ID, HEIGHT, ROUND, BLOCK_ID, TIME, BlockIDFlag.ABSENT)
