"""``sen network init``: N validator homes sharing one genesis, wired to each other on loopback.

For each node ``cometbft init`` makes the keys and the config; then one genesis
(every validator, power 10) is written byte for byte to every node, since Sen
identifies a chain by the SHA-256 of that file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sen.ledger.light.types import Timestamp
from sen.ledger.modules.membership.genesis import (
    MembershipGenesisError,
    build_membership_state,
    read_membership_genesis,
)
from sen.ledger.types import ChainParams
from sen.light.errors import GenesisError
from sen.light.genesis import GenesisValidator, load_genesis, make_genesis
from sen.network import cometbft
from sen.network.configure import (
    UNIX_SOCKET_PATH_MAX,
    StateSync,
    cometbft_edits,
    configure_cometbft,
    write_sen_settings,
)
from sen.network.errors import ConfigEditError, DirectoryInUse, InvalidPlan
from sen.network.manifest import (
    LOOPBACK,
    MANIFEST_NAME,
    NetworkManifest,
    NetworkNode,
    Role,
    load_manifest,
    save_manifest,
)
from sen.network.ports import DEFAULT_BASE_PORT, NodePorts, plan_ports, require_free
from sen.network.processes import Service
from sen.network.tomledit import Edits
from sen.sdk.devca import consortium_section
from sen.sdk.errors import SenError
from sen.vm.build import cached_runtime, user_cache

VALIDATOR_POWER = 10
MAX_VALIDATORS = 64
UNIX_ABCI_LISTEN = "unix://data/abci.sock"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")

Progress = Callable[[str], None]


def quiet(message: str) -> None:
    """A :data:`Progress` that says nothing."""


class AbciTransport(StrEnum):
    unix = "unix"
    tcp = "tcp"


@dataclass(frozen=True, slots=True)
class NetworkPlan:
    directory: Path
    validators: int
    chain_id: str = "sen-local"
    base_port: int = DEFAULT_BASE_PORT
    block_interval: float = 0.5
    snapshot_interval: int = 100
    snapshot_keep: int = 2
    abci: AbciTransport = AbciTransport.unix
    overwrite: bool = False
    consortium: Path | None = None  # org CA dirs and member certs: a permissioned chain
    empty_blocks_interval: float = 0.0  # > 0: an empty block at least this often while idle
    contracts: bool = False  # the contract runtime in every home, named in genesis


def check_plan(plan: NetworkPlan) -> None:
    if not 1 <= plan.validators <= MAX_VALIDATORS:
        raise InvalidPlan("--validators", f"expected 1 to {MAX_VALIDATORS}, got {plan.validators}")
    if not 1 <= len(plan.chain_id) <= 50:
        raise InvalidPlan("--chain-id", f"expected 1 to 50 characters, got {len(plan.chain_id)}")
    if not 0 < plan.block_interval <= 60:
        raise InvalidPlan(
            "--block-interval", f"expected 0 < seconds <= 60, got {plan.block_interval}"
        )
    if not 0 <= plan.empty_blocks_interval <= 86_400:
        raise InvalidPlan(
            "--empty-blocks-interval",
            f"expected 0 (no empty blocks) to 86400 seconds, got {plan.empty_blocks_interval}",
        )
    if plan.snapshot_interval < 0:
        raise InvalidPlan(
            "--snapshot-interval", f"expected 0 (never) or more, got {plan.snapshot_interval}"
        )
    if plan.snapshot_keep < 1:
        raise InvalidPlan("snapshot keep", f"expected 1 or more, got {plan.snapshot_keep}")


def init_network(plan: NetworkPlan, binary: Path, progress: Progress = quiet) -> NetworkManifest:
    """Create the network ``plan`` describes; its manifest (also saved as network.toml)."""
    check_plan(plan)
    directory = plan.directory.resolve()
    genesis_time = Timestamp(int(time.time()), 0)
    membership = None if plan.consortium is None else _consortium(plan.consortium, genesis_time)
    ports = [plan_ports(plan.base_port, i) for i in range(plan.validators)]
    _prepare_directory(directory, overwrite=plan.overwrite)
    require_free(p for node_ports in ports for p in node_ports.all())
    directory.mkdir(parents=True, exist_ok=True)
    homes = [directory / f"node{i}" for i in range(plan.validators)]
    params = ChainParams(chain_id=plan.chain_id)
    nodes = []
    for i, home in enumerate(homes):
        progress(f"node{i}: keys and CometBFT config (cometbft init)")
        cometbft.init_home(binary, home)
        nodes.append(
            _node(
                name=f"node{i}",
                home=home,
                role=Role.validator,
                node_id=cometbft.show_node_id(binary, home),
                ports=ports[i],
                abci=plan.abci,
            )
        )
    contracts = None
    if plan.contracts:
        progress("contract runtime: built once per machine (about 10 s the first time)")
        contracts = {"runtime": _place_runtime(directory / RUNTIME_FILE, [n.home for n in nodes])}
    progress(f"genesis: chain {plan.chain_id}, {plan.validators} validators")
    genesis = make_genesis(
        chain_id=plan.chain_id,
        genesis_time=genesis_time,
        validators=[
            GenesisValidator(validator_public_key(node.home), VALIDATOR_POWER, f"validator-{i}")
            for i, node in enumerate(nodes)
        ],
        params=params,
        membership=membership,
        contracts=contracts,
    )
    (directory / "genesis.json").write_bytes(genesis)
    for node in nodes:
        progress(f"{node.name}: genesis, config.toml and sen.toml")
        (node.home / "config" / "genesis.json").write_bytes(genesis)
        peers = [other.peer_address for other in nodes if other is not node]
        edits = cometbft_edits(
            node,
            peers=peers,
            block_interval=plan.block_interval,
            max_tx_bytes=params.max_tx_bytes,
            empty_blocks_interval=plan.empty_blocks_interval,
        )
        _finish_home(node, edits, plan.snapshot_interval, plan.snapshot_keep)
    manifest = NetworkManifest(
        directory=directory,
        chain_id=plan.chain_id,
        base_port=plan.base_port,
        block_interval=plan.block_interval,
        snapshot_interval=plan.snapshot_interval,
        snapshot_keep=plan.snapshot_keep,
        nodes=tuple(nodes),
        empty_blocks_interval=plan.empty_blocks_interval,
    )
    save_manifest(manifest)
    progress(f"wrote {manifest.path}")
    return manifest


def _consortium(directory: Path, genesis_time: Timestamp) -> dict[str, object]:
    """The membership section from ``--consortium DIR``, checked at the genesis time."""
    try:
        section = consortium_section(directory)
        problems: list[MembershipGenesisError] = []
        read = read_membership_genesis(section, problems)
        at = (genesis_time.seconds, genesis_time.nanos)
        problems += build_membership_state(read, at, 0).problems
    except (SenError, MembershipGenesisError) as exc:
        raise InvalidPlan("--consortium", str(exc)) from None
    if problems:
        listed = "; ".join(str(p) for p in problems)
        raise InvalidPlan("--consortium", f"{len(problems)} problem(s): {listed}")
    return section


def add_full_node(
    manifest: NetworkManifest,
    name: str,
    binary: Path,
    *,
    state_sync: StateSync | None = None,
    abci: AbciTransport = AbciTransport.unix,
    progress: Progress = quiet,
) -> NetworkManifest:
    """Add a non-validator node to ``manifest``'s network; the manifest with it (saved)."""
    if not NAME_PATTERN.match(name):
        raise InvalidPlan(
            "--name",
            f"expected 1-32 of a-z, 0-9, '-', '_' (starting with a letter/digit), got {name!r}",
        )
    if name in manifest.names():
        raise InvalidPlan("--name", f"the network already has a node named {name!r}")
    home = manifest.directory / name
    if home.exists():
        raise DirectoryInUse(f"{home} already exists; choose another --name or remove it")
    ports = _next_free_ports(manifest)
    genesis = _shared_genesis(manifest)
    progress(f"{name}: keys and CometBFT config (cometbft init)")
    cometbft.init_home(binary, home)
    node = _node(
        name=name,
        home=home,
        role=Role.full,
        node_id=cometbft.show_node_id(binary, home),
        ports=ports,
        abci=abci,
    )
    (home / "config" / "genesis.json").write_bytes(genesis)
    if load_genesis(genesis).contracts is not None:  # the network's runtime, as it was copied
        shutil.copyfile(manifest.directory / RUNTIME_FILE, home / "config" / RUNTIME_FILE)
    edits = cometbft_edits(
        node,
        peers=[other.peer_address for other in manifest.nodes],
        block_interval=manifest.block_interval,
        max_tx_bytes=_max_tx_bytes(genesis),
        state_sync=state_sync,
        empty_blocks_interval=manifest.empty_blocks_interval,
    )
    progress(f"{name}: genesis, config.toml and sen.toml")
    _finish_home(node, edits, manifest.snapshot_interval, manifest.snapshot_keep)
    updated = manifest.with_node(node)
    save_manifest(updated)
    return updated


