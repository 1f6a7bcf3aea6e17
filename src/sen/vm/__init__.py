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

from sen.vm.engine import BackstopTripped, CallResult, CallStatus, HostReads, Runtime, Session
from sen.vm.errors import RuntimeBuildFailed, RuntimeMismatch, RuntimeMissing, VmError

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
