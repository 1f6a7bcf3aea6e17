"""The status module's actions: ``create_list`` and ``update`` a Bitstring Status List.

Both are taken on behalf of the issuer's DID: for a did:sen DID the sender
must be one of its controllers; for a ``did:key`` DID (an issuer known by its
key alone, as foreign issuers and the W3C test suites are) the sender must be
that key. ``create_list`` also needs the ``issuer`` role on a permissioned
chain. A revocation list only ever sets bits: revocation is not
reversible (Bitstring Status List v1.0, ``statusPurpose``); a suspension list
sets and clears them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import address_of
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    as_given,
    number_or,
    reject_unknown_fields,
    require_at_most,
    require_int,
    require_list,
    require_new,
    require_one_of,
    require_text,
)
from sen.ledger.modules.base import Action, Context, Module, Outcome
from sen.ledger.modules.identity.multikey import MultikeyError, decode_multikey
from sen.ledger.modules.status.bitstring import MAX_ENTRIES, MIN_ENTRIES, with_changes
from sen.ledger.modules.status.records import (
    StatusList,
    add_to_index,
    load_bits,
    load_list,
    save_bits,
    save_list,
)
from sen.ledger.modules.trust.parsing import is_sen_did, require_controller
from sen.ledger.types import ChainParams, Event, EventAttribute

LIST_NAME_PATTERN = re.compile(r"^[a-z0-9-]{1,64}$")
PURPOSES = ("revocation", "suspension")
MAX_INDEXES = 10_000
"""Indexes one ``update`` may set and clear together."""


@dataclass(frozen=True, slots=True)
class CreateArgs:
    issuer: str
    name: str
    purpose: str
    size: int


@dataclass(frozen=True, slots=True)
class UpdateArgs:
    issuer: str
    name: str
    set_indexes: tuple[int, ...]
    clear_indexes: tuple[int, ...]


def _shown(value: object) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else repr(value[:77] + "...")
    return "nothing" if value is None else type(value).__name__


DID_KEY_PREFIX = "did:key:"


def issuer_problem(value: object) -> str | None:
    """Why ``value`` cannot own status lists (None: a did:sen DID, or a did:key Sen decodes)."""
    if is_sen_did(value):
        return None
    if not isinstance(value, str) or not value.startswith(DID_KEY_PREFIX):
        return "not a did:sen or did:key DID"
    try:
        decode_multikey(value[len(DID_KEY_PREFIX) :])
    except MultikeyError as exc:
        return f"not a did:key Sen accepts: {exc.reason}"
    return None


def parse_issuer(args: Mapping[str, Any], key: str = "issuer") -> str:
    """``args[key]``: a ``did:sen:<name>`` DID, or a ``did:key:<multikey>`` (Ed25519 or P-256)."""
    value = args.get(key)
    problem = issuer_problem(value)
    if problem is not None:
        raise TxRejected(
            ResultCode.INVALID_DID,
            problem,
            field=f"args.{key}",
            expected="did:sen:<name>, or did:key:<multikey> of an Ed25519 or P-256 key",
            got=_shown(value),
        )
    assert isinstance(value, str)
    return value


def require_issuer_controller(ctx: Context, issuer: str) -> None:
    """The sender may act for ``issuer``: a controller of a did:sen DID, or a did:key's key."""
    if not issuer.startswith(DID_KEY_PREFIX):
        require_controller(ctx.state, issuer, ctx.sender, "args.issuer")
        return
    suite, public_key = decode_multikey(issuer[len(DID_KEY_PREFIX) :])
    owner = address_of(suite, public_key)
    if ctx.sender != owner:
        raise TxRejected(
            ResultCode.NOT_DID_CONTROLLER,
            f"only the key of {issuer} may act for it",
            field="sender",
            expected=owner.hex(),
            got=ctx.sender.hex(),
        )


def parse_list_name(args: Mapping[str, Any]) -> str:
    return require_text(
        args.get("list"),
        "args.list",
        code=ResultCode.INVALID_STATUS_LIST_NAME,
        reason="not a status list name",
        expected="1-64 of a-z, 0-9 and '-'",
        pattern=LIST_NAME_PATTERN,
        got=_shown,
    )


def _parse_size(args: Mapping[str, Any]) -> int:
    return require_int(
        args.get("size", MIN_ENTRIES),
        "args.size",
        code=ResultCode.INVALID_STATUS_LIST_SIZE,
        reason="not a status list size",
        expected=f"a multiple of 8 from {MIN_ENTRIES} to {MAX_ENTRIES}",
        minimum=MIN_ENTRIES,
        maximum=MAX_ENTRIES,
        multiple_of=8,
        got=number_or(_shown),
    )


def _parse_indexes(args: Mapping[str, Any], key: str) -> tuple[int, ...]:
    field = f"args.{key}"
    value = require_list(args.get(key, []), field, expected="a list of indexes", got=_shown)
    require_at_most(
        value,
        field,
        MAX_INDEXES,
        code=ResultCode.TOO_MANY_STATUS_INDEXES,
        reason="too many indexes",
        expected=f"at most {MAX_INDEXES} indexes in set and clear together",
    )
    indexes: list[int] = []
    seen: set[int] = set()
    for i, item in enumerate(value):
        where = f"{field}[{i}]"
        index = require_int(
            item, where, reason="an index is an integer", expected="an integer", got=_shown
        )
        require_int(
            index,
            where,
            code=ResultCode.STATUS_INDEX_OUT_OF_RANGE,
            reason="index out of range",
            expected=f"0 to {MAX_ENTRIES - 1}",
            minimum=0,
            maximum=MAX_ENTRIES - 1,
            got=as_given,
        )
        require_new(
            index,
            seen,
            where,
            code=ResultCode.STATUS_INDEX_CONFLICT,
            reason="an index is repeated",
            expected="distinct indexes",
        )
        seen.add(index)
        indexes.append(index)
    return tuple(indexes)


