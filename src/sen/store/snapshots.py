"""State-sync snapshots on disk (format 1) and the staging area a restore is built in.

Format 1 is the whole committed ``state`` table at one height, in key order,
cut into chunks of canonical CBOR (``[[key, value], ...]``). The metadata
lists every chunk's SHA-256, so each chunk from an untrusted peer is checked
on arrival; the restored tree's root is checked against the trusted app hash
at the end. The format is specified in ``docs/spec/snapshots.md``.

On disk, under ``<data dir>/snapshots/``::

    <height>/metadata          canonical CBOR metadata (its SHA-256 is the snapshot hash)
    <height>/chunk-<index>     chunk bytes, exactly as served to peers
    .tmp-*                     a snapshot being written or deleted (never listed)
    .restore/                  the LMDB staging environment of a restore in progress

A snapshot directory appears only by an atomic rename after every file in it
was written and fsynced, so a snapshot that is listed is always complete.
Anything starting with a dot is scratch and is removed at startup.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sen.ledger import encoding
from sen.ledger.errors import EncodingError
from sen.store.appstore import AppStore
from sen.store.db import Database
from sen.store.errors import StoreCorrupted, StoreError
from sen.store.smt import EMPTY

FORMAT = 1
DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024
DIRECTORY = "snapshots"
METADATA_FILE = "metadata"
CHUNK_PREFIX = "chunk-"
SCRATCH_PREFIX = ".tmp-"
RESTORE_DIRECTORY = ".restore"
HASH_SIZE = 32
_METADATA_FIELDS = frozenset({"format", "height", "app_hash", "keys", "chunks"})


class SnapshotError(StoreError):
    """Root of snapshot errors (a ``StoreError``)."""


class SnapshotInvalid(SnapshotError):
    """Bytes that are not a valid part of a format-1 snapshot (from a peer, or damaged)."""

    def __init__(self, part: str, reason: str) -> None:
        self.part = part
        self.reason = reason
        super().__init__(f"snapshot {part}: {reason}")


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _is_int(value: object) -> bool:
    return type(value) is int


@dataclass(frozen=True, slots=True)
class SnapshotMetadata:
    """What a format-1 snapshot says about itself; ``hash`` is SHA-256 of ``encode()``."""

    height: int
    app_hash: bytes
    keys: int
    chunk_hashes: tuple[bytes, ...]

    def encode(self) -> bytes:
        return encoding.encode(
            {
                "format": FORMAT,
                "height": self.height,
                "app_hash": self.app_hash,
                "keys": self.keys,
                "chunks": list(self.chunk_hashes),
            }
        )

    @property
    def hash(self) -> bytes:
        return sha256(self.encode())

    @classmethod
    def decode(cls, raw: bytes) -> SnapshotMetadata:
        """Strictly decode metadata (canonical CBOR, exact fields); raise SnapshotInvalid."""
        try:
            value = encoding.decode(raw)
        except EncodingError as exc:
            raise SnapshotInvalid("metadata", str(exc)) from None
        if not isinstance(value, dict) or set(value) != _METADATA_FIELDS:
            raise SnapshotInvalid("metadata", f"must be a map of {sorted(_METADATA_FIELDS)}")
        if value["format"] != FORMAT or not _is_int(value["format"]):
            raise SnapshotInvalid("metadata.format", f"expected {FORMAT}")
        height, app_hash, keys, chunks = (
            value["height"],
            value["app_hash"],
            value["keys"],
            value["chunks"],
        )
        if not _is_int(height) or height < 1:
            raise SnapshotInvalid("metadata.height", "must be a positive integer")
        if not isinstance(app_hash, bytes) or len(app_hash) != HASH_SIZE:
            raise SnapshotInvalid("metadata.app_hash", f"must be {HASH_SIZE} bytes")
        if not isinstance(chunks, list) or not chunks:
            raise SnapshotInvalid("metadata.chunks", "must be a non-empty list of hashes")
        if any(not isinstance(h, bytes) or len(h) != HASH_SIZE for h in chunks):
            raise SnapshotInvalid("metadata.chunks", f"every hash must be {HASH_SIZE} bytes")
        if not _is_int(keys) or keys < len(chunks):
            raise SnapshotInvalid("metadata.keys", "must be at least the number of chunks")
        return cls(height, app_hash, keys, tuple(chunks))


# -- chunks ---------------------------------------------------------------------
def _head_size(length: int) -> int:
    """Bytes of a CBOR head for an argument of ``length`` (shortest form)."""
    if length < 24:
        return 1
    if length < 0x100:
        return 2
    if length < 0x10000:
        return 3
    if length < 0x100000000:
        return 5
    return 9


def _pair_size(key: bytes, value: bytes) -> int:
    return 1 + _head_size(len(key)) + len(key) + _head_size(len(value)) + len(value)


def encode_chunks(pairs: Iterable[tuple[bytes, bytes]], chunk_size: int) -> Iterator[bytes]:
    """Cut ``(key, value)`` pairs (in key order) into encoded chunks of at most ``chunk_size``.

    Pairs are never split: a pair larger than ``chunk_size`` on its own makes a
    chunk of one pair (and that chunk is larger than ``chunk_size``).
    """
    batch: list[list[bytes]] = []
    body = 0
    for key, value in pairs:
        size = _pair_size(key, value)
        if batch and _head_size(len(batch) + 1) + body + size > chunk_size:
            yield encoding.encode(batch)
            batch, body = [], 0
        batch.append([key, value])
        body += size
    if batch:
        yield encoding.encode(batch)


def decode_chunk(raw: bytes, after: bytes | None = None) -> list[tuple[bytes, bytes]]:
    """Strictly decode one chunk: non-empty, byte-string pairs, keys strictly increasing
    and greater than ``after`` (the last key of the previous chunk)."""
    try:
        value = encoding.decode(raw)
    except EncodingError as exc:
        raise SnapshotInvalid("chunk", str(exc)) from None
    if not isinstance(value, list) or not value:
        raise SnapshotInvalid("chunk", "must be a non-empty list of [key, value] pairs")
    pairs: list[tuple[bytes, bytes]] = []
    previous = after
    for item in value:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not isinstance(item[0], bytes)
            or not isinstance(item[1], bytes)
        ):
            raise SnapshotInvalid("chunk", "every entry must be a [key, value] pair of bytes")
        key, data = item
        if previous is not None and key <= previous:
            raise SnapshotInvalid("chunk", "keys must be strictly increasing across chunks")
        pairs.append((key, data))
        previous = key
    return pairs


# -- files ----------------------------------------------------------------------
def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


class SnapshotStore:
    """Complete snapshots under one directory: save, list, read chunks, prune."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def for_database(cls, db: Database) -> SnapshotStore:
        return cls(db.path / DIRECTORY)

    @property
    def restore_path(self) -> Path:
        return self.root / RESTORE_DIRECTORY

    def clean_scratch(self) -> None:
        """Remove what a crash left behind: half-written or half-deleted snapshots, restores."""
        if not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            if entry.name.startswith("."):
                _remove(entry)

    def heights(self) -> list[int]:
        """Heights of complete snapshots, oldest first."""
        if not self.root.is_dir():
            return []
        found = []
        for entry in self.root.iterdir():
            name = entry.name
            if name.isascii() and name.isdigit() and (entry / METADATA_FILE).is_file():
                found.append(int(name))
        return sorted(found)

    def has(self, height: int) -> bool:
        return (self.root / str(height) / METADATA_FILE).is_file()

    def load_metadata(self, height: int) -> bytes | None:
        try:
            return (self.root / str(height) / METADATA_FILE).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None  # never taken, or pruned meanwhile

    def load_chunk(self, height: int, index: int) -> bytes | None:
        if index < 0:
            return None
        try:
            return (self.root / str(height) / f"{CHUNK_PREFIX}{index}").read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def save(
        self,
        height: int,
        app_hash: bytes,
        pairs: Iterable[tuple[bytes, bytes]],
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> SnapshotMetadata:
        """Write a snapshot of ``pairs`` (the state at ``height``, in key order), crash-safely."""
        final = self.root / str(height)
        if final.exists():
            raise SnapshotError(f"a snapshot at height {height} already exists")
        self.root.mkdir(parents=True, exist_ok=True)
        scratch = self.root / f"{SCRATCH_PREFIX}{height}"
        _remove(scratch)
        scratch.mkdir()
        try:
            hashes: list[bytes] = []
            counted = _Counted(pairs)
            for index, chunk in enumerate(encode_chunks(counted, chunk_size)):
                _write_file(scratch / f"{CHUNK_PREFIX}{index}", chunk)
                hashes.append(sha256(chunk))
            if not hashes:
                raise SnapshotError(f"the state at height {height} is empty: nothing to snapshot")
            metadata = SnapshotMetadata(height, app_hash, counted.count, tuple(hashes))
            _write_file(scratch / METADATA_FILE, metadata.encode())
            _sync_directory(scratch)
            os.rename(scratch, final)
            _sync_directory(self.root)
        except BaseException:
            _remove(scratch)
            raise
        return metadata

    def prune(self, keep: int) -> list[int]:
        """Delete all but the newest ``keep`` snapshots; returns the deleted heights."""
        heights = self.heights()
        doomed = heights[:-keep] if keep > 0 else heights
        for height in doomed:
            # unlist atomically first, so a crash mid-delete never leaves a listed half
            scratch = self.root / f"{SCRATCH_PREFIX}{height}-deleted"
            _remove(scratch)
            os.rename(self.root / str(height), scratch)
            _remove(scratch)
        return doomed


class _Counted:
    """Iterates ``pairs`` once, counting them."""

    def __init__(self, pairs: Iterable[tuple[bytes, bytes]]) -> None:
        self._pairs = pairs
        self.count = 0

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        for pair in self._pairs:
            self.count += 1
            yield pair


def iterate_state(db: Database, txn: Any) -> Iterator[tuple[bytes, bytes]]:
    """Every (key, value) of the ``state`` table in key order, from one read transaction."""
    with txn.cursor(db=db.table("state")) as cursor:
        for key, value in cursor.iternext(keys=True, values=True):
            yield bytes(key), bytes(value)


# -- restore --------------------------------------------------------------------
class RestoreStaging:
    """A throwaway LMDB environment that rebuilds state and tree chunk by chunk.

    Memory stays bounded by one chunk; the node's own database is untouched
    until :meth:`save_into` copies everything over in one write transaction.
    """

    def __init__(self, path: Path) -> None:
        _remove(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = Database(path, sync=False)
        self._store = AppStore(self.db)
        self.root = EMPTY
        self.keys = 0

    def add(self, pairs: Sequence[tuple[bytes, bytes]]) -> None:
        """Add pairs whose keys are all new (greater than any added before)."""
        root, writes = self._store.compute_root(self.root, pairs)
        with self.db.write() as txn:
            with txn.cursor(db=self.db.table("state")) as cursor:
                cursor.putmulti(pairs, dupdata=False, overwrite=True)
            smt = self.db.table("smt")
            for position, node in sorted(writes.items()):
                if node is None:
                    txn.delete(position, db=smt)
                else:
                    txn.put(position, node, db=smt)
        self.root = root
        self.keys += len(pairs)

    def save_into(self, db: Database, *, height: int, app_hash: bytes, genesis_hash: bytes) -> None:
        """Replace ``db``'s state and tree with the staged ones and set its height and
        app hash, in one write transaction (all of it is on disk, or none)."""
        with self.db.read() as source, db.write() as txn:
            for name in ("state", "smt"):
                target = db.table(name)
                txn.drop(target, delete=False)
                with source.cursor(db=self.db.table(name)) as rows, txn.cursor(db=target) as out:
                    consumed, added = out.putmulti(
                        rows.iternext(keys=True, values=True), dupdata=False, append=True
                    )
                if consumed != added:
                    raise StoreCorrupted(f"staged {name} rows out of order while restoring")
            # the same record AppStore.save_commit writes
            txn.put(b"app", encoding.encode([height, app_hash, genesis_hash]), db=db.table("meta"))

    def discard(self) -> None:
        self.db.close()
        _remove(self.path)
