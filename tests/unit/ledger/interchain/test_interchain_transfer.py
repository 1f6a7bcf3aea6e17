"""Escrowed transfer of a registry record between two chains, relayed by hand.

A carbon-credit batch registered by org-0 on chain A moves to org-1 on chain
B: escrowed on A when sent, live on B when received, moved (a tombstone) on A
when B's acknowledgement is proved; sent back, it restores A's original
instead of minting a second copy. An error acknowledgement (an unknown
receiver, a colliding id) and a proved timeout refund the record. At every
step at most one live copy exists across the two chains, and every refusal
names its field and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from chain_link import CLIENT, Link
from consortium import CHAIN_ID, GENESIS_SECONDS
from trust_chain import TrustChain, block_time, replay_blocks

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.ibc import ERROR_ACKNOWLEDGEMENT, Packet, Payload
from sen.ledger.modules.base import Context
from sen.ledger.modules.interchain.packets import NEXT_SEQUENCE_PREFIX
from sen.ledger.modules.interchain.transfer import PORT, Record, load_record, record_key
from sen.ledger.state import Overlay
from sen.ledger.types import BlockInfo, ChainParams

RECORD = "VCS-4521-2026-001"
KIND = "carbon-credit-batch"
DIGEST = hashlib.sha256(b"VCS batch 4521, serials 1-5000").digest()
LATER = GENESIS_SECONDS + 10**5


def _create(chain: TrustChain, signer: SigningKey, record_id: str = RECORD) -> None:
    args = {"id": record_id, "kind": KIND, "digest": DIGEST}
    assert chain.ok(signer, "interchain", "create_record", args).data == record_id.encode()


def _value(record_id: str = RECORD, receiver: str = "org-1", **changed: str) -> bytes:
    fields = {"id": record_id, "kind": KIND, "digest": DIGEST.hex(), "receiver": receiver}
    return json.dumps({**fields, **changed}).encode()


def _payload(value: bytes) -> dict[str, Any]:
    return {
        "source_port": "record-transfer",
        "destination_port": "record-transfer",
        "version": "sen-transfer-1",
        "encoding": "application/json",
        "value": value,
    }


def _unsent(*values: bytes, timeout: int = LATER) -> dict[str, Any]:
    """``send_packet``'s arguments: a packet of one transfer payload per value."""
    return {
        "source_client": CLIENT,
        "destination_client": CLIENT,
        "timeout_timestamp": timeout,
        "payloads": [_payload(v) for v in values],
    }


def _send(
    chain: TrustChain, signer: SigningKey, receiver: str, *, timeout: int = LATER
) -> dict[str, Any]:
    packet = _unsent(_value(receiver=receiver), timeout=timeout)
    result = chain.ok(signer, "interchain", "send_packet", packet)
    return {**packet, "sequence": int(result.data)}


def _record(chain: TrustChain, record_id: str = RECORD) -> Record:
    found = load_record(chain.store, record_id)
    assert found is not None
    return found


def _live_copies(link: Link) -> int:
    records = [load_record(chain.store, RECORD) for chain in (link.a, link.b)]
    return sum(1 for r in records if r is not None and r.status == "live")


def _written(chain: TrustChain, *record_ids: str) -> list[bytes | None]:
    """What a refused send or create could have written: the records, the packet counter."""
    keys = [record_key(i) for i in record_ids] + [NEXT_SEQUENCE_PREFIX + CLIENT.encode()]
    return [chain.store.get(k) for k in keys]


