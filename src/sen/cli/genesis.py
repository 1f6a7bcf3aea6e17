"""``sen genesis``: write a consortium genesis file, and check one before a network starts from it.

``sen genesis new`` admits organisations (each with its CA certificate), the
initial members (admins, validator operators) and the validators, and checks
all of it at the genesis time exactly as ``init_chain`` will; ``sen genesis
validate`` does the same checks on an existing file and lists every problem.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509
from rich.markup import escape
from rich.table import Table

from sen.cli._context import kv_table, out
from sen.cli.errors import EXIT_INVALID, CliError, UsageProblem
from sen.ledger.light._json import parse_time
from sen.ledger.light.errors import LightError
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.membership.genesis import (
    GenesisReport,
    MembershipGenesis,
    MembershipGenesisError,
    build_membership_state,
    membership_document,
    read_membership_genesis,
)
from sen.ledger.modules.membership.records import IDENTIFIER
from sen.ledger.modules.membership.registry import load_member, load_organisation
from sen.ledger.types import ChainParams
from sen.light.errors import GenesisError
from sen.light.genesis import Genesis, GenesisValidator, load_genesis, make_genesis

app = typer.Typer(help="Write and check genesis files (consortium chains).", no_args_is_help=True)


@dataclass(slots=True)
class Inspection:
    """A genesis file checked as init_chain would: what it holds and what is wrong with it."""

    genesis: Genesis | None = None
    membership: MembershipGenesis | None = None
    report: GenesisReport | None = None
    problems: list[str] = field(default_factory=list)


def inspect_genesis(raw: bytes) -> Inspection:
    found = Inspection()
    try:
        found.genesis = load_genesis(raw)
    except GenesisError as exc:
        found.problems.append(str(exc))
        return found
    if found.genesis.membership is None:
        return found
    unreadable: list[MembershipGenesisError] = []
    try:
        found.membership = read_membership_genesis(found.genesis.membership, unreadable)
    except MembershipGenesisError as exc:
        found.problems.append(str(exc))
        return found
    found.problems += [str(p) for p in unreadable]
    at = (found.genesis.genesis_time.seconds, found.genesis.genesis_time.nanos)
    found.report = build_membership_state(found.membership, at, found.genesis.initial_height - 1)
    found.problems += [str(p) for p in found.report.problems]
    return found


@app.command("new")
def new(
    chain_id: Annotated[str, typer.Option("--chain-id", help="Chain identifier (1-50 chars).")],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write genesis.json.")],
    orgs: Annotated[
        list[str],
        typer.Option("--org", help="ID:NAME:CA.pem[:role,role]; repeat for each organisation."),
    ],
    validators: Annotated[
        list[str],
        typer.Option("--validator", help="NAME:PUBKEY_BASE64:POWER (CometBFT Ed25519 key)."),
    ],
    members: Annotated[
        list[Path] | None,
        typer.Option("--member", help="An initial member's certificate PEM; repeat."),
    ] = None,
    roots: Annotated[
        list[Path] | None, typer.Option("--root", help="A national root CA PEM; repeat.")
    ] = None,
    roles: Annotated[
        str | None, typer.Option(help="The chain's roles, comma-separated (default: base roles).")
    ] = None,
    genesis_time: Annotated[str | None, typer.Option(help="RFC 3339 time (default: now).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out.")] = False,
) -> None:
    """Write a permissioned (consortium) genesis file, after checking every entry."""
    if out_file.exists() and not force:
        raise CliError(f"{out_file} already exists (use --force to overwrite)")
    when = _genesis_time(genesis_time)
    section = membership_document(
        organisations=[_org(spec) for spec in orgs],
        members=[_read_text(path, "--member") for path in members or []],
        roots=[_read_text(path, "--root") for path in roots or []],
        roles=None if roles is None else [r.strip() for r in roles.split(",") if r.strip()],
    )
    raw = make_genesis(
        chain_id=chain_id,
        genesis_time=when,
        validators=[_validator(spec) for spec in validators],
        params=ChainParams(chain_id=chain_id, permissioned=True),
        membership=section,
    )
    inspection = inspect_genesis(raw)
    if inspection.problems:
        _print_problems(inspection.problems)
        raise typer.Exit(EXIT_INVALID)
    out_file.write_bytes(raw)
    out.print(f"[green]Wrote[/] {out_file}")
    _print_summary(inspection)


@app.command("validate")
def validate(
    path: Annotated[Path, typer.Argument(help="The genesis.json to check.")],
) -> None:
    """Check a genesis file as init_chain would; print a summary, or every problem (exit 1)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    inspection = inspect_genesis(raw)
    if inspection.genesis is not None:
        _print_summary(inspection)
    if inspection.problems:
        _print_problems(inspection.problems)
        raise typer.Exit(EXIT_INVALID)
    out.print(f"[green]{path} is valid[/]")


