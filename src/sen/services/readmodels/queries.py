"""Read helpers over a node's stores: transactions, blocks, accounts and anchorings.

They only read (committed state, the block store, the index and the
mempool) and return frozen records; the REST API turns those into JSON.
Nothing here is consensus-critical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sen.ledger.errors import TxRejected
from sen.ledger.light.header import header_hash
from sen.ledger.light.types import Header
from sen.ledger.rules import load_nonce
from sen.ledger.tx import Tx, decode_tx
from sen.ledger.types import TxResult
from sen.node.node import Node
from sen.store.blocks import StoredBlock

TxStatus = Literal["committed", "pending"]


@dataclass(frozen=True, slots=True)
class TxRecord:
    """A transaction this node knows: committed (with its result) or waiting in the mempool."""

    hash: bytes
    status: TxStatus
    raw: bytes
    height: int | None = None
    index: int | None = None
    result: TxResult | None = None

    def decoded(self) -> Tx | None:
        """The decoded transaction, or None if its envelope does not decode."""
        try:
            return decode_tx(self.raw)
        except TxRejected:
            return None


@dataclass(frozen=True, slots=True)
class BlockRecord:
    height: int
    block_hash: bytes
    block: StoredBlock
    commit: dict[str, Any] | None
    results: tuple[TxResult, ...]


@dataclass(frozen=True, slots=True)
class Anchoring:
    """One anchoring of a digest, as the index and the stored block show it."""

    height: int
    time: str
    tx_hash: bytes
    index: int
    leaf: int
    batch: bool
    title: str
    organisation: str
    reference: str
    sender: bytes


@dataclass(frozen=True, slots=True)
class NodeStatus:
    chain_id: str
    height: int
    app_hash: bytes
    latest_block_time: str | None
    mempool_txs: int
    mempool_bytes: int


def find_tx(node: Node, tx_hash: bytes) -> TxRecord | None:
    """The committed or pending transaction with this hash, or None if unknown."""
    location = node.index.locate_tx(tx_hash)
    if location is not None:
        height, index = location
        raw = node.engine.blocks.load_tx(height, index)
        result = node.app.store.load_result(height, index)
        if raw is not None and result is not None:
            return TxRecord(tx_hash, "committed", raw, height, index, result)
    pending = node.engine.mempool.get(tx_hash)
    if pending is not None:
        return TxRecord(tx_hash, "pending", pending)
    return None


def is_known_tx(node: Node, tx_hash: bytes) -> bool:
    """True if the transaction is waiting in the mempool or already committed."""
    return tx_hash in node.engine.mempool or node.index.locate_tx(tx_hash) is not None


def load_block_record(node: Node, height: int) -> BlockRecord | None:
    """A committed block with its commit and results; None above the committed height."""
    if height < 1 or height > node.app.height:
        return None
    block = node.engine.blocks.load_block(height)
    if block is None:
        return None
    results = node.app.store.load_results(height) or []
    return BlockRecord(
        height=height,
        block_hash=header_hash(Header.from_json(block.header)),
        block=block,
        commit=node.engine.blocks.load_commit(height),
        results=tuple(results),
    )


def account_nonce(node: Node, address: bytes) -> int:
    """The committed next nonce of an account (0 for an account never seen)."""
    return load_nonce(node.app.store, address)


def find_anchorings(node: Node, algorithm: str, digest: bytes) -> list[Anchoring]:
    """Every anchoring of ``digest`` under ``algorithm``, oldest first."""
    blocks: dict[int, StoredBlock | None] = {}
    found: list[Anchoring] = []
    for location in node.index.by_digest(algorithm, digest):
        if location.height not in blocks:
            blocks[location.height] = node.engine.blocks.load_block(location.height)
        block = blocks[location.height]
        if block is None or location.index >= len(block.txs):
            continue
        tx = decode_tx(block.txs[location.index])
        found.append(
            Anchoring(
                height=location.height,
                time=str(block.header["time"]),
                tx_hash=location.tx_hash,
                index=location.index,
                leaf=location.leaf,
                batch=tx.action == "anchor_batch",
                title=_text(tx, "title"),
                organisation=_text(tx, "organisation"),
                reference=_text(tx, "reference"),
                sender=tx.sender,
            )
        )
    return found


def _text(tx: Tx, key: str) -> str:
    value = tx.args.get(key, "")
    return value if isinstance(value, str) else ""


def node_status(node: Node) -> NodeStatus:
    last = node.engine.last
    return NodeStatus(
        chain_id=node.app.genesis.chain_id,
        height=node.app.height,
        app_hash=node.app.app_hash,
        latest_block_time=None if last is None else last.header.time.to_rfc3339(),
        mempool_txs=len(node.engine.mempool),
        mempool_bytes=node.engine.mempool.size_bytes,
    )
