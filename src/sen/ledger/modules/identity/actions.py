"""The identity module's actions: ``create``, ``update`` and ``deactivate`` a did:sen DID.

``create`` needs the ``issuer`` role (on a permissioned chain); ``update``
and ``deactivate`` need the sender to be one of the DID's controllers (Sen
accounts named at creation, or replaced by an update). Each successful action
writes a new version; older versions stay readable for resolution at a past
time (``versionTime``) or by number (``versionId``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.base import Action, Context, Module, Outcome, reject_unknown_fields
from sen.ledger.modules.identity.parsing import (
    DOCUMENT_FIELDS,
    parse_content,
    parse_controllers,
    parse_name,
)
from sen.ledger.modules.identity.records import (
    DidRecord,
    DidVersion,
    DocumentContent,
    load_did,
    register_name,
    save_did,
    save_version,
)
from sen.ledger.modules.membership import registry
from sen.ledger.types import ChainParams, Event, EventAttribute

DID_METHOD_PREFIX = "did:sen:"


@dataclass(frozen=True, slots=True)
class DocumentArgs:
    name: str
    content: DocumentContent
    controllers: tuple[bytes, ...] | None  # None: the sender (create) / unchanged (update)


@dataclass(frozen=True, slots=True)
class NameArgs:
    name: str


def _event(kind: str, name: str, version: int, organisation: str = "") -> Event:
    attributes = [
        EventAttribute("did", DID_METHOD_PREFIX + name),
        EventAttribute("version", str(version), index=False),
    ]
    if organisation:
        attributes.append(EventAttribute("organisation", organisation))
    return Event(f"identity.{kind}", tuple(attributes))


def _new_version(
    ctx: Context,
    version: int,
    content: DocumentContent,
    controllers: tuple[bytes, ...],
    *,
    deactivated: bool = False,
) -> DidVersion:
    return DidVersion(
        version=version,
        height=ctx.block.height,
        time_seconds=ctx.block.time_seconds,
        time_nanos=ctx.block.time_nanos,
        content=content,
        controllers=controllers,
        sender=ctx.sender,
        deactivated=deactivated,
    )


def _controlled(ctx: Context, name: str) -> DidRecord:
    """The DID ``name`` if it exists, is active and the sender controls it."""
    record = load_did(ctx.state, name)
    if record is None:
        raise TxRejected(
            ResultCode.UNKNOWN_DID,
            "no such DID on this chain",
            field="args.name",
            expected="a DID created with identity.create",
            got=DID_METHOD_PREFIX + name,
        )
    if record.deactivated:
        raise TxRejected(
            ResultCode.DID_DEACTIVATED,
            "the DID is deactivated and can no longer change",
            field="args.name",
            expected="an active DID",
            got=f"{DID_METHOD_PREFIX}{name}, deactivated at height {record.updated_height}",
        )
    if ctx.sender not in record.controllers:
        raise TxRejected(
            ResultCode.NOT_DID_CONTROLLER,
            "only the DID's controllers may change it",
            field="sender",
            expected="one of " + ", ".join(c.hex() for c in record.controllers),
            got=ctx.sender.hex(),
        )
    return record


class Create(Action[DocumentArgs]):
    name = "create"
    permission: str | None = "issuer"

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> DocumentArgs:
        reject_unknown_fields(args, DOCUMENT_FIELDS)
        return DocumentArgs(parse_name(args), parse_content(args), parse_controllers(args))

    def execute(self, ctx: Context, parsed: DocumentArgs) -> Outcome:
        existing = load_did(ctx.state, parsed.name)
        if existing is not None:
            raise TxRejected(
                ResultCode.DID_EXISTS,
                "the name is taken (names are never reused, even after deactivation)",
                field="args.name",
                expected="a name no DID on this chain has had",
                got=f"{parsed.name}, created at height {existing.created_height}",
            )
        member = registry.load_member(ctx.committed or ctx.state, ctx.sender)
        organisation = "" if member is None else member.org
        controllers = parsed.controllers if parsed.controllers is not None else (ctx.sender,)
        version = _new_version(ctx, 1, parsed.content, controllers)
        save_version(ctx.state, parsed.name, version)
        sequence = register_name(ctx.state, parsed.name)
        save_did(
            ctx.state,
            DidRecord(
                name=parsed.name,
                version=1,
                controllers=controllers,
                organisation=organisation,
                created_height=ctx.block.height,
                created_seconds=ctx.block.time_seconds,
                updated_height=ctx.block.height,
                updated_seconds=ctx.block.time_seconds,
                sequence=sequence,
            ),
        )
        return Outcome(
            data=(DID_METHOD_PREFIX + parsed.name).encode(),
            events=(_event("create", parsed.name, 1, organisation),),
        )


class Update(Action[DocumentArgs]):
    name = "update"
    permission: str | None = None  # the sender must be a controller of the DID

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> DocumentArgs:
        reject_unknown_fields(args, DOCUMENT_FIELDS)
        return DocumentArgs(parse_name(args), parse_content(args), parse_controllers(args))

    def execute(self, ctx: Context, parsed: DocumentArgs) -> Outcome:
        record = _controlled(ctx, parsed.name)
        controllers = parsed.controllers if parsed.controllers is not None else record.controllers
        number = record.version + 1
        save_version(ctx.state, parsed.name, _new_version(ctx, number, parsed.content, controllers))
        save_did(
            ctx.state,
            replace(
                record,
                version=number,
                controllers=controllers,
                updated_height=ctx.block.height,
                updated_seconds=ctx.block.time_seconds,
            ),
        )
        return Outcome(data=str(number).encode(), events=(_event("update", parsed.name, number),))


class Deactivate(Action[NameArgs]):
    name = "deactivate"
    permission: str | None = None  # the sender must be a controller of the DID

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> NameArgs:
        reject_unknown_fields(args, frozenset({"name"}))
        return NameArgs(parse_name(args))

    def execute(self, ctx: Context, parsed: NameArgs) -> Outcome:
        record = _controlled(ctx, parsed.name)
        number = record.version + 1
        version = _new_version(ctx, number, DocumentContent(), record.controllers, deactivated=True)
        save_version(ctx.state, parsed.name, version)
        save_did(
            ctx.state,
            replace(
                record,
                version=number,
                deactivated=True,
                updated_height=ctx.block.height,
                updated_seconds=ctx.block.time_seconds,
            ),
        )
        return Outcome(
            data=str(number).encode(), events=(_event("deactivate", parsed.name, number),)
        )


MODULE = Module(
    "identity",
    {"create": Create(), "update": Update(), "deactivate": Deactivate()},
    depends_on=("membership",),
)
