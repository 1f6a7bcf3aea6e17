"""The contracts section of a genesis file: ``app_state.contracts`` (absent: no contracts).

::

    {"runtime": "<SHA-256 hex of the runtime component>", "upload": "anyone",
     "max_code_bytes": 262144, "max_gas": 200000000, "max_block_gas": 4000000000}

``runtime`` is required: every validator must run that exact component
(``sen contract runtime``). ``upload`` is ``anyone`` (a development chain) or
``governance`` (a consortium chain: code arrives by proposal only).
"""

from __future__ import annotations

import re

from sen.ledger import encoding
from sen.ledger.errors import LedgerError
from sen.ledger.modules.base import GenesisContext, StateChange
from sen.ledger.modules.contracts.records import (
    DEFAULT_MAX_BLOCK_GAS,
    DEFAULT_MAX_CODE_BYTES,
    DEFAULT_MAX_GAS,
    SETTINGS_KEY,
    UPLOAD_POLICIES,
    Settings,
)

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_FIELDS = frozenset({"runtime", "upload", "max_code_bytes", "max_gas", "max_block_gas"})


class ContractsGenesisError(LedgerError, ValueError):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"genesis {field}: {reason}")


def parse_settings(document: object) -> Settings:
    where = "app_state.contracts"
    if not isinstance(document, dict):
        raise ContractsGenesisError(where, "expected an object")
    unknown = sorted(set(document) - _FIELDS)
    if unknown:
        raise ContractsGenesisError(
            f"{where}.{unknown[0]}", f"unknown field; known: {sorted(_FIELDS)}"
        )
    runtime = document.get("runtime")
    if not isinstance(runtime, str) or _SHA256_HEX.fullmatch(runtime) is None:
        raise ContractsGenesisError(
            f"{where}.runtime",
            f"expected the runtime's SHA-256 (64 lowercase hex), got {runtime!r}",
        )
    upload = document.get("upload", "anyone")
    if upload not in UPLOAD_POLICIES:
        raise ContractsGenesisError(
            f"{where}.upload", f"expected one of {UPLOAD_POLICIES}, got {upload!r}"
        )
    limits = {}
    defaults = (
        ("max_code_bytes", DEFAULT_MAX_CODE_BYTES),
        ("max_gas", DEFAULT_MAX_GAS),
        ("max_block_gas", DEFAULT_MAX_BLOCK_GAS),
    )
    for key, default in defaults:
        value = document.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ContractsGenesisError(
                f"{where}.{key}", f"expected a positive integer, got {value!r}"
            )
        limits[key] = value
    if limits["max_gas"] > limits["max_block_gas"]:
        raise ContractsGenesisError(f"{where}.max_gas", "larger than max_block_gas")
    return Settings(
        runtime, str(upload), limits["max_code_bytes"], limits["max_gas"], limits["max_block_gas"]
    )


def contracts_genesis(section: object, genesis: GenesisContext) -> list[StateChange]:
    """The module's genesis hook: the settings of ``app_state.contracts``, if present."""
    if section is None:
        return []
    return [(SETTINGS_KEY, encoding.encode(parse_settings(section).to_value()))]
