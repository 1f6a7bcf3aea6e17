"""``sen did``: create, update, deactivate and resolve did:sen DIDs; print a key's did:key.

Verification methods come from keyring keys (their public halves: no
passphrase is asked for them) or from Multikey text; ids are ``key-1``,
``key-2``, ... in order unless written ``NAME:ID``. ``update`` replaces the
whole document (a key rotation is an update with the new key set).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from sen.cli._context import Settings, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.did import did_key_for, resolve
from sen.ledger.modules.identity import RELATIONSHIPS
from sen.ledger.modules.identity.multikey import MultikeyError, decode_multikey, encode_multikey
from sen.ledger.state import EmptyState
from sen.sdk.client import error_for
from sen.sdk.pkcs11 import is_pkcs11_uri

app = typer.Typer(
    help="Decentralized identifiers: did:sen for organisations and issuers, did:key for holders.",
    no_args_is_help=True,
)

DEFAULT_RELATIONSHIPS = ("authentication", "assertionMethod")

MethodKeys = Annotated[
    list[str] | None,
    typer.Option(
        "--method-key",
        help="A keyring key whose public key becomes a verification method (NAME or NAME:ID). "
        "Repeat for several.",
    ),
]
Multikeys = Annotated[
    list[str] | None,
    typer.Option(
        "--multikey",
        help="A public key as Multikey text (z6Mk... or zDn...), as ID=MULTIKEY or MULTIKEY.",
    ),
]
Relationships = Annotated[
    list[str] | None,
    typer.Option(
        "--relationship",
        help=f"Every method is listed under it ({', '.join(RELATIONSHIPS)}); default: "
        f"{' and '.join(DEFAULT_RELATIONSHIPS)}.",
    ),
]
Services = Annotated[
    list[str] | None,
    typer.Option("--service", help="ID,TYPE,URL, e.g. web,LinkedDomains,https://moet.gov.vn"),
]
Controllers = Annotated[
    list[str] | None,
    typer.Option(
        "--controller",
        help="An account address (hex) that may update the DID (default: the sender; "
        "update: unchanged).",
    ),
]
AlsoKnownAs = Annotated[
    list[str] | None, typer.Option("--also-known-as", help="Another URI of the same subject.")
]
ControllerDids = Annotated[
    list[str] | None,
    typer.Option("--controller-did", help="A DID listed as the document's controller."),
]
SignerKey = Annotated[str, typer.Option("--key", help="The signing key's name or pkcs11: URI.")]


def _say(text: str) -> None:
    """One line, as is: a DID holds colons that rich would read as :emoji: codes."""
    out.print(text, emoji=False, markup=False)


def _public_key(config: Settings, name: str) -> tuple[str, bytes]:
    if is_pkcs11_uri(name):
        signing_key = load_key(config, name)
        return signing_key.suite, signing_key.public_key
    info = config.keyring().info(name)
    return info.suite, info.public_key


def _methods(
    config: Settings, method_keys: list[str], multikeys: list[str]
) -> list[dict[str, str]]:
    methods: list[dict[str, str]] = []
    for entry in method_keys:
        name, _, fragment = entry.partition(":")
        suite, public_key = _public_key(config, name)
        try:
            text = encode_multikey(suite, public_key)
        except MultikeyError as exc:
            raise UsageProblem(f"--method-key {name}: {exc.reason}") from None
        methods.append({"id": fragment or f"key-{len(methods) + 1}", "public_key_multibase": text})
    for entry in multikeys:
        fragment, equals, text = entry.rpartition("=")
        if not equals:
            fragment = ""
        try:
            decode_multikey(text)
        except MultikeyError as exc:
            raise UsageProblem(f"--multikey {text[:20]}: {exc.reason}") from None
        methods.append({"id": fragment or f"key-{len(methods) + 1}", "public_key_multibase": text})
    if not methods:
        raise UsageProblem("give at least one --method-key or --multikey")
    return methods


def _services(entries: list[str]) -> list[dict[str, str]]:
    services = []
    for entry in entries:
        parts = entry.split(",", 2)
        if len(parts) != 3:
            raise UsageProblem(f"--service: expected ID,TYPE,URL, got {entry!r}")
        fragment, kind, url = (p.strip() for p in parts)
        services.append({"id": fragment, "type": kind, "service_endpoint": url})
    return services


def _addresses(entries: list[str]) -> list[bytes]:
    found = []
    for entry in entries:
        text = entry.removeprefix("0x").lower()
        try:
            value = bytes.fromhex(text)
        except ValueError:
            value = b""
        if len(value) != 20:
            raise UsageProblem(f"--controller: expected a 20-byte address in hex, got {entry!r}")
        found.append(value)
    return found


def _document_args(
    config: Settings,
    name: str,
    method_keys: list[str] | None,
    multikeys: list[str] | None,
    relationships: list[str] | None,
    services: list[str] | None,
    controllers: list[str] | None,
    also_known_as: list[str] | None,
    controller_dids: list[str] | None,
) -> dict[str, Any]:
    methods = _methods(config, method_keys or [], multikeys or [])
    ids = [m["id"] for m in methods]
    args: dict[str, Any] = {
        "name": name.removeprefix("did:sen:"),
        "verification_methods": methods,
        "relationships": {r: ids for r in (relationships or DEFAULT_RELATIONSHIPS)},
    }
    if services:
        args["services"] = _services(services)
    if controllers:
        args["controllers"] = _addresses(controllers)
    if also_known_as:
        args["also_known_as"] = list(also_known_as)
    if controller_dids:
        args["controller_dids"] = list(controller_dids)
    return args


def _send(config: Settings, key: str, action: str, args: dict[str, Any]) -> None:
    signing_key = load_key(config, key)
    with config.client() as client:
        info = client.send(signing_key, "identity", action, args)
    data = bytes.fromhex(info.result.data).decode() if info.result and info.result.data else ""
    did = "did:sen:" + str(args["name"])
    if action == "create":
        _say(f"created {data or did} (tx {info.hash}, block {info.height})")
    else:
        verb = "updated" if action == "update" else "deactivated"
        _say(f"{verb} {did}: version {data} (tx {info.hash}, block {info.height})")


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The did:sen name, e.g. moet or vnu.uet.")],
    key: SignerKey,
    method_key: MethodKeys = None,
    multikey: Multikeys = None,
    relationship: Relationships = None,
    service: Services = None,
    controller: Controllers = None,
    also_known_as: AlsoKnownAs = None,
    controller_did: ControllerDids = None,
) -> None:
    """Create did:sen:NAME (needs the issuer role on a permissioned chain)."""
    config = settings(ctx)
    args = _document_args(
        config,
        name,
        method_key,
        multikey,
        relationship,
        service,
        controller,
        also_known_as,
        controller_did,
    )
    _send(config, key, "create", args)


@app.command("update")
def update(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The did:sen name (or the DID).")],
    key: SignerKey,
    method_key: MethodKeys = None,
    multikey: Multikeys = None,
    relationship: Relationships = None,
    service: Services = None,
    controller: Controllers = None,
    also_known_as: AlsoKnownAs = None,
    controller_did: ControllerDids = None,
) -> None:
    """Replace the document with a new version (key rotation: give the new keys)."""
    config = settings(ctx)
    args = _document_args(
        config,
        name,
        method_key,
        multikey,
        relationship,
        service,
        controller,
        also_known_as,
        controller_did,
    )
    _send(config, key, "update", args)


@app.command("deactivate")
def deactivate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The did:sen name (or the DID).")],
    key: SignerKey,
) -> None:
    """Deactivate the DID for good (its past versions stay resolvable)."""
    config = settings(ctx)
    _send(config, key, "deactivate", {"name": name.removeprefix("did:sen:")})


@app.command("resolve")
def resolve_command(
    ctx: typer.Context,
    did: Annotated[str, typer.Argument(help="did:sen:NAME, or a did:key (resolved locally).")],
    version_time: Annotated[
        str | None,
        typer.Option("--version-time", help="The version in effect then (2027-01-15T00:00:00Z)."),
    ] = None,
    version_id: Annotated[
        str | None, typer.Option("--version-id", help="A version number.")
    ] = None,
    document_only: Annotated[
        bool, typer.Option("--document", help="Print only the DID document.")
    ] = False,
) -> None:
    """Resolve a DID: the document with its metadata (created, updated, versionId, ...)."""
    if did.startswith("did:key:"):
        result = resolve(did, EmptyState(), version_time=version_time, version_id=version_id)
        body: Any = result.to_json()
        status = 200 if result.error is None else 400
    else:
        params = {
            name: value
            for name, value in (("versionTime", version_time), ("versionId", version_id))
            if value is not None
        }
        with settings(ctx).client() as client:
            status, body = client.transport.request(
                "GET", f"/1.0/identifiers/{did}", params=params or None
            )
    if not isinstance(body, dict) or "didResolutionMetadata" not in body:
        raise error_for(status, body, f"/1.0/identifiers/{did}")
    error = body["didResolutionMetadata"].get("error")
    if error:
        details = body["didResolutionMetadata"].get("problemDetails") or {}
        raise CliError(f"{error}: {details.get('detail', '')}".rstrip(": "))
    print_json(body.get("didDocument") if document_only else body)


@app.command("key")
def key_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Option("--key", help="A keyring key name (or pkcs11: URI).")],
) -> None:
    """Print the did:key of a key (Ed25519 or P-256): how holders are identified."""
    suite, public_key = _public_key(settings(ctx), key)
    try:
        _say(did_key_for(suite, public_key))
    except MultikeyError as exc:
        raise CliError(f"key {key!r}: {exc.reason}") from None


@app.command("list")
def list_command(
    ctx: typer.Context,
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="Only this organisation's DIDs.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """List the chain's DIDs, newest first."""
    params = {"organisation": organisation} if organisation else None
    with settings(ctx).client() as client:
        status, body = client.transport.request("GET", "/v1/identity/dids", params=params)
    if status != 200 or not isinstance(body, dict):
        raise error_for(status, body, "/v1/identity/dids")
    if as_json:
        print_json(body)
        return
    table = Table("did", "version", "organisation", "created", "updated", "status")
    for item in body.get("dids", []):
        cells = (
            item.get("did"),
            item.get("version"),
            item.get("organisation") or "-",
            item.get("created"),
            item.get("updated"),
            "deactivated" if item.get("deactivated") else "active",
        )
        table.add_row(*(Text(str(cell)) for cell in cells))  # Text: no :emoji: in DIDs
    out.print(table)
