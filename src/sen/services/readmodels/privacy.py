"""Privacy receipts (``sen.light.privacy_receipt``): a consent record or an erasure's
tombstone with its state proof and the signed header that carries the app hash, for the
data subject to keep and anyone to check offline with the genesis file."""

from __future__ import annotations

from typing import Any

from sen.light.privacy_receipt import FORMAT, VERSION
from sen.node.node import Node
from sen.services.readmodels.interchain import (
    PacketReceiptUnavailable,
    carrying_block,
    prove_keys,
    state_proof_json,
    validator_history,
)


class PrivacyReceiptUnavailable(Exception):
    """No receipt: ``retry`` when the next block will make it possible (the state holding the
    record is not signed yet), else the record does not exist."""

    def __init__(self, message: str, *, retry: bool) -> None:
        self.retry = retry
        super().__init__(message)


def build_privacy_receipt(node: Node, kind: str, key: bytes) -> dict[str, Any]:
    """The receipt of the ``kind`` record (``consent`` or ``erasure``) under ``key``."""
    proved = prove_keys(node, [key])
    ((_, value, proof),) = proved.values
    if value is None:
        raise PrivacyReceiptUnavailable(f"no {kind} record under this key", retry=False)
    try:
        block = carrying_block(node, proved)
    except PacketReceiptUnavailable as exc:
        raise PrivacyReceiptUnavailable(str(exc), retry=exc.retry) from None
    hops = validator_history(node, block.height)
    return {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "chain_id": node.app.genesis.chain_id,
        "genesis_hash": node.app.genesis.hash.hex(),
        "key": key.hex(),
        "value": value.hex(),
        "proof": state_proof_json(proof),
        "signed_header": {
            "header": block.header, "commit": block.commit, "validators": block.validators,
        },
        **({"validator_history": hops} if hops else {}),
    }  # fmt: skip
