"""Changing the directory: what a passed ``register_chain``, ``update_chain`` or
``remove_chain`` proposal does, against the state of the deciding vote.

Each function is given the payload its parser returned (kept in the proposal
record) and either applies all of it or raises, in which case governance
records the proposal as failed with the refusal's code and applies nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.directory.parsing import PREFIX
from sen.ledger.modules.directory.records import (
    ChainEntry,
    Dataset,
    Endpoint,
    Link,
    add_chain,
    delete_chain,
    load_chain,
    next_sequence,
    replace_chain,
)
from sen.ledger.modules.membership.registry import load_organisation
from sen.ledger.state import Overlay, StateReader
from sen.ledger.types import BlockInfo


def require_chain(state: StateReader, chain_id: str) -> ChainEntry:
    entry = load_chain(state, chain_id)
    if entry is None:
        raise TxRejected(
            ResultCode.UNKNOWN_CHAIN,
            "no such chain in the directory",
            field=PREFIX + "chain_id",
            expected="a chain in the directory",
            got=chain_id,
        )
    return entry


def require_operator(state: StateReader, organisation: str) -> None:
    """The operator is an organisation of this chain, and an active one."""
    found = load_organisation(state, organisation)
    if found is None:
        raise TxRejected(
            ResultCode.UNKNOWN_ORGANISATION,
            "the operator is not an organisation of this chain",
            field=PREFIX + "operator",
            expected="an organisation admitted to this chain",
            got=organisation,
        )
    if not found.active:
        raise TxRejected(
            ResultCode.ORGANISATION_REMOVED,
            "the operator was removed from this chain",
            field=PREFIX + "operator",
            expected="an active organisation",
            got=organisation,
        )


def _changes(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The entry fields a parsed payload gives, as the types of :class:`ChainEntry`."""
    changes: dict[str, Any] = {}
    for key in ("genesis_hash", "validators_hash"):
        if key in payload:
            changes[key] = bytes(payload[key])
    for key in ("operator", "sector"):
        if key in payload:
            changes[key] = str(payload[key])
    if "endpoints" in payload:
        changes["endpoints"] = tuple(Endpoint.from_value(e) for e in payload["endpoints"])
    if "links" in payload:
        changes["links"] = tuple(Link.from_value(link) for link in payload["links"])
    if "datasets" in payload:
        changes["datasets"] = tuple(Dataset.from_value(d) for d in payload["datasets"])
    return changes


def register_chain(state: Overlay, payload: Mapping[str, Any], block: BlockInfo) -> ChainEntry:
    chain_id = str(payload["chain_id"])
    if load_chain(state, chain_id) is not None:
        raise TxRejected(
            ResultCode.CHAIN_EXISTS,
            "the chain is in the directory already (update_chain changes it)",
            field=PREFIX + "chain_id",
            expected="a chain not in the directory",
            got=chain_id,
        )
    require_operator(state, str(payload["operator"]))
    entry = ChainEntry(
        chain_id=chain_id,
        sequence=next_sequence(state),
        registered_height=block.height,
        updated_height=block.height,
        **_changes(payload),
    )
    add_chain(state, entry)
    return entry


def update_chain(state: Overlay, payload: Mapping[str, Any], block: BlockInfo) -> ChainEntry:
    current = require_chain(state, str(payload["chain_id"]))
    if "operator" in payload:
        require_operator(state, str(payload["operator"]))
    updated = replace(current, updated_height=block.height, **_changes(payload))
    replace_chain(state, current, updated)
    return updated


def remove_chain(state: Overlay, payload: Mapping[str, Any], block: BlockInfo) -> ChainEntry:
    current = require_chain(state, str(payload["chain_id"]))
    delete_chain(state, current)
    return current
