"""``init_network`` with the real ``cometbft init``: the files every node gets, and refusals."""

from __future__ import annotations

import base64
import json
import socket
import tomllib
from pathlib import Path
from typing import Any

import pytest

from sen.light.genesis import load_genesis
from sen.network import AbciTransport, NetworkPlan, Role, init_network, load_manifest
from sen.network.errors import DirectoryInUse, InvalidPlan, PortsUnavailable
from sen.network.ports import find_free_base, plan_ports


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory, cometbft_binary: Path) -> NetworkPlan:
    plan = NetworkPlan(
        directory=tmp_path_factory.mktemp("net") / "four",
        validators=4,
        chain_id="sen-test-net",
        base_port=find_free_base(4, start=22000),
        block_interval=0.25,
        snapshot_interval=50,
    )
    init_network(plan, cometbft_binary)
    return plan


def test_every_node_gets_the_same_genesis_bytes(network: NetworkPlan) -> None:
    shared = (network.directory / "genesis.json").read_bytes()
    for i in range(4):
        assert (network.directory / f"node{i}" / "config" / "genesis.json").read_bytes() == shared


def test_genesis_lists_every_validator_key_with_power_10(network: NetworkPlan) -> None:
    genesis = load_genesis((network.directory / "genesis.json").read_bytes())
    assert genesis.chain_id == "sen-test-net"
    assert genesis.params.chain_id == "sen-test-net"
    keys = []
    for i in range(4):
        key_file = network.directory / f"node{i}" / "config" / "priv_validator_key.json"
        keys.append(base64.b64decode(json.loads(key_file.read_text())["pub_key"]["value"]))
    assert [v.pub_key for v in genesis.validators] == keys
    assert [v.power for v in genesis.validators] == [10, 10, 10, 10]
    assert [v.name for v in genesis.validators] == [f"validator-{i}" for i in range(4)]


def test_cometbft_config_of_each_node(network: NetworkPlan) -> None:
    manifest = load_manifest(network.directory)
    for i, node in enumerate(manifest.nodes):
        config = _toml(node.home / "config" / "config.toml")
        ports = plan_ports(network.base_port, i)
        assert config["moniker"] == f"node{i}"
        assert config["proxy_app"] == f"unix://{node.home}/data/abci.sock"
        assert config["log_level"] == "info"
        assert config["log_format"] == "plain"
        assert config["rpc"]["laddr"] == f"tcp://127.0.0.1:{ports.rpc}"
        assert config["rpc"]["pprof_laddr"] == ""
        assert config["rpc"]["max_body_bytes"] >= 100_000_000
        assert config["rpc"]["max_open_connections"] > 900
        assert config["p2p"]["laddr"] == f"tcp://127.0.0.1:{ports.p2p}"
        assert config["p2p"]["addr_book_strict"] is False
        assert config["p2p"]["allow_duplicate_ip"] is True
        peers = config["p2p"]["persistent_peers"].split(",")
        others = [n for n in manifest.nodes if n is not node]
        assert peers == [f"{n.node_id}@127.0.0.1:{n.ports.p2p}" for n in others]
        assert config["consensus"]["timeout_commit"] == "250ms"
        assert config["consensus"]["create_empty_blocks"] is False
        assert config["mempool"]["size"] == 50_000
        assert config["mempool"]["cache_size"] == 100_000
        assert config["mempool"]["max_txs_bytes"] == 1 << 30
        genesis = load_genesis((node.home / "config" / "genesis.json").read_bytes())
        assert config["mempool"]["max_tx_bytes"] == genesis.params.max_tx_bytes
        assert config["tx_index"]["indexer"] == "null"
        assert config["statesync"]["enable"] is False


def test_sen_settings_of_each_node(network: NetworkPlan) -> None:
    manifest = load_manifest(network.directory)
    for node in manifest.nodes:
        settings = _toml(node.home / "config" / "sen.toml")
        assert settings["api"] == {"host": "127.0.0.1", "port": node.ports.api}
        assert settings["consensus"] == {
            "engine": "cometbft",
            "abci_listen": "unix://data/abci.sock",
            "cometbft_rpc": f"http://127.0.0.1:{node.ports.rpc}",
        }
        assert settings["snapshots"] == {"interval": 50, "keep": 2}
        assert settings["storage"] == {"sync": True}


def test_ports_are_distinct_across_nodes(network: NetworkPlan) -> None:
    manifest = load_manifest(network.directory)
    ports = [p for node in manifest.nodes for p in node.ports.all()]
    assert len(ports) == len(set(ports)) == 16


