"""The engine's block store: blocks and the commits that signed them, by height.

The embedded engine saves a block here before the application executes it
(as CometBFT does); on restart, a block the application has not committed is
replayed to it. Headers and commits are kept as their CometBFT JSON forms,
inside Sen's canonical encoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.store.appstore import height_key
from sen.store.db import Database
from sen.store.errors import StoreCorrupted


@dataclass(frozen=True, slots=True)
class StoredBlock:
    height: int
    header: dict[str, Any]  # CometBFT JSON form (sen.ledger.light.types.Header.to_json)
    txs: tuple[bytes, ...]
    last_commit: dict[str, Any] | None


class BlockStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._blocks = db.table("blocks")
        self._commits = db.table("commits")
        self._engine = db.table("engine")

    def save_block(self, block: StoredBlock) -> None:
        """Save a block: its header record under the height, each tx under height ‖ index."""
        prefix = height_key(block.height)
        value = encoding.encode_unchecked(
            [block.height, block.header, len(block.txs), block.last_commit]
        )
        with self.db.write() as txn:
            txn.put(prefix, value, db=self._blocks)
            for index, tx in enumerate(block.txs):
                txn.put(prefix + index.to_bytes(4, "big"), tx, db=self._blocks)
            txn.put(b"height", prefix, db=self._engine)

    def save_commit(self, height: int, commit: dict[str, Any]) -> None:
        with self.db.write() as txn:
            txn.put(height_key(height), encoding.encode_unchecked(commit), db=self._commits)

    def height(self) -> int:
        with self.db.read() as txn:
            raw = txn.get(b"height", db=self._engine)
        return 0 if raw is None else int.from_bytes(raw, "big")

    def load_block(self, height: int) -> StoredBlock | None:
        prefix = height_key(height)
        with self.db.read() as txn:
            raw = txn.get(prefix, db=self._blocks)
            if raw is None:
                return None
            try:
                stored_height, header, count, last_commit = encoding.decode_unchecked(bytes(raw))
            except Exception as exc:
                raise StoreCorrupted(f"block {height} unreadable: {exc}") from None
            if stored_height != height:
                raise StoreCorrupted(f"block stored at {height} says it is {stored_height}")
            txs = []
            for index in range(count):
                tx = txn.get(prefix + index.to_bytes(4, "big"), db=self._blocks)
                if tx is None:
                    raise StoreCorrupted(f"transaction {index} of block {height} is missing")
                txs.append(bytes(tx))
        return StoredBlock(height, header, tuple(txs), last_commit)

    def load_tx(self, height: int, index: int) -> bytes | None:
        with self.db.read() as txn:
            tx = txn.get(height_key(height) + index.to_bytes(4, "big"), db=self._blocks)
        return None if tx is None else bytes(tx)

    def load_commit(self, height: int) -> dict[str, Any] | None:
        with self.db.read() as txn:
            raw = txn.get(height_key(height), db=self._commits)
        if raw is None:
            return None
        try:
            value = encoding.decode_unchecked(bytes(raw))
        except Exception as exc:
            raise StoreCorrupted(f"commit {height} unreadable: {exc}") from None
        if not isinstance(value, dict):
            raise StoreCorrupted(f"commit {height} is not a commit record")
        return value
