"""What the repository knows about things besides events: master data, and consumer scans.

**Master data** comes with captured documents (``epcisHeader.epcisMasterData``: a product
class's name, a location's name, address and coordinates; EPCIS 2.0 §7.3.1). It describes,
it proves nothing: it is kept as its capturer declared it (the latest declaration of each
element by each capturer wins), never hashed nor anchored, and the consumer page shows it
as *declared by* that DID. An element's attributes are kept by their id (``cbvmda:...`` or
the full URI). Like the document's events, it waits for its capture job: it is held aside
(:meth:`Catalog.absorb`) until the job is recorded (:meth:`Catalog.confirm`) and dropped if
the chain refuses the job (:meth:`Catalog.drop`).

**Scans** are the consumer page's own log: when a serial's page is opened, one row (the
key and the time). It feeds the "scanned again after it was sold" signal; it holds no
personal data (no address, no device, no IP). Anyone can open a page, so the log is
bounded and hard to inflate: openings of one key within :data:`SCAN_WINDOW_MS` of its last
logged one are not logged again (a signal counts periods, not requests), a key keeps at
most :data:`MAX_SCANS_PER_KEY` rows and the log at most :data:`MAX_SCANS` (the oldest go).

One SQLite file, beside the event store (a PostgreSQL twin is not built yet).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sen.light.gs1_keys import canonical_key

_SCHEMA = """
CREATE TABLE IF NOT EXISTS master_data (
    vocabulary TEXT NOT NULL,
    element TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    attributes TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (element, declared_by)
);
CREATE TABLE IF NOT EXISTS pending_master_data (
    capture BLOB NOT NULL,
    vocabulary TEXT NOT NULL,
    element TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    attributes TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_master_data_by_capture ON pending_master_data(capture);
CREATE TABLE IF NOT EXISTS scans (key TEXT NOT NULL, time_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS scans_by_key ON scans(key, time_ms);
"""
SCAN_WINDOW_MS = 10 * 60 * 1000
"""Openings of one key this close to its last logged scan are one scan."""
MAX_SCANS_PER_KEY = 100
MAX_SCANS = 1_000_000
CBVMDA = "urn:epcglobal:cbv:mda:"
MAX_ATTRIBUTES = 64


def attribute_name(attribute_id: str) -> str:
    """``urn:epcglobal:cbv:mda:name`` and ``cbvmda:name`` are both ``cbvmda:name``."""
    if attribute_id.startswith(CBVMDA):
        return "cbvmda:" + attribute_id[len(CBVMDA) :]
    if attribute_id.startswith("https://gs1.org/voc/"):
        return "gs1:" + attribute_id[len("https://gs1.org/voc/") :]
    return attribute_id


class Catalog:
    def __init__(self, path: Path | str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def absorb(
        self, document: Mapping[str, Any], declared_by: str, now_ms: int, capture: bytes
    ) -> int:
        """Hold the master data of a captured document's header until its capture job is
        recorded (:meth:`confirm`) or refused (:meth:`drop`); how many elements."""
        header = document.get("epcisHeader")
        master = header.get("epcisMasterData") if isinstance(header, Mapping) else None
        vocabularies = master.get("vocabularyList") if isinstance(master, Mapping) else None
        rows = []
        for vocabulary in vocabularies if isinstance(vocabularies, list) else []:
            kind = str(vocabulary.get("type", ""))
            for element in vocabulary.get("vocabularyElementList") or []:
                attributes = {
                    attribute_name(str(a.get("id"))): a.get("attribute")
                    for a in (element.get("attributes") or [])[:MAX_ATTRIBUTES]
                    if isinstance(a, Mapping)
                }
                key = canonical_key(str(element.get("id"))) or str(element.get("id"))
                rows.append((capture, kind, key, declared_by, json.dumps(attributes), now_ms))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT INTO pending_master_data VALUES (?,?,?,?,?,?)", rows)
            self._db.execute("COMMIT")
        return len(rows)

    def confirm(self, capture: bytes) -> int:
        """The job is recorded: its master data is kept (a later declaration of an element by
        the same capturer replaces an earlier one); how many elements."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            rows = self._db.execute(
                "SELECT vocabulary, element, declared_by, attributes, updated_ms "
                "FROM pending_master_data WHERE capture=? ORDER BY rowid",
                (capture,),
            ).fetchall()
            self._db.executemany(
                "INSERT INTO master_data VALUES (?,?,?,?,?) ON CONFLICT (element, declared_by) "
                "DO UPDATE SET vocabulary=excluded.vocabulary, attributes=excluded.attributes, "
                "updated_ms=excluded.updated_ms WHERE excluded.updated_ms >= updated_ms",
                rows,
            )
            self._db.execute("DELETE FROM pending_master_data WHERE capture=?", (capture,))
            self._db.execute("COMMIT")
        return len(rows)

    def drop(self, capture: bytes) -> None:
        """The job is refused: its master data is forgotten."""
        with self._lock:
            self._db.execute("DELETE FROM pending_master_data WHERE capture=?", (capture,))

    def waiting(self) -> list[bytes]:
        """The capture jobs whose master data is held, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT capture FROM pending_master_data GROUP BY capture ORDER BY min(rowid)"
            ).fetchall()
        return [bytes(row[0]) for row in rows]

    def describe(self, element: str) -> list[dict[str, Any]]:
        """Every declaration of ``element`` (canonical key or URI), newest first."""
        key = canonical_key(element) or element
        with self._lock:
            rows = self._db.execute(
                "SELECT vocabulary, declared_by, attributes, updated_ms FROM master_data "
                "WHERE element=? ORDER BY updated_ms DESC",
                (key,),
            ).fetchall()
        return [
            {"vocabulary": v, "declared_by": by, "attributes": json.loads(a), "updated_ms": t}
            for v, by, a, t in rows
        ]

    def scanned(self, key: str, now_ms: int) -> bool:
        """Log an opening of ``key``'s page; False if it falls in the window of the key's
        last logged scan (then nothing is written)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            last = self._db.execute(
                "SELECT max(time_ms) FROM scans WHERE key=?", (key,)
            ).fetchone()[0]
            if last is not None and now_ms - int(last) < SCAN_WINDOW_MS:
                self._db.execute("COMMIT")
                return False
            rowid = self._db.execute("INSERT INTO scans VALUES (?, ?)", (key, now_ms)).lastrowid
            self._db.execute(
                "DELETE FROM scans WHERE key=? AND rowid NOT IN "
                "(SELECT rowid FROM scans WHERE key=? ORDER BY time_ms DESC LIMIT ?)",
                (key, key, MAX_SCANS_PER_KEY),
            )
            self._db.execute("DELETE FROM scans WHERE rowid <= ?", (int(rowid or 0) - MAX_SCANS,))
            self._db.execute("COMMIT")
        return True

    def scans_since(self, key: str, since_ms: int) -> int:
        with self._lock:
            found = self._db.execute(
                "SELECT count(*) FROM scans WHERE key=? AND time_ms>=?", (key, since_ms)
            ).fetchone()
        return int(found[0])
