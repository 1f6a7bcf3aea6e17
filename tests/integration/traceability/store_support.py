"""Capture jobs and events built by hand, and the two kinds of database they are kept in,
for the event stores' tests (test_store_contract.py, test_store_postgres.py)."""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from pathlib import Path

import psycopg
import pytest

from sen.services.traceability.postgres import PostgresEventStore
from sen.services.traceability.store import (
    CaptureJob,
    EventStore,
    Indexed,
    PreparedEvent,
    SqliteEventStore,
    StoredEvent,
)
from sen.services.vault.pgdev import PgCluster

KINDS = ["sqlite", "postgres"]
CAPTURER = "did:sen:htx-xoai-son-la"
FARM = "urn:epc:id:sgln:8935678.00001.0"
PACKHOUSE = "urn:epc:id:sgln:893999.00002.0"
SHOP = "urn:epc:id:sgln:8930000.00003.0"
LOT = "urn:epc:class:lgtin:8935678.101234.L2026-06"
LOT2 = "urn:epc:class:lgtin:8935678.101234.L2026-07"
JUICE = "urn:epc:class:lgtin:8935678.201234.J1"
PALLET = "urn:epc:id:sscc:893999.0000000001"
CRATE1, CRATE2 = "urn:epc:id:sgtin:8935678.101234.1", "urn:epc:id:sgtin:8935678.101234.2"
TRAP = "urn:epc:id:sgtin:8935678.1X1234.7"  # what "8935678.1_" would match as a LIKE pattern
HOUSE_ID = "https://id.htx.vn/lô-xoài/1"  # a private URI, not ASCII

_names = itertools.count(1)


class Database:
    """One SQLite file or PostgreSQL database; ``open()`` makes a new store object on it
    (as a process starting again would), each closed at the end."""

    def __init__(self, kind: str, target: str) -> None:
        self.kind, self.target = kind, target
        self.opened: list[EventStore] = []

    def open(self) -> EventStore:
        store: EventStore = (
            SqliteEventStore(self.target)
            if self.kind == "sqlite"
            else PostgresEventStore(self.target, pool_size=2)
        )
        self.opened.append(store)
        return store

    def set_schema_version(self, version: int) -> None:
        if self.kind == "sqlite":
            with sqlite3.connect(self.target) as db:
                db.execute("UPDATE meta SET value = ? WHERE name = 'schema'", (str(version),))
        else:
            with psycopg.connect(self.target, autocommit=True) as db:
                db.execute(
                    "UPDATE epcis_meta SET value = %s WHERE name = 'schema'", (str(version),)
                )

    def close(self) -> None:
        for store in self.opened:
            store.close()


def open_database(kind: str, request: pytest.FixtureRequest, folder: Path) -> Database:
    """A new SQLite file in ``folder``, or a new database on the session's PostgreSQL
    server (started by the ``pg_cluster`` fixture the first time it is asked for)."""
    name = f"epcis_{next(_names)}"
    if kind == "sqlite":
        return Database(kind, str(folder / f"{name}.db"))
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return Database(kind, cluster.create_database(name))


def event(
    name: str,
    *,
    type: str = "ObjectEvent",
    action: str | None = "ADD",
    event_id: str | None = None,
    at_ms: int = 1_000,
    record_ms: int = 10_000,
    biz_step: str | None = "commissioning",
    disposition: str | None = "active",
    read_point: str | None = FARM,
    biz_location: str | None = FARM,
    identifiers: tuple[tuple[str, str], ...] = (("class", LOT),),
    body: dict[str, object] | None = None,
) -> PreparedEvent:
    """An event as the repository prepares it; ``name`` goes in its body (and hash)."""
    text = json.dumps(body or {"type": type, "name": name}, ensure_ascii=False).encode()
    indexed = Indexed(
        event_id=event_id or f"urn:uuid:{name}",
        hash=hashlib.sha256(text).digest(),
        type=type,
        action=action,
        event_time_ms=at_ms,
        biz_step=biz_step,
        disposition=disposition,
        read_point=read_point,
        biz_location=biz_location,
        identifiers=identifiers,
    )
    return PreparedEvent(text, record_ms, indexed)


def job(number: int, events: list[PreparedEvent], created_ms: int = 10_000) -> CaptureJob:
    return CaptureJob(
        capture=number.to_bytes(16, "big"),
        capturer=CAPTURER,
        created_ms=created_ms,
        count=len(events),
        root=hashlib.sha256(b"".join(e.body for e in events)).digest(),
        prefixes=("8935678", "893999"),
    )


def names(found: list[StoredEvent]) -> list[str]:
    return [json.loads(e.body)["name"] for e in found]
