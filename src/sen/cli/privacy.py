"""``sen privacy``: data-subject requests and their 72-hour clocks, erasure receipts.

The data subject files a request (``request``, with its wallet key; no membership needed);
the controller sees its queue, overdue first (``queue``), acknowledges and answers
(``ack``, ``answer``: the answer document stays off chain, its SHA-256 goes on chain). An
erasure's tombstone is the subject's receipt (``erasure``, its state proof checked). Where
personal data lives is declared on chain (``declare-vault``; ``vaults`` lists it). See
``docs/spec/privacy.md``; consents are ``sen consent``.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sen.cli._context import kv_table, out, print_json, settings
from sen.cli.consent import hex_id, save_receipt
from sen.cli.directory import verified
from sen.cli.errors import UsageProblem
from sen.cli.tx import load_key
from sen.did import xml_datetime
from sen.ledger.modules.privacy import OUTCOMES, REQUEST_KINDS
from sen.sdk.privacy import did_key, privacy_receipt

app = typer.Typer(
    help="Data-subject requests (72-hour clocks) and erasure receipts.", no_args_is_help=True
)

Controller = Annotated[str, typer.Argument(help="The controller's DID, e.g. did:sen:benh-vien-a.")]
RequestId = Annotated[str, typer.Argument(metavar="REQUEST", help="The request's id (32 hex).")]


def _say(text: str) -> None:
    out.print(text, emoji=False, markup=False)


def _clock(seconds_left: int | None, overdue: bool | None, is_open: bool) -> str:
    if not is_open:
        return "answered"
    if overdue:
        return f"OVERDUE by {-(seconds_left or 0) // 3600} h"
    if seconds_left is None:
        return "?"
    return f"{seconds_left // 3600} h {seconds_left % 3600 // 60} min left"


@app.command("request")
def file_request(
    ctx: typer.Context,
    controller: Controller,
    kind: Annotated[str, typer.Option("--kind", help=", ".join(REQUEST_KINDS))],
    key: Annotated[str, typer.Option("--key", help="The data subject's wallet key.")],
    consent: Annotated[
        str | None, typer.Option("--consent", help="The consent concerned (for a withdrawal).")
    ] = None,
) -> None:
    """File a request with a controller; its 72-hour clock starts at the block."""
    if kind not in REQUEST_KINDS:
        raise UsageProblem(f"--kind: expected one of {', '.join(REQUEST_KINDS)}, got {kind!r}")
    if kind == "withdrawal" and consent is None:
        raise UsageProblem("--consent: a withdrawal request names the consent to withdraw")
    config = settings(ctx)
    signing_key = load_key(config, key)
    request_id = secrets.token_bytes(16)
    args: dict[str, object] = {
        "id": request_id, "controller": controller, "subject": did_key(signing_key), "kind": kind,
    }  # fmt: skip
    if consent is not None:
        args["consent"] = bytes.fromhex(hex_id(consent, "--consent"))
    with config.client() as client:
        info = client.send(signing_key, "privacy", "file_request", args)
        body = client.get(f"/v1/privacy/requests/{request_id.hex()}")
    due = xml_datetime(int(body["due"]))
    _say(f"request {request_id.hex()} ({kind}) filed at block {info.height}; answer due by {due}")


@app.command("queue")
def queue(
    ctx: typer.Context,
    controller: Controller,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only requests not yet answered.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """A controller's requests, overdue first, with the time left on each clock."""
    with settings(ctx).client() as client:
        body = client.get(
            f"/v1/privacy/controllers/{controller}/requests", {"open_only": open_only}
        )
    for found in body["requests"]:
        verified(found["record"])
    if as_json:
        print_json(body)
        return
    table = Table(title=f"{controller}: {body['open']} open, {body['overdue']} overdue")
    table.add_column("request", no_wrap=True, min_width=32)
    for column in ("kind", "filed", "due (UTC)", "clock", "outcome"):
        table.add_column(column)
    for found in body["requests"]:
        clock = _clock(found["seconds_left"], found["overdue"], found["open"])
        late = " (late)" if found["late"] else ""
        outcome = (found["outcome"] or "") + late
        due = xml_datetime(int(found["due"]))
        row = (found["id"], found["kind"], str(found["filed_height"]), due, Text(clock), outcome)
        table.add_row(*row)
    out.print(table)


def _controller_send(ctx: typer.Context, key: str, action: str, args: dict[str, object]) -> int:
    config = settings(ctx)
    signing_key = load_key(config, key)
    with config.client() as client:
        return client.send(signing_key, "privacy", action, args).height or 0


