from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "ledger" / "governance"))
sys.path.insert(0, str(Path(__file__).parents[1] / "ledger" / "identity"))

from identity_chain import IdentityChain


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[IdentityChain]:
    made = IdentityChain(tmp_path / "db")
    try:
        yield made
    finally:
        made.close()
