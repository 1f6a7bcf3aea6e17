"""The EPCIS repository's PostgreSQL store: capture jobs and events on a PostgreSQL server,
by the same rules as the SQLite store (:class:`~sen.services.traceability.store.EventStore`),
with an index for each filter of the query language (ADR 0015).

Schema (version 1, table ``epcis_meta`` holds it)::

    epcis_captures(capture BYTEA PRIMARY KEY, added BIGINT IDENTITY, capturer TEXT,
                   created_ms BIGINT, finished_ms BIGINT, status TEXT, count BIGINT,
                   root BYTEA, prefixes TEXT[], height BIGINT, tx_hash TEXT, errors TEXT)
    epcis_pending(capture BYTEA, leaf INT, record_time_ms BIGINT, <the indexed fields>,
                  identifier_roles TEXT[], identifier_values TEXT[], body BYTEA,
                  PRIMARY KEY (capture, leaf))
    epcis_events(seq BIGINT PRIMARY KEY, event_id TEXT, hash BYTEA, type TEXT, action TEXT,
                 event_time_ms BIGINT, record_time_ms BIGINT, biz_step TEXT,
                 disposition TEXT, read_point TEXT, biz_location TEXT, capture BYTEA,
                 leaf INT, body BYTEA, UNIQUE (capture, leaf))
    epcis_identifiers(value TEXT COLLATE "C", role TEXT, seq BIGINT)

Each filtered column of ``epcis_events`` has an index ``(column, seq)``, so that one value
is read in ``seq`` order straight from its index, a page at a time; identifiers have
``(value, role, seq)``. A value ending in ``*`` is the range ``[stem, stem + U+10FFFF)``,
as in the SQLite store: the column's collation is ``"C"`` (code-point order, whatever the
database's locale), so the range is exactly the values that start with the stem, and the
index serves it.

``seq`` is the order events became visible, with no gaps, as SQLite's ``INTEGER PRIMARY
KEY``: :meth:`PostgresEventStore.complete` holds an advisory lock while it numbers a job's
events after the last one, so two repositories completing jobs at once cannot commit a
lower ``seq`` after a reader has paged past it.

Migrations run when the store opens, under an advisory lock (two processes starting together
migrate once), each in one transaction. Connections come from a pool (``psycopg_pool``),
made from a connection string or given; every method takes one for the length of its
transaction.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from sen.services.traceability.errors import EventStoreError
from sen.services.traceability.store import (
    FAILURE,
    RUNNING,
    SUCCESS,
    CaptureJob,
    EventFilter,
    Indexed,
    PreparedEvent,
    StoredEvent,
    _job_conditions,
)

SCHEMA_VERSION = 2
_MIGRATION_LOCK = 0x53454E4550434953  # "SENEPCIS": the advisory lock migrations hold
_COMPLETE_LOCK = 0x53454E4550435351  # "SENEPCSQ": held while a job's events are numbered

_MIGRATIONS = {
    1: """
