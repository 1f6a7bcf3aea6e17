"""``sen verify``: check an evidence receipt offline, against a genesis file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from sen.cli._context import Settings, out, print_json, settings
from sen.cli._i18n import check_name
from sen.cli.errors import EXIT_INVALID, CliError, UsageProblem
from sen.light.errors import ReceiptInvalid
from sen.light.event_receipt import FORMAT as EVENT_FORMAT
from sen.light.event_receipt import EventReceiptReport, verify_event_receipt
from sen.light.genesis import Genesis
from sen.light.packet_receipt import FORMAT as PACKET_FORMAT
from sen.light.packet_receipt import PacketReceiptReport, verify_packet_receipt
from sen.light.privacy_receipt import FORMAT as PRIVACY_FORMAT
from sen.light.privacy_receipt import PrivacyReceiptReport, verify_privacy_receipt
from sen.light.receipt import Check, ReceiptReport, ReceiptVerifier, read_receipt_json
from sen.node.config import NodeConfig
from sen.sdk.errors import VerificationFailed
from sen.sdk.receipts import check_receipt, read_genesis


def verify(
    ctx: typer.Context,
    receipt_paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="RECEIPT...",
            help="receipt.json; several receipts are checked together (shared blocks once).",
        ),
    ],
    file: Annotated[
        Path | None, typer.Option("--file", help="The document: check it is the one anchored.")
    ] = None,
    genesis: Annotated[
        Path | None,
        typer.Option("--genesis", help="Trusted genesis.json (default: the home's config)."),
    ] = None,
    source_genesis: Annotated[
        Path | None,
        typer.Option(
            "--source-genesis",
            help="For a packet receipt: the sending chain's trusted genesis.json (--genesis is "
            "the receiving chain's).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Verify receipts offline: exit 0 if all are valid, 1 if not. Fetches nothing."""
    config = settings(ctx)
    genesis_path = genesis or NodeConfig(home=config.home).genesis_path
    if not genesis_path.is_file():
        raise UsageProblem(
            f"no genesis file at {genesis_path}; pass the chain's trusted genesis with --genesis"
        )
    if file is not None and not file.is_file():
        raise UsageProblem(f"--file: {file} is not a file")
    if len(receipt_paths) == 1 and source_genesis is not None:
        _verify_packet(config, receipt_paths[0], source_genesis, genesis_path, as_json)
        return
    if len(receipt_paths) > 1:
        if file is not None:
            raise UsageProblem("--file checks one document: give it with a single receipt")
        _verify_many(config, receipt_paths, read_genesis(genesis_path), as_json)
        return
    receipt = _read_receipt(receipt_paths[0])
    types = receipt.get("type")
    if "@context" in receipt and isinstance(types, list) and "ConsentReceipt" in types:
        raise UsageProblem(
            "this is a consent receipt (a credential the controller signed): check it with "
            "sen consent verify-receipt FILE; sen verify checks the record itself, saved by "
            "sen consent show ID --save FILE"
        )
    if receipt.get("format") == PACKET_FORMAT:
        raise UsageProblem(
            "this is a packet receipt: give the sending chain's genesis with --source-genesis "
            "(and the receiving chain's with --genesis)"
        )
    trusted = read_genesis(genesis_path)
    if receipt.get("format") == PRIVACY_FORMAT:
        _verify_privacy(config, receipt, trusted, as_json)
        return
    if receipt.get("format") == EVENT_FORMAT:
        _verify_event(config, receipt, trusted, as_json)
        return
    try:
        report = check_receipt(receipt, trusted, file)
    except VerificationFailed as exc:
        report = exc.report or ReceiptReport(checks=[Check(exc.check, False, exc.reason)])
        _show(config, report, as_json, file, failure=exc)
        raise typer.Exit(EXIT_INVALID) from None
    _show(config, report, as_json, file, failure=None)


