"""Packets between chains: send, receive, acknowledge, time out (IBC v2's lifecycle).

``send_packet`` on chain A commits to the packet (``sen.ledger.ibc``'s
commitment) under ``interchain/ibc/<client>‖0x01‖<sequence>``, where the
client is A's client of B. ``recv_packet`` on B proves that commitment against
its client of A (a state proof, ``docs/spec/state-proofs.md``, against the
root of a verified header), refuses after the timeout, writes a receipt and
the acknowledgement's commitment, and runs the destination ports.
``acknowledge_packet`` on A proves B's acknowledgement and deletes the
commitment; ``timeout_packet`` on A proves that B has no receipt at a header
whose time is past the timeout, deletes the commitment and undoes the send.
Each packet is delivered at most once (the receipt), and its commitment
settles once (it is deleted), so relaying twice is refused harmlessly.

A consensus state at height H holds header H's ``app_hash``: the
counterparty's state after block H-1. A relayer reads the counterparty's
state at H-1 and proves it with ``proof_height`` H.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.ibc import (
    Packet,
    Payload,
    ack_commitment,
    acknowledgement_key,
    packet_commitment,
    packet_commitment_key,
    packet_problem,
    receipt_key,
)
from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.modules.arguments import reject_unknown_fields, require_int, require_list
from sen.ledger.modules.base import Action, Context, Outcome
from sen.ledger.modules.interchain.ports import PORTS, Port
from sen.ledger.modules.interchain.records import (
    ClientState,
    ConsensusState,
    load_client,
    load_usable_consensus,
)
from sen.ledger.types import ChainParams, Event, EventAttribute

IBC_PREFIX = b"interchain/ibc/"
NEXT_SEQUENCE_PREFIX = b"interchain/next-sequence/"
MAX_PAYLOADS = 8
MAX_ACK_BYTES = 65_536


def ibc_key(raw: bytes) -> bytes:
    """The state key an IBC v2 host key is kept under (and proved at) on a Sen chain."""
    return IBC_PREFIX + raw


def _bad(field: str, reason: str, expected: str, got: object) -> TxRejected:
    return TxRejected(
        ResultCode.INVALID_PACKET, reason, field=field, expected=expected, got=str(got)[:80]
    )


def read_packet(value: object, field: str, *, sending: bool = False) -> Packet:
    if not isinstance(value, Mapping):
        raise _bad(field, "expected an object", "a packet", type(value).__name__)
    fields = {"source_client", "destination_client", "timeout_timestamp", "payloads"}
    reject_unknown_fields(
        value, frozenset(fields if sending else fields | {"sequence"}), prefix=f"{field}."
    )
    items = require_list(
        value.get("payloads"),
        f"{field}.payloads",
        expected=f"1 to {MAX_PAYLOADS} payloads",
        code=ResultCode.INVALID_PACKET,
        min_items=1,
        max_items=MAX_PAYLOADS,
    )
    payloads = []
    for n, item in enumerate(items):
        where = f"{field}.payloads[{n}]"
        if not isinstance(item, Mapping) or set(item) != {
            "source_port",
            "destination_port",
            "version",
            "encoding",
            "value",
        }:
            raise _bad(
                where,
                "not a payload",
                "{source_port, destination_port, version, encoding, value}",
                "other",
            )
        strings = [item[k] for k in ("source_port", "destination_port", "version", "encoding")]
        if not all(isinstance(s, str) for s in strings) or not isinstance(item["value"], bytes):
            raise _bad(where, "wrong types", "four strings and value bytes", "other")
        payloads.append(
            Payload(
                source_port=item["source_port"],
                destination_port=item["destination_port"],
                version=item["version"],
                encoding=item["encoding"],
                value=item["value"],
            )
        )
    sequence = 0 if sending else value.get("sequence")
    clients = [value.get("source_client"), value.get("destination_client")]
    timeout = value.get("timeout_timestamp")
    if not all(isinstance(c, str) for c in clients):
        raise _bad(f"{field}.source_client", "clients are ids", "two client ids", clients)
    for name, number in (("sequence", sequence), ("timeout_timestamp", timeout)):
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < 2**64:
            raise _bad(f"{field}.{name}", "not an unsigned 64-bit integer", "0 to 2^64-1", number)
    assert isinstance(sequence, int) and isinstance(timeout, int)
    # a packet being sent has no sequence yet: it is checked with the first one there is
    checked = 1 if sending else sequence
    packet = Packet(checked, str(clients[0]), str(clients[1]), timeout, tuple(payloads))
    problem = packet_problem(packet)
    if problem is not None:
        raise _bad(field, problem, "a packet IBC v2 accepts", "see reason")
    return replace(packet, sequence=sequence)


def _port(name: str, field: str) -> Port:
    port = PORTS.get(name)
    if port is None:
        raise TxRejected(
            ResultCode.UNKNOWN_PORT,
            "no application is bound to this port",
            field=field,
            expected="one of " + ", ".join(sorted(PORTS)),
            got=name[:80],
        )
    return port


def _root(ctx: Context, packet: Packet, *, at_destination: bool, height: int) -> ConsensusState:
    """The consensus state a proof at ``height`` is checked against: this chain's client of
    the packet (its destination client on the destination, its source client on the source)
    live, paired with the packet's other client, and the state known."""
    if at_destination:
        client_id, counterparty = packet.destination_client, packet.source_client
        field, other = "args.packet.destination_client", "args.packet.source_client"
    else:
        client_id, counterparty = packet.source_client, packet.destination_client
        field, other = "args.packet.source_client", "args.packet.destination_client"
    client = load_client(ctx.state, client_id)
    if client is None:
        raise TxRejected(
            ResultCode.UNKNOWN_CLIENT,
            "no such light client here",
            field=field,
            expected="a client made with interchain.create_client",
            got=client_id[:80],
        )
    if client.frozen:
        raise TxRejected(
            ResultCode.CLIENT_FROZEN,
            "the client is frozen",
            field=field,
            expected="a client that is not frozen",
            got=f"{client_id}, frozen at {client.frozen_height}",
        )
    _require_counterparty(client, client_id, counterparty, other)
    consensus = load_usable_consensus(ctx.state, client_id, client, height)
    if consensus is None:
        raise TxRejected(
            ResultCode.UNKNOWN_CONSENSUS_STATE,
            "the client has no usable consensus state at the proof height",
            field="args.proof_height",
            expected=f"a height {client_id} verified (latest {client.latest_height}"
            + (f"; none below {client.usable_from}, its recovery" if client.usable_from else "")
            + ")",
            got=height,
        )
    return consensus


