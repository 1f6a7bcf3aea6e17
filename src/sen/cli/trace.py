"""``sen trace``: traceability on GS1 standards — the EPCIS repository beside a node, who
speaks for which GS1 Company Prefix, and event receipts (``docs/spec/traceability.md``).

``sen trace serve`` runs one organisation's EPCIS 2.0 repository: it captures as
``--capturer`` (a did:sen DID whose controller key is ``--key``), records each capture
job on chain by itself, and keeps its staff token in ``--secrets``; a product's GS1
Digital Link (``/01/<GTIN>/10/<lot>``...) opens the console's consumer page there, each
event's receipt checked against ``--genesis``. ``sen trace capture`` sends a document and
waits for its job; ``sen trace receipt`` saves an event's receipt for ``sen verify``;
``sen trace certify`` attaches a certificate (a verifiable credential) to the products'
pages, ``sen trace uncertify`` removes one; ``sen trace prefixes`` and ``sen trace
holder`` read the registry (prefixes are granted by governance: ``sen gov propose
grant_gs1_prefix``).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import typer
from rich.markup import escape
from rich.table import Table

from sen.api.server import serve_until_stopped
from sen.cli._context import err, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.cli.vault import made_token, read_staff_token, refuse_problem
from sen.ledger.crypto import address_of
from sen.ledger.errors import LedgerError
from sen.ledger.modules.trust.parsing import require_controller
from sen.light.genesis import Genesis
from sen.light.gs1_keys import check_digit, key_digits
from sen.node.config import ApiSettings, NodeConfig
from sen.sdk.client import Client
from sen.sdk.errors import NotFound, SenError
from sen.sdk.privacy import ChainState, ChainStateError
from sen.sdk.receipts import read_genesis

app = typer.Typer(
    help="Traceability on GS1 EPCIS 2.0: the repository, the prefix registry, event receipts.",
    no_args_is_help=True,
)
RepoUrl = Annotated[
    str, typer.Option("--repo", help="The EPCIS repository, e.g. http://127.0.0.1:26691.")
]
TokenFile = Annotated[
    Path,
    typer.Option(
        "--token-file",
        help="Your organisation's staff token (from the repository's --secrets): it decides "
        "which DID you capture as.",
    ),
]


@app.command("serve")
def serve(
    ctx: typer.Context,
    capturer: Annotated[
        list[str],
        typer.Option(
            "--capturer",
            help="A DID this repository captures as; repeat it (with one --key each, in the "
            "same order) for a value chain's shared repository, one organisation per DID.",
        ),
    ],
    key: Annotated[
        list[str],
        typer.Option(
            "--key",
            help="A controller key of each --capturer: a name in SEN_KEYRING (passphrase from "
            "SEN_PASSPHRASE or asked) or a pkcs11: URI.",
        ),
    ],
    secrets_dir: Annotated[
        Path,
        typer.Option(
            "--secrets",
            help="Folder of the staff tokens (made if absent): token for the first capturer, "
            "token-<name> for each other did:sen:<name>.",
        ),
    ] = Path(".sen/epcis"),
    store: Annotated[
        Path | None,
        typer.Option("--store", help="The SQLite event store (default: <secrets>/epcis.db)."),
    ] = None,
    postgres: Annotated[
        str | None,
        typer.Option(
            "--postgres",
            help="A PostgreSQL connection string (libpq: 'host=... dbname=... user=...'), "
            "instead of --store: the events on a server, indexed for the query language.",
        ),
    ] = None,
    public_queries: Annotated[
        bool,
        typer.Option("--public-queries", help="Let anyone query events (captures need the token)."),
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 26691,
    public_url: Annotated[
        str | None,
        typer.Option("--public-url", help="The address QR codes hold (default: http://HOST:PORT)."),
    ] = None,
    genesis: Annotated[
        Path | None,
        typer.Option(
            "--genesis",
            help="The chain's trusted genesis.json, to check receipts for the consumer page "
            "(default: the home's, else the node's, its SHA-256 printed).",
        ),
    ] = None,
) -> None:
    """Serve an EPCIS 2.0 repository and its products' consumer pages (until Ctrl-C)."""
    from sen.console import install_consumer
    from sen.services.credentials.remote import node_fetch
    from sen.services.traceability.anchoring import CaptureAnchorer
    from sen.services.traceability.catalog import Catalog
    from sen.services.traceability.certificates import (
        CertificateBook,
        NodeSources,
        add_certificates,
        chain_verifier,
    )
    from sen.services.traceability.chain import RemoteChain
    from sen.services.traceability.errors import EventStoreError
    from sen.services.traceability.repository import Repository
    from sen.services.traceability.resolver import add_resolver
    from sen.services.traceability.service import create_epcis_app
    from sen.services.traceability.store import EventStore, SqliteEventStore

    config = settings(ctx)
    if postgres is not None and store is not None:
        raise UsageProblem("--store and --postgres: one event store, not both")
    if len(capturer) != len(key):
        raise UsageProblem(
            f"--capturer and --key: one key per capturer, in order (got {len(capturer)} "
            f"capturers and {len(key)} keys)"
        )
    if len(set(capturer)) != len(capturer):
        raise UsageProblem("--capturer: each DID once")
    node_url = config.node_url()
    keys = {}
    for did, name in zip(capturer, key, strict=True):
        if not did.startswith("did:sen:"):
            raise UsageProblem(f"--capturer: expected a did:sen DID, got {did!r}")
        keys[did] = load_key(config, name)
        try:
            with Client.http(node_url) as node:
                address = address_of(keys[did].suite, keys[did].public_key)
                require_controller(ChainState(node), did, address, "key")
        except (LedgerError, ChainStateError, SenError) as exc:
            raise UsageProblem(
                f"--key {name}: it does not control {did} on the chain: {exc}"
            ) from None
    trusted = _trusted_genesis(genesis, NodeConfig(home=config.home).genesis_path, node_url)
    token_files = {
        did: secrets_dir / ("token" if i == 0 else f"token-{did.removeprefix('did:sen:')}")
        for i, did in enumerate(capturer)
    }
    tokens = {made_token(path): did for did, path in token_files.items()}
    opened: EventStore
    try:
        if postgres is not None:
            from sen.services.traceability.postgres import PostgresEventStore

            opened = PostgresEventStore(postgres)
        else:
            opened = SqliteEventStore(store or secrets_dir / "epcis.db")
    except EventStoreError as exc:
        raise UsageProblem(f"{'--postgres' if postgres else '--store'}: {exc}") from None
    catalog = Catalog(secrets_dir / "catalog.db")
    verifying = Client.http(node_url)  # certificates are verified each time they are shown
    book = CertificateBook(
        secrets_dir / "catalog.db", chain_verifier(lambda: NodeSources(node_fetch(verifying)))
    )
    repository = Repository(
        opened, RemoteChain(lambda: Client.http(node_url), keys), capturer, catalog=catalog
    )
    anchorer = CaptureAnchorer(repository)
    service = create_epcis_app(
        repository, tokens=tokens, public_queries=public_queries, wake=anchorer.wake
    )
    site = (public_url or f"http://{host}:{port}").rstrip("/")
    add_resolver(service, repository, catalog, public_url=site,
                 page=install_consumer(service), genesis=trusted, certificates=book,
                 public_queries=public_queries)  # fmt: skip
    add_certificates(service, book, tokens=tokens)
    anchorer.start()
    err.print(
        f"EPCIS repository of {', '.join(capturer)} at http://{host}:{port}/epcis, node "
        f"{node_url}; products at {site}/01/<GTIN>/...",
        markup=False,
    )
    for did, path in token_files.items():
        err.print(f"  staff token of {did}: {path}", markup=False)
    try:
        serve_until_stopped(service, host, port, ApiSettings())
    finally:
        anchorer.stop()
        opened.close()
        catalog.close()
        book.close()
        verifying.close()


