"""Crash recovery: a node killed with SIGKILL at any instant restarts consistent.

A driver process opens the node and submits signed evidence transactions in a
loop, printing each transaction it saw committed. We kill it at several points,
reopen the node in-process, and check that nothing it reported was lost and
that the app hash equals a replay of every stored block into a fresh app.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from sen.abci.types import RequestFinalizeBlock, RequestInitChain, ValidatorUpdate
from sen.consensus.app import SenApp
from sen.ledger.light.types import Header
from sen.node.config import load_config
from sen.node.node import Node, init_home
from sen.store.db import Database

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

DRIVER = textwrap.dedent(
    """
    import hashlib, sys, time
    from pathlib import Path
    from sen.ledger.crypto import Ed25519Suite
    from sen.ledger.tx import sign_tx
    from sen.node.config import load_config
    from sen.node.node import Node

    home, run = Path(sys.argv[1]), sys.argv[2]
    node = Node.open(load_config(home))
    node.start()
    keys = [Ed25519Suite().load_private(bytes([i]) * 32) for i in (7, 8)]
    chain_id = node.app.genesis.chain_id
    print("READY", node.app.height, flush=True)
    round_ = 0
    while True:
        txs = []
        for key in keys:
            address = sign_tx(key, chain_id=chain_id, nonce=0, module="m", action="a",
                              args={}).sender
            nonce = node.app.pending_nonce(address)
            for extra in range(2):
                digest = hashlib.sha256(f"{run}/{round_}/{extra}/{key.public_key.hex()}".encode())
                txs.append(sign_tx(key, chain_id=chain_id, nonce=nonce + extra, module="evidence",
                                   action="anchor", args={"digest": digest.digest()}))
        responses = node.engine.submit([t.raw for t in txs])
        assert all(r.code == 0 for r in responses), responses
        pending = list(txs)
        while pending:
            time.sleep(0.005)
            still = []
            for tx in pending:
                where = node.index.locate_tx(tx.hash)
                if where is None:
                    still.append(tx)
                else:
                    print("COMMITTED", tx.hash.hex(), where[0], where[1], flush=True)
            pending = still
        round_ += 1
    """
)


def run_driver(script: Path, home: Path, run: str, kill_after: float) -> list[str]:
    process = subprocess.Popen(
        [sys.executable, str(script), str(home), run],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()
    ready = time.monotonic() + 15
    while not any(line.startswith("READY") for line in lines) and process.poll() is None:
        assert time.monotonic() < ready, "driver never opened the node"
        time.sleep(0.01)
    time.sleep(kill_after)
    alive = process.poll() is None
    process.kill()  # SIGKILL: no cleanup, no flush of anything but what LMDB synced
    process.wait()
    reader.join()
    stderr = process.stderr.read() if process.stderr else ""  # type: ignore[union-attr]
    assert alive, f"the driver died on its own:\n{stderr}"
    return lines


def replayed_app_hash(node: Node, workdir: Path) -> list[bytes]:
    """App hash after each height, from replaying the stored blocks into a fresh app."""
    genesis = node.app.genesis
    db = Database(workdir, sync=False)
    app = SenApp(db, genesis)
    try:
        app.init_chain(
            RequestInitChain(
                time=genesis.genesis_time,
                chain_id=genesis.chain_id,
                validators=tuple(  # as the engine (and CometBFT) pass them
                    ValidatorUpdate("ed25519", v.pub_key, v.power) for v in genesis.validators
                ),
                app_state_bytes=genesis.app_state_bytes(),
                initial_height=genesis.initial_height,
            )
        )
        hashes = [app.app_hash]
        for height in range(1, node.app.height + 1):
            block = node.engine.blocks.load_block(height)
            assert block is not None, f"block {height} missing"
            header = Header.from_json(block.header)
            assert header.app_hash == hashes[-1], f"header {height} built on another state"
            app.finalize_block(
                RequestFinalizeBlock(
                    txs=block.txs,
                    hash=bytes(32),
                    height=height,
                    time=header.time,
                    next_validators_hash=header.next_validators_hash,
                    proposer_address=header.proposer_address,
                )
            )
            app.commit()
            hashes.append(app.app_hash)
        return hashes
    finally:
        app.verifier.close()
        db.close()


def test_node_killed_at_any_instant_restarts_with_every_reported_tx(tmp_path: Path) -> None:
    home = tmp_path / "node"
    init_home(home, chain_id="sen-crash-test", block_interval=0.05)
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    rng = random.Random(20240601)
    delays = [0.3, 1.0, 2.0, *(round(rng.uniform(0.05, 1.5), 3) for _ in range(3))]
    reported: dict[str, tuple[int, int]] = {}
    last_reported_height = 0
    for run, delay in enumerate(delays):
        lines = run_driver(script, home, f"run{run}", delay)
        for line in lines:
            # a line cut short by the kill was never fully reported: ignore it
            if line.startswith("COMMITTED") and line.endswith("\n"):
                _, tx_hash, height, index = line.split()
                reported[tx_hash] = (int(height), int(index))
                last_reported_height = max(last_reported_height, int(height))

        node = Node.open(load_config(home))
        try:
            node.engine.handshake()  # replays a block saved but not yet applied
            assert node.app.height >= last_reported_height, f"run {run}: height went back"
            hashes = replayed_app_hash(node, tmp_path / f"replay{run}")
            assert node.app.app_hash == hashes[-1], f"run {run} (kill after {delay}s)"
            for tx_hash, where in reported.items():
                assert node.index.locate_tx(bytes.fromhex(tx_hash)) == where, tx_hash
                results = node.app.store.load_results(where[0])
                assert results is not None and results[where[1]].ok, tx_hash
        finally:
            node.close()
    assert len(reported) >= 10, "the driver committed too little to test anything"
