"""``sen trust``: accredit issuers, revoke accreditations, check them; roots; credential schemas.

Every DID on the command line is a did:sen DID (``did:sen:moet``); the
signing key must control the DID it acts for (``--accreditor``, ``--by``,
``--issuer``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from sen.cli._context import Settings, kv_table, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.did import InvalidOptions, parse_version_time
from sen.sdk.client import error_for

app = typer.Typer(
    help="Trust registry: root authorities, issuer accreditations and credential schemas.",
    no_args_is_help=True,
)

SignerKey = Annotated[str, typer.Option("--key", help="The signing key's name or pkcs11: URI.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the raw JSON.")]


def _say(text: str) -> None:
    """One line, as is: DIDs hold colons that rich would read as :emoji: codes."""
    out.print(text, emoji=False, markup=False)


def _seconds(value: str, option: str) -> int:
    if value.isdigit():
        return int(value)
    try:
        return parse_version_time(value)
    except InvalidOptions:
        raise UsageProblem(
            f"{option}: expected unix seconds or a time such as 2030-01-01T00:00:00Z, got {value!r}"
        ) from None


def _send(config: Settings, key: str, action: str, args: dict[str, Any]) -> tuple[str, Any]:
    signing_key = load_key(config, key)
    with config.client() as client:
        info = client.send(signing_key, "trust", action, args)
    data = bytes.fromhex(info.result.data).decode() if info.result and info.result.data else ""
    return data, info


def _get(config: Settings, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
    with config.client() as client:
        status, body = client.transport.request("GET", path, params=params)
    if status != 200 or not isinstance(body, dict):
        raise error_for(status, body, path)
    return body


@app.command("accredit")
def accredit(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Argument(help="The DID accredited, e.g. did:sen:hust.")],
    accreditor: Annotated[
        str, typer.Option("--accreditor", help="The accrediting DID (a root, or delegated).")
    ],
    credential_type: Annotated[
        list[str], typer.Option("--type", help="A credential type it may issue; repeat.")
    ],
    key: SignerKey,
    may_accredit: Annotated[
        bool, typer.Option("--may-accredit", help="It may accredit others for these types.")
    ] = False,
    valid_until: Annotated[
        str | None,
        typer.Option("--valid-until", help="End of validity: unix seconds or an XML datetime."),
    ] = None,
) -> None:
    """Accredit ISSUER for credential types (the key must control --accreditor)."""
    args: dict[str, Any] = {
        "accreditor": accreditor,
        "issuer": issuer,
        "credential_types": list(credential_type),
    }
    if may_accredit:
        args["may_accredit"] = True
    if valid_until is not None:
        args["valid_until"] = _seconds(valid_until, "--valid-until")
    number, info = _send(settings(ctx), key, "accredit", args)
    _say(f"accredited {issuer} (accreditation {number}) by {accreditor} (block {info.height})")


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Argument(help="The accredited DID.")],
    accreditation: Annotated[int, typer.Argument(metavar="ID", help="The accreditation's id.")],
    key: SignerKey,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Act as this trust root (default: as the accreditor)."),
    ] = None,
) -> None:
    """Revoke accreditation ID of ISSUER (kept in the history with its time)."""
    args: dict[str, Any] = {"issuer": issuer, "id": accreditation}
    if by is not None:
        args["by"] = by
    _, info = _send(settings(ctx), key, "revoke_accreditation", args)
    _say(f"revoked accreditation {accreditation} of {issuer} (block {info.height})")


@app.command("check")
def check(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Argument(help="The issuer's DID.")],
    credential_type: Annotated[str, typer.Argument(metavar="TYPE", help="A credential type.")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="When (unix seconds or XML datetime); default: now."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Was ISSUER accredited for TYPE (at --at)? Exit 1 if not."""
    params = {"issuer": issuer, "type": credential_type}
    if at is not None:
        params["at"] = str(_seconds(at, "--at"))
    body = _get(settings(ctx), "/v1/trust/check", params)
    if as_json:
        print_json(body)
    elif body.get("ok"):
        chain = " → ".join([issuer, *(str(a["accreditor"]) for a in body.get("path", []))])
        _say(f"accredited for {credential_type} at {body.get('at')}: {chain} (root)")
    if not body.get("ok"):
        raise CliError(f"not accredited ({body.get('error')}): {body.get('reason')}")