def _trusted_genesis(given: Path | None, home_file: Path, node_url: str) -> Genesis:
    """``--genesis``, else the home's genesis file (refused unless it is the node's chain's),
    else the node's own, its SHA-256 printed for the operator to compare."""
    if given is not None and not given.is_file():
        raise UsageProblem(f"--genesis: {given} is not a file")
    if given is not None:
        return read_genesis(given)
    with Client.http(node_url) as node:
        served = node.genesis()
    digest = hashlib.sha256(served).hexdigest()
    if home_file.is_file():
        kept = home_file.read_bytes()
        if hashlib.sha256(kept).hexdigest() != digest:
            raise UsageProblem(
                f"{home_file} is not the genesis of the node at {node_url} (SHA-256 {digest}): "
                "pass the chain's trusted genesis with --genesis"
            )
        return read_genesis(kept)
    err.print(
        f"genesis from the node at {node_url}, SHA-256 {digest}: compare it with the chain's "
        "published genesis hash, or pass --genesis",
        markup=False,
    )
    return read_genesis(served)


def _call(method: str, url: str, token: str | None, **kwargs: Any) -> Any:
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers.update(kwargs.pop("headers", {}))
    try:
        answer = httpx.request(method, url, headers=headers, timeout=60, **kwargs)
    except httpx.HTTPError as exc:
        raise UsageProblem(f"--repo: no EPCIS repository answers at {url}: {exc}") from None
    refuse_problem(answer, "the repository")
    return answer


