"""The vault's PostgreSQL store: records and the access log on a PostgreSQL server, keys and
salts in a keyring that can really forget (ADR 0014, "PostgreSQL").

PostgreSQL never overwrites a row: an UPDATE leaves the old version in the table (a dead
tuple, until VACUUM reuses its space) and in the write-ahead log, and a dump or a replica
keeps its own copies. A store that cleared a wrapped key with UPDATE would leave it readable
there, and with the key-encryption key every ciphertext would open again. So this store
keeps in PostgreSQL only what is useless without a key — each record's reference, subject
reference, category, nonce, ciphertext and commitment — and keeps the **data keys (wrapped)
and the records' salts in the keyring**: an embedded SQLite store
(:class:`~sen.services.vault.store.SqliteVaultStore`, ``secure_delete``, its log truncated
after an erasure) on the vault's host. Erasing a subject destroys its key and salts in the
keyring first, then clears the ciphertexts in PostgreSQL; whatever copy of a ciphertext
PostgreSQL keeps after that (dead tuple, log, dump, replica) decrypts under no key that
exists. A kill between the two steps leaves the key gone and the retried erasure finishes.

Schema (version 1, table ``vault_meta`` holds it and the jurisdiction)::

    vault_records(reference BYTEA PRIMARY KEY, subject BYTEA, category TEXT, nonce BYTEA,
                  ciphertext BYTEA, commitment BYTEA NOT NULL, erased_at BIGINT)
    vault_access_log(seq BIGSERIAL PRIMARY KEY, subject BYTEA, entry BYTEA, batch BIGINT)
    vault_access_batches(batch BIGINT PRIMARY KEY, root BYTEA, first BIGINT, last BIGINT,
                         anchored_height BIGINT)

Migrations run when the store opens, under an advisory lock (two vault processes starting
together migrate once), each in one transaction. Connections come from a pool
(``psycopg_pool``); every method takes one for the length of its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from sen.services.vault.store import (
    AccessBatch,
    RecordRow,
    SqliteVaultStore,
    SubjectRow,
    VaultStoreError,
    batch_root,
    check_jurisdiction,
)

SCHEMA_VERSION = 1
_LOCK = 0x53454E5641554C54  # "SENVAULT": the advisory lock migrations hold

_MIGRATIONS = {
    1: """
