"""A contract cannot answer ``NaN`` or ``Infinity``: they are not JSON, so a transaction's
data would not be canonical JSON and the REST query would show ``null`` (third attacker
review, finding 5). The runtime encodes with ``allow_nan=False`` and the host's
``bounded_json`` refuses the constants.
"""

from __future__ import annotations

from contract_chain import ContractChain, key
from starlette.testclient import TestClient

from sen.api.app import create_app
from sen.api.inprocess import in_process_client
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import Ed25519Suite
from sen.node.node import Node
from sen.sdk.contracts import Contracts

SOURCE = b"""
import sen_contract as sen


@sen.query
def huge():
    return 1e308 * 10


@sen.execute
def ratio():
    return [float("inf") - float("inf"), -1e308 * 10]
"""


def test_an_execute_answer_committed_on_chain_is_json(chain: ContractChain) -> None:
    contract = chain.deploy(key(1), SOURCE)
    done = chain.one(key(1), "execute", contract=contract, entry="ratio", args={})
    assert done.code == ResultCode.CONTRACT_FAILED, done.log  # the runtime will not encode NaN
    assert "not JSON compliant" in done.log and done.data == b""


def test_the_rest_query_does_not_report_null_for_infinity(contract_node: Node) -> None:
    contracts = Contracts(in_process_client(contract_node))
    signer = Ed25519Suite().load_private(bytes([7]) * 32)
    address = contracts.instantiate(signer, contracts.upload(signer, SOURCE))
    client = TestClient(create_app(contract_node), raise_server_exceptions=False)
    response = client.post(f"/v1/contracts/instances/{address}/query", json={"entry": "huge"})
    assert response.status_code == 422, response.text[:300]
    assert "not JSON compliant" in response.text
