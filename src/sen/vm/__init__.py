"""The contract runtime: WebAssembly in wasmtime, metered by fuel, deterministic (ADR 0013).

Contracts are Python source run by one shared runtime component
(``guest/``, built by :mod:`sen.vm.build` with componentize-py): CPython,
Sen's contract API and a loader, compiled to WebAssembly with every WASI
import replaced by a trap. The node's own interpreter never runs contract
code. :mod:`sen.vm.engine` loads that component into wasmtime with fuel
metering, NaN canonicalisation, no threads and a memory limit, and answers
each call with a :class:`~sen.vm.engine.CallResult`: its status, JSON
answer, the state writes and events it would make, and the fuel it used.

This package knows nothing of the ledger: the contracts module
(:mod:`sen.ledger.modules.contracts`) gives it the state to read and decides
what to keep. Everything here that touches a result is deterministic; the
only wall clock is the build's progress output.
"""

from typing import TYPE_CHECKING, Any

from sen.vm.errors import (
    BackstopTripped,
    RuntimeBuildFailed,
    RuntimeMismatch,
    RuntimeMissing,
    VmError,
)
from sen.vm.results import CallResult, CallStatus, HostReads

if TYPE_CHECKING:
    from sen.vm.engine import Runtime, Session


def __getattr__(name: str) -> Any:
    # wasmtime is the server extra's: the SDK imports the ledger's modules without it
    if name in ("Runtime", "Session"):
        from sen.vm import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'sen.vm' has no attribute {name!r}")


__all__ = [
    "BackstopTripped",
    "CallResult",
    "CallStatus",
    "HostReads",
    "Runtime",
    "RuntimeBuildFailed",
    "RuntimeMismatch",
    "RuntimeMissing",
    "Session",
    "VmError",
]
