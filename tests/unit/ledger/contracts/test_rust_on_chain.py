"""A Rust contract through the consensus app: uploaded as a component, instantiated, called by
transactions, replayed on a second fresh node to the same app hash; and a Python registry
migrated to the Rust one keeps its state (the two kits store alike)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from contract_chain import ContractChain, address, answer, key

from sen.ledger.codes import ResultCode
from sen.ledger.modules.contracts import load_instance
from sen.vm import Runtime
from sen.vm.code import upload_price

ALICE, BOB = key(1), key(2)
PYTHON_REGISTRY = (
    Path(__file__).parents[4] / "contracts" / "examples" / "registry" / "contract.py"
).read_bytes()


def _calls(chain: ContractChain, contract: bytes) -> list[bytes]:
    bob = address(BOB).hex()
    moves = [
        ("mint", ALICE, {"asset": "co2", "to": address(ALICE).hex(), "amount": 50}),
        ("transfer", ALICE, {"asset": "co2", "to": bob, "amount": 20}),
        ("transfer", ALICE, {"asset": "co2", "to": bob, "amount": 999}),  # refused
        ("retire", BOB, {"asset": "co2", "amount": 5, "reason": "offset"}),
        ("spin", BOB, {}),  # no such entry
    ]
    return [
        chain.tx(signer, "execute", {"contract": contract, "entry": entry, "args": args})
        for entry, signer, args in moves
    ]


def test_rust_registry_on_two_fresh_nodes(
    tmp_path: Path, contract_runtime: Runtime, registry_component: bytes
) -> None:
    outcomes = []
    for name in ("a", "b"):
        chain = ContractChain(tmp_path / name, contract_runtime)
        try:
            upload = chain.one(ALICE, "upload", source=registry_component)
            assert upload.code == 0, upload.log
            assert upload.gas_used == upload_price(registry_component)
            assert upload.data == hashlib.sha256(registry_component).digest()
            contract = chain.deploy(ALICE, registry_component, name="carbon")
            results = chain.block(_calls(chain, contract))
            outcomes.append((chain.app_hash(), [(r.code, r.gas_used, r.data) for r in results]))
        finally:
            chain.close()
    assert outcomes[0] == outcomes[1]
    codes = [code for code, _, _ in outcomes[0][1]]
    assert codes == [0, 0, ResultCode.CONTRACT_REFUSED, 0, ResultCode.NO_SUCH_ENTRY]


def test_python_registry_migrates_to_rust_and_keeps_its_state(
    chain: ContractChain, registry_component: bytes
) -> None:
    python = chain.one(ALICE, "upload", source=PYTHON_REGISTRY).data
    made = chain.one(
        ALICE, "instantiate", code=python, args={"name": "rice"}, admin=address(ALICE), label="r"
    )
    assert made.code == 0, made.log
    contract = made.data
    bob = address(BOB).hex()
    minted = chain.one(
        ALICE, "execute", contract=contract, entry="mint",
        args={"asset": "st25", "to": bob, "amount": 7},
    )  # fmt: skip
    assert minted.code == 0, minted.log
    rust = chain.one(ALICE, "upload", source=registry_component).data
    moved = chain.one(ALICE, "migrate", contract=contract, code=rust, args={})
    assert moved.code == 0, moved.log
    with chain.db.read() as txn:
        record = load_instance(chain.app.store.reader(txn), contract)
    assert record is not None and record.code == rust
    sent = chain.one(
        BOB, "execute", contract=contract, entry="transfer",
        args={"asset": "st25", "to": "carol", "amount": 3},
    )  # fmt: skip
    assert sent.code == 0, sent.log
    assert answer(sent) == 4  # what the Python code minted, moved by the Rust code


def test_a_component_that_imports_wasi_is_refused_at_upload(chain: ContractChain) -> None:
    import wasmtime

    wasi = bytes(wasmtime.wat2wasm('(component (import "wasi:random/random@0.2.0" (instance)))'))
    refused = chain.one(ALICE, "upload", source=wasi)
    assert refused.code == ResultCode.INVALID_CODE
    assert "imports wasi:random/random@0.2.0" in refused.log
