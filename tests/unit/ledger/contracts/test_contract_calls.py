"""A contract calling another: writes kept only when the callee succeeds, the caller pays the
gas, no re-entrancy, a bounded depth, queries that can only ask."""

from __future__ import annotations

import json

from contract_chain import TOKEN, ContractChain, address, key

from sen.ledger.codes import ResultCode
from sen.ledger.modules.contracts import state_key

ALICE = key(1)

# A shop that takes payment in the token: it calls the token's transfer as itself (the
# token sees the shop as sender? no: sen.env().sender is the transaction's signer, and
# caller is the shop), and records the order only if the payment went through.
SHOP = b"""
import sen_contract as sen

orders = sen.Map("order")
config = sen.Item("config")


@sen.instantiate
def init(token):
    config.set({"token": token})


@sen.execute
def buy(item, price, catch=False):
    token = config.get()["token"]
    try:
        paid = sen.call(token, "transfer", to="shop", amount=price)
    except sen.CallFailed as failure:
        if not catch:
            raise
        orders[item] = {"paid": False, "why": str(failure)[:60]}
        return "unpaid"
    orders[item] = {"paid": True, "left": paid["balance"]}
    sen.emit("bought", item=item)
    return "paid"


@sen.query
def ask_balance(of):
    return sen.ask(config.get()["token"], "balance", of=of)


@sen.query
def sneaky(of):
    return sen.call(config.get()["token"], "transfer", to=of, amount=1)


@sen.execute
def loop_back(target):
    return sen.call(target, "loop_back", target=sen.env().contract)


@sen.execute
def chain(targets):
    if not targets:
        return sen.env().caller
    return sen.call(targets[0], "chain", targets=targets[1:])
"""


def deploy_pair(chain: ContractChain) -> tuple[bytes, bytes]:
    token = chain.deploy(ALICE, TOKEN, supply=100)
    shop = chain.deploy(ALICE, SHOP, token=token.hex())
    return token, shop


def test_a_call_moves_tokens_and_both_events_are_recorded(chain: ContractChain) -> None:
    token, shop = deploy_pair(chain)
    bought = chain.one(
        ALICE, "execute", contract=shop, entry="buy", args={"item": "tra", "price": 30}
    )
    assert bought.code == 0, bought.log
    alice = address(ALICE).hex().encode()
    assert chain.state(state_key(token, b"balances\x00" + alice)) == b"70"
    assert chain.state(state_key(token, b"balances\x00shop")) == b"30"
    emitted = [
        dict((a.key, a.value) for a in e.attributes)
        for e in bought.events
        if e.type == "contract.event"
    ]
    assert [(e["contract"], e["kind"]) for e in emitted] == [
        (token.hex(), "transfer"),
        (shop.hex(), "bought"),
    ]


def test_a_failed_callee_writes_nothing_and_fails_the_caller_unless_caught(
    chain: ContractChain,
) -> None:
    token, shop = deploy_pair(chain)
    failed = chain.one(
        ALICE, "execute", contract=shop, entry="buy", args={"item": "tra", "price": 500}
    )
    assert failed.code == ResultCode.CONTRACT_FAILED and "insufficient balance" in failed.log
    assert chain.state(state_key(shop, b"order\x00tra")) is None
    caught = chain.one(
        ALICE,
        "execute",
        contract=shop,
        entry="buy",
        args={"item": "tra", "price": 500, "catch": True},
    )
    assert caught.code == 0 and json.loads(caught.data) == "unpaid"
    assert chain.state(state_key(token, b"balances\x00shop")) is None  # the transfer wrote nothing


def test_the_caller_pays_the_callees_gas(chain: ContractChain) -> None:
    token, shop = deploy_pair(chain)
    direct = chain.one(
        ALICE, "execute", contract=token, entry="transfer", args={"to": "shop", "amount": 1}
    )
    through = chain.one(
        ALICE, "execute", contract=shop, entry="buy", args={"item": "a", "price": 1}
    )
    assert through.gas_used > direct.gas_used
    starved = chain.one(
        ALICE, "execute", contract=shop, entry="buy", args={"item": "b", "price": 1}, gas=1_200_000
    )
    assert starved.code in (ResultCode.OUT_OF_GAS, ResultCode.CONTRACT_FAILED)
    assert chain.state(state_key(shop, b"order\x00b")) is None


def test_queries_ask_but_cannot_call(chain: ContractChain) -> None:
    _, shop = deploy_pair(chain)
    from sen.ledger.modules.contracts import query_contract
    from sen.ledger.types import BlockInfo
    from sen.vm import CallStatus

    alice = address(ALICE).hex()
    with chain.db.read() as txn:
        reader = chain.app.store.reader(txn)
        block = BlockInfo(chain.app.height, 0, 0, b"")
        asked = query_contract(
            reader,
            "contracts-test",
            block,
            shop,
            "ask_balance",
            json.dumps({"of": alice}),
            20_000_000,
        )
        sneaky = query_contract(
            reader, "contracts-test", block, shop, "sneaky", json.dumps({"of": alice}), 20_000_000
        )
    assert asked.status is CallStatus.OK and json.loads(asked.answer) == 100
    assert (
        sneaky.status is CallStatus.FAILED
        and "a query may call only query entries" in sneaky.message
    )


def test_no_reentrancy_and_bounded_depth(chain: ContractChain) -> None:
    shops = [chain.deploy(ALICE, SHOP, token="00" * 20) for _ in range(5)]
    looped = chain.one(
        ALICE, "execute", contract=shops[0], entry="loop_back", args={"target": shops[1].hex()}
    )
    assert looped.code == ResultCode.CONTRACT_FAILED and "re-entrancy refused" in looped.log
    three = chain.one(
        ALICE,
        "execute",
        contract=shops[0],
        entry="chain",
        args={"targets": [s.hex() for s in shops[1:4]]},
    )
    assert three.code == 0, three.log
    assert json.loads(three.data) == shops[2].hex()  # the innermost saw its caller
    four = chain.one(
        ALICE,
        "execute",
        contract=shops[0],
        entry="chain",
        args={"targets": [s.hex() for s in shops[1:5]]},
    )
    assert four.code == ResultCode.CONTRACT_FAILED and "call depth" in four.log
