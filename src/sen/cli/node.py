"""``sen node``: create, run and inspect a single-validator node."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer
from rich.table import Table

from sen.cli._context import kv_table, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.node.config import DEFAULT_API_HOST, DEFAULT_API_PORT, NodeConfig, load_config
from sen.node.node import Node, init_home
from sen.node.pins import check_pins

app = typer.Typer(help="Create, run and inspect a node.", no_args_is_help=True)


class _Stop(Exception):
    """Raised from the SIGTERM handler so that the node closes cleanly."""


def _prefix_grant(text: str) -> dict[str, str]:
    prefix, _, holder = text.partition("=")
    if not (prefix.isascii() and prefix.isdigit() and 4 <= len(prefix) <= 12):
        raise UsageProblem(
            f"--grant-prefix {text!r}: expected PREFIX=DID, PREFIX of 4 to 12 digits"
        )
    if not holder.startswith("did:sen:"):
        raise UsageProblem(f"--grant-prefix {text!r}: expected PREFIX=DID, DID a did:sen DID")
    return {"prefix": prefix, "holder": holder}


@app.command("init")
def init(
    ctx: typer.Context,
    chain_id: Annotated[str, typer.Option(help="Chain identifier (1-50 characters).")] = (
        "sen-local"
    ),
    api_host: Annotated[str, typer.Option(help="REST API listen address.")] = DEFAULT_API_HOST,
    api_port: Annotated[int, typer.Option(help="REST API port.")] = DEFAULT_API_PORT,
    block_interval: Annotated[
        float, typer.Option(help="Seconds between blocks while transactions wait.")
    ] = 0.5,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing node here (deletes its data).")
    ] = False,
    contracts: Annotated[
        bool,
        typer.Option(
            "--contracts",
            help="Run Python contracts on this chain: builds the contract runtime "
            "(about 10 s the first time on this machine) and names it in genesis.",
        ),
    ] = False,
    grant_prefix: Annotated[
        list[str] | None,
        typer.Option(
            "--grant-prefix",
            help="PREFIX=DID: grant a GS1 Company Prefix to a DID from the first block, e.g. "
            "8935678=did:sen:htx-xoai-son-la (repeatable; a development chain has no governance "
            "to grant it later). Create that DID at once: on a chain open to all, the first to "
            "create it controls it.",
        ),
    ] = None,
) -> None:
    """Create a new single-validator chain in --home."""
    home = settings(ctx).home
    _check_init_options(chain_id, api_port, block_interval)
    prefixes = [_prefix_grant(each) for each in grant_prefix or []]
    config = NodeConfig(home=home)
    if config.genesis_path.exists() and not force:
        raise CliError(f"{home} already holds a node; use --force to replace it (deletes its data)")
    if contracts:
        out.print("Building the contract runtime (once per machine; about 10 s the first time)…")
    created = init_home(
        home,
        chain_id=chain_id,
        host=api_host,
        port=api_port,
        block_interval=block_interval,
        overwrite=force,
        contracts=contracts,
        trace={"prefixes": prefixes} if prefixes else None,
    )
    out.print(f"[green]Initialised[/] chain [bold]{chain_id}[/] in {home.resolve()}")
    _print_layout(created)
    out.print(f"Start it with: sen --home {home} node run")


def _check_init_options(chain_id: str, port: int, block_interval: float) -> None:
    if not 1 <= len(chain_id) <= 50:
        raise UsageProblem(f"--chain-id: expected 1 to 50 characters, got {len(chain_id)}")
    if not 1 <= port <= 65535:
        raise UsageProblem(f"--api-port: expected 1 to 65535, got {port}")
    if not 0 < block_interval <= 60:
        raise UsageProblem(f"--block-interval: expected 0 < seconds <= 60, got {block_interval}")


def _print_layout(config: NodeConfig) -> None:
    table = Table(show_header=False, box=None)
    table.add_row("genesis", str(config.genesis_path.resolve()))
    table.add_row("settings", str(config.settings_path.resolve()))
    table.add_row("validator key", str(config.validator_key_path.resolve()))
    if config.contracts_runtime_path.exists():
        table.add_row("contract runtime", str(config.contracts_runtime_path.resolve()))
    table.add_row("data", str(config.data_dir.resolve()))
    out.print(table)


@app.command("run")
def run(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Override the API listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Override the API port.")] = None,
    relay: Annotated[
        Path | None,
        typer.Option(
            "--relay",
            help="Also relay between linked chains, as `sen relay --config FILE` does "
            "(keys' passphrase from $SEN_PASSPHRASE).",
        ),
    ] = None,
) -> None:
    """Run the node and its REST API until Ctrl-C or SIGTERM (initialises --home if empty)."""
    from sen.api.app import serve
    from sen.cli.interchain import build_relayer
    from sen.services.relayer import RelayerError, load_relay_config

    home = settings(ctx).home
    check_pins()  # before anything is written: a first run must not create a home it won't run
    if not NodeConfig(home=home).genesis_path.exists():
        init_home(home, port=port or DEFAULT_API_PORT, host=host or DEFAULT_API_HOST)
        out.print(f"[yellow]No node in {home}: initialised a new one (chain sen-local).[/]")
    config = load_config(home)
    relayer = None
    if relay is not None:
        try:
            relayer, relay_clients = build_relayer(settings(ctx), load_relay_config(relay))
        except RelayerError as exc:
            raise UsageProblem(f"--relay: {exc.message}") from None
    listen_host = host or config.api_host
    listen_port = port or config.api_port
    _check_can_listen(listen_host, listen_port)
    _configure_logging()
    node = Node.open(config)
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        node.start()
        shown = "127.0.0.1" if listen_host in ("0.0.0.0", "::") else listen_host
        url = f"http://{shown}:{listen_port}"
        out.print(f"chain id  [bold]{node.engine.genesis.chain_id}[/]")
        out.print(f"API       {url}")
        out.print(f"console   {url}/")
        out.print(f"docs      {url}/docs")
        out.print(f"data      {config.data_dir.resolve()}")
        if config.consensus.engine == "cometbft":
            out.print(f"consensus CometBFT; ABCI on {config.abci_address}")
            out.print(f"          CometBFT RPC {config.consensus.cometbft_rpc}")
        if relayer is not None:  # it reaches this node over HTTP once the API is up
            logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request: noise
            relayer.start(ready=lambda: _wait_listening(shown, listen_port))
            out.print(f"relaying  {len(relayer.links)} link(s) from {relay}")
        out.print("Press Ctrl-C to stop.")
        serve(node, listen_host, listen_port)
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        try:
            if relayer is not None:
                relayer.stop()
                for client in relay_clients.values():
                    client.close()
            node.close()
        finally:
            signal.signal(signal.SIGTERM, previous)
    out.print(f"Stopped at height {node.app.height}.")


def _wait_listening(host: str, port: int, timeout: float = 60.0) -> None:
    """Return once something accepts connections at host:port (or after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)


def _configure_logging() -> None:
    """Node logs on stderr; level from SEN_LOG_LEVEL (default INFO; DEBUG logs every block).

    A warning or error repeated word for word passes once per 10 s (``sen.api.logs``).
    """
    from sen.api import logs

    level = os.environ.get("SEN_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(
        level=level if level in logging.getLevelNamesMapping() else "INFO",
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        logs.install(handler)


def _check_can_listen(host: str, port: int) -> None:
    """Fail before the node starts if the API address is taken (a clear one-line error)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CliError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                "(another node or program uses it; pick another with --port)"
            ) from None


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop()


@app.command("status")
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """Ask the node (--node) for its status."""
    with settings(ctx).client() as client:
        body = client.status()
    if as_json:
        print_json(body)
        return
    table = kv_table(f"Node {settings(ctx).node_url()}")
    for key, value in _flatten(body):
        table.add_row(key, value)
    out.print(table)


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        rows: list[tuple[str, str]] = []
        for key, item in value.items():
            rows += _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return rows
    return [(prefix, str(value))]
