"""Contracts of their own (Rust, built into a component): the same calls, state and answers as
the Python kit; what a component may import and export; misbehaviour with exact results."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import wasmtime

from sen.vm import CallStatus, Runtime, fuel
from sen.vm.build import RUST_SDK, build_component
from sen.vm.code import is_component, language
from sen.vm.engine import HOST_INTERFACE
from sen.vm.local import CallFailed, DictReads, LocalContract

ROOT = Path(__file__).parents[3]
PYTHON_REGISTRY = (ROOT / "contracts" / "examples" / "registry" / "contract.py").read_bytes()
ENV = json.dumps(
    {"chain_id": "t", "height": 1, "time": 5, "contract": "00" * 20, "sender": "a", "caller": "a"}
)

# (method, entry, sender, arguments): every entry of the registry, refusals among them
CALLS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("instantiate", "", "alice", {"name": "carbon", "minters": ["alice"]}),
    ("execute", "mint", "alice", {"asset": "co2", "to": "bob", "amount": 100}),
    ("execute", "mint", "bob", {"asset": "co2", "to": "bob", "amount": 100}),
    ("execute", "mint", "alice", {"asset": "co/2", "to": "bob", "amount": 1}),
    ("execute", "mint", "alice", {"asset": "co2", "to": "bob", "amount": 0}),
    ("execute", "transfer", "bob", {"asset": "co2", "to": "carol", "amount": 30}),
    ("execute", "transfer", "bob", {"asset": "co2", "to": "carol", "amount": 300}),
    ("execute", "transfer", "bob", {"asset": "co2", "to": "carol", "amount": True}),
    ("execute", "transfer", "bob", {"asset": "co2", "to": "carol"}),
    ("execute", "transfer", "bob", {"asset": "co2", "to": "carol", "amount": 1, "memo": "x"}),
    ("execute", "transfer", "bob", {"asset": "", "to": "carol", "amount": 1}),
    ("execute", "transfer", "bob", {"asset": "co2", "to": "ngân hàng", "amount": 5}),
    ("execute", "retire", "carol", {"asset": "co2", "amount": 10, "reason": "offset 2026"}),
    ("execute", "retire", "carol", {"asset": "co2", "amount": 100}),
    ("execute", "mint_item", "alice", {"item": "lot-1", "asset": "rice", "to": "bob"}),
    ("execute", "mint_item", "alice", {"item": "lot-2", "asset": "rice", "to": "bob",
                                      "meta": {"farm": "Đồng Tháp", "kg": [1, 2]}}),
    ("execute", "mint_item", "alice", {"item": "lot-1", "asset": "rice", "to": "bob"}),
    ("execute", "transfer_item", "carol", {"item": "lot-1", "to": "carol"}),
    ("execute", "transfer_item", "bob", {"item": "lot-1", "to": "carol"}),
    ("execute", "transfer_item", "bob", {"item": "nope", "to": "carol"}),
    ("execute", "retire_item", "carol", {"item": "lot-1", "reason": "eaten"}),
    ("execute", "retire_item", "carol", {"item": "lot-1"}),
    ("execute", "transfer_item", "carol", {"item": "lot-1", "to": "bob"}),
    ("execute", "no_such_entry", "bob", {}),
    ("query", "balance", "", {"asset": "co2", "holder": "bob"}),
    ("query", "balance", "", {"asset": "co2", "holder": "ngân hàng"}),
    ("query", "supply_of", "", {"asset": "co2"}),
    ("query", "item_of", "", {"item": "lot-2"}),
    ("query", "item_of", "", {"item": "missing"}),
]  # fmt: skip


def _run(
    contract: LocalContract, method: str, entry: str, sender: str, args: dict[str, Any]
) -> Any:
    call = getattr(contract, method)
    try:
        if method == "instantiate":
            return "ok", call(sender=sender, **args)
        if method == "query":
            return "ok", call(entry, **args)
        return "ok", call(entry, sender=sender, **args)
    except CallFailed as failed:
        return failed.status.value, failed.result.message


def test_the_rust_registry_answers_as_the_python_one(
    contract_runtime: Runtime, registry_component: bytes
) -> None:
    python = LocalContract(PYTHON_REGISTRY, runtime=contract_runtime)
    rust = LocalContract(registry_component, runtime=contract_runtime)
    for method, entry, sender, args in CALLS:
        expected = _run(python, method, entry, sender, args)
        assert _run(rust, method, entry, sender, args) == expected, (method, entry, args)
    assert rust.state == python.state  # the same keys and canonical JSON values
    assert rust.events == python.events
    assert len(python.events) >= 6


def test_a_rust_call_costs_a_quarter_of_a_python_one(
    contract_runtime: Runtime, registry_component: bytes
) -> None:
    costs = []
    for code in (PYTHON_REGISTRY, registry_component):
        contract = LocalContract(code, runtime=contract_runtime)
        contract.instantiate(name="carbon")
        contract.execute("mint", asset="co2", to="bob", amount=10)
        contract.execute("transfer", sender="bob", asset="co2", to="carol", amount=1)
        assert contract.last is not None
        costs.append(contract.last.fuel_used)
    python, rust = costs
    assert rust * 3 < python  # measured: about 0.82M against 3.3M, each with a new instance


def test_build_is_reproducible_wherever_the_folder_is(
    tmp_path: Path, registry_component: bytes
) -> None:
    copy = tmp_path / "somewhere" / "registry"
    shutil.copytree(ROOT / "contracts" / "examples" / "registry-rust", copy,
                    ignore=shutil.ignore_patterns("target"))  # fmt: skip
    manifest = copy / "Cargo.toml"
    manifest.write_text(
        manifest.read_text().replace("../../../src/sen/vm/rust/sen-contract", str(RUST_SDK))
    )
    again = build_component(copy, ROOT / ".bin" / "cargo-target").read_bytes()
    assert hashlib.sha256(again).digest() == hashlib.sha256(registry_component).digest()


def test_what_a_component_is(registry_component: bytes) -> None:
    assert language(registry_component) == "wasm" and is_component(registry_component)
    assert language(PYTHON_REGISTRY) == "python"
    core = wasmtime.wat2wasm("(module)")
    assert language(core) == "wasm" and not is_component(core)


def _component(imports: str = "") -> bytes:
    """A hand-made component: ``imports`` (component import declarations) and the contract
    world's ``run``, which traps if it is ever called."""
    run_type = (
        '(func (param "kind" string) (param "entry" string) (param "args" string) '
        '(param "env" string) (result (result string (error string))))'
    )
    return wasmtime.wat2wasm(f"""
      (component
        {imports}
        (core module $m
          (memory (export "memory") 1)
          (func (export "run") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32) unreachable)
          (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable))
        (core instance $i (instantiate $m))
        (type $run {run_type})
        (func (export "run") (type $run)
          (canon lift (core func $i "run") (memory (core memory $i "memory"))
                (realloc (core func $i "realloc")))))
    """)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (wasmtime.wat2wasm("(module)"), "a WebAssembly core module, not a component"),
        (b"\x00asm\x0d\x00\x01\x00garbage", "not a valid WebAssembly component"),
        (
            _component('(import "wasi:clocks/wall-clock@0.2.0" (instance))'),
            "the component imports wasi:clocks/wall-clock@0.2.0; a contract may import only "
            + HOST_INTERFACE,
        ),
        (
            wasmtime.wat2wasm("""
              (component
                (core module $m (func (export "run") (param i32) (result i32) unreachable))
                (core instance $i (instantiate $m))
                (func (export "run") (param "kind" u32) (result u32)
                  (canon lift (core func $i "run"))))
            """),
            "the component does not export run: func(kind: string",
        ),
    ],
    ids=["core-module", "malformed", "imports-wasi", "wrong-run"],
)
def test_what_the_node_refuses_to_load(contract_runtime: Runtime, code: bytes, says: str) -> None:
    problem = contract_runtime.session().check_source(code)
    assert problem is not None and problem.startswith(says), problem


