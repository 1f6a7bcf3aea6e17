"""``add_full_node`` and the state-sync trust taken from running nodes (fake RPC servers)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from network_support import FakeRpc

from sen.network import (
    NetworkManifest,
    NetworkPlan,
    Role,
    add_full_node,
    init_network,
    load_manifest,
    trust_from_network,
)
from sen.network.errors import DirectoryInUse, InvalidPlan, NoRunningNode
from sen.network.ports import find_free_base


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


@pytest.fixture
def manifest(tmp_path: Path, cometbft_binary: Path) -> NetworkManifest:
    plan = NetworkPlan(tmp_path / "net", validators=2, base_port=find_free_base(3, start=26000))
    return init_network(plan, cometbft_binary)


@pytest.fixture
def running(manifest: NetworkManifest) -> Iterator[list[FakeRpc]]:
    servers = [FakeRpc(node.ports.rpc, height=40 + i) for i, node in enumerate(manifest.nodes)]
    yield servers
    for server in servers:
        server.close()


def test_full_node_without_state_sync(manifest: NetworkManifest, cometbft_binary: Path) -> None:
    updated = add_full_node(manifest, "observer", cometbft_binary)
    node = updated.node("observer")
    assert node.role is Role.full
    assert load_manifest(manifest.directory).names() == ["node0", "node1", "observer"]
    shared = manifest.genesis_path.read_bytes()
    assert (node.home / "config" / "genesis.json").read_bytes() == shared
    config = _toml(node.home / "config" / "config.toml")
    assert config["p2p"]["persistent_peers"].split(",") == [n.peer_address for n in manifest.nodes]
    assert config["statesync"]["enable"] is False
    taken = {p for n in manifest.nodes for p in n.ports.all()}
    assert not taken.intersection(node.ports.all())
    assert _toml(node.home / "config" / "sen.toml")["api"]["port"] == node.ports.api


def test_state_sync_trusts_a_block_below_the_tip_of_a_running_node(
    manifest: NetworkManifest, running: list[FakeRpc], cometbft_binary: Path
) -> None:
    trust = trust_from_network(manifest)
    assert trust.trust_height == 41 - 2  # node1 is at 41, the highest
    assert trust.trust_hash == FakeRpc.block_hash(39)
    assert set(trust.rpc_servers) == {n.rpc_url for n in manifest.nodes}
    updated = add_full_node(manifest, "joiner", cometbft_binary, state_sync=trust)
    statesync = _toml(updated.node("joiner").home / "config" / "config.toml")["statesync"]
    assert statesync["enable"] is True
    assert statesync["rpc_servers"] == ",".join(trust.rpc_servers)
    assert statesync["trust_height"] == 39
    assert statesync["trust_hash"] == FakeRpc.block_hash(39)
    assert statesync["trust_period"] == "168h0m0s"


def test_one_running_node_serves_as_both_rpc_servers(manifest: NetworkManifest) -> None:
    server = FakeRpc(manifest.nodes[0].ports.rpc, height=10)
    try:
        trust = trust_from_network(manifest)
    finally:
        server.close()
    assert trust.rpc_servers == (manifest.nodes[0].rpc_url, manifest.nodes[0].rpc_url)


def test_state_sync_needs_a_running_node(manifest: NetworkManifest) -> None:
    with pytest.raises(NoRunningNode, match="none answered; start it with: sen network up"):
        trust_from_network(manifest)


def test_catching_up_nodes_are_not_trusted(manifest: NetworkManifest) -> None:
    server = FakeRpc(manifest.nodes[0].ports.rpc, height=10, catching_up=True)
    try:
        with pytest.raises(NoRunningNode):
            trust_from_network(manifest)
    finally:
        server.close()


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [
        ("node0", InvalidPlan, "already has a node named 'node0'"),
        ("Bad Name", InvalidPlan, "^--name: expected 1-32 of a-z"),
        ("", InvalidPlan, "^--name"),
    ],
)
def test_bad_names_are_refused(
    manifest: NetworkManifest,
    cometbft_binary: Path,
    name: str,
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        add_full_node(manifest, name, cometbft_binary)
    assert load_manifest(manifest.directory).names() == ["node0", "node1"]


def test_an_existing_directory_is_not_reused(
    manifest: NetworkManifest, cometbft_binary: Path
) -> None:
    (manifest.directory / "spare").mkdir()
    with pytest.raises(DirectoryInUse, match="spare already exists"):
        add_full_node(manifest, "spare", cometbft_binary)
