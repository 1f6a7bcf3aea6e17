"""A state record with its state proof, as the REST API serves it (privacy, trace).

A reader checks ``proof`` over ``value`` against ``app_hash`` and decodes ``value`` itself,
so it need not trust the node (``docs/spec/state-proofs.md``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from sen.api.schemas import Schema, StateProofView
from sen.ledger import encoding
from sen.node.node import Node


class Proved(Schema):
    key: str = Field(description="The record's state key, hex.")
    value: str = Field(description="The record's canonical encoding, hex, which `proof` proves.")
    height: int = Field(description="The height it was read at.")
    app_hash: str = Field(description="The app hash after that height.")
    proof: StateProofView


def proved(node: Node, key: bytes) -> tuple[dict[str, Any], Proved] | None:
    """The record under ``key`` (decoded) and its proof; None when there is none."""
    height, app_hash, stored, proof = node.app.store.prove(key)
    if stored is None:
        return None
    value = encoding.decode(stored)
    assert isinstance(value, dict)
    view = Proved(
        key=key.hex(), value=stored.hex(), height=height, app_hash=app_hash.hex(),
        proof=StateProofView.of(app_hash, proof),
    )  # fmt: skip
    return value, view
