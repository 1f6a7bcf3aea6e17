"""The EPCIS repository: events captured and recorded on chain, queries at scale, receipts.

A real node in this process (``init_home`` + ``Node.open``, embedded engine, fsync on,
block interval 0.05 s) whose genesis grants the cooperative its GS1 Company Prefix; the
repository (``sen.services.traceability``, SQLite store, ``synchronous=FULL``) captures as
the cooperative, over the node's own REST app in process (``in_process_client``), the way
``sen trace serve`` does over HTTP:

- **capture**: ``documents`` EPCIS documents of ``events_per_document`` events each (harvest
  ObjectEvents of a lot, each with a serial, a place and a quantity); ``capture_events_per_s``
  counts the checks (GS1's schema, each event's CBV 2.0 hash, its claims against the
  registry read with state proofs) and the store's transaction; ``anchored_events_per_s``
  adds recording each job's root on chain (one ``trace.record_capture`` committed per job)
  — the end to end figure of record.
- **queries at scale**: the store filled to ``stored`` events (written straight into the
  store, as completed jobs: the chain is not what is measured here), then p50/p99 of
  ``queries`` queries of each kind through the query language (``parse_query`` then the
  store), one page of 30: a lot (``MATCH_epcClass``), a serial (``MATCH_epc``), a
  business step in a day (``EQ_bizStep`` + ``GE_/LT_eventTime``), a place
  (``EQ_bizLocation``), and a GTIN's every serial (``urn:epc:idpat:...``).
- **receipts**: ``receipts`` event receipts built (repository part + the node's proof of
  the job) and verified from scratch (``verify_event_receipt``: headers, commit, Merkle
  paths, the event's CBV 2.0 hash recomputed) per second, one thread.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.light.event_receipt import epcis_time, verify_event_receipt
from sen.light.genesis import load_genesis
from sen.node.node import Node, init_home
from sen.services.traceability.chain import RemoteChain
from sen.services.traceability.query import parse_query
from sen.services.traceability.repository import Repository
from sen.services.traceability.store import (
    CaptureJob,
    Indexed,
    PreparedEvent,
    SqliteEventStore,
)

CAPTURER = "did:sen:htx-xoai-son-la"
PREFIX = "8935678"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
DAY_MS = 86_400_000
START_MS = 1_780_000_000_000


def _event(n: int, lot: int) -> dict[str, Any]:
    minute = n % 60
    return {
        "type": "ObjectEvent", "eventTime": f"2026-06-05T07:{minute:02d}:00.000+07:00",
        "eventTimeZoneOffset": "+07:00", "action": "ADD", "bizStep": "commissioning",
        "disposition": "active",
        "epcList": [f"urn:epc:id:sgtin:{PREFIX}.101234.H{lot}-{n}"],  # not a stored serial
        "quantityList": [{"epcClass": f"urn:epc:class:lgtin:{PREFIX}.101234.L{lot}",
                          "quantity": 5, "uom": "KGM"}],
        "readPoint": {"id": f"urn:epc:id:sgln:{PREFIX}.00001.0"},
    }  # fmt: skip


def _document(events: list[dict[str, Any]]) -> bytes:
    return json.dumps({
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-06-05T08:00:00.000+07:00", "epcisBody": {"eventList": events},
    }).encode()  # fmt: skip


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3), "p99_ms": round(p99 * 1000, 3)}


def _fill(store: SqliteEventStore, stored: int, lots: int, batch: int = 10_000) -> float:
    """``stored`` events straight into the store as completed jobs; seconds taken."""
    started = time.perf_counter()
    steps = ("commissioning", "packing", "shipping", "receiving", "retail_selling")
    for first in range(0, stored, batch):
        capture = secrets.token_bytes(16)
        prepared = []
        for n in range(first, min(stored, first + batch)):
            lot = n % lots
            serial = f"01/18935678012347/21/{lot}-{n}"
            event_ms = START_MS + (n * 60_000) % (365 * DAY_MS)
            indexed = Indexed(
                event_id=f"ni:///sha-256;{n:064x}?ver=CBV2.0", hash=n.to_bytes(32, "big"),
                type="ObjectEvent", action="OBSERVE", event_time_ms=event_ms,
                biz_step=steps[n % len(steps)], disposition="in_progress",
                read_point=None, biz_location=f"414/893567800{n % 97:03d}x",
                identifiers=(("epc", serial), ("class", f"01/18935678012347/10/L{lot}")),
            )  # fmt: skip
            prepared.append(PreparedEvent(b'{"type":"ObjectEvent"}', event_ms, indexed))
        job = CaptureJob(capture, CAPTURER, START_MS, len(prepared), bytes(32), (PREFIX,))
        store.add_job(job, prepared)
        store.complete(capture, 1, "", START_MS)
    return time.perf_counter() - started


def _query_latencies(
    store: SqliteEventStore, stored: int, lots: int, queries: int
) -> dict[str, Any]:
    rng = secrets.SystemRandom()
    kinds: dict[str, Any] = {
        "lot": lambda: [("MATCH_epcClass",
                         f"urn:epc:class:lgtin:{PREFIX}.101234.L{rng.randrange(lots)}")],
        "serial": lambda: [("MATCH_epc", "https://id.gs1.org/01/18935678012347/21/"
                            + (lambda n: f"{n % lots}-{n}")(rng.randrange(stored)))],
        "step_in_a_day": lambda: (lambda day: [
            ("EQ_bizStep", "shipping"),
            ("GE_eventTime", epcis_time(START_MS + day * DAY_MS)),
            ("LT_eventTime", epcis_time(START_MS + (day + 1) * DAY_MS)),
        ])(rng.randrange(300)),
        "place": lambda: [("EQ_bizLocation", f"414/893567800{rng.randrange(97):03d}x")],
        "gtin_pattern": lambda: [("MATCH_epc", f"urn:epc:idpat:sgtin:{PREFIX}.101234.*")],
    }  # fmt: skip
    found: dict[str, Any] = {}
    for name, make in kinds.items():
        samples, results = [], 0
        for _ in range(queries):
            params = make()
            started = time.perf_counter()
            query = parse_query(params)
            results += len(store.query(query.where, query.after, query.per_page))
            samples.append(time.perf_counter() - started)
        found[name] = {**_percentiles(samples), "mean_results": round(results / queries, 1)}
    return found


def run_traceability(
    *,
    documents: int = 10,
    events_per_document: int = 1_000,
    stored: int = 1_000_000,
    lots: int = 10_000,
    queries: int = 300,
    receipts: int = 200,
) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="sen-bench-trace-"))
    config = init_home(
        home / "node", block_interval=0.05,
        trace={"prefixes": [{"prefix": PREFIX, "holder": CAPTURER}]},
    )  # fmt: skip
    node = Node.open(config)
    node.start()
    store = SqliteEventStore(home / "epcis.db")
    try:
        key = get_suite("ed25519").generate()
        client = in_process_client(node)
        method = encode_multikey(key.suite, key.public_key)
        client.send(key, "identity", "create", {
            "name": CAPTURER.removeprefix("did:sen:"),
            "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
            "relationships": {"assertionMethod": ["key-1"]},
        })  # fmt: skip
        repository = Repository(store, RemoteChain(lambda: in_process_client(node), key), CAPTURER)
        bodies = [
            _document([_event(d * events_per_document + i, d) for i in range(events_per_document)])
            for d in range(documents)
        ]
        started = time.perf_counter()
        for body in bodies:
            repository.capture(body)
        captured = time.perf_counter() - started
        finished = repository.anchor_running()
        anchored = time.perf_counter() - started
        total = documents * events_per_document
        assert finished == documents, f"{finished} of {documents} jobs recorded"
        # receipts: once the block after the last job's is committed
        height = node.app.height
        while node.app.height <= height:
            client.send(key, "evidence", "anchor", {"digest": os.urandom(32)})
        events = store.query(parse_query([]).where, 0, receipts)
        genesis = load_genesis(config.genesis_path.read_bytes())
        started = time.perf_counter()
        built = [repository.receipt(e) for e in events]
        building = time.perf_counter() - started
        started = time.perf_counter()
        for receipt in built:
            assert verify_event_receipt(receipt, genesis).valid
        verifying = time.perf_counter() - started
        fill_seconds = _fill(store, stored, lots)
        latencies = _query_latencies(store, stored, lots, queries)
        return {
            "conditions": {
                "documents": documents, "events_per_document": events_per_document,
                "document_bytes": len(bodies[0]), "stored_events": store.count(),
                "lots": lots, "queries_per_kind": queries, "page": 30,
                "store": "SQLite, WAL, synchronous=FULL", "node": "embedded, fsync on",
            },
            "capture_events_per_s": round(total / captured, 1),
            "anchored_events_per_s": round(total / anchored, 1),
            "anchoring_seconds_per_job": round((anchored - captured) / documents, 4),
            "receipts_built_per_s": round(len(built) / building, 1),
            "receipts_verified_per_s": round(len(built) / verifying, 1),
            "fill_events_per_s": round(stored / fill_seconds, 1),
            "query_latency": latencies,
            "database_bytes": sum(p.stat().st_size for p in home.glob("epcis.db*")),
        }  # fmt: skip
    finally:
        store.close()
        node.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--events-per-document", type=int, default=1_000)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--receipts", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args()
    from senbench.conditions import machine
    from senbench.reference import ed25519_verify_rate, reference_of, throughput_ratios

    samples = [ed25519_verify_rate()]
    result = run_traceability(
        documents=options.documents, events_per_document=options.events_per_document,
        stored=options.stored, queries=options.queries, receipts=options.receipts,
    )  # fmt: skip
    samples.append(ed25519_verify_rate())
    reference = reference_of(samples)
    result["ratios_to_reference"] = throughput_ratios(result, reference["value"])
    report = {"conditions": machine(), "reference": reference, "results": {"traceability": result}}
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if options.out is not None:
        options.out.write_text(text + "\n")
    print(text)
