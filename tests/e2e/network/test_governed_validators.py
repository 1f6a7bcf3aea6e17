"""Validators added and removed by governance on a real CometBFT network.

Three organisations (one admin each) govern a 4-validator network; a fifth
node, started as a full node, becomes a validator when the proposal passes
and starts signing blocks two heights later; removed again, it stops. A
receipt made after both changes still verifies from the genesis file alone
(it carries the signed validator-set changes).
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from four_validator_support import wait_until

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "ledger" / "governance"))
from consortium import issue, key, make_ca

from sen.ledger.crypto import SigningKey
from sen.ledger.light.types import Commit, Validator
from sen.light.genesis import load_genesis, make_genesis
from sen.light.receipt import verify_receipt
from sen.network.cometbft import find_cometbft
from sen.network.create import NetworkPlan, add_full_node, init_network, validator_public_key
from sen.network.network import Network
from sen.network.ports import PORT_STRIDE, ports_in_use
from sen.sdk.client import Client

pytestmark = pytest.mark.slow

ORGS = 3


def _free_base() -> int:
    for _ in range(200):
        base = random.randrange(20_000, 31_000, 10)
        wanted = [base + PORT_STRIDE * i + k for i in range(6) for k in range(4)]
        if not ports_in_use(wanted):
            return base
    raise RuntimeError("no free ports")


@pytest.fixture(scope="module")
def governed(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Network, list[SigningKey]]]:
    binary = find_cometbft()
    directory = tmp_path_factory.mktemp("gov-net")
    manifest = init_network(
        NetworkPlan(directory=directory, validators=4, base_port=_free_base(), block_interval=0.3),
        binary,
    )
    manifest = add_full_node(manifest, "node4", binary)
    # the consortium: three organisations, one admin each, written into every node's genesis
    cas = [make_ca(f"org-{i}", i) for i in range(ORGS)]
    admins = [key(100 + i) for i in range(ORGS)]
    members = [
        issue(ca_key, ca, admins[i], ["admin", "writer"], 1 + i)
        for i, (ca_key, ca) in enumerate(cas)
    ]
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM).decode()  # noqa: E731
    old = load_genesis(manifest.genesis_path.read_bytes())
    raw = make_genesis(
        chain_id=old.chain_id,
        genesis_time=old.genesis_time,
        validators=list(old.validators),
        params=old.params,
        membership={
            "permissioned": True,
            "organisations": [
                {"id": f"org-{i}", "name": f"Tổ chức {i}", "ca": pem(ca)}
                for i, (_, ca) in enumerate(cas)
            ],
            "members": [pem(m) for m in members],
        },
    )
    manifest.genesis_path.write_bytes(raw)
    for node in manifest.nodes:
        (node.home / "config" / "genesis.json").write_bytes(raw)
    net = Network(manifest)
    try:
        net.up()
        yield net, admins
    finally:
        net.down(kill=True)


def _rpc(net: Network, name: str, method: str, **params: str) -> dict:
    answer = httpx.get(
        f"{net.manifest.node(name).rpc_url}/{method}", params=params, timeout=10
    ).json()
    assert "error" not in answer, answer
    return answer["result"]


def _height(net: Network) -> int:
    return int(_rpc(net, "node0", "status")["sync_info"]["latest_block_height"])


def _signers(net: Network, height: int) -> set[str]:
    commit = Commit.from_json(
        _rpc(net, "node0", "commit", height=str(height))["signed_header"]["commit"]
    )
    return {s.validator_address.hex().upper() for s in commit.signatures if s.signature}


def _decide(client: Client, admins: list[SigningKey], power: int, pub_key: bytes) -> int:
    """Propose and pass a validator change; the height of the deciding vote."""
    info = client.send(
        admins[0],
        "governance",
        "propose",
        {"kind": "set_validator", "payload": {"pub_key": pub_key, "power": power}},
    )
    assert info.result is not None and info.result.code == 0, info
    proposal = int(info.result.data, 16)
    for admin in admins:
        vote = client.send(admin, "governance", "vote", {"proposal": proposal, "choice": "yes"})
        assert vote.result is not None and vote.result.code == 0, vote
        if bytes.fromhex(vote.result.data) == b"passed":
            assert vote.height is not None
            return vote.height
    raise AssertionError("the proposal did not pass")


def _keep_making_blocks(client: Client, signer: SigningKey, until: int, net: Network) -> None:
    n = 0
    while _height(net) < until:
        client.send(
            signer,
            "evidence",
            "anchor",
            {"digest": hashlib.sha256(f"tick {time.time()} {n}".encode()).digest()},
        )
        n += 1


def test_a_validator_added_by_governance_signs_and_a_removed_one_stops(
    governed: tuple[Network, list[SigningKey]],
) -> None:
    net, admins = governed
    newcomer_key = validator_public_key(net.manifest.node("node4").home)
    newcomer = Validator(newcomer_key, 10).address.hex().upper()
    with Client.http(net.manifest.node("node0").api_url) as client:
        wait_until(lambda: _height(net) >= 1, 60, "the first block")
        assert newcomer not in _signers(net, _height(net))
        added_at = _decide(client, admins, 10, newcomer_key)
        _keep_making_blocks(client, admins[1], added_at + 4, net)
        validators = _rpc(net, "node0", "validators", height=str(added_at + 2))["validators"]
        assert newcomer in {v["address"] for v in validators}
        wait_until(
            lambda: any(
                newcomer in _signers(net, h) for h in range(added_at + 2, _height(net) + 1)
            ),
            60,
            "the new validator to sign a block",
        )
        # a receipt made now verifies from genesis alone, through the signed change
        digest = hashlib.sha256("Bằng tốt nghiệp sau thay đổi".encode()).digest()
        anchored = client.anchor(admins[2], digest, timeout=60)
        receipt = client.receipt(anchored.digests[0].hex(), timeout=60)
        assert len(receipt.get("validator_history", [])) == 1
        genesis = load_genesis(net.manifest.genesis_path.read_bytes())
        assert verify_receipt(receipt, genesis).checks

        removed_at = _decide(client, admins, 0, newcomer_key)
        _keep_making_blocks(client, admins[1], removed_at + 5, net)
        after = _rpc(net, "node0", "validators", height=str(removed_at + 2))["validators"]
        assert newcomer not in {v["address"] for v in after}
        for height in range(removed_at + 2, _height(net)):
            assert newcomer not in _signers(net, height), f"still signing at {height}"
        digest = hashlib.sha256(b"after the removal").digest()
        anchored = client.anchor(admins[2], digest, timeout=60)
        receipt = client.receipt(anchored.digests[0].hex(), timeout=60)
        assert len(receipt.get("validator_history", [])) == 2
        assert verify_receipt(receipt, genesis).checks
