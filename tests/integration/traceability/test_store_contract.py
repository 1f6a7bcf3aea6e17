"""The EPCIS repository's stores keep one contract (:class:`sen.services.traceability.store.
EventStore`): every test here runs against the SQLite file and against a database on a real
PostgreSQL server (started for the session, ``scripts/install-postgres.sh``), with capture
jobs and events built by hand.

What a user of the repository would notice: a job's events stay invisible until it is
recorded, a refused job keeps none, finishing a job twice changes nothing, each query
filter selects exactly its events, pages follow the order events became visible, and a
process killed after accepting a capture finds the job, and its events, when it starts again.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from store_support import (
    CAPTURER,
    CRATE1,
    CRATE2,
    HOUSE_ID,
    JUICE,
    KINDS,
    LOT,
    LOT2,
    PACKHOUSE,
    PALLET,
    SHOP,
    TRAP,
    Database,
    event,
    job,
    names,
    open_database,
)

from sen.services.traceability.errors import EventStoreError
from sen.services.traceability.postgres import PostgresEventStore
from sen.services.traceability.store import (
    FAILURE,
    RUNNING,
    SUCCESS,
    CaptureJob,
    EventFilter,
    EventStore,
    Indexed,
    PreparedEvent,
    SqliteEventStore,
    StoredEvent,
)


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    made = open_database(request.param, request, tmp_path)
    yield made
    made.close()


@pytest.fixture
def store(database: Database) -> EventStore:
    return database.open()


ALL = EventFilter()


# -- capture jobs -----------------------------------------------------------------------


def test_a_new_store_is_empty(store: EventStore) -> None:
    assert store.jobs() == [] and store.jobs(RUNNING) == [] and store.count() == 0
    assert store.job(bytes(16)) is None and store.prepared(bytes(16)) == []
    assert store.query(ALL, 0, 10) == [] and store.events_with_id("urn:uuid:a") == []


def test_a_job_is_kept_running_with_its_events_invisible_until_it_completes(
    store: EventStore,
) -> None:
    events = [event("a", at_ms=1), event("b", at_ms=2), event("c", at_ms=3)]
    made = job(1, events)
    store.add_job(made, events)
    assert store.job(made.capture) == made and made.status == RUNNING
    assert store.jobs() == [made] and store.jobs(RUNNING) == [made]
    assert store.prepared(made.capture) == events  # leaf order, every indexed field back
    assert store.count() == 0 and store.query(ALL, 0, 10) == []
    assert store.events_with_id("urn:uuid:a") == [] and store.leaves(made.capture) == []
    assert store.events_with_hash(events[0].indexed.hash) == []

    store.complete(made.capture, height=42, tx_hash="AB" * 32, finished_ms=11_000)
    done = store.job(made.capture)
    assert done is not None
    assert (done.status, done.height, done.tx_hash, done.finished_ms) == (
        SUCCESS, 42, "AB" * 32, 11_000,
    )  # fmt: skip
    assert store.jobs(RUNNING) == [] and store.jobs(SUCCESS) == [done]
    assert store.prepared(made.capture) == []
    assert store.count() == 3
    found = store.query(ALL, 0, 10)
    assert names(found) == ["a", "b", "c"] and [e.leaf for e in found] == [0, 1, 2]
    assert [e.seq for e in found] == sorted(e.seq for e in found)
    first = found[0]
    assert (first.event_id, first.hash, first.body, first.record_time_ms, first.capture) == (
        "urn:uuid:a", events[0].indexed.hash, events[0].body, 10_000, made.capture,
    )  # fmt: skip
    assert store.leaves(made.capture) == found
    assert store.events_with_id("urn:uuid:b") == [found[1]]
    assert store.events_with_hash(events[2].indexed.hash) == [found[2]]


def test_a_job_without_events_completes(store: EventStore) -> None:
    store.add_job(job(1, []), [])
    store.complete(job(1, []).capture, 1, "", 2)
    assert [j.status for j in store.jobs()] == [SUCCESS] and store.count() == 0


def test_completing_twice_or_after_a_refusal_changes_nothing(store: EventStore) -> None:
    first, second = [event("a")], [event("b")]
    store.add_job(job(1, first), first)
    store.add_job(job(2, second), second)
    store.complete(job(1, first).capture, 7, "aa", 100)
    store.complete(job(1, first).capture, 8, "bb", 200)  # the anchoring loop, again
    done = store.job(job(1, first).capture)
    assert done is not None and (done.height, done.tx_hash, done.finished_ms) == (7, "aa", 100)
    assert names(store.query(ALL, 0, 10)) == ["a"]

    store.fail(job(2, second).capture, [{"code": 363, "message": "PREFIX_NOT_HELD"}], 300)
    store.complete(job(2, second).capture, 9, "cc", 400)
    refused = store.job(job(2, second).capture)
    assert refused is not None and refused.status == FAILURE and refused.height is None
    assert names(store.query(ALL, 0, 10)) == ["a"] and store.count() == 1

    store.complete(bytes(16), 1, "", 1)  # no such job
    assert len(store.jobs()) == 2 and store.count() == 1


def test_a_refused_job_keeps_no_event_and_refusing_twice_changes_nothing(
    store: EventStore,
) -> None:
    events = [event("a"), event("b")]
    made = job(1, events)
    store.add_job(made, events)
    errors = [{"code": 363, "message": "PREFIX_NOT_HELD: 8935678", "at": ["ư", 1]}]
    store.fail(made.capture, errors, 500)
    refused = store.job(made.capture)
    assert refused is not None
    assert (refused.status, refused.errors, refused.finished_ms) == (FAILURE, errors, 500)
    assert store.prepared(made.capture) == [] and store.count() == 0
    assert store.jobs(RUNNING) == [] and store.jobs(FAILURE) == [refused]
    store.fail(made.capture, [{"code": 1}], 600)
    assert store.job(made.capture) == refused


def test_refusing_a_recorded_job_keeps_its_events(store: EventStore) -> None:
    events = [event("a")]
    store.add_job(job(1, events), events)
    store.complete(job(1, events).capture, 3, "ab", 100)
    store.fail(job(1, events).capture, [{"code": 1}], 200)
    kept = store.job(job(1, events).capture)
    assert kept is not None and (kept.status, kept.errors) == (SUCCESS, [])
    assert names(store.query(ALL, 0, 10)) == ["a"]


def test_a_second_job_with_the_same_capture_id_is_refused_whole(store: EventStore) -> None:
    events = [event("a")]
    store.add_job(job(1, events), events)
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        store.add_job(job(1, [event("x"), event("y")]), [event("x"), event("y")])
    assert store.prepared(job(1, events).capture) == events and len(store.jobs()) == 1


def test_jobs_newest_first_or_by_status_oldest_first_and_limited(store: EventStore) -> None:
    # 1 and 2 share a millisecond (the repository's clock never goes back, but may repeat)
    for number, created in ((3, 500), (1, 900), (2, 900), (4, 100)):
        store.add_job(job(number, [], created_ms=created), [])
    store.complete((4).to_bytes(16, "big"), 1, "", 1_000)

    def numbers(found: list[CaptureJob]) -> list[int]:
        return [int.from_bytes(j.capture, "big") for j in found]

    assert numbers(store.jobs()) == [1, 2, 3, 4]
    assert numbers(store.jobs(limit=2)) == [1, 2]
    assert numbers(store.jobs(RUNNING)) == [3, 1, 2]
    assert numbers(store.jobs(RUNNING, limit=1)) == [3]
    assert numbers(store.jobs(SUCCESS)) == [4] and store.jobs(FAILURE) == []


def test_pending_events_are_found_by_eventid_until_their_job_finishes(store: EventStore) -> None:
    """What the repository checks a new event's eventID against, besides visible events."""
    shared = "urn:uuid:shared"
    first = [event("a", event_id=shared), event("b")]
    second = [event("c", event_id=shared)]
    third = [event("d", event_id=shared)]
    for number, events in ((1, first), (2, second), (3, third)):
        store.add_job(job(number, events), events)
    found = store.pending_with_id(shared)
    assert sorted((c, names_of([e])) for c, e in found) == [
        (job(1, first).capture, ["a"]), (job(2, second).capture, ["c"]),
        (job(3, third).capture, ["d"]),
    ]  # fmt: skip
    assert [e for _, e in found if e.body == first[0].body] == [first[0]]
    store.complete(job(1, first).capture, 1, "", 1)
    store.fail(job(2, second).capture, [], 2)
    assert [c for c, _ in store.pending_with_id(shared)] == [job(3, third).capture]
    assert names(store.events_with_id(shared)) == ["a"]
    assert store.pending_with_id("urn:uuid:none") == []
    assert store.pending_with_id("urn:uuid:a\x00") == []


