"""``network.toml``: which nodes a local network has, where they live and their ports.

Written by ``sen network init`` (and extended by ``add-node``); read by ``up``,
``down`` and ``status``. Node homes are stored relative to the file's directory,
so a network directory can be moved as a whole (CometBFT's ``proxy_app`` holds
an absolute socket path, though: re-run ``init`` after moving it).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sen.network.errors import ManifestError, UnknownNode
from sen.network.ports import NodePorts
from sen.network.tomledit import render_value

MANIFEST_NAME = "network.toml"
GENESIS_NAME = "genesis.json"
LOOPBACK = "127.0.0.1"

T = TypeVar("T")


class Role(StrEnum):
    validator = "validator"
    full = "full"


@dataclass(frozen=True, slots=True)
class NetworkNode:
    name: str
    home: Path  # absolute
    role: Role
    node_id: str
    ports: NodePorts
    abci_listen: str  # as Sen's sen.toml has it: unix://data/abci.sock or tcp://127.0.0.1:P

    @property
    def rpc_url(self) -> str:
        return f"http://{LOOPBACK}:{self.ports.rpc}"

    @property
    def api_url(self) -> str:
        return f"http://{LOOPBACK}:{self.ports.api}"

    @property
    def peer_address(self) -> str:
        """``id@host:port``, as CometBFT's ``persistent_peers`` lists it."""
        return f"{self.node_id}@{LOOPBACK}:{self.ports.p2p}"

    @property
    def abci_socket(self) -> Path | None:
        """The unix socket file Sen listens on, or None for a TCP ABCI address."""
        if not self.abci_listen.startswith("unix://"):
            return None
        path = Path(self.abci_listen.removeprefix("unix://"))
        return path if path.is_absolute() else self.home / path

    @property
    def proxy_app(self) -> str:
        """CometBFT's ``proxy_app``: the same address, with an absolute socket path."""
        socket = self.abci_socket
        return self.abci_listen if socket is None else f"unix://{socket}"


@dataclass(frozen=True, slots=True)
class NetworkManifest:
    directory: Path  # absolute
    chain_id: str
    base_port: int
    block_interval: float
    snapshot_interval: int
    snapshot_keep: int
    nodes: tuple[NetworkNode, ...]
    empty_blocks_interval: float = 0.0  # > 0: an empty block at least this often (linked chains)

    @property
    def path(self) -> Path:
        return self.directory / MANIFEST_NAME

    @property
    def genesis_path(self) -> Path:
        return self.directory / GENESIS_NAME

    def names(self) -> list[str]:
        return [node.name for node in self.nodes]

    def node(self, name: str) -> NetworkNode:
        for node in self.nodes:
            if node.name == name:
                return node
        raise UnknownNode(name, self.names())

    def select(self, names: list[str] | None) -> list[NetworkNode]:
        """The named nodes in the order given (all nodes when ``names`` is empty or None)."""
        return [self.node(name) for name in names] if names else list(self.nodes)

    def with_node(self, node: NetworkNode) -> NetworkManifest:
        return replace(self, nodes=(*self.nodes, node))


def save_manifest(manifest: NetworkManifest) -> None:
    lines = [
        "# A local Sen network on CometBFT, written by `sen network init`.",
        "# Start it with `sen network up --dir DIR`; see docs/guides/network.md.",
        "",
        f"chain_id = {render_value(manifest.chain_id)}",
        f"base_port = {manifest.base_port}",
        f"block_interval = {float(manifest.block_interval)!r}  # seconds (timeout_commit)",
        f"snapshot_interval = {manifest.snapshot_interval}",
        f"snapshot_keep = {manifest.snapshot_keep}",
        f"empty_blocks_interval = {float(manifest.empty_blocks_interval)!r}  # seconds; 0: none",
    ]
    for node in manifest.nodes:
        home = _relative(node.home, manifest.directory)
        lines += [
            "",
            "[[nodes]]",
            f"name = {render_value(node.name)}",
            f"home = {render_value(home)}",
            f"role = {render_value(node.role.value)}",
            f"node_id = {render_value(node.node_id)}",
            f"p2p_port = {node.ports.p2p}",
            f"rpc_port = {node.ports.rpc}",
            f"api_port = {node.ports.api}",
            f"abci_port = {node.ports.abci}",
            f"abci_listen = {render_value(node.abci_listen)}",
        ]
    manifest.directory.mkdir(parents=True, exist_ok=True)
    temporary = manifest.path.with_suffix(".toml.tmp")
    temporary.write_text("\n".join(lines) + "\n")
    temporary.replace(manifest.path)


def load_manifest(directory: Path) -> NetworkManifest:
    directory = directory.resolve()
    path = directory / MANIFEST_NAME
    if not path.exists():
        raise ManifestError(
            f"no network in {directory} (missing {MANIFEST_NAME}); "
            f"create one with: sen network init --validators 4 --dir {directory}"
        )
    try:
        doc = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from None
    nodes = doc.get("nodes", [])
    if not isinstance(nodes, list) or not nodes:
        raise ManifestError(f"{path}: expected at least one [[nodes]] table")
    return NetworkManifest(
        directory=directory,
        chain_id=_get(doc, "chain_id", str, path),
        base_port=_get(doc, "base_port", int, path),
        block_interval=float(_get(doc, "block_interval", (int, float), path)),
        snapshot_interval=_get(doc, "snapshot_interval", int, path),
        snapshot_keep=_get(doc, "snapshot_keep", int, path),
        nodes=tuple(_node(entry, directory, f"{path} nodes[{i}]") for i, entry in enumerate(nodes)),
        empty_blocks_interval=float(
            _get(doc, "empty_blocks_interval", (int, float), path)
            if "empty_blocks_interval" in doc
            else 0.0
        ),
    )


def _node(entry: Any, directory: Path, where: str) -> NetworkNode:
    if not isinstance(entry, dict):
        raise ManifestError(f"{where}: expected a table")
    role = _get(entry, "role", str, where)
    if role not in Role.__members__:
        raise ManifestError(f"{where} role: expected validator or full, got {role!r}")
    return NetworkNode(
        name=_get(entry, "name", str, where),
        home=(directory / _get(entry, "home", str, where)).resolve(),
        role=Role(role),
        node_id=_get(entry, "node_id", str, where),
        ports=NodePorts(
            p2p=_get(entry, "p2p_port", int, where),
            rpc=_get(entry, "rpc_port", int, where),
            api=_get(entry, "api_port", int, where),
            abci=_get(entry, "abci_port", int, where),
        ),
        abci_listen=_get(entry, "abci_listen", str, where),
    )


def _get(table: dict[str, Any], key: str, kind: type[T] | tuple[type[T], ...], where: object) -> T:
    value = table.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        expected = " or ".join(k.__name__ for k in kinds)
        shown = "missing" if value is None else f"got {value!r}"
        raise ManifestError(f"{where} {key}: expected {expected}, {shown}")
    return value


def _relative(path: Path, directory: Path) -> str:
    try:
        return str(path.relative_to(directory))
    except ValueError:
        return str(path)
