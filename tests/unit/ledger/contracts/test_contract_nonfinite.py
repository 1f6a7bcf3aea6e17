"""A contract cannot answer ``NaN`` or ``Infinity``: they are not JSON, so a transaction's
data would not be canonical JSON and the REST query would show ``null`` (third attacker
review, finding 5). The runtime encodes with ``allow_nan=False`` and the host's
``bounded_json`` refuses the constants.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from contract_chain import ContractChain, key
from starlette.testclient import TestClient

from sen.api.app import create_app
from sen.api.inprocess import in_process_client
from sen.ledger.crypto import Ed25519Suite
from sen.node.node import Node, init_home
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


def _strict(data: bytes) -> object:
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(data, parse_constant=refuse)


def test_an_execute_answer_committed_on_chain_is_json(chain: ContractChain) -> None:
    contract = chain.deploy(key(1), SOURCE)
    done = chain.one(key(1), "execute", contract=contract, entry="ratio", args={})
    if done.code != 0:  # refused as a bad answer: what a fix would do
        return
    _strict(done.data)  # raises: b'[NaN,-Infinity]'


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    config = init_home(tmp_path / "home", block_interval=0.05, contracts=True)
    opened = Node.open(dataclasses.replace(config, sync=False))
    opened.start()
    yield opened
    opened.close()


def test_the_rest_query_does_not_report_null_for_infinity(node: Node) -> None:
    contracts = Contracts(in_process_client(node))
    signer = Ed25519Suite().load_private(bytes([7]) * 32)
    address = contracts.instantiate(signer, contracts.upload(signer, SOURCE))
    client = TestClient(create_app(node), raise_server_exceptions=False)
    response = client.post(f"/v1/contracts/instances/{address}/query", json={"entry": "huge"})
    assert response.status_code < 500, response.text[:300]
    if response.status_code == 200:  # a 4xx naming the bad answer would be right
        assert response.json()["answer"] is not None, "the contract answered inf; API says null"
