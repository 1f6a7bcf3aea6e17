"""Packets between two chains, relayed by hand: a status query answered exactly once.

Chain A asks chain B, through the ``status-query`` port, whether bit 7 of a
did:key issuer's revocation list is set. The relaying is done here step by
step as a relayer would: a header of the other chain carrying its current app
hash (signed by that chain's validators, ``counterparty.py``) updates the
client, and a state proof from the other chain's store proves the commitment,
the acknowledgement or the receipt's absence. Then: every replay is refused
harmlessly, a forged proof is refused, and a packet whose timeout passes is
timed out on A (and refused on B).
"""

from __future__ import annotations

import json
from typing import Any

from chain_link import CLIENT, Link
from consortium import GENESIS_SECONDS
from trust_chain import TrustChain, block_time, replay_blocks

from sen.ledger.codes import ResultCode
from sen.ledger.ibc import acknowledgement_key, packet_commitment_key, receipt_key
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.ledger.modules.interchain.packets import ibc_key
from sen.ledger.modules.interchain.status_query import load_answer


def _issuer_list(chain: TrustChain, revoked: int) -> str:
    signer = chain.issuers[0]
    issuer = "did:key:" + encode_multikey(signer.suite, signer.public_key)
    args = {"list": "bang-2025", "issuer": issuer, "purpose": "revocation"}
    chain.ok(signer, "status", "create_list", args)
    chain.ok(signer, "status", "update", {"list": "bang-2025", "issuer": issuer, "set": [revoked]})
    return issuer


def _send(chain: TrustChain, issuer: str, index: int, timeout: int) -> dict[str, Any]:
    query = json.dumps({"issuer": issuer, "list": "bang-2025", "index": index}).encode()
    packet = {
        "source_client": CLIENT,
        "destination_client": CLIENT,
        "timeout_timestamp": timeout,
        "payloads": [
            {
                "source_port": "status-query",
                "destination_port": "status-query",
                "version": "sen-status-1",
                "encoding": "application/json",
                "value": query,
            }
        ],
    }
    result = chain.ok(chain.writer, "interchain", "send_packet", packet)
    return {**packet, "sequence": int(result.data)}


def test_a_status_query_answered_once(link: Link) -> None:
    a, b = link.a, link.b
    issuer = _issuer_list(b, revoked=7)
    packet = _send(a, issuer, 7, GENESIS_SECONDS + 10**5)
    assert packet["sequence"] == 1

    # A -> B: prove A's commitment on B
    height = link.update(b, a)
    commitment = ibc_key(packet_commitment_key(CLIENT, 1))
    recv = {"packet": packet, "proof": link.proof(a, commitment), "proof_height": height}
    received = b.ok(b.writer, "interchain", "recv_packet", recv)
    [event] = [e for e in received.events if e.type == "interchain.recv_packet"]
    attributes = {x.key: x.value for x in event.attributes}
    [ack] = [bytes.fromhex(h) for h in attributes["acknowledgements"].split(",")]
    assert json.loads(ack) == {"status": 1, "purpose": "revocation", "version": 2}
    b.refuse(
        b.writer,
        "interchain",
        "recv_packet",
        recv,
        ResultCode.PACKET_ALREADY_RECEIVED,
        "args.packet.sequence",
    )

    # B -> A: prove B's acknowledgement on A
    height = link.update(a, b)
    ack_key = ibc_key(acknowledgement_key(CLIENT, 1))
    acknowledge = {
        "packet": packet,
        "acknowledgements": [ack],
        "proof": link.proof(b, ack_key),
        "proof_height": height,
        "receipt_proof": link.proof(b, ibc_key(receipt_key(CLIENT, 1))),
    }
    forged = {
        **acknowledge,
        "acknowledgements": [b'{"purpose":"revocation","status":0,"version":2}'],
    }
    a.refuse(
        a.writer, "interchain", "acknowledge_packet", forged, ResultCode.INVALID_PROOF, "args.proof"
    )
    # an acknowledgement is of one packet: B's receipt holds this packet's commitment
    other_packet = {**packet, "timeout_timestamp": packet["timeout_timestamp"] + 1}
    a.refuse(
        a.writer,
        "interchain",
        "acknowledge_packet",
        {**acknowledge, "packet": other_packet},
        ResultCode.UNKNOWN_PACKET,
        "args.packet",
    )
    a.refuse(
        a.writer,
        "interchain",
        "acknowledge_packet",
        {**acknowledge, "receipt_proof": link.proof(b, ack_key)},
        ResultCode.INVALID_PROOF,
        "args.receipt_proof",
    )
    a.ok(a.writer, "interchain", "acknowledge_packet", acknowledge)
    answer = load_answer(a.store, CLIENT, 1)
    assert answer is not None
    assert (answer["outcome"], answer["status"], answer["index"]) == ("answered", 1, 7)
    assert a.store.get(commitment) is None  # settled: the commitment is gone
    a.refuse(
        a.writer,
        "interchain",
        "acknowledge_packet",
        acknowledge,
        ResultCode.UNKNOWN_PACKET,
        "args.packet",
    )
    for chain, name in ((a, "a"), (b, "b")):  # consensus code: every replay agrees
        replayed = replay_blocks(chain, link.root / f"replay-{name}")
        assert [app_hash for app_hash, _ in replayed] == chain.app_hashes


