"""Fixtures for the snapshot tests: a source chain with state spread over many keys."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# the consensus tests' harness (genesis, keys, signed anchors) is shared, not copied
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "consensus"))

from snapshot_harness import SOURCE_SETTINGS, Node, fill


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Node]:
    """Six blocks of 50 anchors each from 150 members; snapshots at heights 3 and 6."""
    node = Node(tmp_path / "source", settings=SOURCE_SETTINGS)
    fill(node, blocks=6)
    yield node
    node.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Node]:
    """A new node on an empty database, as CometBFT starts one for state sync (no InitChain)."""
    node = Node(tmp_path / "fresh", init=False)
    yield node
    node.close()