CREATE TABLE vault_records (
    reference BYTEA PRIMARY KEY,
    subject BYTEA NOT NULL,
    category TEXT NOT NULL,
    nonce BYTEA,
    ciphertext BYTEA,
    commitment BYTEA NOT NULL,
    erased_at BIGINT
);
CREATE INDEX vault_records_by_subject ON vault_records (subject, reference);
CREATE TABLE vault_access_log (
    seq BIGSERIAL PRIMARY KEY,
    subject BYTEA NOT NULL,
    entry BYTEA NOT NULL,
    batch BIGINT
);
CREATE INDEX vault_access_log_by_subject ON vault_access_log (subject, seq);
CREATE INDEX vault_access_log_unbatched ON vault_access_log (batch, seq);
CREATE TABLE vault_access_batches (
    batch BIGINT PRIMARY KEY,
    root BYTEA NOT NULL,
    first BIGINT NOT NULL,
    last BIGINT NOT NULL,
    anchored_height BIGINT
);
""",
}
"""The statements that take the schema from the version before to this one."""

_RECORDS = (
    "SELECT reference, subject, category, nonce, ciphertext, commitment, erased_at "
    "FROM vault_records "
)


class PostgresVaultStore:
    """Records on PostgreSQL (``dsn``), keys and salts in the keyring file ``keyring``."""

    def __init__(self, dsn: str, keyring: Path, jurisdiction: str, *, pool_size: int = 8) -> None:
        self.dsn = dsn
        self.keyring = SqliteVaultStore(keyring, jurisdiction)
        try:
            psycopg.connect(dsn).close()  # fail now, with the server's reason, not after retries
            self.pool = ConnectionPool(
                dsn, min_size=1, max_size=pool_size, open=True, timeout=30,
                kwargs={"autocommit": False},
            )  # fmt: skip
            self.pool.wait(timeout=30)
        except Exception as exc:
            self.keyring.close()
            raise VaultStoreError(f"PostgreSQL at {_where(dsn)}: {exc}") from exc
        try:
            self.jurisdiction = self._migrate(jurisdiction)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.pool.close()
        self.keyring.close()

    def _migrate(self, jurisdiction: str) -> str:
        with self.pool.connection() as db, db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            db.execute(
                "CREATE TABLE IF NOT EXISTS vault_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            stored: dict[str, str] = dict(
                db.execute("SELECT name, value FROM vault_meta").fetchall()
            )
            if not stored:
                stored = {"schema_version": "0", "jurisdiction": jurisdiction}
                for name, value in stored.items():
                    db.execute("INSERT INTO vault_meta VALUES (%s, %s)", (name, value))
            version = str(stored.get("schema_version", ""))
            if not version.isdigit() or int(version) > SCHEMA_VERSION:
                raise VaultStoreError(
                    f"PostgreSQL vault schema version {version!r}; this Sen reads 0 to "
                    f"{SCHEMA_VERSION}"
                )
            for step in range(int(version) + 1, SCHEMA_VERSION + 1):
                with db.transaction():  # a savepoint: the step whole, or not at all
                    db.execute(_MIGRATIONS[step].encode())
                    db.execute(
                        "UPDATE vault_meta SET value = %s WHERE name = 'schema_version'",
                        (str(step),),
                    )
        return check_jurisdiction(_where(self.dsn), stored.get("jurisdiction", ""), jurisdiction)

    # -- subjects (in the keyring) ---------------------------------------------------------

    def subject(self, subject: bytes) -> SubjectRow | None:
        return self.keyring.subject(subject)

    def add_subject(self, subject: bytes, wrapped_key: bytes, kek: str) -> SubjectRow:
        return self.keyring.add_subject(subject, wrapped_key, kek)

    def replace_key(self, subject: bytes, wrapped_key: bytes) -> None:
        self.keyring.replace_key(subject, wrapped_key)

    def erased_subjects(self) -> list[bytes]:
        return self.keyring.erased_subjects()

    # -- records ---------------------------------------------------------------------------

    def put_record(self, row: RecordRow) -> None:
        """The salt goes to the keyring, the rest to PostgreSQL (keyring first: a kill
        between the two leaves a salt without a record, which nothing reads)."""
        self.keyring.put_record(
            RecordRow(row.reference, row.subject, row.category, None, None, row.salt,
                      row.commitment, None)
        )  # fmt: skip
        with self.pool.connection() as db, db.transaction():
            db.execute(
                "INSERT INTO vault_records (reference, subject, category, nonce, ciphertext, "
                "commitment) VALUES (%s, %s, %s, %s, %s, %s)",
                (row.reference, row.subject, row.category, row.nonce, row.ciphertext,
                 row.commitment),
            )  # fmt: skip

    def _with_salt(self, found: tuple[Any, ...]) -> RecordRow:
        reference, subject, category, nonce, ciphertext, committed, erased_at = found
        kept = self.keyring.record(bytes(reference))
        salt = None if kept is None else kept.salt
        return RecordRow(
            bytes(reference), bytes(subject), category, _bytes(nonce), _bytes(ciphertext), salt,
            bytes(committed), erased_at,
        )  # fmt: skip

    def record(self, reference: bytes) -> RecordRow | None:
        with self.pool.connection() as db:
            found = db.execute(_RECORDS + "WHERE reference = %s", (reference,)).fetchone()
        return None if found is None else self._with_salt(found)

    def records_of(self, subject: bytes) -> list[RecordRow]:
        with self.pool.connection() as db:
            rows = db.execute(
                _RECORDS + "WHERE subject = %s ORDER BY reference", (subject,)
            ).fetchall()
        return [self._with_salt(row) for row in rows]

    def erase_subject(self, subject: bytes, at: int) -> list[RecordRow]:
        """Destroy the subject's key and salts in the keyring, then clear its ciphertexts in
        PostgreSQL; the records as they are now (erased). Repeating it finishes a half-done
        erasure and changes nothing after a whole one."""
        self.keyring.erase_subject(subject, at)
        row = self.keyring.subject(subject)
        when = at if row is None or row.erased_at is None else row.erased_at
        with self.pool.connection() as db, db.transaction():
            db.execute(
                "UPDATE vault_records SET nonce = NULL, ciphertext = NULL, "
                "erased_at = COALESCE(erased_at, %s) WHERE subject = %s",
                (when, subject),
            )
        return self.records_of(subject)

    # -- the access log --------------------------------------------------------------------

    def log_access(self, subject: bytes, entry_for: Callable[[int], bytes]) -> int:
        with self.pool.connection() as db, db.transaction():
            found = db.execute(
                "INSERT INTO vault_access_log (subject, entry) VALUES (%s, %s) RETURNING seq",
                (subject, b""),
            ).fetchone()
            assert found is not None
            seq = int(found[0])
            db.execute(
                "UPDATE vault_access_log SET entry = %s WHERE seq = %s", (entry_for(seq), seq)
            )
        return seq

    def seal_batch(self) -> AccessBatch | None:
        with self.pool.connection() as db, db.transaction():
            # one sealer at a time: the table lock orders concurrent seals
            db.execute("LOCK TABLE vault_access_batches IN EXCLUSIVE MODE")
            rows = db.execute(
                "SELECT seq, entry FROM vault_access_log WHERE batch IS NULL ORDER BY seq"
            ).fetchall()
            if not rows:
                return None
            found = db.execute("SELECT COALESCE(MAX(batch), 0) FROM vault_access_batches")
            (last_batch,) = found.fetchone() or (0,)
            batch = AccessBatch(
                int(last_batch) + 1, batch_root([bytes(r[1]) for r in rows]), int(rows[0][0]),
                int(rows[-1][0]), None,
            )  # fmt: skip
            db.execute(
                "INSERT INTO vault_access_batches (batch, root, first, last) "
                "VALUES (%s, %s, %s, %s)",
                (batch.number, batch.root, batch.first, batch.last),
            )
            db.execute(
                "UPDATE vault_access_log SET batch = %s WHERE batch IS NULL AND seq <= %s",
                (batch.number, batch.last),
            )
        return batch

    def mark_anchored(self, batch: int, height: int) -> None:
        with self.pool.connection() as db, db.transaction():
            db.execute(
                "UPDATE vault_access_batches SET anchored_height = %s WHERE batch = %s",
                (height, batch),
            )

    def access_batch(self, batch: int) -> tuple[AccessBatch, list[bytes]] | None:
        with self.pool.connection() as db:
            row = db.execute(
                "SELECT batch, root, first, last, anchored_height FROM vault_access_batches "
                "WHERE batch = %s", (batch,),
            ).fetchone()  # fmt: skip
            if row is None:
                return None
            entries = db.execute(
                "SELECT entry FROM vault_access_log WHERE batch = %s ORDER BY seq", (batch,)
            ).fetchall()
        number, root, first, last, anchored = row
        found = AccessBatch(int(number), bytes(root), int(first), int(last), anchored)
        return found, [bytes(e[0]) for e in entries]

    def unanchored_batches(self) -> list[AccessBatch]:
        with self.pool.connection() as db:
            rows = db.execute(
                "SELECT batch, root, first, last FROM vault_access_batches "
                "WHERE anchored_height IS NULL ORDER BY batch"
            ).fetchall()
        return [AccessBatch(int(n), bytes(r), int(f), int(la), None) for n, r, f, la in rows]

    def accesses_of(self, subject: bytes) -> list[tuple[int, bytes, int | None]]:
        with self.pool.connection() as db:
            rows = db.execute(
                "SELECT seq, entry, batch FROM vault_access_log WHERE subject = %s ORDER BY seq",
                (subject,),
            ).fetchall()
        return [(int(seq), bytes(entry), batch) for seq, entry, batch in rows]


def _bytes(value: object) -> bytes | None:
    return None if value is None else bytes(value)  # type: ignore[call-overload]


def _where(dsn: str) -> str:
    """The server a DSN names, without its password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "(an unreadable DSN)"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
