"""The contracts module's actions: ``upload``, ``instantiate``, ``execute`` and ``migrate``.

A call that runs contract code gives the runtime the transaction's ``gas``
as fuel. If the contract refuses, raises, traps or runs out of gas, the
transaction fails with its code, the nonce is consumed (as for every included
transaction), the gas used is in the result, and nothing it wrote is kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    number_or,
    reject_unknown_fields,
    require_bytes,
    require_int,
    require_text,
    required,
    type_name,
)
from sen.ledger.modules.base import Action, Context, Outcome
from sen.ledger.modules.contracts.calls import (
    CallScope,
    StateReads,
    apply_writes,
    block_session,
    environment,
    refuse_unaffordable,
    reserve_block_gas,
    runtime_for,
)
from sen.ledger.modules.contracts.records import (
    CodeRecord,
    InstanceRecord,
    Settings,
    code_hash,
    contract_address,
    load_code,
    load_instance,
    load_settings,
    load_source,
    save_code,
    save_instance,
)
from sen.ledger.pii import Finding, find_personal_data
from sen.ledger.state import StateReader
from sen.ledger.types import ChainParams, Event, EventAttribute
from sen.vm import CallResult, CallStatus, fuel
from sen.vm.code import CODE_EXPECTED, language, upload_price

DEFAULT_GAS = 10_000_000
MAX_LABEL_BYTES = 128
MAX_ENTRY_BYTES = 64
MAX_ARGUMENT_DEPTH = 16

FAILURE_CODES = {
    CallStatus.REFUSED: ResultCode.CONTRACT_REFUSED,
    CallStatus.FAILED: ResultCode.CONTRACT_FAILED,
    CallStatus.NO_ENTRY: ResultCode.NO_SUCH_ENTRY,
    CallStatus.BAD_ARGUMENTS: ResultCode.INVALID_ARGUMENT,
    CallStatus.INVALID_CODE: ResultCode.INVALID_CODE,
    CallStatus.OUT_OF_FUEL: ResultCode.OUT_OF_GAS,
    CallStatus.TRAPPED: ResultCode.CONTRACT_TRAPPED,
    CallStatus.BAD_ANSWER: ResultCode.CONTRACT_BAD_ANSWER,
}


@dataclass(frozen=True, slots=True)
class UploadArgs:
    source: bytes


@dataclass(frozen=True, slots=True)
class InstantiateArgs:
    code: bytes
    arguments: str  # canonical JSON of an object
    admin: bytes
    label: str
    gas: int


@dataclass(frozen=True, slots=True)
class ExecuteArgs:
    contract: bytes
    entry: str
    arguments: str
    gas: int


@dataclass(frozen=True, slots=True)
class MigrateArgs:
    contract: bytes
    code: bytes
    arguments: str
    gas: int


# -- parsing --------------------------------------------------------------------------------------


def _digest(args: Mapping[str, Any], key: str, length: int, what: str) -> bytes:
    value = require_bytes(required(args, key), f"args.{key}", expected=f"{length} bytes ({what})")
    if len(value) != length:
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT,
            f"wrong length for {what}",
            field=f"args.{key}",
            expected=f"{length} bytes",
            got=f"{len(value)} bytes",
        )
    return value


def _gas(args: Mapping[str, Any]) -> int:
    """The gas limit asked for; 0 when none is (the default: :func:`_gas_limit`)."""
    if "gas" not in args:
        return 0
    return require_int(
        args["gas"], "args.gas", expected="a positive integer", reason="not a gas limit",
        minimum=1, got=number_or(type_name),
    )  # fmt: skip


def _arguments(args: Mapping[str, Any]) -> str:
    """The call's arguments as canonical JSON: an object of JSON values only."""
    value = args.get("args", {})
    if not isinstance(value, dict):
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT,
            "contract arguments must be an object",
            field="args.args",
            expected="a map of names to JSON values",
            got=type(value).__name__,
        )
    _check_json(value, "args.args", 0)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _check_json(value: object, field: str, depth: int) -> None:
    if depth > MAX_ARGUMENT_DEPTH:
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT, "arguments nested too deeply", field=field,
            expected=f"at most {MAX_ARGUMENT_DEPTH} levels",
        )  # fmt: skip
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{field}[{index}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TxRejected(
                    ResultCode.INVALID_ARGUMENT, "argument names must be text", field=field,
                    got=type(key).__name__,
                )  # fmt: skip
            _check_json(item, f"{field}.{key}", depth + 1)
        return
    raise TxRejected(
        ResultCode.INVALID_ARGUMENT,
        "contract arguments hold JSON values only",
        field=field,
        expected="null, true/false, integer, text, list or map",
        got=type(value).__name__,
    )


def _entry(args: Mapping[str, Any]) -> str:
    entry = require_text(required(args, "entry"), "args.entry", expected="an entry point name")
    if not entry.isidentifier() or len(entry.encode()) > MAX_ENTRY_BYTES:
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT,
            "not an entry point name",
            field="args.entry",
            expected=f"a Python identifier of at most {MAX_ENTRY_BYTES} bytes",
            got=entry[:80],
        )
    return entry


