"""``sen vc``: issue, present, verify (online or offline), revoke, and print a QR code.

::

    sen vc issue diploma.json --token $SEN_VC_TOKEN -o signed.json     # the university
    sen vc present signed.json --key graduate --challenge C --domain D -o vp.json
    sen vc verify vp.json --challenge C --domain D --save material.json   # the employer
    sen vc verify vp.json --challenge C --domain D --offline --material material.json
    sen vc revoke --credential signed.json --token $SEN_VC_TOKEN
    sen vc qr signed.json -o diploma.svg
    sen vc token create did:sen:vnu        # on the node's host: a token for one issuer

``verify`` checks every signature on this machine. Online it asks the node
(``--node``) for DID documents, the issuer's status list credential (and the
chain's copy with its state proof) and the trust registry's answer;
``--save`` keeps what it fetched so that ``--offline --material`` verifies
again without any network (accreditation is then not checked, and the
status is as of the saved list).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from sen.cli import vc_tokens
from sen.cli._context import Settings, out, print_json, settings
from sen.cli.errors import EXIT_INVALID, EXIT_UNREACHABLE, CliError, UsageProblem
from sen.cli.tx import load_key
from sen.services.credentials.errors import SourceError
from sen.services.credentials.qr import credential_link, save_qr
from sen.services.credentials.remote import (
    Material,
    NodeAnswer,
    Outcome,
    RemoteSources,
    SavedSources,
)
from sen.services.credentials.verification import (
    BadChecks,
    Report,
    requested_checks,
    verify_credential_report,
    verify_presentation_report,
)
from sen.vc import InvalidDocument, VcError, did_key, sign_presentation

app = typer.Typer(
    help="Verifiable credentials: issue, present, verify, revoke, QR codes.",
    no_args_is_help=True,
)

app.add_typer(vc_tokens.app, name="token")

TOKEN_ENV = "SEN_VC_TOKEN"
Token = Annotated[
    str,
    typer.Option(
        "--token", envvar=TOKEN_ENV, help=f"The issuer's VC-API bearer token (or ${TOKEN_ENV})."
    ),
]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the result here (default: print).")
]


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageProblem(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageProblem(f"{path}: not a JSON document: {exc}") from None
    if not isinstance(value, dict):
        raise UsageProblem(f"{path}: expected a JSON object")
    return value


def _write(value: Any, output: Path | None) -> None:
    if output is None:
        print_json(value)
        return
    output.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out.print(f"wrote {output}", markup=False, emoji=False)


def _request(
    config: Settings, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    url = config.node_url()
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            response = client.request(method, path, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise CliError(f"cannot reach the node at {url}: {exc}", EXIT_UNREACHABLE) from None
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, {"detail": response.text[:200]}


def _refused(status: int, body: Any) -> CliError:
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("title") or body
        field = body.get("field")
        where = f" ({field})" if field else ""
        listed = body.get("errors") or []
        more = "".join(
            f"; {e.get('code')} at {e.get('path')}" for e in listed[1:5] if isinstance(e, dict)
        )
        return CliError(f"{status}: {detail}{where}{more}")
    return CliError(f"{status}: {body}")


@app.command("issue")
def issue(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="An unsigned credential (or {credential, options}).")
    ],
    token: Token,
    output: Output = None,
) -> None:
    """Ask the issuing node to sign a credential (a did:sen issuer must be accredited for its
    types, unless the node's issuer settings say otherwise)."""
    document = _read_json(file)
    body = document if "credential" in document else {"credential": document}
    status, answer = _request(settings(ctx), "POST", "/credentials/issue", body, token)
    if status != 201 or not isinstance(answer, dict):
        raise _refused(status, answer)
    _write(answer["verifiableCredential"], output)


@app.command("present")
def present(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="The credential(s) to present.")],
    key: Annotated[str, typer.Option("--key", help="The holder's key (its did:key).")],
    challenge: Annotated[str, typer.Option("--challenge", help="The verifier's challenge.")],
    domain: Annotated[str, typer.Option("--domain", help="The verifier's domain.")],
    cryptosuite: Annotated[str, typer.Option("--cryptosuite")] = "eddsa-rdfc-2022",
    output: Output = None,
) -> None:
    """Sign a presentation of credentials as their holder (a did:key, on this machine)."""
    credentials = [_read_json(f) for f in files]
    signing_key = load_key(settings(ctx), key)
    holder, method = did_key(signing_key.suite, signing_key.public_key)
    presentation = {
        "@context": credentials[0].get("@context", ["https://www.w3.org/ns/credentials/v2"]),
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials,
    }
    try:
        signed = sign_presentation(
            presentation, signing_key, method, cryptosuite, challenge=challenge, domain=domain
        )
    except InvalidDocument as exc:
        raise CliError(f"cannot sign: {exc}") from None
    except VcError as exc:
        raise CliError(f"cannot sign: {exc.message}") from None
    _write(signed, output)


