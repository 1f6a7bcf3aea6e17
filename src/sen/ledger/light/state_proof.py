"""Verify a state proof: that a key has a value (or none) under an app hash.

Pure and dependency-free; the tree it checks is described in
:mod:`sen.store.smt` and ``docs/spec/encoding.md`` (state tree).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sen.ledger.light.errors import StateProofError

EMPTY = bytes(32)


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _bit(path: bytes, depth: int) -> int:
    return (path[depth >> 3] >> (7 - (depth & 7))) & 1


def _shares_prefix(a: bytes, b: bytes, bits: int) -> bool:
    return all(_bit(a, d) == _bit(b, d) for d in range(bits))


def verify_state_proof(
    app_hash: bytes,
    key: bytes,
    value: bytes | None,
    siblings: Sequence[bytes],
    leaf_path: bytes | None,
    leaf_value_hash: bytes | None,
) -> None:
    """Raise :class:`StateProofError` unless the proof shows ``key -> value`` under ``app_hash``.

    ``value=None`` asks for a proof that the key is absent.
    """
    path = _sha(key)
    if len(siblings) > 256 or any(len(s) != 32 for s in siblings):
        raise StateProofError("siblings: expected at most 256 hashes of 32 bytes")
    if value is not None:
        if leaf_path != path:
            raise StateProofError("the proof ends at another key's leaf: key not present")
        if leaf_value_hash != _sha(value):
            raise StateProofError("value hash in the proof does not match the value")
        node = _sha(b"\x00" + path + leaf_value_hash)
    elif leaf_path is None:
        node = EMPTY
    else:
        if leaf_path == path:
            raise StateProofError("the key is present, but absence was claimed")
        if leaf_value_hash is None or len(leaf_path) != 32 or len(leaf_value_hash) != 32:
            raise StateProofError("leaf: expected a 32-byte path and value hash")
        if not _shares_prefix(leaf_path, path, len(siblings)):
            raise StateProofError("the leaf in the proof is not on the key's path")
        node = _sha(b"\x00" + leaf_path + leaf_value_hash)
    for depth in range(len(siblings) - 1, -1, -1):
        sibling = siblings[depth]
        node = (
            _sha(b"\x01" + sibling + node) if _bit(path, depth) else _sha(b"\x01" + node + sibling)
        )
    if node != app_hash:
        raise StateProofError(
            f"computed root {node.hex()} does not match app hash {app_hash.hex()}"
        )
