"""Where the EPCIS repository keeps events: what a store does (:class:`EventStore`) and the
embedded SQLite store; the PostgreSQL store, with the same rules, is
:class:`sen.services.traceability.postgres.PostgresEventStore`.

One file, schema version 1::

    meta(name TEXT PRIMARY KEY, value TEXT)
    captures(capture BLOB PRIMARY KEY, capturer TEXT, created_ms INT, finished_ms INT,
             status TEXT, count INT, root BLOB, prefixes TEXT, height INT, tx_hash TEXT,
             errors TEXT)
    pending(capture BLOB, leaf INT, body BLOB, PRIMARY KEY (capture, leaf))
    events(seq INTEGER PRIMARY KEY, event_id TEXT, hash BLOB, type TEXT, action TEXT,
           event_time_ms INT, record_time_ms INT, biz_step TEXT, disposition TEXT,
           read_point TEXT, biz_location TEXT, capture BLOB, leaf INT, body BLOB)
    identifiers(value TEXT, role TEXT, seq INT)

A capture job is written with its events in ``pending``, in one transaction, before the
chain is asked to record its root; when the chain has recorded it, the events move to
``events`` (and ``identifiers``, the index of every EPC and class they name) in one
transaction, and become visible to queries. A job the chain refuses leaves no event. A
process that dies between the two steps finds the job ``running`` when it starts again,
and finishes it (:class:`sen.services.traceability.repository.Repository`).

Events are never changed nor deleted: an error declaration is a new event (it reuses the
eventID of the event it declares wrong, as EPCIS 2.0 says), stored beside the original.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sen.services.traceability.errors import EventStoreError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS captures (
    capture BLOB PRIMARY KEY,
    capturer TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    finished_ms INTEGER,
    status TEXT NOT NULL,
    count INTEGER NOT NULL,
    root BLOB NOT NULL,
    prefixes TEXT NOT NULL,
    height INTEGER,
    tx_hash TEXT,
    errors TEXT
);
CREATE INDEX IF NOT EXISTS captures_running ON captures(status, created_ms);
CREATE INDEX IF NOT EXISTS captures_by_capturer ON captures(capturer, created_ms);
CREATE TABLE IF NOT EXISTS pending (
    capture BLOB NOT NULL,
    leaf INTEGER NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (capture, leaf)
);
CREATE TABLE IF NOT EXISTS pending_ids (
    event_id TEXT NOT NULL,
    capture BLOB NOT NULL,
    leaf INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_ids_by_id ON pending_ids(event_id);
CREATE INDEX IF NOT EXISTS pending_ids_by_capture ON pending_ids(capture);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    hash BLOB NOT NULL,
    type TEXT NOT NULL,
    action TEXT,
    event_time_ms INTEGER NOT NULL,
    record_time_ms INTEGER NOT NULL,
    biz_step TEXT,
    disposition TEXT,
    read_point TEXT,
    biz_location TEXT,
    capture BLOB NOT NULL,
    leaf INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_id ON events(event_id, seq);
CREATE INDEX IF NOT EXISTS events_by_hash ON events(hash);
CREATE INDEX IF NOT EXISTS events_by_time ON events(event_time_ms, seq);
CREATE INDEX IF NOT EXISTS events_by_record_time ON events(record_time_ms, seq);
CREATE INDEX IF NOT EXISTS events_by_step ON events(biz_step, seq);
CREATE INDEX IF NOT EXISTS events_by_disposition ON events(disposition, seq);
CREATE INDEX IF NOT EXISTS events_by_read_point ON events(read_point, seq);
CREATE INDEX IF NOT EXISTS events_by_location ON events(biz_location, seq);
CREATE INDEX IF NOT EXISTS events_by_type ON events(type, seq);
CREATE INDEX IF NOT EXISTS events_by_capture ON events(capture, leaf);
CREATE TABLE IF NOT EXISTS identifiers (
    value TEXT NOT NULL,
    role TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS identifiers_by_role ON identifiers(role, value, seq);
CREATE INDEX IF NOT EXISTS identifiers_by_event ON identifiers(seq, value, role);
"""

