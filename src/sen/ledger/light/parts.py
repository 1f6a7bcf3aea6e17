"""Block encoding, block part sets and commit hashes (CometBFT v0.38).

A block's id is its header hash plus the header of its part set: the block's
`tendermint.types.Block` encoding is cut into parts of ``part_size`` bytes
(65,536 by default) and the part set hash is the Merkle root of the parts::

    message Block {
      Header       header      = 1;  // always written
      Data         data        = 2;  // always written: repeated bytes txs = 1
      EvidenceList evidence    = 3;  // always written; Sen blocks carry none
      Commit       last_commit = 4;  // written when present
    }

`commit_hash` is `Commit.Hash()`, the header's ``last_commit_hash``: the
Merkle root of the commit's `CommitSig` encodings.
"""

from __future__ import annotations

from collections.abc import Sequence

from sen.ledger.light.merkle import EMPTY_HASH, hash_from_byte_slices

from . import _proto
from ._encode import encode_commit, encode_commit_sig, encode_header
from .types import BlockID, Commit, Header, PartSetHeader

__all__ = [
    "BLOCK_PART_SIZE",
    "EMPTY_EVIDENCE_HASH",
    "block_id",
    "commit_hash",
    "encode_block",
    "encode_commit",
    "encode_commit_sig",
    "part_set_header",
]

BLOCK_PART_SIZE = 65_536
"""`types.BlockPartSizeBytes`."""

EMPTY_EVIDENCE_HASH = EMPTY_HASH
"""The ``evidence_hash`` of a block without evidence."""


def encode_block(header: Header, txs: Sequence[bytes], last_commit: Commit | None) -> bytes:
    """The `tendermint.types.Block` encoding of a block without evidence."""
    data = b"".join(_proto.message_field(1, tx) for tx in txs)
    parts = [
        _proto.message_field(1, encode_header(header)),
        _proto.message_field(2, data),
        _proto.message_field(3, b""),
    ]
    if last_commit is not None:
        parts.append(_proto.message_field(4, encode_commit(last_commit)))
    return b"".join(parts)


def part_set_header(block_bytes: bytes, part_size: int = BLOCK_PART_SIZE) -> PartSetHeader:
    """The part set header of an encoded block (`NewPartSetFromData`)."""
    if part_size <= 0:
        raise ValueError(f"part size must be positive, got {part_size}")
    parts = [block_bytes[i : i + part_size] for i in range(0, len(block_bytes), part_size)]
    return PartSetHeader(total=len(parts), hash=hash_from_byte_slices(parts))


def block_id(header_hash: bytes, block_bytes: bytes, part_size: int = BLOCK_PART_SIZE) -> BlockID:
    """The block id: the header hash and the part set header of the block."""
    return BlockID(header_hash, part_set_header(block_bytes, part_size))


def commit_hash(commit: Commit) -> bytes:
    """`Commit.Hash()`: the next header's ``last_commit_hash``."""
    return hash_from_byte_slices([encode_commit_sig(sig) for sig in commit.signatures])
