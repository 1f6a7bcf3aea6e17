"""The repository end to end with its events on PostgreSQL: test_capture_and_prove.py's
tests that read or write the store, collected here again with a ``world`` whose repository
keeps its capture jobs and events in a :class:`PostgresEventStore` on a fresh database
(the chain, the REST service and the receipts as they are)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_capture_and_prove import (
    test_a_job_the_chain_refuses_keeps_no_event,
    test_an_error_declaration_shares_the_eventid_and_overwrites_nothing,
    test_an_event_is_captured_recorded_queried_and_proven_offline,
    test_events_for_another_holders_prefix_are_refused_and_nothing_is_kept,
    test_one_query_finds_a_key_whichever_way_events_spell_it,
    test_pages_follow_next_page_tokens_in_capture_order,
)

from conftest import World
from sen.services.traceability.postgres import PostgresEventStore

__all__ = [
    "test_a_job_the_chain_refuses_keeps_no_event",
    "test_an_error_declaration_shares_the_eventid_and_overwrites_nothing",
    "test_an_event_is_captured_recorded_queried_and_proven_offline",
    "test_events_for_another_holders_prefix_are_refused_and_nothing_is_kept",
    "test_one_query_finds_a_key_whichever_way_events_spell_it",
    "test_pages_follow_next_page_tokens_in_capture_order",
]


@pytest.fixture
def world(world: World, pg_dsn: str) -> Iterator[World]:
    """The folder's world, its repository's SQLite store swapped for PostgreSQL before
    anything is captured (``World.close`` closes the one in place)."""
    world.store.close()
    world.store = world.repository.store = PostgresEventStore(pg_dsn, pool_size=2)
    yield world