@app.command("roots")
def roots(ctx: typer.Context, as_json: AsJson = False) -> None:
    """The root authorities, and when they changed."""
    body = _get(settings(ctx), "/v1/trust/roots")
    if as_json:
        print_json(body)
        return
    table = Table("version", "from height", "from", "roots")
    for version in body.get("history", []):
        cells = (
            version["version"],
            version["height"],
            version["time"],
            ", ".join(version["roots"]),
        )
        table.add_row(*(Text(str(cell)) for cell in cells))
    out.print(table)


@app.command("issuer")
def issuer_command(
    ctx: typer.Context,
    did: Annotated[str, typer.Argument(help="The DID.")],
    as_json: AsJson = False,
) -> None:
    """The accreditations a DID received and granted, with revocations."""
    body = _get(settings(ctx), f"/v1/trust/issuers/{did}")
    if as_json:
        print_json(body)
        return
    table = Table("issuer", "id", "accreditor", "types", "delegate", "from", "until", "revoked")
    for item in [*body.get("accreditations", []), *body.get("granted", [])]:
        cells = (
            item["issuer"],
            item["id"],
            item["accreditor"],
            ", ".join(item["credential_types"]),
            "yes" if item["may_accredit"] else "no",
            item["from_time"],
            item["until"] or "-",
            item["revoked_time"] or "-",
        )
        table.add_row(*(Text(str(cell)) for cell in cells))
    out.print(table)


@app.command("schema-register")
def schema_register(
    ctx: typer.Context,
    schema_id: Annotated[str, typer.Argument(metavar="ID", help="The schema's https:// URL.")],
    issuer: Annotated[str, typer.Option("--issuer", help="The registering DID.")],
    name: Annotated[str, typer.Option("--name", help="A human name.")],
    version: Annotated[str, typer.Option("--version", help="e.g. 1.0.0.")],
    credential_type: Annotated[str, typer.Option("--type", help="The credential type.")],
    key: SignerKey,
    file: Annotated[
        Path | None, typer.Option("--file", help="The JSON Schema document (hashed as is).")
    ] = None,
    digest: Annotated[
        str | None, typer.Option("--digest", help="Its SHA-256 in hex, instead of --file.")
    ] = None,
) -> None:
    """Register a credential schema by URL and SHA-256."""
    if (file is None) == (digest is None):
        raise UsageProblem("give --file or --digest (one of them)")
    if file is not None:
        value = hashlib.sha256(file.read_bytes()).digest()
    else:
        try:
            value = bytes.fromhex(str(digest))
        except ValueError:
            value = b""
        if len(value) != 32:
            raise UsageProblem(f"--digest: expected 64 hex digits, got {digest!r}")
    args = {
        "id": schema_id,
        "name": name,
        "version": version,
        "credential_type": credential_type,
        "digest": value,
        "issuer": issuer,
    }
    _, info = _send(settings(ctx), key, "register_schema", args)
    _say(f"registered {schema_id} (sha-256 {value.hex()}, block {info.height})")


@app.command("schema-deprecate")
def schema_deprecate(
    ctx: typer.Context,
    schema_id: Annotated[str, typer.Argument(metavar="ID", help="The schema's URL.")],
    key: SignerKey,
) -> None:
    """Mark a schema deprecated (its record stays)."""
    _, info = _send(settings(ctx), key, "deprecate_schema", {"id": schema_id})
    _say(f"deprecated {schema_id} (block {info.height})")


@app.command("schema-show")
def schema_show(
    ctx: typer.Context,
    schema_id: Annotated[str, typer.Argument(metavar="ID", help="The schema's URL.")],
    as_json: AsJson = False,
) -> None:
    """Show a registered schema."""
    body = _get(settings(ctx), f"/v1/trust/schemas/{schema_id}")
    if as_json:
        print_json(body)
        return
    table = kv_table(str(body.get("id")))
    for field in ("name", "version", "credential_type", "issuer", "digest", "registered_time"):
        table.add_row(field, Text(str(body.get(field))))
    table.add_row("status", "deprecated" if body.get("deprecated") else "in use")
    out.print(table)
