"""Hand-made hostile components for the fourth attacker review's tests (WAT text, converted
with wasmtime.wat2wasm)."""

from __future__ import annotations

import json
import struct

import wasmtime

RUN_TYPE = (
    '(func (param "kind" string) (param "entry" string) (param "args" string) '
    '(param "env" string) (result (result string (error string))))'
)

ENV = json.dumps(
    {"chain_id": "t", "height": 1, "time": 5, "contract": "00" * 20, "sender": "a", "caller": "a"}
)


def wat_bytes(data: bytes) -> str:
    return "".join(f"\\{byte:02x}" for byte in data)


def core_module(
    answer: bytes = b'{"answer":1,"writes":[],"events":[]}',
    *,
    tag: int = 0,
    work: str = "",
    extra: str = "",
) -> str:
    """A core module whose ``run`` does ``work`` then returns result ``tag`` (0 ok, 1 err)
    with the text ``answer``; ``extra`` adds fields (memories, globals, functions)."""
    returned = struct.pack("<III", tag, 16, len(answer))
    return f"""(core module $m
      (memory (export "memory") 1)
      (global $bump (mut i32) (i32.const 32768))
      (data (i32.const 16) "{wat_bytes(answer)}")
      (data (i32.const 4) "{wat_bytes(returned)}")
      {extra}
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (global.get $bump))
        (global.set $bump
          (i32.and (i32.add (i32.add (global.get $bump) (local.get 3)) (i32.const 7))
                   (i32.const -8)))
        (local.get $r))
      (func (export "run") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
        (call $work)
        (i32.const 4))
      (func $work {work}))"""


def component(module: str) -> bytes:
    """A contract-world component around core module ``$m`` (which exports memory, realloc
    and run)."""
    return bytes(
        wasmtime.wat2wasm(f"""(component
          {module}
          (core instance $i (instantiate $m))
          (type $run {RUN_TYPE})
          (func (export "run") (type $run)
            (canon lift (core func $i "run") (memory (core memory $i "memory"))
              (realloc (core func $i "realloc")))))""")
    )
