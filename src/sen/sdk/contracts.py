"""Contracts from the SDK (Python source or Rust components): upload, instantiate, execute,
migrate and query.

::

    from sen.sdk import Client
    from sen.sdk.contracts import Contracts

    contracts = Contracts(Client.http("http://127.0.0.1:26680"))
    code = contracts.upload(key, Path("token.py").read_bytes())
    token = contracts.instantiate(key, code, {"supply": 1000}, label="VND token")
    contracts.execute(key, token, "transfer", {"to": "ab12...", "amount": 5})
    contracts.query(token, "balance", {"of": "ab12..."})   # 995

Each action waits for its block and raises :class:`~sen.sdk.errors.Rejected`
(with the result code and log) when the chain refuses it or the contract
fails; nothing the failed call wrote is kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sen.ledger.crypto import SigningKey
from sen.sdk.client import Client
from sen.sdk.errors import BadAnswer, InvalidInput
from sen.sdk.models import TxInfo

__all__ = ["CallOutcome", "Contracts"]


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """A committed contract call: its JSON answer and its transaction."""

    answer: Any
    tx: TxInfo


def _address(value: str | bytes, what: str, size: int) -> bytes:
    raw = value if isinstance(value, bytes) else _from_hex(value, what)
    if len(raw) != size:
        raise InvalidInput(f"{what}: expected {size} bytes ({2 * size} hex), got {len(raw)}")
    return raw


def _from_hex(value: str, what: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise InvalidInput(f"{what}: not hex: {value[:80]!r}") from None


def _tx_args(args: Mapping[str, Any] | None) -> dict[str, Any]:
    """A call's arguments for a transaction, whose encoding has no floats: refused here by name."""
    found = dict(args or {})

    def walk(value: Any, path: str) -> None:
        if isinstance(value, float):
            raise InvalidInput(
                f"{path}: expected an integer or a string, got the number {value!r} "
                "(transactions carry no floating point: use the smallest unit, e.g. 150 for "
                "1.50, or a decimal string)"
            )
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    walk(found, "args")
    return found


def _gas(gas: int | None) -> dict[str, int]:
    """The gas limit argument: none means the chain's default (10,000,000, or its maximum)."""
    if gas is None:
        return {}
    if gas < 1:
        raise InvalidInput(f"gas: expected a positive integer, got {gas}")
    return {"gas": gas}


def _data(info: TxInfo) -> bytes:
    if info.result is None:
        raise BadAnswer(f"transaction {info.hash} has no result")
    return bytes.fromhex(info.result.data)


class Contracts:
    """The contract actions and reads of one node."""

    def __init__(self, client: Client) -> None:
        self.sdk = client

    # -- actions -------------------------------------------------------------
    def upload(self, key: SigningKey, source: bytes, *, timeout: float = 60.0) -> str:
        """Upload code (Python source, or a WebAssembly component's bytes); its code hash
        (SHA-256, hex)."""
        info = self.sdk.send(key, "contracts", "upload", {"source": source}, timeout=timeout)
        return _data(info).hex()

    def instantiate(
        self,
        key: SigningKey,
        code: str | bytes,
        args: Mapping[str, Any] | None = None,
        *,
        admin: str | bytes | None = None,
        label: str = "",
        gas: int | None = None,
        timeout: float = 60.0,
    ) -> str:
        """Make an instance of ``code`` (running its ``@sen.instantiate``); its address (hex)."""
        call: dict[str, Any] = {"code": _address(code, "code", 32), "args": _tx_args(args)}
        call.update(label=label, **_gas(gas))
        if admin is not None:
            call["admin"] = _address(admin, "admin", 20)
        info = self.sdk.send(key, "contracts", "instantiate", call, timeout=timeout)
        return _data(info).hex()

    def execute(
        self,
        key: SigningKey,
        contract: str | bytes,
        entry: str,
        args: Mapping[str, Any] | None = None,
        *,
        gas: int | None = None,
        timeout: float = 60.0,
    ) -> CallOutcome:
        """Run an ``@sen.execute`` entry in a transaction; its answer once committed."""
        call = {
            "contract": _address(contract, "contract", 20),
            "entry": entry,
            "args": _tx_args(args),
            **_gas(gas),
        }
        info = self.sdk.send(key, "contracts", "execute", call, timeout=timeout)
        data = _data(info)
        return CallOutcome(json.loads(data) if data else None, info)

    def migrate(
        self,
        key: SigningKey,
        contract: str | bytes,
        code: str | bytes,
        args: Mapping[str, Any] | None = None,
        *,
        gas: int | None = None,
        timeout: float = 60.0,
    ) -> TxInfo:
        """Move an instance to new code (its admin only), running ``@sen.migrate``."""
        call = {
            "contract": _address(contract, "contract", 20),
            "code": _address(code, "code", 32),
            "args": _tx_args(args),
            **_gas(gas),
        }
        return self.sdk.send(key, "contracts", "migrate", call, timeout=timeout)

    # -- reads ---------------------------------------------------------------
    def query(
        self,
        contract: str | bytes,
        entry: str,
        args: Mapping[str, Any] | None = None,
        *,
        gas: int = 20_000_000,
    ) -> Any:
        """Run an ``@sen.query`` entry on the committed state; its answer."""
        address = _address(contract, "contract", 20).hex()
        body = self.sdk.post(
            f"/v1/contracts/instances/{address}/query",
            {"entry": entry, "args": dict(args or {}), "gas": gas},
        )
        return body.get("answer")

    def settings(self) -> dict[str, Any]:
        return self.sdk.get("/v1/contracts")

    def instance(self, contract: str | bytes) -> dict[str, Any]:
        address = _address(contract, "contract", 20).hex()
        return self.sdk.get(f"/v1/contracts/instances/{address}")

    def code(self, code: str | bytes) -> dict[str, Any]:
        return self.sdk.get(f"/v1/contracts/codes/{_address(code, 'code', 32).hex()}")
