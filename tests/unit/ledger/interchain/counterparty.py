"""A counterparty chain for light-client tests: headers of our making, signed by chosen keys.

Headers are real CometBFT headers (``sen.ledger.light``), signed with the
validators' Ed25519 keys, so the client under test verifies exactly what it
would verify from a live chain; the tests choose who signs, so that forgeries
and conflicting headers can be made too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sen.ledger.light.commit import sign_commit
from sen.ledger.light.header import header_hash
from sen.ledger.light.types import (
    BlockID,
    Commit,
    CommitSig,
    Header,
    PartSetHeader,
    Timestamp,
    Validator,
    ValidatorSet,
    Version,
)

CHAIN_ID = "sen-giao-duc"


def validator_key(n: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(b"counterparty" + bytes([n])).digest()
    )


def public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def validator_set(keys: Sequence[Ed25519PrivateKey], power: int = 10) -> ValidatorSet:
    return ValidatorSet.sorted(Validator(public(k), power) for k in keys)


def _fill(label: str, height: int) -> bytes:
    return hashlib.sha256(f"{label}/{height}".encode()).digest()


def signed_header(
    height: int,
    seconds: int,
    keys: Sequence[Ed25519PrivateKey],
    next_keys: Sequence[Ed25519PrivateKey] | None = None,
    *,
    signers: Sequence[Ed25519PrivateKey] | None = None,
    app_hash: bytes | None = None,
    chain_id: str = CHAIN_ID,
) -> dict[str, Any]:
    """``{header, commit, validators}`` (CometBFT JSON) of a header at ``height``.

    ``keys`` are its validators, ``next_keys`` those of the next block (default: the
    same); ``signers`` sign it (default: all of ``keys``).
    """
    validators = validator_set(keys)
    next_validators = validator_set(next_keys if next_keys is not None else keys)
    header = Header(
        version=Version(11, 1),
        chain_id=chain_id,
        height=height,
        time=Timestamp(seconds, 0),
        last_block_id=BlockID(
            _fill("block", height - 1), PartSetHeader(1, _fill("parts", height - 1))
        ),
        last_commit_hash=_fill("commit", height),
        data_hash=_fill("data", height),
        validators_hash=validators.hash(),
        next_validators_hash=next_validators.hash(),
        consensus_hash=_fill("consensus", 0),
        app_hash=app_hash if app_hash is not None else _fill("app", height),
        last_results_hash=_fill("results", height),
        evidence_hash=_fill("evidence", height),
        proposer_address=validators.validators[0].address,
    )
    block_id = BlockID(header_hash(header), PartSetHeader(1, _fill("parts", height)))
    signing = {public(k): k for k in (signers if signers is not None else keys)}
    signatures = tuple(
        sign_commit(signing[v.pub_key], chain_id, height, 0, block_id, Timestamp(seconds, 1))
        if v.pub_key in signing
        else CommitSig.absent()
        for v in validators.validators
    )
    commit = Commit(height, 0, block_id, signatures)
    return {
        "header": header.to_json(),
        "commit": commit.to_json(),
        "validators": validators.to_json(),
    }
