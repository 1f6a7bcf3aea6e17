"""A function can declare 50,000 locals in 8 bytes, and compiling it costs every node 10-15 ms
and 5 MB: a component declaring more than ``MAX_FUNCTION_LOCALS`` in one function is refused
before anything compiles it, and an upload pays per function and per declared local
(fourth attacker review, finding 2).
"""

from __future__ import annotations

from hostile_wat import component, core_module

from sen.vm import Runtime, fuel
from sen.vm.code import upload_price
from sen.vm.shape import shape

FUNCTIONS = 100
LOCALS = 50_000  # wasmparser's maximum per function


def _many_locals() -> bytes:
    locals_ = " ".join(["i64"] * LOCALS)
    functions = "".join(f"(func (local {locals_}))" for _ in range(FUNCTIONS))
    return component(core_module(extra=functions))


def test_many_locals_are_refused_before_compiling(contract_runtime: Runtime) -> None:
    code = _many_locals()
    problem = contract_runtime.session().check_source(code)
    assert problem is not None
    assert problem.startswith("a function of the component declares 50,000 locals; at most 5,000")
    assert shape(code).locals == FUNCTIONS * LOCALS + 1  # and realloc's one


def test_an_upload_pays_for_functions_and_locals() -> None:
    code = component(core_module(extra="(func (local i64 i64 i32))" * 10))
    found = shape(code)
    assert found.functions == 13 and found.locals == 31  # realloc's one local, and $work's
    assert (
        upload_price(code)
        == fuel.upload_cost(len(code), "wasm")
        + 13 * (fuel.COMPONENT_FUNCTION)
        + 31 * fuel.COMPONENT_LOCAL
    )