def test_a_record_moves_once_and_comes_home_as_the_original(link: Link) -> None:
    a, b = link.a, link.b
    _create(a, a.admins[0])  # org-0 registers the batch
    assert (_record(a).owner, _record(a).status) == ("org-0", "live")

    packet = _send(a, a.writer, "org-1")  # any writer of org-0 may send it
    assert _record(a).status == "escrowed"
    assert _live_copies(link) == 0

    received = link.receive_args(a, packet)
    acks = link.deliver(b, received)
    assert json.loads(acks[0]) == {"id": RECORD, "owner": "org-1"}
    arrived = _record(b)
    assert (arrived.status, arrived.owner, arrived.kind, arrived.digest) == (
        "live",
        "org-1",
        KIND,
        DIGEST,
    )
    assert (arrived.came_from_client, arrived.came_from_chain) == (CLIENT, "chain-a")
    assert _live_copies(link) == 1  # live on B, still escrowed on A
    b.refuse(
        b.writer,
        "interchain",
        "recv_packet",
        received,
        ResultCode.PACKET_ALREADY_RECEIVED,
        "args.packet.sequence",
    )

    acknowledge = link.acknowledge_args(a, packet, acks)
    a.ok(a.writer, "interchain", "acknowledge_packet", acknowledge)
    left = _record(a)
    assert (left.status, left.moved_to_client, left.moved_to_owner) == ("moved", CLIENT, "org-1")
    assert _live_copies(link) == 1
    a.refuse(
        a.writer,
        "interchain",
        "acknowledge_packet",
        acknowledge,
        ResultCode.UNKNOWN_PACKET,
        "args.packet",
    )
    # the tombstone is neither sent again nor replaced by a new record of the same id
    again = _unsent(_value(receiver="org-2"))
    a.refuse(
        a.writer,
        "interchain",
        "send_packet",
        again,
        ResultCode.RECORD_NOT_LIVE,
        "args.payloads[0].value",
    )
    create = {"id": RECORD, "kind": KIND, "digest": DIGEST}
    a.refuse(a.writer, "interchain", "create_record", create, ResultCode.RECORD_EXISTS, "args.id")

    # B -> A: org-1 sends it home, to org-2
    back = _send(b, b.admins[1], "org-2")
    assert _record(b).status == "escrowed"
    acks = link.receive(b, back)
    assert json.loads(acks[0]) == {"id": RECORD, "owner": "org-2"}
    home = _record(a)
    assert (home.status, home.owner, home.came_from_client, home.moved_to_client) == (
        "live",
        "org-2",
        "",  # the original, made here: not a copy that came from elsewhere
        "",
    )
    link.acknowledge(b, back, acks)
    assert (_record(b).status, _record(b).moved_to_owner) == ("moved", "org-2")
    assert _live_copies(link) == 1

    for chain, name in ((a, "a"), (b, "b")):  # consensus code: every replay agrees
        replayed = replay_blocks(chain, link.root / f"replay-{name}")
        assert [app_hash for app_hash, _ in replayed] == chain.app_hashes


def test_an_error_acknowledgement_refunds_the_record(link: Link) -> None:
    a, b = link.a, link.b
    _create(a, a.admins[0])

    packet = _send(a, a.writer, "org-9")  # no such organisation on B
    acks = link.receive(a, packet)
    assert acks == [ERROR_ACKNOWLEDGEMENT]
    assert load_record(b.store, RECORD) is None
    link.acknowledge(a, packet, acks)
    assert (_record(a).status, _record(a).owner) == ("live", "org-0")

    _create(b, b.admins[1])  # B registers its own record under the same id
    native = b.store.get(record_key(RECORD))
    collides = _send(a, a.writer, "org-1")
    acks = link.receive(a, collides)
    assert acks == [ERROR_ACKNOWLEDGEMENT]
    assert b.store.get(record_key(RECORD)) == native  # B's own record is untouched
    link.acknowledge(a, collides, acks)
    assert (_record(a).status, _record(a).owner) == ("live", "org-0")


