"""What only the PostgreSQL store has (the contract both stores keep is
test_store_contract.py): migrations under an advisory lock, the server's refusals named,
a pool of the caller's, an index serving each filter of the query language, and jobs
completed at once from many threads numbered without gaps or overlaps."""

from __future__ import annotations

import threading

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from store_support import CRATE1, PACKHOUSE, SHOP, event, job, names

from sen.services.traceability.errors import EventStoreError
from sen.services.traceability.postgres import SCHEMA_VERSION, PostgresEventStore
from sen.services.traceability.store import EventFilter, PreparedEvent
from sen.services.vault.pgdev import PgCluster


def test_migrations_run_once_when_stores_open_together(pg_dsn: str) -> None:
    opened: list[PostgresEventStore] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(PostgresEventStore(pg_dsn, pool_size=1))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in opened:
        store.close()
    assert errors == [] and len(opened) == 4
    with psycopg.connect(pg_dsn) as db:
        assert db.execute("SELECT name, value FROM epcis_meta").fetchall() == [
            ("schema", str(SCHEMA_VERSION))
        ]
        tables = db.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'epcis%' ORDER BY 1"
        ).fetchall()
    assert [t for (t,) in tables] == [
        "epcis_captures", "epcis_events", "epcis_identifiers", "epcis_meta", "epcis_pending",
    ]  # fmt: skip


def test_a_store_of_the_first_schema_is_migrated_and_keeps_its_jobs(pg_dsn: str) -> None:
    """A database made by the first release (no per-capturer index) opens at this one's."""
    store = PostgresEventStore(pg_dsn)
    events = [event("a")]
    store.add_job(job(1, events), events)
    store.close()
    with psycopg.connect(pg_dsn, autocommit=True) as db:
        db.execute("DROP INDEX epcis_captures_by_capturer")
        db.execute("DROP INDEX epcis_pending_by_id")
        db.execute("UPDATE epcis_meta SET value = '1' WHERE name = 'schema'")
    store = PostgresEventStore(pg_dsn)
    try:
        assert [j.capture for j in store.jobs(capturer=job(1, events).capturer)] == [
            job(1, events).capture
        ]
    finally:
        store.close()
    with psycopg.connect(pg_dsn) as db:
        assert db.execute("SELECT value FROM epcis_meta").fetchall() == [(str(SCHEMA_VERSION),)]
        found = db.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = 'epcis_captures_by_capturer'"
        )
        assert found.fetchone() == (1,)


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    dsn = "host=127.0.0.1 port=1 user=sen password=hunter2 dbname=epcis connect_timeout=2"
    with pytest.raises(EventStoreError) as caught:
        PostgresEventStore(dsn)
    assert "127.0.0.1:1/epcis" in str(caught.value) and "hunter2" not in str(caught.value)


