"""The interchain module's light-client actions: create, update, and freeze on misbehaviour.

``create_client`` (role ``admin``) starts a light client of another chain from
a header its validators signed; ``update_client`` (anyone: a relayer) moves it
to a newer header the trusted validators vouch for; ``submit_misbehaviour``
(anyone) freezes it with two validly signed headers that conflict. A frozen
or expired client is replaced by governance, never thawed. See
``docs/spec/interchain.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.ibc import client_id_problem
from sen.ledger.light.errors import LightError
from sen.ledger.light.types import ValidatorSet
from sen.ledger.modules.arguments import reject_unknown_fields, require_int, require_text
from sen.ledger.modules.base import Action, Context, Module, Outcome
from sen.ledger.modules.interchain.headers import (
    SignedHeader,
    check_not_from_future,
    check_signed_header,
    check_transition,
    consensus_of,
    read_signed_header,
)
from sen.ledger.modules.interchain.packets import (
    AcknowledgePacket,
    RecvPacket,
    SendPacket,
    TimeoutPacket,
)
from sen.ledger.modules.interchain.records import (
    CLIENT_ID_PREFIX,
    ClientState,
    load_client,
    load_consensus,
    load_usable_consensus,
    next_client_id,
    save_client,
    save_consensus,
)
from sen.ledger.modules.interchain.transfer import CreateRecord
from sen.ledger.types import ChainParams, Event, EventAttribute

MAX_TRUSTING_PERIOD = 365 * 24 * 3600
MAX_CLOCK_DRIFT = 3600
MAX_TRUST_DENOMINATOR = 1000
DEFAULT_TRUST_LEVEL = (1, 3)
SIGNED_FIELDS = frozenset({"header", "commit", "validators"})


@dataclass(frozen=True, slots=True)
class CreateArgs:
    signed: SignedHeader
    trust_numerator: int
    trust_denominator: int
    trusting_period: int
    max_clock_drift: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """A signed header and the trusted state (with its next validators) it follows from."""

    signed: SignedHeader
    trusted_height: int
    trusted_validators: ValidatorSet | None


@dataclass(frozen=True, slots=True)
class UpdateArgs:
    client_id: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class MisbehaviourArgs:
    client_id: str
    first: Evidence
    second: Evidence


def _client_id(args: Mapping[str, Any]) -> str:
    value = require_text(
        args.get("client_id"),
        "args.client_id",
        expected=f"{CLIENT_ID_PREFIX}<n>",
        reason="not a client id",
        max_chars=64,
    )
    suffix = value.removeprefix(CLIENT_ID_PREFIX)
    if value == suffix or not suffix.isascii() or not suffix.isdigit():
        raise TxRejected(
            ResultCode.UNKNOWN_CLIENT,
            "not a client id",
            field="args.client_id",
            expected=f"{CLIENT_ID_PREFIX}<n>",
            got=value[:80],
        )
    return value


def _evidence(args: object, field: str) -> Evidence:
    if not isinstance(args, Mapping):
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT,
            "expected an object",
            field=field,
            expected="{header, commit, validators, trusted_height, trusted_validators?}",
            got=type(args).__name__,
        )
    reject_unknown_fields(
        args, SIGNED_FIELDS | {"trusted_height", "trusted_validators"}, prefix=f"{field}."
    )
    signed = read_signed_header(args, field)
    trusted_height = require_int(
        args.get("trusted_height"),
        f"{field}.trusted_height",
        expected="a height the client has a consensus state at",
        reason="not a height",
        minimum=1,
        maximum=2**63 - 1,
    )
    trusted_validators = None
    if args.get("trusted_validators") is not None:
        try:
            trusted_validators = ValidatorSet.from_json(args["trusted_validators"])
        except (LightError, ValueError, TypeError, OverflowError) as exc:  # foreign bytes
            raise TxRejected(
                ResultCode.INVALID_HEADER,
                f"not a CometBFT validator set: {exc}",
                field=f"{field}.trusted_validators",
                expected="a validator set in CometBFT's JSON form",
                got="an object" if isinstance(args["trusted_validators"], dict) else "other",
            ) from None
    return Evidence(signed, trusted_height, trusted_validators)


def _live_client(ctx: Context, client_id: str) -> ClientState:
    client = load_client(ctx.state, client_id)
    if client is None:
        raise TxRejected(
            ResultCode.UNKNOWN_CLIENT,
            "no such light client",
            field="args.client_id",
            expected="a client made with interchain.create_client",
            got=client_id,
        )
    if client.frozen:
        raise TxRejected(
            ResultCode.CLIENT_FROZEN,
            "the client is frozen: misbehaviour was proved; governance may replace it",
            field="args.client_id",
            expected="a client that is not frozen",
            got=f"{client_id}, frozen at height {client.frozen_height}",
        )
    return client


def _verify(
    ctx: Context, client_id: str, client: ClientState, evidence: Evidence, field: str
) -> None:
    trusted = load_usable_consensus(ctx.state, client_id, client, evidence.trusted_height)
    if trusted is None:
        raise TxRejected(
            ResultCode.UNKNOWN_CONSENSUS_STATE,
            "the client has no usable consensus state at the trusted height",
            field=f"{field}.trusted_height",
            expected=f"a height the client verified (latest {client.latest_height}"
            + (f"; none below {client.usable_from}, its recovery" if client.usable_from else "")
            + ")",
            got=evidence.trusted_height,
        )
    check_transition(
        client,
        evidence.trusted_height,
        trusted,
        evidence.signed,
        evidence.trusted_validators,
        ctx.block,
        field,
    )


def _freeze(ctx: Context, client_id: str, client: ClientState, height: int, why: str) -> Outcome:
    save_client(ctx.state, client_id, replace(client, frozen_height=height))
    event = Event(
        "interchain.client_frozen",
        (
            EventAttribute("client_id", client_id),
            EventAttribute("height", str(height)),
            EventAttribute("reason", why, index=False),
        ),
    )
    return Outcome(data=b"frozen", events=(event,))


class CreateClient(Action[CreateArgs]):
    name = "create_client"
    permission: str | None = "admin"

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> CreateArgs:
        reject_unknown_fields(
            args, SIGNED_FIELDS | {"trusting_period", "max_clock_drift", "trust_level"}
        )
        signed = read_signed_header(args, "args")
        period = require_int(
            args.get("trusting_period"),
            "args.trusting_period",
            code=ResultCode.INVALID_CLIENT_PARAMS,
            expected=f"1 to {MAX_TRUSTING_PERIOD} seconds, shorter than the counterparty's "
            "validator rotation policy",
            reason="invalid trusting period",
            minimum=1,
            maximum=MAX_TRUSTING_PERIOD,
        )
        drift = require_int(
            args.get("max_clock_drift", 10),
            "args.max_clock_drift",
            code=ResultCode.INVALID_CLIENT_PARAMS,
            expected=f"0 to {MAX_CLOCK_DRIFT} seconds",
            reason="invalid clock drift",
            minimum=0,
            maximum=MAX_CLOCK_DRIFT,
        )
        numerator, denominator = _trust_level(args.get("trust_level"))
        return CreateArgs(signed, numerator, denominator, period, drift)

    def execute(self, ctx: Context, parsed: CreateArgs) -> Outcome:
        signed = parsed.signed
        client = ClientState(
            chain_id=signed.header.chain_id,
            trust_numerator=parsed.trust_numerator,
            trust_denominator=parsed.trust_denominator,
            trusting_period=parsed.trusting_period,
            max_clock_drift=parsed.max_clock_drift,
            latest_height=signed.height,
            frozen_height=0,
            created_height=ctx.block.height,
        )
        check_signed_header(client.chain_id, signed, "args")
        check_not_from_future(client, signed, ctx.block, "args")
        now = (ctx.block.time_seconds, ctx.block.time_nanos)
        if (signed.time[0] + client.trusting_period, signed.time[1]) <= now:
            raise TxRejected(
                ResultCode.CLIENT_EXPIRED,
                "the header is already older than the trusting period",
                field="args.header.time",
                expected=f"after {now[0] - client.trusting_period} (unix seconds)",
                got=signed.time[0],
            )
        client_id = next_client_id(ctx.state)
        save_client(ctx.state, client_id, client)
        save_consensus(ctx.state, client_id, signed.height, consensus_of(signed))
        event = Event(
            "interchain.create_client",
            (
                EventAttribute("client_id", client_id),
                EventAttribute("chain_id", client.chain_id),
                EventAttribute("height", str(signed.height), index=False),
            ),
        )
        return Outcome(data=client_id.encode(), events=(event,))


def _trust_level(value: object) -> tuple[int, int]:
    if value is None:
        return DEFAULT_TRUST_LEVEL
    expected = (
        f"{{numerator, denominator}}: at least 1/3, below 1 (more than all the power can "
        f"never sign), denominator at most "
        f"{MAX_TRUST_DENOMINATOR}"
    )
    if isinstance(value, Mapping) and set(value) == {"numerator", "denominator"}:
        numerator, denominator = value["numerator"], value["denominator"]
        if (
            all(isinstance(n, int) and not isinstance(n, bool) for n in (numerator, denominator))
            and 1 <= denominator <= MAX_TRUST_DENOMINATOR
            and 3 * numerator >= denominator
            and numerator < denominator
        ):
            return numerator, denominator
    raise TxRejected(
        ResultCode.INVALID_CLIENT_PARAMS,
        "invalid trust level",
        field="args.trust_level",
        expected=expected,
        got=str(value)[:80],
    )


@dataclass(frozen=True, slots=True)
class CounterpartyArgs:
    client_id: str
    counterparty_client_id: str


class RegisterCounterparty(Action[CounterpartyArgs]):
    """Pair a client with the counterparty's client of this chain (IBC v2's
    ``RegisterCounterparty``): packets then travel only between the two. Once."""

    name = "register_counterparty"
    permission: str | None = "admin"

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> CounterpartyArgs:
        reject_unknown_fields(args, frozenset({"client_id", "counterparty_client_id"}))
        counterparty = args.get("counterparty_client_id")
        problem = (
            client_id_problem(counterparty, "counterparty_client_id")
            if isinstance(counterparty, str)
            else "not text"
        )
        if problem is not None:
            raise TxRejected(
                ResultCode.INVALID_CLIENT_PARAMS,
                problem,
                field="args.counterparty_client_id",
                expected="the counterparty chain's client id of this chain",
                got=str(counterparty)[:80],
            )
        assert isinstance(counterparty, str)
        return CounterpartyArgs(_client_id(args), counterparty)

    def execute(self, ctx: Context, parsed: CounterpartyArgs) -> Outcome:
        client = _live_client(ctx, parsed.client_id)
        if client.counterparty_client_id:
            raise TxRejected(
                ResultCode.INVALID_CLIENT_PARAMS,
                "the client's counterparty is registered already (pairs are never changed)",
                field="args.client_id",
                expected="a client without a counterparty",
                got=f"{parsed.client_id} paired with {client.counterparty_client_id}",
            )
        paired = replace(client, counterparty_client_id=parsed.counterparty_client_id)
        save_client(ctx.state, parsed.client_id, paired)
        event = Event(
            "interchain.register_counterparty",
            (
                EventAttribute("client_id", parsed.client_id),
                EventAttribute("counterparty_client_id", parsed.counterparty_client_id),
            ),
        )
        return Outcome(data=b"1", events=(event,))


class UpdateClient(Action[UpdateArgs]):
    name = "update_client"
    permission: str | None = None  # relayers: any member on a permissioned chain

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> UpdateArgs:
        reject_unknown_fields(
            args, SIGNED_FIELDS | {"client_id", "trusted_height", "trusted_validators"}
        )
        return UpdateArgs(_client_id(args), _evidence(
            {k: v for k, v in args.items() if k != "client_id"}, "args"
        ))  # fmt: skip

    def execute(self, ctx: Context, parsed: UpdateArgs) -> Outcome:
        client_id, evidence = parsed.client_id, parsed.evidence
        client = _live_client(ctx, client_id)
        signed = evidence.signed
        if signed.height <= client.latest_height:
            raise TxRejected(
                ResultCode.HEADER_NOT_NEWER,
                "the client already has a header at or above this height",
                field="args.header.height",
                expected=f"more than {client.latest_height}",
                got=signed.height,
            )
        _verify(ctx, client_id, client, evidence, "args")
        latest = load_consensus(ctx.state, client_id, client.latest_height)
        if latest is not None and signed.time <= latest.time:
            # both headers are signed by the chain's validators: time went backwards
            return _freeze(
                ctx, client_id, client, signed.height, "a later header with an earlier time"
            )
        save_consensus(ctx.state, client_id, signed.height, consensus_of(signed))
        save_client(ctx.state, client_id, replace(client, latest_height=signed.height))
        event = Event(
            "interchain.update_client",
            (
                EventAttribute("client_id", client_id),
                EventAttribute("height", str(signed.height)),
            ),
        )
        return Outcome(data=str(signed.height).encode(), events=(event,))


class SubmitMisbehaviour(Action[MisbehaviourArgs]):
    name = "submit_misbehaviour"
    permission: str | None = None  # anyone who sees it

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> MisbehaviourArgs:
        reject_unknown_fields(args, frozenset({"client_id", "first", "second"}))
        return MisbehaviourArgs(
            _client_id(args),
            _evidence(args.get("first"), "args.first"),
            _evidence(args.get("second"), "args.second"),
        )

    def execute(self, ctx: Context, parsed: MisbehaviourArgs) -> Outcome:
        client_id = parsed.client_id
        client = _live_client(ctx, client_id)
        _verify(ctx, client_id, client, parsed.first, "args.first")
        _verify(ctx, client_id, client, parsed.second, "args.second")
        one, two = parsed.first.signed, parsed.second.signed
        if one.height == two.height and one.hash() != two.hash():
            return _freeze(ctx, client_id, client, one.height, "two headers at one height")
        low, high = (one, two) if one.height < two.height else (two, one)
        if low.height < high.height and low.time >= high.time:
            return _freeze(
                ctx, client_id, client, high.height, "a later header with an earlier time"
            )
        raise TxRejected(
            ResultCode.NOT_MISBEHAVIOUR,
            "the two headers do not conflict",
            field="args.second",
            expected="another header at the same height, or a later one with an earlier time",
            got=f"heights {one.height} and {two.height}",
        )


MODULE = Module(
    "interchain",
    {
        "create_client": CreateClient(),
        "register_counterparty": RegisterCounterparty(),
        "update_client": UpdateClient(),
        "submit_misbehaviour": SubmitMisbehaviour(),
        "send_packet": SendPacket(),
        "recv_packet": RecvPacket(),
        "acknowledge_packet": AcknowledgePacket(),
        "timeout_packet": TimeoutPacket(),
        "create_record": CreateRecord(),
    },
    # the status-query port reads status lists; record-transfer reads who owns what
    depends_on=("status", "membership"),
)
