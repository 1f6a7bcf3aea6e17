"""A -> B -> C: C succeeds, then B fails and A catches it. Nothing of B's subtree is kept:
neither C's writes nor C's events (third attacker review, finding 2: the host applied C's
writes to the transaction at once). Each nested call writes into an overlay of its own,
merged into its caller's only when it succeeds.
"""

from __future__ import annotations

import json

from contract_chain import ContractChain, key

from sen.ledger.modules.contracts import state_key

ALICE = key(1)

NODE = b"""
import sen_contract as sen

marks = sen.Map("mark")


@sen.execute
def put(k):
    marks[k] = 1
    sen.emit("put", k=k)
    return "stored"


@sen.execute
def relay(target, k):
    sen.call(target, "put", k=k)          # succeeds: the host applies C's write now
    sen.fail("B changes its mind")        # B fails: everything B did must be undone


@sen.execute
def outer(middle, target, k):
    try:
        sen.call(middle, "relay", target=target, k=k)
    except sen.CallFailed:
        return "caught"
    return "not caught"
"""


def test_writes_of_a_call_made_by_a_failed_call_are_dropped(chain: ContractChain) -> None:
    a = chain.deploy(ALICE, NODE)
    b = chain.deploy(ALICE, NODE)
    c = chain.deploy(ALICE, NODE)
    done = chain.one(
        ALICE,
        "execute",
        contract=a,
        entry="outer",
        args={"middle": b.hex(), "target": c.hex(), "k": "x"},
        gas=50_000_000,
    )
    assert done.code == 0, done.log
    assert json.loads(done.data) == "caught"  # B failed
    kinds = [dict((a.key, a.value) for a in e.attributes).get("kind") for e in done.events]
    # B failed, so nothing B caused should survive: neither C's write nor C's event
    assert chain.state(state_key(c, b"mark\x00x")) is None, "C's write survived B's failure"
    assert "put" not in kinds, "C's event survived B's failure"
