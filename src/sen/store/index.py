"""The query index: transactions by hash, sender, module/action, digest and event.

The index is derived from committed blocks and results; it is not part of the
app hash. Its entries are written in the same transaction as the commit, so it
is never behind or ahead of the state.

Keys (heights and positions big-endian, so LMDB's order is chain order)::

    tx:         tx hash                                        -> height ‖ index
    by_sender:  address ‖ height ‖ index                       -> (empty)
    by_action:  "module/action" ‖ 0x00 ‖ height ‖ index        -> (empty)
    by_digest:  "algorithm/" ‖ digest ‖ 0x00 ‖ height ‖ index ‖ leaf -> tx hash
    by_event:   "type.key=value" ‖ 0x00 ‖ height ‖ index        -> (empty)

Entries that name only a position keep no tx hash (it is in the block), to
keep storage per transaction small.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sen.ledger.errors import TxRejected
from sen.ledger.rules import CheckedTx
from sen.ledger.types import TxResult
from sen.store.db import Database

_POSITION = struct.Struct(">QI")
_LEAF = struct.Struct(">I")

IndexEntry = tuple[str, bytes, bytes, bool]  # table, key, value, may overwrite


@dataclass(frozen=True, slots=True)
class TxLocation:
    height: int
    index: int
    tx_hash: bytes
    leaf: int = 0


def block_entries(
    height: int,
    checked: Sequence[CheckedTx | TxRejected],
    tx_hashes: Sequence[bytes],
    results: Sequence[TxResult],
) -> list[IndexEntry]:
    entries: list[IndexEntry] = []
    for index, (item, tx_hash, result) in enumerate(zip(checked, tx_hashes, results, strict=True)):
        position = _POSITION.pack(height, index)
        # A hash can succeed at most once (nonces); a failed repeat of it, which a
        # faulty proposer could include, must not hide where it succeeded.
        entries.append(("tx", tx_hash, position, result.ok))
        if isinstance(item, TxRejected):
            continue
        tx = item.tx
        entries.append(("by_sender", tx.sender + position, b"", True))
        action_key = f"{tx.module}/{tx.action}".encode() + b"\x00" + position
        entries.append(("by_action", action_key, b"", True))
        if not result.ok:
            continue
        for table, prefix, leaf in item.call.index_keys():
            key = prefix + b"\x00" + position + _LEAF.pack(leaf)
            entries.append((table, key, tx_hash, True))
        for event in result.events:
            for attribute in event.attributes:
                if attribute.index:
                    name = f"{event.type}.{attribute.key}={attribute.value}".encode()
                    entries.append(("by_event", name + b"\x00" + position, b"", True))
    return entries


class Index:
    def __init__(self, db: Database) -> None:
        self.db = db

    def locate_tx(self, tx_hash: bytes) -> tuple[int, int] | None:
        with self.db.read() as txn:
            raw = txn.get(tx_hash, db=self.db.table("tx"))
        if raw is None:
            return None
        height, index = _POSITION.unpack(bytes(raw))
        return int(height), int(index)

    def _scan(self, table: str, prefix: bytes, limit: int) -> Iterator[tuple[bytes, bytes]]:
        with self.db.read() as txn, txn.cursor(db=self.db.table(table)) as cursor:
            if not cursor.set_range(prefix):
                return
            for count, (key, value) in enumerate(cursor):
                if not key.startswith(prefix) or count >= limit:
                    return
                yield bytes(key), bytes(value)

    def by_sender(self, address: bytes, limit: int = 100) -> list[TxLocation]:
        return [
            _location(key[len(address) :], value)
            for key, value in self._scan("by_sender", address, limit)
        ]

    def by_action(self, module: str, action: str, limit: int = 100) -> list[TxLocation]:
        prefix = f"{module}/{action}".encode() + b"\x00"
        return [
            _location(key[len(prefix) :], value)
            for key, value in self._scan("by_action", prefix, limit)
        ]

    def by_event(self, event_type: str, key: str, value: str, limit: int = 100) -> list[TxLocation]:
        prefix = f"{event_type}.{key}={value}".encode() + b"\x00"
        return [_location(k[len(prefix) :], v) for k, v in self._scan("by_event", prefix, limit)]

    def by_digest(self, algorithm: str, digest: bytes, limit: int = 1000) -> list[TxLocation]:
        prefix = algorithm.encode() + b"/" + digest + b"\x00"
        found = []
        for key, value in self._scan("by_digest", prefix, limit):
            rest = key[len(prefix) :]
            height, index = _POSITION.unpack(rest[:12])
            (leaf,) = _LEAF.unpack(rest[12:16])
            found.append(TxLocation(height, index, value, leaf))
        return found


def _location(position: bytes, tx_hash: bytes) -> TxLocation:
    """A position; ``tx_hash`` is empty for indexes that do not keep it (see module doc)."""
    height, index = _POSITION.unpack(position[:12])
    return TxLocation(height, index, tx_hash)
