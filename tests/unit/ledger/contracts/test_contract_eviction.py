"""A contract whose instance the block dropped while it ran (it called 8 others, so its
own became the least recently used of ``MAX_LIVE_INSTANCES``) and that then runs out of gas
or traps gets a result like any other, not an exception out of ``finalize_block`` (third
attacker review, finding 1: it halted the chain, and was a 500 from the REST query).
"""

from __future__ import annotations

from contract_chain import ContractChain, key

from sen.ledger.codes import ResultCode

ALICE = key(1)

LEAF = b"""
import sen_contract as sen


@sen.execute
def ping():
    return 1
"""

HUB = b"""
import sen_contract as sen


@sen.execute
def fan_out_then_spin(leaves):
    for leaf in leaves:
        sen.call(leaf, "ping")
    while True:  # out of gas, with this instance already evicted
        pass
"""


def test_out_of_gas_after_nine_instances_is_a_result_not_a_crash(chain: ContractChain) -> None:
    leaves = [chain.deploy(ALICE, LEAF) for _ in range(8)]
    hub = chain.deploy(ALICE, HUB)
    results = chain.block([
        chain.tx(ALICE, "execute", {
            "contract": hub, "entry": "fan_out_then_spin",
            "args": {"leaves": [leaf.hex() for leaf in leaves]}, "gas": 60_000_000,
        })
    ])  # fmt: skip
    assert results[0].code == ResultCode.OUT_OF_GAS, results[0].log


# The same through the REST API: a query that asks 8 other contracts and then runs out of
# gas is a 500 (KeyError) instead of a 422 OUT_OF_GAS. Any client can send it.


from starlette.testclient import TestClient  # noqa: E402

from sen.api.app import create_app  # noqa: E402
from sen.api.inprocess import in_process_client  # noqa: E402
from sen.ledger.crypto import Ed25519Suite  # noqa: E402
from sen.node.node import Node  # noqa: E402
from sen.sdk.contracts import Contracts  # noqa: E402

QUERY_LEAF = b"""
import sen_contract as sen


@sen.query
def ping():
    return 1
"""

QUERY_HUB = b"""
import sen_contract as sen


@sen.query
def fan_out_then_spin(leaves: list):
    for leaf in leaves:
        sen.ask(leaf, "ping")
    while True:
        pass
"""


def test_a_query_that_runs_out_of_gas_after_nine_instances_is_not_a_500(
    contract_node: Node,
) -> None:
    contracts = Contracts(in_process_client(contract_node))
    signer = Ed25519Suite().load_private(bytes([9]) * 32)
    leaf_code = contracts.upload(signer, QUERY_LEAF)
    leaves = [contracts.instantiate(signer, leaf_code) for _ in range(8)]
    hub = contracts.instantiate(signer, contracts.upload(signer, QUERY_HUB))
    client = TestClient(create_app(contract_node), raise_server_exceptions=False)
    response = client.post(
        f"/v1/contracts/instances/{hub}/query",
        json={"entry": "fan_out_then_spin", "args": {"leaves": leaves}, "gas": 60_000_000},
    )
    assert response.status_code == 422, (response.status_code, response.text[:300])
