"""CometBFT's Merkle tree hash (RFC 6962 style), the part the ledger itself computes.

    empty tree   = sha256("")
    leaf(item)   = sha256(0x00 || item)
    inner(l, r)  = sha256(0x01 || l || r)
    tree(items)  = inner(tree(items[:k]), tree(items[k:]))
                   where k is the largest power of two smaller than len(items)

The ledger needs the root (an evidence batch's root, the header's data hash);
inclusion proofs and their verification are the light client's
(:mod:`sen.ledger.light.merkle`), which builds on this module.
Computed iteratively, one sha256 per node, with no recursion.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = [
    "EMPTY_HASH",
    "hash_from_byte_slices",
    "inner_hash",
    "leaf_hash",
    "split_point",
    "tree_levels",
]

EMPTY_HASH = hashlib.sha256(b"").digest()
_LEAF_PREFIX = b"\x00"
_INNER_PREFIX = b"\x01"
_sha256 = hashlib.sha256


def leaf_hash(item: bytes) -> bytes:
    return _sha256(_LEAF_PREFIX + item).digest()


def inner_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(_INNER_PREFIX + left + right).digest()


def split_point(length: int) -> int:
    """The largest power of two strictly smaller than ``length`` (``length >= 2``)."""
    if length < 2:
        raise ValueError(f"cannot split a tree of {length} items")
    return 1 << ((length - 1).bit_length() - 1)


def tree_levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Every level of the tree, leaves first, root last (one node)."""
    levels = [leaves]
    level = leaves
    sha256, prefix = _sha256, _INNER_PREFIX
    while len(level) > 1:
        parent = [
            sha256(prefix + left + right).digest()
            for left, right in zip(level[::2], level[1::2], strict=False)
        ]
        if len(level) % 2:
            parent.append(level[-1])
        levels.append(parent)
        level = parent
    return levels


def hash_from_byte_slices(items: Sequence[bytes]) -> bytes:
    """The Merkle root of ``items`` (`merkle.HashFromByteSlices`)."""
    if not items:
        return EMPTY_HASH
    return tree_levels([leaf_hash(item) for item in items])[-1][0]
