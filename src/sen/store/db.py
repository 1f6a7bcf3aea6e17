"""The embedded database: one LMDB environment with a named table per concern.

LMDB gives atomic, durable multi-table write transactions (copy-on-write
B+trees, fsync at commit), so a node killed at any instant finds either the
whole of a commit on disk or none of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lmdb

from sen.store.errors import StoreCorrupted

TABLES = (
    "meta",  # app: last height, app hash, params
    "state",  # app: state key -> value
    "smt",  # app: sparse Merkle tree nodes by position
    "results",  # app: height -> count; height ‖ index -> encoded result
    "tx",  # index: tx hash -> height, index
    "by_sender",  # index: address ‖ height ‖ index -> tx hash
    "by_action",  # index: module/action ‖ 0 ‖ height ‖ index -> tx hash
    "by_digest",  # index: algorithm/digest ‖ height ‖ index ‖ leaf -> ()
    "by_event",  # index: type.key=value ‖ 0 ‖ height ‖ index -> ()
    "blocks",  # engine: height -> block (header, txs)
    "commits",  # engine: height -> commit for that height
    "engine",  # engine: meta
)

DEFAULT_MAP_SIZE = 1 << 40  # address space only; the file grows as used


class Database:
    def __init__(self, path: Path, *, map_size: int = DEFAULT_MAP_SIZE, sync: bool = True):
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self.env = lmdb.open(
                str(path),
                map_size=map_size,
                max_dbs=len(TABLES) + 4,
                sync=sync,
                metasync=sync,
                readahead=False,
                max_readers=512,
            )
            self.tables: dict[str, Any] = {name: self.env.open_db(name.encode()) for name in TABLES}
        except lmdb.Error as exc:
            raise StoreCorrupted(
                f"the application database {path / 'data.mdb'} cannot be opened ({exc}); "
                "refusing to start. Restore it from a backup, or remove it and resync the "
                "node (state sync or replay from peers)"
            ) from None

    def table(self, name: str) -> Any:
        return self.tables[name]

    def read(self) -> Any:
        return self.env.begin(write=False, buffers=False)

    def write(self) -> Any:
        return self.env.begin(write=True)

    def close(self) -> None:
        self.env.close()

    def size_bytes(self) -> int:
        info = self.env.info()
        stat = self.env.stat()
        return int(info["last_pgno"] + 1) * int(stat["psize"])
