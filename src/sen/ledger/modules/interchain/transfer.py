"""Port ``record-transfer``: move a registry record to another chain, escrowed, never duplicated.

A record is an entry of a chain's registry (a carbon-credit batch, a product
lot) that one organisation owns: a stable id, a kind, and a 32-byte digest of
its content (never the content, never personal data). ``create_record``
(role ``writer``) makes one, owned by the sender's organisation.

Moving it to chain B is ``send_packet`` with this port's payload. On chain A:

1. ``on_send``: only the owner organisation may send it, and only while it is
   live; it becomes **escrowed** (no second packet can carry it).
2. ``on_acknowledge`` with B's success acknowledgement: it is **moved** (a
   tombstone naming the client it left through and the receiving
   organisation), never live here again unless it comes back.
3. ``on_acknowledge`` with the error acknowledgement, or ``on_timeout`` (B
   proved never to have received it): it is **live** again, as it was.

On chain B, ``on_recv`` creates it, live, owned by the receiving organisation,
with its provenance (the client it came through and that client's chain id).
A record that left B through the same client comes home instead: its
tombstone is restored, not a second copy minted (as ICS-20 unescrows a token
coming back through the channel it left by). Anything else under the same id
is a collision, answered with IBC's error acknowledgement, so A refunds.

So at any moment at most one live copy exists across the two chains: between
B's receipt and A's acknowledgement it is live on B and escrowed on A.

Payload value (``application/json``, exactly these keys)::

    {"id": "VCS-4521-2026-001", "kind": "carbon-credit-batch",
     "digest": "<64 lowercase hex>", "receiver": "org-1"}

Success acknowledgement: ``{"id": ..., "owner": <receiver>}``. Records are kept
at ``interchain/records/<id>`` (``docs/spec/interchain.md``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.ibc import ERROR_ACKNOWLEDGEMENT, Packet, Payload
from sen.ledger.modules.arguments import reject_unknown_fields, require_bytes, require_text
from sen.ledger.modules.base import Action, Context, Outcome
from sen.ledger.modules.interchain.ports import register_port
from sen.ledger.modules.interchain.records import load_client
from sen.ledger.modules.interchain.status_query import _flat_object
from sen.ledger.modules.membership.records import IDENTIFIER
from sen.ledger.modules.membership.registry import load_member, load_organisation
from sen.ledger.state import Overlay, StateReader
from sen.ledger.types import ChainParams, Event, EventAttribute

__all__ = ["PORT_NAME", "CreateRecord", "Record", "load_record", "record_key"]

PORT_NAME = "record-transfer"
VERSION = "sen-transfer-1"
ENCODING = "application/json"
RECORDS_PREFIX = b"interchain/records/"
RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
KIND = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
DIGEST_HEX = re.compile(r"[0-9a-f]{64}")

LIVE = "live"
ESCROWED = "escrowed"  # carried by a packet not yet acknowledged or timed out
MOVED = "moved"  # acknowledged by the destination: the tombstone of a record that left


@dataclass(frozen=True, slots=True)
class Record:
    """A registry record as this chain holds it, and where it came from or went."""

    id: str
    kind: str
    digest: bytes  # 32 bytes
    owner: str  # the owning organisation here (for a moved record, the last one)
    status: str  # LIVE | ESCROWED | MOVED
    updated_height: int
    came_from_client: str = ""  # the client here it first arrived through ("" if made here)
    came_from_chain: str = ""  # that client's chain id
    moved_to_client: str = ""  # while MOVED: the client here it left through
    moved_to_owner: str = ""  # while MOVED: the organisation that received it there

    def to_value(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "digest": self.digest,
            "owner": self.owner,
            "status": self.status,
            "updated_height": self.updated_height,
            "came_from": [self.came_from_client, self.came_from_chain],
            "moved_to": [self.moved_to_client, self.moved_to_owner],
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Record:
        came_client, came_chain = value["came_from"]
        moved_client, moved_owner = value["moved_to"]
        return cls(
            id=str(value["id"]),
            kind=str(value["kind"]),
            digest=bytes(value["digest"]),
            owner=str(value["owner"]),
            status=str(value["status"]),
            updated_height=int(value["updated_height"]),
            came_from_client=str(came_client),
            came_from_chain=str(came_chain),
            moved_to_client=str(moved_client),
            moved_to_owner=str(moved_owner),
        )


def record_key(record_id: str) -> bytes:
    return RECORDS_PREFIX + record_id.encode()


def load_record(state: StateReader, record_id: str) -> Record | None:
    stored = state.get(record_key(record_id))
    return None if stored is None else Record.from_value(encoding.decode(stored))


def _save_record(state: Overlay, record: Record) -> None:
    state.set(record_key(record.id), encoding.encode(record.to_value()))


@dataclass(frozen=True, slots=True)
class Transfer:
    """A payload of the port: which record, as the sender's chain describes it, and to whom."""

    id: str
    kind: str
    digest: bytes
    receiver: str  # an organisation id on the destination chain


