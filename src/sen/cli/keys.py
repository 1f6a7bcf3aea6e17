"""``sen keys``: account keys in the keyring ($SEN_KEYRING, default ~/.sen/keys), encrypted."""

from __future__ import annotations

import datetime
from typing import Annotated

import typer
from rich.table import Table

from sen.cli import hsm
from sen.cli._context import kv_table, out, passphrase, print_json, settings
from sen.cli.errors import CliError
from sen.ledger.crypto import known_suites
from sen.sdk.keys import DEFAULT_SUITE, KeyInfo

app = typer.Typer(
    help="Create and list account keys (always stored encrypted).", no_args_is_help=True
)


@app.command("new")
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name for the key, e.g. truong-dhbk.")],
    suite: Annotated[
        str, typer.Option(help=f"Signature suite: {', '.join(known_suites())}.")
    ] = DEFAULT_SUITE,
) -> None:
    """Generate a key and store it encrypted with a passphrase ($SEN_PASSPHRASE or a prompt)."""
    keyring = settings(ctx).keyring()
    if suite not in known_suites():
        raise CliError(f"unknown suite {suite!r}; known: {', '.join(known_suites())}", 2)
    if keyring.exists(name):
        raise CliError(f"a key named {name!r} already exists in {keyring.path}")
    secret = passphrase(f"Passphrase for {name}", confirm=True)
    info = keyring.new(name, secret, suite)
    out.print(f"[green]Created[/] key [bold]{info.name}[/] in {info.path}")
    _print_info(info)
    out.print("Keep the passphrase safe: without it the key cannot be used.")


@app.command("list")
def list_keys(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the keys in the keyring."""
    keyring = settings(ctx).keyring()
    infos = keyring.list()
    if as_json:
        print_json([_as_json(info) for info in infos])
        return
    if not infos:
        out.print(f"No keys in {keyring.path}. Create one with: sen keys new NAME")
        return
    table = Table(title=f"Keys in {keyring.path}")
    for column in ("name", "suite", "address", "created"):
        table.add_column(column, overflow="fold")
    for info in infos:
        table.add_row(info.name, info.suite, info.address, _when(info.created))
    out.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The key's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a key's address, public key and suite (no passphrase needed)."""
    info = settings(ctx).keyring().info(name)
    if as_json:
        print_json(_as_json(info))
        return
    _print_info(info)


# keys held in a hardware security module, through PKCS#11 (sen.cli.hsm)
app.command("hsm-new")(hsm.hsm_new)
app.command("hsm-show")(hsm.hsm_show)


def _print_info(info: KeyInfo) -> None:
    table = kv_table()
    table.add_row("name", info.name)
    table.add_row("suite", info.suite)
    table.add_row("address", info.address)
    table.add_row("public key", info.public_key.hex())
    table.add_row("created", _when(info.created))
    table.add_row("file", str(info.path))
    out.print(table)


def _as_json(info: KeyInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "suite": info.suite,
        "address": info.address,
        "public_key": info.public_key.hex(),
        "created": info.created,
        "file": str(info.path),
    }


def _when(seconds: int) -> str:
    if not seconds:
        return "-"
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
