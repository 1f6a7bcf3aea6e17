"""Building evidence receipts from a node's stores (the verifier is sen.light.receipt).

A receipt for one anchoring is made in three steps: find the anchoring
(:func:`_locate`), load the blocks that prove it (:func:`_load_proving_blocks`:
its block, the next block with its commit, the results, the validators), then
write the document (:func:`_receipt_document`). The first two raise
:class:`~sen.services.readmodels.errors.ReceiptUnavailable` saying why no
receipt can be made, or not yet.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from sen.ledger.light.merkle import proof_from_byte_slices
from sen.ledger.light.results import exec_tx_result_bytes, result_proof
from sen.ledger.light.txs import tx_proof
from sen.ledger.light.types import Commit, Header, ValidatorSet
from sen.ledger.tx import Tx, decode_tx
from sen.ledger.types import TxResult
from sen.light.receipt import FORMAT, VERSION, merkle_proof_to_json
from sen.node.node import Node
from sen.services.readmodels.errors import ReceiptUnavailable, Unprovable
from sen.store.blocks import StoredBlock
from sen.store.index import TxLocation


@dataclass(frozen=True, slots=True)
class _ProvingBlocks:
    """What proves one anchoring: its block and results, the next block, and who signed."""

    block: StoredBlock
    results: tuple[TxResult, ...]
    next_block: StoredBlock
    next_commit: dict[str, Any]
    validators: dict[str, Any]
    history: tuple[dict[str, Any], ...]


def build_receipt(node: Node, algorithm: str, digest: bytes, anchoring: int = 0) -> dict[str, Any]:
    """The receipt for the ``anchoring``-th (oldest first) anchoring of ``digest``."""
    location = _locate(node, algorithm, digest, anchoring)
    blocks = _load_proving_blocks(node, location)
    return _receipt_document(node, algorithm, digest, location, blocks)


def _locate(node: Node, algorithm: str, digest: bytes, anchoring: int) -> TxLocation:
    found = node.index.by_digest(algorithm, digest)
    if not found:
        raise ReceiptUnavailable(
            Unprovable.NOT_ANCHORED, f"{algorithm} digest {digest.hex()} has not been anchored"
        )
    if not 0 <= anchoring < len(found):
        raise ReceiptUnavailable(
            Unprovable.NO_SUCH_ANCHORING,
            f"anchoring {anchoring} does not exist; the digest has {len(found)} anchoring(s)",
        )
    return found[anchoring]


def _load_proving_blocks(node: Node, location: TxLocation) -> _ProvingBlocks:
    height = location.height
    blocks = node.engine.blocks
    block = blocks.load_block(height)
    next_block = blocks.load_block(height + 1)
    next_commit = blocks.load_commit(height + 1)
    results = node.app.store.load_results(height)
    if block is None or results is None:
        raise ReceiptUnavailable(
            Unprovable.BLOCK_NOT_STORED, f"block {height} is not stored on this node"
        )
    if next_block is None or next_commit is None or node.app.height <= height:
        raise ReceiptUnavailable(
            Unprovable.RESULT_NOT_COMMITTED,
            f"block {height + 1}, which proves the result, is not committed yet; "
            "retry after the next block",
        )
    validators = node.engine.validator_set(height + 1)
    history = node.engine.validator_history(height + 1)
    if validators is None:
        raise ReceiptUnavailable(
            Unprovable.VALIDATORS_NOT_KNOWN,
            f"the validator set of block {height + 1} is not available; retry",
        )
    return _ProvingBlocks(
        block, tuple(results), next_block, next_commit, validators, tuple(history)
    )


def _receipt_document(
    node: Node, algorithm: str, digest: bytes, location: TxLocation, blocks: _ProvingBlocks
) -> dict[str, Any]:
    """The receipt in its JSON form (``docs/spec/receipt.md``)."""
    tx = decode_tx(blocks.block.txs[location.index])
    return {
        "format": FORMAT,
        "version": VERSION,
        "chain_id": node.app.genesis.chain_id,
        "genesis_hash": node.app.genesis.hash.hex(),
        "evidence": {
            "algorithm": algorithm,
            "digest": digest.hex(),
            "batch": _batch_path(tx, location.leaf),
        },
        **_committed_tx(location, blocks),
    }


def committed_tx_proof(node: Node, height: int, index: int) -> dict[str, Any]:
    """What proves that the ``index``-th transaction of block ``height`` committed with its
    result: the members ``chain_id``, ``genesis_hash``, ``transaction``, ``result``,
    ``block``, ``next_block``, ``validators`` (and ``validator_history``) of an evidence
    receipt, which other
    receipts carry too (``docs/spec/traceability.md``). Raises
    :class:`~sen.services.readmodels.errors.ReceiptUnavailable` as :func:`build_receipt` does.
    """
    location = TxLocation(height, index, b"")
    blocks = _load_proving_blocks(node, location)
    if not 0 <= index < len(blocks.block.txs):
        raise ReceiptUnavailable(
            Unprovable.BLOCK_NOT_STORED, f"block {height} has no transaction {index}"
        )
    return {
        "chain_id": node.app.genesis.chain_id,
        "genesis_hash": node.app.genesis.hash.hex(),
        **_committed_tx(location, blocks),
    }


def _committed_tx(location: TxLocation, blocks: _ProvingBlocks) -> dict[str, Any]:
    raw_tx = blocks.block.txs[location.index]
    tx = decode_tx(raw_tx)
    inclusion = tx_proof(blocks.block.txs, location.index)
    result = blocks.results[location.index]
    return {
        "transaction": {
            "tx": base64.b64encode(raw_tx).decode(),
            "hash": tx.hash.hex(),
            "height": location.height,
            "index": location.index,
            "proof": merkle_proof_to_json(inclusion.proof),
        },
        "result": {
            "code": int(result.code),
            "data": result.data.hex(),
            "gas_wanted": result.gas_wanted,
            "gas_used": result.gas_used,
            "proof": _result_proof(blocks.results, location.index),
        },
        "block": {"header": _canonical(Header, blocks.block.header)},
        "next_block": {
            "header": _canonical(Header, blocks.next_block.header),
            "commit": _canonical(Commit, blocks.next_commit),
        },
        "validators": _canonical(ValidatorSet, blocks.validators),
        **(
            {"validator_history": [_canonical_hop(hop) for hop in blocks.history]}
            if blocks.history
            else {}
        ),
    }


def _canonical(kind: Any, value: object) -> dict[str, Any]:
    """The one JSON form a verifier accepts (CometBFT's RPC adds, e.g., proposer_priority)."""
    written: dict[str, Any] = kind.from_json(value).to_json()
    return written


def _canonical_hop(hop: dict[str, Any]) -> dict[str, Any]:
    return {
        "header": _canonical(Header, hop["header"]),
        "commit": _canonical(Commit, hop["commit"]),
        "next_validators": _canonical(ValidatorSet, hop["next_validators"]),
    }


def _batch_path(tx: Tx, leaf: int) -> dict[str, Any] | None:
    """For a batch anchoring, its root and the path from the digest at ``leaf`` to it."""
    if tx.action != "anchor_batch":
        return None
    root, path = proof_from_byte_slices(list(tx.args["digests"]), leaf)
    return {"root": root.hex(), "proof": merkle_proof_to_json(path)}


def _result_proof(results: tuple[TxResult, ...], index: int) -> dict[str, Any]:
    """The proof of result ``index`` under the next header's ``last_results_hash``."""
    encoded = [exec_tx_result_bytes(int(r.code), r.data, r.gas_wanted, r.gas_used) for r in results]
    _, proof = result_proof(encoded, index)
    return merkle_proof_to_json(proof)