def _require_counterparty(
    client: ClientState, client_id: str, counterparty: str, field: str
) -> None:
    """A packet travels between a client and the counterparty's client registered with it
    (IBC v2): otherwise packets meant for another chain, or numbered by another client,
    could be delivered here."""
    if not client.counterparty_client_id or client.counterparty_client_id != counterparty:
        raise TxRejected(
            ResultCode.COUNTERPARTY_MISMATCH,
            "the packet's other client is not the counterparty registered with this client",
            field=field,
            expected=client.counterparty_client_id
            or "a registered counterparty (interchain.register_counterparty)",
            got=counterparty[:80],
        )


def _prove(
    root: bytes, key: bytes, value: bytes | None, proof: object, field: str = "args.proof"
) -> None:
    if not isinstance(proof, Mapping):
        raise TxRejected(
            ResultCode.INVALID_PROOF,
            "expected a state proof",
            field=field,
            expected="{siblings, leaf_path, leaf_value_hash} (docs/spec/state-proofs.md)",
            got=type(proof).__name__,
        )
    try:
        siblings = [bytes.fromhex(s) for s in proof.get("siblings", [])]
        leaf_path = proof.get("leaf_path")
        leaf_value = proof.get("leaf_value_hash")
        verify_state_proof(
            root,
            key,
            value,
            siblings,
            None if leaf_path is None else bytes.fromhex(leaf_path),
            None if leaf_value is None else bytes.fromhex(leaf_value),
        )
    except (StateProofError, ValueError, TypeError, AttributeError) as exc:
        raise TxRejected(
            ResultCode.INVALID_PROOF,
            f"the proof does not hold: {exc}"[:200],
            field=field,
            expected=("the presence of " if value is not None else "the absence of ")
            + key.hex()[:80],
            got="a proof that fails",
        ) from None


def _proof_height(args: Mapping[str, Any]) -> int:
    return require_int(
        args.get("proof_height"),
        "args.proof_height",
        expected="a height the client verified",
        reason="not a height",
        minimum=1,
        maximum=2**63 - 1,
    )


def _packet_event(kind: str, packet: Packet, *extra: EventAttribute) -> Event:
    return Event(
        f"interchain.{kind}",
        (
            EventAttribute("source_client", packet.source_client),
            EventAttribute("destination_client", packet.destination_client),
            EventAttribute("sequence", str(packet.sequence)),
            # what a relayer looks a packet up by, on each side (the index is not hashed)
            EventAttribute("source_packet", f"{packet.source_client}/{packet.sequence}"),
            EventAttribute("destination_packet", f"{packet.destination_client}/{packet.sequence}"),
            EventAttribute("timeout_timestamp", str(packet.timeout_timestamp), index=False),
            *extra,
        ),
    )


