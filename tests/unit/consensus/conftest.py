"""Fixtures for the consensus unit tests (the harness is in ``app_harness.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_harness import CHAIN_ID, Chain

from sen.ledger.types import ChainParams


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[Chain]:
    made = Chain(tmp_path / "db", ChainParams(chain_id=CHAIN_ID, max_batch_digests=4))
    yield made
    made.close()
