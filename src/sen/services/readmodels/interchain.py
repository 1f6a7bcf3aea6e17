"""What a relayer reads from a node: signed headers, proofs, pending packets, acknowledgements.

A relayer carries a chain's own words to another chain, which checks them
itself, so nothing here needs to be trusted: a signed header is verified by the
other chain's light client, a proof against that header's app hash, a packet
against its commitment. These reads only make relaying possible:

- :func:`load_light_block`: header, commit and validator set of one height;
- :func:`prove_keys`: several state proofs from one snapshot (one header then
  proves them all);
- :func:`pending_sequences`: the packets a client still has commitments for
  (sent, neither acknowledged nor timed out);
- :func:`load_sent_packet` and :func:`load_acknowledgements`: a packet as it
  was sent (the commitment is only its hash) and the acknowledgements it
  received, found through the index by the events' ``source_packet`` and
  ``destination_packet`` attributes.

Nothing here is consensus-critical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sen.ledger.ibc import COMMITMENT_PREFIX, Packet, Payload
from sen.ledger.light.types import Commit, Header, ValidatorSet
from sen.ledger.modules.interchain.packets import ibc_key
from sen.ledger.modules.interchain.records import CONSENSUS_PREFIX
from sen.ledger.tx import decode_tx
from sen.ledger.types import TxResult
from sen.node.node import Node
from sen.store.smt import Proof

SEQUENCE_BYTES = 8


@dataclass(frozen=True, slots=True)
class LightBlock:
    height: int
    header: dict[str, Any]
    commit: dict[str, Any]
    validators: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ProvedKeys:
    height: int
    app_hash: bytes
    values: tuple[tuple[bytes, bytes | None, Proof], ...]  # (key, value, proof)


@dataclass(frozen=True, slots=True)
class SentPacket:
    packet: Packet
    height: int
    tx_hash: bytes


@dataclass(frozen=True, slots=True)
class ClientUpdate:
    """The signed header a client was updated with, as the update transaction gave it."""

    height: int
    host_height: int  # this chain's height the update was made at
    header: dict[str, Any]
    commit: dict[str, Any]
    validators: dict[str, Any]
    trusted_height: int
    trusted_validators: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Acknowledged:
    acknowledgements: tuple[bytes, ...]
    height: int
    tx_hash: bytes


def load_light_block(node: Node, height: int) -> LightBlock | None:
    """Header ``height`` with the commit that signs it and the validators who did; None
    until the block and its commit are stored."""
    blocks = node.engine.blocks
    block = blocks.load_block(height)
    commit = blocks.load_commit(height)
    validators = node.engine.validator_set(height)
    if block is None or commit is None or validators is None:
        return None
    return LightBlock(
        height=height,
        header=Header.from_json(block.header).to_json(),
        commit=Commit.from_json(commit).to_json(),
        validators=ValidatorSet.from_json(validators).to_json(),
    )


def prove_keys(node: Node, keys: Sequence[bytes]) -> ProvedKeys:
    height, app_hash, proved = node.app.store.prove_many(keys)
    return ProvedKeys(
        height,
        app_hash,
        tuple((key, value, proof) for key, (value, proof) in zip(keys, proved, strict=True)),
    )


def pending_sequences(node: Node, client_id: str, after: int, limit: int) -> list[int]:
    """Sequences sent through ``client_id`` whose commitments are still here, ascending."""
    prefix = ibc_key(client_id.encode() + bytes([COMMITMENT_PREFIX]))
    start = after.to_bytes(SEQUENCE_BYTES, "big") if after > 0 else b""
    keys = node.app.store.keys_with_prefix(prefix, start, limit)
    return [
        int.from_bytes(k[len(prefix) :], "big")
        for k in keys
        if len(k) == len(prefix) + SEQUENCE_BYTES
    ]


def consensus_heights(node: Node, client_id: str, after: int, limit: int) -> list[int]:
    """Counterparty heights ``client_id`` holds consensus states for, ascending."""
    prefix = CONSENSUS_PREFIX + client_id.encode() + b"/"
    start = after.to_bytes(SEQUENCE_BYTES, "big") if after > 0 else b""
    keys = node.app.store.keys_with_prefix(prefix, start, limit)
    return [
        int.from_bytes(k[len(prefix) :], "big")
        for k in keys
        if len(k) == len(prefix) + SEQUENCE_BYTES
    ]


def load_client_update(node: Node, client_id: str, height: int) -> ClientUpdate | None:
    """The successful ``update_client`` of ``client_id`` that stored ``height``, if any."""
    for location in node.index.by_event("interchain.update_client", "height", str(height), 64):
        result = node.app.store.load_result(location.height, location.index)
        if result is None or not result.ok:
            continue
        named = [
            a.value
            for e in result.events
            if e.type == "interchain.update_client"
            for a in e.attributes
            if a.key == "client_id"
        ]
        if client_id not in named:
            continue
        raw = node.engine.blocks.load_tx(location.height, location.index)
        if raw is None:
            return None
        args = decode_tx(raw).args
        trusted = args.get("trusted_validators")
        return ClientUpdate(
            height=height,
            host_height=location.height,
            header=dict(args["header"]),
            commit=dict(args["commit"]),
            validators=dict(args["validators"]),
            trusted_height=int(args["trusted_height"]),
            trusted_validators=None if trusted is None else dict(trusted),
        )
    return None


def _find(node: Node, event: str, attribute: str, value: str) -> tuple[int, int, TxResult] | None:
    """The first successful transaction whose ``event`` has ``attribute`` = ``value``."""
    for location in node.index.by_event(event, attribute, value, limit=16):
        result = node.app.store.load_result(location.height, location.index)
        if result is not None and result.ok:
            return location.height, location.index, result
    return None


def load_sent_packet(node: Node, client_id: str, sequence: int) -> SentPacket | None:
    found = _find(node, "interchain.send_packet", "source_packet", f"{client_id}/{sequence}")
    if found is None:
        return None
    height, index, _ = found
    raw = node.engine.blocks.load_tx(height, index)
    if raw is None:
        return None
    tx = decode_tx(raw)
    args = tx.args
    payloads = tuple(
        Payload(
            str(p["source_port"]),
            str(p["destination_port"]),
            str(p["version"]),
            str(p["encoding"]),
            bytes(p["value"]),
        )
        for p in args["payloads"]
    )
    packet = Packet(
        sequence,
        str(args["source_client"]),
        str(args["destination_client"]),
        int(args["timeout_timestamp"]),
        payloads,
    )
    return SentPacket(packet, height, tx.hash)


def load_acknowledgements(node: Node, client_id: str, sequence: int) -> Acknowledged | None:
    """The acknowledgements written when packet ``sequence`` arrived through ``client_id``."""
    found = _find(node, "interchain.recv_packet", "destination_packet", f"{client_id}/{sequence}")
    if found is None:
        return None
    height, index, result = found
    [event] = [e for e in result.events if e.type == "interchain.recv_packet"]
    written = {a.key: a.value for a in event.attributes}["acknowledgements"]
    raw = node.engine.blocks.load_tx(height, index)
    tx_hash = decode_tx(raw).hash if raw is not None else b""
    acks = tuple(bytes.fromhex(h) for h in written.split(",")) if written else ()
    return Acknowledged(acks, height, tx_hash)