# -- running --------------------------------------------------------------------------------------


def enabled_settings(ctx: Context) -> Settings:
    settings = load_settings(ctx.state)
    if settings is None:
        raise TxRejected(
            ResultCode.CONTRACTS_NOT_ENABLED,
            "this chain runs no contracts: its genesis has no app_state.contracts",
        )
    return settings


def _call_gas(committed: StateReader, asked: int) -> int:
    """The gas limit a call will count against its block (0: it is refused before)."""
    settings = load_settings(committed)
    if settings is None or asked > settings.max_gas:
        return 0
    return asked or min(DEFAULT_GAS, settings.max_gas)


def _block_full(settings: Settings, gas: int) -> TxRejected:
    return TxRejected(
        ResultCode.BLOCK_GAS_EXHAUSTED,
        "the block's gas limit is reached: send it again for a later block",
        field="args.gas",
        expected=f"at most what is left of {settings.max_block_gas} in this block",
        got=gas,
    )


def _gas_limit(asked: int, settings: Settings) -> int:
    """The call's gas limit: as asked (at most the chain's maximum), or the default."""
    if asked == 0:
        return min(DEFAULT_GAS, settings.max_gas)
    _check_gas(asked, settings)
    return asked


def _check_gas(gas: int, settings: Settings) -> None:
    if gas > settings.max_gas:
        raise TxRejected(
            ResultCode.GAS_LIMIT_TOO_HIGH,
            "gas limit above the chain's maximum",
            field="args.gas",
            expected=f"at most {settings.max_gas}",
            got=gas,
        )


def _instance(ctx: Context, address: bytes) -> InstanceRecord:
    record = load_instance(ctx.state, address)
    if record is None:
        raise TxRejected(
            ResultCode.UNKNOWN_CONTRACT, "no contract at this address", field="args.contract",
            got=address.hex(),
        )  # fmt: skip
    return record


def _source(ctx: Context, digest: bytes, field: str) -> bytes:
    source = load_source(ctx.state, digest)
    if source is None:
        raise TxRejected(
            ResultCode.UNKNOWN_CODE, "no code with this hash", field=field, got=digest.hex()
        )
    return source


def _run(
    ctx: Context,
    settings: Settings,
    address: bytes,
    digest: bytes,
    kind: str,
    entry: str,
    arguments: str,
    gas: int,
) -> tuple[CallResult, CallScope]:
    """The call, and what the contracts it called wrote and emitted (already applied)."""
    runtime = runtime_for(settings.runtime)
    source = _source(ctx, digest, "args.code")
    if not reserve_block_gas(ctx, gas, settings.max_block_gas):
        raise _block_full(settings, gas)
    env = environment(ctx.params.chain_id, ctx.block, address, ctx.sender, ctx.sender)
    session = block_session(ctx, runtime)
    scope = CallScope(ctx.state, ctx.state, session, ctx.params.chain_id, ctx.block, ctx.sender)
    result = session.call(
        address + digest, source, kind, entry, arguments, env, gas, StateReads(scope, address)
    )
    return result, scope


def _outcome(
    ctx: Context,
    address: bytes,
    kind: str,
    entry: str,
    ran: tuple[CallResult, CallScope],
    gas: int,
) -> Outcome:
    result, scope = ran
    if not result.ok:
        raise TxRejected(
            FAILURE_CODES[result.status],
            result.message or result.status.value,
            field="contract",
            gas_wanted=gas,
            gas_used=result.fuel_used,
        )
    if ctx.params.pii_free:
        found = _personal_data_published(scope, address, result)
        if found is not None:
            raise TxRejected(
                ResultCode.PERSONAL_DATA, f"{found.field} looks like {found.kind}",
                field=found.field,
                expected="no personal data: this chain is pii_free (keep it in a vault)",
                got=found.kind, gas_wanted=gas, gas_used=result.fuel_used,
            )  # fmt: skip
    apply_writes(ctx.state, address, result)
    call = Event(
        f"contract.{kind}",
        (
            EventAttribute("contract", address.hex()),
            EventAttribute("entry", entry, index=False),
            EventAttribute("gas_used", str(result.fuel_used), index=False),
        ),
    )
    emitted = tuple(
        Event(
            "contract.event",
            (
                EventAttribute("contract", source.hex()),
                EventAttribute("kind", name),
                *(EventAttribute(key, value, index=False) for key, value in attributes),
            ),
        )
        for source, called in [*scope.events, (address, result)]
        for name, attributes in called.events
    )
    return Outcome(
        data=result.answer, events=(call, *emitted), gas_wanted=gas, gas_used=result.fuel_used
    )