def _transfer(value: bytes) -> Transfer | None:
    """The transfer a payload value names, or None unless it is exactly one."""
    fields = _flat_object(value)
    if fields is None or set(fields) != {"id", "kind", "digest", "receiver"}:
        return None
    record_id, kind, digest, receiver = (
        fields["id"],
        fields["kind"],
        fields["digest"],
        fields["receiver"],
    )
    if not all(isinstance(v, str) for v in (record_id, kind, digest, receiver)):
        return None
    if (
        RECORD_ID.fullmatch(record_id) is None
        or KIND.fullmatch(kind) is None
        or DIGEST_HEX.fullmatch(digest) is None
        or IDENTIFIER.fullmatch(receiver) is None
    ):
        return None
    return Transfer(record_id, kind, bytes.fromhex(digest), receiver)


def _success(transfer: Transfer) -> bytes:
    """The destination's acknowledgement that it holds the record for ``transfer.receiver``."""
    answer = {"id": transfer.id, "owner": transfer.receiver}
    return json.dumps(answer, sort_keys=True, separators=(",", ":")).encode()


def _confirms(ack: bytes, transfer: Transfer) -> bool:
    answer = _flat_object(ack)
    return answer == {"id": transfer.id, "owner": transfer.receiver}


def _organisation_of(ctx: Context) -> str | None:
    member = load_member(ctx.state, ctx.sender)
    return None if member is None else str(member.org)


def _refuse(code: ResultCode, reason: str, field: str, expected: str, got: object) -> TxRejected:
    return TxRejected(code, reason, field=field, expected=expected, got=str(got)[:80])


def _check_send(ctx: Context, transfer: Transfer, field: str) -> Record:
    """The record ``transfer`` names, refused unless the sender's organisation may send it now."""
    record = load_record(ctx.state, transfer.id)
    if record is None:
        raise _refuse(
            ResultCode.UNKNOWN_RECORD,
            "no such record here",
            field,
            "the id of a record made with interchain.create_record or received",
            transfer.id,
        )
    organisation = _organisation_of(ctx)
    if organisation != record.owner:
        raise _refuse(
            ResultCode.NOT_RECORD_OWNER,
            "only the owner organisation may send a record",
            "sender",
            f"a member of {record.owner}",
            organisation or "no organisation",
        )
    if record.status != LIVE:
        raise _refuse(
            ResultCode.RECORD_NOT_LIVE,
            "the record is in escrow or has moved to another chain",
            field,
            "a live record",
            f"{record.id}: {record.status}",
        )
    if (record.kind, record.digest) != (transfer.kind, transfer.digest):
        raise _refuse(
            ResultCode.RECORD_MISMATCH,
            "the payload must describe the record as it is here",
            field,
            f"kind {record.kind}, digest {record.digest.hex()}",
            f"kind {transfer.kind}, digest {transfer.digest.hex()}",
        )
    return record


def _arrive(ctx: Context, packet: Packet, transfer: Transfer) -> Record | None:
    """The record as it stands here once ``transfer`` arrives, or None if it would collide."""
    receiver = load_organisation(ctx.state, transfer.receiver)
    if receiver is None or not receiver.active:
        return None
    here = load_record(ctx.state, transfer.id)
    if here is None:
        client = load_client(ctx.state, packet.destination_client)
        return Record(
            id=transfer.id,
            kind=transfer.kind,
            digest=transfer.digest,
            owner=transfer.receiver,
            status=LIVE,
            updated_height=ctx.block.height,
            came_from_client=packet.destination_client,
            came_from_chain="" if client is None else client.chain_id,
        )
    coming_home = (
        here.status == MOVED
        and here.moved_to_client == packet.destination_client
        and (here.kind, here.digest) == (transfer.kind, transfer.digest)
    )
    if not coming_home:
        return None
    return replace(
        here,
        owner=transfer.receiver,
        status=LIVE,
        updated_height=ctx.block.height,
        moved_to_client="",
        moved_to_owner="",
    )


def _escrowed(ctx: Context, payload: Payload) -> tuple[Transfer, Record] | None:
    """The transfer a settling packet carried and its escrowed record.

    Sending checked the payload and escrowed the record, and only the packet
    that escrowed it can settle while it is escrowed; anything else is left
    alone (a record is never released twice).
    """
    transfer = _transfer(payload.value)
    if transfer is None:
        return None
    record = load_record(ctx.state, transfer.id)
    if record is None or record.status != ESCROWED:
        return None
    return transfer, record