def test_manifest_describes_the_nodes(network: NetworkPlan) -> None:
    manifest = load_manifest(network.directory)
    assert manifest.chain_id == "sen-test-net"
    assert manifest.block_interval == 0.25
    assert manifest.snapshot_interval == 50
    assert manifest.names() == ["node0", "node1", "node2", "node3"]
    assert {node.role for node in manifest.nodes} == {Role.validator}
    for node in manifest.nodes:
        assert node.home == network.directory.resolve() / node.name
        node_key = (node.home / "config" / "node_key.json").exists()
        assert node_key and len(node.node_id) == 40
        assert (node.home / "logs").is_dir() and (node.home / "run").is_dir()


def test_an_existing_network_is_kept_without_overwrite(
    network: NetworkPlan, cometbft_binary: Path
) -> None:
    before = (network.directory / "genesis.json").read_bytes()
    with pytest.raises(DirectoryInUse, match="already holds a network; use --overwrite"):
        init_network(network, cometbft_binary)
    assert (network.directory / "genesis.json").read_bytes() == before


def test_overwrite_replaces_the_network(tmp_path: Path, cometbft_binary: Path) -> None:
    plan = NetworkPlan(tmp_path / "net", validators=2, base_port=find_free_base(3, start=23000))
    first = init_network(plan, cometbft_binary)
    (first.nodes[0].home / "data" / "marker").write_text("old chain")
    second = init_network(
        NetworkPlan(plan.directory, validators=3, base_port=plan.base_port, overwrite=True),
        cometbft_binary,
    )
    assert second.names() == ["node0", "node1", "node2"]
    assert not (second.nodes[0].home / "data" / "marker").exists()
    assert second.nodes[0].node_id != first.nodes[0].node_id


def test_a_directory_that_is_not_a_network_is_never_deleted(
    tmp_path: Path, cometbft_binary: Path
) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    plan = NetworkPlan(tmp_path, 1, base_port=find_free_base(1, start=24000), overwrite=True)
    with pytest.raises(DirectoryInUse, match=r"holds no network\.toml"):
        init_network(plan, cometbft_binary)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    ("change", "option"),
    [
        ({"validators": 0}, "--validators"),
        ({"validators": 65}, "--validators"),
        ({"chain_id": ""}, "--chain-id"),
        ({"chain_id": "x" * 51}, "--chain-id"),
        ({"block_interval": 0.0}, "--block-interval"),
        ({"snapshot_interval": -1}, "--snapshot-interval"),
    ],
)
def test_bad_options_are_named_and_nothing_is_written(
    tmp_path: Path, cometbft_binary: Path, change: dict[str, Any], option: str
) -> None:
    plan = NetworkPlan(**{"directory": tmp_path / "net", "validators": 2, **change})
    with pytest.raises(InvalidPlan, match=f"^{option}: "):
        init_network(plan, cometbft_binary)
    assert not (tmp_path / "net").exists()


def test_a_socket_path_too_long_for_unix_sockets_is_refused(
    tmp_path: Path, cometbft_binary: Path
) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 40)
    plan = NetworkPlan(deep, validators=1, base_port=find_free_base(1, start=24500))
    with pytest.raises(InvalidPlan, match=r"longer than 107 bytes.*--abci tcp"):
        init_network(plan, cometbft_binary)


def test_tcp_abci_uses_a_loopback_port(tmp_path: Path, cometbft_binary: Path) -> None:
    base = find_free_base(1, start=24600)
    deep = tmp_path / ("d" * 60) / ("e" * 40)
    manifest = init_network(
        NetworkPlan(deep, validators=1, base_port=base, abci=AbciTransport.tcp), cometbft_binary
    )
    node = manifest.nodes[0]
    assert node.abci_listen == f"tcp://127.0.0.1:{base + 3}"
    assert _toml(node.home / "config" / "config.toml")["proxy_app"] == node.abci_listen
    assert _toml(node.home / "config" / "sen.toml")["consensus"]["abci_listen"] == node.abci_listen


def test_ports_in_use_are_refused_before_anything_is_written(
    tmp_path: Path, cometbft_binary: Path
) -> None:
    base = find_free_base(2, start=24700)
    with socket.socket() as held:
        # as the free-port probe does: a port an earlier test closed may be in TIME_WAIT,
        # which a listener may reuse (a plain bind failed on it once in CI)
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.bind(("127.0.0.1", base + 11))
        held.listen()
        with pytest.raises(PortsUnavailable, match=f"in use on 127.0.0.1: {base + 11}"):
            init_network(NetworkPlan(tmp_path / "net", 2, base_port=base), cometbft_binary)
    assert not (tmp_path / "net" / "node0").exists()