def _verify_packet(
    config: Settings, path: Path, source: Path, destination: Path, as_json: bool
) -> None:
    """A packet receipt, against the sending and the receiving chains' genesis files."""
    if not source.is_file():
        raise UsageProblem(f"--source-genesis: {source} is not a file")
    receipt = _read_receipt(path)
    failure: ReceiptInvalid | None = None
    try:
        report = verify_packet_receipt(receipt, read_genesis(source), read_genesis(destination))
    except ReceiptInvalid as exc:
        failure = exc
        report = (
            exc.report if isinstance(exc.report, PacketReceiptReport) else PacketReceiptReport()
        )
    if as_json:
        print_json(
            {
                "valid": failure is None,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in report.checks],
                "source_chain": report.source_chain,
                "destination_chain": report.destination_chain,
                "sequence": report.sequence,
                "source_client": report.source_client,
                "destination_client": report.destination_client,
                "ports": list(report.ports),
                "acknowledgements": list(report.acknowledgements),
            }
        )
    else:
        valid = config.text(
            "packet_receipt_valid",
            sequence=report.sequence,
            source=report.source_chain,
            destination=report.destination_chain,
        )
        _print_checks(config, list(report.checks), failure, valid)
        if failure is None:
            for port, ack in zip(report.ports, report.acknowledgements, strict=True):
                readable = _readable(bytes.fromhex(ack))
                out.print(escape(config.text("packet_acknowledgement", port=port, ack=readable)))
    if failure is not None:
        raise typer.Exit(EXIT_INVALID)


def _print_checks(
    config: Settings, checks: list[Check], failure: ReceiptInvalid | None, valid_line: str
) -> None:
    """Each check with its mark, then the failure, or ``valid_line`` (already translated)."""
    for check in checks:
        mark = "[green]✓[/]" if check.ok else "[red]✗[/]"
        out.print(f"{mark} {check_name(config.lang, check.name)}: {escape(check.detail)}")
    if failure is not None:
        name = check_name(config.lang, failure.check)
        line = config.text("receipt_invalid", check=name, reason=escape(failure.reason))
        out.print("[bold red]" + line + "[/]")
    else:
        out.print("[bold green]" + escape(valid_line) + "[/]")


def _verify_privacy(
    config: Settings, receipt: dict[str, Any], genesis: Genesis, as_json: bool
) -> None:
    """A consent or erasure receipt, against the chain's genesis file."""
    failure: ReceiptInvalid | None = None
    try:
        report = verify_privacy_receipt(receipt, genesis)
    except ReceiptInvalid as exc:
        failure = exc
        found = exc.report
        report = found if isinstance(found, PrivacyReceiptReport) else PrivacyReceiptReport()
    if as_json:
        print_json(
            {
                "valid": failure is None,
                "kind": report.kind,
                "chain_id": report.chain_id,
                "height": report.height,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in report.checks],
                "record": report.record,
            }
        )
    else:
        record = report.record
        if failure is not None:
            line = ""
        elif report.kind == "erasure":
            line = config.text(
                "privacy_receipt_valid_erasure", chain=report.chain_id,
                height=record["recorded_height"], count=len(record["records"]),
                subject=record["subject_ref"], controller=record["controller"],
            )  # fmt: skip
        else:
            line = config.text(
                "privacy_receipt_valid_consent", chain=report.chain_id, id=record["id"],
                controller=record["controller"], state=record["state"], height=report.height,
            )  # fmt: skip
        _print_checks(config, report.checks, failure, line)
    if failure is not None:
        raise typer.Exit(EXIT_INVALID)


def _verify_event(
    config: Settings, receipt: dict[str, Any], genesis: Genesis, as_json: bool
) -> None:
    """An EPCIS event receipt, against the chain's genesis file."""
    failure: ReceiptInvalid | None = None
    try:
        report = verify_event_receipt(receipt, genesis)
    except ReceiptInvalid as exc:
        failure = exc
        found = exc.report
        report = found if isinstance(found, EventReceiptReport) else EventReceiptReport()
    if as_json:
        print_json(
            {
                "valid": failure is None, "chain_id": report.chain_id,
                "event_id": report.event_id, "event_hash": report.event_hash,
                "event_type": report.event_type, "event_time": report.event_time,
                "record_time": report.record_time, "capturer": report.capturer,
                "capture": report.capture, "height": report.height, "time": report.time,
                "tx_hash": report.tx_hash,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in report.checks],
            }
        )  # fmt: skip
    else:
        line = config.text(
            "event_receipt_valid", kind=report.event_type, event=report.event_id,
            capturer=report.capturer, chain=report.chain_id, height=report.height,
            time=report.time,
        )  # fmt: skip
        _print_checks(config, report.checks, failure, line)
    if failure is not None:
        raise typer.Exit(EXIT_INVALID)


def _readable(ack: bytes) -> str:
    """An acknowledgement as text when it is UTF-8 (the JSON applications answer), else hex."""
    try:
        return ack.decode("utf-8")
    except UnicodeDecodeError:
        return ack.hex()