class RecordTransferPort:
    name = PORT_NAME
    version = VERSION
    encoding = ENCODING

    def on_send(self, ctx: Context, packet: Packet, payload: Payload, field: str) -> None:
        if payload.version != VERSION or payload.encoding != ENCODING:
            raise _refuse(
                ResultCode.INVALID_PACKET,
                "the record-transfer port speaks one version and encoding",
                field,
                f"version {VERSION}, encoding {ENCODING}",
                f"{payload.version}, {payload.encoding}",
            )
        transfer = _transfer(payload.value)
        if transfer is None:
            raise _refuse(
                ResultCode.INVALID_PACKET,
                "not a record transfer",
                f"{field}.value",
                '{"id", "kind", "digest": 64 hex, "receiver": organisation id} as JSON',
                payload.value[:80].decode("utf-8", "replace"),
            )
        record = _check_send(ctx, transfer, f"{field}.value")
        _save_record(ctx.state, replace(record, status=ESCROWED, updated_height=ctx.block.height))

    def on_recv(self, ctx: Context, packet: Packet, payload: Payload) -> bytes:
        transfer = _transfer(payload.value)
        if transfer is None:
            return ERROR_ACKNOWLEDGEMENT
        arrived = _arrive(ctx, packet, transfer)
        if arrived is None:
            return ERROR_ACKNOWLEDGEMENT
        _save_record(ctx.state, arrived)
        return _success(transfer)

    def on_acknowledge(self, ctx: Context, packet: Packet, payload: Payload, ack: bytes) -> None:
        found = _escrowed(ctx, payload)
        if found is None:
            return
        transfer, record = found
        if ack == ERROR_ACKNOWLEDGEMENT:
            settled = replace(record, status=LIVE, updated_height=ctx.block.height)
        elif _confirms(ack, transfer):
            settled = replace(
                record,
                status=MOVED,
                updated_height=ctx.block.height,
                moved_to_client=packet.source_client,
                moved_to_owner=transfer.receiver,
            )
        else:
            # proved, yet not this port's answer: the destination may hold the record or not,
            # so releasing it could make two live copies. It stays in escrow.
            return
        _save_record(ctx.state, settled)

    def on_timeout(self, ctx: Context, packet: Packet, payload: Payload) -> None:
        found = _escrowed(ctx, payload)
        if found is not None:
            _, record = found
            released = replace(record, status=LIVE, updated_height=ctx.block.height)
            _save_record(ctx.state, released)


PORT = register_port(RecordTransferPort())


@dataclass(frozen=True, slots=True)
class CreateRecordArgs:
    id: str
    kind: str
    digest: bytes


class CreateRecord(Action[CreateRecordArgs]):
    """Make a registry record owned by the sender's organisation, ready to be transferred."""

    name = "create_record"
    permission: str | None = "writer"

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> CreateRecordArgs:
        reject_unknown_fields(args, frozenset({"id", "kind", "digest"}))
        record_id = require_text(
            args.get("id"),
            "args.id",
            code=ResultCode.INVALID_RECORD,
            reason="not a record id",
            expected="1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-', "
            "starting with a letter or digit",
            pattern=RECORD_ID,
        )
        kind = require_text(
            args.get("kind"),
            "args.kind",
            code=ResultCode.INVALID_RECORD,
            reason="not a record kind",
            expected="1 to 64 characters of a-z, 0-9 and '-', e.g. carbon-credit-batch",
            pattern=KIND,
        )
        digest = require_bytes(
            args.get("digest"),
            "args.digest",
            code=ResultCode.INVALID_RECORD,
            reason="not a content digest",
            expected="32 bytes (a digest of the record's content, never the content)",
            size=32,
        )
        return CreateRecordArgs(record_id, kind, digest)

    def execute(self, ctx: Context, parsed: CreateRecordArgs) -> Outcome:
        organisation = _organisation_of(ctx)
        if organisation is None:
            raise _refuse(
                ResultCode.NOT_IN_AN_ORGANISATION,
                "records are owned by organisations",
                "sender",
                "an enrolled member",
                ctx.sender.hex(),
            )
        existing = load_record(ctx.state, parsed.id)
        if existing is not None:
            raise _refuse(
                ResultCode.RECORD_EXISTS,
                "a record with this id exists here (ids are never reused)",
                "args.id",
                "an id not used on this chain",
                f"{parsed.id}: {existing.status}",
            )
        record = Record(
            id=parsed.id,
            kind=parsed.kind,
            digest=parsed.digest,
            owner=organisation,
            status=LIVE,
            updated_height=ctx.block.height,
        )
        _save_record(ctx.state, record)
        event = Event(
            "interchain.create_record",
            (
                EventAttribute("id", record.id),
                EventAttribute("kind", record.kind),
                EventAttribute("owner", record.owner),
            ),
        )
        return Outcome(data=record.id.encode(), events=(event,))
