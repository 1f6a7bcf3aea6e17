"""A local network as one object: start, stop and inspect its nodes' processes.

Each node runs two processes from its home: the Sen application
(``sen --home H node run``, which serves ABCI on ``abci_listen`` and the REST
API) and CometBFT (``cometbft start --home H``), started in that order (CometBFT
connects to the application as it starts) and stopped in the reverse order.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from signal import SIGKILL, SIGTERM
from typing import Any

from sen.network.cometbft import find_cometbft
from sen.network.errors import RpcFailed, StartFailed
from sen.network.manifest import NetworkManifest, NetworkNode, load_manifest
from sen.network.processes import STOP_TIMEOUT, Service
from sen.network.rpc import ChainStatus, api_healthy, app_height, chain_status, peer_count

START_TIMEOUT = 60.0
POLL_INTERVAL = 0.1


@dataclass(frozen=True, slots=True)
class NodeStatus:
    name: str
    role: str
    rpc_url: str
    api_url: str
    sen_pid: int | None
    cometbft_pid: int | None
    height: int | None = None
    catching_up: bool | None = None
    peers: int | None = None
    voting_power: int | None = None
    app_height: int | None = None
    api_healthy: bool | None = None

    @property
    def state(self) -> str:
        """``running``, ``not running``, or which one process runs alone."""
        if self.sen_pid is not None and self.cometbft_pid is not None:
            return "running"
        if self.sen_pid is not None:
            return "sen only"
        if self.cometbft_pid is not None:
            return "cometbft only"
        return "not running"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "state": self.state,
            "sen_pid": self.sen_pid,
            "cometbft_pid": self.cometbft_pid,
            "height": self.height,
            "catching_up": self.catching_up,
            "peers": self.peers,
            "voting_power": self.voting_power,
            "app_height": self.app_height,
            "api_healthy": self.api_healthy,
            "rpc_url": self.rpc_url,
            "api_url": self.api_url,
        }


class Network:
    """The nodes listed in ``network.toml`` and their processes."""

    def __init__(self, manifest: NetworkManifest, *, cometbft: str | None = None) -> None:
        self.manifest = manifest
        self._cometbft_setting = cometbft
        self._cometbft: Path | None = None

    @classmethod
    def load(cls, directory: Path, *, cometbft: str | None = None) -> Network:
        return cls(load_manifest(directory), cometbft=cometbft)

    @property
    def cometbft(self) -> Path:
        """The CometBFT binary (looked for on first use: status and down do not need it)."""
        if self._cometbft is None:
            self._cometbft = find_cometbft(self._cometbft_setting)
        return self._cometbft

    def app_service(self, name: str) -> Service:
        return Service("sen", self.manifest.node(name).home)

    def cometbft_service(self, name: str) -> Service:
        return Service("cometbft", self.manifest.node(name).home)

    # -- starting ---------------------------------------------------------------------------

    def up(self, names: list[str] | None = None, *, timeout: float = START_TIMEOUT) -> list[str]:
        """Start the named nodes (all by default) and wait until each RPC answers.

        Nodes already running are left alone. The names of the nodes started.
        """
        nodes = self.manifest.select(names)
        started = [node.name for node in nodes if not self.is_running(node.name)]
        for node in nodes:
            self._start_app(node)
        for node in nodes:
            self._wait_app(node, timeout)
        for node in nodes:
            self._start_cometbft(node)
        for node in nodes:
            self._wait_rpc(node, timeout)
        return started

    def start_node(self, name: str, *, timeout: float = START_TIMEOUT) -> None:
        self.up([name], timeout=timeout)

    def is_running(self, name: str) -> bool:
        return (
            self.app_service(name).pid() is not None
            and self.cometbft_service(name).pid() is not None
        )

    def _start_app(self, node: NetworkNode) -> None:
        service = Service("sen", node.home)
        if service.pid() is not None:
            return
        socket_path = node.abci_socket
        if socket_path is not None and socket_path.exists():
            if _serving(socket_path):
                raise StartFailed(
                    f"{node.name}: an application started outside `sen network` already serves "
                    f"ABCI on {socket_path}; stop it first",
                    service.log_path,
                    service.log_tail(),
                )
            socket_path.unlink()  # left by an application that was killed
        argv = [sys.executable, "-m", "sen.cli.main", "--home", str(node.home), "node", "run"]
        service.start(argv, env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def _wait_app(self, node: NetworkNode, timeout: float) -> None:
        service = Service("sen", node.home)
        deadline = time.monotonic() + timeout
        while not _abci_ready(node):
            if service.pid() is None:
                raise StartFailed(
                    f"{node.name}: the Sen application exited before serving ABCI on "
                    f"{node.abci_listen}",
                    service.log_path,
                    service.log_tail(),
                )
            if time.monotonic() >= deadline:
                raise StartFailed(
                    f"{node.name}: the Sen application did not serve ABCI on {node.abci_listen} "
                    f"within {timeout:g} s",
                    service.log_path,
                    service.log_tail(),
                )
            time.sleep(POLL_INTERVAL)

    def _start_cometbft(self, node: NetworkNode) -> None:
        service = Service("cometbft", node.home)
        if service.pid() is None:
            service.start([str(self.cometbft), "start", "--home", str(node.home)])

    def _wait_rpc(self, node: NetworkNode, timeout: float) -> ChainStatus:
        service = Service("cometbft", node.home)
        deadline = time.monotonic() + timeout
        while True:
            try:
                return chain_status(node.rpc_url, timeout=1.0)
            except RpcFailed:
                pass
            if service.pid() is None:
                raise StartFailed(
                    f"{node.name}: CometBFT exited before its RPC answered at {node.rpc_url}",
                    service.log_path,
                    service.log_tail(),
                )
            if time.monotonic() >= deadline:
                raise StartFailed(
                    f"{node.name}: CometBFT's RPC did not answer at {node.rpc_url} "
                    f"within {timeout:g} s",
                    service.log_path,
                    service.log_tail(),
                )
            time.sleep(POLL_INTERVAL * 2)

    # -- stopping ---------------------------------------------------------------------------

    def down(self, names: list[str] | None = None, *, kill: bool = False) -> list[str]:
        """Stop the named nodes (all by default); the names of those that were running."""
        signum = SIGKILL if kill else SIGTERM
        return [
            node.name
            for node in self.manifest.select(names)
            if self.stop_node(node.name, signal=signum)
        ]

    def stop_node(self, name: str, *, signal: int = SIGTERM, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop CometBFT, then the application. True if either was running."""
        stopped_cometbft = self.stop_cometbft(name, signal=signal, timeout=timeout)
        stopped_app = self.app_service(name).stop(signal, timeout=timeout)
        return stopped_cometbft or stopped_app

    def stop_app(self, name: str, *, kill: bool = True, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop only the Sen application (SIGKILL by default: a crash, perhaps mid-block)."""
        return self.app_service(name).stop(SIGKILL if kill else SIGTERM, timeout=timeout)

    def stop_cometbft(
        self, name: str, *, signal: int = SIGTERM, timeout: float = STOP_TIMEOUT
    ) -> bool:
        return self.cometbft_service(name).stop(signal, timeout=timeout)

    # -- inspecting -------------------------------------------------------------------------

    def status(self, names: list[str] | None = None) -> list[NodeStatus]:
        return [self.node_status(node) for node in self.manifest.select(names)]

    def node_status(self, node: NetworkNode) -> NodeStatus:
        sen_pid = Service("sen", node.home).pid()
        cometbft_pid = Service("cometbft", node.home).pid()
        found: dict[str, Any] = {}
        if cometbft_pid is not None:
            try:
                chain = chain_status(node.rpc_url)
                found.update(
                    height=chain.height,
                    catching_up=chain.catching_up,
                    voting_power=chain.voting_power,
                    peers=peer_count(node.rpc_url),
                )
            except RpcFailed:
                pass
        if sen_pid is not None:
            found["api_healthy"] = api_healthy(node.api_url)
            with contextlib.suppress(RpcFailed):
                found["app_height"] = app_height(node.api_url)
        return NodeStatus(
            name=node.name,
            role=node.role.value,
            rpc_url=node.rpc_url,
            api_url=node.api_url,
            sen_pid=sen_pid,
            cometbft_pid=cometbft_pid,
            **found,
        )

    def heights(self, names: list[str] | None = None) -> dict[str, int | None]:
        """Each named node's latest CometBFT block height (None when its RPC does not answer)."""
        heights: dict[str, int | None] = {}
        for node in self.manifest.select(names):
            try:
                heights[node.name] = chain_status(node.rpc_url).height
            except RpcFailed:
                heights[node.name] = None
        return heights


def _serving(socket_path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        try:
            probe.connect(str(socket_path))
        except OSError:
            return False
    return True


def _abci_ready(node: NetworkNode) -> bool:
    socket_path = node.abci_socket
    if socket_path is not None:
        return socket_path.exists()
    host, _, port = node.abci_listen.removeprefix("tcp://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False