CREATE TABLE epcis_captures (
    capture BYTEA PRIMARY KEY,
    added BIGINT GENERATED ALWAYS AS IDENTITY,
    capturer TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    finished_ms BIGINT,
    status TEXT NOT NULL,
    count BIGINT NOT NULL,
    root BYTEA NOT NULL,
    prefixes TEXT[] NOT NULL,
    height BIGINT,
    tx_hash TEXT,
    errors TEXT
);
CREATE INDEX epcis_captures_by_status ON epcis_captures (status, created_ms, added);
CREATE INDEX epcis_captures_by_time ON epcis_captures (created_ms DESC, added);
CREATE TABLE epcis_pending (
    capture BYTEA NOT NULL,
    leaf INTEGER NOT NULL,
    record_time_ms BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    hash BYTEA NOT NULL,
    type TEXT NOT NULL,
    action TEXT,
    event_time_ms BIGINT NOT NULL,
    biz_step TEXT,
    disposition TEXT,
    read_point TEXT,
    biz_location TEXT,
    identifier_roles TEXT[] NOT NULL,
    identifier_values TEXT[] NOT NULL,
    body BYTEA NOT NULL,
    PRIMARY KEY (capture, leaf)
);
CREATE TABLE epcis_events (
    seq BIGINT PRIMARY KEY,
    event_id TEXT NOT NULL,
    hash BYTEA NOT NULL,
    type TEXT NOT NULL,
    action TEXT,
    event_time_ms BIGINT NOT NULL,
    record_time_ms BIGINT NOT NULL,
    biz_step TEXT,
    disposition TEXT,
    read_point TEXT,
    biz_location TEXT,
    capture BYTEA NOT NULL,
    leaf INTEGER NOT NULL,
    body BYTEA NOT NULL,
    UNIQUE (capture, leaf)
);
CREATE INDEX epcis_events_by_id ON epcis_events (event_id, seq);
CREATE INDEX epcis_events_by_hash ON epcis_events (hash, seq);
CREATE INDEX epcis_events_by_type ON epcis_events (type, seq);
CREATE INDEX epcis_events_by_action ON epcis_events (action, seq);
CREATE INDEX epcis_events_by_step ON epcis_events (biz_step, seq);
CREATE INDEX epcis_events_by_disposition ON epcis_events (disposition, seq);
CREATE INDEX epcis_events_by_read_point ON epcis_events (read_point, seq);
CREATE INDEX epcis_events_by_location ON epcis_events (biz_location, seq);
CREATE INDEX epcis_events_by_time ON epcis_events (event_time_ms, seq);
CREATE INDEX epcis_events_by_record_time ON epcis_events (record_time_ms, seq);
CREATE TABLE epcis_identifiers (
    value TEXT COLLATE "C" NOT NULL,
    role TEXT NOT NULL,
    seq BIGINT NOT NULL
);
CREATE INDEX epcis_identifiers_by_value ON epcis_identifiers (value, role, seq);
""",
    2: """
