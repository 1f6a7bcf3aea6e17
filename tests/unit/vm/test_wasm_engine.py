"""The runtime answers calls deterministically: results, writes, events and fuel."""

from __future__ import annotations

import json

from sen.vm import CallStatus, Runtime
from sen.vm.local import DictReads

TOKEN = b"""
import sen_contract as sen

balances = sen.Map("balances")


@sen.instantiate
def init(supply):
    balances[sen.env().sender] = supply


@sen.execute
def transfer(to, amount):
    sender = sen.env().sender
    have = balances.get(sender, 0)
    sen.require(0 < amount <= have, "insufficient balance")
    balances[sender] = have - amount
    balances[to] = balances.get(to, 0) + amount
    sen.emit("transfer", to=to, amount=amount)
    return {"balance": have - amount}


@sen.query
def balance(of):
    return balances.get(of, 0)
"""


Reads = DictReads  # a contract's keys in a dict: what the tests' calls read


ENV = json.dumps(
    {
        "chain_id": "t",
        "height": 1,
        "time": 5,
        "contract": "c1",
        "sender": "alice",
        "caller": "alice",
    }
)


def test_token_transfer(contract_runtime: Runtime) -> None:
    state: dict[bytes, bytes] = {}
    session = contract_runtime.session()
    made = session.call(
        b"c1", TOKEN, "instantiate", "", '{"supply": 100}', ENV, 10_000_000, Reads(state)
    )
    assert made.status is CallStatus.OK, made.message
    assert made.writes == ((b"balances\x00alice", b"100"),)
    for key, value in made.writes:
        assert value is not None
        state[key] = value
    sent = session.call(
        b"c1",
        TOKEN,
        "execute",
        "transfer",
        '{"to": "bob", "amount": 30}',
        ENV,
        10_000_000,
        Reads(state),
    )
    assert sent.status is CallStatus.OK, sent.message
    assert json.loads(sent.answer) == {"balance": 70}
    assert dict(sent.writes) == {b"balances\x00alice": b"70", b"balances\x00bob": b"30"}
    assert sent.events == (("transfer", (("amount", "30"), ("to", "bob"))),)
    refused = session.call(
        b"c1",
        TOKEN,
        "execute",
        "transfer",
        '{"to": "bob", "amount": 1000}',
        ENV,
        10_000_000,
        Reads(state),
    )
    assert refused.status is CallStatus.REFUSED and refused.writes == ()
    assert "insufficient balance" in refused.message
    print(made.fuel_used, sent.fuel_used, refused.fuel_used)
