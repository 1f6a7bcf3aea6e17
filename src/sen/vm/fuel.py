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

SCAN = 100_000
"""Each state scan (it merges the block's pending writes in the range)."""

SCAN_ENTRY = 2_000
"""Per key a scan returns (plus READ_BYTE per byte of key and value)."""

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


INSTANCE = 1_500_000
"""A new instance of the runtime for a contract (the first call of it in a block, the first
after a call of it trapped, or after the block dropped it): about 1.5-1.8 ms."""

INSTANCE_BYTE = 50
"""Per byte of the contract's compiled code (base64, as the runtime loads it; its size is
the same on every node): 40-100 ns a byte measured (a 5 KB source is about 13 KB of code;
constants folded at compile time can make it far larger than the source)."""

UPLOAD = 1_000_000
UPLOAD_BYTE = 3_000
"""Per byte of an uploaded source: compiling dense code takes up to about 7,600 of the
runtime's fuel a byte, at about 0.4 ns each (benchmarks/senbench/contracts.py)."""


def instance_cost(code_bytes: int) -> int:
    return INSTANCE + INSTANCE_BYTE * code_bytes


UPLOAD_COMPONENT_BYTE = 1_500
"""Per byte of an uploaded component (Rust, or any language): Cranelift compiles a contract's
component at about 1 µs a byte (benchmarks/senbench/contracts.py)."""


COMPONENT_FUNCTION = 20_000
"""Per function body in a component: Cranelift's own work for each function, however small."""

COMPONENT_LOCAL = 500
"""Per local a component's functions declare: a count of a few bytes can declare thousands,
and each is defined and zeroed by the translation (~0.3 µs and ~100 bytes of compiler memory
each, measured by the third attacker review; see sen.vm.shape)."""


def upload_byte(language: str) -> int:
    return UPLOAD_COMPONENT_BYTE if language == "wasm" else UPLOAD_BYTE


def upload_cost(
    code_bytes: int, language: str = "python", functions: int = 0, locals_: int = 0
) -> int:
    """Uploading code: checking it compiles on every validator, by its size and language (and
    a component's functions and declared locals, :func:`sen.vm.code.upload_price`)."""
    return (
        UPLOAD
        + upload_byte(language) * code_bytes
        + COMPONENT_FUNCTION * functions
        + COMPONENT_LOCAL * locals_
    )


COMPONENT_INSTANCE = 50_000
"""A new instance of a contract's own component (Rust, or any language), which every call
gets: about 32 µs for an 80 KB component (100 µs at the 90th percentile), far less than the
runtime's, which carries an interpreter."""

COMPONENT_INSTANCE_BYTE = 1
"""Per byte of the component (its memory and tables are set up from it)."""


def component_instance_cost(code_bytes: int) -> int:
    return COMPONENT_INSTANCE + COMPONENT_INSTANCE_BYTE * code_bytes
