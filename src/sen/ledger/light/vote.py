"""Canonical vote sign-bytes exactly as CometBFT v0.38's `VoteSignBytes`.

A validator signs the varint-length-prefixed encoding of::

    message CanonicalVote {
      SignedMsgType             type      = 1;
      sfixed64                  height    = 2;
      sfixed64                  round     = 3;
      CanonicalBlockID          block_id  = 4;  // absent for a nil vote
      google.protobuf.Timestamp timestamp = 5;  // always written
      string                    chain_id  = 6;
    }

A zero `BlockID` (empty hash and empty part set header) is a vote for nil and
leaves ``block_id`` out entirely; any other block id is written in full. The
validator address and index are not signed.
"""

from __future__ import annotations

from . import _proto
from ._encode import encode_canonical_block_id, encode_timestamp
from .types import BlockID, SignedMsgType, Timestamp

__all__ = ["canonical_vote_sign_bytes"]


def canonical_vote_sign_bytes(
    chain_id: str,
    vote_type: SignedMsgType | int,
    height: int,
    round: int,
    block_id: BlockID,
    timestamp: Timestamp,
) -> bytes:
    """The bytes a validator signs for a vote (precommit: ``vote_type=2``)."""
    if not _proto.INT32_MIN <= round <= _proto.INT32_MAX:
        raise ValueError(f"round out of int32 range: {round}")
    canonical_block_id = (
        b"" if block_id.is_zero() else _proto.message_field(4, encode_canonical_block_id(block_id))
    )
    message = b"".join(
        (
            _proto.uint_field(1, int(vote_type), maximum=_proto.INT32_MAX),
            _proto.sfixed64_field(2, height),
            _proto.sfixed64_field(3, round),
            canonical_block_id,
            _proto.message_field(5, encode_timestamp(timestamp)),
            _proto.string_field(6, chain_id),
        )
    )
    return _proto.delimited(message)