CREATE INDEX epcis_captures_by_capturer ON epcis_captures (capturer, created_ms DESC, added);
CREATE INDEX epcis_pending_by_id ON epcis_pending (event_id);
""",
}
"""The statements that take the schema from the version before to this one."""

_JOB_COLUMNS = (
    "capture, capturer, created_ms, finished_ms, status, count, root, prefixes, height, "
    "tx_hash, errors"
)
_EVENT_COLUMNS = "seq, event_id, hash, body, record_time_ms, capture, leaf"
_INDEXED_COLUMNS = (
    "event_id, hash, type, action, event_time_ms, record_time_ms, biz_step, disposition, "
    "read_point, biz_location"
)
_COLUMNS = {
    "event_types": "type",
    "event_ids": "event_id",
    "actions": "action",
    "biz_steps": "biz_step",
    "dispositions": "disposition",
    "read_points": "read_point",
    "biz_locations": "biz_location",
}


class PostgresEventStore:
    """The EPCIS repository's events and capture jobs on PostgreSQL: ``conninfo`` (a
    libpq connection string; the store makes and closes its pool) or a pool of the
    caller's (which the caller closes)."""

    def __init__(self, conninfo: str | ConnectionPool[Any], *, pool_size: int = 8) -> None:
        if isinstance(conninfo, str):
            self.where = _server(conninfo)
            try:
                psycopg.connect(conninfo).close()  # fail now, with the server's reason
                self.pool: ConnectionPool[Any] = ConnectionPool(
                    conninfo, min_size=1, max_size=pool_size, open=True, timeout=30,
                    kwargs={"autocommit": False},
                )  # fmt: skip
                self.pool.wait(timeout=30)
            except Exception as exc:
                raise EventStoreError(f"PostgreSQL at {self.where}: {exc}") from exc
            self._owns_pool = True
        else:
            given = conninfo.conninfo
            self.pool, self._owns_pool = conninfo, False
            self.where = _server(given) if isinstance(given, str) else f"pool {conninfo.name}"
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._owns_pool:
            self.pool.close()

    def _migrate(self) -> None:
        with self.pool.connection() as db, db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            encoding = db.execute("SHOW server_encoding").fetchone()
            if encoding is None or encoding[0] != "UTF8":
                raise EventStoreError(
                    f"PostgreSQL at {self.where}: a database in {encoding and encoding[0]}; "
                    "EPCIS events need UTF8"
                )
            db.execute(
                "CREATE TABLE IF NOT EXISTS epcis_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            found = db.execute("SELECT value FROM epcis_meta WHERE name = 'schema'").fetchone()
            if found is None:
                db.execute("INSERT INTO epcis_meta VALUES ('schema', '0')")
            version = "0" if found is None else str(found[0])
            if not version.isdigit() or int(version) > SCHEMA_VERSION:
                raise EventStoreError(
                    f"PostgreSQL at {self.where}: EPCIS schema version {version!r}, this Sen "
                    f"reads 0 to {SCHEMA_VERSION}"
                )
            for step in range(int(version) + 1, SCHEMA_VERSION + 1):
                with db.transaction():  # a savepoint: the step whole, or not at all
                    db.execute(_MIGRATIONS[step].encode())
                    db.execute(
                        "UPDATE epcis_meta SET value = %s WHERE name = 'schema'", (str(step),)
                    )

    # -- capture jobs ---------------------------------------------------------------

    def add_job(self, job: CaptureJob, events: Sequence[PreparedEvent]) -> None:
        """The job, ``running``, and its events in ``epcis_pending``: all or nothing."""
        with self.pool.connection() as db, db.transaction():
            db.execute(
                f"INSERT INTO epcis_captures ({_JOB_COLUMNS}) "
                "VALUES (%s, %s, %s, NULL, %s, %s, %s, %s, NULL, NULL, NULL)",
                (job.capture, job.capturer, job.created_ms, RUNNING, job.count, job.root,
                 list(job.prefixes)),
            )  # fmt: skip
            with db.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO epcis_pending (capture, leaf, {_INDEXED_COLUMNS}, "
                    "identifier_roles, identifier_values, body) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [_pending_row(job.capture, leaf, e) for leaf, e in enumerate(events)],
                )

    def job(self, capture: bytes) -> CaptureJob | None:
        with self.pool.connection() as db:
            row = db.execute(
                f"SELECT {_JOB_COLUMNS} FROM epcis_captures WHERE capture = %s", (capture,)
            ).fetchone()
        return None if row is None else _job(row)

    def jobs(
        self, status: str | None = None, limit: int = 100, *, capturer: str | None = None
    ) -> list[CaptureJob]:
        where, params = _job_conditions(status, capturer, "%s")
        order = "created_ms DESC, added" if status is None else "created_ms, added"
        with self.pool.connection() as db:
            rows = db.execute(
                f"SELECT {_JOB_COLUMNS} FROM epcis_captures {where} ORDER BY {order} LIMIT %s",
                (*params, _limit(limit)),
            ).fetchall()
        return [_job(row) for row in rows]

    def prepared(self, capture: bytes) -> list[PreparedEvent]:
        with self.pool.connection() as db:
            rows = db.execute(
                f"SELECT {_INDEXED_COLUMNS}, identifier_roles, identifier_values, body "
                "FROM epcis_pending WHERE capture = %s ORDER BY leaf",
                (capture,),
            ).fetchall()
        return [_from_pending(row) for row in rows]

    def complete(self, capture: bytes, height: int, tx_hash: str, finished_ms: int) -> None:
        """The chain recorded the job: its events become visible, in one transaction,
        numbered after every event already visible."""
        with self.pool.connection() as db, db.transaction():
            # Each statement must see the jobs completed before the lock was ours.
            db.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_COMPLETE_LOCK,))
            status = db.execute(
                "SELECT status FROM epcis_captures WHERE capture = %s FOR UPDATE", (capture,)
            ).fetchone()
            if status is None or status[0] != RUNNING:
                return
            last = db.execute("SELECT COALESCE(MAX(seq), 0) FROM epcis_events").fetchone()
            base = 0 if last is None else int(last[0])
            db.execute(
                f"INSERT INTO epcis_events (seq, {_INDEXED_COLUMNS}, capture, leaf, body) "
                f"SELECT %s::bigint + leaf + 1, {_INDEXED_COLUMNS}, capture, leaf, body "
                "FROM epcis_pending WHERE capture = %s",
                (base, capture),
            )
            db.execute(
                "INSERT INTO epcis_identifiers (value, role, seq) "
                "SELECT pair.value, pair.role, %s::bigint + p.leaf + 1 FROM epcis_pending p, "
                "unnest(p.identifier_values, p.identifier_roles) AS pair(value, role) "
                "WHERE p.capture = %s",
                (base, capture),
            )
            db.execute("DELETE FROM epcis_pending WHERE capture = %s", (capture,))
            db.execute(
                "UPDATE epcis_captures SET status = %s, finished_ms = %s, height = %s, "
                "tx_hash = %s WHERE capture = %s",
                (SUCCESS, finished_ms, height, tx_hash, capture),
            )

    def fail(self, capture: bytes, errors: list[dict[str, Any]], finished_ms: int) -> None:
        """The chain refused the job: none of its events is kept."""
        with self.pool.connection() as db, db.transaction():
            db.execute("SELECT 1 FROM epcis_captures WHERE capture = %s FOR UPDATE", (capture,))
            db.execute("DELETE FROM epcis_pending WHERE capture = %s", (capture,))
            db.execute(
                "UPDATE epcis_captures SET status = %s, finished_ms = %s, errors = %s "
                "WHERE capture = %s AND status = %s",
                (FAILURE, finished_ms, json.dumps(errors), capture, RUNNING),
            )

    # -- events ---------------------------------------------------------------------

    def events_with_id(self, event_id: str) -> list[StoredEvent]:
        """Every event with this eventID, oldest first (an event, then its error declaration)."""
        if "\x00" in event_id:  # no text PostgreSQL holds has one (it would refuse the query)
            return []
        return self._events("WHERE event_id = %s ORDER BY seq", event_id)

    def pending_with_id(self, event_id: str) -> list[tuple[bytes, PreparedEvent]]:
        if "\x00" in event_id:  # no text PostgreSQL holds has one
            return []
        with self.pool.connection() as db:
            rows = db.execute(
                f"SELECT capture, {_INDEXED_COLUMNS}, identifier_roles, identifier_values, body "
                "FROM epcis_pending WHERE event_id = %s ORDER BY capture, leaf",
                (event_id,),
            ).fetchall()
        return [(bytes(row[0]), _from_pending(row[1:])) for row in rows]

    def events_with_hash(self, event_hash: bytes) -> list[StoredEvent]:
        return self._events("WHERE hash = %s ORDER BY seq", event_hash)

    def leaves(self, capture: bytes) -> list[StoredEvent]:
        """A successful job's events in leaf order (what its receipts' paths are made from)."""
        return self._events("WHERE capture = %s ORDER BY leaf", capture)

    def count(self) -> int:
        with self.pool.connection() as db:
            found = db.execute("SELECT count(*) FROM epcis_events").fetchone()
        return 0 if found is None else int(found[0])

    def query(self, where: EventFilter, after: int, limit: int) -> list[StoredEvent]:
        """Events matching ``where`` with ``seq > after``, in capture order, at most ``limit``."""
        held = _holdable(where)
        if held is None:
            return []
        sql, params = _select(held, after, limit)
        with self.pool.connection() as db:
            rows = db.execute(sql, params).fetchall()
        return [StoredEvent(*row) for row in rows]

    def explain(self, where: EventFilter, after: int = 0, limit: int = 30) -> str:
        """The plan PostgreSQL chooses for :meth:`query` (``EXPLAIN``): which indexes serve
        a filter, for an operator tuning the server."""
        sql, params = _select(where, after, limit)
        with self.pool.connection() as db:
            rows = db.execute("EXPLAIN " + sql, params).fetchall()
        return "\n".join(str(row[0]) for row in rows)

    def _events(self, condition: str, value: object) -> list[StoredEvent]:
        with self.pool.connection() as db:
            rows = db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM epcis_events {condition}", (value,)
            ).fetchall()
        return [StoredEvent(*row) for row in rows]


