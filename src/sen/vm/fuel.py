"""Fuel prices of what the host does for a contract (ADR 0013, finding 3).

wasmtime counts the fuel of the WebAssembly a contract runs; it charges
nothing for the work the host does on its behalf, so the host charges it here,
per call and per byte. Prices are in fuel units and follow the measurements in
``benchmarks/contracts-eval``: one unit of the interpreter's fuel took about
1.1 ns in a Python transfer, a host crossing about 30 µs. Changing a price
changes results: it is a consensus change.
"""

from __future__ import annotations

HOST_CALL = 25_000
"""Each crossing from the contract into the host (lifting and lowering its values)."""

READ_BYTE = 50
"""Per byte of key and value a state read moves."""

WRITE = 20_000
"""Each state write or delete the call makes, charged when the call returns."""

WRITE_BYTE = 200
"""Per byte of key and value written: it is stored and hashed by every node forever."""

EVENT = 5_000
EVENT_BYTE = 50

HASH_BYTE = 20
SIGNATURE = 150_000
"""One signature verification: an Ed25519 check costs about 40 µs on a node."""

SYSTEM_QUERY = 50_000

ARGUMENT_BYTE = 20
"""Per byte of arguments and environment handed in, and of answer handed back."""


def write_cost(key_bytes: int, value_bytes: int) -> int:
    return WRITE + WRITE_BYTE * (key_bytes + value_bytes)


def event_cost(kind: str, attributes: list[tuple[str, str]]) -> int:
    size = len(kind.encode()) + sum(len(k.encode()) + len(v.encode()) for k, v in attributes)
    return EVENT + EVENT_BYTE * size


INSTANCE = 1_000_000
"""A new instance of the runtime for a contract (the first call of it in a block, or the
first after a call of it trapped): about 1.5 ms to instantiate and reset."""

INSTANCE_BYTE = 100
"""Per byte of the contract's source, for loading its compiled code into the instance."""

UPLOAD = 1_000_000
UPLOAD_BYTE = 3_000
"""Per byte of an uploaded source: compiling dense code takes up to about 7,600 of the
runtime's fuel a byte, at about 0.4 ns each (benchmarks/senbench/contracts.py)."""


def instance_cost(source_bytes: int) -> int:
    return INSTANCE + INSTANCE_BYTE * source_bytes


def upload_cost(source_bytes: int) -> int:
    return UPLOAD + UPLOAD_BYTE * source_bytes