@app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A credential or a presentation (JSON).")],
    challenge: Annotated[
        str | None, typer.Option("--challenge", help="Presentations: the challenge you gave.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", help="Presentations: your domain.")
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="No network: use --material only.")
    ] = False,
    material: Annotated[
        Path | None, typer.Option("--material", help="Material saved by --save (offline).")
    ] = None,
    save: Annotated[
        Path | None, typer.Option("--save", help="Save what was fetched, to verify offline later.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    checks: Annotated[
        str | None,
        typer.Option(
            "--checks",
            help="Only these policy checks decide, comma-separated (validity, issuer, "
            "accreditation, status); the others become warnings. 'proof': the W3C "
            "specifications alone. Default: all.",
        ),
    ] = None,
) -> None:
    """Verify signatures here; DID documents, status lists and accreditation from the node."""
    document = _read_json(file)
    wanted = None if checks is None else [n.strip() for n in checks.split(",")]
    if wanted is not None:
        try:
            requested_checks(wanted)
        except BadChecks as exc:
            raise UsageProblem(str(exc).replace("options.checks", "--checks")) from None
    is_presentation = "VerifiablePresentation" in _types(document)
    if offline:
        if material is None:
            raise UsageProblem("--offline needs --material FILE (saved with --save)")
        try:
            sources: RemoteSources | SavedSources = SavedSources(Material.load(material))
        except SourceError as exc:
            raise UsageProblem(str(exc)) from None
    else:
        config = settings(ctx)
        sources = RemoteSources(lambda path, params: _get(config, path, params))
    try:
        report = _verify(document, sources, is_presentation, challenge, domain, not offline, wanted)
    except SourceError as exc:
        raise CliError(str(exc)) from None
    if save is not None and isinstance(sources, RemoteSources):
        sources.material.save(save)
    notes = list(sources.notes)
    if as_json:
        print_json({**report.as_dict(), "notes": notes})
    else:
        _print_report(report, notes, offline)
    if not report.verified:
        raise typer.Exit(EXIT_INVALID)


def _types(document: Mapping[str, Any]) -> list[str]:
    value = document.get("type")
    return [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []


def _get(config: Settings, path: str, params: Mapping[str, str] | None) -> NodeAnswer:
    url = config.node_url()
    try:
        response = httpx.get(url + path, params=dict(params or {}), timeout=30)
    except httpx.HTTPError as exc:
        raise CliError(f"cannot reach the node at {url}: {exc}", EXIT_UNREACHABLE) from None
    status = response.status_code
    if response.is_success:
        outcome = Outcome.FOUND
    else:
        outcome = Outcome.MISSING if status == httpx.codes.NOT_FOUND else Outcome.FAILED
    try:
        body = response.json()
    except ValueError:
        body = None
    return NodeAnswer(outcome, body, str(status))


def _verify(
    document: dict[str, Any],
    sources: RemoteSources | SavedSources,
    is_presentation: bool,
    challenge: str | None,
    domain: str | None,
    accreditation: bool,
    checks: list[str] | None = None,
) -> Report:
    if is_presentation:
        return verify_presentation_report(
            document,
            sources,
            challenge,
            domain,
            require_accreditation=accreditation,
            checks=checks,
        )
    return verify_credential_report(
        document, sources, require_accreditation=accreditation, checks=checks
    )


def _say(text: str) -> None:
    out.print(text, markup=False, emoji=False)


def _print_report(report: Report, notes: list[str], offline: bool) -> None:
    say = _say
    say("VERIFIED" if report.verified else "NOT VERIFIED")
    say("checks passed: " + (", ".join(report.checks) or "none"))
    for finding in report.errors:
        say(f"error {finding.code} at {finding.path}: {finding.message}")
    for finding in report.warnings:
        say(f"warning {finding.code} at {finding.path}: {finding.message}")
    for note in notes:
        say(f"note: {note}")
    if offline:
        say("note: offline: accreditation was not checked; the status is as of the saved list")


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    token: Token,
    credential: Annotated[
        Path | None, typer.Option("--credential", help="The credential (JSON file).")
    ] = None,
    credential_id: Annotated[
        str | None, typer.Option("--id", help="Or its id (urn:uuid:...).")
    ] = None,
    status: Annotated[
        str,
        typer.Option("--status", help="revoked (final), suspended, or active (lift a suspension)."),
    ] = "revoked",
) -> None:
    """Revoke (or suspend, or reinstate) a credential the node issued; waits for the block."""
    if (credential is None) == (credential_id is None):
        raise UsageProblem("give exactly one of --credential FILE and --id ID")
    if status not in ("revoked", "suspended", "active"):
        raise UsageProblem(f"--status: expected revoked, suspended or active, got {status!r}")
    if credential is not None:
        credential_id = str(_read_json(credential).get("id", ""))
    body = {
        "credentialId": credential_id,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": status}],
    }
    code, answer = _request(settings(ctx), "POST", "/credentials/status", body, token)
    if code != 200 or not isinstance(answer, dict):
        raise _refused(code, answer)
    for entry in answer.get("credentialStatus", []):
        change = "now" if entry.get("changed") else "already"
        where = f" (tx {entry['txHash']}, block {entry['height']})" if entry.get("txHash") else ""
        out.print(
            f"{entry.get('statusPurpose')} entry {entry.get('statusListIndex')}: {change} "
            f"{entry.get('status')}{where}",
            markup=False,
            emoji=False,
        )


@app.command("qr")
def qr(
    file: Annotated[Path, typer.Argument(help="The signed credential (JSON).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="SVG (or PNG, PDF) to write.")],
    node_url: Annotated[
        str | None,
        typer.Option(
            "--node-url",
            help="The issuing node's public URL (default: from the credential's status list).",
        ),
    ] = None,
    scale: Annotated[int, typer.Option("--scale", min=1, max=40)] = 6,
) -> None:
    """A printable QR code of the link that shows the credential and its status now."""
    credential = _read_json(file)
    try:
        link = credential_link(credential, node_url)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    save_qr(link, output, scale=scale, title=str(credential.get("name") or "Sen credential"))
    out.print(link, markup=False, emoji=False)
