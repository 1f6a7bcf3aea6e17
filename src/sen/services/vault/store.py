"""Where the vault keeps wrapped keys and encrypted records: the embedded SQLite store.

One file, schema version 2 (``meta``: the version and the vault's jurisdiction)::

    subjects(subject BLOB PRIMARY KEY, wrapped_key BLOB, kek TEXT, erased_at INTEGER)
    records(reference BLOB PRIMARY KEY, subject BLOB, category TEXT, nonce BLOB,
            ciphertext BLOB, salt BLOB, commitment BLOB NOT NULL, erased_at INTEGER)
    access_log(seq INTEGER PRIMARY KEY, subject BLOB, entry BLOB, batch INTEGER)   (v2)
    access_batches(batch INTEGER PRIMARY KEY, root BLOB, first INTEGER, last INTEGER,
                   anchored_height INTEGER)                                         (v2)

A file of an older version is migrated when opened (each step in one transaction); a
newer one is refused.

``subject`` is the vault's pseudonymous reference (:func:`sen.services.vault.vault.subject_ref`),
never a person's identifier. Erasing a subject clears its wrapped key and every record's
nonce, ciphertext and salt in one transaction, keeping only references and commitments
(the tombstone the chain anchors). ``secure_delete`` makes SQLite overwrite what it frees,
and the write-ahead log is truncated after an erasure, so the erased bytes are not left in
the file or its log. PostgreSQL, behind the same methods, is a later slice (ADR 0014).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sen.ledger.merkle import hash_from_byte_slices

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subjects (
    subject BLOB PRIMARY KEY,
    wrapped_key BLOB,
    kek TEXT NOT NULL,
    erased_at INTEGER
);
CREATE TABLE IF NOT EXISTS records (
    reference BLOB PRIMARY KEY,
    subject BLOB NOT NULL REFERENCES subjects(subject),
    category TEXT NOT NULL,
    nonce BLOB,
    ciphertext BLOB,
    salt BLOB,
    commitment BLOB NOT NULL,
    erased_at INTEGER
);
CREATE INDEX IF NOT EXISTS records_by_subject ON records(subject, reference);
"""

_MIGRATIONS = {
    2: """
CREATE TABLE access_log (
    seq INTEGER PRIMARY KEY,
    subject BLOB NOT NULL,
    entry BLOB NOT NULL,
    batch INTEGER
);
CREATE INDEX access_log_by_subject ON access_log(subject, seq);
CREATE INDEX access_log_unbatched ON access_log(batch, seq);
CREATE TABLE access_batches (
    batch INTEGER PRIMARY KEY,
    root BLOB NOT NULL,
    first INTEGER NOT NULL,
    last INTEGER NOT NULL,
    anchored_height INTEGER
);
""",
}
"""The statements that take a store from the version before to this one."""


_SUBJECT = "SELECT subject, wrapped_key, kek, erased_at FROM subjects WHERE subject = ?"
_RECORDS = (
    "SELECT reference, subject, category, nonce, ciphertext, salt, commitment, erased_at "
    "FROM records "
)  # the columns of RecordRow, in its order


class VaultStoreError(Exception):
    """The store's file is not a vault this version reads."""


def check_jurisdiction(where: object, stored: str, given: str) -> str:
    """The store's jurisdiction, refusing to open it as another ("" opens it as it is)."""
    if given and given != stored:
        raise VaultStoreError(
            f"{where}: the vault's jurisdiction is {stored!r}, opened as {given!r} (a vault "
            "keeps its jurisdiction; pass it, or '' to open the store as it is)"
        )
    return stored


@dataclass(frozen=True, slots=True)
class SubjectRow:
    subject: bytes
    wrapped_key: bytes | None  # None once erased
    kek: str
    erased_at: int | None


@dataclass(frozen=True, slots=True)
class RecordRow:
    reference: bytes
    subject: bytes
    category: str
    nonce: bytes | None  # these three are None once erased
    ciphertext: bytes | None
    salt: bytes | None
    commitment: bytes
    erased_at: int | None


@dataclass(frozen=True, slots=True)
class AccessBatch:
    number: int
    root: bytes  # the Merkle root of its entries (RFC 6962 hashing, as the chain's)
    first: int  # sequence numbers of its first and last entries
    last: int
    anchored_height: int | None  # the block whose anchor holds the root, once anchored


def batch_root(entries: list[bytes]) -> bytes:
    return hash_from_byte_slices(entries)


