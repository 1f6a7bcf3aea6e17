"""A component that imports a host function with another type than the host's (here
``call-contract`` with a signed ``gas``, passed -10^15) is refused at upload; and were one to
run, the host traps on the out-of-range value instead of charging a negative amount, which
gave the caller fuel (fourth attacker review, finding 1).
"""

from __future__ import annotations

import struct

import wasmtime
from contract_chain import ContractChain, key
from hostile_wat import ENV, RUN_TYPE, component, core_module, wat_bytes

from sen.ledger.codes import ResultCode
from sen.vm import CallStatus, Runtime
from sen.vm.local import DictReads

ALICE = key(1)
MINTED = 10**15
LOOPS = 20_000_000  # ~100 M fuel of WebAssembly: far beyond the transaction's gas


def _minter(callee: bytes) -> bytes:
    ok_text = b'{"answer":"done","writes":[],"events":[]}'
    ok = struct.pack("<III", 0, 1024, len(ok_text))
    strings = {256: callee.hex().encode(), 384: b"execute", 400: b"x", 416: b"{}"}
    data = "".join(f'(data (i32.const {at}) "{wat_bytes(text)}")' for at, text in strings.items())
    call_type = (
        '(param "contract-hex" string) (param "kind" string) (param "entry" string) '
        '(param "args" string) (param "gas" s64) (result (result string (error string)))'
    )
    return bytes(
        wasmtime.wat2wasm(f"""(component
          (import "sen:contract/host@0.1.0" (instance $h
            (export "call-contract" (func {call_type}))))
          (core module $mem
            (memory (export "memory") 1)
            (global $bump (mut i32) (i32.const 32768))
            {data}
            (data (i32.const 1024) "{wat_bytes(ok_text)}")
            (data (i32.const 4) "{wat_bytes(ok)}")
            (func (export "realloc") (param i32 i32 i32 i32) (result i32)
              (local $r i32)
              (local.set $r (global.get $bump))
              (global.set $bump (i32.and (i32.add (i32.add (global.get $bump) (local.get 3))
                                                  (i32.const 7)) (i32.const -8)))
              (local.get $r)))
          (core instance $mi (instantiate $mem))
          (core func $call (canon lower (func $h "call-contract")
            (memory (core memory $mi "memory")) (realloc (core func $mi "realloc"))))
          (core module $m
            (import "mi" "memory" (memory 1))
            (import "h" "call" (func $call
              (param i32 i32 i32 i32 i32 i32 i32 i32 i64 i32)))
            (func (export "run") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
              (local $n i32)
              (if (i32.ne (local.get 1) (i32.const 7)) (then (return (i32.const 4))))
              (call $call (i32.const 256) (i32.const {len(strings[256])})
                          (i32.const 384) (i32.const 7) (i32.const 400) (i32.const 1)
                          (i32.const 416) (i32.const 2) (i64.const -{MINTED}) (i32.const 64))
              (block $done (loop $again
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $n) (i32.const {LOOPS})))))
              (i32.const 4)))
          (core instance $i (instantiate $m
            (with "mi" (instance $mi))
            (with "h" (instance (export "call" (func $call))))))
          (type $run {RUN_TYPE})
          (func (export "run") (type $run)
            (canon lift (core func $i "run") (memory (core memory $mi "memory"))
              (realloc (core func $mi "realloc")))))""")
    )


def test_a_mistyped_host_import_is_refused_at_upload(chain: ContractChain) -> None:
    callee = chain.deploy(ALICE, component(core_module()))
    uploaded = chain.one(ALICE, "upload", source=_minter(callee))
    assert uploaded.code == ResultCode.INVALID_CODE
    assert "call-contract with another type than the host's" in uploaded.log


def test_the_host_traps_on_a_negative_gas(contract_runtime: Runtime) -> None:
    """The second line: a session asked to run such code (no upload check) traps the call."""
    result = contract_runtime.session().call(
        b"\x08" * 20, _minter(b"\x09" * 20), "execute", "go", "{}", ENV, 2_000_000, DictReads()
    )
    assert result.status is CallStatus.TRAPPED and 0 <= result.fuel_used <= 2_000_000
    assert "gas outside 0.." in result.message