def _print_problems(problems: list[str]) -> None:
    out.print(f"[red]{len(problems)} problem(s):[/]")
    for problem in problems:
        out.print(f"  [red]✗[/] {escape(problem)}")


def _print_summary(inspection: Inspection) -> None:
    genesis = inspection.genesis
    assert genesis is not None
    table = kv_table("Genesis")
    table.add_row("chain id", genesis.chain_id)
    moment = datetime.datetime.fromtimestamp(genesis.genesis_time.seconds, tz=datetime.UTC)
    table.add_row("genesis time", f"{moment:%Y-%m-%d %H:%M:%S} UTC")
    power = sum(v.power for v in genesis.validators)
    table.add_row("validators", f"{len(genesis.validators)} (total power {power})")
    table.add_row("permissioned", "yes" if genesis.params.permissioned else "no")
    membership = inspection.membership
    if membership is not None:
        table.add_row("national roots", str(len(membership.roots)) or "none")
    out.print(table)
    report = inspection.report
    if membership is None or report is None:
        return
    organisations = Table(title="Organisations", title_justify="left")
    for column in ("id", "name", "roles", "CA valid until", "status"):
        organisations.add_column(column, overflow="fold")
    for entry in membership.organisations:
        record = load_organisation(report.state, entry.id)
        certificate = x509.load_der_x509_certificate(entry.ca)
        organisations.add_row(
            entry.id,
            escape(entry.name),
            ", ".join(record.roles) if record is not None else "-",
            f"{certificate.not_valid_after_utc:%Y-%m-%d}",
            "[green]ok[/]" if record is not None else "[red]refused[/]",
        )
    out.print(organisations)
    members = Table(title="Members", title_justify="left")
    for column in ("organisation", "name", "roles", "address"):
        members.add_column(column, overflow="fold")
    for org_id, name, address in report.enrolled:
        member = load_member(report.state, address)
        roles = ", ".join(member.roles) if member is not None else ""
        members.add_row(org_id, escape(name), roles, address.hex())
    out.print(members)


def _genesis_time(text: str | None) -> Timestamp:
    if text is None:
        return Timestamp(int(time.time()), 0)
    try:
        seconds, nanos = parse_time(text, "--genesis-time")
    except LightError as exc:
        raise UsageProblem(f"--genesis-time: {exc}") from None
    return Timestamp(seconds, nanos)


def _read_text(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"{option} {path}: cannot read: {exc}") from None


def _org(spec: str) -> tuple[str, str, str, list[str] | None]:
    parts = spec.split(":")
    if len(parts) not in (3, 4):
        raise UsageProblem(f"--org: expected ID:NAME:CA.pem[:role,role], got {spec!r}")
    org_id, name, ca_path = parts[:3]
    if not IDENTIFIER.fullmatch(org_id):
        raise UsageProblem(f"--org {spec!r}: id must be 1-32 of a-z, 0-9 and '-'")
    roles = None
    if len(parts) == 4:
        roles = [r.strip() for r in parts[3].split(",") if r.strip()]
    return org_id, name, _read_text(Path(ca_path), "--org"), roles


def _validator(spec: str) -> GenesisValidator:
    parts = spec.split(":")
    if len(parts) != 3:
        raise UsageProblem(f"--validator: expected NAME:PUBKEY_BASE64:POWER, got {spec!r}")
    name, key_text, power_text = parts
    try:
        key = base64.b64decode(key_text, validate=True)
    except (binascii.Error, ValueError):
        raise UsageProblem(f"--validator {name}: the public key is not base64") from None
    if len(key) != 32:
        raise UsageProblem(f"--validator {name}: expected a 32-byte Ed25519 key, got {len(key)}")
    if not power_text.isdigit() or int(power_text) < 1:
        raise UsageProblem(f"--validator {name}: power must be a positive integer")
    return GenesisValidator(key, int(power_text), name)