def test_a_forged_commitment_proof_is_refused(link: Link) -> None:
    a, b = link.a, link.b
    issuer = _issuer_list(b, revoked=7)
    packet = _send(a, issuer, 7, GENESIS_SECONDS + 10**5)
    height = link.update(b, a)
    other = ibc_key(packet_commitment_key(CLIENT, 1)) + b"x"  # the proof of another key
    forged = {
        "packet": {**packet, "sequence": 1},
        "proof": link.proof(a, other),
        "proof_height": height,
    }
    b.refuse(b.writer, "interchain", "recv_packet", forged, ResultCode.INVALID_PROOF, "args.proof")
    changed = {
        **packet,
        "payloads": [
            {**packet["payloads"][0], "value": packet["payloads"][0]["value"].replace(b"7", b"8")}
        ],
    }
    recv = {
        "packet": changed,
        "proof": link.proof(a, ibc_key(packet_commitment_key(CLIENT, 1))),
        "proof_height": height,
    }
    b.refuse(b.writer, "interchain", "recv_packet", recv, ResultCode.INVALID_PROOF, "args.proof")
    unknown_height = {**recv, "packet": packet, "proof_height": height + 50}
    b.refuse(
        b.writer,
        "interchain",
        "recv_packet",
        unknown_height,
        ResultCode.UNKNOWN_CONSENSUS_STATE,
        "args.proof_height",
    )


def test_a_packet_not_received_in_time_is_timed_out(link: Link) -> None:
    a, b = link.a, link.b
    issuer = _issuer_list(b, revoked=7)
    timeout = block_time(b.height) + 60
    packet = _send(a, issuer, 3, timeout)
    early = link.update(a, b)  # B's time has not reached the timeout yet
    receipt = ibc_key(receipt_key(CLIENT, packet["sequence"]))
    too_soon = {"packet": packet, "proof": link.proof(b, receipt), "proof_height": early}
    a.refuse(
        a.writer,
        "interchain",
        "timeout_packet",
        too_soon,
        ResultCode.TIMEOUT_NOT_REACHED,
        "args.proof_height",
    )
    for _ in range(8):  # 80 s of B's time
        b.block()
    height = link.update(b, a)
    late = {
        "packet": packet,
        "proof": link.proof(a, ibc_key(packet_commitment_key(CLIENT, 1))),
        "proof_height": height,
    }
    b.refuse(
        b.writer,
        "interchain",
        "recv_packet",
        late,
        ResultCode.PACKET_TIMED_OUT,
        "args.packet.timeout_timestamp",
    )
    height = link.update(a, b)
    timed_out = {"packet": packet, "proof": link.proof(b, receipt), "proof_height": height}
    a.ok(a.writer, "interchain", "timeout_packet", timed_out)
    answer = load_answer(a.store, CLIENT, packet["sequence"])
    assert answer is not None and answer["outcome"] == "timed out"
    a.refuse(
        a.writer,
        "interchain",
        "timeout_packet",
        timed_out,
        ResultCode.UNKNOWN_PACKET,
        "args.packet",
    )