def _settled(ctx: Context, packet: Packet) -> bytes:
    """The commitment key of ``packet`` on its source chain; refused unless it is pending."""
    key = ibc_key(packet_commitment_key(packet.source_client, packet.sequence))
    if ctx.state.get(key) != packet_commitment(packet):
        raise TxRejected(
            ResultCode.UNKNOWN_PACKET,
            "no such packet is waiting here (settled already, or not this packet)",
            field="args.packet",
            expected="a packet sent from here and not yet acknowledged or timed out",
            got=f"{packet.source_client} #{packet.sequence}",
        )
    return key


@dataclass(frozen=True, slots=True)
class SendArgs:
    packet: Packet


@dataclass(frozen=True, slots=True)
class RecvArgs:
    packet: Packet
    proof: object
    proof_height: int


@dataclass(frozen=True, slots=True)
class AckArgs:
    packet: Packet
    acknowledgements: tuple[bytes, ...]
    proof: object
    proof_height: int
    receipt_proof: object


def _proved_packet(args: Mapping[str, Any]) -> RecvArgs:
    """``{packet, proof, proof_height}``: what receiving and timing out take."""
    reject_unknown_fields(args, frozenset({"packet", "proof", "proof_height"}))
    packet = read_packet(args.get("packet"), "args.packet")
    return RecvArgs(packet, args.get("proof"), _proof_height(args))


class SendPacket(Action[SendArgs]):
    name = "send_packet"
    permission: str | None = "writer"

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> SendArgs:
        return SendArgs(read_packet(args, "args", sending=True))

    def execute(self, ctx: Context, parsed: SendArgs) -> Outcome:
        packet = parsed.packet
        client = load_client(ctx.state, packet.source_client)
        if client is None or client.frozen:
            raise TxRejected(
                ResultCode.UNKNOWN_CLIENT if client is None else ResultCode.CLIENT_FROZEN,
                "packets leave through a live client of the destination chain",
                field="args.source_client",
                expected="a client here that is not frozen",
                got=packet.source_client[:80],
            )
        _require_counterparty(
            client, packet.source_client, packet.destination_client, "args.destination_client"
        )
        if packet.timeout_timestamp <= ctx.block.time_seconds:
            raise TxRejected(
                ResultCode.PACKET_TIMED_OUT,
                "the timeout is not in the future",
                field="args.timeout_timestamp",
                expected=f"after {ctx.block.time_seconds} (unix seconds)",
                got=packet.timeout_timestamp,
            )
        counter = NEXT_SEQUENCE_PREFIX + packet.source_client.encode()
        stored = ctx.state.get(counter)
        sequence = 1 if stored is None else int(encoding.decode(stored))
        ctx.state.set(counter, encoding.encode(sequence + 1))
        sent = Packet(
            sequence,
            packet.source_client,
            packet.destination_client,
            packet.timeout_timestamp,
            packet.payloads,
        )
        for n, payload in enumerate(packet.payloads):  # as IBC v2's OnSendPacket: the packet
            port = _port(payload.source_port, f"args.payloads[{n}].source_port")
            port.on_send(ctx, sent, payload, f"args.payloads[{n}]")
        key = ibc_key(packet_commitment_key(sent.source_client, sequence))
        ctx.state.set(key, packet_commitment(sent))
        return Outcome(
            data=str(sequence).encode(),
            events=(
                _packet_event(
                    "send_packet", sent, EventAttribute("commitment_key", key.hex(), index=False)
                ),
            ),
        )