@app.command("capture")
def capture(
    ctx: typer.Context,
    document: Annotated[
        Path, typer.Argument(help="An EPCIS 2.0 document: JSON-LD, or XML (a .xml file).")
    ],
    repo: RepoUrl,
    token_file: TokenFile,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for the job.")] = 60,
    as_json: Annotated[bool, typer.Option("--json", help="Print the job as JSON.")] = False,
) -> None:
    """Capture a document and wait until its job is recorded on chain (or refused)."""
    settings(ctx)
    if not document.is_file():
        raise UsageProblem(f"{document}: no such file")
    token = read_staff_token(token_file)
    base = repo.rstrip("/")
    syntax = "application/xml" if document.suffix.lower() == ".xml" else "application/ld+json"
    answer = _call("POST", f"{base}/epcis/capture", token, content=document.read_bytes(),
                   headers={"Content-Type": syntax})  # fmt: skip
    location = answer.headers.get("Location", "")
    job = answer.json()
    err.print(f"capture job {job['captureID']}: {job['sen']['events']} event(s), recording...",
              markup=False)  # fmt: skip
    deadline = time.monotonic() + timeout
    while job.get("running"):
        if time.monotonic() > deadline:
            raise CliError(f"capture job {job['captureID']} still running after {timeout} s")
        time.sleep(0.5)
        job = _call("GET", base + location, token).json()
    if as_json:
        print_json(job)
    elif job.get("success"):
        out.print(
            f"[green]recorded[/]: capture job {job['captureID']}, {job['sen']['events']} event(s)"
            f" at block {job['sen']['height']}"
        )
    if not job.get("success"):
        reasons = "; ".join(e.get("title", "") for e in job.get("errors", []))
        raise CliError(f"capture job {job['captureID']} refused: {reasons}")


@app.command("certify")
def certify(
    ctx: typer.Context,
    credential: Annotated[
        Path, typer.Argument(help="A certificate: a verifiable credential (JSON), signed.")
    ],
    repo: RepoUrl,
    token_file: TokenFile,
    as_json: Annotated[bool, typer.Option("--json", help="Print the certificate as JSON.")] = False,
) -> None:
    """Attach a certificate (an OCOP rating, a VietGAP or organic certificate: a verifiable
    credential about a GTIN, a lot, a GLN or the producer's DID) to the products' pages;
    the repository refuses one that does not verify now."""
    settings(ctx)
    if not credential.is_file():
        raise UsageProblem(f"{credential}: no such file")
    url = f"{repo.rstrip('/')}/trace/v1/certificates"
    answer = _call("POST", url, read_staff_token(token_file), content=credential.read_bytes())
    shown = answer.json()
    if as_json:
        print_json(shown)
        return
    held = "attached" if answer.status_code == 201 else "already attached"
    what = f"{', '.join(shown['types'])} of {shown['key']} by {shown['issuer']}"
    out.print(f"[green]{held}[/]: {escape(what)}, {shown['status']}")
    out.print(f"its id here: {shown['id']} (sen trace uncertify {shown['id']} removes it)")


