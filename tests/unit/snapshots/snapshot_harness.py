"""Helpers for the snapshot tests: nodes over throwaway LMDB databases, a state-sync driver."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from app_harness import CHAIN_ID, GENESIS_SECONDS, make_genesis_for

from sen.abci.types import (
    RequestApplySnapshotChunk,
    RequestFinalizeBlock,
    RequestInitChain,
    RequestLoadSnapshotChunk,
    RequestOfferSnapshot,
    ResponseApplySnapshotChunk,
    ResponseFinalizeBlock,
    ResponseOfferSnapshot,
    Snapshot,
)
from sen.consensus.app import SenApp
from sen.consensus.snapshots import SnapshotSettings
from sen.ledger.crypto import Ed25519Suite, SigningKey
from sen.ledger.light.types import Timestamp
from sen.ledger.tx import Tx, sign_tx
from sen.ledger.types import ChainParams
from sen.store.db import Database

GENESIS = make_genesis_for(ChainParams(chain_id=CHAIN_ID))
SOURCE_SETTINGS = SnapshotSettings(interval=3, keep=2, chunk_size=1024, background=False)
MEMBERS_PER_BLOCK = 50


def member(n: int) -> SigningKey:
    return Ed25519Suite().load_private(hashlib.sha256(f"member {n}".encode()).digest())


def anchor(key: SigningKey, nonce: int, label: str) -> Tx:
    return sign_tx(
        key,
        chain_id=CHAIN_ID,
        nonce=nonce,
        module="evidence",
        action="anchor",
        args={"digest": hashlib.sha256(label.encode()).digest()},
    )


class Node:
    """A SenApp over its own database, driven through the ABCI port like an engine would."""

    def __init__(
        self, path: Path, *, settings: SnapshotSettings | None = None, init: bool = True
    ) -> None:
        self.path = path
        self.settings = settings
        self.db = Database(path, sync=False)
        self.app = SenApp(self.db, GENESIS, snapshots=settings)
        self.app_hashes: dict[int, bytes] = {}
        if init:
            response = self.app.init_chain(
                RequestInitChain(
                    time=GENESIS.genesis_time,
                    chain_id=GENESIS.chain_id,
                    validators=(),
                    app_state_bytes=GENESIS.app_state_bytes(),
                    initial_height=1,
                )
            )
            self.app_hashes[0] = response.app_hash

    def run_block(self, txs: Sequence[bytes]) -> ResponseFinalizeBlock:
        height = self.app.height + 1
        response = self.app.finalize_block(
            RequestFinalizeBlock(
                txs=tuple(txs),
                hash=bytes(32),
                height=height,
                time=Timestamp(GENESIS_SECONDS + height, 0),
                next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        )
        self.app.commit()
        self.app_hashes[height] = response.app_hash
        return response

    def reopen(self) -> None:
        self.close()
        self.db = Database(self.path, sync=False)
        self.app = SenApp(self.db, GENESIS, snapshots=self.settings)

    def close(self) -> None:
        self.app.snapshots.wait()
        self.app.verifier.close()
        self.db.close()


def block_txs(height: int) -> list[bytes]:
    """Block ``height``: 50 members (a third of 150, in turn), each at its next nonce."""
    group = (height - 1) % 3
    nonce = (height - 1) // 3
    return [
        anchor(member(group * MEMBERS_PER_BLOCK + i), nonce, f"{height}/{i}").raw
        for i in range(MEMBERS_PER_BLOCK)
    ]


def fill(node: Node, blocks: int) -> None:
    for _ in range(blocks):
        response = node.run_block(block_txs(node.app.height + 1))
        assert [r.code for r in response.tx_results] == [0] * MEMBERS_PER_BLOCK


def snapshot_at(node: Node, height: int) -> Snapshot:
    for snapshot in node.app.list_snapshots().snapshots:
        if snapshot.height == height:
            return snapshot
    raise AssertionError(f"no snapshot at height {height}")


def chunks_of(node: Node, snapshot: Snapshot) -> list[bytes]:
    return [
        node.app.load_snapshot_chunk(
            RequestLoadSnapshotChunk(snapshot.height, snapshot.format, index)
        ).chunk
        for index in range(snapshot.chunks)
    ]


def offer(node: Node, snapshot: Snapshot, app_hash: bytes) -> ResponseOfferSnapshot:
    return node.app.offer_snapshot(RequestOfferSnapshot(snapshot, app_hash))


def apply(
    node: Node, index: int, chunk: bytes, sender: str = "peer-a"
) -> ResponseApplySnapshotChunk:
    return node.app.apply_snapshot_chunk(RequestApplySnapshotChunk(index, chunk, sender))


def apply_all(node: Node, chunks: Sequence[bytes]) -> list[ResponseApplySnapshotChunk]:
    return [apply(node, index, chunk) for index, chunk in enumerate(chunks)]


def state_rows(db: Database) -> int:
    with db.read() as txn:
        return int(txn.stat(db.table("state"))["entries"])
