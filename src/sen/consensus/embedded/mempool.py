"""The embedded engine's mempool: bounded, ordered, never silently dropping.

Transactions are kept in arrival order (so one sender's nonces stay in
order). When it is full, new submissions are refused with
:class:`~sen.consensus.errors.MempoolFull` ("try later"); a transaction once
accepted leaves only by being committed, or by failing its recheck after a
block (for example, a nonce another transaction used first).
"""

from __future__ import annotations

from collections.abc import Iterable


class Mempool:
    def __init__(self, max_txs: int, max_bytes: int) -> None:
        self.max_txs = max_txs
        self.max_bytes = max_bytes
        self._txs: dict[bytes, bytes] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._txs)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def has_room(self, count: int, size: int) -> bool:
        return len(self._txs) + count <= self.max_txs and self._bytes + size <= self.max_bytes

    def __contains__(self, tx_hash: bytes) -> bool:
        return tx_hash in self._txs

    def get(self, tx_hash: bytes) -> bytes | None:
        return self._txs.get(tx_hash)

    def add(self, tx_hash: bytes, raw: bytes) -> None:
        if tx_hash not in self._txs:
            self._txs[tx_hash] = raw
            self._bytes += len(raw)

    def reap(self, max_bytes: int, max_txs: int) -> list[bytes]:
        """Transactions from the front, in order, up to the limits (not removed)."""
        chosen: list[bytes] = []
        total = 0
        for raw in self._txs.values():
            if total + len(raw) > max_bytes or len(chosen) >= max_txs:
                break
            chosen.append(raw)
            total += len(raw)
        return chosen

    def remove(self, hashes: Iterable[bytes]) -> None:
        for tx_hash in hashes:
            raw = self._txs.pop(tx_hash, None)
            if raw is not None:
                self._bytes -= len(raw)

    def items(self) -> list[tuple[bytes, bytes]]:
        return list(self._txs.items())
