"""The trust module's actions: accredit issuers, revoke accreditations, register credential schemas.

Every action is taken on behalf of a did:sen DID, and the sender must be one
of that DID's on-chain controllers (``identity`` module). ``accredit`` and
``register_schema`` also need the ``issuer`` role on a permissioned chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.base import Action, Context, Module, Outcome, reject_unknown_fields
from sen.ledger.modules.trust.parsing import (
    parse_credential_type,
    parse_credential_types,
    parse_did_argument,
    parse_digest,
    parse_flag,
    parse_positive,
    parse_schema_id,
    parse_schema_text,
    parse_seconds,
    require_active,
    require_controller,
)
from sen.ledger.modules.trust.paths import accreditation_at
from sen.ledger.modules.trust.records import (
    Accreditation,
    SchemaRecord,
    accreditation_count,
    add_accreditation,
    load_accreditation,
    load_schema,
    register_schema_id,
    roots_at,
    save_accreditation,
    save_schema,
)
from sen.ledger.modules.trust.roots import trust_genesis
from sen.ledger.types import ChainParams, Event, EventAttribute

MAX_ACCREDITATIONS_PER_ISSUER = 128
"""Accreditations a DID may ever receive (revoked and expired ones count): bounds path searches."""


@dataclass(frozen=True, slots=True)
class AccreditArgs:
    accreditor: str
    issuer: str
    types: tuple[str, ...]
    may_accredit: bool
    valid_until: int | None


@dataclass(frozen=True, slots=True)
class RevokeArgs:
    issuer: str
    id: int
    by: str | None


@dataclass(frozen=True, slots=True)
class SchemaArgs:
    id: str
    name: str
    version: str
    credential_type: str
    digest: bytes
    issuer: str


@dataclass(frozen=True, slots=True)
class SchemaIdArgs:
    id: str


def _event(kind: str, *pairs: tuple[str, str, bool]) -> Event:
    return Event(f"trust.{kind}", tuple(EventAttribute(k, v, index=i) for k, v, i in pairs))


def _accreditor_may_grant(ctx: Context, parsed: AccreditArgs) -> None:
    """The accreditor is a root now, or may accredit others for each of the types now."""
    now = ctx.block.time_seconds
    if parsed.accreditor in roots_at(ctx.state, now):
        require_active(ctx.state, parsed.accreditor, now, "args.accreditor")
        return
    for i, credential_type in enumerate(parsed.types):
        check = accreditation_at(
            ctx.state, parsed.accreditor, credential_type, now, may_accredit=True
        )
        if not check.ok:
            raise TxRejected(
                ResultCode.NOT_ACCREDITED,
                f"{parsed.accreditor} may not accredit for {credential_type}",
                field=f"args.credential_types[{i}]",
                expected="a type the accreditor holds a current accreditation with "
                "may_accredit for (or an accreditor that is a trust root)",
                got=f"{check.error}: {check.reason}",
            )


class Accredit(Action[AccreditArgs]):
    name = "accredit"
    permission: str | None = "issuer"
    fields = frozenset({"accreditor", "issuer", "credential_types", "may_accredit", "valid_until"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> AccreditArgs:
        reject_unknown_fields(args, self.fields)
        parsed = AccreditArgs(
            accreditor=parse_did_argument(args, "accreditor"),
            issuer=parse_did_argument(args, "issuer"),
            types=parse_credential_types(args),
            may_accredit=parse_flag(args, "may_accredit"),
            valid_until=parse_seconds(args, "valid_until"),
        )
        if parsed.issuer == parsed.accreditor:
            raise TxRejected(
                ResultCode.SELF_ACCREDITATION,
                "a DID cannot accredit itself",
                field="args.issuer",
                expected=f"a DID other than the accreditor {parsed.accreditor}",
                got=parsed.issuer,
            )
        return parsed

    def execute(self, ctx: Context, parsed: AccreditArgs) -> Outcome:
        now = ctx.block.time_seconds
        if parsed.valid_until is not None and parsed.valid_until <= now:
            raise TxRejected(
                ResultCode.INVALID_VALIDITY,
                "valid_until is not in the future",
                field="args.valid_until",
                expected=f"unix seconds after the block time {now}",
                got=parsed.valid_until,
            )
        require_controller(ctx.state, parsed.accreditor, ctx.sender, "args.accreditor")
        require_active(ctx.state, parsed.issuer, now, "args.issuer")
        _accreditor_may_grant(ctx, parsed)
        number = accreditation_count(ctx.state, parsed.issuer) + 1
        if number > MAX_ACCREDITATIONS_PER_ISSUER:
            raise TxRejected(
                ResultCode.TOO_MANY_ACCREDITATIONS,
                "the issuer has received the most accreditations a DID may",
                field="args.issuer",
                expected=f"at most {MAX_ACCREDITATIONS_PER_ISSUER} per DID",
                got=f"{parsed.issuer} holds {number - 1}",
            )
        add_accreditation(
            ctx.state,
            Accreditation(
                issuer=parsed.issuer,
                id=number,
                accreditor=parsed.accreditor,
                types=parsed.types,
                may_accredit=parsed.may_accredit,
                from_height=ctx.block.height,
                from_time=now,
                until=parsed.valid_until,
                sender=ctx.sender,
            ),
        )
        event = _event(
            "accredit",
            ("issuer", parsed.issuer, True),
            ("accreditor", parsed.accreditor, True),
            ("id", str(number), False),
            ("credential_types", ",".join(parsed.types), False),
            ("may_accredit", "true" if parsed.may_accredit else "false", False),
        )
        return Outcome(data=str(number).encode(), events=(event,))


class RevokeAccreditation(Action[RevokeArgs]):
    name = "revoke_accreditation"
    permission: str | None = None  # a controller of the accreditor, or of a trust root

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> RevokeArgs:
        reject_unknown_fields(args, frozenset({"issuer", "id", "by"}))
        by = parse_did_argument(args, "by") if "by" in args else None
        return RevokeArgs(parse_did_argument(args, "issuer"), parse_positive(args, "id"), by)

    def execute(self, ctx: Context, parsed: RevokeArgs) -> Outcome:
        accreditation = load_accreditation(ctx.state, parsed.issuer, parsed.id)
        if accreditation is None:
            count = accreditation_count(ctx.state, parsed.issuer)
            raise TxRejected(
                ResultCode.UNKNOWN_ACCREDITATION,
                "no such accreditation",
                field="args.id",
                expected=f"1 to {count} for {parsed.issuer}",
                got=parsed.id,
            )
        if accreditation.revoked_height is not None:
            raise TxRejected(
                ResultCode.ACCREDITATION_REVOKED,
                "the accreditation was revoked before",
                field="args.id",
                expected="an accreditation not yet revoked",
                got=f"{parsed.id}, revoked at height {accreditation.revoked_height}",
            )
        by = parsed.by or accreditation.accreditor
        if by != accreditation.accreditor and by not in roots_at(ctx.state, ctx.block.time_seconds):
            raise TxRejected(
                ResultCode.NOT_ACCREDITOR,
                "only the accreditor or a trust root may revoke",
                field="args.by",
                expected=f"{accreditation.accreditor} or a trust root",
                got=by,
            )
        require_controller(ctx.state, by, ctx.sender, "args.by")
        revoked = replace(
            accreditation,
            revoked_height=ctx.block.height,
            revoked_time=ctx.block.time_seconds,
            revoked_by=by,
            revoked_sender=ctx.sender,
        )
        save_accreditation(ctx.state, revoked)
        event = _event(
            "revoke_accreditation",
            ("issuer", parsed.issuer, True),
            ("id", str(parsed.id), False),
            ("by", by, True),
        )
        return Outcome(data=str(parsed.id).encode(), events=(event,))


class RegisterSchema(Action[SchemaArgs]):
    name = "register_schema"
    permission: str | None = "issuer"
    fields = frozenset({"id", "name", "version", "credential_type", "digest", "issuer"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> SchemaArgs:
        reject_unknown_fields(args, self.fields)
        return SchemaArgs(
            id=parse_schema_id(args),
            name=parse_schema_text(args, "name"),
            version=parse_schema_text(args, "version"),
            credential_type=parse_credential_type(
                args.get("credential_type"), "args.credential_type"
            ),
            digest=parse_digest(args),
            issuer=parse_did_argument(args, "issuer"),
        )

    def execute(self, ctx: Context, parsed: SchemaArgs) -> Outcome:
        existing = load_schema(ctx.state, parsed.id)
        if existing is not None:
            raise TxRejected(
                ResultCode.SCHEMA_EXISTS,
                "the schema id is taken (a new version needs a new id)",
                field="args.id",
                expected="a schema id not registered before",
                got=f"{parsed.id}, registered at height {existing.registered_height}",
            )
        require_controller(ctx.state, parsed.issuer, ctx.sender, "args.issuer")
        sequence = register_schema_id(ctx.state, parsed.id)
        save_schema(
            ctx.state,
            SchemaRecord(
                id=parsed.id,
                name=parsed.name,
                version=parsed.version,
                credential_type=parsed.credential_type,
                digest=parsed.digest,
                issuer=parsed.issuer,
                sequence=sequence,
                registered_height=ctx.block.height,
                registered_time=ctx.block.time_seconds,
                sender=ctx.sender,
            ),
        )
        event = _event(
            "register_schema",
            ("id", parsed.id, True),
            ("issuer", parsed.issuer, True),
            ("credential_type", parsed.credential_type, True),
        )
        return Outcome(data=parsed.id.encode(), events=(event,))


class DeprecateSchema(Action[SchemaIdArgs]):
    name = "deprecate_schema"
    permission: str | None = None  # a controller of the schema's issuer DID

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> SchemaIdArgs:
        reject_unknown_fields(args, frozenset({"id"}))
        return SchemaIdArgs(parse_schema_id(args))

    def execute(self, ctx: Context, parsed: SchemaIdArgs) -> Outcome:
        schema = load_schema(ctx.state, parsed.id)
        if schema is None:
            raise TxRejected(
                ResultCode.UNKNOWN_SCHEMA,
                "no such schema",
                field="args.id",
                expected="a schema registered with trust.register_schema",
                got=parsed.id,
            )
        if schema.deprecated_height is not None:
            raise TxRejected(
                ResultCode.SCHEMA_DEPRECATED,
                "the schema was deprecated before",
                field="args.id",
                expected="a schema in use",
                got=f"{parsed.id}, deprecated at height {schema.deprecated_height}",
            )
        require_controller(ctx.state, schema.issuer, ctx.sender, "args.id")
        save_schema(
            ctx.state,
            replace(
                schema,
                deprecated_height=ctx.block.height,
                deprecated_time=ctx.block.time_seconds,
            ),
        )
        event = _event("deprecate_schema", ("id", parsed.id, True), ("issuer", schema.issuer, True))
        return Outcome(data=parsed.id.encode(), events=(event,))


MODULE = Module(
    "trust",
    {
        "accredit": Accredit(),
        "revoke_accreditation": RevokeAccreditation(),
        "register_schema": RegisterSchema(),
        "deprecate_schema": DeprecateSchema(),
    },
    depends_on=("identity",),
    genesis=trust_genesis,
)
