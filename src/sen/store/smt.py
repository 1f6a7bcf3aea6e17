"""A compacted sparse Merkle tree over SHA-256 key paths: the app hash commits to all state.

Each state key ``k`` sits on the 256-bit path ``sha256(k)``; a subtree that
holds a single leaf is stored as that leaf, placed where the subtree begins
(so a tree of n keys is about 2n nodes and log2(n) deep). Node hashes::

    empty  = 32 zero bytes
    leaf   = sha256(0x00 ‖ sha256(k) ‖ sha256(value))
    inner  = sha256(0x01 ‖ left ‖ right)          (an inner node has two or more leaves below)

A node is stored under its position (depth ‖ path prefix) as the bytes its hash
is taken of, so updating a key overwrites nodes in place and leaves no garbage.
Updates are applied a whole block at a time: keys are sorted and the shared
upper part of their paths is rehashed once. The proof format and its verifier
are in :mod:`sen.ledger.light.state_proof` (pure, no I/O).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

EMPTY = bytes(32)
LEAF = 0
INNER = 1

NodeLoader = Callable[[bytes], bytes | None]


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def key_path(key: bytes) -> bytes:
    return _sha(key)


def position(depth: int, path: bytes) -> bytes:
    """Storage key of the node at ``depth`` on ``path``: 2-byte depth ‖ the first ``depth`` bits."""
    size = (depth + 7) >> 3
    prefix = bytearray(path[:size])
    if depth & 7:
        prefix[-1] &= (0xFF << (8 - (depth & 7))) & 0xFF
    return depth.to_bytes(2, "big") + bytes(prefix)


def bit(path: bytes, depth: int) -> int:
    return (path[depth >> 3] >> (7 - (depth & 7))) & 1


def _boundary(path: bytes, depth: int) -> bytes:
    """The smallest path under this node's prefix whose bit ``depth`` is 1."""
    base = bytearray(path)
    byte, offset = depth >> 3, depth & 7
    base[byte] = (base[byte] & ((0xFF << (8 - offset)) & 0xFF)) | (0x80 >> offset)
    for i in range(byte + 1, 32):
        base[i] = 0
    return bytes(base)


@dataclass(frozen=True, slots=True)
class Proof:
    """Siblings from the root down to where the walk for ``path`` stopped."""

    siblings: tuple[bytes, ...]
    leaf_path: bytes | None  # the leaf found at the end (maybe another key's), or None
    leaf_value_hash: bytes | None