def names_of(events: list[PreparedEvent]) -> list[str]:
    return [json.loads(e.body)["name"] for e in events]


def test_a_capturers_jobs_are_limited_among_its_own(store: EventStore) -> None:
    """One capturer's list of jobs is never crowded out by another's newer ones."""
    mine = dataclasses.replace(job(1, [], created_ms=100), capturer="did:sen:mine")
    store.add_job(mine, [])
    for number in range(2, 6):
        store.add_job(job(number, [], created_ms=200 + number), [])
    assert store.jobs(capturer="did:sen:mine", limit=1) == [mine]
    assert store.jobs(RUNNING, capturer="did:sen:mine") == [mine]
    assert store.jobs(SUCCESS, capturer="did:sen:mine") == []
    assert len(store.jobs(capturer=CAPTURER)) == 4 and mine not in store.jobs(limit=4)


# -- a process that dies ------------------------------------------------------------------


def test_a_store_opened_again_finds_the_running_job_and_its_events(database: Database) -> None:
    before = database.open()
    events = [event("a"), event("b", identifiers=(("epc", CRATE1), ("epc", CRATE2)))]
    made = job(1, events)
    before.add_job(made, events)
    after = database.open()  # the process died; another starts on the same database
    assert after.jobs(RUNNING) == [made] and after.prepared(made.capture) == events
    after.complete(made.capture, 5, "ab", 100)
    assert names(after.query(EventFilter(identifiers=((("epc",), (CRATE2,)),)), 0, 10)) == ["b"]
    before.complete(made.capture, 6, "cd", 200)  # the old object, late: a no-op
    assert names(before.query(ALL, 0, 10)) == ["a", "b"]
    finished = before.job(made.capture)
    assert finished is not None and finished.height == 5


