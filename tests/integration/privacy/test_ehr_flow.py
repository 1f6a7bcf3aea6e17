"""The health-records exchange end to end (``python -m sen.services.vault.demo``) against a
running node, through the SDK as the guide runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.api.inprocess import in_process_client
from sen.ledger.pii import scan_chain
from sen.node.config import load_config
from sen.node.node import Node, init_home
from sen.services.vault.demo import RECORD, run


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    config = init_home(tmp_path / "home", chain_id="vn-health", block_interval=0.05)
    running = Node.open(load_config(config.home))
    running.start()
    yield running
    running.close()


def test_the_exchange_runs_end_to_end(node: Node, tmp_path: Path) -> None:
    said: list[str] = []
    client = in_process_client(node)
    try:
        trail = run(client, tmp_path / "vault", said.append)
    finally:
        client.close()
    assert trail.read == RECORD  # the diacritics round-trip exactly
    assert trail.proven_reads == 1
    assert trail.refused_after_withdrawal == "withdrawn"
    assert trail.erasure_receipt_height > 0
    assert [line[:2] for line in said] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    # the auditor's sweep of every block, every result and the state: no personal data
    heights = range(1, node.app.height + 1)
    blocks = []
    for height in heights:
        block = node.engine.blocks.load_block(height)
        assert block is not None
        blocks.append((height, block.txs))
    results = [(h, list(node.app.store.load_results(h) or [])) for h in heights]
    state = node.app.store.scan(b"", b"\xff" * 8, 1_000_000)
    assert sum(len(txs) for _, txs in blocks) == 8  # every step of the run is on chain
    assert scan_chain(blocks, results, state) == []
