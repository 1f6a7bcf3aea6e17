"""The application's persistent state: values, the state tree, results and meta.

``save_commit`` writes one block's state changes, tree nodes, height, app
hash, results and index entries in a single LMDB transaction: after a crash
the store holds either the whole block or none of it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.types import TxResult
from sen.store.db import Database
from sen.store.errors import StoreCorrupted
from sen.store.smt import EMPTY, Proof, TreeUpdate, prove

_HEIGHT = struct.Struct(">Q")


def height_key(height: int) -> bytes:
    return _HEIGHT.pack(height)


@dataclass(frozen=True, slots=True)
class AppMeta:
    height: int
    app_hash: bytes
    genesis_hash: bytes


class TxnReader:
    """A consistent read view of committed state (one LMDB read transaction)."""

    __slots__ = ("_get", "_table", "_txn")

    def __init__(self, txn: Any, table: Any) -> None:
        self._get = txn.get
        self._table = table
        self._txn = txn

    def get(self, key: bytes) -> bytes | None:
        value = self._get(key, db=self._table)
        return None if value is None else bytes(value)

    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        """Committed keys in ``[start, end)`` and their values, in key order, at most ``limit``."""
        found: list[tuple[bytes, bytes]] = []
        if limit <= 0 or start >= end:
            return found
        with self._txn.cursor(db=self._table) as cursor:
            if not cursor.set_range(start):
                return found
            for raw_key, raw_value in cursor.iternext(keys=True, values=True):
                key = bytes(raw_key)
                if key >= end:
                    break
                found.append((key, bytes(raw_value)))
                if len(found) >= limit:
                    break
        return found


VALIDATOR_CHANGE_PREFIX = b"validator-change/"  # in the meta table, by height


def _put_sorted(
    txn: Any,
    table: Any,
    items: Iterable[tuple[bytes, bytes | None]],
    *,
    overwrite: bool = True,
) -> None:
    """Write (or, for ``None``, delete) rows in key order: in a large B+tree, sorted
    writes touch each page once and keep the copy-on-write set small."""
    ordered = sorted(items, key=lambda row: row[0])
    puts = [(key, value) for key, value in ordered if value is not None]
    for key, value in ordered:
        if value is None:
            txn.delete(key, db=table)
    if puts:
        with txn.cursor(db=table) as cursor:
            cursor.putmulti(puts, dupdata=False, overwrite=overwrite)


class AppStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._state = db.table("state")
        self._smt = db.table("smt")
        self._meta = db.table("meta")
        self._results = db.table("results")

    # -- meta -------------------------------------------------------------
    def load_meta(self) -> AppMeta | None:
        with self.db.read() as txn:
            raw = txn.get(b"app", db=self._meta)
        if raw is None:
            return None
        try:
            height, app_hash, genesis_hash = encoding.decode(bytes(raw))
        except Exception as exc:
            raise StoreCorrupted(f"application metadata unreadable: {exc}") from None
        return AppMeta(height, app_hash, genesis_hash)

    # -- state --------------------------------------------------------------
    def reader(self, txn: Any) -> TxnReader:
        return TxnReader(txn, self._state)

    def get(self, key: bytes) -> bytes | None:
        with self.db.read() as txn:
            value = txn.get(key, db=self._state)
        return None if value is None else bytes(value)

    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        with self.db.read() as txn:
            return TxnReader(txn, self._state).scan(start, end, limit)

    def compute_root(
        self, root: bytes, changes: Sequence[tuple[bytes, bytes | None]]
    ) -> tuple[bytes, dict[bytes, bytes | None]]:
        """The new state root after ``changes`` and the tree nodes to write at commit."""
        with self.db.read() as txn:
            get = txn.get
            table = self._smt

            def load(pos: bytes) -> bytes | None:
                node = get(pos, db=table)
                return None if node is None else bytes(node)

            update = TreeUpdate(load)
            new_root = update.apply(root, changes)
        return new_root, update.writes

    def prove(self, key: bytes) -> tuple[int, bytes, bytes | None, Proof]:
        """(height, app hash, value, proof) read from one consistent snapshot."""
        with self.db.read() as txn:
            raw = txn.get(b"app", db=self._meta)
            height, app_hash = (0, EMPTY) if raw is None else encoding.decode(bytes(raw))[:2]
            value = txn.get(key, db=self._state)

            def load(pos: bytes) -> bytes | None:
                node = txn.get(pos, db=self._smt)
                return None if node is None else bytes(node)

            proof = prove(load, app_hash, key)
        return height, app_hash, None if value is None else bytes(value), proof

    def prove_many(
        self, keys: Sequence[bytes]
    ) -> tuple[int, bytes, list[tuple[bytes | None, Proof]]]:
        """(height, app hash, [(value, proof)] per key), all from one consistent snapshot:
        a relayer proves several packets against one header."""
        with self.db.read() as txn:
            raw = txn.get(b"app", db=self._meta)
            height, app_hash = (0, EMPTY) if raw is None else encoding.decode(bytes(raw))[:2]

            def load(pos: bytes) -> bytes | None:
                node = txn.get(pos, db=self._smt)
                return None if node is None else bytes(node)

            proved = []
            for key in keys:
                value = txn.get(key, db=self._state)
                proved.append((None if value is None else bytes(value), prove(load, app_hash, key)))
        return height, app_hash, proved

    def keys_with_prefix(self, prefix: bytes, after: bytes = b"", limit: int = 100) -> list[bytes]:
        """Committed state keys starting with ``prefix``, in key order, strictly after
        ``prefix + after`` (a page of at most ``limit``). A read model's scan: consensus
        code never lists keys (it reads the keys it names)."""
        start = prefix + after
        found: list[bytes] = []
        with self.db.read() as txn, txn.cursor(db=self._state) as cursor:
            if not cursor.set_range(start):
                return found
            for raw in cursor.iternext(keys=True, values=False):
                key = bytes(raw)
                if not key.startswith(prefix) or len(found) >= limit:
                    break
                if after and key == start:
                    continue
                found.append(key)
        return found

    # -- commit -------------------------------------------------------------
    def save_commit(
        self,
        *,
        height: int,
        app_hash: bytes,
        genesis_hash: bytes,
        changes: Sequence[tuple[bytes, bytes | None]],
        tree_writes: dict[bytes, bytes | None],
        results: Sequence[TxResult],
        index_entries: Iterable[tuple[str, bytes, bytes, bool]],
    ) -> None:
        with self.db.write() as txn:
            _put_sorted(txn, self._state, changes)
            _put_sorted(txn, self._smt, tree_writes.items())
            results_table = self._results
            prefix = height_key(height)
            rows: list[tuple[bytes, bytes | None]] = [(prefix, len(results).to_bytes(4, "big"))]
            rows.extend(
                (prefix + index.to_bytes(4, "big"), result.encode())
                for index, result in enumerate(results)
            )
            _put_sorted(txn, results_table, rows)
            by_table: dict[tuple[str, bool], list[tuple[bytes, bytes | None]]] = {}
            for table, key, value, overwrite in index_entries:
                by_table.setdefault((table, overwrite), []).append((key, value))
            tables = self.db.tables
            for (table, overwrite), items in sorted(by_table.items()):
                _put_sorted(txn, tables[table], items, overwrite=overwrite)
            txn.put(b"app", encoding.encode([height, app_hash, genesis_hash]), db=self._meta)

    def validator_change_heights(self) -> list[int]:
        """Heights whose block changed the validator set (oldest first)."""
        heights = []
        with self.db.read() as txn, txn.cursor(db=self.db.table("meta")) as cursor:
            if cursor.set_range(VALIDATOR_CHANGE_PREFIX):
                for key in cursor.iternext(keys=True, values=False):
                    if not bytes(key).startswith(VALIDATOR_CHANGE_PREFIX):
                        break
                    heights.append(
                        int.from_bytes(bytes(key)[len(VALIDATOR_CHANGE_PREFIX) :], "big")
                    )
        return heights

    def load_results(self, height: int) -> list[TxResult] | None:
        """All results of a block, in order (None if the block is not committed)."""
        prefix = height_key(height)
        with self.db.read() as txn:
            count = txn.get(prefix, db=self._results)
            if count is None:
                return None
            total = int.from_bytes(count, "big")
            found = []
            for index in range(total):
                raw = txn.get(prefix + index.to_bytes(4, "big"), db=self._results)
                if raw is None:
                    raise StoreCorrupted(f"result {index} of block {height} is missing")
                found.append(TxResult.decode(bytes(raw)))
        return found

    def load_result(self, height: int, index: int) -> TxResult | None:
        """One transaction's result."""
        with self.db.read() as txn:
            raw = txn.get(height_key(height) + index.to_bytes(4, "big"), db=self._results)
        return None if raw is None else TxResult.decode(bytes(raw))