def test_a_well_formed_component_loads(contract_runtime: Runtime) -> None:
    assert contract_runtime.session().check_source(_component()) is None
    result = contract_runtime.session().call(
        b"\x01" * 20, _component(), "execute", "x", "{}", ENV, 5_000_000, DictReads()
    )
    assert result.status is CallStatus.TRAPPED and not result.writes  # its run traps


def _call(runtime: Runtime, code: bytes, entry: str, gas: int = 50_000_000, **args: Any) -> Any:
    reads = DictReads()
    return runtime.session().call(
        b"\x02" * 20, code, "execute", entry, json.dumps(args), ENV, gas, reads
    )


@pytest.mark.parametrize(
    ("entry", "args", "status", "message"),
    [
        ("spin", {}, CallStatus.OUT_OF_FUEL, "out of gas: the call used all 50,000,000"),
        ("panic", {}, CallStatus.TRAPPED, "wasm trap: wasm `unreachable` instruction executed"),
        ("grow", {}, CallStatus.TRAPPED, "wasm trap: wasm `unreachable` instruction executed"),
        ("recurse", {"depth": 10_000_000}, CallStatus.TRAPPED, "wasm trap: call stack exhausted"),
        ("huge_answer", {}, CallStatus.OUT_OF_FUEL, "out of gas"),
    ],
)
def test_misbehaviour_gives_exact_results_and_writes_nothing(
    contract_runtime: Runtime,
    hostile_component: bytes,
    entry: str,
    args: dict[str, Any],
    status: CallStatus,
    message: str,
) -> None:
    first = _call(contract_runtime, hostile_component, entry, **args)
    assert first.status is status, first
    assert first.message.startswith(message), first.message
    assert first.writes == () and first.events == ()
    # the same on a fresh session: nothing about the node or the last call changes it
    again = _call(contract_runtime, hostile_component, entry, **args)
    assert (again.status, again.fuel_used, again.message) == (
        first.status, first.fuel_used, first.message,
    )  # fmt: skip


