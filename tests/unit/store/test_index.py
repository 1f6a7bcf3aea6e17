"""The query index: transactions by hash, sender, action, digest and event, in chain order."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from sen.ledger.crypto import Ed25519Suite, SigningKey
from sen.ledger.rules import CheckedTx, execute_block, precheck, verify_signature
from sen.ledger.tx import Tx, sign_tx
from sen.ledger.types import BlockInfo, ChainParams, TxResult
from sen.store.appstore import AppStore
from sen.store.db import Database
from sen.store.index import Index, TxLocation, block_entries
from sen.store.smt import EMPTY

PARAMS = ChainParams(chain_id="sen-test")
ALICE = Ed25519Suite().load_private(b"\x01" * 32)
BOB = Ed25519Suite().load_private(b"\x02" * 32)


def digest(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def anchor(key: SigningKey, nonce: int, label: str, **extra: object) -> Tx:
    args = {"digest": digest(label), **extra}
    return sign_tx(
        key, chain_id="sen-test", nonce=nonce, module="evidence", action="anchor", args=args
    )


def batch(key: SigningKey, nonce: int, labels: Sequence[str]) -> Tx:
    args = {"digests": [digest(label) for label in labels]}
    return sign_tx(
        key, chain_id="sen-test", nonce=nonce, module="evidence", action="anchor_batch", args=args
    )


class Ledger:
    def __init__(self, path: Path) -> None:
        self.db = Database(path, sync=False)
        self.store = AppStore(self.db)
        self.index = Index(self.db)
        self.height = 0
        self.root = EMPTY

    def block(self, txs: Sequence[Tx | bytes]) -> list[TxResult]:
        raws = [t if isinstance(t, bytes) else t.raw for t in txs]
        self.height += 1
        items = [precheck(raw, PARAMS) for raw in raws]
        oks = [isinstance(i, CheckedTx) and verify_signature(i.tx) for i in items]
        info = BlockInfo(self.height, 1_700_000_000 + self.height, 0, bytes(20))
        with self.db.read() as txn:
            overlay, results = execute_block(self.store.reader(txn), items, oks, info, PARAMS)
        changes = overlay.changes()
        self.root, writes = self.store.compute_root(self.root, changes)
        hashes = [hashlib.sha256(raw).digest() for raw in raws]
        self.store.save_commit(
            height=self.height,
            app_hash=self.root,
            genesis_hash=bytes(32),
            changes=changes,
            tree_writes=writes,
            results=results,
            index_entries=block_entries(self.height, items, hashes, results),
        )
        return results


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    made = Ledger(tmp_path / "db")
    yield made
    made.db.close()


def positions(found: list[TxLocation]) -> list[tuple[int, int]]:
    return [(f.height, f.index) for f in found]


def test_locate_tx_finds_every_included_tx_even_failed_ones(ledger: Ledger) -> None:
    first, replay = anchor(ALICE, 0, "a"), anchor(ALICE, 5, "b")
    ledger.block([first])
    ledger.block([b"junk", replay])
    assert ledger.index.locate_tx(first.hash) == (1, 0)
    assert ledger.index.locate_tx(replay.hash) == (2, 1)
    assert ledger.index.locate_tx(hashlib.sha256(b"junk").digest()) == (2, 0)
    assert ledger.index.locate_tx(b"\x00" * 32) is None


def test_locate_tx_keeps_the_successful_inclusion_of_a_repeated_tx(ledger: Ledger) -> None:
    tx = anchor(ALICE, 0, "a")
    ledger.block([tx, tx])  # a faulty proposer includes it twice; the copy fails
    ledger.block([tx])  # and again later: nonce too low
    assert ledger.index.locate_tx(tx.hash) == (1, 0)


def test_by_sender_lists_a_senders_txs_in_chain_order(ledger: Ledger) -> None:
    ledger.block([anchor(ALICE, 0, "a"), anchor(BOB, 0, "b")])
    ledger.block([anchor(BOB, 1, "c"), anchor(ALICE, 1, "d"), anchor(ALICE, 9, "bad nonce")])
    ledger.block([anchor(ALICE, 2, "e")])
    alice = anchor(ALICE, 0, "x").sender
    bob = anchor(BOB, 0, "x").sender
    assert positions(ledger.index.by_sender(alice)) == [(1, 0), (2, 1), (2, 2), (3, 0)]
    assert positions(ledger.index.by_sender(bob)) == [(1, 1), (2, 0)]
    assert positions(ledger.index.by_sender(alice, limit=2)) == [(1, 0), (2, 1)]


def test_by_action_separates_anchor_from_anchor_batch(ledger: Ledger) -> None:
    ledger.block([anchor(ALICE, 0, "a"), batch(BOB, 0, ["x", "y"])])
    ledger.block([batch(ALICE, 1, ["z"])])
    assert positions(ledger.index.by_action("evidence", "anchor")) == [(1, 0)]
    assert positions(ledger.index.by_action("evidence", "anchor_batch")) == [(1, 1), (2, 0)]
    assert ledger.index.by_action("evidence", "anch") == []


def test_by_digest_lists_every_successful_anchoring_with_its_leaf(ledger: Ledger) -> None:
    one = anchor(ALICE, 0, "doc")
    two = batch(BOB, 0, ["other", "doc"])
    ledger.block([one])
    ledger.block([two, anchor(ALICE, 0, "doc")])  # the last one fails: nonce too low
    found = ledger.index.by_digest("sha-256", digest("doc"))
    assert [(f.height, f.index, f.leaf, f.tx_hash) for f in found] == [
        (1, 0, 0, one.hash),
        (2, 0, 1, two.hash),
    ]
    assert ledger.index.by_digest("sha-512", digest("doc")) == []


def test_by_event_finds_indexed_attributes_of_successful_txs(ledger: Ledger) -> None:
    ledger.block([anchor(ALICE, 0, "a", organisation="Bộ Tư pháp")])
    ledger.block(
        [
            anchor(BOB, 0, "b", organisation="Bộ Tư pháp"),
            anchor(ALICE, 7, "c", organisation="Bộ Tư pháp"),
        ]
    )
    found = ledger.index.by_event("evidence.anchor", "organisation", "Bộ Tư pháp")
    assert positions(found) == [(1, 0), (2, 0)]
    assert ledger.index.by_event("evidence.anchor", "organisation", "Bộ") == []


def test_rejected_envelopes_appear_only_by_hash(ledger: Ledger) -> None:
    wrong_chain = sign_tx(
        ALICE,
        chain_id="x",
        nonce=0,
        module="evidence",
        action="anchor",
        args={"digest": digest("w")},
    )
    ledger.block([wrong_chain])
    assert ledger.index.locate_tx(wrong_chain.hash) == (1, 0)
    assert ledger.index.by_sender(wrong_chain.sender) == []
    assert ledger.index.by_digest("sha-256", digest("w")) == []