def test_a_proved_timeout_refunds_the_record(link: Link) -> None:
    a, b = link.a, link.b
    _create(a, a.admins[0])
    packet = _send(a, a.writer, "org-1", timeout=block_time(b.height) + 60)
    too_soon = link.timeout_args(a, packet)
    a.refuse(
        a.writer,
        "interchain",
        "timeout_packet",
        too_soon,
        ResultCode.TIMEOUT_NOT_REACHED,
        "args.proof_height",
    )
    assert _record(a).status == "escrowed"
    for _ in range(8):  # 80 s of B's time: the timeout passes there
        b.block()
    late = link.receive_args(a, packet)
    b.refuse(
        b.writer,
        "interchain",
        "recv_packet",
        late,
        ResultCode.PACKET_TIMED_OUT,
        "args.packet.timeout_timestamp",
    )
    timed_out = link.timeout_args(a, packet)  # B's receipt proved absent
    a.ok(a.writer, "interchain", "timeout_packet", timed_out)
    assert (_record(a).status, _record(a).owner) == ("live", "org-0")
    assert load_record(b.store, RECORD) is None
    a.refuse(
        a.writer,
        "interchain",
        "timeout_packet",
        timed_out,
        ResultCode.UNKNOWN_PACKET,
        "args.packet",
    )
    assert _send(a, a.writer, "org-1")["sequence"] == 2  # live again: it can be sent


def test_only_the_owner_organisation_sends_a_live_record_as_it_is(link: Link) -> None:
    a = link.a
    _create(a, a.admins[0])
    _create(a, a.admins[0], "VCS-4521-2026-002")
    other = hashlib.sha256(b"another batch").hexdigest()
    cases: list[tuple[SigningKey, dict[str, Any], ResultCode, str]] = [
        (a.admins[1], _unsent(_value()), ResultCode.NOT_RECORD_OWNER, "sender"),
        (a.writer, _unsent(_value("VCS-0")), ResultCode.UNKNOWN_RECORD, "args.payloads[0].value"),
        (
            a.writer,
            _unsent(_value(digest=other)),
            ResultCode.RECORD_MISMATCH,
            "args.payloads[0].value",
        ),
        (
            a.writer,
            _unsent(_value(kind="product-lot")),
            ResultCode.RECORD_MISMATCH,
            "args.payloads[0].value",
        ),
        (  # one record in two payloads: the second finds it escrowed by the first
            a.writer,
            _unsent(_value("VCS-4521-2026-002"), _value(), _value()),
            ResultCode.RECORD_NOT_LIVE,
            "args.payloads[2].value",
        ),
    ]
    before = _written(a, RECORD, "VCS-4521-2026-002")
    for signer, args, code, field in cases:
        a.refuse(signer, "interchain", "send_packet", args, code, field)
        assert _written(a, RECORD, "VCS-4521-2026-002") == before

    _send(a, a.writer, "org-1")
    before = _written(a, RECORD)
    escrowed = _unsent(_value())
    a.refuse(
        a.writer,
        "interchain",
        "send_packet",
        escrowed,
        ResultCode.RECORD_NOT_LIVE,
        "args.payloads[0].value",
    )
    assert _written(a, RECORD) == before


