from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from sen.services.vault.pgdev import PgCluster

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One PostgreSQL server for the session's vault tests, on 127.0.0.1."""
    cluster = PgCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_dsn(pg_cluster: PgCluster) -> str:
    """A fresh database on the session's server: each test starts from nothing."""
    return pg_cluster.create_database(f"vault_{next(_names)}")