def test_packets_travel_only_between_paired_clients(link: Link) -> None:
    """A packet numbered by another client of the sender (say, its client of a third chain)
    must not take this pair's receipt slots, nor be sent to an unpaired client."""
    a, b = link.a, link.b
    issuer = _issuer_list(b, revoked=7)
    packet = _send(a, issuer, 7, GENESIS_SECONDS + 10**5)
    height = link.update(b, a)
    commitment = ibc_key(packet_commitment_key(CLIENT, 1))
    stranger = {**packet, "source_client": "sen-client-1"}
    recv = {"packet": stranger, "proof": link.proof(a, commitment), "proof_height": height}
    b.refuse(
        b.writer,
        "interchain",
        "recv_packet",
        recv,
        ResultCode.COUNTERPARTY_MISMATCH,
        "args.packet.source_client",
    )
    unpaired = {k: v for k, v in packet.items() if k != "sequence"}
    a.refuse(
        a.writer,
        "interchain",
        "send_packet",
        {**unpaired, "destination_client": "sen-client-5"},
        ResultCode.COUNTERPARTY_MISMATCH,
        "args.destination_client",
    )
    again = {"client_id": CLIENT, "counterparty_client_id": "sen-client-7"}
    a.refuse(
        a.admins[0],
        "interchain",
        "register_counterparty",
        again,
        ResultCode.INVALID_CLIENT_PARAMS,
        "args.client_id",
    )


def test_hostile_payloads_are_refused_cleanly(link: Link) -> None:
    """Bytes another chain chose are read only when small and flat: a deeply nested query
    is a refusal, never an exception inside consensus (which would halt the chain)."""
    a = link.a
    base = _send(a, "did:sen:moet", 1, GENESIS_SECONDS + 10**5)
    base.pop("sequence")
    payload = base["payloads"][0]
    for value in (
        b'{"issuer":' + b"[" * 1200 + b"]" * 1200 + b',"list":"l","index":1}',
        b'{"issuer":"did:sen:moet","list":"l","index":1.5}',
        b'{"issuer":"did:sen:moet","list":"l","index":1,"index":2}',
        b'{"issuer":"did:sen:moet","list":"l","index":' + b"9" * 40 + b"}",
        b"\xff\xfe",
    ):
        a.refuse(
            a.writer,
            "interchain",
            "send_packet",
            {**base, "payloads": [{**payload, "value": value}]},
            ResultCode.INVALID_PACKET,
            "args.payloads[0].value",
        )


def test_a_refusal_names_the_payload_at_fault_and_sequence_zero_is_no_packet(link: Link) -> None:
    a, b = link.a, link.b
    base = _send(a, "did:sen:moet", 1, GENESIS_SECONDS + 10**5)
    base.pop("sequence")
    good = base["payloads"][0]
    transfer = {
        "source_port": "record-transfer",
        "destination_port": "record-transfer",
        "version": "sen-transfer-1",
        "encoding": "application/json",
        "value": b"{}",
    }
    two = {**base, "payloads": [good, transfer]}
    a.refuse(
        a.writer,
        "interchain",
        "send_packet",
        two,
        ResultCode.INVALID_PACKET,
        "args.payloads[1].value",
    )
    # its answer is recorded per packet: a second question would overwrite the first
    questions = {**base, "payloads": [good, good]}
    a.refuse(
        a.writer,
        "interchain",
        "send_packet",
        questions,
        ResultCode.INVALID_PACKET,
        "args.payloads[0]",
    )
    zero = {"packet": {**base, "sequence": 0}, "proof": {}, "proof_height": 1}
    b.refuse(b.writer, "interchain", "recv_packet", zero, ResultCode.INVALID_PACKET, "args.packet")


def test_sending_checks_the_port_the_client_and_the_payload(link: Link) -> None:
    a = link.a
    base = _send(a, "did:sen:moet", 1, GENESIS_SECONDS + 10**5)
    base.pop("sequence")
    payload = base["payloads"][0]
    cases: list[tuple[dict[str, Any], ResultCode, str]] = [
        (
            {**base, "source_client": "sen-client-9"},
            ResultCode.UNKNOWN_CLIENT,
            "args.source_client",
        ),
        ({**base, "timeout_timestamp": 5}, ResultCode.PACKET_TIMED_OUT, "args.timeout_timestamp"),
        (
            {**base, "payloads": [{**payload, "source_port": "nowhere"}]},
            ResultCode.UNKNOWN_PORT,
            "args.payloads[0].source_port",
        ),
        (
            {**base, "payloads": [{**payload, "value": b"{}"}]},
            ResultCode.INVALID_PACKET,
            "args.payloads[0].value",
        ),
        ({**base, "payloads": []}, ResultCode.INVALID_PACKET, "args.payloads"),
    ]
    for args, code, field in cases:
        a.refuse(a.writer, "interchain", "send_packet", args, code, field)
