"""A real 4-validator CometBFT network on loopback, shared by the tests of this package."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.network.cometbft import find_cometbft
from sen.network.create import NetworkPlan, init_network
from sen.network.network import Network
from sen.network.ports import PORT_STRIDE, ports_in_use

sys.path.insert(0, str(Path(__file__).parent))
from four_validator_support import wait_until

VALIDATORS = 4


def _free_base() -> int:
    for _ in range(200):
        base = random.randrange(20_000, 31_000, 10)
        wanted = [base + PORT_STRIDE * i + k for i in range(VALIDATORS + 2) for k in range(4)]
        if not ports_in_use(wanted):
            return base
    raise RuntimeError("no free block of loopback ports found")


@pytest.fixture(scope="package")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    binary = find_cometbft()  # fails with instructions (`make cometbft`) if missing
    directory: Path = tmp_path_factory.mktemp("net4")
    init_network(
        NetworkPlan(
            directory=directory,
            validators=VALIDATORS,
            base_port=_free_base(),
            block_interval=0.3,
            snapshot_interval=5,
            contracts=True,
        ),
        binary,
    )
    net = Network.load(directory)
    try:
        net.up()
        wait_until(lambda: min(h or 0 for h in net.heights().values()) >= 1, 60, "height 1")
        yield net
    finally:
        net.down(kill=True)


@pytest.fixture
def running(network: Network) -> Network:
    """The network with every node running (a failed test may have left one stopped)."""
    network.up()
    return network