def test_a_database_not_in_utf8_is_refused_and_left_untouched(pg_cluster: PgCluster) -> None:
    with psycopg.connect(pg_cluster.dsn(), autocommit=True) as db:
        db.execute(
            "CREATE DATABASE epcis_latin1 ENCODING 'LATIN1' TEMPLATE template0 "
            "LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    with pytest.raises(EventStoreError, match="LATIN1; EPCIS events need UTF8"):
        PostgresEventStore(pg_cluster.dsn("epcis_latin1"))
    with psycopg.connect(pg_cluster.dsn("epcis_latin1")) as db:
        found = db.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'epcis%'")
        assert found.fetchone() == (0,)


def test_a_pool_of_the_callers_is_used_and_left_open(pg_dsn: str) -> None:
    with ConnectionPool(pg_dsn, min_size=1, max_size=2, open=True) as pool:
        store = PostgresEventStore(pool)
        events = [event("a")]
        store.add_job(job(1, events), events)
        store.complete(job(1, events).capture, 1, "", 1)
        store.close()
        assert not pool.closed
        assert names(PostgresEventStore(pool).query(EventFilter(), 0, 10)) == ["a"]


# Each filter on 2,000 events of which one matches, and the index that must serve it.
INDEXED: list[tuple[EventFilter, str]] = [
    (EventFilter(event_types=("AggregationEvent",)), "epcis_events_by_type"),
    (EventFilter(event_ids=("urn:uuid:needle",)), "epcis_events_by_id"),
    (EventFilter(actions=("DELETE",)), "epcis_events_by_action"),
    (EventFilter(biz_steps=("packing",)), "epcis_events_by_step"),
    (EventFilter(dispositions=("in_progress",)), "epcis_events_by_disposition"),
    (EventFilter(read_points=(PACKHOUSE,)), "epcis_events_by_read_point"),
    (EventFilter(biz_locations=(SHOP,)), "epcis_events_by_location"),
    (EventFilter(event_time_from=9_000_000), "epcis_events_by_time"),
    (EventFilter(event_time_from=-5, event_time_until=0), "epcis_events_by_time"),
    (EventFilter(record_time_from=99_000), "epcis_events_by_record_time"),
    (EventFilter(identifiers=((("epc",), (CRATE1,)),)), "epcis_identifiers_by_value"),
    (EventFilter(identifiers=((("epc",), ("urn:epc:id:sgtin:8935678.101234.*",)),)),
     "epcis_identifiers_by_value"),
    (EventFilter(), "epcis_events_pkey"),
]  # fmt: skip


def _haystack(n: int) -> PreparedEvent:
    return event(f"hay{n}", action="OBSERVE", at_ms=n + 1, record_ms=10_000,
                 identifiers=(("epc", f"urn:epc:id:sgtin:893999.000001.{n}"),))  # fmt: skip


def test_an_index_serves_each_filter(pg_dsn: str) -> None:
    store = PostgresEventStore(pg_dsn)
    needle = event(
        "needle", type="AggregationEvent", action="DELETE", at_ms=9_000_000, record_ms=99_000,
        biz_step="packing", disposition="in_progress", read_point=PACKHOUSE, biz_location=SHOP,
        identifiers=(("epc", CRATE1),),
    )  # fmt: skip
    early = event("early", action="OBSERVE", at_ms=-1, identifiers=())
    events = [_haystack(n) for n in range(1_000)] + [needle, early]
    events += [_haystack(n) for n in range(1_000, 2_000)]
    store.add_job(job(1, events), events)
    store.complete(job(1, events).capture, 1, "", 1)
    with psycopg.connect(pg_dsn, autocommit=True) as db:
        db.execute("ANALYZE")
    store.close()
    # Sequential scans priced out, so that the plan shows an index exists for the filter.
    planned = PostgresEventStore(pg_dsn + " options='-c enable_seqscan=off'", pool_size=1)
    try:
        for where, index in INDEXED:
            plan = planned.explain(where)
            assert index in plan, f"{where}: {plan}"
            assert "Seq Scan" not in plan, f"{where}: {plan}"
        assert names(planned.query(INDEXED[0][0], 0, 5)) == ["needle"]
    finally:
        planned.close()


def test_jobs_completed_at_once_are_numbered_without_gaps_each_in_leaf_order(
    pg_dsn: str,
) -> None:
    store = PostgresEventStore(pg_dsn, pool_size=8)
    jobs = {n: [event(f"j{n}e{leaf}") for leaf in range(25)] for n in range(1, 9)}
    for n, events in jobs.items():
        store.add_job(job(n, events), events)
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def complete(n: int) -> None:
        try:
            barrier.wait()
            store.complete(job(n, jobs[n]).capture, n, "", n)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=complete, args=(n,)) for n in jobs]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        found = store.query(EventFilter(), 0, -1)
        assert [e.seq for e in found] == list(range(1, 201))
        runs = [names(found[i : i + 25]) for i in range(0, 200, 25)]
        assert sorted(runs) == sorted(names(store.leaves(job(n, e).capture)) for n, e in
                                      jobs.items())  # fmt: skip
        for run in runs:
            assert run == [run[0][: run[0].index("e")] + f"e{leaf}" for leaf in range(25)]
    finally:
        store.close()
