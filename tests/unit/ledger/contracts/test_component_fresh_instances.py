"""A component gets a fresh instance for every call: its linear memory and globals cannot
carry anything from one call (a refused one included) to the next, so the same transaction
answers the same alone in a block and after others (fourth attacker review, finding 6).
"""

from __future__ import annotations

import struct

import wasmtime
from contract_chain import ContractChain, key
from hostile_wat import RUN_TYPE, wat_bytes

ALICE = key(1)


def _remembers_failures() -> bytes:
    """instantiate answers ok; an execute is refused the first time the instance runs one,
    and answers ok after that (a global remembers the refusal)."""
    ok_text = b'{"answer":"ok","writes":[],"events":[]}'
    err_text = b"refused: first call of this instance"
    ok = struct.pack("<III", 0, 64, len(ok_text))
    err = struct.pack("<III", 1, 256, len(err_text))
    return bytes(
        wasmtime.wat2wasm(f"""(component
          (core module $m
            (memory (export "memory") 1)
            (global $refused (mut i32) (i32.const 0))
            (global $bump (mut i32) (i32.const 32768))
            (data (i32.const 64) "{wat_bytes(ok_text)}")
            (data (i32.const 256) "{wat_bytes(err_text)}")
            (data (i32.const 4) "{wat_bytes(ok)}")
            (data (i32.const 16) "{wat_bytes(err)}")
            (func (export "realloc") (param i32 i32 i32 i32) (result i32)
              (local $r i32)
              (local.set $r (global.get $bump))
              (global.set $bump (i32.and (i32.add (i32.add (global.get $bump) (local.get 3))
                                                  (i32.const 7)) (i32.const -8)))
              (local.get $r))
            (func (export "run") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
              (if (i32.eq (local.get 1) (i32.const 11)) (then (return (i32.const 4))))
              (if (global.get $refused) (then (return (i32.const 4))))
              (global.set $refused (i32.const 1))
              (i32.const 16)))
          (core instance $i (instantiate $m))
          (type $run {RUN_TYPE})
          (func (export "run") (type $run)
            (canon lift (core func $i "run") (memory (core memory $i "memory"))
              (realloc (core func $i "realloc")))))""")
    )


def _execute(chain: ContractChain, contract: bytes) -> bytes:
    return chain.tx(ALICE, "execute", {"contract": contract, "entry": "go", "args": {}})


def test_a_refused_transaction_does_not_change_the_next_one(chain: ContractChain) -> None:
    contract = chain.deploy(ALICE, _remembers_failures())
    alone = chain.block([_execute(chain, contract)])[0]
    first, second = chain.block([_execute(chain, contract), _execute(chain, contract)])
    assert first.code == alone.code != 0  # refused, so it keeps nothing...
    # ...yet the transaction after it, the same call, now succeeds
    assert (second.code, second.log) == (alone.code, alone.log), (
        f"alone in a block: code {alone.code}; after a refused call in the same block: "
        f"code {second.code} data {second.data!r}"
    )