class RecvPacket(Action[RecvArgs]):
    name = "recv_packet"
    permission: str | None = None  # relayers

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> RecvArgs:
        return _proved_packet(args)

    def execute(self, ctx: Context, parsed: RecvArgs) -> Outcome:
        packet = parsed.packet
        consensus = _root(ctx, packet, at_destination=True, height=parsed.proof_height)
        if ctx.block.time_seconds >= packet.timeout_timestamp:
            raise TxRejected(
                ResultCode.PACKET_TIMED_OUT,
                "the packet's timeout has passed here",
                field="args.packet.timeout_timestamp",
                expected=f"after {ctx.block.time_seconds} (this chain's time)",
                got=packet.timeout_timestamp,
            )
        receipt = ibc_key(receipt_key(packet.destination_client, packet.sequence))
        if ctx.state.get(receipt) is not None:
            raise TxRejected(
                ResultCode.PACKET_ALREADY_RECEIVED,
                "the packet was received already (delivered once only)",
                field="args.packet.sequence",
                expected="a packet not yet received",
                got=packet.sequence,
            )
        commitment_key = ibc_key(packet_commitment_key(packet.source_client, packet.sequence))
        _prove(consensus.root, commitment_key, packet_commitment(packet), parsed.proof)
        ports = [
            _port(p.destination_port, f"args.packet.payloads[{n}].destination_port")
            for n, p in enumerate(packet.payloads)
        ]
        acks = tuple(
            port.on_recv(ctx, packet, p) for port, p in zip(ports, packet.payloads, strict=True)
        )
        ctx.state.set(receipt, packet_commitment(packet))  # binds the receipt to the packet
        ack_key = ibc_key(acknowledgement_key(packet.destination_client, packet.sequence))
        ctx.state.set(ack_key, ack_commitment(acks))
        acks_attribute = ",".join(a.hex() for a in acks)
        return Outcome(
            data=b"received",
            events=(
                _packet_event(
                    "recv_packet",
                    packet,
                    EventAttribute("acknowledgements", acks_attribute, index=False),
                    EventAttribute("ack_key", ack_key.hex(), index=False),
                ),
            ),
        )


class AcknowledgePacket(Action[AckArgs]):
    name = "acknowledge_packet"
    permission: str | None = None  # relayers

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> AckArgs:
        reject_unknown_fields(
            args,
            frozenset({"packet", "acknowledgements", "proof", "proof_height", "receipt_proof"}),
        )
        packet = read_packet(args.get("packet"), "args.packet")
        items = require_list(
            args.get("acknowledgements"),
            "args.acknowledgements",
            expected="one acknowledgement (bytes) per payload",
            code=ResultCode.INVALID_PACKET,
            min_items=len(packet.payloads),
            max_items=len(packet.payloads),
        )
        if not all(isinstance(a, bytes) and 0 < len(a) <= MAX_ACK_BYTES for a in items):
            raise _bad(
                "args.acknowledgements",
                "not acknowledgements",
                f"1 to {MAX_ACK_BYTES} bytes each",
                "other",
            )
        return AckArgs(
            packet,
            tuple(items),  # type: ignore[arg-type]
            args.get("proof"),
            _proof_height(args),
            args.get("receipt_proof"),
        )

    def execute(self, ctx: Context, parsed: AckArgs) -> Outcome:
        packet = parsed.packet
        key = _settled(ctx, packet)
        consensus = _root(ctx, packet, at_destination=False, height=parsed.proof_height)
        ack_key = ibc_key(acknowledgement_key(packet.destination_client, packet.sequence))
        _prove(consensus.root, ack_key, ack_commitment(parsed.acknowledgements), parsed.proof)
        # ...and that the destination received this very packet under that sequence (its
        # receipt holds the packet's commitment): an acknowledgement is of one packet
        receipt = ibc_key(receipt_key(packet.destination_client, packet.sequence))
        _prove(
            consensus.root,
            receipt,
            packet_commitment(packet),
            parsed.receipt_proof,
            "args.receipt_proof",
        )
        ctx.state.delete(key)
        for payload, ack in zip(packet.payloads, parsed.acknowledgements, strict=True):
            PORTS[payload.source_port].on_acknowledge(ctx, packet, payload, ack)
        return Outcome(data=b"acknowledged", events=(_packet_event("acknowledge_packet", packet),))


class TimeoutPacket(Action[RecvArgs]):
    name = "timeout_packet"
    permission: str | None = None  # relayers

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> RecvArgs:
        return _proved_packet(args)

    def execute(self, ctx: Context, parsed: RecvArgs) -> Outcome:
        packet = parsed.packet
        key = _settled(ctx, packet)
        consensus = _root(ctx, packet, at_destination=False, height=parsed.proof_height)
        if consensus.time_seconds < packet.timeout_timestamp:
            raise TxRejected(
                ResultCode.TIMEOUT_NOT_REACHED,
                "at the proof height the destination's time had not reached the timeout",
                field="args.proof_height",
                expected=f"a header at or after {packet.timeout_timestamp} (unix seconds)",
                got=f"height {parsed.proof_height}, time {consensus.time_seconds}",
            )
        receipt = ibc_key(receipt_key(packet.destination_client, packet.sequence))
        _prove(consensus.root, receipt, None, parsed.proof)
        ctx.state.delete(key)
        for payload in packet.payloads:
            PORTS[payload.source_port].on_timeout(ctx, packet, payload)
        return Outcome(data=b"timed out", events=(_packet_event("timeout_packet", packet),))
