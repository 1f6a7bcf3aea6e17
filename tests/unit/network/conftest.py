"""Fixtures for the sen.network unit tests: the real CometBFT binary and fake ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from network_support import FakeCometbft, make_fake_cometbft

from sen.network.cometbft import find_cometbft
from sen.network.errors import CometbftNotFound


@pytest.fixture(scope="session")
def cometbft_binary() -> Path:
    """The real CometBFT v0.38 (``make cometbft`` installs it; ``make test`` does so first)."""
    try:
        return find_cometbft()
    except CometbftNotFound as exc:
        pytest.fail(f"needs CometBFT v0.38; install it with `make cometbft` ({exc})")


@pytest.fixture
def fake_cometbft() -> FakeCometbft:
    """Make an executable at ``path`` whose ``version`` prints ``version``."""
    return make_fake_cometbft