_ADD_AND_HANG = """
import pickle, sys, time
kind, target = sys.argv[1], sys.argv[2]
job, events = pickle.load(sys.stdin.buffer)
if kind == "sqlite":
    from sen.services.traceability.store import SqliteEventStore as Store
else:
    from sen.services.traceability.postgres import PostgresEventStore as Store
Store(target).add_job(job, events)
print("added", flush=True)
time.sleep(120)
"""


def test_a_process_killed_after_accepting_a_job_leaves_it_running(database: Database) -> None:
    events = [event("a"), event("b")]
    made = job(1, events)
    child = subprocess.Popen(
        [sys.executable, "-c", _ADD_AND_HANG, database.kind, database.target],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(pickle.dumps((made, events)))
        child.stdin.close()
        assert child.stdout.readline() == b"added\n"
    finally:
        child.kill()  # SIGKILL: no close, no cleanup
        child.wait()
    store = database.open()
    assert store.jobs(RUNNING) == [made] and store.prepared(made.capture) == events
    assert store.count() == 0
    store.complete(made.capture, 5, "ab", 100)
    assert names(store.query(ALL, 0, 10)) == ["a", "b"]


def test_a_newer_schema_is_refused(database: Database) -> None:
    database.open().close()
    database.set_schema_version(99)
    with pytest.raises(EventStoreError, match="schema version"):
        database.open()


# -- events: order, error declarations, paging --------------------------------------------


def test_events_are_numbered_in_the_order_their_jobs_complete(store: EventStore) -> None:
    first, second = [event("a1"), event("a2")], [event("b1"), event("b2"), event("b3")]
    store.add_job(job(1, first), first)
    store.add_job(job(2, second), second)
    store.complete(job(2, second).capture, 1, "", 1)  # the later capture recorded first
    store.complete(job(1, first).capture, 2, "", 2)
    found = store.query(ALL, 0, 10)
    assert names(found) == ["b1", "b2", "b3", "a1", "a2"]
    assert [e.seq - found[0].seq for e in found] == [0, 1, 2, 3, 4]  # no gaps
    assert names(store.leaves(job(1, first).capture)) == ["a1", "a2"]


def test_an_error_declaration_shares_the_eventid_and_hash_and_comes_after(
    store: EventStore,
) -> None:
    original = event("original", event_id="ni:///sha-256;ab?ver=CBV2.0")
    declared = event(
        "declaration", event_id="ni:///sha-256;ab?ver=CBV2.0",
        body={"type": "ObjectEvent", "name": "declaration", "errorDeclaration": {}},
    )  # fmt: skip
    same_hash = PreparedEvent(
        declared.body,
        20_000,
        Indexed(**{**_fields(declared.indexed), "hash": original.indexed.hash}),
    )
    store.add_job(job(1, [original]), [original])
    store.complete(job(1, [original]).capture, 1, "", 1)
    store.add_job(job(2, [same_hash]), [same_hash])
    store.complete(job(2, [same_hash]).capture, 2, "", 2)
    both = store.events_with_id("ni:///sha-256;ab?ver=CBV2.0")
    assert names(both) == ["original", "declaration"] and both[0].seq < both[1].seq
    assert store.events_with_hash(original.indexed.hash) == both
    assert [e.record_time_ms for e in both] == [10_000, 20_000]
    by_id = EventFilter(event_ids=("ni:///sha-256;ab?ver=CBV2.0",))
    assert store.query(by_id, 0, 10) == both


def _fields(indexed: Indexed) -> dict[str, object]:
    return {name: getattr(indexed, name) for name in Indexed.__slots__}


def test_pages_follow_seq_after_the_last_one_seen(store: EventStore) -> None:
    events = [event(f"e{n}", at_ms=n, biz_step="shipping" if n % 2 else "packing")
              for n in range(7)]  # fmt: skip
    store.add_job(job(1, events), events)
    store.complete(job(1, events).capture, 1, "", 1)
    seen: list[StoredEvent] = []
    after = 0
    while page := store.query(ALL, after, 3):
        assert len(page) <= 3
        seen += page
        after = page[-1].seq
    assert names(seen) == [f"e{n}" for n in range(7)]
    assert store.query(ALL, seen[-1].seq, 3) == []
    shipping = EventFilter(biz_steps=("shipping",))
    first = store.query(shipping, 0, 2)
    assert names(first) == ["e1", "e3"]
    assert names(store.query(shipping, first[-1].seq, 2)) == ["e5"]
    assert store.query(ALL, 0, 0) == []
    assert names(store.query(ALL, seen[2].seq, -1)) == [f"e{n}" for n in range(3, 7)]


# -- every filter ---------------------------------------------------------------------------

CORPUS = [
    [
        event("harvest", at_ms=1_000),
        event("harvest2", at_ms=2_000, identifiers=(("class", LOT2),)),
    ],
    [
        event("pack", type="AggregationEvent", at_ms=3_000, record_ms=20_000,
              biz_step="packing", disposition="in_progress", read_point=PACKHOUSE,
              biz_location=PACKHOUSE,
              identifiers=(("parent", PALLET), ("child", CRATE1), ("child", CRATE2))),
        event("ship", action="OBSERVE", at_ms=4_000, record_ms=20_000, biz_step="shipping",
              disposition="in_transit", read_point=PACKHOUSE, biz_location=None,
              identifiers=(("epc", CRATE1), ("epc", CRATE2))),
    ],
    [
        event("transform", type="TransformationEvent", action=None, at_ms=5_000,
              record_ms=30_000, biz_step="transforming", disposition=None, read_point=SHOP,
              biz_location=SHOP, identifiers=(("input", CRATE1), ("outputClass", JUICE))),
        event("sell", action="OBSERVE", at_ms=6_000, record_ms=30_000,
              biz_step="retail_selling", disposition="retail_sold", read_point=SHOP,
              biz_location=SHOP, identifiers=(("epc", HOUSE_ID), ("epc", TRAP))),
    ],
]  # fmt: skip
EPC_ROLES = ("epc", "child")
ANY_EPC = ("epc", "child", "parent", "input", "output")


def _match(roles: tuple[str, ...], *values: str) -> EventFilter:
    return EventFilter(identifiers=((roles, values),))


FILTERS: list[tuple[str, EventFilter, list[str]]] = [
    ("everything", ALL, ["harvest", "harvest2", "pack", "ship", "transform", "sell"]),
    ("eventType", EventFilter(event_types=("AggregationEvent",)), ["pack"]),
    ("eventType alternatives",
     EventFilter(event_types=("TransformationEvent", "AggregationEvent")), ["pack", "transform"]),
    ("eventType none", EventFilter(event_types=("TransactionEvent",)), []),
    ("eventID", EventFilter(event_ids=("urn:uuid:ship", "urn:uuid:sell")), ["ship", "sell"]),
    ("action", EventFilter(actions=("OBSERVE",)), ["ship", "sell"]),
    ("action ADD", EventFilter(actions=("ADD",)), ["harvest", "harvest2", "pack"]),
    ("bizStep", EventFilter(biz_steps=("packing", "shipping")), ["pack", "ship"]),
    ("disposition", EventFilter(dispositions=("active",)), ["harvest", "harvest2"]),
    ("readPoint", EventFilter(read_points=(PACKHOUSE,)), ["pack", "ship"]),
    ("bizLocation", EventFilter(biz_locations=(SHOP,)), ["transform", "sell"]),
    ("bizLocation is exact", EventFilter(biz_locations=(SHOP[:-1],)), []),
    ("eventTime from (inclusive)", EventFilter(event_time_from=5_000), ["transform", "sell"]),
    ("eventTime until (exclusive)", EventFilter(event_time_until=2_000), ["harvest"]),
    ("eventTime range", EventFilter(event_time_from=2_000, event_time_until=4_000),
     ["harvest2", "pack"]),
    ("recordTime from", EventFilter(record_time_from=20_000),
     ["pack", "ship", "transform", "sell"]),
    ("recordTime until", EventFilter(record_time_until=20_000), ["harvest", "harvest2"]),
    ("recordTime range", EventFilter(record_time_from=20_000, record_time_until=30_000),
     ["pack", "ship"]),
    ("conditions are ANDed",
     EventFilter(read_points=(PACKHOUSE,), actions=("OBSERVE",), event_time_from=1), ["ship"]),
    ("epc", _match(EPC_ROLES, CRATE1), ["pack", "ship"]),
    ("epc in its role only", _match(("epc",), CRATE1), ["ship"]),
    ("parentID", _match(("parent",), PALLET), ["pack"]),
    ("inputEPC", _match(("input",), CRATE1), ["transform"]),
    ("anyEPC", _match(ANY_EPC, CRATE1), ["pack", "ship", "transform"]),
    ("epcClass", _match(("class", "childClass"), LOT2), ["harvest2"]),
    ("outputEPCClass", _match(("outputClass",), JUICE), ["transform"]),
    ("a class is not an epc", _match(ANY_EPC, LOT), []),
    ("identifier alternatives", _match(("class",), LOT, LOT2), ["harvest", "harvest2"]),
    ("prefix", _match(("class",), "urn:epc:class:lgtin:8935678.101234.*"),
     ["harvest", "harvest2"]),
    ("prefix of one", _match(("class",), "urn:epc:class:lgtin:8935678.101234.L2026-07*"),
     ["harvest2"]),
    ("prefix and exact alternatives",
     _match(ANY_EPC, "urn:epc:id:sscc:*", "urn:epc:id:sgtin:8935678.101234.2"), ["pack", "ship"]),
    ("a whole value as prefix", _match(("epc",), CRATE2 + "*"), ["ship"]),
    ("prefix is not LIKE (_)", _match(("epc",), "urn:epc:id:sgtin:8935678.1_*"), []),
    ("prefix is not LIKE (%)", _match(("epc",), "urn:epc:id:sgtin:%*"), []),
    ("prefix is case-sensitive", _match(("epc",), "URN:EPC:*"), []),
    ("prefix, not ASCII", _match(("epc",), "https://id.htx.vn/lô-*"), ["sell"]),
    ("prefix, not ASCII, not folded", _match(("epc",), "https://id.htx.vn/lo-*"), []),
    ("star alone: any value in the role", _match(("parent",), "*"), ["pack"]),
    ("no value matches nothing", _match(("epc",)), []),
    ("no role matches nothing", _match((), CRATE1), []),
    ("identifier conditions are ANDed",
     EventFilter(identifiers=((("epc",), (CRATE1,)), (("epc",), (HOUSE_ID,)))), []),
    ("identifier and field conditions",
     EventFilter(identifiers=((ANY_EPC, (CRATE1,)),), event_types=("TransformationEvent",)),
     ["transform"]),
]  # fmt: skip


@pytest.fixture(scope="module", params=KINDS)
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EventStore]:
    """One store holding CORPUS's three jobs, recorded in order, and a running fourth job
    whose events match every filter but must never be found."""
    made = open_database(request.param, request, tmp_path_factory.mktemp("corpus"))
    filled = made.open()
    for number, events in enumerate(CORPUS, start=1):
        filled.add_job(job(number, events), events)
        filled.complete(job(number, events).capture, number, "", number)
    hidden = [event(f"hidden-{e.indexed.event_id}", **_same(e)) for e in _flat(CORPUS)]
    filled.add_job(job(99, hidden), hidden)
    yield filled
    made.close()


