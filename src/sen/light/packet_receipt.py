"""Packet receipts: proof that a packet one chain sent was received and acknowledged on another.

A packet receipt (``docs/spec/packet-receipt.md``) is checked offline with the
two chains' genesis files and nothing else. It carries, for the **source**
chain (the sender), a signed header and the proof that the packet's
commitment was in its state; for the **destination** chain (the receiver), a
signed header and the proofs that its client of the sender is a client of the
source chain paired with the packet's source client, that it holds the
packet's receipt, and that it committed to these acknowledgements. Each
header is checked as an evidence receipt's is: made by the validator set the
genesis file starts (through ``validator_history`` when it changed), and
signed by more than 2/3 of it.

Checks, in order (the first failure stops the run):

1. ``format``: :func:`parse_packet_receipt`.
2. ``chains``: :func:`check_chains`: each side's chain id and genesis hash are
   its genesis file's.
3. ``source-header``, ``destination-header``: :func:`check_signed_header`.
4. ``sent``: :func:`check_sent`: the commitment of this packet is in the
   source chain's state under its header's app hash.
5. ``client``: :func:`check_client`: the destination's client is of the source
   chain and paired with the packet's source client.
6. ``received``: :func:`check_received`: the receipt and the commitment to
   the acknowledgements are in the destination's state.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sen.ledger import encoding
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
from sen.ledger.light.commit import verify_commit
from sen.ledger.light.errors import LightError, StateProofError
from sen.ledger.light.header import header_hash
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.light.types import Commit, Header, ValidatorSet
from sen.light.errors import ReceiptInvalid
from sen.light.genesis import Genesis
from sen.light.receipt import Check, Hop, check_absent_slots, trusted_validators_hash

FORMAT = "sen-packet-receipt"
VERSION = 1
IBC_PREFIX = b"interchain/ibc/"
CLIENT_PREFIX = b"interchain/client/"
CONSENSUS_PREFIX = b"interchain/consensus/"
MAX_UINT64 = 2**64 - 1


@dataclass(frozen=True, slots=True)
class StateProof:
    siblings: tuple[bytes, ...]
    leaf_path: bytes | None
    leaf_value_hash: bytes | None


@dataclass(frozen=True, slots=True)
class SignedHeader:
    header: Header
    commit: Commit
    validators: ValidatorSet
    history: tuple[Hop, ...]


@dataclass(frozen=True, slots=True)
class Side:
    chain_id: str
    genesis_hash: bytes | None  # the destination must name its genesis; the source need not
    signed: SignedHeader


@dataclass(frozen=True, slots=True)
class ParsedPacketReceipt:
    packet: Packet
    acknowledgements: tuple[bytes, ...]
    source: Side
    destination: Side
    commitment_proof: StateProof
    client_state: bytes  # the destination's client record, canonically encoded
    client_proof: StateProof
    consensus_state: bytes  # that client's consensus state at the source header's height
    consensus_proof: StateProof
    receipt_proof: StateProof
    acknowledgement_proof: StateProof


@dataclass(slots=True)
class PacketReceiptReport:
    checks: list[Check] = field(default_factory=list)
    source_chain: str = ""
    destination_chain: str = ""
    sequence: int = 0
    source_client: str = ""
    destination_client: str = ""
    ports: tuple[str, ...] = ()
    acknowledgements: tuple[str, ...] = ()  # hex

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def verify_packet_receipt(
    receipt: object, source_genesis: Genesis, destination_genesis: Genesis
) -> PacketReceiptReport:
    """Run every check; :class:`ReceiptInvalid` carries the report so far on the first failure."""
    report = PacketReceiptReport()
    parsed = _step(report, "format", parse_packet_receipt, receipt)
    _step(report, "chains", check_chains, parsed, source_genesis, destination_genesis)
    for check, side, genesis in (
        ("source-header", parsed.source, source_genesis),
        ("destination-header", parsed.destination, destination_genesis),
    ):
        _step(report, check, check_signed_header, side, genesis, check)
    _step(report, "sent", check_sent, parsed)
    _step(report, "client", check_client, parsed)
    _step(report, "received", check_received, parsed)
    packet = parsed.packet
    report.source_chain = parsed.source.chain_id
    report.destination_chain = parsed.destination.chain_id
    report.sequence = packet.sequence
    report.source_client = packet.source_client
    report.destination_client = packet.destination_client
    report.ports = tuple(f"{p.source_port}->{p.destination_port}" for p in packet.payloads)
    report.acknowledgements = tuple(a.hex() for a in parsed.acknowledgements)
    return report


def _step(report: PacketReceiptReport, name: str, check: Callable[..., Any], *args: Any) -> Any:
    """Run one named check and record it; a failure is recorded and raised with the report."""
    try:
        result = check(*args)
    except RecursionError:
        exc = ReceiptInvalid("format", "nested too deeply to be a receipt")
        report.checks.append(Check(exc.check, False, exc.reason))
        raise ReceiptInvalid(exc.check, exc.reason, report) from None  # type: ignore[arg-type]
    except ReceiptInvalid as exc:
        report.checks.append(Check(exc.check, False, exc.reason))
        raise ReceiptInvalid(exc.check, exc.reason, report) from None  # type: ignore[arg-type]
    report.checks.append(Check(name, True, result if isinstance(result, str) else "read"))
    return result


# -- reading ---------------------------------------------------------------------------


def parse_packet_receipt(receipt: object) -> ParsedPacketReceipt:
    doc = read_object(receipt, "receipt")
    if doc.get("format") != FORMAT:
        raise _bad("format", f"expected {FORMAT!r}, got {shown_value(doc.get('format'))}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version != VERSION:
        raise _bad("version", f"expected {VERSION}, got {shown_value(version)}")
    packet = _packet(doc.get("packet"))
    acks = doc.get("acknowledgements")
    if not isinstance(acks, list) or len(acks) != len(packet.payloads):
        raise _bad("acknowledgements", "expected one acknowledgement (hex) per payload")
    source = read_object(doc.get("source"), "source")
    destination = read_object(doc.get("destination"), "destination")
    return ParsedPacketReceipt(
        packet=packet,
        acknowledgements=tuple(read_hex(a, f"acknowledgements[{i}]") for i, a in enumerate(acks)),
        source=_side(source, "source"),
        destination=_side(destination, "destination"),
        commitment_proof=read_state_proof(
            source.get("commitment_proof"), "source.commitment_proof"
        ),
        client_state=read_hex(destination.get("client_state"), "destination.client_state"),
        client_proof=read_state_proof(destination.get("client_proof"), "destination.client_proof"),
        consensus_state=read_hex(destination.get("consensus_state"), "destination.consensus_state"),
        consensus_proof=read_state_proof(
            destination.get("consensus_proof"), "destination.consensus_proof"
        ),
        receipt_proof=read_state_proof(
            destination.get("receipt_proof"), "destination.receipt_proof"
        ),
        acknowledgement_proof=read_state_proof(
            destination.get("acknowledgement_proof"), "destination.acknowledgement_proof"
        ),
    )


def _bad(where: str, reason: str) -> ReceiptInvalid:
    return ReceiptInvalid("format", f"{where}: {reason}")


def shown_value(value: object) -> str:
    """A bounded, safe rendering of an untrusted value for a message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    if isinstance(value, str | int | float | bool) or value is None:
        return repr(value)[:60]
    return type(value).__name__


