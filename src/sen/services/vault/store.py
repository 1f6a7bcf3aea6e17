"""Where the vault keeps wrapped keys and encrypted records: the embedded SQLite store.

One file, schema version 1 (``meta``: the version and the vault's jurisdiction)::

    subjects(subject BLOB PRIMARY KEY, wrapped_key BLOB, kek TEXT, erased_at INTEGER)
    records(reference BLOB PRIMARY KEY, subject BLOB, category TEXT, nonce BLOB,
            ciphertext BLOB, salt BLOB, commitment BLOB NOT NULL, erased_at INTEGER)

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = 1

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


_SUBJECT = "SELECT subject, wrapped_key, kek, erased_at FROM subjects WHERE subject = ?"
_RECORDS = (
    "SELECT reference, subject, category, nonce, ciphertext, salt, commitment, erased_at "
    "FROM records "
)  # the columns of RecordRow, in its order


class VaultStoreError(Exception):
    """The store's file is not a vault this version reads."""


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
                db.executemany(
                    "INSERT INTO meta (name, value) VALUES (?, ?)",
                    [("schema_version", str(SCHEMA_VERSION)), ("jurisdiction", jurisdiction)],
                )
                return jurisdiction
        if stored.get("schema_version") != str(SCHEMA_VERSION):
            raise VaultStoreError(
                f"{self.path}: schema version {stored.get('schema_version')!r}; this Sen reads "
                f"{SCHEMA_VERSION}"
            )
        return str(stored.get("jurisdiction", jurisdiction))

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
