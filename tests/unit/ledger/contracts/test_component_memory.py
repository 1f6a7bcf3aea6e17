"""A component's store holds one memory of at most ``COMPONENT_MEMORY_LIMIT``: more memories
(each under the limit, together far over it) are refused at upload (fourth attacker review,
finding 3: 16 memories of 256 MiB each were allowed).
"""

from __future__ import annotations

from hostile_wat import ENV, component, core_module

from sen.vm import CallStatus, Runtime
from sen.vm.engine import MEMORY_LIMIT
from sen.vm.local import DictReads

PAGES = 3200  # 200 MiB in each extra memory: each is under the limit, together over it
EXTRA_MEMORIES = 2


def _hoarder() -> bytes:
    memories = "".join(f"(memory $x{i} 0)" for i in range(EXTRA_MEMORIES))
    touch = "(local $p i32)" + "".join(
        f"""
        (drop (memory.grow $x{i} (i32.const {PAGES})))
        (local.set $p (i32.const 0))
        (block $done (loop $next
          (i32.store8 $x{i} (local.get $p) (i32.const 1))
          (local.set $p (i32.add (local.get $p) (i32.const 4096)))
          (br_if $next (i32.lt_u (local.get $p) (i32.const {PAGES * 65536})))))
        (if (i32.ne (memory.size $x{i}) (i32.const {PAGES})) (then unreachable))"""
        for i in range(EXTRA_MEMORIES)
    )
    return component(core_module(work=touch, extra=memories))


def test_an_instance_cannot_hold_more_than_the_memory_limit(contract_runtime: Runtime) -> None:
    code = _hoarder()
    assert EXTRA_MEMORIES * PAGES * 65536 > MEMORY_LIMIT
    problem = contract_runtime.session().check_source(code)
    assert problem is not None and "could not be instantiated" in problem and "memor" in problem
    result = contract_runtime.session().call(
        b"\x05" * 20, code, "execute", "hoard", "{}", ENV, 10_000_000, DictReads()
    )
    assert result.status is CallStatus.INVALID_CODE
