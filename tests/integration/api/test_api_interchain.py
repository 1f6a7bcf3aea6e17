"""Light clients over REST: a client and its consensus states, each with a state proof.

The counterparty's headers are made and signed as in the module's unit tests
(``tests/unit/ledger/interchain/counterparty.py``); the node under test is an
open chain, so anyone may create a client on it.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import BLOCK_INTERVAL, assert_problem
from fastapi.testclient import TestClient

from sen.api import create_app
from sen.api.inprocess import in_process_client
from sen.ledger.crypto import get_suite
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.light.types import Header
from sen.node.node import Node, init_home

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "ledger" / "interchain"))
from counterparty import CHAIN_ID, signed_header, validator_key, validator_set

V = [validator_key(n) for n in range(4)]


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    config = init_home(tmp_path / "node", block_interval=BLOCK_INTERVAL)
    running = Node.open(dataclasses.replace(config, sync=False))
    running.start()
    yield running
    running.close()


def test_a_client_and_its_consensus_states_with_proofs(node: Node) -> None:
    key = get_suite("ed25519").generate()
    sdk = in_process_client(node)
    start = int(time.time()) - 600
    created = sdk.send(
        key, "interchain", "create_client", {**signed_header(5, start, V), "trusting_period": 3600}
    )
    assert created.result is not None and created.result.ok
    client_id = bytes.fromhex(created.result.data).decode()
    sdk.send(
        key,
        "interchain",
        "update_client",
        {"client_id": client_id, **signed_header(6, start + 5, V), "trusted_height": 5},
    )
    api = TestClient(create_app(node))

    shown = api.get(f"/v1/interchain/clients/{client_id}")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert (body["chain_id"], body["latest_height"], body["frozen_height"]) == (CHAIN_ID, 6, 0)
    assert body["trust_level"] == "1/3"
    assert (
        body["latest"]["root"]
        == Header.from_json(signed_header(6, start + 5, V)["header"]).app_hash.hex()
    )
    assert body["latest"]["next_validators_hash"] == validator_set(V).hash().hex()
    raw = node.app.store.get(bytes.fromhex(body["key"]))
    _verify(body, raw)

    state = api.get(f"/v1/interchain/clients/{client_id}/consensus/5")
    assert state.status_code == 200, state.text
    _verify(state.json(), node.app.store.get(bytes.fromhex(state.json()["key"])))
    assert state.json()["consensus"]["height"] == 5 and state.json()["client_id"] == client_id

    missing = api.get(f"/v1/interchain/clients/{client_id}/consensus/7")
    assert_problem(missing, 404, "consensus_height")
    assert_problem(api.get("/v1/interchain/clients/sen-client-9"), 404, "client_id")
    assert_problem(api.get("/v1/interchain/clients/client-0"), 400, "client_id")


def _verify(body: dict[str, object], raw: bytes | None) -> None:
    assert raw is not None
    proof = body["proof"]
    assert isinstance(proof, dict)
    verify_state_proof(
        bytes.fromhex(str(body["app_hash"])),
        bytes.fromhex(str(body["key"])),
        raw,
        [bytes.fromhex(s) for s in proof["siblings"]],
        bytes.fromhex(proof["leaf_path"]) if proof["leaf_path"] else None,
        bytes.fromhex(proof["leaf_value_hash"]) if proof["leaf_value_hash"] else None,
    )


def test_records_and_client_lists_answer_with_the_field_at_fault(node: Node) -> None:
    api = TestClient(create_app(node))
    assert_problem(api.get("/v1/interchain/records/LOT-2026-1"), 404, "record_id")
    assert_problem(api.get("/v1/interchain/records/-bad-"), 400, "record_id")
    listed = api.get("/v1/interchain/clients")
    assert listed.status_code == 200 and listed.json() == {"clients": [], "next_after": None}
    assert_problem(api.get("/v1/interchain/clients?after=x"), 400, "after")
