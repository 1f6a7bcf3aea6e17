"""What governance does to contracts: upload code by proposal, change the contract settings.

The proposal kinds ``upload_contract`` (payload ``{"source": bytes}``) and
``set_contract_settings`` (payload: any of ``upload``, ``max_code_bytes``,
``max_gas``, ``max_block_gas``) are parsed here when proposed and executed here when passed
(:mod:`sen.ledger.modules.governance.kinds` lists them). On a chain whose
``upload`` setting is ``governance`` the first is the only way code arrives.
The runtime itself is not a setting: changing it is a chain upgrade.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.contracts.calls import refuse_unaffordable, runtime_for
from sen.ledger.modules.contracts.records import (
    SETTINGS_KEY,
    UPLOAD_POLICIES,
    CodeRecord,
    Settings,
    load_code,
    load_settings,
    save_code,
)
from sen.ledger.state import Overlay
from sen.ledger.types import BlockInfo
from sen.vm.code import CODE_EXPECTED, language

_SETTINGS_FIELDS = frozenset({"upload", "max_code_bytes", "max_gas", "max_block_gas"})
MAX_GAS_CEILING = 10_000_000_000


def _invalid(
    field: str, reason: str, expected: str | None = None, got: object = None
) -> TxRejected:
    return TxRejected(
        ResultCode.INVALID_PROPOSAL,
        reason,
        field=f"args.payload.{field}",
        expected=expected,
        got=got,
    )


def parse_upload_contract(payload: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(payload) - {"source"})
    if unknown:
        raise _invalid(unknown[0], "unknown field", "source", unknown[0])
    source = payload.get("source")
    if not isinstance(source, bytes) or not source:
        raise _invalid("source", "missing or wrong type", CODE_EXPECTED + " (bytes)")
    try:
        if language(source) == "python":
            source.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _invalid(
            "source", "not UTF-8 (nor WebAssembly)", CODE_EXPECTED, f"invalid byte at {error.start}"
        ) from None
    return {"source": source}


def _settings(state: Overlay) -> Settings:
    settings = load_settings(state)
    if settings is None:
        raise TxRejected(
            ResultCode.CONTRACTS_NOT_ENABLED,
            "this chain runs no contracts: its genesis has no app_state.contracts",
        )
    return settings


def upload_contract(state: Overlay, payload: dict[str, Any], block: BlockInfo) -> bytes:
    """Store the proposal's source as code (uploader: none, governance); its code hash."""
    settings = _settings(state)
    source: bytes = payload["source"]
    if len(source) > settings.max_code_bytes:
        raise TxRejected(
            ResultCode.CODE_TOO_LARGE, "source too large", field="args.payload.source",
            expected=f"at most {settings.max_code_bytes} bytes", got=len(source),
        )  # fmt: skip
    digest = hashlib.sha256(source).digest()
    if load_code(state, digest) is not None:
        raise TxRejected(
            ResultCode.CODE_EXISTS, "this code is already uploaded", field="args.payload.source",
            got=digest.hex(),
        )  # fmt: skip
    session = runtime_for(settings.runtime).session()
    problem = session.check_source(source)
    if problem is not None:
        raise TxRejected(ResultCode.INVALID_CODE, problem, field="args.payload.source")
    refuse_unaffordable(session.instance_price(source), settings, "args.payload.source")
    save_code(state, digest, CodeRecord(b"", block.height, len(source), settings.runtime), source)
    return digest


def parse_contract_settings(payload: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(payload) - _SETTINGS_FIELDS)
    if unknown:
        raise _invalid(unknown[0], "unknown field", ", ".join(sorted(_SETTINGS_FIELDS)), unknown[0])
    if not payload:
        raise _invalid("upload", "nothing to change", ", ".join(sorted(_SETTINGS_FIELDS)))
    parsed: dict[str, Any] = {}
    if "upload" in payload:
        if payload["upload"] not in UPLOAD_POLICIES:
            raise _invalid(
                "upload", "unknown policy", " or ".join(UPLOAD_POLICIES), payload["upload"]
            )
        parsed["upload"] = payload["upload"]
    for key in ("max_code_bytes", "max_gas", "max_block_gas"):
        if key in payload:
            value = payload[key]
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 0 < value <= MAX_GAS_CEILING
            ):
                raise _invalid(key, "not a limit", f"an integer from 1 to {MAX_GAS_CEILING}", value)
            parsed[key] = value
    return parsed


def set_contract_settings(state: Overlay, payload: dict[str, Any], block: BlockInfo) -> None:
    current = _settings(state)
    changed = Settings(
        runtime=current.runtime,
        upload=payload.get("upload", current.upload),
        max_code_bytes=payload.get("max_code_bytes", current.max_code_bytes),
        max_gas=payload.get("max_gas", current.max_gas),
        max_block_gas=payload.get("max_block_gas", current.max_block_gas),
    )
    if changed.max_gas > changed.max_block_gas:
        raise TxRejected(
            ResultCode.INVALID_PROPOSAL,
            "max_gas would exceed max_block_gas",
            field="args.payload.max_gas",
            expected=f"at most {changed.max_block_gas}",
            got=changed.max_gas,
        )
    state.set(SETTINGS_KEY, encoding.encode(changed.to_value()))
