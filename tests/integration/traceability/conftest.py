"""A permissioned chain where a Sơn La mango cooperative and a packer hold GS1 Company
Prefixes, and the cooperative's EPCIS repository beside it (built in :mod:`trace_world`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from trace_world import (
    CHAIN,
    COOPERATIVE,
    COOPERATIVE_PREFIX,
    FARM,
    LOT,
    PACKER,
    PACKER_PREFIX,
    World,
    document,
    harvest,
    open_world,
)

__all__ = [
    "CHAIN",
    "COOPERATIVE",
    "COOPERATIVE_PREFIX",
    "FARM",
    "LOT",
    "PACKER",
    "PACKER_PREFIX",
    "World",
    "document",
    "harvest",
]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with open_world(tmp_path) as made:
        yield made
