"""Block header hashing exactly as CometBFT v0.38's `Header.Hash()`.

The hash is the Merkle root (see `merkle`) of fourteen leaves, one per field
in declaration order, each encoded on its own:

- ``version``: the `tendermint.version.Consensus` message;
- ``chain_id``, ``height`` and the nine hash/address fields: wrapped in
  gogoproto's `StringValue`/`Int64Value`/`BytesValue` (field 1), except that an
  empty string, a zero height or empty bytes become an empty leaf;
- ``time``: the `google.protobuf.Timestamp` message;
- ``last_block_id``: the `BlockID` message.

A header with no validators hash has no hash: the result is ``b""``, as
CometBFT returns nil.
"""

from __future__ import annotations

from sen.ledger.light.merkle import hash_from_byte_slices

from . import _proto
from ._encode import encode_block_id, encode_header, encode_timestamp, encode_version
from .types import Header

__all__ = ["encode_header", "header_hash", "header_hash_leaves"]


def _wrapped_bytes(value: bytes) -> bytes:
    """`cdcEncode` of a byte slice: BytesValue, or nothing when empty."""
    return _proto.bytes_field(1, value)


def header_hash_leaves(header: Header) -> list[bytes]:
    """The fourteen byte strings `Header.Hash()` builds its Merkle tree from."""
    return [
        encode_version(header.version),
        _proto.string_field(1, header.chain_id),
        _proto.int_field(1, header.height),
        encode_timestamp(header.time),
        encode_block_id(header.last_block_id),
        _wrapped_bytes(header.last_commit_hash),
        _wrapped_bytes(header.data_hash),
        _wrapped_bytes(header.validators_hash),
        _wrapped_bytes(header.next_validators_hash),
        _wrapped_bytes(header.consensus_hash),
        _wrapped_bytes(header.app_hash),
        _wrapped_bytes(header.last_results_hash),
        _wrapped_bytes(header.evidence_hash),
        _wrapped_bytes(header.proposer_address),
    ]


def header_hash(header: Header) -> bytes:
    """The block hash; ``b""`` when the header has no validators hash."""
    if not header.validators_hash:
        return b""
    return hash_from_byte_slices(header_hash_leaves(header))