class VaultStore(Protocol):
    """What the vault asks of a store: the embedded SQLite one, or PostgreSQL's
    (:class:`sen.services.vault.postgres.PostgresVaultStore`)."""

    jurisdiction: str

    def close(self) -> None: ...
    def subject(self, subject: bytes) -> SubjectRow | None: ...
    def add_subject(self, subject: bytes, wrapped_key: bytes, kek: str) -> SubjectRow: ...
    def replace_key(self, subject: bytes, wrapped_key: bytes) -> None: ...
    def erased_subjects(self) -> list[bytes]: ...
    def put_record(self, row: RecordRow) -> None: ...
    def record(self, reference: bytes) -> RecordRow | None: ...
    def records_of(self, subject: bytes) -> list[RecordRow]: ...
    def erase_subject(self, subject: bytes, at: int) -> list[RecordRow]: ...
    def log_access(self, subject: bytes, entry_for: Callable[[int], bytes]) -> int: ...
    def seal_batch(self) -> AccessBatch | None: ...
    def mark_anchored(self, batch: int, height: int) -> None: ...
    def access_batch(self, batch: int) -> tuple[AccessBatch, list[bytes]] | None: ...
    def unanchored_batches(self) -> list[AccessBatch]: ...
    def accesses_of(self, subject: bytes) -> list[tuple[int, bytes, int | None]]: ...


