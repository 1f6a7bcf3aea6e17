"""What contract work costs in gas, where an attacker would look for work that is free:
compiling at upload, a new instance after a trap, a hostile answer in a block."""

from __future__ import annotations

from contract_chain import ContractChain, key

from sen.ledger.codes import ResultCode
from sen.vm import Runtime, fuel

FILLER = "".join(f"def f{i}(a, b):\n    return a + b * {i}\n" for i in range(130))
TARGET = "import sen_contract as sen\n" + FILLER + "@sen.execute\ndef ping():\n    return 1\n"
CALLER = b"""
import sen_contract as sen


@sen.execute
def hammer(target, n, g):
    failed = 0
    for i in range(n):
        try:
            sen.call(target, "ping", gas=g)
        except sen.CallFailed:
            failed += 1
    return failed


@sen.execute
def nested(n):
    x = []
    for i in range(n):
        x = [x]
    return x
"""


def test_an_upload_pays_for_its_compile(chain: ContractChain) -> None:
    source = ("import sen_contract as sen\n" + FILLER).encode()
    result = chain.one(key(1), "upload", source=source)
    assert result.code == 0, result.log
    assert result.gas_used == result.gas_wanted == fuel.upload_cost(len(source))


def test_plain_code_well_under_max_code_bytes_uploads(chain: ContractChain) -> None:
    functions = "".join(f"def f{i}(a, b):\n    return a + b * {i}\n" for i in range(1600))
    source = "import sen_contract as sen\n" + functions
    assert 60_000 < len(source) <= 65_536
    result = chain.one(key(1), "upload", source=source.encode())
    assert result.code == 0, result.log


def _instance_cost(runtime: Runtime, source: bytes) -> int:
    code, problem = runtime.session()._code(source)
    assert code is not None, problem
    return fuel.instance_cost(len(code))


def test_a_trapped_callee_is_reloaded_at_the_callers_cost(
    chain: ContractChain, contract_runtime: Runtime
) -> None:
    signer = key(1)
    target = chain.deploy(signer, TARGET.encode())
    caller = chain.deploy(signer, CALLER)
    call = {"contract": caller, "entry": "hammer", "gas": 100_000_000}
    # each call gives the callee too little gas to pay for its new instance: refused unrun
    starved = chain.one(
        signer, "execute", **call, args={"target": target.hex(), "n": 20, "g": 6000}
    )
    assert starved.code == 0, starved.log
    # with enough gas each call runs out while running; the next one needs a new instance
    n = 20
    cost = _instance_cost(contract_runtime, TARGET.encode())
    each = cost + 10_000
    result = chain.one(signer, "execute", **call, args={"target": target.hex(), "n": n, "g": each})
    assert result.code == 0, result.log
    assert result.data == str(n).encode()  # every call failed...
    assert result.gas_used >= n * cost  # ...and paid its instance


def test_a_deep_answer_is_a_failed_call_not_a_stopped_node(chain: ContractChain) -> None:
    signer = key(1)
    address = chain.deploy(signer, CALLER)
    result = chain.one(signer, "execute", contract=address, entry="nested", args={"n": 950})
    assert result.code in (ResultCode.CONTRACT_FAILED, ResultCode.CONTRACT_BAD_ANSWER)
    after = chain.one(signer, "execute", contract=address, entry="nested", args={"n": 3})
    assert after.code == 0, after.log
