"""A component's answer may not hold a number that overflows to infinity (``1e400``): the
host reads answers with a ``parse_float`` that refuses non-finite values, so the call is
``CONTRACT_BAD_ANSWER`` and nothing that is not JSON is committed (fourth attacker review,
finding 5).
"""

from __future__ import annotations

from contract_chain import ContractChain, key
from hostile_wat import ENV, component, core_module

from sen.ledger.codes import ResultCode
from sen.vm import CallStatus, Runtime
from sen.vm.local import DictReads

ANSWER = b'{"answer":[1e400,-1e999],"writes":[],"events":[["big",[["value",1e400]]]]}'


def test_the_host_does_not_turn_an_answer_into_infinity(contract_runtime: Runtime) -> None:
    code = component(core_module(ANSWER))
    assert contract_runtime.session().check_source(code) is None
    result = contract_runtime.session().call(
        b"\x06" * 20, code, "execute", "x", "{}", ENV, 10_000_000, DictReads()
    )
    assert result.status is CallStatus.BAD_ANSWER
    assert "1e400 is not a finite number" in result.message


def test_an_answer_committed_on_chain_is_json(chain: ContractChain) -> None:
    code = component(core_module(ANSWER))
    uploaded = chain.one(key(1), "upload", source=code)
    assert uploaded.code == 0, uploaded.log
    made = chain.one(key(1), "instantiate", code=uploaded.data, args={}, label="inf")
    assert made.code == ResultCode.CONTRACT_BAD_ANSWER and made.data == b""
