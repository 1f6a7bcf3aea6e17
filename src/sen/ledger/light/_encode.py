"""Protobuf encodings of the `tendermint.types` messages shared by several modules.

Each function returns the message's own bytes (no tag or length); callers embed
them with `_proto.message_field`. Field numbers follow
`proto/tendermint/types/types.proto` of CometBFT v0.38.
"""

from __future__ import annotations

from . import _proto
from .types import BlockID, Commit, CommitSig, Header, PartSetHeader, Timestamp, Version

__all__ = [
    "encode_block_id",
    "encode_canonical_block_id",
    "encode_commit",
    "encode_commit_sig",
    "encode_header",
    "encode_part_set_header",
    "encode_timestamp",
    "encode_version",
]


def encode_timestamp(timestamp: Timestamp) -> bytes:
    """`google.protobuf.Timestamp` (what gogoproto's `StdTimeMarshal` writes)."""
    return _proto.int_field(1, timestamp.seconds) + _proto.int_field(
        2, timestamp.nanos, minimum=_proto.INT32_MIN, maximum=_proto.INT32_MAX
    )


def encode_version(version: Version) -> bytes:
    """`tendermint.version.Consensus`."""
    return _proto.uint_field(1, version.block) + _proto.uint_field(2, version.app)


def encode_part_set_header(header: PartSetHeader) -> bytes:
    """`PartSetHeader`, and equally `CanonicalPartSetHeader` (same fields)."""
    return _proto.uint_field(1, header.total, maximum=_proto.UINT32_MAX) + _proto.bytes_field(
        2, header.hash
    )


def encode_block_id(block_id: BlockID) -> bytes:
    """`BlockID`; the part set header is non-nullable, so always written."""
    return _proto.bytes_field(1, block_id.hash) + _proto.message_field(
        2, encode_part_set_header(block_id.part_set_header)
    )


def encode_canonical_block_id(block_id: BlockID) -> bytes:
    """`CanonicalBlockID`: the same wire layout as `BlockID`."""
    return encode_block_id(block_id)


def encode_header(header: Header) -> bytes:
    """`tendermint.types.Header`."""
    return b"".join(
        (
            _proto.message_field(1, encode_version(header.version)),
            _proto.string_field(2, header.chain_id),
            _proto.int_field(3, header.height),
            _proto.message_field(4, encode_timestamp(header.time)),
            _proto.message_field(5, encode_block_id(header.last_block_id)),
            _proto.bytes_field(6, header.last_commit_hash),
            _proto.bytes_field(7, header.data_hash),
            _proto.bytes_field(8, header.validators_hash),
            _proto.bytes_field(9, header.next_validators_hash),
            _proto.bytes_field(10, header.consensus_hash),
            _proto.bytes_field(11, header.app_hash),
            _proto.bytes_field(12, header.last_results_hash),
            _proto.bytes_field(13, header.evidence_hash),
            _proto.bytes_field(14, header.proposer_address),
        )
    )


def encode_commit_sig(commit_sig: CommitSig) -> bytes:
    """`CommitSig`: flag, address, timestamp (always written), signature."""
    return b"".join(
        (
            _proto.uint_field(1, int(commit_sig.block_id_flag)),
            _proto.bytes_field(2, commit_sig.validator_address),
            _proto.message_field(3, encode_timestamp(commit_sig.timestamp)),
            _proto.bytes_field(4, commit_sig.signature),
        )
    )


def encode_commit(commit: Commit) -> bytes:
    """`tendermint.types.Commit`."""
    parts = [
        _proto.int_field(1, commit.height),
        _proto.int_field(2, commit.round, minimum=_proto.INT32_MIN, maximum=_proto.INT32_MAX),
        _proto.message_field(3, encode_block_id(commit.block_id)),
    ]
    parts.extend(_proto.message_field(4, encode_commit_sig(sig)) for sig in commit.signatures)
    return b"".join(parts)
