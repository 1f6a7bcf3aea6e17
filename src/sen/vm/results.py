"""What a contract call gives back, and what the host reads for it: no wasmtime here, so the
ledger (and the SDK, which shares its modules) can name them without the runtime installed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol


class CallStatus(Enum):
    OK = "ok"
    REFUSED = "refused"  # the contract refused (sen.fail / sen.require)
    FAILED = "failed"  # the contract raised an exception
    NO_ENTRY = "no_entry"  # no entry point of that kind and name
    BAD_ARGUMENTS = "bad_arguments"
    INVALID_CODE = "invalid_code"  # the source does not compile
    OUT_OF_FUEL = "out_of_fuel"
    TRAPPED = "trapped"  # the WebAssembly trapped (a WASI call, stack overflow, ...)
    BAD_ANSWER = "bad_answer"  # too large, not JSON, or a query that wrote


@dataclass(frozen=True, slots=True)
class CallResult:
    status: CallStatus
    fuel_used: int
    answer: bytes = b""  # canonical JSON
    writes: tuple[tuple[bytes, bytes | None], ...] = ()  # relative keys, in key order
    events: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    message: str = ""  # for the log only, never hashed

    @property
    def ok(self) -> bool:
        return self.status is CallStatus.OK


class HostReads(Protocol):
    """What the host reads for a call: the contract's state and Sen's system modules."""

    def state_get(self, key: bytes) -> bytes | None:
        """The value of ``key`` under the contract's prefix, as the call starts."""

    def state_scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        """The contract's keys in ``[start, end)`` (``end`` empty: to the end of its state),
        relative to its prefix, with their values, in key order, at most ``limit``."""

    def verify_signature(
        self, suite: str, public_key: bytes, message: bytes, signature: bytes
    ) -> bool: ...

    def system_query(self, path: str, args: dict[str, Any]) -> tuple[bool, str]:
        """(True, JSON answer) or (False, why)."""

    def call_contract(
        self, contract: bytes, kind: str, entry: str, args: str, gas: int
    ) -> CallResult:
        """Run another contract's entry within ``gas`` (the caller is charged what it used);
        the host keeps its writes if it succeeds."""
