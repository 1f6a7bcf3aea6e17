"""``sen network``: a local multi-validator network on CometBFT (init, up, down, status, add-node).

Node names are given as arguments (``sen network down --dir D node3``), not with
``--node``, which is the global option naming an API URL.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from sen.cli._context import err, out, print_json
from sen.cli.errors import CliError, UsageProblem
from sen.network import (
    AbciTransport,
    Network,
    NetworkManifest,
    NetworkPlan,
    NodeStatus,
    add_full_node,
    find_cometbft,
    init_network,
    load_manifest,
    trust_from_network,
)
from sen.network.create import check_plan
from sen.network.errors import InvalidPlan, StartFailed
from sen.network.ports import DEFAULT_BASE_PORT

app = typer.Typer(
    help="A local multi-validator network on CometBFT: init, up, down, status, add-node.",
    no_args_is_help=True,
)

DirOption = Annotated[
    Path,
    typer.Option("--dir", envvar="SEN_NETWORK_DIR", help="The network's directory."),
]
CometbftOption = Annotated[
    str | None,
    typer.Option(
        "--cometbft",
        help="CometBFT v0.38 binary (default: $SEN_COMETBFT, .bin/cometbft, PATH).",
    ),
]
NamesArgument = Annotated[
    list[str] | None,
    typer.Argument(help="Node names (default: every node).", show_default=False),
]
DEFAULT_DIR = Path(".sen-network")
SETTLE_TIMEOUT = 15.0


def _progress(message: str) -> None:
    out.print(f"  [dim]•[/] {escape(message)}")


@app.command("init")
def init(
    validators: Annotated[int, typer.Option(help="Number of validators.")] = 4,
    directory: DirOption = DEFAULT_DIR,
    chain_id: Annotated[str, typer.Option(help="Chain identifier (1-50 characters).")] = (
        "sen-local"
    ),
    base_port: Annotated[
        int, typer.Option(help="First port; node i uses base+10i (P2P), +1 (RPC), +2 (API).")
    ] = DEFAULT_BASE_PORT,
    block_interval: Annotated[
        float, typer.Option(help="Seconds between blocks (CometBFT timeout_commit).")
    ] = 0.5,
    snapshot_interval: Annotated[
        int, typer.Option(help="Take a state-sync snapshot every N blocks (0 = never).")
    ] = 100,
    empty_blocks_interval: Annotated[
        float,
        typer.Option(
            help="Seconds: make an empty block at least this often while idle (0 = never). "
            "A chain linked to others needs it, at most a third of the clients' trusting period."
        ),
    ] = 0.0,
    abci: Annotated[
        AbciTransport, typer.Option(help="How CometBFT reaches the application.")
    ] = AbciTransport.unix,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace a network in --dir (deletes its data).")
    ] = False,
    cometbft: CometbftOption = None,
    consortium: Annotated[
        Path | None,
        typer.Option(
            "--consortium",
            help="A permissioned chain: DIR holds org CA dirs (sen ca init-org) and member *.pem.",
        ),
    ] = None,
    contracts: Annotated[
        bool,
        typer.Option(
            "--contracts",
            help="Run Python contracts: the contract runtime (built once per machine) is copied "
            "into every home and named in genesis.",
        ),
    ] = False,
) -> None:
    """Create N validator homes with one shared genesis, wired to each other on loopback."""
    plan = NetworkPlan(
        directory=directory,
        validators=validators,
        chain_id=chain_id,
        base_port=base_port,
        block_interval=block_interval,
        snapshot_interval=snapshot_interval,
        empty_blocks_interval=empty_blocks_interval,
        abci=abci,
        overwrite=overwrite,
        consortium=consortium,
        contracts=contracts,
    )
    try:
        check_plan(plan)
        binary = find_cometbft(cometbft)
        out.print(f"Creating [bold]{validators}[/] validators of chain [bold]{chain_id}[/]")
        manifest = init_network(plan, binary, _progress)
    except InvalidPlan as exc:
        raise UsageProblem(str(exc)) from None
    out.print(_nodes_table(manifest))
    out.print(f"Start it with: sen network up --dir {directory}")


@app.command("up")
def up(
    names: NamesArgument = None,
    directory: DirOption = DEFAULT_DIR,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each node.")] = 60.0,
    cometbft: CometbftOption = None,
) -> None:
    """Start the nodes (Sen, then CometBFT) in the background and wait until they answer."""
    network = Network.load(directory, cometbft=cometbft)
    selected = network.manifest.select(names)
    out.print(f"Starting {', '.join(node.name for node in selected)} (CometBFT {network.cometbft})")
    try:
        started = network.up(names, timeout=timeout)
    except StartFailed as exc:
        _show_log_tail(exc)
        raise CliError(f"{exc}; stop the rest with: sen network down --dir {directory}") from None
    already = [node.name for node in selected if node.name not in started]
    if already:
        out.print(f"Already running: {', '.join(already)}")
    out.print(_status_table(_settled_status(network, names)))
    out.print(f"Logs in <home>/logs; stop with: sen network down --dir {directory}")


@app.command("down")
def down(
    names: NamesArgument = None,
    directory: DirOption = DEFAULT_DIR,
    kill: Annotated[bool, typer.Option("--kill", help="SIGKILL at once instead of SIGTERM.")] = (
        False
    ),
) -> None:
    """Stop the nodes (CometBFT, then Sen); nodes already stopped are fine."""
    network = Network.load(directory)
    stopped = network.down(names, kill=kill)
    if stopped:
        out.print(f"Stopped {', '.join(stopped)}")
    else:
        out.print("Nothing was running.")


@app.command("status")
def status(
    names: NamesArgument = None,
    directory: DirOption = DEFAULT_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per node: processes, block height, peers, voting power and the Sen API's height."""
    network = Network.load(directory)
    statuses = network.status(names)
    if as_json:
        print_json(
            {
                "directory": str(network.manifest.directory),
                "chain_id": network.manifest.chain_id,
                "nodes": [s.to_json() for s in statuses],
            }
        )
        return
    out.print(_status_table(statuses))
    if all(s.state == "not running" for s in statuses):
        out.print(f"Nothing is running; start it with: sen network up --dir {directory}")


