"""What the repository knows about things besides events: master data, and consumer scans.

**Master data** comes with captured documents (``epcisHeader.epcisMasterData``: a product
class's name, a location's name, address and coordinates; EPCIS 2.0 §7.3.1). It describes,
it proves nothing: it is kept as its capturer declared it (the latest declaration of each
element by each capturer wins), never hashed nor anchored, and the consumer page shows it
as *declared by* that DID. An element's attributes are kept by their id (``cbvmda:...`` or
the full URI).

**Scans** are the consumer page's own log: each time a serial's page is opened, one row
(the key and the time). It feeds the "scanned again after it was sold" signal; it holds no
personal data (no address, no device, no IP).

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
CREATE TABLE IF NOT EXISTS scans (key TEXT NOT NULL, time_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS scans_by_key ON scans(key, time_ms);
"""
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

    def absorb(self, document: Mapping[str, Any], declared_by: str, now_ms: int) -> int:
        """Keep the master data of a captured document's header; how many elements."""
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
                rows.append((kind, key, declared_by, json.dumps(attributes), now_ms))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT INTO master_data VALUES (?,?,?,?,?) ON CONFLICT (element, declared_by) "
                "DO UPDATE SET vocabulary=excluded.vocabulary, attributes=excluded.attributes, "
                "updated_ms=excluded.updated_ms",
                rows,
            )
            self._db.execute("COMMIT")
        return len(rows)

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

    def scanned(self, key: str, now_ms: int) -> None:
        with self._lock:
            self._db.execute("INSERT INTO scans VALUES (?, ?)", (key, now_ms))

    def scans_since(self, key: str, since_ms: int) -> int:
        with self._lock:
            found = self._db.execute(
                "SELECT count(*) FROM scans WHERE key=? AND time_ms>=?", (key, since_ms)
            ).fetchone()
        return int(found[0])
