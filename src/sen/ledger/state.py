"""State overlays: every change to state is buffered, then kept or thrown away whole.

A block runs in one overlay above the committed state; each transaction runs in
its own overlay above the block's, merged into it only if the transaction
succeeds. Nothing here touches disk: the store persists a block overlay's
changes at commit.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Protocol

_DELETED = None


def prefix_end(prefix: bytes) -> bytes:
    """The first key after every key that starts with ``prefix``, whose last byte is below
    0xff (records' prefixes end in "/" or a separator): the end of a prefix ``scan``."""
    return prefix[:-1] + bytes([prefix[-1] + 1])


class StateReader(Protocol):
    def get(self, key: bytes) -> bytes | None: ...

    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        """The keys in ``[start, end)`` with their values, in key order, at most ``limit``."""
        ...


class EmptyState:
    def get(self, key: bytes) -> bytes | None:
        return None

    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        return []


class Overlay:
    """Buffered writes over a parent reader; ``None`` marks a deletion.

    The written keys are also kept in order (sorted when a scan needs them, new keys merged
    in then), so a scan costs the keys in its range, not every write the overlay holds.
    """

    __slots__ = ("__weakref__", "_fresh", "_order", "_parent", "_writes")

    def __init__(self, parent: StateReader) -> None:
        self._parent = parent
        self._writes: dict[bytes, bytes | None] = {}
        self._order: list[bytes] = []  # written keys in order, but for those in _fresh
        self._fresh: list[bytes] = []  # keys written since the last scan

    def get(self, key: bytes) -> bytes | None:
        if key in self._writes:
            return self._writes[key]
        return self._parent.get(key)

    def _ordered(self) -> list[bytes]:
        if self._fresh:
            self._fresh.sort()
            self._order = sorted(self._order + self._fresh)  # two sorted runs: one merge
            self._fresh = []
        return self._order

    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        """The parent's keys in ``[start, end)`` with this overlay's writes applied.

        The parent is asked for ``limit`` more keys than this overlay has writes in the
        range, so that after its deletions at least ``limit`` remain up to the last key it
        gave; writes past that key are left out (the parent may hold keys before them).
        """
        if limit <= 0 or start >= end:
            return []
        order = self._ordered()
        keys = order[bisect_left(order, start) : bisect_left(order, end)]
        wanted = limit + len(keys)
        below = self._parent.scan(start, end, wanted)
        bound = below[-1][0] if len(below) == wanted else None
        merged = dict(below)
        for key in keys:
            if bound is not None and key > bound:
                break
            value = self._writes[key]
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return sorted(merged.items())[:limit]

    def set(self, key: bytes, value: bytes) -> None:
        if key not in self._writes:
            self._fresh.append(key)
        self._writes[key] = value

    def delete(self, key: bytes) -> None:
        if key not in self._writes:
            self._fresh.append(key)
        self._writes[key] = _DELETED

    def merge_into(self, other: Overlay) -> None:
        """Apply this overlay's writes on top of ``other`` (a child merging into its parent)."""
        theirs = other._writes
        other._fresh.extend(key for key in self._writes if key not in theirs)
        theirs.update(self._writes)

    def changes(self) -> list[tuple[bytes, bytes | None]]:
        """Writes in key order (deterministic), deletions as ``None``."""
        return sorted(self._writes.items())

    def __len__(self) -> int:
        return len(self._writes)