def _verify_many(config: Settings, paths: list[Path], genesis: Genesis, as_json: bool) -> None:
    """One line per receipt; one verifier, so receipts of one batch share their checks."""
    verifier = ReceiptVerifier(genesis)
    rows: list[dict[str, Any]] = []
    for path in paths:
        try:
            report = verifier.verify(_read_receipt(path))
        except ReceiptInvalid as exc:
            rows.append(
                {"receipt": str(path), "valid": False, "check": exc.check, "reason": exc.reason}
            )
            if not as_json:
                out.print(
                    "[red]"
                    + escape(
                        config.text(
                            "bulk_line_invalid",
                            name=path.name,
                            check=check_name(config.lang, exc.check),
                            reason=exc.reason,
                        )
                    )
                    + "[/]"
                )
            continue
        except CliError as exc:
            rows.append(
                {"receipt": str(path), "valid": False, "check": "format", "reason": str(exc)}
            )
            if not as_json:
                out.print("[red]" + escape(f"{path.name}: {exc}") + "[/]")
            continue
        rows.append(
            {"receipt": str(path), "valid": True, "height": report.height, "digest": report.digest}
        )
        if not as_json:
            line = config.text(
                "bulk_line_valid",
                name=path.name,
                height=report.height,
                organisation=report.organisation or "-",
            )
            out.print("[green]" + escape(line) + "[/]")
    valid = sum(1 for row in rows if row["valid"])
    if as_json:
        print_json({"valid": valid == len(rows), "receipts": rows})
    else:
        out.print(config.text("bulk_summary", valid=valid, total=len(rows)))
    if valid != len(rows):
        raise typer.Exit(EXIT_INVALID)


def _read_receipt(path: Path) -> dict[str, Any]:
    try:
        value = read_receipt_json(path.read_text(encoding="utf-8"))
    except ReceiptInvalid as exc:
        raise CliError(f"{path} is not a valid receipt: {exc.reason}") from None
    except OSError as exc:
        raise UsageProblem(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CliError(f"{path} is not a receipt: not JSON ({exc})") from None
    except RecursionError:
        raise CliError(f"{path} is not a receipt: its JSON is nested too deeply") from None
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return value[0]  # the list an EPCIS repository answers for an event with one receipt
    if isinstance(value, list) and len(value) > 1:
        raise CliError(
            f"{path} holds {len(value)} receipts (an event and its error declaration): save "
            "each in its own file (sen trace receipt does) and give them all to sen verify"
        )
    if not isinstance(value, dict):
        raise CliError(f"{path} is not a receipt: expected a JSON object")
    return value


def _show(
    config: Settings,
    report: ReceiptReport,
    as_json: bool,
    file: Path | None,
    failure: VerificationFailed | None,
) -> None:
    if as_json:
        print_json(
            {
                "valid": failure is None,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in report.checks],
                "chain_id": report.chain_id,
                "algorithm": report.algorithm,
                "digest": report.digest,
                "height": report.height,
                "time": report.time,
                "tx_hash": report.tx_hash,
                "title": report.title,
                "organisation": report.organisation,
                "reference": report.reference,
            }
        )
        return
    for check in report.checks:
        mark = "[green]✓[/]" if check.ok else "[red]✗[/]"
        out.print(f"{mark} {check_name(config.lang, check.name)}: {escape(check.detail)}")
    if failure is not None:
        reason = escape(failure.reason)
        name = check_name(config.lang, failure.check)
        out.print("[bold red]" + config.text("receipt_invalid", check=name, reason=reason) + "[/]")
        return
    out.print(
        "[bold green]"
        + config.text(
            "receipt_valid", chain=report.chain_id, height=report.height, time=report.time
        )
        + "[/]"
    )
    if report.title or report.organisation or report.reference:
        out.print(
            escape(
                config.text(
                    "issued_by",
                    sender=_sender(report),
                    title=report.title or "-",
                    organisation=report.organisation or "-",
                    reference=report.reference or "-",
                )
            )
        )
    if file is None:
        out.print(config.text("document_not_checked"))
    else:
        out.print(config.text("document_matches", file=escape(str(file))))


def _sender(report: ReceiptReport) -> str:
    for check in report.checks:
        if check.name == "transaction" and check.detail.startswith("signed by "):
            return check.detail.removeprefix("signed by ").split(" ")[0]
    return "-"