def _holdable(where: EventFilter) -> EventFilter | None:
    """``where`` without the alternatives no stored text can match (a value with NUL, which
    PostgreSQL text never holds and refuses in a query); None if a condition keeps none."""
    changes: dict[str, Any] = {}
    for name in _COLUMNS:
        values = getattr(where, name)
        kept = tuple(v for v in values if "\x00" not in v)
        if values and not kept:
            return None
        if kept != values:
            changes[name] = kept
    identifiers = []
    for roles, values in where.identifiers:
        kept = tuple(v for v in values if "\x00" not in v)
        if values and not kept:
            return None
        identifiers.append((roles, kept))
    return dataclasses.replace(where, identifiers=tuple(identifiers), **changes)


def _select(where: EventFilter, after: int, limit: int) -> tuple[str, list[Any]]:
    clauses: list[str] = ["seq > %s"]
    params: list[Any] = [after]
    for name, column in _COLUMNS.items():
        values = getattr(where, name)
        if values:
            clauses.append(f"{column} = ANY(%s)")
            params.append(list(values))
    ranges = (
        ("event_time_ms", ">=", where.event_time_from),
        ("event_time_ms", "<", where.event_time_until),
        ("record_time_ms", ">=", where.record_time_from),
        ("record_time_ms", "<", where.record_time_until),
    )
    for column, op, bound in ranges:
        if bound is not None:
            clauses.append(f"{column} {op} %s")
            params.append(bound)
    for roles, values in where.identifiers:
        alternatives = []
        exact = [value for value in values if not value.endswith("*")]
        if exact:
            alternatives.append("i.value = ANY(%s)")
            params.append(exact)
        for value in values:
            if value.endswith("*"):
                alternatives.append("(i.value >= %s AND i.value < %s)")
                stem = value[:-1]
                params.extend([stem, stem + "\U0010ffff"])
        clauses.append(
            "seq IN (SELECT i.seq FROM epcis_identifiers i WHERE "
            f"({' OR '.join(alternatives) or 'FALSE'}) AND i.role = ANY(%s))"
        )
        params.append(list(roles))
    sql = (
        f"SELECT {_EVENT_COLUMNS} FROM epcis_events WHERE {' AND '.join(clauses)} "
        "ORDER BY seq LIMIT %s"
    )
    params.append(_limit(limit))
    return sql, params


