from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "governance"))
sys.path.insert(0, str(Path(__file__).parents[1] / "trust"))

from trust_chain import TrustChain


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[TrustChain]:
    made = TrustChain(tmp_path / "db")
    try:
        made.create_did(made.issuers[0], "moet")
        yield made
    finally:
        made.close()
