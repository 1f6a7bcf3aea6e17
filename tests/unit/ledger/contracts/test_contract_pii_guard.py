"""On a pii_free chain, a contract call that would put personal data on chain (in its answer,
its events or its state) fails with PERSONAL_DATA, naming where and never the value, and
writes nothing (issue 14, item 7); the same call passes on an open chain. The arguments
carry the data in pieces, which the guard on arguments lets through: only the contract's
output joins them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from contract_chain import CHAIN_ID, ContractChain, key

from sen.ledger.codes import ResultCode
from sen.ledger.modules.contracts import state_key
from sen.ledger.types import ChainParams
from sen.vm import Runtime

ALICE = key(1)
SOURCE = b"""
import sen_contract as sen

notes = sen.Map("note")


@sen.execute
def remember(parts):
    notes["last"] = "".join(parts)
    return "ok"


@sen.execute
def announce(parts):
    sen.emit("said", text="".join(parts))
    return "ok"


@sen.execute
def echo(parts):
    return "".join(parts)
"""
CASES = [
    ("remember", ["benh nhan 0912", "345678"], "state of "),
    ("announce", ["lien he hang.nguyen", "@benhvien.vn"], "event said.text"),
    ("echo", ["CCCD 0011840", "12345"], "answer"),
]


@pytest.fixture
def guarded(tmp_path: Path, contract_runtime: Runtime) -> Iterator[ContractChain]:
    chain = ContractChain(
        tmp_path / "db", contract_runtime, params=ChainParams(chain_id=CHAIN_ID, pii_free=True)
    )
    yield chain
    chain.close()


@pytest.mark.parametrize(("entry", "parts", "where"), CASES)
def test_a_call_that_would_publish_personal_data_fails(
    guarded: ContractChain, entry: str, parts: list[str], where: str
) -> None:
    contract = guarded.deploy(ALICE, SOURCE)
    done = guarded.one(ALICE, "execute", contract=contract, entry=entry, args={"parts": parts})
    assert done.code == ResultCode.PERSONAL_DATA, done.log
    assert where in done.log and "".join(parts) not in done.log
    assert done.gas_used > 0  # it ran, and pays for it
    assert guarded.state(state_key(contract, b"note\x00last")) is None
    events = [e.type for e in done.events]
    assert "contract.event" not in events


@pytest.mark.parametrize(("entry", "parts", "where"), CASES)
def test_an_open_chain_takes_the_same_calls(
    chain: ContractChain, entry: str, parts: list[str], where: str
) -> None:
    contract = chain.deploy(ALICE, SOURCE)
    done = chain.one(ALICE, "execute", contract=contract, entry=entry, args={"parts": parts})
    assert done.code == 0, done.log


def test_clean_output_passes_on_a_guarded_chain(guarded: ContractChain) -> None:
    contract = guarded.deploy(ALICE, SOURCE)
    done = guarded.one(
        ALICE, "execute", contract=contract, entry="remember", args={"parts": ["lô ", "A-17"]}
    )
    assert done.code == 0, done.log
    assert guarded.state(state_key(contract, b"note\x00last")) == '"lô A-17"'.encode()
