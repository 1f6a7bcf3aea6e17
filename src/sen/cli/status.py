"""``sen status``: Bitstring Status Lists on chain — create one, set and clear entries, show it.

``show`` decodes the list's ``encodedList`` and checks, before printing, that
it matches its digest and the state proof the node sent (against the app
hash the node reported; pass ``--app-hash`` with one you trust, from a
verified header, to check against that instead).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from sen.cli._context import Settings, kv_table, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.modules.status import StatusListError, decode_list, list_digest
from sen.sdk.client import error_for

app = typer.Typer(
    help="Bitstring Status Lists: revoke or suspend credentials by index.", no_args_is_help=True
)

SignerKey = Annotated[str, typer.Option("--key", help="A key controlling the issuer DID.")]
Issuer = Annotated[str, typer.Option("--issuer", help="The issuer's DID, e.g. did:sen:hust.")]
ListName = Annotated[
    str, typer.Argument(metavar="LIST", help="The list's name, e.g. degrees-2027.")
]
Indexes = Annotated[list[int], typer.Argument(metavar="INDEX...", help="Entry indexes.")]


def _say(text: str) -> None:
    out.print(text, emoji=False, markup=False)


def _send(config: Settings, key: str, action: str, args: dict[str, Any]) -> Any:
    signing_key = load_key(config, key)
    with config.client() as client:
        return client.send(signing_key, "status", action, args)


@app.command("create")
def create(
    ctx: typer.Context,
    name: ListName,
    issuer: Issuer,
    key: SignerKey,
    purpose: Annotated[
        str, typer.Option("--purpose", help="revocation (final) or suspension (reversible).")
    ] = "revocation",
    size: Annotated[
        int, typer.Option("--size", help="Entries: a multiple of 8, 131072 to 2097152.")
    ] = 131_072,
) -> None:
    """Create an empty list (all entries 0)."""
    args = {"list": name, "issuer": issuer, "purpose": purpose, "size": size}
    info = _send(settings(ctx), key, "create_list", args)
    _say(f"created {purpose} list {name} of {issuer}, {size} entries (block {info.height})")


def _update(ctx: typer.Context, key: str, args: dict[str, Any], verb: str, count: int) -> None:
    info = _send(settings(ctx), key, "update", args)
    data = bytes.fromhex(info.result.data).decode() if info.result and info.result.data else "?"
    _say(f"{verb} {count} entries of {args['list']}: version {data} (block {info.height})")


@app.command("set")
def set_entries(
    ctx: typer.Context, name: ListName, indexes: Indexes, issuer: Issuer, key: SignerKey
) -> None:
    """Set entries to 1: revoke (or suspend) those credentials."""
    _update(ctx, key, {"list": name, "issuer": issuer, "set": indexes}, "set", len(indexes))


@app.command("clear")
def clear_entries(
    ctx: typer.Context, name: ListName, indexes: Indexes, issuer: Issuer, key: SignerKey
) -> None:
    """Clear entries to 0 (suspension lists only: a revocation is final)."""
    _update(ctx, key, {"list": name, "issuer": issuer, "clear": indexes}, "cleared", len(indexes))


@app.command("show")
def show(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Argument(help="The issuer's DID.")],
    name: ListName,
    index: Annotated[int | None, typer.Option("--index", help="Show this entry.")] = None,
    app_hash: Annotated[
        str | None, typer.Option("--app-hash", help="Check the proof against this app hash.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """Show a list; its bits are checked against the state proof first."""
    path = f"/v1/status-lists/{issuer}/{name}"
    with settings(ctx).client() as client:
        status, body = client.transport.request("GET", path)
    if status != 200 or not isinstance(body, dict):
        raise error_for(status, body, path)
    bits = _checked_bits(body, app_hash)
    if as_json:
        print_json(body)
        return
    table = kv_table(f"{issuer} {name}")
    for field in ("purpose", "size", "version", "updated_height", "updated_time", "height"):
        table.add_row(field, Text(str(body.get(field))))
    table.add_row("entries set", str(sum(bin(b).count("1") for b in bits)))
    table.add_row("proof", f"verified against app hash {app_hash or body['app_hash']}")
    if index is not None:
        if not 0 <= index < len(bits) * 8:
            raise UsageProblem(f"--index: expected 0 to {len(bits) * 8 - 1}, got {index}")
        table.add_row(f"entry {index}", str((bits[index >> 3] >> (7 - (index & 7))) & 1))
    out.print(table)


def _checked_bits(body: dict[str, Any], app_hash: str | None) -> bytes:
    try:
        bits = decode_list(str(body["encodedList"]))
        proof = body["proof"]
        trusted = bytes.fromhex(app_hash or str(body["app_hash"]))
        if list_digest(bits).hex() != body["statusListDigest"]:
            raise CliError("the list does not match its statusListDigest")
        verify_state_proof(
            trusted,
            bytes.fromhex(str(body["key"])),
            bits,
            [bytes.fromhex(s) for s in proof["siblings"]],
            bytes.fromhex(proof["leaf_path"]) if proof["leaf_path"] else None,
            bytes.fromhex(proof["leaf_value_hash"]) if proof["leaf_value_hash"] else None,
        )
    except (StatusListError, StateProofError, KeyError, TypeError, ValueError) as exc:
        raise CliError(f"the node's answer does not verify: {exc}") from None
    return bits
