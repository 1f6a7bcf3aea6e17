"""Contracts: the chain's settings, uploaded code, instances, and queries of ``@sen.query`` entries.

Records come with their canonical encoding (``value``) and a state proof
against ``app_hash`` (``docs/spec/state-proofs.md``); a contract's own state
keys are read with proofs through ``GET /v1/state/{key}`` like any other
(``docs/spec/contracts.md`` gives the key layout). A query runs the entry on
the committed state without a transaction, within ``gas``; its answer is
the contract's JSON.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest, NotFound, Unavailable, Unprocessable
from sen.api.json_body import JsonRoute
from sen.api.parsing import pattern
from sen.api.problems import documented
from sen.api.schemas import Schema, StateProofView
from sen.ledger import encoding
from sen.ledger.modules.contracts import (
    CodeRecord,
    InstanceRecord,
    load_settings,
    load_source,
    query_contract,
)
from sen.ledger.modules.contracts.actions import FAILURE_CODES
from sen.ledger.modules.contracts.queries import QueryRefused
from sen.ledger.modules.contracts.records import CODE_PREFIX, INSTANCE_PREFIX
from sen.ledger.types import BlockInfo
from sen.vm import VmError
from sen.vm.code import language

router = APIRouter(route_class=JsonRoute, tags=["contracts"])

MAX_PAGE = 200
MAX_QUERY_GAS = 100_000_000
DEFAULT_QUERY_GAS = 20_000_000
_HASH = re.compile(r"[0-9a-f]{64}")
_ADDRESS = re.compile(r"[0-9a-f]{40}")
_ENTRY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


CodeHash = Annotated[
    str,
    Path(description="The code's SHA-256, hex.", json_schema_extra=pattern(f"^{_HASH.pattern}$")),
]
Address = Annotated[
    str,
    Path(
        description="The contract's address, hex.",
        json_schema_extra=pattern(f"^{_ADDRESS.pattern}$"),
    ),
]


class SettingsView(Schema):
    enabled: bool = Field(
        description="Whether this chain runs contracts (genesis names a runtime)."
    )
    runtime: str | None = Field(description="SHA-256 of the runtime component, hex.")
    upload: str | None = Field(description="`anyone`, or `governance`: code comes by proposal.")
    max_code_bytes: int | None
    max_gas: int | None = Field(description="The most gas one transaction may ask for.")
    max_block_gas: int | None = Field(
        default=None, description="The gas limits of a block's calls and uploads, summed."
    )


class Proved(Schema):
    key: str = Field(description="The state key of the record, hex.")
    value: str = Field(description="The record's canonical encoding (hex), which `proof` proves.")
    height: int
    app_hash: str
    proof: StateProofView


class ContractCodeView(Proved):
    code: str = Field(description="SHA-256 of the code (source or component), hex: its name.")
    uploader: str = Field(description="The address that uploaded it, hex.")
    uploaded_height: int
    size: int = Field(description="Bytes of code.")
    runtime: str = Field(description="The runtime it was checked against.")
    language: Literal["python", "wasm"] = Field(
        description="python: Python source run by the runtime; wasm: a WebAssembly component "
        "of its own (built from Rust, or any language with WIT bindings)."
    )
    source: str | None = Field(description="The Python source (UTF-8); null for a component.")
    component: str | None = Field(
        default=None,
        description="A component's bytes, base64 (SHA-256 of them is the code hash); null "
        "for Python.",
    )


class ContractCodeSummary(Schema):
    code: str
    uploader: str
    uploaded_height: int
    size: int
    language: Literal["python", "wasm"]


class ContractCodeList(Schema):
    codes: list[ContractCodeSummary] = Field(description="By code hash, at most `limit`.")
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class InstanceView(Proved):
    address: str
    code: str = Field(description="SHA-256 of its code, hex.")
    admin: str | None = Field(description="Who may migrate it, hex; null: nobody (immutable).")
    label: str
    creator: str
    created_height: int


class InstanceSummary(Schema):
    address: str
    code: str
    label: str


class InstanceList(Schema):
    instances: list[InstanceSummary] = Field(description="By address, at most `limit`.")
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class QueryBody(Schema):
    entry: str = Field(
        description="The `@sen.query` entry to run.",
        examples=["balance"],
        json_schema_extra=pattern(f"^{_ENTRY.pattern}$"),
    )
    args: dict[str, Any] = Field(default_factory=dict, description="Its keyword arguments.")
    gas: int = Field(
        default=DEFAULT_QUERY_GAS,
        strict=True,  # not true, not 1.0
        ge=1,
        le=MAX_QUERY_GAS,
        description="Gas the query may use (an integer).",
    )


class QueryAnswer(Schema):
    answer: Any = Field(description="The entry's answer (JSON).")
    gas_used: int
    height: int = Field(description="The committed height it read.")


def _hex(value: str, regex: re.Pattern[str], field: str, expected: str) -> bytes:
    if regex.fullmatch(value) is None:
        raise BadRequest(f"{field}: not {expected}", field=field, expected=expected, got=value[:80])
    return bytes.fromhex(value)


@router.get(
    "/v1/contracts",
    summary="Whether this chain runs contracts, and its contract settings",
    description="*Thiết lập hợp đồng của chuỗi.*",
)
def settings(node: NodeDep) -> SettingsView:
    found = load_settings(node.app.store)
    if found is None:
        return SettingsView(
            enabled=False, runtime=None, upload=None, max_code_bytes=None, max_gas=None
        )
    return SettingsView(
        enabled=True,
        runtime=found.runtime,
        upload=found.upload,
        max_code_bytes=found.max_code_bytes,
        max_gas=found.max_gas,
        max_block_gas=found.max_block_gas,
    )


@router.get(
    "/v1/contracts/codes",
    summary="Uploaded contract code, a page at a time",
    description="*Danh sách mã hợp đồng đã tải lên.*",
    responses=documented(400),
)
def codes(
    node: NodeDep,
    after: Annotated[
        str,
        Query(
            description="A code hash (hex) to start after.",
            json_schema_extra=pattern(f"^(?:{_HASH.pattern})?$"),
        ),
    ] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> ContractCodeList:
    start = _hex(after, _HASH, "after", "a code hash (64 hex)") if after else b""
    keys = node.app.store.keys_with_prefix(CODE_PREFIX, start, limit + 1)
    found = []
    for key in keys[:limit]:
        raw = node.app.store.get(key)
        if raw is None:
            continue
        record = CodeRecord.from_value(encoding.decode(raw))
        found.append(
            ContractCodeSummary(
                code=key[len(CODE_PREFIX) :].hex(),
                uploader=record.uploader.hex(),
                uploaded_height=record.height,
                size=record.size,
                language=language(load_source(node.app.store, key[len(CODE_PREFIX) :]) or b""),
            )
        )
    following = keys[limit - 1][len(CODE_PREFIX) :].hex() if len(keys) > limit else None
    return ContractCodeList(codes=found, next=following)


@router.get(
    "/v1/contracts/codes/{code}",
    summary="One uploaded code: its record, with a state proof, and its source",
    description="*Một mã hợp đồng và mã nguồn của nó.*",
    response_model=ContractCodeView,
    responses=documented(400, 404),
)
def code(code: CodeHash, node: NodeDep) -> ContractCodeView:
    digest = _hex(code, _HASH, "code", "a code hash (64 hex)")
    key = CODE_PREFIX + digest
    height, app_hash, stored, proof = node.app.store.prove(key)
    if stored is None:
        raise NotFound(f"no code {code}", field="code")
    record = CodeRecord.from_value(encoding.decode(stored))
    source = load_source(node.app.store, digest)
    kind = language(source or b"")
    return ContractCodeView(
        code=code,
        uploader=record.uploader.hex(),
        uploaded_height=record.height,
        size=record.size,
        runtime=record.runtime,
        language=kind,
        source=None if source is None or kind == "wasm" else source.decode("utf-8", "replace"),
        component=base64.b64encode(source).decode() if source and kind == "wasm" else None,
        key=key.hex(),
        value=stored.hex(),
        height=height,
        app_hash=app_hash.hex(),
        proof=StateProofView.of(app_hash, proof),
    )


@router.get(
    "/v1/contracts/instances",
    summary="Contract instances, a page at a time",
    description="*Danh sách các hợp đồng.*",
    responses=documented(400),
)
def instances(
    node: NodeDep,
    after: Annotated[
        str,
        Query(
            description="An address (hex) to start after.",
            json_schema_extra=pattern(f"^(?:{_ADDRESS.pattern})?$"),
        ),
    ] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> InstanceList:
    start = _hex(after, _ADDRESS, "after", "an address (40 hex)") if after else b""
    keys = node.app.store.keys_with_prefix(INSTANCE_PREFIX, start, limit + 1)
    found = []
    for key in keys[:limit]:
        raw = node.app.store.get(key)
        if raw is None:
            continue
        record = InstanceRecord.from_value(encoding.decode(raw))
        found.append(
            InstanceSummary(
                address=key[len(INSTANCE_PREFIX) :].hex(),
                code=record.code.hex(),
                label=record.label,
            )
        )
    following = keys[limit - 1][len(INSTANCE_PREFIX) :].hex() if len(keys) > limit else None
    return InstanceList(instances=found, next=following)


@router.get(
    "/v1/contracts/instances/{address}",
    summary="One contract instance, with a state proof",
    description="*Một hợp đồng: mã, quản trị viên, nhãn.*",
    response_model=InstanceView,
    responses=documented(400, 404),
)
def instance(address: Address, node: NodeDep) -> InstanceView:
    raw_address = _hex(address, _ADDRESS, "address", "a contract address (40 hex)")
    key = INSTANCE_PREFIX + raw_address
    height, app_hash, stored, proof = node.app.store.prove(key)
    if stored is None:
        raise NotFound(f"no contract at {address}", field="address")
    record = InstanceRecord.from_value(encoding.decode(stored))
    return InstanceView(
        address=address,
        code=record.code.hex(),
        admin=record.admin.hex() or None,
        label=record.label,
        creator=record.creator.hex(),
        created_height=record.height,
        key=key.hex(),
        value=stored.hex(),
        height=height,
        app_hash=app_hash.hex(),
        proof=StateProofView.of(app_hash, proof),
    )


@router.post(
    "/v1/contracts/instances/{address}/query",
    summary="Run a contract's query entry on the committed state",
    description=(
        "No transaction: the `@sen.query` entry runs within `gas` and its JSON answer is "
        "returned. A refusal, error or exhausted gas is a 422 problem with the result code."
        "\n\n*Truy vấn hợp đồng (không tạo giao dịch).*"
    ),
    responses=documented(400, 404, 422),
)
def query(address: Address, body: QueryBody, node: NodeDep) -> QueryAnswer:
    raw_address = _hex(address, _ADDRESS, "address", "a contract address (40 hex)")
    if _ENTRY.fullmatch(body.entry) is None:
        raise BadRequest(
            "entry: not an entry point name", field="entry", expected=_ENTRY.pattern,
            got=body.entry[:80],
        )  # fmt: skip
    arguments = json.dumps(body.args, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    last = node.engine.last
    seconds = node.app.genesis.genesis_time.seconds if last is None else last.header.time.seconds
    store = node.app.store
    with store.db.read() as txn:
        height = node.app.height
        block = BlockInfo(height, seconds, 0, b"")
        try:
            result = query_contract(
                store.reader(txn), node.app.genesis.chain_id, block, raw_address, body.entry,
                arguments, body.gas,
            )  # fmt: skip
        except QueryRefused as refusal:
            raise NotFound(str(refusal), field="address") from None
        except VmError as error:  # the runtime the chain names cannot run here
            raise Unavailable(str(error)) from None
    if not result.ok:
        code = FAILURE_CODES[result.status]
        raise Unprocessable(
            result.message or result.status.value,
            code=code,
            slug="contract-query-failed",
            title="Contract query failed",
        )
    return QueryAnswer(answer=json.loads(result.answer), gas_used=result.fuel_used, height=height)
