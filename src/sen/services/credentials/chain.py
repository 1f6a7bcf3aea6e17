"""Verification sources read from a chain's committed state: DIDs, accreditations, status lists.

A node verifies with :class:`ChainSources` over its own store; nothing is
fetched from anywhere. :func:`chain_time` is the chain's clock (the last
block's time), which issuing judges accreditation by.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sen.ledger.modules.status.records import load_bits, load_list
from sen.ledger.modules.trust.paths import accreditation_at
from sen.ledger.permissions import load_last_block_time
from sen.ledger.state import StateReader
from sen.services.credentials.verification import AccreditationAnswer, StatusListState
from sen.vc import Authorizer, KeyResolver
from sen.vc.resolvers import ledger_resolvers

if TYPE_CHECKING:
    from sen.node.node import Node

__all__ = ["ChainSources", "chain_time", "load_status_list"]


class ChainSources:
    """Verification ``Sources`` over a state reader (a node's store)."""

    def __init__(self, reader: StateReader) -> None:
        self.reader = reader

    def resolvers(self, at: int | None) -> tuple[KeyResolver, Authorizer]:
        return ledger_resolvers(self.reader, at)

    def accreditation(self, issuer: str, credential_type: str, at: int) -> AccreditationAnswer:
        found = accreditation_at(self.reader, issuer, credential_type, at)
        return AccreditationAnswer(
            ok=found.ok,
            error=found.error,
            reason=found.reason,
            root=found.root,
            path=tuple(a.accreditor for a in found.path),
        )

    def status_list(self, issuer: str, name: str) -> StatusListState | None:
        return load_status_list(self.reader, issuer, name)


def load_status_list(reader: StateReader, issuer: str, name: str) -> StatusListState | None:
    record = load_list(reader, issuer, name)
    bits = load_bits(reader, issuer, name)
    if record is None or bits is None:
        return None
    return StatusListState(
        issuer=record.issuer,
        name=record.name,
        purpose=record.purpose,
        size=record.size,
        bits=bits,
        updated=record.updated_time,
        height=record.updated_height,
    )


def chain_time(node: Node) -> int:
    """Unix seconds of the last committed block (the genesis time before the first)."""
    found = load_last_block_time(node.app.store)
    if found is not None:
        return found[0]
    last = node.engine.last
    if last is not None:
        return int(last.header.time.seconds)
    return int(node.app.genesis.genesis_time.seconds)
