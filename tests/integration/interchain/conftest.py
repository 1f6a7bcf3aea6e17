"""Two linked chains, each a real node in a temporary home, for the relayer's tests.

``chains``: chain A (``sen-lao-dong``, the Ministry of Labour's) and chain B
(``sen-giao-duc``, the education chain), embedded nodes making blocks every
0.05 s and an empty block every 0.2 s while idle (a linked chain must keep
making headers, or its clients cannot be refreshed). Each holds a client of
the other, created from the other's latest signed header and paired with it.
Both are open chains, so the test key may create clients and relay.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from two_chains import TwoChains


@pytest.fixture
def chains(tmp_path: Path) -> Iterator[TwoChains]:
    made = TwoChains(tmp_path)
    yield made
    made.close()