class TreeUpdate:
    """One block's worth of changes applied over a committed tree."""

    def __init__(self, load: NodeLoader) -> None:
        self._load_committed = load
        self.writes: dict[bytes, bytes | None] = {}

    def _load(self, pos: bytes) -> bytes | None:
        if pos in self.writes:
            return self.writes[pos]
        return self._load_committed(pos)

    def apply(self, root: bytes, changes: Sequence[tuple[bytes, bytes | None]]) -> bytes:
        """Apply ``(key, value or None)`` changes; returns the new root hash."""
        items = sorted((key_path(k), None if v is None else _sha(v)) for k, v in changes)
        paths = [p for p, _ in items]
        values = [v for _, v in items]
        new_root, _ = self._update(0, root, paths, values, 0, len(paths))
        return new_root

    def _write_leaf(self, depth: int, path: bytes, value_hash: bytes) -> bytes:
        node = b"\x00" + path + value_hash
        self.writes[position(depth, path)] = node
        return _sha(node)

    def _update(
        self,
        depth: int,
        current: bytes,
        paths: list[bytes],
        values: list[bytes | None],
        lo: int,
        hi: int,
    ) -> tuple[bytes, bool | None]:
        if lo == hi:
            return current, None
        pos = position(depth, paths[lo])
        if current == EMPTY:
            return self._build_fresh(depth, paths, values, lo, hi)
        node = self._load(pos)
        if node is None:
            raise LookupError(f"state tree node missing at depth {depth}: the store is corrupted")
        if node[0] == LEAF:
            self.writes[pos] = None
            sub_paths = paths[lo:hi]
            sub_values = values[lo:hi]
            existing = node[1:33]
            at = bisect_left(sub_paths, existing)
            if at == len(sub_paths) or sub_paths[at] != existing:
                sub_paths.insert(at, existing)
                sub_values.insert(at, node[33:65])
            return self._build_fresh(depth, sub_paths, sub_values, 0, len(sub_paths))
        left, right = node[1:33], node[33:65]
        mid = bisect_left(paths, _boundary(paths[lo], depth), lo, hi)
        left_hash, left_leaf = self._update(depth + 1, left, paths, values, lo, mid)
        right_hash, right_leaf = self._update(depth + 1, right, paths, values, mid, hi)
        if left_hash == EMPTY and right_hash == EMPTY:
            self.writes[pos] = None
            return EMPTY, False
        if left_hash == EMPTY or right_hash == EMPTY:
            lifted = self._lift(depth, paths[lo], left_hash == EMPTY, left_leaf, right_leaf)
            if lifted is not None:
                return lifted, True
        if left_hash == left and right_hash == right:
            return current, False
        inner = b"\x01" + left_hash + right_hash
        self.writes[pos] = inner
        return _sha(inner), False

    def _lift(
        self,
        depth: int,
        path: bytes,
        right_side: bool,
        left_leaf: bool | None,
        right_leaf: bool | None,
    ) -> bytes | None:
        """If the one non-empty child is a leaf, move it up to this position."""
        known = right_leaf if right_side else left_leaf
        if known is False:
            return None
        child_path = bytearray(_boundary(path, depth)) if right_side else bytearray(path)
        if not right_side:
            byte, offset = depth >> 3, depth & 7
            child_path[byte] &= ~(0x80 >> offset) & 0xFF
        child_pos = position(depth + 1, bytes(child_path))
        child = self._load(child_pos)
        if child is None or child[0] != LEAF:
            return None
        self.writes[child_pos] = None
        self.writes[position(depth, path)] = child
        return _sha(child)

    def _build_fresh(
        self,
        depth: int,
        paths: list[bytes],
        values: list[bytes | None],
        lo: int,
        hi: int,
    ) -> tuple[bytes, bool]:
        """Build the subtree for live entries of ``paths[lo:hi]`` where nothing was before."""
        live = [(paths[i], values[i]) for i in range(lo, hi) if values[i] is not None]
        if not live:
            return EMPTY, False
        live_paths = [p for p, _ in live]
        live_values = [v for _, v in live]
        return self._build(depth, live_paths, live_values, 0, len(live_paths))  # type: ignore[arg-type]

    def _build(
        self, depth: int, paths: list[bytes], values: list[bytes], lo: int, hi: int
    ) -> tuple[bytes, bool]:
        if hi - lo == 1:
            return self._write_leaf(depth, paths[lo], values[lo]), True
        mid = bisect_left(paths, _boundary(paths[lo], depth), lo, hi)
        left = self._build(depth + 1, paths, values, lo, mid)[0] if mid > lo else EMPTY
        right = self._build(depth + 1, paths, values, mid, hi)[0] if hi > mid else EMPTY
        inner = b"\x01" + left + right
        self.writes[position(depth, paths[lo])] = inner
        return _sha(inner), False


def prove(load: NodeLoader, root: bytes, key: bytes) -> Proof:
    """Walk from the root towards ``sha256(key)`` and collect the siblings."""
    path = key_path(key)
    siblings: list[bytes] = []
    current = root
    depth = 0
    while current != EMPTY:
        node = load(position(depth, path))
        if node is None:
            raise LookupError(f"tree node missing at depth {depth}")
        if node[0] == LEAF:
            return Proof(tuple(siblings), node[1:33], node[33:65])
        left, right = node[1:33], node[33:65]
        if bit(path, depth):
            siblings.append(left)
            current = right
        else:
            siblings.append(right)
            current = left
        depth += 1
    return Proof(tuple(siblings), None, None)