class SqliteVaultStore:
    """The embedded store: one SQLite file, safe for the threads of one process."""

    def __init__(self, path: Path, jurisdiction: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)  # idempotent: CREATE ... IF NOT EXISTS
        self.jurisdiction = self._meta(jurisdiction)

    def _meta(self, jurisdiction: str) -> str:
        with self._transaction() as db:
            stored = dict(db.execute("SELECT name, value FROM meta").fetchall())
            if not stored:
                stored = {"schema_version": "1", "jurisdiction": jurisdiction}
                db.executemany("INSERT INTO meta (name, value) VALUES (?, ?)", stored.items())
        version = stored.get("schema_version", "")
        if not version.isdigit() or not 1 <= int(version) <= SCHEMA_VERSION:
            raise VaultStoreError(
                f"{self.path}: schema version {version!r}; this Sen reads 1 to {SCHEMA_VERSION}"
            )
        for step in range(int(version) + 1, SCHEMA_VERSION + 1):
            self._migrate(step)
        return check_jurisdiction(self.path, stored.get("jurisdiction", jurisdiction), jurisdiction)

    def _migrate(self, version: int) -> None:
        """Take the store to ``version`` in one transaction (all of the step, or none)."""
        with self._transaction() as db:
            for statement in _MIGRATIONS[version].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("UPDATE meta SET value = ? WHERE name = 'schema_version'", (str(version),))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- backups ------------------------------------------------------------------------------

    def backup(self, target: Path) -> None:
        """A consistent copy of the store in ``target`` (SQLite's online backup). Erased bytes
        are not in it: secure_delete zeroed them in the pages it copies."""
        if target.exists():
            raise VaultStoreError(f"{target} exists; a backup is written to a new file")
        copy = sqlite3.connect(target)
        try:
            with self._lock:
                self._db.backup(copy)
        finally:
            copy.close()

    def erased_subjects(self) -> list[bytes]:
        """The subjects erased in this store, in order: the journal a restore replays (the
        chain's tombstones say the same, for when this store is lost)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT subject FROM subjects WHERE erased_at IS NOT NULL ORDER BY subject"
            ).fetchall()
        return [row[0] for row in rows]

    @classmethod
    def restore(cls, backup: Path, target: Path, erased: list[bytes], at: int) -> SqliteVaultStore:
        """The store in ``backup`` copied to ``target`` with every subject in ``erased``
        shredded again before anything reads it: a backup taken before an erasure must not
        bring the subject back. ``erased`` is the journal (:meth:`erased_subjects` of the
        lost store, or the chain's tombstones); ``at`` the time recorded for a replayed
        erasure the backup did not have."""
        if target.exists():
            raise VaultStoreError(f"{target} exists; restore into a new file")
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        restored = cls(target, jurisdiction="")
        for subject in erased:
            if restored.subject(subject) is not None:
                restored.erase_subject(subject, at)
        return restored

    # -- subjects and records ---------------------------------------------------------------

    def subject(self, subject: bytes) -> SubjectRow | None:
        with self._lock:
            row = self._db.execute(
                _SUBJECT,
                (subject,),
            ).fetchone()
        return None if row is None else SubjectRow(*row)

    def add_subject(self, subject: bytes, wrapped_key: bytes, kek: str) -> SubjectRow:
        """The subject's row: the one already stored (another writer's key wins), or a new one."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO subjects (subject, wrapped_key, kek) VALUES (?, ?, ?)",
                (subject, wrapped_key, kek),
            )
            row = db.execute(
                _SUBJECT,
                (subject,),
            ).fetchone()
        return SubjectRow(*row)

    def replace_key(self, subject: bytes, wrapped_key: bytes) -> None:
        """What the store keeps of a live subject's key (an erasure marks it first)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE subjects SET wrapped_key = ? WHERE subject = ? AND wrapped_key IS NOT NULL",
                (wrapped_key, subject),
            )

    def put_record(self, row: RecordRow) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO records (reference, subject, category, nonce, ciphertext, salt, "
                "commitment) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.reference, row.subject, row.category, row.nonce, row.ciphertext, row.salt,
                 row.commitment),
            )  # fmt: skip

    def record(self, reference: bytes) -> RecordRow | None:
        with self._lock:
            row = self._db.execute(
                _RECORDS + "WHERE reference = ?",
                (reference,),
            ).fetchone()
        return None if row is None else RecordRow(*row)

    def records_of(self, subject: bytes) -> list[RecordRow]:
        with self._lock:
            rows = self._db.execute(
                _RECORDS + "WHERE subject = ? ORDER BY reference",
                (subject,),
            ).fetchall()
        return [RecordRow(*row) for row in rows]

    # -- the access log ---------------------------------------------------------------------

    def log_access(self, subject: bytes, entry_for: Callable[[int], bytes]) -> int:
        """Append to the access log the entry ``entry_for(seq)`` of the next sequence number
        (the entry holds its own number), in one transaction; that number."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO access_log (subject, entry) VALUES (?, ?)", (subject, b"")
            )
            assert cursor.lastrowid is not None
            seq = int(cursor.lastrowid)
            db.execute("UPDATE access_log SET entry = ? WHERE seq = ?", (entry_for(seq), seq))
        return seq

    def seal_batch(self) -> AccessBatch | None:
        """Close the entries not yet in a batch into the next one: its number, its entries'
        sequence numbers and the Merkle root ``root_of`` gives them. None if none is waiting."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT seq, entry FROM access_log WHERE batch IS NULL ORDER BY seq"
            ).fetchall()
            if not rows:
                return None
            (last_batch,) = db.execute(
                "SELECT COALESCE(MAX(batch), 0) FROM access_batches"
            ).fetchone()
            batch = AccessBatch(
                int(last_batch) + 1, batch_root([r[1] for r in rows]), rows[0][0], rows[-1][0],
                None,
            )  # fmt: skip
            db.execute(
                "INSERT INTO access_batches (batch, root, first, last) VALUES (?, ?, ?, ?)",
                (batch.number, batch.root, batch.first, batch.last),
            )
            db.execute(
                "UPDATE access_log SET batch = ? WHERE batch IS NULL AND seq <= ?",
                (batch.number, batch.last),
            )
        return batch

    def mark_anchored(self, batch: int, height: int) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE access_batches SET anchored_height = ? WHERE batch = ?", (height, batch)
            )

    def access_batch(self, batch: int) -> tuple[AccessBatch, list[bytes]] | None:
        """A batch and its entries, in sequence order."""
        with self._lock:
            row = self._db.execute(
                "SELECT batch, root, first, last, anchored_height FROM access_batches "
                "WHERE batch = ?", (batch,),
            ).fetchone()  # fmt: skip
            if row is None:
                return None
            entries = self._db.execute(
                "SELECT entry FROM access_log WHERE batch = ? ORDER BY seq", (batch,)
            ).fetchall()
        return AccessBatch(*row), [e[0] for e in entries]

    def unanchored_batches(self) -> list[AccessBatch]:
        """Sealed batches not yet marked anchored, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT batch, root, first, last, anchored_height FROM access_batches "
                "WHERE anchored_height IS NULL ORDER BY batch"
            ).fetchall()
        return [AccessBatch(*row) for row in rows]

    def accesses_of(self, subject: bytes) -> list[tuple[int, bytes, int | None]]:
        """(sequence number, entry, batch or None) of every logged read of ``subject``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, entry, batch FROM access_log WHERE subject = ? ORDER BY seq",
                (subject,),
            ).fetchall()
        return [(int(seq), bytes(entry), batch) for seq, entry, batch in rows]

    def erase_subject(self, subject: bytes, at: int) -> list[RecordRow]:
        """Shred a subject in one transaction: its wrapped key and every record's nonce,
        ciphertext and salt are cleared (references and commitments stay, as the tombstone).
        The records as they are now (erased); the write-ahead log is truncated after."""
        with self._transaction() as db:
            db.execute(
                "UPDATE subjects SET wrapped_key = NULL, erased_at = COALESCE(erased_at, ?) "
                "WHERE subject = ?",
                (at, subject),
            )
            db.execute(
                "UPDATE records SET nonce = NULL, ciphertext = NULL, salt = NULL, "
                "erased_at = COALESCE(erased_at, ?) WHERE subject = ?",
                (at, subject),
            )
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.records_of(subject)
