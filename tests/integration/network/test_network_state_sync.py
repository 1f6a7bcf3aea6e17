"""A full node joins a running network by state sync (``add-node --state-sync``) and keeps up.

Needs CometBFT v0.38 (``make cometbft``), Sen's CometBFT mode and its snapshots.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sen.network import (
    Network,
    NetworkPlan,
    add_full_node,
    find_cometbft,
    find_free_base,
    init_network,
    trust_from_network,
)
from sen.network.errors import CometbftNotFound
from sen.network.rpc import get_json
from sen.sdk import Client, generate_key
from sen.store.snapshots import SnapshotStore

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cometbft() -> Path:
    try:
        return find_cometbft()
    except CometbftNotFound as exc:  # a missing piece fails, it is never skipped
        pytest.fail(f"needs CometBFT v0.38; install it with `make cometbft` ({exc})")


@pytest.fixture
def network(tmp_path: Path, cometbft: Path) -> Iterator[Network]:
    base = find_free_base(4, start=random.randrange(20000, 31000, 100))
    plan = NetworkPlan(
        tmp_path / "net", 2, base_port=base, block_interval=0.3, snapshot_interval=10
    )
    made = Network(init_network(plan, cometbft))
    try:
        yield made
    finally:
        made.down()
        made.down(kill=True)
        for node in made.manifest.nodes:
            for log in sorted((node.home / "logs").glob("*.log")):
                print(f"===== {log}\n{log.read_text()[-4000:]}")


def _eventually(check: Callable[[], bool], what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.3)


class Traffic:
    """Anchors a document every ``pause`` seconds so that the network keeps making blocks."""

    def __init__(self, api_url: str, pause: float = 0.5) -> None:
        self.api_url = api_url
        self.pause = pause
        self.stopping = threading.Event()
        self.count = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        key = generate_key()
        with Client.http(self.api_url, timeout=30) as client:
            while not self.stopping.is_set():
                digest = hashlib.sha256(f"document {self.count}".encode()).digest()
                client.anchor(key, digest, wait=True, timeout=30)
                self.count += 1
                self.stopping.wait(self.pause)

    def __enter__(self) -> Traffic:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=40)


def test_a_full_node_joins_by_state_sync(network: Network, cometbft: Path) -> None:
    network.up(timeout=90)
    with Traffic(network.manifest.nodes[0].api_url) as traffic:
        _eventually(lambda: traffic.count >= 4, "four anchored documents")
        snapshots = SnapshotStore(network.manifest.nodes[0].home / "data" / "snapshots")
        _eventually(
            lambda: bool(snapshots.heights()),
            "node0 to take a snapshot (sen.toml [snapshots] interval = 10)",
            timeout=60,
        )
        trust = trust_from_network(network.manifest)
        network.manifest = add_full_node(network.manifest, "joiner", cometbft, state_sync=trust)
        network.start_node("joiner", timeout=90)
        joiner = network.manifest.node("joiner")

        def caught_up() -> bool:
            status = network.status(["joiner"])[0]
            return status.catching_up is False and (status.height or 0) > trust.trust_height

        _eventually(caught_up, "the joiner to catch up", timeout=120)
        sync_info = get_json(f"{joiner.rpc_url}/status")["result"]["sync_info"]
        assert int(sync_info["earliest_block_height"]) > 1  # restored a snapshot, no replay
        _eventually(
            lambda: (network.status(["joiner"])[0].app_height or 0) > trust.trust_height,
            "the joiner's Sen API to follow",
        )
