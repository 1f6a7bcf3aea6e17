"""Python and Rust contracts on four CometBFT validators: the same results and app hashes on
every node, also for a node whose application was killed while contract blocks were being made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from four_validator_support import wait_until

from sen.ledger.crypto import Ed25519Suite, SigningKey, address_of
from sen.ledger.tx import sign_tx
from sen.network.network import Network
from sen.sdk.client import Client
from sen.sdk.contracts import Contracts

pytestmark = pytest.mark.slow

REGISTRY = (
    Path(__file__).parents[3] / "contracts" / "examples" / "registry" / "contract.py"
).read_bytes()


def _key(n: int) -> SigningKey:
    return Ed25519Suite().load_private(bytes([n]) * 32)


def _height(net: Network, name: str) -> int:
    with Client.http(net.manifest.node(name).api_url) as client:
        return int(client.status()["height"])


def _app_hash(net: Network, name: str, height: int) -> str:
    with Client.http(net.manifest.node(name).api_url) as client:
        return str(client.get(f"/v1/blocks/{height + 1}")["header"]["app_hash"])


def test_contract_calls_agree_on_four_validators_and_after_a_kill(
    running: Network, registry_component: bytes
) -> None:
    network = running
    minter = _key(40)
    holders = [_key(41 + i) for i in range(4)]
    addresses = [address_of(k.suite, k.public_key).hex() for k in holders]
    with Client.http(network.manifest.node("node0").api_url) as client:
        contracts = Contracts(client)
        both = []  # the Python registry and its Rust twin, called in turns
        for source in (REGISTRY, registry_component):
            code = contracts.upload(minter, source)
            both.append(contracts.instantiate(minter, code, {"name": "VCU"}, label="e2e"))
            for address in addresses:
                contracts.execute(
                    minter, both[-1], "mint", {"asset": "VCU", "to": address, "amount": 1000}
                )
        chain_id = str(client.status()["chain_id"])
        nonces = {i: 0 for i in range(len(holders))}
        txs = []
        for round_ in range(30):  # transfers around the ring, and some that are refused
            for i, signer in enumerate(holders):
                amount = 5000 if round_ % 10 == 9 else 1 + round_
                args = {"asset": "VCU", "to": addresses[(i + 1) % 4], "amount": amount}
                call = {
                    "contract": bytes.fromhex(both[round_ % 2]),
                    "entry": "transfer",
                    "args": args,
                    "gas": 5_000_000,
                }
                txs.append(
                    sign_tx(
                        signer,
                        chain_id=chain_id,
                        nonce=nonces[i],
                        module="contracts",
                        action="execute",
                        args=call,
                    )
                )
                nonces[i] += 1
        for start in range(0, 60, 20):
            client.submit_batch(txs[start : start + 20])
        network.stop_app("node2", kill=True)  # mid-stream: it replays these blocks on restart
        for start in range(60, len(txs), 20):
            client.submit_batch(txs[start : start + 20])
        results = [client.wait(tx.hash.hex(), timeout=120, check=False) for tx in txs]
    codes = {r.result.code for r in results if r.result is not None}
    assert codes == {0, 310}  # ok and CONTRACT_REFUSED (the 5000 transfers)
    network.stop_node("node2")
    network.start_node("node2")
    target = _height(network, "node0")
    wait_until(lambda: _height(network, "node2") >= target, 120, "node2 to catch up")
    first = min(r.height for r in results if r.height is not None) - 1
    for height in range(first, target):
        hashes = {_app_hash(network, name, height) for name in ("node0", "node1", "node2", "node3")}
        assert len(hashes) == 1, f"app hashes differ at height {height}: {hashes}"
    for contract in both:
        balances = []
        for name in ("node0", "node1", "node2", "node3"):
            with Client.http(network.manifest.node(name).api_url) as client:
                answers = [
                    Contracts(client).query(contract, "balance", {"asset": "VCU", "holder": a})
                    for a in addresses
                ]
                balances.append(json.dumps(answers))
        assert len(set(balances)) == 1 and sum(json.loads(balances[0])) == 4000