def _flat(jobs: list[list[PreparedEvent]]) -> list[PreparedEvent]:
    return [each for events in jobs for each in events]


def _same(prepared: PreparedEvent) -> dict[str, object]:
    x = prepared.indexed
    return {
        "event_id": x.event_id,
        "type": x.type, "action": x.action, "at_ms": x.event_time_ms,
        "record_ms": prepared.record_time_ms, "biz_step": x.biz_step,
        "disposition": x.disposition, "read_point": x.read_point,
        "biz_location": x.biz_location, "identifiers": x.identifiers,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("where", "expected"), [f[1:] for f in FILTERS], ids=[f[0] for f in FILTERS]
)
def test_each_filter_selects_exactly_its_events(
    corpus: EventStore, where: EventFilter, expected: list[str]
) -> None:
    assert names(corpus.query(where, 0, 100)) == expected


def test_the_stores_agree_on_every_filter(tmp_path: Path, pg_dsn: str) -> None:
    """The same jobs in both stores answer every filter with the same events, page by page
    (seq included)."""
    stores: list[EventStore] = [
        SqliteEventStore(tmp_path / "agree.db"),
        PostgresEventStore(pg_dsn, pool_size=1),
    ]
    try:
        for each in stores:
            for number, events in enumerate(CORPUS, start=1):
                each.add_job(job(number, events), events)
            for number in (3, 1, 2):
                each.complete(job(number, CORPUS[number - 1]).capture, number, "", number)
        for _, where, _ in FILTERS:
            pages = [_pages(each.query, where) for each in stores]
            assert pages[0] == pages[1], where
    finally:
        for each in stores:
            each.close()


def _pages(
    query: Callable[[EventFilter, int, int], list[StoredEvent]], where: EventFilter
) -> list[list[StoredEvent]]:
    pages, after = [], 0
    while page := query(where, after, 2):
        pages.append(page)
        after = page[-1].seq
    return pages
