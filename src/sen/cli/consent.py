"""``sen consent``: consent to the processing of personal data, on chain (module ``privacy``).

The data subject's wallet signs the terms offline (``sign``, with a key made for this one
controller: ``sen keys new``); the controller records them (``record``); the subject
withdraws (``withdraw``, no membership needed). ``show`` and ``list`` check each record's
state proof before printing; ``check`` asks whether a consent allows a processing now.
``sen privacy`` has the controller's side: requests, erasures, breaches. See
``docs/spec/privacy.md``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from sen.cli._context import Settings, err, kv_table, out, print_json, settings
from sen.cli._i18n import MESSAGES
from sen.cli.directory import verified
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.did import xml_datetime
from sen.ledger.crypto import SigningKey
from sen.ledger.errors import TxRejected
from sen.ledger.modules.privacy import Consent
from sen.ledger.modules.privacy.actions import parse_terms
from sen.sdk.privacy import (
    consent_terms,
    did_key,
    from_json,
    privacy_receipt,
    sign_consent,
    to_json,
)
from sen.services.credentials.remote import RemoteSources, node_fetch
from sen.services.credentials.verification import verify_credential_report
from sen.vc import InvalidDocument, VcError, sign_credential
from sen.vc.consent import RECEIPT_TYPE, consent_receipt, receipt_differences

app = typer.Typer(
    help="Consent to processing personal data: sign, record, withdraw, show, check.",
    no_args_is_help=True,
)

DAY = 24 * 3600
ConsentId = Annotated[str, typer.Argument(metavar="CONSENT", help="The consent's id (32 hex).")]


def _say(text: str) -> None:
    out.print(text, emoji=False, markup=False)


def hex_id(value: str, name: str) -> str:
    text = value.strip().lower().removeprefix("hex:")
    if len(text) != 32 or any(c not in "0123456789abcdef" for c in text):
        raise UsageProblem(f"{name}: expected 32 hex digits (16 bytes), got {value!r}")
    return text


@app.command("sign")
def sign(
    ctx: typer.Context,
    key: Annotated[str, typer.Option("--key", help="The data subject's wallet key.")],
    controller: Annotated[str, typer.Option("--controller", help="e.g. did:sen:benh-vien-a")],
    purpose: Annotated[
        list[str], typer.Option("--purpose", help="A DPV purpose, e.g. dpv:ServiceProvision.")
    ],
    category: Annotated[
        list[str],
        typer.Option("--category", help="A personal-data category, e.g. pd:HealthRecord."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the consent.")],
    recipient: Annotated[
        list[str] | None, typer.Option("--recipient", help="Who may read besides the controller.")
    ] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=36_500, help="Valid for.")] = 365,
    legal_basis: Annotated[
        str, typer.Option("--legal-basis", help="A DPV legal basis.")
    ] = "dpv:ExplicitlyExpressedConsent",
    refuse: Annotated[bool, typer.Option("--refuse", help="Record a refusal instead.")] = False,
    chain_id: Annotated[
        str | None,
        typer.Option("--chain-id", help="Sign offline for this chain (else the node's)."),
    ] = None,
) -> None:
    """Sign consent terms with the data subject's key (the controller then records them)."""
    config = settings(ctx)
    if output.exists():
        raise UsageProblem(f"--output: {output} exists; a consent is written to a new file")
    if not output.parent.is_dir():
        raise UsageProblem(f"--output: no folder {output.parent}")
    signing_key = load_key(config, key)
    if chain_id is None:
        with config.client() as client:
            chain_id = client.chain_id
    terms = consent_terms(
        signing_key, controller=controller, recipients=recipient or [], purposes=purpose,
        categories=category, expires=int(time.time()) + days * DAY, legal_basis=legal_basis,
        refuse=refuse,
    )  # fmt: skip
    _check_terms(terms)
    signed = {**to_json(sign_consent(signing_key, chain_id, terms)), "chain_id": chain_id}
    output.write_text(json.dumps(signed, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _say(config.text("consent_signed", id=str(signed["id"])[4:], path=output))


_OPTION_OF = {
    "args.controller": "--controller", "args.recipients": "--recipient",
    "args.purposes": "--purpose", "args.categories": "--category",
    "args.legal_basis": "--legal-basis",
}  # fmt: skip


def _check_terms(terms: dict[str, Any]) -> None:
    """The chain's own checks of the terms, before the subject signs what it would refuse."""
    try:
        parse_terms(terms)
    except TxRejected as exc:
        field = exc.field or ""
        option = next((o for f, o in _OPTION_OF.items() if field.startswith(f)), field)
        raise UsageProblem(
            f"{option}: {exc.reason}; expected {exc.expected}, got {exc.got}"
        ) from None


@app.command("record")
def record(
    ctx: typer.Context,
    consent_file: Annotated[Path, typer.Argument(metavar="FILE", help="From `sen consent sign`.")],
    key: Annotated[str, typer.Option("--key", help="A key controlling the controller's DID.")],
    receipt: Annotated[
        Path | None,
        typer.Option("--receipt", help="Also write the subject's consent receipt (a credential)."),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method", help="The receipt's signing method (default: <controller>#key-1)."
        ),
    ] = None,
    method_key: Annotated[
        str | None, typer.Option("--method-key", help="The key of --method (default: --key).")
    ] = None,
    cryptosuite: Annotated[str, typer.Option("--cryptosuite")] = "eddsa-rdfc-2022",
) -> None:
    """Record a signed consent on chain (the controller does this), and give the subject a
    receipt: a verifiable credential signed by the controller's DID."""
    config = settings(ctx)
    if receipt is not None and receipt.exists():
        raise UsageProblem(f"--receipt: {receipt} exists; a receipt is written to a new file")
    try:
        document = json.loads(consent_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageProblem(f"{consent_file}: not a consent file: {exc}") from None
    if not isinstance(document, dict):
        raise UsageProblem(f"{consent_file}: expected a JSON object, got {type(document).__name__}")
    if "@context" in document:
        raise UsageProblem(f"{consent_file}: a receipt, not a consent file from `sen consent sign`")
    signed_for = document.pop("chain_id", None)
    try:
        args = from_json(document)
    except ValueError as exc:
        raise UsageProblem(f"{consent_file}: a hex: value is not hex: {exc}") from None
    signing_key = load_key(config, key)
    with config.client() as client:
        if signed_for is not None and signed_for != client.chain_id:
            raise UsageProblem(
                f"{consent_file}: signed for chain {signed_for!r}, but the node is on "
                f"{client.chain_id!r}: the subject signs again for this chain"
            )
        info = client.send(signing_key, "privacy", "record_consent", args)
    consent_id = args["id"].hex() if isinstance(args.get("id"), bytes) else "?"
    _say(config.text("consent_recorded", id=consent_id, height=info.height))
    if receipt is not None:
        signed = _receipt(config, consent_id, method, load_key(config, method_key or key),
                          cryptosuite)  # fmt: skip
        receipt.write_text(json.dumps(signed, ensure_ascii=False, indent=2) + "\n", "utf-8")
        _say(config.text("consent_receipt_written", path=receipt))


def _chain_consent(config: Settings, consent_id: str) -> tuple[Consent, str]:
    """The consent on chain (its proof checked) and the chain's id."""
    with config.client() as client:
        body = client.get(f"/v1/privacy/consents/{hex_id(consent_id, 'CONSENT')}")
        chain_id = client.chain_id
    value = verified(body["record"])
    assert isinstance(value, dict)
    return Consent.from_value(value), chain_id


def _receipt(
    config: Settings, consent_id: str, method: str | None, key: SigningKey, cryptosuite: str
) -> dict[str, Any]:
    consent, chain_id = _chain_consent(config, consent_id)
    unsigned = consent_receipt(consent, chain_id=chain_id)
    try:
        return sign_credential(
            unsigned, key, method or f"{consent.terms.controller}#key-1", cryptosuite
        )
    except InvalidDocument as exc:
        raise CliError(f"cannot sign the receipt: {exc}") from None
    except VcError as exc:
        raise CliError(f"cannot sign the receipt: {exc.message}") from None


@app.command("verify-receipt")
def verify_receipt(
    ctx: typer.Context,
    receipt_file: Annotated[Path, typer.Argument(metavar="RECEIPT", help="A consent receipt.")],
) -> None:
    """Check a consent receipt: the controller's signature (its DID from the node), and that
    it says what the chain's record says (the record's state proof checked). Exit 1 if not."""
    config = settings(ctx)
    try:
        receipt = json.loads(receipt_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageProblem(f"{receipt_file}: not a receipt: {exc}") from None
    types = receipt.get("type") if isinstance(receipt, dict) else None
    if not isinstance(types, list) or RECEIPT_TYPE not in types:
        raise UsageProblem(f"{receipt_file}: not a consent receipt (no type {RECEIPT_TYPE})")
    subject = receipt.get("credentialSubject")
    consent_id = subject.get("consent", {}).get("consentId") if isinstance(subject, dict) else None
    if not isinstance(consent_id, str):
        raise UsageProblem(f"{receipt_file}: no credentialSubject.consent.consentId")
    with config.client() as client:
        report = verify_credential_report(
            receipt, RemoteSources(node_fetch(client)), require_accreditation=False,
            checks=["validity", "issuer"],  # a controller needs no accreditation to consent
        )  # fmt: skip
    consent, chain_id = _chain_consent(config, consent_id)
    problems = [f"{f.code} at {f.path}: {f.message}" for f in report.errors]
    problems += receipt_differences(receipt, consent, chain_id)
    if problems:
        _say(config.text("consent_receipt_invalid", count=len(problems)))
        for problem in problems:
            _say(f"  - {problem}")
        raise typer.Exit(1)
    key = "consent_receipt_valid" if consent.state == "given" else "consent_receipt_valid_ended"
    _say(config.text(key, id=consent_id, state=state_text(config, consent.state)))


@app.command("withdraw")
def withdraw(
    ctx: typer.Context,
    consent_id: ConsentId,
    key: Annotated[
        str,
        typer.Option("--key", help="The data subject's wallet key (or a key of the controller)."),
    ],
) -> None:
    """Withdraw a consent (the data subject, or the controller for it)."""
    config = settings(ctx)
    args = {"consent": bytes.fromhex(hex_id(consent_id, "CONSENT"))}
    signing_key = load_key(config, key)
    with config.client() as client:
        info = client.send(signing_key, "privacy", "withdraw_consent", args)
    _say(config.text("consent_withdrawn", id=consent_id, height=info.height))


def state_text(config: Settings, state: str) -> str:
    key = f"consent_state_{state}"
    return config.text(key) if key in MESSAGES else state


def problem_text(config: Settings, problem: str, reason: str) -> str:
    """Why a consent does not allow a processing, in the reader's language (the node's
    English reason when the problem is not one this version knows)."""
    key = f"consent_problem_{problem}"
    return config.text(key) if key in MESSAGES and config.lang == "vi" else reason


def _table(config: Settings, body: dict[str, Any]) -> None:
    table = kv_table(config.text("consent_title", id=body["id"]))
    labels = config.text("consent_fields").split("|")
    fields = ("state", "subject", "controller", "recipients", "purposes", "categories",
              "legal_basis", "expires", "expired", "recorded_height", "withdrawn_height",
              "withdrawn_by")  # fmt: skip
    for label, field in zip(labels, fields, strict=False):
        value = body.get(field)
        if field == "state":
            shown = state_text(config, str(value))
        elif field == "expires" and isinstance(value, int):
            shown = xml_datetime(value)
        elif isinstance(value, bool):
            shown = config.text("yes" if value else "no")
        elif value is None or value == "":
            shown = "-"
        else:
            shown = ", ".join(value) if isinstance(value, list) else str(value)
        table.add_row(label, Text(shown))
    proof = config.text("privacy_proof_verified", app_hash=body["record"]["app_hash"])
    table.add_row(labels[-1], proof)
    out.print(table)


def save_receipt(config: Settings, receipt: dict[str, Any], path: Path) -> None:
    """Write a privacy receipt (mode 0644, as any receipt) and say how to check it."""
    try:
        path.write_text(json.dumps(receipt, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"--save: cannot write {path}: {exc.strerror}") from None
    from sen.node.config import NodeConfig

    genesis = NodeConfig(home=config.home).genesis_path
    shown = genesis if genesis.is_file() else Path("genesis.json")
    err.print(config.text("privacy_receipt_saved", path=path, genesis=shown), markup=False)


@app.command("show")
def show(
    ctx: typer.Context,
    consent_id: ConsentId,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Write the record to keep: sen verify checks it offline."),
    ] = None,
) -> None:
    """Show a consent record; its state proof is checked first."""
    config = settings(ctx)
    path = f"/v1/privacy/consents/{hex_id(consent_id, 'CONSENT')}"
    with config.client() as client:
        body = client.get(path)
        verified(body["record"])
        if save is not None:
            save_receipt(config, privacy_receipt(client, path + "/receipt"), save)
    if as_json:
        print_json(body)
    else:
        _table(config, body)


@app.command("list")
def list_consents(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Option("--key", help="The data subject's wallet key (its did:key).")
    ] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="A did:key.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """A data subject's consents ("my consents"), each proof checked."""
    config = settings(ctx)
    if (key is None) == (subject is None):
        raise UsageProblem("give one of --key and --subject")
    did = subject if subject is not None else did_key(load_key(config, str(key)))
    with config.client() as client:
        body = client.get_list(f"/v1/privacy/subjects/{did}/consents")
    for found in body:
        verified(found["record"])
    if as_json:
        print_json(body)
        return
    if not body:
        _say(config.text("consent_none", subject=did))
    for found in body:
        _table(config, found)


@app.command("check")
def check(
    ctx: typer.Context,
    consent_id: ConsentId,
    recipient: Annotated[str, typer.Option("--recipient", help="Who would read.")],
    purpose: Annotated[str, typer.Option("--purpose", help="For what (a DPV purpose).")],
    category: Annotated[str, typer.Option("--category", help="Which data (a DPV category).")],
    controller: Annotated[str, typer.Option("--controller", help="Whose vault holds it.")],
    subject: Annotated[
        str | None,
        typer.Option("--subject", help="Whose data (a did:key; default: the consent's own)."),
    ] = None,
) -> None:
    """Does this consent allow this processing now? (exit 1 if not)"""
    config = settings(ctx)
    if subject is None:
        with config.client() as client:
            status, _ = client.transport.request(
                "GET", f"/v1/privacy/consents/{hex_id(consent_id, 'CONSENT')}"
            )
        if status == 404:
            said = problem_text(config, "unknown", "no such consent")
            _say(config.text("consent_refuses", problem="unknown", reason=said))
            raise typer.Exit(1)
        subject = _chain_consent(config, consent_id)[0].terms.subject
    params = {"recipient": recipient, "purpose": purpose, "category": category,
              "controller": controller, "subject": subject}  # fmt: skip
    with config.client() as client:
        body = client.get(f"/v1/privacy/consents/{hex_id(consent_id, 'CONSENT')}/allows", params)
    if body.get("allowed"):
        _say(config.text("consent_allows", height=body.get("height")))
        return
    problem, reason = str(body.get("problem")), str(body.get("reason"))
    _say(
        config.text(
            "consent_refuses", problem=problem, reason=problem_text(config, problem, reason)
        )
    )
    raise typer.Exit(1)