RUNTIME_FILE = "contracts-runtime.wasm"


def _place_runtime(shared: Path, homes: list[Path]) -> str:
    """The machine's contract runtime copied beside the genesis and into each home; its SHA-256.

    Every node must run the same bytes, and two builds differ (ADR 0013), so the
    runtime is built once and copied, never built per node.
    """
    shutil.copyfile(cached_runtime(user_cache()), shared)
    for home in homes:
        shutil.copyfile(shared, home / "config" / RUNTIME_FILE)
    return hashlib.sha256(shared.read_bytes()).hexdigest()


def validator_public_key(home: Path) -> bytes:
    """The Ed25519 public key in ``home/config/priv_validator_key.json``."""
    path = home / "config" / "priv_validator_key.json"
    try:
        document = json.loads(path.read_text())
        key = base64.b64decode(document["pub_key"]["value"], validate=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigEditError(str(path), f"cannot read the validator public key ({exc})") from None
    if len(key) != 32:
        raise ConfigEditError(str(path), f"expected a 32-byte Ed25519 key, got {len(key)} bytes")
    return key


def _node(
    *, name: str, home: Path, role: Role, node_id: str, ports: NodePorts, abci: AbciTransport
) -> NetworkNode:
    listen = UNIX_ABCI_LISTEN if abci is AbciTransport.unix else f"tcp://{LOOPBACK}:{ports.abci}"
    node = NetworkNode(name, home, role, node_id, ports, listen)
    socket = node.abci_socket
    if socket is not None and len(str(socket).encode()) > UNIX_SOCKET_PATH_MAX:
        raise InvalidPlan(
            "--dir",
            f"the ABCI socket path {socket} is longer than {UNIX_SOCKET_PATH_MAX} bytes, "
            "the limit of unix sockets; use a shorter --dir or --abci tcp",
        )
    return node


def _finish_home(
    node: NetworkNode,
    edits: Edits,
    snapshot_interval: int,
    snapshot_keep: int,
) -> None:
    configure_cometbft(node, edits)
    write_sen_settings(node, snapshot_interval=snapshot_interval, snapshot_keep=snapshot_keep)
    (node.home / "logs").mkdir(exist_ok=True)
    (node.home / "run").mkdir(exist_ok=True)


def _prepare_directory(directory: Path, *, overwrite: bool) -> None:
    if not directory.exists() or not any(directory.iterdir()):
        return
    if not (directory / MANIFEST_NAME).exists():
        raise DirectoryInUse(
            f"{directory} is not empty and holds no {MANIFEST_NAME}; "
            "choose an empty or new --dir (nothing there is deleted)"
        )
    if not overwrite:
        raise DirectoryInUse(
            f"{directory} already holds a network; use --overwrite to replace it (deletes its data)"
        )
    old = load_manifest(directory)
    running = [
        f"{node.name} ({service})"
        for node in old.nodes
        for service in ("sen", "cometbft")
        if Service(service, node.home).pid() is not None
    ]
    if running:
        raise DirectoryInUse(
            f"cannot overwrite {directory}: still running: {', '.join(running)}; "
            f"stop it first with: sen network down --dir {directory}"
        )
    for node in old.nodes:
        if node.home.is_relative_to(directory) and node.home.exists():
            shutil.rmtree(node.home)
    (directory / "genesis.json").unlink(missing_ok=True)
    old.path.unlink()


def _next_free_ports(manifest: NetworkManifest) -> NodePorts:
    used = {port for node in manifest.nodes for port in node.ports.all()}
    index = len(manifest.nodes)
    while True:
        ports = plan_ports(manifest.base_port, index)
        if not used.intersection(ports.all()):
            require_free(ports.all())
            return ports
        index += 1


def _shared_genesis(manifest: NetworkManifest) -> bytes:
    path = manifest.genesis_path
    if not path.exists():
        path = manifest.nodes[0].home / "config" / "genesis.json"
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigEditError(str(path), f"cannot read the network's genesis ({exc})") from None


def _max_tx_bytes(genesis: bytes) -> int:
    try:
        return load_genesis(genesis).params.max_tx_bytes
    except GenesisError as exc:
        raise ConfigEditError("genesis.json", str(exc)) from None
