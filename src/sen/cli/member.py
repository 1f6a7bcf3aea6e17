"""``sen member``: enroll a key with its certificate, revoke certificates, look members up."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from sen.cli._context import kv_table, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.sdk import membership

app = typer.Typer(
    help="Membership: enroll a key with its certificate, revoke, show members.",
    no_args_is_help=True,
)


@app.command("enroll")
def enroll(
    ctx: typer.Context,
    key: Annotated[str, typer.Option("--key", help="The keyring key the certificate is for.")],
    cert: Annotated[
        Path, typer.Option("--cert", help="Member certificate, PEM (intermediates may follow).")
    ],
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the block.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Send membership.enroll, signed by KEY (proof that it holds the certified key)."""
    config = settings(ctx)
    try:
        data = cert.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {cert}: {exc.strerror or exc}") from None
    signing_key = load_key(config, key)
    with config.client() as client:
        info = membership.enroll(client, signing_key, data, wait=wait)
    if as_json:
        print_json({"hash": info.hash, "status": info.status, "height": info.height})
        return
    out.print(f"tx {info.hash}")
    if info.committed:
        out.print(config.text("committed", height=info.height))
        out.print("The key may send transactions from the next block on.")
    else:
        out.print(config.text("submitted"))


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    key: Annotated[str, typer.Option("--key", help="An admin key of the organisation.")],
    organisation: Annotated[str, typer.Option("--org", help="Organisation id.")],
    serial: Annotated[str, typer.Option(help="Certificate serial: decimal, or 0x-hex.")],
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the block.")] = True,
) -> None:
    """Revoke a member certificate of your organisation, by serial number."""
    number = _serial(serial)
    config = settings(ctx)
    signing_key = load_key(config, key)
    with config.client() as client:
        info = membership.revoke(client, signing_key, organisation, number, wait=wait)
    out.print(f"tx {info.hash}")
    if info.committed:
        out.print(config.text("committed", height=info.height))
        out.print(f"Serial {number} of {organisation} is refused from the next block on.")
    else:
        out.print(config.text("submitted"))


@app.command("show")
def show(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="Account address (40 hex digits).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a member: organisation, roles, certificate and whether it is revoked."""
    with settings(ctx).client() as client:
        record = membership.member(client, address.lower())
    if as_json:
        print_json(record)
        return
    table = kv_table(f"Member {record.get('address', address)}")
    for name in ("organisation", "organisation_status", "name", "serial", "suite"):
        table.add_row(name.replace("_", " "), escape(str(record.get(name, ""))))
    table.add_row("roles", ", ".join(record.get("roles") or []) or "(none)")
    table.add_row("valid from", _when(record.get("not_before")))
    table.add_row("valid until", _when(record.get("not_after")))
    revoked = record.get("revoked_height")
    table.add_row("revoked", "no" if revoked is None else f"[red]at height {revoked}[/]")
    table.add_row("certificate sha-256", str(record.get("cert_sha256", "")))
    out.print(table)


def _serial(text: str) -> int:
    try:
        value = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
    except ValueError:
        raise UsageProblem(f"--serial: expected a decimal or 0x-hex number, got {text!r}") from None
    if value < 0:
        raise UsageProblem(f"--serial: expected a non-negative number, got {text!r}")
    return value


def _when(seconds: Any) -> str:
    if not isinstance(seconds, int):
        return "-"
    return f"{datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC):%Y-%m-%d %H:%M:%S} UTC"