HOSTILE_VALUES = [
    _value(receiver="Org 1"),
    _value(digest=DIGEST.hex().upper()),
    _value(digest=DIGEST.hex()[:62]),
    _value("../records/x"),
    b'{"id":"VCS-1","kind":"carbon-credit-batch","digest":"' + b"0" * 64 + b'","receiver":1.5}',
    _value()[:-1] + b',"receiver":"org-2"}',  # a duplicate key
    _value()[:-1] + b',"extra":"x"}',
    b'{"id":"VCS-1","kind":"carbon-credit-batch","digest":"' + b"0" * 64 + b'"}',
    b'{"id":' + b"[" * 1200 + b"]" * 1200 + b"}",
    _value()[:-1] + b',"pad":"' + b"x" * 1100 + b'"}',
    b"\xff\xfe",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_a_malformed_payload_is_refused_when_sent_and_answered_with_an_error(
    link: Link, value: bytes
) -> None:
    a, b = link.a, link.b
    _create(a, a.admins[0])
    before = _written(a, RECORD)
    a.refuse(
        a.writer,
        "interchain",
        "send_packet",
        _unsent(value),
        ResultCode.INVALID_PACKET,
        "args.payloads[0].value",
    )
    assert _written(a, RECORD) == before
    # had another chain sent it anyway, B answers with the error acknowledgement, writing nothing
    payload = Payload(**_payload(value))
    packet = Packet(1, CLIENT, CLIENT, LATER, (payload,))
    ctx = _context(b)
    assert PORT.on_recv(ctx, packet, payload) == ERROR_ACKNOWLEDGEMENT
    assert ctx.state.changes() == []


def test_a_wrong_version_is_refused(link: Link) -> None:
    a = link.a
    _create(a, a.admins[0])
    args = _unsent(_value())
    args["payloads"][0]["version"] = "ics20-1"
    before = _written(a, RECORD)
    a.refuse(
        a.writer, "interchain", "send_packet", args, ResultCode.INVALID_PACKET, "args.payloads[0]"
    )
    assert _written(a, RECORD) == before


def test_an_acknowledgement_the_port_cannot_read_leaves_the_record_in_escrow(link: Link) -> None:
    """Proved, yet neither the error acknowledgement nor a confirmation of this record: the
    destination may hold the record or not, so it is not released (never two live copies)."""
    a = link.a
    _create(a, a.admins[0])
    packet = _send(a, a.writer, "org-1")
    payload = Payload(**packet["payloads"][0])
    sent = Packet(1, CLIENT, CLIENT, LATER, (payload,))
    for ack in (b'{"id":"VCS-0","owner":"org-1"}', b'{"id":"' + RECORD.encode() + b'"}', b"\x01"):
        ctx = _context(a)
        PORT.on_acknowledge(ctx, sent, payload, ack)
        assert ctx.state.changes() == []


CREATE_CASES: list[tuple[dict[str, Any], ResultCode, str]] = [
    ({"id": "", "kind": KIND, "digest": DIGEST}, ResultCode.INVALID_RECORD, "args.id"),
    ({"id": "a/b", "kind": KIND, "digest": DIGEST}, ResultCode.INVALID_RECORD, "args.id"),
    ({"id": "x" * 129, "kind": KIND, "digest": DIGEST}, ResultCode.INVALID_RECORD, "args.id"),
    ({"id": 7, "kind": KIND, "digest": DIGEST}, ResultCode.INVALID_RECORD, "args.id"),
    ({"id": RECORD, "kind": "Carbon", "digest": DIGEST}, ResultCode.INVALID_RECORD, "args.kind"),
    ({"id": RECORD, "kind": KIND, "digest": DIGEST[:31]}, ResultCode.INVALID_RECORD, "args.digest"),
    (
        {"id": RECORD, "kind": KIND, "digest": DIGEST.hex()},
        ResultCode.INVALID_RECORD,
        "args.digest",
    ),
    (
        {"id": RECORD, "kind": KIND, "digest": DIGEST, "owner": "org-2"},
        ResultCode.INVALID_ARGUMENT,
        "args.owner",
    ),
]


@pytest.mark.parametrize(("args", "code", "field"), CREATE_CASES)
def test_create_record_refuses_a_bad_argument(
    chain: TrustChain, args: dict[str, Any], code: ResultCode, field: str
) -> None:
    chain.refuse(chain.writer, "interchain", "create_record", args, code, field)
    assert chain.store.get(record_key(RECORD)) is None


def test_a_record_id_is_never_reused(chain: TrustChain) -> None:
    _create(chain, chain.admins[0])
    before = chain.store.get(record_key(RECORD))
    args = {"id": RECORD, "kind": "product-lot", "digest": bytes(32)}
    chain.refuse(
        chain.admins[1], "interchain", "create_record", args, ResultCode.RECORD_EXISTS, "args.id"
    )
    assert chain.store.get(record_key(RECORD)) == before


def _context(chain: TrustChain) -> Context:
    """A context over ``chain``'s committed state, as the next block would run a callback."""
    height = chain.height + 1
    block = BlockInfo(height, block_time(height), 0, bytes(20))
    params = ChainParams(chain_id=CHAIN_ID, permissioned=True)
    return Context(Overlay(chain.store), block, params, bytes(32), 0, bytes(20), chain.store)