def read_object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(where, f"expected an object, got {type(value).__name__}")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _bad(where, f"expected text, got {type(value).__name__}")
    return value


def _int(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_UINT64:
        raise _bad(where, f"expected an integer 0 to 2^64-1, got {shown_value(value)}")
    return value


def read_hex(value: object, where: str, size: int | None = None) -> bytes:
    try:
        raw = bytes.fromhex(_text(value, where))
    except ValueError:
        raise _bad(where, "expected hex") from None
    if size is not None and len(raw) != size:
        raise _bad(where, f"expected {size} bytes, got {len(raw)}")
    return raw


def _packet(value: object) -> Packet:
    doc = read_object(value, "packet")
    payloads = doc.get("payloads")
    if not isinstance(payloads, list) or not payloads:
        raise _bad("packet.payloads", "expected a non-empty list")
    read = []
    for i, item in enumerate(payloads):
        where = f"packet.payloads[{i}]"
        p = read_object(item, where)
        try:
            value_bytes = base64.b64decode(_text(p.get("value"), f"{where}.value"), validate=True)
        except (binascii.Error, ValueError):
            raise _bad(f"{where}.value", "expected base64") from None
        read.append(
            Payload(
                _text(p.get("source_port"), f"{where}.source_port"),
                _text(p.get("destination_port"), f"{where}.destination_port"),
                _text(p.get("version"), f"{where}.version"),
                _text(p.get("encoding"), f"{where}.encoding"),
                value_bytes,
            )
        )
    packet = Packet(
        _int(doc.get("sequence"), "packet.sequence"),
        _text(doc.get("source_client"), "packet.source_client"),
        _text(doc.get("destination_client"), "packet.destination_client"),
        _int(doc.get("timeout_timestamp"), "packet.timeout_timestamp"),
        tuple(read),
    )
    problem = packet_problem(packet)
    if problem is not None:
        raise _bad("packet", problem)
    return packet


def side_from_json(doc: dict[str, Any], where: str) -> Side:
    """A chain's signed header (with ``validator_history``) as :func:`check_signed_header`
    takes it; ``where`` names it in errors."""
    return _side(doc, where)


def _side(doc: dict[str, Any], where: str) -> Side:
    signed = read_object(doc.get("signed_header"), f"{where}.signed_header")
    history = doc.get("validator_history", [])
    if not isinstance(history, list):
        raise _bad(f"{where}.validator_history", "expected a list")
    try:
        parsed = SignedHeader(
            Header.from_json(signed.get("header")),
            Commit.from_json(signed.get("commit")),
            ValidatorSet.from_json(signed.get("validators")),
            tuple(
                (
                    Header.from_json(read_object(h, "hop").get("header")),
                    Commit.from_json(h.get("commit")),
                    ValidatorSet.from_json(h.get("next_validators")),
                )
                for h in history
            ),
        )
    except (LightError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _bad(f"{where}.signed_header", str(exc)[:200]) from None
    genesis_hash = doc.get("genesis_hash")
    if genesis_hash is None and where == "destination":
        raise _bad(f"{where}.genesis_hash", "missing: the receiving chain's genesis hash")
    return Side(
        _text(doc.get("chain_id"), f"{where}.chain_id"),
        None if genesis_hash is None else read_hex(genesis_hash, f"{where}.genesis_hash", 32),
        parsed,
    )


def read_state_proof(value: object, where: str) -> StateProof:
    doc = read_object(value, where)
    siblings = doc.get("siblings")
    if not isinstance(siblings, list):
        raise _bad(f"{where}.siblings", "expected a list of hex")
    leaf_path, leaf_value = doc.get("leaf_path"), doc.get("leaf_value_hash")
    return StateProof(
        tuple(read_hex(s, f"{where}.siblings[{i}]", 32) for i, s in enumerate(siblings)),
        None if leaf_path is None else read_hex(leaf_path, f"{where}.leaf_path", 32),
        None if leaf_value is None else read_hex(leaf_value, f"{where}.leaf_value_hash", 32),
    )


# -- the checks ----------------------------------------------------------------------------


def check_chains(r: ParsedPacketReceipt, source: Genesis, destination: Genesis) -> str:
    swapped = (r.source.chain_id, r.destination.chain_id) == (
        destination.chain_id,
        source.chain_id,
    )
    hint = " (the two genesis files are swapped: --source-genesis is the sender's)"
    for name, side, genesis in (
        ("source", r.source, source),
        ("destination", r.destination, destination),
    ):
        if side.chain_id != genesis.chain_id or side.signed.header.chain_id != genesis.chain_id:
            raise ReceiptInvalid(
                "chains",
                f"the {name} is chain {side.chain_id!r}; its genesis is {genesis.chain_id!r}"
                + (hint if swapped else ""),
            )
        if side.genesis_hash is not None and side.genesis_hash != genesis.hash:
            raise ReceiptInvalid(
                "chains", f"the {name}'s genesis_hash is not the genesis file given for it"
            )
    return f"from {source.chain_id} to {destination.chain_id}"


def check_signed_header(side: Side, genesis: Genesis, check: str) -> str:
    signed = side.signed
    header, commit, validators = signed.header, signed.commit, signed.validators
    try:
        trusted = trusted_validators_hash(genesis, signed.history, header.height)
    except ReceiptInvalid as exc:
        raise ReceiptInvalid(check, exc.reason) from None
    if validators.hash() != trusted:
        raise ReceiptInvalid(
            check,
            f"the validators of {side.chain_id} at height {header.height} are not the genesis "
            "set" + (" after validator_history" if signed.history else "; add validator_history"),
        )
    if header.validators_hash != trusted:
        raise ReceiptInvalid(check, "the header's validators_hash is not the trusted set")
    if commit.height != header.height or commit.block_id.hash != header_hash(header):
        raise ReceiptInvalid(check, "the commit is not for this header")
    check_absent_slots(commit, check, f"{check}.commit")
    try:
        verify_commit(genesis.chain_id, validators, commit.block_id, header.height, commit)
    except LightError as exc:
        raise ReceiptInvalid(check, str(exc)) from None
    return f"{side.chain_id} block {header.height}, signed by more than 2/3 of its validators"


def _prove(check: str, root: bytes, key: bytes, value: bytes | None, proof: StateProof) -> None:
    try:
        verify_state_proof(root, key, value, proof.siblings, proof.leaf_path, proof.leaf_value_hash)
    except StateProofError as exc:
        raise ReceiptInvalid(check, f"{key!r}: {exc}") from None


def check_sent(r: ParsedPacketReceipt) -> str:
    packet = r.packet
    key = IBC_PREFIX + packet_commitment_key(packet.source_client, packet.sequence)
    root = r.source.signed.header.app_hash
    _prove("sent", root, key, packet_commitment(packet), r.commitment_proof)
    return (
        f"packet {packet.sequence} of {packet.source_client} committed on {r.source.chain_id} "
        f"(state before block {r.source.signed.header.height})"
    )


def check_client(r: ParsedPacketReceipt) -> str:
    packet = r.packet
    key = CLIENT_PREFIX + packet.destination_client.encode()
    root = r.destination.signed.header.app_hash
    _prove("client", root, key, r.client_state, r.client_proof)
    try:
        client = encoding.decode(r.client_state)
    except Exception as exc:  # a proved value the ledger wrote decodes; say so if not
        raise ReceiptInvalid("client", f"the client record does not decode: {exc}") from None
    if not isinstance(client, Mapping) or client.get("chain_id") != r.source.chain_id:
        raise ReceiptInvalid(
            "client",
            f"{packet.destination_client} on {r.destination.chain_id} is not a client of "
            f"{r.source.chain_id}",
        )
    if client.get("counterparty") != packet.source_client:
        raise ReceiptInvalid(
            "client",
            f"{packet.destination_client} is paired with {client.get('counterparty')!r}, not "
            f"the packet's source client {packet.source_client}",
        )
    source = r.source.signed.header
    key = (
        CONSENSUS_PREFIX
        + packet.destination_client.encode()
        + b"/"
        + source.height.to_bytes(8, "big")
    )
    _prove("client", root, key, r.consensus_state, r.consensus_proof)
    try:
        consensus = encoding.decode(r.consensus_state)
        held = (
            bytes(consensus["root"]),
            tuple(int(t) for t in consensus["time"]),
            bytes(consensus["next_validators_hash"]),
        )
    except Exception as exc:  # a proved value the ledger wrote decodes; say so if not
        raise ReceiptInvalid("client", f"the consensus state does not decode: {exc}") from None
    signed = (
        source.app_hash,
        (source.time.seconds, source.time.nanos),
        source.next_validators_hash,
    )
    if held != signed:
        raise ReceiptInvalid(
            "client",
            f"{packet.destination_client} verified at height {source.height} a header other than "
            f"the source's signed one: it follows another chain than the one "
            f"{r.source.chain_id}'s genesis starts",
        )
    here = f"{packet.destination_client} on {r.destination.chain_id}"
    return f"{here} is a client of {r.source.chain_id}, holding its block {source.height}"


def check_received(r: ParsedPacketReceipt) -> str:
    packet = r.packet
    root = r.destination.signed.header.app_hash
    receipt = IBC_PREFIX + receipt_key(packet.destination_client, packet.sequence)
    _prove("received", root, receipt, packet_commitment(packet), r.receipt_proof)
    ack = IBC_PREFIX + acknowledgement_key(packet.destination_client, packet.sequence)
    _prove("received", root, ack, ack_commitment(r.acknowledgements), r.acknowledgement_proof)
    return (
        f"received on {r.destination.chain_id} and acknowledged "
        f"(state before block {r.destination.signed.header.height})"
    )
