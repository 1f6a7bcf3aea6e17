"""Starting nodes around leftovers: a stale ABCI socket is cleared, a live one is not touched."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sen.network import Network, NetworkManifest, NetworkPlan, init_network
from sen.network.errors import StartFailed
from sen.network.ports import find_free_base


@pytest.fixture
def manifest(tmp_path: Path, cometbft_binary: Path) -> NetworkManifest:
    plan = NetworkPlan(tmp_path / "net", validators=1, base_port=find_free_base(1, start=28000))
    made = init_network(plan, cometbft_binary)
    (made.nodes[0].home / "config" / "genesis.json").write_text("{broken")  # Sen exits at once
    return made


def _socket_path(manifest: NetworkManifest) -> Path:
    path = manifest.nodes[0].abci_socket
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_a_stale_socket_of_a_killed_application_is_removed(manifest: NetworkManifest) -> None:
    path = _socket_path(manifest)
    with socket.socket(socket.AF_UNIX) as stale:
        stale.bind(str(path))  # closed without unlinking, like a SIGKILLed server
    network = Network(manifest)
    try:
        with pytest.raises(StartFailed, match="exited before serving ABCI"):
            network.start_node("node0", timeout=60)
    finally:
        network.down(kill=True)
    assert not path.exists()


def test_a_live_socket_served_by_someone_else_is_left_alone(manifest: NetworkManifest) -> None:
    path = _socket_path(manifest)
    with socket.socket(socket.AF_UNIX) as live:
        live.bind(str(path))
        live.listen()
        network = Network(manifest)
        with pytest.raises(StartFailed, match="started outside `sen network` already serves ABCI"):
            network.start_node("node0", timeout=60)
        assert path.exists()
        assert network.app_service("node0").pid() is None