@app.command("ack")
def acknowledge(
    ctx: typer.Context,
    request_id: RequestId,
    key: Annotated[str, typer.Option("--key", help="A key controlling the controller's DID.")],
) -> None:
    """Acknowledge a request (the controller)."""
    args: dict[str, object] = {"request": bytes.fromhex(hex_id(request_id, "REQUEST"))}
    height = _controller_send(ctx, key, "acknowledge_request", args)
    _say(f"request {request_id} acknowledged at block {height}")


@app.command("answer")
def answer(
    ctx: typer.Context,
    request_id: RequestId,
    outcome: Annotated[str, typer.Option("--outcome", help=" or ".join(OUTCOMES))],
    document: Annotated[
        Path, typer.Option("--document", help="The answer sent to the subject (kept off chain).")
    ],
    key: Annotated[str, typer.Option("--key", help="A key controlling the controller's DID.")],
) -> None:
    """Answer a request; the document's SHA-256 is anchored (salt it: add a random line)."""
    if outcome not in OUTCOMES:
        raise UsageProblem(f"--outcome: expected {' or '.join(OUTCOMES)}, got {outcome!r}")
    try:
        digest = hashlib.sha256(document.read_bytes()).digest()
    except OSError as exc:
        raise UsageProblem(f"--document: cannot read {document}: {exc.strerror}") from None
    args: dict[str, object] = {
        "request": bytes.fromhex(hex_id(request_id, "REQUEST")), "outcome": outcome,
        "answer": digest,
    }  # fmt: skip
    height = _controller_send(ctx, key, "answer_request", args)
    _say(f"request {request_id} answered ({outcome}) at block {height}; digest {digest.hex()}")


@app.command("erasure")
def erasure(
    ctx: typer.Context,
    controller: Controller,
    subject_ref: Annotated[str, typer.Argument(help="The vault's subject reference (32 hex).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the receipt as JSON.")] = False,
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Write the receipt to keep: sen verify checks it offline."),
    ] = None,
) -> None:
    """An erasure receipt: the tombstone, its state proof checked."""
    path = f"/v1/privacy/erasures/{controller}/{hex_id(subject_ref, 'SUBJECT_REF')}"
    config = settings(ctx)
    with config.client() as client:
        body = client.get(path)
        verified(body["record"])
        if save is not None:
            save_receipt(config, privacy_receipt(client, path + "/receipt"), save)
    if as_json:
        print_json(body)
        return
    table = kv_table(f"erasure of {body['subject_ref']} by {controller}")
    table.add_row("records erased", str(len(body["records"])))
    table.add_row("erased at", xml_datetime(int(body["erased_at"])))
    table.add_row("recorded at block", str(body["recorded_height"]))
    table.add_row("deletion request", str(body["request"]))
    table.add_row("digest", body["digest"])
    table.add_row("proof", f"verified against app hash {body['record']['app_hash']}")
    out.print(table)


@app.command("declare-vault")
def declare_vault(
    ctx: typer.Context,
    controller: Controller,
    name: Annotated[str, typer.Option("--name", help="The vault's name, e.g. main.")],
    jurisdiction: Annotated[
        str,
        typer.Option(
            "--jurisdiction", help="Where its data lives: ISO 3166, e.g. VN or VN-HN (Hà Nội)."
        ),
    ],
    key: Annotated[str, typer.Option("--key", help="A key controlling the controller's DID.")],
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="The vault service's address, if public.")
    ] = "",
) -> None:
    """Declare on chain where one of the controller's vaults keeps personal data."""
    args: dict[str, object] = {
        "controller": controller, "name": name, "jurisdiction": jurisdiction,
    }  # fmt: skip
    if endpoint:
        args["endpoint"] = endpoint
    height = _controller_send(ctx, key, "declare_vault", args)
    _say(f"vault {name} of {controller} declared in {jurisdiction} at block {height}")


@app.command("vaults")
def vaults(
    ctx: typer.Context,
    controller: Controller,
    as_json: Annotated[bool, typer.Option("--json", help="Print the vaults as JSON.")] = False,
) -> None:
    """Where a controller keeps personal data: its declared vaults, state proofs checked."""
    with settings(ctx).client() as client:
        body = client.get_list(f"/v1/privacy/controllers/{controller}/vaults")
    for vault in body:
        verified(vault["record"])
    if as_json:
        print_json(body)
        return
    if not body:
        _say(f"{controller} has declared no vault")
    for vault in body:
        where = f" at {vault['endpoint']}" if vault.get("endpoint") else ""
        _say(
            f"{vault['name']}: {vault['jurisdiction']}{where} (version {vault['version']}, "
            f"block {vault['declared_height']})"
        )
