from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "governance"))
sys.path.insert(0, str(Path(__file__).parents[1] / "trust"))
sys.path.insert(0, str(Path(__file__).parent))

from trace_chain import TraceChain


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[TraceChain]:
    made = TraceChain(tmp_path / "db")
    try:
        yield made
    finally:
        made.close()