def _limit(limit: int) -> int | None:
    """A negative limit is none (``LIMIT NULL``), as SQLite reads ``LIMIT -1``."""
    return None if limit < 0 else limit


def _pending_row(capture: bytes, leaf: int, event: PreparedEvent) -> tuple[Any, ...]:
    x = event.indexed
    return (
        capture, leaf, x.event_id, x.hash, x.type, x.action, x.event_time_ms,
        event.record_time_ms, x.biz_step, x.disposition, x.read_point, x.biz_location,
        [role for role, _ in x.identifiers], [value for _, value in x.identifiers], event.body,
    )  # fmt: skip


def _from_pending(row: Sequence[Any]) -> PreparedEvent:
    (event_id, event_hash, kind, action, event_time_ms, record_time_ms, biz_step, disposition,
     read_point, biz_location, roles, values, body) = row  # fmt: skip
    indexed = Indexed(
        event_id=event_id,
        hash=bytes(event_hash),
        type=kind,
        action=action,
        event_time_ms=event_time_ms,
        biz_step=biz_step,
        disposition=disposition,
        read_point=read_point,
        biz_location=biz_location,
        identifiers=tuple(zip(roles, values, strict=True)),
    )
    return PreparedEvent(bytes(body), record_time_ms, indexed)


def _job(row: Sequence[Any]) -> CaptureJob:
    (capture, capturer, created, finished, status, count, root, prefixes, height, tx_hash,
     errors) = row  # fmt: skip
    return CaptureJob(
        capture=bytes(capture),
        capturer=capturer,
        created_ms=created,
        count=count,
        root=bytes(root),
        prefixes=tuple(prefixes),
        status=status,
        finished_ms=finished,
        height=height,
        tx_hash=tx_hash,
        errors=[] if errors is None else json.loads(errors),
    )


def _server(conninfo: str) -> str:
    """The server a connection string names, without its password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "(an unreadable connection string)"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
