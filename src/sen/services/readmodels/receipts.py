"""Building evidence receipts from a node's stores (the verifier is sen.light.receipt)."""

from __future__ import annotations

import base64
from typing import Any

from sen.ledger.tx import decode_tx
from sen.light.merkle import proof_from_byte_slices
from sen.light.receipt import FORMAT, VERSION, merkle_proof_to_json
from sen.light.results import exec_tx_result_bytes, result_proof
from sen.light.txs import tx_proof
from sen.node.node import Node
from sen.services.readmodels.errors import ReceiptUnavailable, Unprovable


def build_receipt(node: Node, algorithm: str, digest: bytes, anchoring: int = 0) -> dict[str, Any]:
    """The receipt for the ``anchoring``-th (oldest first) anchoring of ``digest``."""
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
    location = found[anchoring]
    blocks = node.engine.blocks
    block = blocks.load_block(location.height)
    next_block = blocks.load_block(location.height + 1)
    next_commit = blocks.load_commit(location.height + 1)
    results = node.app.store.load_results(location.height)
    if block is None or results is None:
        raise ReceiptUnavailable(
            Unprovable.BLOCK_NOT_STORED, f"block {location.height} is not stored on this node"
        )
    if next_block is None or next_commit is None or node.app.height <= location.height:
        raise ReceiptUnavailable(
            Unprovable.RESULT_NOT_COMMITTED,
            f"block {location.height + 1}, which proves the result, is not committed yet; "
            "retry after the next block",
        )
    validators = node.engine.validator_set(location.height + 1)
    history = node.engine.validator_history(location.height + 1)
    if validators is None:
        raise ReceiptUnavailable(
            Unprovable.VALIDATORS_NOT_KNOWN,
            f"the validator set of block {location.height + 1} is not available; retry",
        )
    raw_tx = block.txs[location.index]
    tx = decode_tx(raw_tx)
    inclusion = tx_proof(block.txs, location.index)
    result = results[location.index]
    encoded_results = [
        exec_tx_result_bytes(int(r.code), r.data, r.gas_wanted, r.gas_used) for r in results
    ]
    _, proof_of_result = result_proof(encoded_results, location.index)
    batch: dict[str, Any] | None = None
    if tx.action == "anchor_batch":
        digests = list(tx.args["digests"])
        root, path = proof_from_byte_slices(digests, location.leaf)
        batch = {"root": root.hex(), "proof": merkle_proof_to_json(path)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "chain_id": node.app.genesis.chain_id,
        "genesis_hash": node.app.genesis.hash.hex(),
        "evidence": {"algorithm": algorithm, "digest": digest.hex(), "batch": batch},
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
            "proof": merkle_proof_to_json(proof_of_result),
        },
        "block": {"header": block.header},
        "next_block": {"header": next_block.header, "commit": next_commit},
        "validators": validators,
        **({"validator_history": history} if history else {}),
    }
