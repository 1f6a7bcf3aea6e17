"""A contract that hands the host what no honest runtime would (it can reach the host
interface directly), or strings Python cannot encode, fails its own call; the block goes
on (a second attacker review's findings, kept as tests)."""

from __future__ import annotations

from contract_chain import CHAIN_ID, ContractChain, key

from sen.ledger.modules.contracts import query_contract
from sen.ledger.types import BlockInfo
from sen.vm import CallStatus, Runtime, fuel

RAW_HOST = b"""
import sen_contract as sen

HOST = sen._get.__globals__["host"]


@sen.execute
def state_get():
    return HOST.state_get("zz")


@sen.execute
def sha():
    return HOST.sha256("not hex")


@sen.execute
def call():
    return HOST.call_contract("zz" * 20, "execute", "x", "{}", 0)


@sen.execute
def scan():
    return HOST.state_scan("zz", "", 5)


@sen.execute
def did():
    return sen.system("identity/did", did="did:sen:\\ud800")


@sen.execute
def status():
    return sen.system("status/entry", issuer="did:sen:\\ud800", list="x", index=0)


@sen.query
def peek():
    return HOST.state_get("zz")
"""

CONTRACT_FAILURES = range(309, 315)  # OUT_OF_GAS .. CONTRACT_BAD_ANSWER


def test_what_the_host_refuses_fails_the_call_not_the_block(chain: ContractChain) -> None:
    signer = key(1)
    address = chain.deploy(signer, RAW_HOST)
    for entry in ("state_get", "sha", "call", "scan", "did", "status"):
        result = chain.one(signer, "execute", contract=address, entry=entry, args={})
        assert result.code in CONTRACT_FAILURES, (entry, result.code, result.log)
        assert result.gas_used > 0
    with chain.db.read() as txn:
        asked = query_contract(
            chain.app.store.reader(txn), CHAIN_ID, BlockInfo(chain.app.height, 0, 0, b""),
            address, "peek", "{}", 20_000_000,
        )  # fmt: skip
    assert asked.status is CallStatus.TRAPPED


def _blown_up(count: int) -> bytes:
    """A short source whose folded constants compile to megabytes of code."""
    body = ",".join(f'"{chr(0x4E00 + i)}"*4096' for i in range(count))
    entry = "@sen.execute\ndef go():\n    return 1\n"
    return f"import sen_contract as sen\nX = ({body},)\n{entry}".encode()


def test_a_new_instance_pays_for_its_compiled_code_not_its_source(
    contract_runtime: Runtime,
) -> None:
    from tests.unit.vm.test_wasm_engine import ENV, Reads

    source = _blown_up(500)
    session = contract_runtime.session()
    code, problem = session._code(source)
    assert code is not None, problem
    assert len(code) > 500 * len(source)
    refused = session.call(b"c", source, "execute", "go", "{}", ENV, 50_000_000, Reads({}))
    assert refused.status is CallStatus.OUT_OF_FUEL
    handed_in = fuel.ARGUMENT_BYTE * (2 + len(ENV))
    assert f"{fuel.instance_cost(len(code)) + handed_in:,}" in refused.message
    assert b"c" not in session._instances  # nothing was loaded


def test_compiled_code_survives_a_restart_and_damage_is_noticed(
    contract_runtime: Runtime, tmp_path: object
) -> None:
    import hashlib
    from pathlib import Path

    folder = Path(str(tmp_path))
    source = b"import sen_contract as sen\n@sen.query\ndef q():\n    return 1\n"
    digest = hashlib.sha256(source).digest()
    first = Runtime(contract_runtime.path, cache_dir=folder)
    code, _ = first.session()._code(source)
    restarted = Runtime(contract_runtime.path, cache_dir=folder)  # nothing in memory
    assert restarted.compiled_code(digest) == code  # read back, not compiled again
    stored = next((folder / "code").rglob("*.b64"))
    stored.write_text(stored.read_text()[:-8] + "AAAAAAAA")
    again = Runtime(contract_runtime.path, cache_dir=folder)
    assert again.compiled_code(digest) is None and not stored.exists()


def test_a_block_keeps_a_bounded_number_of_instances(contract_runtime: Runtime) -> None:
    from tests.unit.vm.test_wasm_engine import ENV, Reads

    from sen.vm.engine import MAX_LIVE_INSTANCES

    source = b"import sen_contract as sen\n@sen.execute\ndef go():\n    return 1\n"
    session = contract_runtime.session()
    used = []
    for n in range(MAX_LIVE_INSTANCES + 2):
        result = session.call(bytes([n]), source, "execute", "go", "{}", ENV, 10**7, Reads({}))
        used.append(result.fuel_used)
        assert result.ok
    assert len(session._instances) == MAX_LIVE_INSTANCES
    again = session.call(bytes([0]), source, "execute", "go", "{}", ENV, 10**7, Reads({}))
    assert again.fuel_used >= fuel.INSTANCE  # the oldest was dropped: a new instance, paid
    latest = session.call(bytes([n]), source, "execute", "go", "{}", ENV, 10**7, Reads({}))
    assert latest.fuel_used < fuel.INSTANCE  # the most recent is still there