class CreateList(Action[CreateArgs]):
    name = "create_list"
    permission: str | None = "issuer"

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> CreateArgs:
        reject_unknown_fields(args, frozenset({"list", "issuer", "purpose", "size"}))
        purpose = require_one_of(
            args.get("purpose"),
            "args.purpose",
            PURPOSES,
            code=ResultCode.INVALID_STATUS_PURPOSE,
            reason="unsupported status purpose",
            expected=" or ".join(PURPOSES),
            got=_shown,
        )
        return CreateArgs(
            issuer=parse_issuer(args),
            name=parse_list_name(args),
            purpose=purpose,
            size=_parse_size(args),
        )

    def execute(self, ctx: Context, parsed: CreateArgs) -> Outcome:
        existing = load_list(ctx.state, parsed.issuer, parsed.name)
        if existing is not None:
            raise TxRejected(
                ResultCode.STATUS_LIST_EXISTS,
                "the issuer already has a list with this name (names are never reused)",
                field="args.list",
                expected="a new list name",
                got=f"{parsed.name}, created at height {existing.created_height}",
            )
        require_issuer_controller(ctx, parsed.issuer)
        height, seconds = ctx.block.height, ctx.block.time_seconds
        record = StatusList(
            issuer=parsed.issuer,
            name=parsed.name,
            purpose=parsed.purpose,
            size=parsed.size,
            version=1,
            created_height=height,
            created_time=seconds,
            updated_height=height,
            updated_time=seconds,
        )
        save_list(ctx.state, record)
        save_bits(ctx.state, parsed.issuer, parsed.name, bytes(parsed.size // 8))
        add_to_index(ctx.state, parsed.issuer, parsed.name)
        event = Event(
            "status.create_list",
            (
                EventAttribute("issuer", parsed.issuer),
                EventAttribute("list", parsed.name),
                EventAttribute("purpose", parsed.purpose, index=False),
                EventAttribute("size", str(parsed.size), index=False),
            ),
        )
        return Outcome(data=b"1", events=(event,))


class Update(Action[UpdateArgs]):
    name = "update"
    permission: str | None = None  # a controller of the issuer DID

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> UpdateArgs:
        reject_unknown_fields(args, frozenset({"list", "issuer", "set", "clear"}))
        issuer = parse_issuer(args)
        name = parse_list_name(args)
        set_indexes = _parse_indexes(args, "set")
        clear_indexes = _parse_indexes(args, "clear")
        total = len(set_indexes) + len(clear_indexes)
        if total == 0 or total > MAX_INDEXES:
            raise TxRejected(
                ResultCode.TOO_MANY_STATUS_INDEXES if total else ResultCode.INVALID_ARGUMENT,
                "nothing to change" if total == 0 else "too many indexes",
                field="args.set",
                expected=f"1 to {MAX_INDEXES} indexes in set and clear together",
                got=total,
            )
        in_set = set(set_indexes)
        for i, index in enumerate(clear_indexes):
            require_new(
                index,
                in_set,
                f"args.clear[{i}]",
                code=ResultCode.STATUS_INDEX_CONFLICT,
                reason="an index is both set and cleared",
                expected="an index not in set",
            )
        return UpdateArgs(issuer, name, set_indexes, clear_indexes)

    def execute(self, ctx: Context, parsed: UpdateArgs) -> Outcome:
        record = load_list(ctx.state, parsed.issuer, parsed.name)
        bits = load_bits(ctx.state, parsed.issuer, parsed.name)
        if record is None or bits is None:
            raise TxRejected(
                ResultCode.UNKNOWN_STATUS_LIST,
                "no such status list",
                field="args.list",
                expected=f"a list created by {parsed.issuer} with status.create_list",
                got=parsed.name,
            )
        require_issuer_controller(ctx, parsed.issuer)
        for key, indexes in (("set", parsed.set_indexes), ("clear", parsed.clear_indexes)):
            for i, index in enumerate(indexes):
                if index >= record.size:
                    raise TxRejected(
                        ResultCode.STATUS_INDEX_OUT_OF_RANGE,
                        "index beyond the end of the list",
                        field=f"args.{key}[{i}]",
                        expected=f"0 to {record.size - 1}",
                        got=index,
                    )
        if parsed.clear_indexes and record.purpose == "revocation":
            raise TxRejected(
                ResultCode.STATUS_IRREVERSIBLE,
                "a revocation cannot be undone; use a suspension list for reversible status",
                field="args.clear",
                expected="no indexes to clear on a revocation list",
                got=len(parsed.clear_indexes),
            )
        changed = with_changes(bits, parsed.set_indexes, parsed.clear_indexes)
        save_bits(ctx.state, parsed.issuer, parsed.name, changed)
        updated = replace(
            record,
            version=record.version + 1,
            updated_height=ctx.block.height,
            updated_time=ctx.block.time_seconds,
        )
        save_list(ctx.state, updated)
        count = len(parsed.set_indexes) + len(parsed.clear_indexes)
        event = Event(
            "status.update",
            (
                EventAttribute("issuer", parsed.issuer),
                EventAttribute("list", parsed.name),
                EventAttribute("version", str(updated.version), index=False),
                EventAttribute("count", str(count), index=False),
            ),
        )
        return Outcome(data=str(updated.version).encode(), events=(event,))


MODULE = Module(
    "status", {"create_list": CreateList(), "update": Update()}, depends_on=("trust", "identity")
)
