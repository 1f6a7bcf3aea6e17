"""A real 4-validator CometBFT network on loopback: up, blocks, a validator down and back, down.

Needs CometBFT v0.38 (``make cometbft``) and Sen's CometBFT mode of ``sen node run``.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sen.network import Network, NetworkPlan, find_cometbft, find_free_base, init_network
from sen.network.errors import CometbftNotFound
from sen.network.rpc import block_hash
from sen.sdk import Client, generate_key

pytestmark = pytest.mark.slow

VALIDATORS = 4


@pytest.fixture(scope="module")
def cometbft() -> Path:
    try:
        return find_cometbft()
    except CometbftNotFound as exc:
        pytest.fail(f"needs CometBFT v0.38; install it with `make cometbft` ({exc})")


@pytest.fixture
def network(tmp_path: Path, cometbft: Path) -> Iterator[Network]:
    base = find_free_base(VALIDATORS + 1, start=random.randrange(20000, 31000, 100))
    plan = NetworkPlan(tmp_path / "net", VALIDATORS, base_port=base, block_interval=0.3)
    made = Network(init_network(plan, cometbft))
    try:
        yield made
    finally:
        made.down()  # SIGTERM, SIGKILL after a timeout
        made.down(kill=True)
        logs = [p for n in made.manifest.nodes for p in (n.home / "logs").glob("*.log")]
        for log in logs:  # shown by pytest only when the test failed
            print(f"===== {log}\n{log.read_text()[-3000:]}")


def _eventually(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.2)


def _sen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sen.cli.main", "network", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _min_height(network: Network, names: list[str] | None = None) -> int:
    heights = network.heights(names)
    return min((h if h is not None else -1) for h in heights.values())


def _anchor(network: Network, name: str, document: bytes) -> None:
    with Client.http(network.manifest.node(name).api_url, timeout=60) as client:
        client.anchor(generate_key(), hashlib.sha256(document).digest(), wait=True, timeout=60)


def test_cli_up_status_down(network: Network) -> None:
    directory = str(network.manifest.directory)
    started = _sen("up", "--dir", directory)
    assert started.returncode == 0, started.stdout + started.stderr
    _eventually(lambda: _min_height(network) >= 1, "every node at height 1")
    _eventually(
        lambda: all(s.peers == VALIDATORS - 1 for s in network.status()), "every node with 3 peers"
    )
    shown = _sen("status", "--dir", directory, "--json")
    assert shown.returncode == 0, shown.stderr
    nodes = json.loads(shown.stdout)["nodes"]
    assert [n["state"] for n in nodes] == ["running"] * VALIDATORS
    assert [n["voting_power"] for n in nodes] == [10] * VALIDATORS
    assert all(n["api_healthy"] for n in nodes)
    hashes = {block_hash(n.rpc_url, 1) for n in network.manifest.nodes}
    assert len(hashes) == 1  # one chain
    stopped = _sen("down", "--dir", directory)
    assert stopped.returncode == 0, stopped.stderr
    assert "Stopped node0, node1, node2, node3" in stopped.stdout
    assert [s.state for s in network.status()] == ["not running"] * VALIDATORS


def test_blocks_advance_with_a_validator_down_and_it_catches_up(network: Network) -> None:
    network.up(timeout=90)
    _eventually(lambda: _min_height(network) >= 1, "every node at height 1")
    before = max(h or 0 for h in network.heights().values())
    _anchor(network, "node0", b"first document")
    _eventually(lambda: _min_height(network) > before, "every node past the anchor's block")

    network.stop_node("node3")  # 30 of 40 voting power remain: more than 2/3
    assert network.status(["node3"])[0].state == "not running"
    running = ["node0", "node1", "node2"]
    during = _min_height(network, running)
    _anchor(network, "node1", b"second document")
    _eventually(lambda: _min_height(network, running) > during, "blocks without node3")

    network.start_node("node3", timeout=90)
    target = _min_height(network, running)
    _eventually(lambda: _min_height(network, ["node3"]) >= target, "node3 catching up")
    status = network.status(["node3"])[0]
    assert status.state == "running"
    _eventually(
        lambda: (network.status(["node3"])[0].app_height or 0) >= target, "node3's app height"
    )
