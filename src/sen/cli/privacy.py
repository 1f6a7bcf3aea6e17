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
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from sen.cli._context import Settings, kv_table, out, print_json, settings
from sen.cli.consent import hex_id, save_receipt
from sen.cli.directory import verified
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.did import xml_datetime
from sen.ledger.modules.privacy import (
    OUTCOMES,
    REQUEST_KINDS,
    Erasure,
    VaultDeclaration,
    erasure_digest,
    erasure_key,
)
from sen.ledger.modules.privacy.actions import ASSESSMENT_KINDS, REVIEW_DECISIONS
from sen.ledger.modules.privacy.records import vault_key
from sen.sdk.privacy import did_key, new_request_id, privacy_receipt

app = typer.Typer(
    help="Data-subject requests (72-hour clocks) and erasure receipts.", no_args_is_help=True
)

Controller = Annotated[str, typer.Argument(help="The controller's DID, e.g. did:sen:benh-vien-a.")]
RequestId = Annotated[str, typer.Argument(metavar="REQUEST", help="The request's id (32 hex).")]


def _say(text: str) -> None:
    out.print(text, emoji=False, markup=False)


def _clock(config: Settings, seconds_left: int | None, overdue: bool | None, is_open: bool) -> str:
    if not is_open:
        return config.text("privacy_clock_answered")
    if overdue:
        return config.text("privacy_clock_overdue", hours=-(seconds_left or 0) // 3600)
    if seconds_left is None:
        return "?"
    return config.text(
        "privacy_clock_left", hours=seconds_left // 3600, minutes=seconds_left % 3600 // 60
    )


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
    subject = did_key(signing_key)
    request_id = new_request_id(subject, controller)
    args: dict[str, object] = {
        "id": request_id, "controller": controller, "subject": subject, "kind": kind,
    }  # fmt: skip
    if consent is not None:
        args["consent"] = bytes.fromhex(hex_id(consent, "--consent"))
    with config.client() as client:
        info = client.send(signing_key, "privacy", "file_request", args)
        body = client.get(f"/v1/privacy/requests/{request_id.hex()}")
    due = xml_datetime(int(body["due"]))
    _say(config.text("privacy_filed", id=request_id.hex(), kind=kind, height=info.height, due=due))


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
    config = settings(ctx)
    with config.client() as client:
        body = client.get(
            f"/v1/privacy/controllers/{controller}/requests", {"open_only": open_only}
        )
    for found in body["requests"]:
        verified(found["record"])
    if as_json:
        print_json(body)
        return
    title = config.text(
        "privacy_queue_title", controller=controller, open=body["open"], overdue=body["overdue"]
    )
    table = Table(title=title)
    first, *columns = config.text("privacy_columns").split("|")
    table.add_column(first, no_wrap=True, min_width=32)
    for column in columns:
        table.add_column(column, overflow="fold")
    for found in body["requests"]:
        clock = _clock(config, found["seconds_left"], found["overdue"], found["open"])
        late = config.text("privacy_late") if found["late"] else ""
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
    _say(settings(ctx).text("privacy_acknowledged", id=request_id, height=height))


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
    said = settings(ctx).text(
        "privacy_answered", id=request_id, outcome=outcome, height=height, digest=digest.hex()
    )
    _say(said)


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
        decoded = verified(body["record"])
        if save is not None:
            save_receipt(config, privacy_receipt(client, path + "/receipt"), save)
    try:
        tombstone = Erasure.from_value(decoded)
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise CliError(f"the node's answer is not a tombstone: {exc}") from None
    key = erasure_key(controller, bytes.fromhex(hex_id(subject_ref, "SUBJECT_REF")))
    if bytes.fromhex(body["record"]["key"]) != key or tombstone.controller != controller:
        raise CliError("the node answered another key than this subject's tombstone")
    body = {
        **body, "subject_ref": tombstone.subject_ref.hex(),
        "records": [[r.hex(), c.hex()] for r, c in tombstone.records],
        "erased_at": tombstone.erased_at, "recorded_height": tombstone.recorded[0],
        "request": None if tombstone.request is None else tombstone.request.hex(),
        "digest": erasure_digest(tombstone).hex(),
    }  # fmt: skip
    if as_json:
        print_json(body)
        return
    table = kv_table(
        config.text("privacy_erasure_title", subject=body["subject_ref"], controller=controller)
    )
    labels = config.text("privacy_erasure_rows").split("|")
    values = (
        str(len(body["records"])), xml_datetime(int(body["erased_at"])),
        str(body["recorded_height"]), str(body["request"]), body["digest"],
        config.text("privacy_proof_verified", app_hash=body["record"]["app_hash"]),
    )  # fmt: skip
    for label, value in zip(labels, values, strict=True):
        table.add_row(label, value)
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
    said = settings(ctx).text(
        "privacy_vault_declared", name=name, controller=controller, jurisdiction=jurisdiction,
        height=height,
    )  # fmt: skip
    _say(said)


@app.command("vaults")
def vaults(
    ctx: typer.Context,
    controller: Controller,
    as_json: Annotated[bool, typer.Option("--json", help="Print the vaults as JSON.")] = False,
) -> None:
    """Where a controller keeps personal data: its declared vaults, state proofs checked."""
    config = settings(ctx)
    with config.client() as client:
        body = client.get_list(f"/v1/privacy/controllers/{controller}/vaults")
    proven = [_proven_vault(controller, vault) for vault in body]
    if as_json:
        print_json(proven)
        return
    if not proven:
        _say(config.text("privacy_no_vault", controller=controller))
    for vault in proven:
        endpoint = vault.get("endpoint")
        where = config.text("privacy_vault_at", endpoint=endpoint) if endpoint else ""
        _say(
            config.text(
                "privacy_vault_line",
                name=vault["name"],
                jurisdiction=vault["jurisdiction"],
                where=where,
                version=vault["version"],
                height=vault["declared_height"],
            )
        )


def _proven_vault(controller: str, view: dict[str, Any]) -> dict[str, Any]:
    """The view of a vault rebuilt from what its state proof proves (a node that rewrites the
    view's fields, or answers another key, is caught here), with the proof kept."""
    record = view["record"]
    try:
        declared = VaultDeclaration.from_value(verified(record))
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise CliError(f"the node's answer is not a vault declaration: {exc}") from None
    if declared.controller != controller or bytes.fromhex(record["key"]) != vault_key(
        controller, declared.name
    ):
        raise CliError(f"the node answered another key than {controller}'s vault {declared.name}")
    return {
        "controller": declared.controller, "name": declared.name,
        "jurisdiction": declared.jurisdiction, "endpoint": declared.endpoint or None,
        "version": declared.version, "declared_height": declared.declared[0],
        "declared_time": declared.declared[1], "record": record,
    }  # fmt: skip


def _digest_of(document: Path, option: str = "--document") -> bytes:
    try:
        return hashlib.sha256(document.read_bytes()).digest()
    except OSError as exc:
        raise UsageProblem(f"{option}: cannot read {document}: {exc.strerror}") from None


def _time(text: str, option: str) -> int:
    """Seconds from an ISO 8601 time with its offset (2026-12-01T08:00:00+07:00)."""
    from datetime import datetime

    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        found = None
    if found is None or found.tzinfo is None:
        raise UsageProblem(
            f"{option}: expected a time with its offset, e.g. 2026-12-01T08:00:00+07:00, "
            f"got {text!r}"
        )
    return int(found.timestamp())


@app.command("breach")
def breach(
    ctx: typer.Context,
    controller: Controller,
    detected: Annotated[
        str, typer.Option("--detected", help="When it was detected: 2026-12-01T08:00:00+07:00.")
    ],
    categories: Annotated[
        list[str],
        typer.Option("--category", help="A DPV category hit (repeat), e.g. pd:HealthRecord."),
    ],
    subjects: Annotated[int, typer.Option("--subjects", help="How many data subjects, as known.")],
    document: Annotated[
        Path, typer.Option("--document", help="The notification dossier (kept off chain; salt it).")
    ],
    key: Annotated[str, typer.Option("--key", help="A key controlling the controller's DID.")],
) -> None:
    """Report a personal-data breach; its 72-hour clock runs from --detected."""
    breach_id = secrets.token_bytes(16)
    args: dict[str, object] = {
        "id": breach_id, "controller": controller, "detected": _time(detected, "--detected"),
        "categories": categories, "subjects": subjects, "digest": _digest_of(document),
    }  # fmt: skip
    height = _controller_send(ctx, key, "report_breach", args)
    _say(settings(ctx).text("privacy_breach_reported", id=breach_id.hex(), height=height))


@app.command("assess")
def assess(
    ctx: typer.Context,
    controller: Controller,
    kind: Annotated[str, typer.Option("--kind", help=" or ".join(ASSESSMENT_KINDS))],
    document: Annotated[
        Path, typer.Option("--document", help="The impact-assessment dossier (kept off chain).")
    ],
    key: Annotated[str, typer.Option("--key", help="A key controlling the controller's DID.")],
    dossier: Annotated[
        str | None, typer.Option("--id", help="Amend this dossier (32 hex) instead of filing one.")
    ] = None,
) -> None:
    """File an impact-assessment dossier by its SHA-256, or amend one not yet accepted."""
    if kind not in ASSESSMENT_KINDS:
        raise UsageProblem(f"--kind: expected {' or '.join(ASSESSMENT_KINDS)}, got {kind!r}")
    dossier_id = bytes.fromhex(hex_id(dossier, "--id")) if dossier else secrets.token_bytes(16)
    args: dict[str, object] = {
        "id": dossier_id, "controller": controller, "kind": kind, "digest": _digest_of(document),
    }  # fmt: skip
    height = _controller_send(ctx, key, "file_assessment", args)
    _say(settings(ctx).text("privacy_assessment_filed", id=dossier_id.hex(), height=height))


@app.command("review")
def review(
    ctx: typer.Context,
    controller: Controller,
    dossier: Annotated[str, typer.Argument(metavar="DOSSIER", help="The dossier's id (32 hex).")],
    decision: Annotated[str, typer.Option("--decision", help=" or ".join(REVIEW_DECISIONS))],
    document: Annotated[
        Path, typer.Option("--document", help="The dossier as you read it: its SHA-256 is named.")
    ],
    key: Annotated[str, typer.Option("--key", help="Your key (a member with the auditor role).")],
) -> None:
    """Accept or return a dossier (an auditor), naming the version read by its digest."""
    if decision not in REVIEW_DECISIONS:
        raise UsageProblem(
            f"--decision: expected {' or '.join(REVIEW_DECISIONS)}, got {decision!r}"
        )
    args: dict[str, object] = {
        "id": bytes.fromhex(hex_id(dossier, "DOSSIER")), "controller": controller,
        "decision": decision, "digest": _digest_of(document),
    }  # fmt: skip
    height = _controller_send(ctx, key, "review_assessment", args)
    _say(settings(ctx).text("privacy_reviewed", id=dossier, decision=decision, height=height))
