"""Issue 13's design evaluation: a Python contract in a metered WebAssembly sandbox.

Not part of the project's code or its tests: a measurement for ADR 0013. In a venv of its
own (the two tools are not dependencies of Sen yet)::

    python -m venv /tmp/wasm && /tmp/wasm/bin/pip install wasmtime==50.0.1 componentize-py==0.25.1
    cd benchmarks/contracts-eval && /tmp/wasm/bin/python eval.py > result.json

It builds ``app/sen_token.py`` (a token: mint, transfer, a determinism probe, an endless
loop) twice with componentize-py against ``wit/contract.wit``, runs it in wasmtime with fuel
metering, NaN canonicalisation and no threads, and compares a transfer written directly in
WebAssembly (WAT) behind the same two host calls. It prints JSON.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import wasmtime
from wasmtime import component as c

HERE = Path(__file__).parent
TRANSFERS = 2_000
FRESH = 50

WAT = r"""
(module
  (import "host" "get" (func $get (param i64) (result i64)))
  (import "host" "set" (func $set (param i64 i64)))
  (func (export "transfer") (param $from i64) (param $to i64) (param $amount i64) (result i32)
    (local $have i64)
    (local.set $have (call $get (local.get $from)))
    (if (i64.lt_u (local.get $have) (local.get $amount)) (then (return (i32.const 1))))
    (call $set (local.get $from) (i64.sub (local.get $have) (local.get $amount)))
    (call $set (local.get $to) (i64.add (call $get (local.get $to)) (local.get $amount)))
    (i32.const 0)))
"""


def engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.consume_fuel = True
    config.cranelift_nan_canonicalization = True
    config.wasm_threads = False
    return wasmtime.Engine(config)


def build(out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "componentize-py"), "-d", str(HERE / "wit"),
         "-w", "contract", "componentize", "-p", str(HERE / "app"), "sen_token", "-o", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def python_contract(work: Path) -> dict[str, Any]:
    first, second = work / "a.wasm", work / "b.wasm"
    build_s = build(first)
    build(second)
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, second)]
    eng = engine()
    started = time.perf_counter()
    compiled = c.Component.from_file(eng, str(first))
    compile_s = time.perf_counter() - started
    blob = compiled.serialize()
    started = time.perf_counter()
    component = c.Component.deserialize(eng, blob)
    deserialize_s = time.perf_counter() - started
    state: dict[bytes, bytes] = {}
    linker = c.Linker(eng)
    linker.add_wasip2()  # the evaluation's stand-in: a contract host gives no clock or random
    with linker.root() as root, root.add_instance("sen:contract/host@0.1.0") as host:
        host.add_func("state-get", lambda store, key: state.get(bytes(key)))

        def state_set(store: Any, key: bytes, value: bytes) -> None:
            state[bytes(key)] = bytes(value)

        host.add_func("state-set", state_set)

    def instance() -> tuple[wasmtime.Store, Any, float]:
        store = wasmtime.Store(eng)
        store.set_wasi(wasmtime.WasiConfig())
        store.set_fuel(10**12)
        began = time.perf_counter()
        made = linker.instantiate(store, component)
        took = time.perf_counter() - began
        return store, made.get_func(store, made.get_export_index(store, "execute")), took

    def call(store: wasmtime.Store, fn: Any, action: str, args: dict[str, Any]) -> tuple[Any, int]:
        before = store.get_fuel()
        out = fn(store, action, json.dumps(args).encode())
        fn.post_return(store)
        return out, before - store.get_fuel()

    store, fn, instantiate_s = instance()
    call(store, fn, "mint", {"to": "alice", "amount": 10**9})
    fuel = 0
    started = time.perf_counter()
    for n in range(TRANSFERS):
        fuel += call(store, fn, "transfer", {"from": "alice", "to": f"bob{n % 10}", "amount": 1})[1]
    warm_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(FRESH):  # isolation: every call from the snapshot
        s, f, _ = instance()
        call(s, f, "transfer", {"from": "alice", "to": "carol", "amount": 1})
    fresh_s = time.perf_counter() - started
    probes = set()
    for _ in range(3):
        s, f, _ = instance()
        probes.add(str(call(s, f, "hashes", {})[0]))
    s, f, _ = instance()
    s.set_fuel(50_000_000)
    started = time.perf_counter()
    try:
        f(s, "loop", b"{}")
        stopped = "not stopped"
    except wasmtime.WasmtimeError:
        stopped = "trapped: out of fuel" if s.get_fuel() == 0 else "trapped"
    loop_s = time.perf_counter() - started
    return {
        "component_bytes": first.stat().st_size,
        "build_s": round(build_s, 2),
        "two_builds_same_sha256": digests[0] == digests[1],
        "compile_s": round(compile_s, 2),
        "serialized_bytes": len(blob),
        "deserialize_ms": round(deserialize_s * 1000, 1),
        "instantiate_ms": round(instantiate_s * 1000, 2),
        "transfer_fuel": fuel // TRANSFERS,
        "transfers_per_s_warm_instance": round(TRANSFERS / warm_s),
        "ns_per_fuel_transfer": round(warm_s * 1e9 / fuel, 2),
        "transfers_per_s_fresh_instance_each": round(FRESH / fresh_s),
        "hash_and_set_order_same_in_fresh_instances": len(probes) == 1,
        "endless_loop_50M_fuel": stopped,
        "ns_per_fuel_loop": round(loop_s * 1e9 / 50_000_000, 3),
    }


def wat_contract() -> dict[str, Any]:
    eng = engine()
    module = wasmtime.Module(eng, WAT)
    state = {1: 10**9}
    store = wasmtime.Store(eng)
    store.set_fuel(10**12)
    linker = wasmtime.Linker(eng)
    i64 = wasmtime.ValType.i64()
    linker.define_func("host", "get", wasmtime.FuncType([i64], [i64]), lambda k: state.get(k, 0))

    def put(key: int, value: int) -> None:
        state[key] = value

    linker.define_func("host", "set", wasmtime.FuncType([i64, i64], []), put)
    started = time.perf_counter()
    made = linker.instantiate(store, module)
    instantiate_s = time.perf_counter() - started
    transfer = made.exports(store)["transfer"]
    count, before = 20_000, store.get_fuel()
    started = time.perf_counter()
    for n in range(count):
        transfer(store, 1, 2 + n % 10, 1)
    took = time.perf_counter() - started
    return {
        "module_bytes_compiled": len(module.serialize()),
        "instantiate_us": round(instantiate_s * 1e6),
        "transfers_per_s": round(count / took),
        "transfer_fuel": (before - store.get_fuel()) // count,
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as work:
        python = python_contract(Path(work))
    print(
        json.dumps(
            {
                "conditions": {
                    "cores": os.cpu_count(),
                    "python": platform.python_version(),
                    "wasmtime": "50.0.1",
                    "componentize_py": "0.25.1",
                    "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                },
                "python_contract": python,
                "wat_contract": wat_contract(),
            },
            indent=2,
        )
    )
