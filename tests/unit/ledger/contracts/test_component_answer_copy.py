"""What the host copies of a component's answer before charging for it is bounded by the
component's memory (``COMPONENT_MEMORY_LIMIT``, 32 MiB), not by what the call paid: wasmtime-py
lifts the string before ``_finish`` can charge it (fourth attacker review, finding 4). A
component handing back 30 MiB of fresh zero pages makes the host copy them once for a call
of ~110 k gas; the call still ends out of gas. Charging before the copy needs a lower-level
``run`` (pointer and length); not built (docs/spec/contracts.md §6).
"""

from __future__ import annotations

import struct
import tracemalloc

from hostile_wat import ENV, component, wat_bytes

from sen.vm import CallStatus, Runtime, fuel
from sen.vm.engine import COMPONENT_MEMORY_LIMIT
from sen.vm.local import DictReads

PAGES = 480  # 30 MiB of zeros handed back as the answer: under the component's memory limit


def _zeros_answer() -> bytes:
    returned = struct.pack("<III", 0, 65536, PAGES * 65536)  # ok, at 64 KiB, 64 MiB long
    return component(f"""(core module $m
      (memory (export "memory") 1)
      (data (i32.const 4) "{wat_bytes(returned)}")
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
      (func (export "run") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
        (drop (memory.grow (i32.const {PAGES})))
        (i32.const 4)))""")


def test_the_host_does_not_read_more_than_the_call_pays_for(contract_runtime: Runtime) -> None:
    code = _zeros_answer()
    assert contract_runtime.session().check_source(code) is None
    gas = fuel.component_instance_cost(len(code)) + 10_000
    tracemalloc.start()
    try:
        result = contract_runtime.session().call(
            b"\x07" * 20, code, "execute", "x", "{}", ENV, gas, DictReads()
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.status is CallStatus.OUT_OF_FUEL and result.fuel_used == gas
    assert peak <= 3 * COMPONENT_MEMORY_LIMIT, f"the host allocated {peak >> 20} MiB"


def test_an_answer_beyond_the_memory_limit_traps(contract_runtime: Runtime) -> None:
    """64 MiB cannot even be grown: the answer points outside memory and the call traps."""
    global PAGES
    PAGES, kept = 1024, PAGES
    try:
        code = _zeros_answer()
    finally:
        PAGES = kept
    result = contract_runtime.session().call(
        b"\x07" * 20, code, "execute", "x", "{}", ENV, 10_000_000, DictReads()
    )
    assert result.status is CallStatus.TRAPPED