@app.command("uncertify")
def uncertify(
    ctx: typer.Context,
    certificate: Annotated[
        str, typer.Argument(help="The certificate's id here, as `sen trace certify` printed it.")
    ],
    repo: RepoUrl,
    token_file: TokenFile,
) -> None:
    """Remove a certificate from the products' pages; only the member who attached it can
    (to withdraw a certificate for everyone, its issuer revokes it)."""
    settings(ctx)
    url = f"{repo.rstrip('/')}/trace/v1/certificates/{quote(certificate, safe='')}"
    _call("DELETE", url, read_staff_token(token_file))
    out.print(f"[green]removed[/]: certificate {escape(certificate)}")


def _keyed_number(identifier: str) -> str | None:
    """The GTIN, SSCC or GLN a Digital Link writes with its check digit (an EPC URI has
    none), or None."""
    found = re.search(r"/(?:01|00|414|417)/(\d{13,18})(?:/|$)", identifier)
    return found.group(1) if found else None


@app.command("receipt")
def receipt(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(help="The event's eventID.")],
    repo: RepoUrl,
    save: Annotated[Path, typer.Option("--save", help="Write the receipt here (for sen verify).")],
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="A staff token: not needed for an event on a product's journey (its "
            "receipts are public, the resolver's); with it, the repository's own "
            "/epcis/receipts is asked, for any event.",
        ),
    ] = None,
) -> None:
    """Save an event's receipt; `sen verify FILE --genesis genesis.json` checks it offline."""
    settings(ctx)
    if not event_id.strip():
        raise UsageProblem("the eventID is empty: give the event's eventID (ni:///sha-256;...)")
    wanted = quote(event_id, safe="")
    if token_file is None:
        receipts = _call("GET", f"{repo.rstrip('/')}/trace/v1/receipts?eventID={wanted}", None)
    else:
        url = f"{repo.rstrip('/')}/epcis/receipts?eventID={wanted}"
        receipts = _call("GET", url, read_staff_token(token_file))
    receipts = receipts.json()
    if len(receipts) == 1:
        save.write_text(json.dumps(receipts[0], ensure_ascii=False, indent=1))
    else:  # an event and its error declaration: one file each
        for i, each in enumerate(receipts):
            path = save.with_name(f"{save.stem}.{i}{save.suffix}")
            path.write_text(json.dumps(each, ensure_ascii=False, indent=1))
    err.print(f"{len(receipts)} receipt(s) saved to {save}", markup=False)


@app.command("prefixes")
def prefixes(
    ctx: typer.Context,
    holder: Annotated[str, typer.Argument(help="A did:sen DID.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The GS1 Company Prefixes a DID speaks for (granted at genesis or by governance)."""
    config = settings(ctx)
    with config.client() as client:
        found = client.get_list(f"/v1/trace/holders/{holder}/prefixes")
    if as_json:
        print_json(found)
        return
    table = Table("prefix", "granted at block")
    for grant in found:
        table.add_row(grant["prefix"], str(grant["granted_height"]))
    out.print(table if found else f"{holder} holds no GS1 Company Prefix")


@app.command("holder")
def holder(
    ctx: typer.Context,
    identifier: Annotated[
        str, typer.Argument(help="A GS1 identifier: an EPC URI or a GS1 Digital Link URI.")
    ],
) -> None:
    """Who speaks for a GS1 identifier's company prefix."""
    config = settings(ctx)
    digits = key_digits(identifier)
    if digits is None:
        raise UsageProblem(
            f"{identifier!r} is not a GS1 identifier (urn:epc:... or https://.../01/<GTIN>...)"
        )
    number = _keyed_number(identifier)
    if number is not None and number[-1] != check_digit(number[:-1]):
        raise UsageProblem(
            f"{identifier}: the check digit of {number} is wrong (expected "
            f"{number[:-1]}{check_digit(number[:-1])}): a mistyped or copied number"
        )
    try:
        with config.client() as client:
            grant = client.get(f"/v1/trace/keys/{digits}/holder")
    except NotFound:
        out.print(f"no GS1 Company Prefix granted on this chain covers {identifier}")
        raise typer.Exit(1) from None
    out.print(f"{identifier}: prefix {grant['prefix']}, held by {grant['holder']}")