@app.command("add-node")
def add_node(
    name: Annotated[str, typer.Option(help="The new node's name (also its directory).")],
    directory: DirOption = DEFAULT_DIR,
    state_sync: Annotated[
        bool,
        typer.Option(
            "--state-sync", help="Join from a recent snapshot instead of replaying every block."
        ),
    ] = False,
    cometbft: CometbftOption = None,
) -> None:
    """Add a full (non-validator) node, peered with every node of the network."""
    manifest = load_manifest(directory)
    binary = find_cometbft(cometbft)
    trust = trust_from_network(manifest) if state_sync else None
    if trust is not None:
        _progress(
            f"state sync: trust block {trust.trust_height} ({trust.trust_hash[:16]}…) "
            f"from {', '.join(trust.rpc_servers)}"
        )
    abci = AbciTransport.tcp if manifest.nodes[0].abci_socket is None else AbciTransport.unix
    try:
        updated = add_full_node(
            manifest, name, binary, state_sync=trust, abci=abci, progress=_progress
        )
    except InvalidPlan as exc:
        raise UsageProblem(str(exc)) from None
    out.print(_nodes_table(updated, only=name))
    out.print(f"Start it with: sen network up --dir {directory} {name}")


def _settled_status(
    network: Network, names: list[str] | None, timeout: float = SETTLE_TIMEOUT
) -> list[NodeStatus]:
    """The status once no node is still syncing (or after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    statuses = network.status(names)
    while any(s.catching_up for s in statuses) and time.monotonic() < deadline:
        time.sleep(0.5)
        statuses = network.status(names)
    return statuses


def _nodes_table(manifest: NetworkManifest, only: str | None = None) -> Table:
    table = Table(title=f"chain {manifest.chain_id} in {manifest.directory}", title_justify="left")
    for column in ("node", "role", "P2P"):
        table.add_column(column, no_wrap=True)
    for column in ("RPC", "API", "home"):
        table.add_column(column, overflow="fold")
    for node in manifest.nodes:
        if only is None or node.name == only:
            table.add_row(
                node.name,
                node.role.value,
                str(node.ports.p2p),
                node.rpc_url,
                node.api_url,
                str(node.home),
            )
    return table


def _status_table(statuses: list[NodeStatus]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
    for column in ("node", "role", "state", "height", "syncing", "peers", "power", "app", "API"):
        table.add_column(column, no_wrap=True)
    for s in statuses:
        colour = {"running": "green", "not running": "red"}.get(s.state, "yellow")
        table.add_row(
            s.name,
            s.role,
            f"[{colour}]{s.state}[/]",
            _shown(s.height),
            _shown(s.catching_up),
            _shown(s.peers),
            _shown(s.voting_power),
            _shown(s.app_height),
            _api_state(s),
        )
    return table


def _api_state(status: NodeStatus) -> str:
    if status.sen_pid is None:
        return "-"
    return "[green]ok[/]" if status.api_healthy else "[red]unhealthy[/]"


def _shown(value: int | bool | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _show_log_tail(error: StartFailed) -> None:
    err.print(f"[bold]last lines of {escape(str(error.log_path))}:[/]")
    err.print(escape(error.log_tail), highlight=False)
