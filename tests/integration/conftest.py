"""Fixtures for more than one package of integration tests: a throwaway PostgreSQL server
(Debian's, ``scripts/install-postgres.sh``; :class:`sen.services.vault.pgdev.PgCluster`),
started once per session on 127.0.0.1 the first time a test asks for it, and a fresh
database on it for each test (the vault's and the EPCIS repository's PostgreSQL stores)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from sen.services.vault.pgdev import PgCluster

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One PostgreSQL server for the session's tests, on 127.0.0.1."""
    cluster = PgCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_dsn(pg_cluster: PgCluster) -> str:
    """A fresh database on the session's server: each test starts from nothing."""
    return pg_cluster.create_database(f"test_{next(_names)}")
