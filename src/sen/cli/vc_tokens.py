"""``sen vc token``: the node's VC-API bearer tokens, one per issuer (run on the node's host).

::

    sen vc token create did:sen:vnu     # prints the new token once; replaces vnu's old one
    sen vc token list                   # ids, issuers, dates; never a token
    sen vc token revoke did:sen:vnu

Tokens are kept salted-hashed in ``<home>/config/vc-tokens.json`` (mode 0600,
:mod:`sen.services.credentials.tokens`); a running node sees a change at once.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import typer
from rich.table import Table

from sen.cli._context import out, print_json, settings
from sen.cli.errors import CliError
from sen.node.config import load_config
from sen.services.credentials.config import load_vc_settings
from sen.services.credentials.tokens import TokenStore, tokens_path

app = typer.Typer(
    help="VC-API bearer tokens of this node, one per issuer (create, list, revoke).",
    no_args_is_help=True,
)
Issuer = Annotated[str, typer.Argument(help="The issuer's DID, as in [[vc.issuers]] did.")]


def _store(ctx: typer.Context) -> tuple[TokenStore, list[str]]:
    config = load_config(settings(ctx).home)
    vc = load_vc_settings(config.settings_path, "http://127.0.0.1")
    return TokenStore(tokens_path(config.settings_path)), [i.did for i in vc.issuers]


@app.command("create")
def create(
    ctx: typer.Context,
    issuer: Issuer,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create (or rotate) the token of an issuer and print it, once."""
    store, issuers = _store(ctx)
    if issuer not in issuers:
        configured = ", ".join(issuers) or "none"
        raise CliError(
            f"{issuer} is not an issuer of this node: add it to [[vc.issuers]] in sen.toml "
            f"first (configured: {configured})"
        )
    record, token = store.create(issuer)
    if as_json:
        print_json({"issuer": issuer, "id": record.id, "token": token, "file": store.path})
        return
    out.print(f"token for {issuer} (id {record.id}):", markup=False, emoji=False)
    out.print(token, markup=False, emoji=False)
    out.print(
        "Shown once: the node keeps only a salted hash of it, in "
        f"{store.path}. Any earlier token of {issuer} no longer works.",
        markup=False,
        emoji=False,
    )


@app.command("list")
def list_tokens(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The tokens of this node: id, issuer and when each was made (never the token)."""
    store, _ = _store(ctx)
    records = store.records()
    if as_json:
        print_json([{"id": r.id, "issuer": r.issuer, "created": r.created} for r in records])
        return
    if not records:
        out.print("No VC-API tokens: this node issues nothing. Create one with:")
        out.print("  sen vc token create DID", markup=False)
        return
    table = Table(title=f"VC-API tokens in {store.path}")
    for column in ("id", "issuer", "created"):
        table.add_column(column)
    for record in records:
        created = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
        table.add_row(record.id, record.issuer, created.strftime("%Y-%m-%d %H:%M:%S UTC"))
    out.print(table)


@app.command("revoke")
def revoke(ctx: typer.Context, issuer: Issuer) -> None:
    """Remove the token of an issuer: it stops working at once."""
    store, _ = _store(ctx)
    if not store.revoke(issuer):
        raise CliError(f"{issuer} has no token on this node")
    out.print(f"revoked the token of {issuer}", markup=False, emoji=False)
