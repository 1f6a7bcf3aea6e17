"""The embedded engine end to end, in-process: a real Node in a temporary home."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.consensus.errors import MempoolFull
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import Ed25519Suite
from sen.ledger.light.commit import verify_commit
from sen.ledger.light.errors import CommitHeightMismatch
from sen.ledger.light.header import header_hash
from sen.ledger.light.parts import block_id, encode_block
from sen.ledger.light.results import exec_tx_result_bytes, results_hash
from sen.ledger.light.types import Commit, Header
from sen.ledger.tx import Tx, sign_tx
from sen.light.genesis import load_genesis
from sen.node.config import NodeConfig, load_config
from sen.node.node import Node, init_home

pytestmark = pytest.mark.timeout(60)

MEMBER = Ed25519Suite().load_private(b"\x11" * 32)
OTHER = Ed25519Suite().load_private(b"\x22" * 32)


def anchor(node: Node, nonce: int, label: str, key: object = MEMBER) -> Tx:
    return sign_tx(
        key,  # type: ignore[arg-type]
        chain_id=node.app.genesis.chain_id,
        nonce=nonce,
        module="evidence",
        action="anchor",
        args={"digest": hashlib.sha256(label.encode()).digest()},
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    init_home(tmp_path / "node", chain_id="sen-engine-test", block_interval=0.05)
    return tmp_path / "node"


@pytest.fixture
def node(home: Path) -> Iterator[Node]:
    opened = Node.open(load_config(home))
    opened.start()
    yield opened
    opened.close()


def settle(node: Node, quiet: float = 0.5, timeout: float = 10.0) -> int:
    """Wait until no block has been made for ``quiet`` seconds; return the height."""
    deadline = time.monotonic() + timeout
    height, since = node.app.height, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        if node.app.height != height:
            height, since = node.app.height, time.monotonic()
        elif time.monotonic() - since >= quiet and len(node.engine.mempool) == 0:
            return height
    raise AssertionError("the engine never went idle")


def load_header(node: Node, height: int) -> Header:
    stored = node.engine.blocks.load_block(height)
    assert stored is not None
    return Header.from_json(stored.header)


def load_commit(node: Node, height: int) -> Commit:
    stored = node.engine.blocks.load_commit(height)
    assert stored is not None
    return Commit.from_json(stored)


def submit_and_wait(node: Node, txs: list[Tx]) -> None:
    responses = node.engine.submit([t.raw for t in txs])
    assert [r.code for r in responses] == [0] * len(txs), responses
    deadline = time.monotonic() + 10
    while any(node.index.locate_tx(t.hash) is None for t in txs):
        assert time.monotonic() < deadline, "transactions were never committed"
        time.sleep(0.02)


def test_no_blocks_are_made_while_idle(node: Node) -> None:
    assert node.engine.wait_for_height(1, timeout=5)
    height = settle(node, quiet=0.3)
    time.sleep(1.0)
    assert node.app.height == height


def test_empty_blocks_come_one_per_interval_not_one_per_block_interval(home: Path) -> None:
    config = load_config(home)
    engine = dataclasses.replace(config.engine, create_empty_blocks=True, empty_block_interval=60)
    opened = Node.open(dataclasses.replace(config, engine=engine))
    opened.engine.handshake()  # the test makes the blocks: no thread
    try:
        embedded = opened.embedded()
        embedded.produce_block()
        assert not embedded._should_produce()  # 60 s not passed: idle, however short the block
        assert 59 < embedded._idle_wait() <= 60  # ... interval is; it sleeps until then
        embedded._last_produced -= 60
        assert embedded._should_produce() and embedded._idle_wait() == 0
    finally:
        opened.close()


def test_a_block_with_txs_is_followed_by_one_proof_block_then_nothing(node: Node) -> None:
    settle(node, quiet=0.2)
    tx = anchor(node, 0, "a")
    submit_and_wait(node, [tx])
    located = node.index.locate_tx(tx.hash)
    assert located is not None
    tx_height = located[0]
    assert node.engine.wait_for_height(tx_height + 1, timeout=5)
    time.sleep(1.0)
    assert node.app.height == tx_height + 1
    proof = node.engine.blocks.load_block(tx_height + 1)
    assert proof is not None and proof.txs == ()
    results = node.app.store.load_results(tx_height)
    assert results is not None and [r.code for r in results] == [ResultCode.OK]
    header = load_header(node, tx_height + 1)
    assert header.last_results_hash == results_hash(
        [exec_tx_result_bytes(int(r.code), r.data, r.gas_wanted, r.gas_used) for r in results]
    )
    assert header.app_hash == node.app.app_hash  # the proof block commits the state after txs


def test_transactions_are_committed_in_submission_order(node: Node) -> None:
    txs = [anchor(node, n, f"doc-{n}") for n in range(6)]
    others = [anchor(node, n, f"other-{n}", key=OTHER) for n in range(3)]
    node.engine.submit([t.raw for t in txs[:3]])
    node.engine.submit([others[0].raw, txs[3].raw, others[1].raw])
    submit_and_wait(node, [txs[4], txs[5], others[2]])
    order = [node.index.locate_tx(t.hash) for t in (*txs[:3], others[0], txs[3], others[1])]
    order += [node.index.locate_tx(t.hash) for t in (txs[4], txs[5], others[2])]
    assert all(o is not None for o in order)
    assert order == sorted(order)  # type: ignore[type-var]
    for height in {o[0] for o in order if o is not None}:
        results = node.app.store.load_results(height)
        assert results is not None and all(r.ok for r in results)


def test_full_mempool_refuses_and_adds_nothing(home: Path) -> None:
    config = load_config(home)
    small = dataclasses.replace(
        config, engine=dataclasses.replace(config.engine, mempool_max_txs=2)
    )
    assert isinstance(small, NodeConfig)
    opened = Node.open(small)
    try:
        opened.engine.handshake()  # not started: nothing drains the mempool
        first = [anchor(opened, 0, "a").raw, anchor(opened, 1, "b").raw]
        assert [r.code for r in opened.engine.submit(first)] == [0, 0]
        with pytest.raises(MempoolFull):
            opened.engine.submit([anchor(opened, 2, "c").raw])
        assert len(opened.engine.mempool) == 2
        assert opened.app.pending_nonce(anchor(opened, 0, "x").sender) == 2
        opened.engine.mempool.remove([hashlib.sha256(first[1]).digest()])
        with pytest.raises(MempoolFull):  # one slot left, two offered: none taken
            opened.engine.submit([anchor(opened, 2, "c").raw, anchor(opened, 3, "d").raw])
        assert len(opened.engine.mempool) == 1
    finally:
        opened.close()


def test_restart_keeps_height_and_app_hash(home: Path) -> None:
    first = Node.open(load_config(home))
    first.start()
    submit_and_wait(first, [anchor(first, n, f"r{n}") for n in range(3)])
    height = settle(first)
    app_hash = first.app.app_hash
    first.close()

    again = Node.open(load_config(home))
    try:
        again.start()
        assert (again.app.height, again.app.app_hash) == (height, app_hash)
        time.sleep(0.5)
        assert again.app.height == height  # nothing to do after a restart while idle
        tx = anchor(again, 3, "after restart")
        submit_and_wait(again, [tx])
        result = again.app.store.load_results(again.index.locate_tx(tx.hash)[0])  # type: ignore[index]
        assert result is not None and result[0].ok  # the nonce survived the restart
    finally:
        again.close()


def test_headers_chain_and_commits_verify_against_genesis(node: Node, home: Path) -> None:
    submit_and_wait(node, [anchor(node, 0, "x")])
    submit_and_wait(node, [anchor(node, 1, "y"), anchor(node, 2, "z")])
    top = settle(node)
    assert top >= 3
    genesis = load_genesis(load_config(home).genesis_path.read_bytes())
    validators = genesis.validator_set()
    previous = None
    for height in range(1, top + 1):
        header = load_header(node, height)
        commit = load_commit(node, height)
        stored = node.engine.blocks.load_block(height)
        assert stored is not None
        last_commit = None if stored.last_commit is None else Commit.from_json(stored.last_commit)
        assert commit.block_id == block_id(
            header_hash(header), encode_block(header, stored.txs, last_commit)
        )
        verify_commit(genesis.chain_id, validators, commit.block_id, height, commit)
        assert header.chain_id == genesis.chain_id and header.height == height
        if previous is not None:
            assert header.last_block_id == previous
        previous = commit.block_id
    last = load_commit(node, top)
    with pytest.raises(CommitHeightMismatch):
        verify_commit(genesis.chain_id, validators, last.block_id, top - 1, last)