RUNNING, SUCCESS, FAILURE = "running", "success", "failure"


@dataclass(frozen=True, slots=True)
class Indexed:
    """What the query language filters on, read from one event when it is captured."""

    event_id: str
    hash: bytes
    type: str
    action: str | None
    event_time_ms: int
    biz_step: str | None
    disposition: str | None
    read_point: str | None
    biz_location: str | None
    identifiers: tuple[tuple[str, str], ...]  # (role, value): epc, parent, input, class ...


@dataclass(frozen=True, slots=True)
class PreparedEvent:
    """An event as it will be stored (``body``: its JSON bytes) and what indexes it."""

    body: bytes
    record_time_ms: int
    indexed: Indexed


@dataclass(frozen=True, slots=True)
class StoredEvent:
    seq: int
    event_id: str
    hash: bytes
    body: bytes
    record_time_ms: int
    capture: bytes
    leaf: int

    def document(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass(slots=True)
class CaptureJob:
    capture: bytes
    capturer: str
    created_ms: int
    count: int
    root: bytes
    prefixes: tuple[str, ...]
    status: str = RUNNING
    finished_ms: int | None = None
    height: int | None = None
    tx_hash: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """A query in the EPCIS query language's terms (see :mod:`.query`), all conditions ANDed;
    each list is a set of alternatives (ORed)."""

    event_types: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    biz_steps: tuple[str, ...] = ()
    dispositions: tuple[str, ...] = ()
    read_points: tuple[str, ...] = ()
    biz_locations: tuple[str, ...] = ()
    event_time_from: int | None = None  # ms, inclusive
    event_time_until: int | None = None  # ms, exclusive
    record_time_from: int | None = None
    record_time_until: int | None = None
    # (roles, values): the event names one of ``values`` (a trailing * matches any rest)
    # in one of ``roles``; each pair is a condition of its own.
    identifiers: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()


class EventStore(Protocol):
    """Capture jobs and their events, kept by the rules in this module's docstring: a job and
    its pending events are written together; a running job's events become visible together
    when it completes, or are dropped when it fails; a finished job never changes again.

    Each event has a ``seq``, its place in the order events became visible (a job's events
    in leaf order, jobs in the order they completed): queries and pages follow it.
    """

    def close(self) -> None: ...

    def add_job(self, job: CaptureJob, events: Sequence[PreparedEvent]) -> None:
        """The job, ``running``, and its events (leaves 0, 1, ...), pending: all or nothing.
        A job with the same capture id is refused (the database's IntegrityError)."""
        ...

    def job(self, capture: bytes) -> CaptureJob | None: ...

    def jobs(
        self, status: str | None = None, limit: int = 100, *, capturer: str | None = None
    ) -> list[CaptureJob]:
        """Every job newest first, or the jobs with ``status`` oldest first; jobs of the same
        millisecond in the order they were added. ``capturer``: only that capturer's jobs
        (the limit counts those alone)."""
        ...

    def prepared(self, capture: bytes) -> list[PreparedEvent]:
        """A running job's pending events in leaf order (none once it has finished)."""
        ...

    def complete(self, capture: bytes, height: int, tx_hash: str, finished_ms: int) -> None:
        """The job is recorded: its events become visible. Nothing unless it is running."""
        ...

    def fail(self, capture: bytes, errors: list[dict[str, Any]], finished_ms: int) -> None:
        """The job is refused: its pending events are dropped. Nothing else unless running."""
        ...

    def events_with_id(self, event_id: str) -> list[StoredEvent]:
        """Every visible event with this eventID in ``seq`` order (an error declaration
        after the event it corrects)."""
        ...

    def pending_with_id(self, event_id: str) -> list[tuple[bytes, PreparedEvent]]:
        """Every pending event (of a running job) with this eventID: (its job, the event)."""
        ...

    def events_with_hash(self, event_hash: bytes) -> list[StoredEvent]: ...

    def leaves(self, capture: bytes) -> list[StoredEvent]:
        """A completed job's events in leaf order."""
        ...

    def count(self) -> int:
        """How many events are visible."""
        ...

    def query(self, where: EventFilter, after: int, limit: int) -> list[StoredEvent]:
        """Visible events matching ``where`` with ``seq > after``, in ``seq`` order, at most
        ``limit`` (a negative limit: all)."""
        ...


class SqliteEventStore:
    """The EPCIS repository's events and capture jobs in one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        found = self._db.execute("SELECT value FROM meta WHERE name='schema'").fetchone()
        if found is None:
            self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(found[0]) != SCHEMA_VERSION:
            self._db.close()
            raise EventStoreError(
                f"{self.path}: schema version {found[0]}, this Sen reads {SCHEMA_VERSION}"
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()

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

    # -- capture jobs ---------------------------------------------------------------

    def add_job(self, job: CaptureJob, events: Sequence[PreparedEvent]) -> None:
        """The job, ``running``, and its events in ``pending``: all or nothing."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO captures VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (job.capture, job.capturer, job.created_ms, None, RUNNING, job.count, job.root,
                 json.dumps(list(job.prefixes)), None, None, None),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO pending VALUES (?,?,?)",
                [(job.capture, leaf, _pending_row(e)) for leaf, e in enumerate(events)],
            )
            db.executemany(
                "INSERT INTO pending_ids VALUES (?,?,?)",
                [(e.indexed.event_id, job.capture, leaf) for leaf, e in enumerate(events)],
            )

    def job(self, capture: bytes) -> CaptureJob | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM captures WHERE capture=?", (capture,)).fetchone()
        return None if row is None else _job(row)

    def jobs(
        self, status: str | None = None, limit: int = 100, *, capturer: str | None = None
    ) -> list[CaptureJob]:
        where, params = _job_conditions(status, capturer, "?")
        order = "created_ms DESC, rowid" if status is None else "created_ms, rowid"
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM captures {where} ORDER BY {order} LIMIT ?", (*params, limit)
            ).fetchall()
        return [_job(row) for row in rows]

    def prepared(self, capture: bytes) -> list[PreparedEvent]:
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM pending WHERE capture=? ORDER BY leaf", (capture,)
            ).fetchall()
        return [_from_pending(row[0]) for row in rows]

    def complete(self, capture: bytes, height: int, tx_hash: str, finished_ms: int) -> None:
        """The chain recorded the job: its events become visible, in one transaction."""
        with self._transaction() as db:
            status = db.execute(
                "SELECT status FROM captures WHERE capture=?", (capture,)
            ).fetchone()
            if status is None or status[0] != RUNNING:
                return
            rows = db.execute(
                "SELECT leaf, body FROM pending WHERE capture=? ORDER BY leaf", (capture,)
            ).fetchall()
            for leaf, raw in rows:
                event = _from_pending(raw)
                x = event.indexed
                cursor = db.execute(
                    "INSERT INTO events (event_id, hash, type, action, event_time_ms, "
                    "record_time_ms, biz_step, disposition, read_point, biz_location, capture, "
                    "leaf, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (x.event_id, x.hash, x.type, x.action, x.event_time_ms, event.record_time_ms,
                     x.biz_step, x.disposition, x.read_point, x.biz_location, capture, leaf,
                     event.body),
                )  # fmt: skip
                seq = cursor.lastrowid
                db.executemany(
                    "INSERT INTO identifiers VALUES (?,?,?)",
                    [(value, role, seq) for role, value in x.identifiers],
                )
            db.execute("DELETE FROM pending WHERE capture=?", (capture,))
            db.execute("DELETE FROM pending_ids WHERE capture=?", (capture,))
            db.execute(
                "UPDATE captures SET status=?, finished_ms=?, height=?, tx_hash=? WHERE capture=?",
                (SUCCESS, finished_ms, height, tx_hash, capture),
            )

    def fail(self, capture: bytes, errors: list[dict[str, Any]], finished_ms: int) -> None:
        """The chain refused the job: none of its events is kept."""
        with self._transaction() as db:
            db.execute("DELETE FROM pending WHERE capture=?", (capture,))
            db.execute("DELETE FROM pending_ids WHERE capture=?", (capture,))
            db.execute(
                "UPDATE captures SET status=?, finished_ms=?, errors=? WHERE capture=? "
                "AND status=?",
                (FAILURE, finished_ms, json.dumps(errors), capture, RUNNING),
            )

    # -- events ---------------------------------------------------------------------

    def events_with_id(self, event_id: str) -> list[StoredEvent]:
        """Every event with this eventID, oldest first (an event, then its error declaration)."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE event_id=? ORDER BY seq", (event_id,)
            ).fetchall()
        return [StoredEvent(*row) for row in rows]

    def pending_with_id(self, event_id: str) -> list[tuple[bytes, PreparedEvent]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT p.capture, p.body FROM pending_ids i JOIN pending p "
                "ON p.capture = i.capture AND p.leaf = i.leaf WHERE i.event_id=? "
                "ORDER BY i.rowid",
                (event_id,),
            ).fetchall()
        return [(bytes(capture), _from_pending(raw)) for capture, raw in rows]

    def events_with_hash(self, event_hash: bytes) -> list[StoredEvent]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE hash=? ORDER BY seq", (event_hash,)
            ).fetchall()
        return [StoredEvent(*row) for row in rows]

    def leaves(self, capture: bytes) -> list[StoredEvent]:
        """A successful job's events in leaf order (what its receipts' paths are made from)."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE capture=? ORDER BY leaf", (capture,)
            ).fetchall()
        return [StoredEvent(*row) for row in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM events").fetchone()[0])

    def query(self, where: EventFilter, after: int, limit: int) -> list[StoredEvent]:
        """Events matching ``where`` with ``seq > after``, in capture order, at most ``limit``.

        An identifier condition that many events meet (a GTIN's every serial) is checked
        event by event in ``seq`` order, which stops at the page's end; a selective one (a
        lot, a serial) is looked up in the identifier index first. Which is which is asked
        of the index, up to :data:`DENSE` matches."""
        with self._lock:
            dense = {
                i for i, condition in enumerate(where.identifiers)
                if self._matches_at_least(condition, after, DENSE)
            }  # fmt: skip
            sql, params = _select(where, after, limit, dense)
            rows = self._db.execute(sql, params).fetchall()
        return [StoredEvent(*row) for row in rows]

    def _matches_at_least(
        self, condition: tuple[tuple[str, ...], tuple[str, ...]], after: int, count: int
    ) -> bool:
        """Whether ``count`` identifiers meet ``condition``, counted value by value (each a
        range of the value index: an OR of ranges would be a scan of the table)."""
        roles, values = condition
        seen = 0
        for value in values:
            match, params = _identifier_match((roles, (value,)))
            found = self._db.execute(  # +i.seq: the value index, not the event index
                f"SELECT count(*) FROM (SELECT 1 FROM identifiers i WHERE {match} "
                "AND +i.seq > ? LIMIT ?)",
                [*params, after, count - seen],
            ).fetchone()
            seen += int(found[0])
            if seen >= count:
                return True
        return False


_EVENT_COLUMNS = "seq, event_id, hash, body, record_time_ms, capture, leaf"
_COLUMNS = {
    "event_types": "type",
    "event_ids": "event_id",
    "actions": "action",
    "biz_steps": "biz_step",
    "dispositions": "disposition",
    "read_points": "read_point",
    "biz_locations": "biz_location",
}


DENSE = 2_000
"""Matches from which an identifier condition is checked event by event (:meth:`query`)."""


def _identifier_match(
    condition: tuple[tuple[str, ...], tuple[str, ...]],
) -> tuple[str, list[Any]]:
    """The SQL (over ``identifiers i``) of one identifier condition, and its parameters."""
    roles, values = condition
    alternatives, params = [], []
    for value in values:
        if value.endswith("*"):
            alternatives.append("(i.value >= ? AND i.value < ?)")
            stem = value[:-1]
            params.extend([stem, stem + "\U0010ffff"])
        else:
            alternatives.append("i.value = ?")
            params.append(value)
    params.extend(roles)
    sql = f"({' OR '.join(alternatives) or '0'}) AND i.role IN ({','.join('?' * len(roles))})"
    return sql, params


def _select(
    where: EventFilter, after: int, limit: int, dense: set[int] | frozenset[int] = frozenset()
) -> tuple[str, list[Any]]:
    clauses: list[str] = ["seq > ?"]
    params: list[Any] = [after]
    for name, column in _COLUMNS.items():
        values = getattr(where, name)
        if values:
            clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    ranges = (
        ("event_time_ms", ">=", where.event_time_from),
        ("event_time_ms", "<", where.event_time_until),
        ("record_time_ms", ">=", where.record_time_from),
        ("record_time_ms", "<", where.record_time_until),
    )
    for column, op, bound in ranges:
        if bound is not None:
            clauses.append(f"{column} {op} ?")
            params.append(bound)
    for i, condition in enumerate(where.identifiers):
        match, matched = _identifier_match(condition)
        if i in dense:
            clauses.append(
                f"EXISTS (SELECT 1 FROM identifiers i WHERE i.seq = events.seq AND {match})"
            )
        else:
            clauses.append(f"seq IN (SELECT i.seq FROM identifiers i WHERE {match})")
        params.extend(matched)
    sql = f"SELECT {_EVENT_COLUMNS} FROM events WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?"
    params.append(limit)
    return sql, params


def _pending_row(event: PreparedEvent) -> bytes:
    x = event.indexed
    meta = {
        "record_time_ms": event.record_time_ms,
        "event_id": x.event_id,
        "hash": x.hash.hex(),
        "type": x.type,
        "action": x.action,
        "event_time_ms": x.event_time_ms,
        "biz_step": x.biz_step,
        "disposition": x.disposition,
        "read_point": x.read_point,
        "biz_location": x.biz_location,
        "identifiers": [list(pair) for pair in x.identifiers],
    }
    return json.dumps(meta).encode() + b"\n" + event.body


def _from_pending(raw: bytes) -> PreparedEvent:
    head, body = raw.split(b"\n", 1)
    meta = json.loads(head)
    indexed = Indexed(
        event_id=meta["event_id"],
        hash=bytes.fromhex(meta["hash"]),
        type=meta["type"],
        action=meta["action"],
        event_time_ms=meta["event_time_ms"],
        biz_step=meta["biz_step"],
        disposition=meta["disposition"],
        read_point=meta["read_point"],
        biz_location=meta["biz_location"],
        identifiers=tuple((role, value) for role, value in meta["identifiers"]),
    )
    return PreparedEvent(body, meta["record_time_ms"], indexed)


def _job_conditions(
    status: str | None, capturer: str | None, marker: str
) -> tuple[str, tuple[str, ...]]:
    """The WHERE clause (and its parameters) that keeps the jobs of ``status`` and of
    ``capturer`` (either may be None: any); ``marker`` is the driver's placeholder."""
    named = [(c, v) for c, v in (("status", status), ("capturer", capturer)) if v is not None]
    if not named:
        return "", ()
    return "WHERE " + " AND ".join(f"{c} = {marker}" for c, _ in named), tuple(v for _, v in named)


def _job(row: Sequence[Any]) -> CaptureJob:
    (capture, capturer, created, finished, status, count, root, prefixes, height, tx_hash,
     errors) = row  # fmt: skip
    return CaptureJob(
        capture=capture,
        capturer=capturer,
        created_ms=created,
        count=count,
        root=root,
        prefixes=tuple(json.loads(prefixes)),
        status=status,
        finished_ms=finished,
        height=height,
        tx_hash=tx_hash,
        errors=[] if errors is None else json.loads(errors),
    )