def _personal_data_published(
    scope: CallScope, address: bytes, result: CallResult
) -> Finding | None:
    """On a pii_free chain, what a call would put on chain (its answer, the events and the
    state writes of it and the contracts it called) is checked like a transaction's
    arguments (sen.ledger.pii): the first that looks like personal data, or None."""
    found = find_personal_data(json.loads(result.answer or b"null"), "answer")
    if found is not None:
        return found
    for source, called in [*scope.events, (address, result)]:
        for name, attributes in called.events:
            found = find_personal_data(dict(attributes), f"event {name}")
            if found is not None:
                return found
        for key, value in called.writes:  # as text: a value's bytes are the contract's own
            for raw in (key, value or b""):
                text = raw.decode("utf-8", "replace")
                found = find_personal_data(text, f"state of {source.hex()}", free_text=False)
                if found is not None:
                    return found
    return None


# -- the actions ----------------------------------------------------------------------------------


class Upload(Action[UploadArgs]):
    name = "upload"
    permission: str | None = None
    fields = frozenset({"source"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> UploadArgs:
        reject_unknown_fields(args, self.fields)
        source = require_bytes(required(args, "source"), "args.source", expected=CODE_EXPECTED)
        try:
            if language(source) == "python":
                source.decode("utf-8")
        except UnicodeDecodeError as error:
            raise TxRejected(
                ResultCode.INVALID_CODE, "source is not UTF-8 (nor WebAssembly)",
                field="args.source", expected=CODE_EXPECTED, got=f"invalid byte at {error.start}",
            ) from None  # fmt: skip
        return UploadArgs(source)

    def block_gas(self, committed: StateReader, parsed: UploadArgs) -> int:
        settings = load_settings(committed)
        if settings is None or settings.upload != "anyone":
            return 0
        price = upload_price(parsed.source)
        return price if price <= settings.max_gas else 0  # refused before it counts

    def execute(self, ctx: Context, parsed: UploadArgs) -> Outcome:
        settings = enabled_settings(ctx)
        if settings.upload != "anyone":
            raise TxRejected(
                ResultCode.UPLOAD_NOT_ALLOWED,
                "on this chain code is uploaded by governance proposal",
            )
        if len(parsed.source) > settings.max_code_bytes:
            raise TxRejected(
                ResultCode.CODE_TOO_LARGE, "source too large", field="args.source",
                expected=f"at most {settings.max_code_bytes} bytes", got=len(parsed.source),
            )  # fmt: skip
        digest = code_hash(parsed.source)
        if load_code(ctx.state, digest) is not None:
            raise TxRejected(
                ResultCode.CODE_EXISTS, "this code is already uploaded", field="args.source",
                got=digest.hex(),
            )  # fmt: skip
        kind = language(parsed.source)
        price = upload_price(parsed.source)  # compiling it, on every validator
        if price > settings.max_gas:
            raise TxRejected(
                ResultCode.CODE_TOO_LARGE, "compiling this code costs more gas than a "
                "transaction may use", field="args.source",
                expected=f"at most {settings.max_gas} gas ({fuel.UPLOAD} + "
                f"{fuel.upload_byte(kind)} a byte of {kind} code"
                + (", and per function and local of a component)" if kind == "wasm" else ")"),
                got=f"{price} gas for {len(parsed.source)} bytes",
            )  # fmt: skip
        if not reserve_block_gas(ctx, price, settings.max_block_gas):
            raise _block_full(settings, price)
        runtime = runtime_for(settings.runtime)
        session = block_session(ctx, runtime)
        problem = session.check_source(parsed.source)
        if problem is not None:
            raise TxRejected(
                ResultCode.INVALID_CODE, problem, field="args.source",
                gas_wanted=price, gas_used=price,
            )  # fmt: skip
        refuse_unaffordable(
            session.instance_price(parsed.source), settings, "args.source", gas=price
        )
        record = CodeRecord(ctx.sender, ctx.block.height, len(parsed.source), settings.runtime)
        save_code(ctx.state, digest, record, parsed.source)
        event = Event(
            "contract.upload",
            (
                EventAttribute("code", digest.hex()),
                EventAttribute("size", str(len(parsed.source)), index=False),
            ),
        )
        return Outcome(data=digest, events=(event,), gas_wanted=price, gas_used=price)


class Instantiate(Action[InstantiateArgs]):
    name = "instantiate"
    permission: str | None = None
    fields = frozenset({"code", "args", "admin", "label", "gas"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> InstantiateArgs:
        reject_unknown_fields(args, self.fields)
        code = _digest(args, "code", 32, "the code's SHA-256")
        admin = b""
        if args.get("admin") not in (None, b""):
            admin = _digest(args, "admin", 20, "an address")
        label = require_text(args.get("label", ""), "args.label", expected="text")
        if len(label.encode()) > MAX_LABEL_BYTES:
            raise TxRejected(
                ResultCode.INVALID_ARGUMENT, "label too long", field="args.label",
                expected=f"at most {MAX_LABEL_BYTES} bytes", got=len(label.encode()),
            )  # fmt: skip
        return InstantiateArgs(code, _arguments(args), admin, label, _gas(args))

    def block_gas(self, committed: StateReader, parsed: InstantiateArgs) -> int:
        return _call_gas(committed, parsed.gas)

    def execute(self, ctx: Context, parsed: InstantiateArgs) -> Outcome:
        settings = enabled_settings(ctx)
        gas = _gas_limit(parsed.gas, settings)
        if load_code(ctx.state, parsed.code) is None:
            raise TxRejected(
                ResultCode.UNKNOWN_CODE, "no code with this hash", field="args.code",
                got=parsed.code.hex(),
            )  # fmt: skip
        address = contract_address(ctx.tx_hash)
        record = InstanceRecord(
            parsed.code, parsed.admin, parsed.label, ctx.sender, ctx.block.height
        )
        save_instance(ctx.state, address, record)
        ran = _run(ctx, settings, address, parsed.code, "instantiate", "", parsed.arguments, gas)
        outcome = _outcome(ctx, address, "instantiate", "", ran, gas)
        return Outcome(
            data=address,
            events=outcome.events,
            gas_wanted=outcome.gas_wanted,
            gas_used=outcome.gas_used,
        )


class Execute(Action[ExecuteArgs]):
    name = "execute"
    permission: str | None = None
    fields = frozenset({"contract", "entry", "args", "gas"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> ExecuteArgs:
        reject_unknown_fields(args, self.fields)
        contract = _digest(args, "contract", 20, "a contract address")
        return ExecuteArgs(contract, _entry(args), _arguments(args), _gas(args))

    def block_gas(self, committed: StateReader, parsed: ExecuteArgs) -> int:
        return _call_gas(committed, parsed.gas)

    def execute(self, ctx: Context, parsed: ExecuteArgs) -> Outcome:
        settings = enabled_settings(ctx)
        gas = _gas_limit(parsed.gas, settings)
        record = _instance(ctx, parsed.contract)
        ran = _run(
            ctx, settings, parsed.contract, record.code, "execute", parsed.entry,
            parsed.arguments, gas,
        )  # fmt: skip
        return _outcome(ctx, parsed.contract, "execute", parsed.entry, ran, gas)


class Migrate(Action[MigrateArgs]):
    name = "migrate"
    permission: str | None = None
    fields = frozenset({"contract", "code", "args", "gas"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> MigrateArgs:
        reject_unknown_fields(args, self.fields)
        contract = _digest(args, "contract", 20, "a contract address")
        code = _digest(args, "code", 32, "the code's SHA-256")
        return MigrateArgs(contract, code, _arguments(args), _gas(args))

    def block_gas(self, committed: StateReader, parsed: MigrateArgs) -> int:
        return _call_gas(committed, parsed.gas)

    def execute(self, ctx: Context, parsed: MigrateArgs) -> Outcome:
        settings = enabled_settings(ctx)
        gas = _gas_limit(parsed.gas, settings)
        record = _instance(ctx, parsed.contract)
        if not record.admin or record.admin != ctx.sender:
            raise TxRejected(
                ResultCode.NOT_CONTRACT_ADMIN,
                "only the contract's admin may migrate it"
                + ("" if record.admin else " (it has none: it is immutable)"),
                field="sender",
                expected=record.admin.hex() or "no one",
                got=ctx.sender.hex(),
            )
        if load_code(ctx.state, parsed.code) is None:
            raise TxRejected(
                ResultCode.UNKNOWN_CODE, "no code with this hash", field="args.code",
                got=parsed.code.hex(),
            )  # fmt: skip
        migrated = InstanceRecord(
            parsed.code, record.admin, record.label, record.creator, record.height
        )
        save_instance(ctx.state, parsed.contract, migrated)
        ran = _run(
            ctx, settings, parsed.contract, parsed.code, "migrate", "", parsed.arguments,
            gas,
        )  # fmt: skip
        return _outcome(ctx, parsed.contract, "migrate", "", ran, gas)


UPLOAD = Upload()
INSTANTIATE = Instantiate()
EXECUTE = Execute()
MIGRATE = Migrate()
