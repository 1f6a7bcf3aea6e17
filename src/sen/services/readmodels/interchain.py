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

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sen.ledger.ibc import (
    COMMITMENT_PREFIX,
    Packet,
    Payload,
    acknowledgement_key,
    receipt_key,
)
from sen.ledger.light.types import Commit, Header, ValidatorSet
from sen.ledger.modules.interchain.packets import ibc_key
from sen.ledger.modules.interchain.records import CONSENSUS_PREFIX, client_key, consensus_key
from sen.ledger.tx import decode_tx
from sen.ledger.types import TxResult
from sen.light.packet_receipt import FORMAT as PACKET_RECEIPT_FORMAT
from sen.light.packet_receipt import VERSION as PACKET_RECEIPT_VERSION
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


# -- packet receipts -----------------------------------------------------------------


class PacketReceiptUnavailable(Exception):
    """No packet receipt (yet): ``retry`` when the next block will make it possible."""

    def __init__(self, message: str, *, retry: bool) -> None:
        self.retry = retry
        super().__init__(message)


def build_packet_receipt(node: Node, client_id: str, sequence: int) -> dict[str, Any]:
    """The receipt (``docs/spec/packet-receipt.md``) that packet ``sequence``, arrived here
    through ``client_id``, was sent by the counterparty and received and acknowledged here."""
    found = _find(node, "interchain.recv_packet", "destination_packet", f"{client_id}/{sequence}")
    if found is None:
        raise PacketReceiptUnavailable(
            f"no packet {sequence} has arrived through {client_id} here", retry=False
        )
    height, index, _ = found
    raw = node.engine.blocks.load_tx(height, index)
    if raw is None:
        raise PacketReceiptUnavailable(f"block {height} is not stored here", retry=False)
    args = decode_tx(raw).args
    packet, proof_height = dict(args["packet"]), int(args["proof_height"])
    source = _source_header(node, client_id, proof_height)
    acks = load_acknowledgements(node, client_id, sequence)
    assert acks is not None  # the same transaction's event
    keys = [
        client_key(client_id),
        consensus_key(client_id, proof_height),
        ibc_key(receipt_key(client_id, sequence)),
        ibc_key(acknowledgement_key(client_id, sequence)),
    ]
    proved = prove_keys(node, keys)
    block = carrying_block(node, proved)
    (
        (_, client_state, client_proof),
        (_, consensus_state, consensus_proof),
        (_, _, receipt_proof),
        (_, _, ack_proof),
    ) = proved.values
    return {
        "format": PACKET_RECEIPT_FORMAT,
        "version": PACKET_RECEIPT_VERSION,
        "packet": {
            "sequence": sequence,
            "source_client": packet["source_client"],
            "destination_client": packet["destination_client"],
            "timeout_timestamp": packet["timeout_timestamp"],
            "payloads": [
                {
                    "source_port": p["source_port"],
                    "destination_port": p["destination_port"],
                    "version": p["version"],
                    "encoding": p["encoding"],
                    "value": base64.b64encode(bytes(p["value"])).decode(),
                }
                for p in packet["payloads"]
            ],
        },
        "acknowledgements": [a.hex() for a in acks.acknowledgements],
        "source": {
            "chain_id": str(source["header"]["chain_id"]),
            "signed_header": source,
            "commitment_proof": _proof_json(args["proof"]),
        },
        "destination": {
            "chain_id": node.app.genesis.chain_id,
            "genesis_hash": node.app.genesis.hash.hex(),
            "signed_header": {
                "header": block.header,
                "commit": block.commit,
                "validators": block.validators,
            },
            **_history(node, block.height),
            "client_state": (client_state or b"").hex(),
            "client_proof": state_proof_json(client_proof),
            "consensus_state": (consensus_state or b"").hex(),
            "consensus_proof": state_proof_json(consensus_proof),
            "receipt_proof": state_proof_json(receipt_proof),
            "acknowledgement_proof": state_proof_json(ack_proof),
        },
    }


def _source_header(node: Node, client_id: str, height: int) -> dict[str, Any]:
    """The counterparty's signed header at ``height``, as the client was given it."""
    update = load_client_update(node, client_id, height)
    if update is not None:
        return {"header": update.header, "commit": update.commit, "validators": update.validators}
    for location in node.index.by_event("interchain.create_client", "client_id", client_id, 4):
        raw = node.engine.blocks.load_tx(location.height, location.index)
        if raw is None:
            continue
        args = decode_tx(raw).args
        if int(args["header"]["height"]) == height:
            return {k: dict(args[k]) for k in ("header", "commit", "validators")}
    raise PacketReceiptUnavailable(
        f"the header {client_id} verified at {height} is not stored here", retry=False
    )


def carrying_block(node: Node, proved: ProvedKeys) -> LightBlock:
    """The signed header of this chain that carries ``proved``'s app hash."""
    for height in (proved.height + 1, proved.height):
        block = load_light_block(node, height) if height >= 1 else None
        if block is not None and bytes.fromhex(block.header["app_hash"]) == proved.app_hash:
            return block
    raise PacketReceiptUnavailable(
        f"the state after block {proved.height} is not signed yet; retry after the next block",
        retry=True,
    )


def validator_history(node: Node, height: int) -> list[dict[str, Any]]:
    """The signed validator-set changes from genesis up to (not at) ``height``, canonical."""
    return [
        {
            "header": Header.from_json(h["header"]).to_json(),
            "commit": Commit.from_json(h["commit"]).to_json(),
            "next_validators": ValidatorSet.from_json(h["next_validators"]).to_json(),
        }
        for h in node.engine.validator_history(height)
    ]


def _history(node: Node, height: int) -> dict[str, Any]:
    hops = validator_history(node, height)
    return {"validator_history": hops} if hops else {}


def _proof_json(proof: Any) -> dict[str, Any]:
    return {
        "siblings": [str(s) for s in proof["siblings"]],
        "leaf_path": proof.get("leaf_path"),
        "leaf_value_hash": proof.get("leaf_value_hash"),
    }


def state_proof_json(proof: Proof) -> dict[str, Any]:
    return {
        "siblings": [s.hex() for s in proof.siblings],
        "leaf_path": None if proof.leaf_path is None else proof.leaf_path.hex(),
        "leaf_value_hash": None if proof.leaf_value_hash is None else proof.leaf_value_hash.hex(),
    }
