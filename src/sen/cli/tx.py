"""``sen tx``: sign and send any transaction, show a transaction; ``sen block show``."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from sen.cli._context import Settings, kv_table, out, passphrase, print_json, settings
from sen.cli.errors import UsageProblem
from sen.cli.hsm import open_hsm_key
from sen.ledger.crypto import SigningKey
from sen.sdk.args import parse_args
from sen.sdk.models import TxInfo
from sen.sdk.pkcs11 import is_pkcs11_uri

app = typer.Typer(help="Send and inspect transactions.", no_args_is_help=True)
block_app = typer.Typer(help="Inspect blocks.", no_args_is_help=True)


def load_key(config: Settings, name: str) -> SigningKey:
    if is_pkcs11_uri(name):  # a key held in an HSM (sen.cli.hsm)
        return open_hsm_key(name)
    keyring = config.keyring()
    keyring.info(name)  # fail fast (no prompt) when the key does not exist
    return keyring.load(name, passphrase(f"Passphrase for {name}"))


@app.command("send")
def send(
    ctx: typer.Context,
    key: Annotated[str, typer.Option("--key", help="Key name or pkcs11: URI.")],
    module: Annotated[str, typer.Option("--module", help="Module, e.g. evidence.")],
    action: Annotated[str, typer.Option("--action", help="Action, e.g. anchor.")],
    args: Annotated[
        str, typer.Option("--args", help='JSON object; "hex:..." and "b64:..." strings are bytes.')
    ] = "{}",
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the block.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Sign and submit a transaction with the key's next nonce."""
    config = settings(ctx)
    parsed = parse_args(args)
    signing_key = load_key(config, key)
    with config.client() as client:
        info = client.send(signing_key, module, action, parsed, wait=wait)
    if as_json:
        print_json(dataclasses.asdict(info))
        return
    out.print(f"tx {info.hash}")
    if info.committed:
        out.print(config.text("committed", height=info.height))
    else:
        out.print(config.text("submitted"))


@app.command("show")
def show(
    ctx: typer.Context,
    tx_hash: Annotated[str, typer.Argument(metavar="HASH", help="Transaction hash (hex).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """Show a transaction: status, block, result and content."""
    _check_hex(tx_hash, 32, "HASH")
    with settings(ctx).client() as client:
        info = client.tx(tx_hash.lower())
    if as_json:
        print_json(dataclasses.asdict(info))
        return
    print_tx(info)


def print_tx(info: TxInfo) -> None:
    table = kv_table(f"Transaction {info.hash[:16]}…")
    table.add_row("hash", info.hash)
    table.add_row("status", info.status)
    if info.height is not None:
        table.add_row("block", f"{info.height} (index {info.index})")
    if info.result is not None:
        colour = "green" if info.result.ok else "red"
        table.add_row("result", f"[{colour}]{info.result.code} {info.result.code_name}[/]")
        if info.result.log:
            table.add_row("log", escape(info.result.log))
        if info.result.data:
            table.add_row("data", info.result.data)
        for event in info.result.events:
            table.add_row("event", _one_line(event))
    for key, value in info.tx.items():
        table.add_row(f"tx.{key}", _one_line(value))
    out.print(table)


@block_app.command("show")
def show_block(
    ctx: typer.Context,
    height: Annotated[str, typer.Argument(metavar="HEIGHT|latest", help="Block height.")] = (
        "latest"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """Show a block: header, transactions and their results."""
    chosen: int | str = "latest" if height == "latest" else _height(height)
    with settings(ctx).client() as client:
        block = client.block(chosen)
    if as_json:
        print_json(block)
        return
    found = block.get("header")
    header: dict[str, Any] = found if isinstance(found, dict) else {}
    table = kv_table(f"Block {block.get('height')}")
    table.add_row("block id", _one_line(block.get("block_id")))
    for key in ("chain_id", "time", "app_hash", "data_hash", "last_results_hash"):
        if key in header:
            table.add_row(key, _one_line(header[key]))
    out.print(table)
    txs = block.get("txs") or []
    results = block.get("results") or []
    listing = Table(title=f"{len(txs)} transaction(s)", title_justify="left")
    listing.add_column("#")
    listing.add_column("hash", overflow="fold")
    listing.add_column("result")
    for index, tx in enumerate(txs):
        result = results[index] if index < len(results) else {}
        listing.add_row(str(index), _tx_hash(tx), _result(result))
    if txs:
        out.print(listing)


def _height(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise UsageProblem(f"HEIGHT: expected a positive integer or 'latest', got {text!r}")
    return int(text)


def _check_hex(text: str, size: int, name: str) -> None:
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise UsageProblem(f"{name}: expected {2 * size} hex digits, got {text[:80]!r}") from None
    if len(raw) != size:
        raise UsageProblem(f"{name}: expected {2 * size} hex digits, got {len(text)}")


def _tx_hash(tx: Any) -> str:
    if isinstance(tx, dict):
        return str(tx.get("hash", "?"))
    if isinstance(tx, str):
        if len(tx) == 64 and all(c in "0123456789abcdefABCDEF" for c in tx):
            return tx.lower()  # the API lists transactions by hash
        try:
            return hashlib.sha256(base64.b64decode(tx, validate=True)).hexdigest()
        except (binascii.Error, ValueError):
            return tx[:64]
    return "?"


def _result(result: Any) -> str:
    if not isinstance(result, dict):
        return _one_line(result)
    code = result.get("code", "?")
    name = result.get("code_name", "")
    colour = "green" if code == 0 else "red"
    return f"[{colour}]{code} {name}[/]".strip()


def _one_line(value: Any) -> str:
    return escape(_plain(value))


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)