def test_memory_is_bounded_by_the_store(
    contract_runtime: Runtime, hostile_component: bytes
) -> None:
    """The hoarding entry stops at the store's limit (256 MiB), well before the gas runs out."""
    result = _call(contract_runtime, hostile_component, "grow", gas=200_000_000)
    assert result.status is CallStatus.TRAPPED
    assert result.fuel_used < 10_000_000


def test_stack_exhaustion_burns_the_whole_limit(
    contract_runtime: Runtime, hostile_component: bytes
) -> None:
    """Where the native stack runs out depends on the machine's frames; the result must not."""
    result = _call(contract_runtime, hostile_component, "recurse", gas=77_777_777, depth=10**7)
    assert result.status is CallStatus.TRAPPED and result.fuel_used == 77_777_777
    shallow = _call(contract_runtime, hostile_component, "recurse", depth=100)
    assert shallow.status is CallStatus.OK


def test_a_huge_answer_is_refused_by_size_when_gas_allows(
    contract_runtime: Runtime, hostile_component: bytes
) -> None:
    result = _call(contract_runtime, hostile_component, "huge_answer", gas=1_000_000_000)
    assert result.status is CallStatus.BAD_ANSWER
    assert "handed back" in result.message


def test_nan_payloads_are_canonical(contract_runtime: Runtime, hostile_component: bytes) -> None:
    result = _call(contract_runtime, hostile_component, "nan")
    assert result.status is CallStatus.OK
    assert json.loads(result.answer) == "7ff8000000000000"  # the payload 0xabc is gone


def test_every_call_pays_for_its_own_instance(
    contract_runtime: Runtime, hostile_component: bytes
) -> None:
    """A component gets a fresh instance for each call, so calls cost the same in any order."""
    session = contract_runtime.session()
    results = [
        session.call(b"\x03" * 20, hostile_component, "execute", "write", "{}", ENV, 10**7,
                     DictReads())
        for _ in range(2)
    ]  # fmt: skip
    assert all(r.status is CallStatus.OK for r in results)
    first, second = (r.fuel_used for r in results)
    assert first == second >= fuel.component_instance_cost(len(hostile_component))
    too_little = session.call(
        b"\x04" * 20, hostile_component, "execute", "write", "{}", ENV,
        fuel.component_instance_cost(len(hostile_component)), DictReads(),
    )  # fmt: skip
    assert too_little.status is CallStatus.OUT_OF_FUEL
    assert "a new instance of the contract cost" in too_little.message


def test_the_harness_names_failures_as_a_node_does() -> None:
    from sen.ledger.modules.contracts.actions import FAILURE_CODES
    from sen.vm.local import CODE_NAMES

    assert {status: code.name for status, code in FAILURE_CODES.items()} == CODE_NAMES


def test_a_failed_migrate_keeps_the_old_code_in_the_harness(
    contract_runtime: Runtime, registry_component: bytes
) -> None:
    contract = LocalContract(PYTHON_REGISTRY, runtime=contract_runtime)
    contract.instantiate(name="carbon")
    with pytest.raises(CallFailed) as failed:
        contract.migrate(registry_component, unexpected=1)
    assert failed.value.code_name == "INVALID_ARGUMENT"
    assert contract.source == PYTHON_REGISTRY
    with pytest.raises(CallFailed) as broken:
        contract.migrate(b"def broken(:\n")
    assert broken.value.code_name == "INVALID_CODE" and contract.source == PYTHON_REGISTRY
    contract.migrate(registry_component)
    assert contract.source == registry_component
    assert contract.query("supply_of", asset="none") == {
        "circulating": 0,
        "minted": 0,
        "retired": 0,
    }


def test_argument_mistakes_are_bad_arguments_as_in_python(
    contract_runtime: Runtime, registry_component: bytes, hostile_component: bytes
) -> None:
    rust = LocalContract(registry_component, runtime=contract_runtime)
    with pytest.raises(CallFailed) as wrong_type:
        rust.query("balance", asset=5, holder="bob")
    assert wrong_type.value.code_name == "INVALID_ARGUMENT"
    assert str(wrong_type.value) == "asset: expected str, got int"
    hostile = LocalContract(hostile_component, runtime=contract_runtime)
    with pytest.raises(CallFailed) as extra:
        hostile.execute("write", x=1)
    assert str(extra.value) == "unknown argument 'x'; expected no arguments"
    with pytest.raises(TypeError, match="takes the code as bytes"):
        LocalContract("contract.py", runtime=contract_runtime)  # type: ignore[arg-type]
