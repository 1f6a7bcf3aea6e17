"""``sen ca``: a development CA for organisations and their members (never for production).

Production organisations use their real CA, or one under the national root;
these commands make certificates with the same profile for development,
tests and pilots (see ``docs/spec/membership.md``).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes
from rich.markup import escape

from sen.cli._context import err, kv_table, out, settings
from sen.cli.errors import CliError, UsageProblem
from sen.ledger.crypto import address_of
from sen.ledger.modules.membership.records import BASE_ROLES, IDENTIFIER
from sen.sdk.devca import (
    CLOCK_SKEW,
    OrgAuthority,
    init_org_directory,
    issue_member_certificate,
    load_org_directory,
    pem,
    public_key_for,
    utc_now,
)
from sen.sdk.errors import InvalidInput

app = typer.Typer(
    help="A development CA: organisation CAs and member certificates (not for production).",
    no_args_is_help=True,
)

WARNING = "development CA: production organisations use their real CA"


@app.command("init-org")
def init_org(
    org_id: Annotated[str, typer.Option("--id", help="Organisation id: 1-32 of a-z, 0-9, '-'.")],
    name: Annotated[str, typer.Option("--name", help="Organisation name (UTF-8).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for ca.pem and ca-key.pem.")],
    days: Annotated[int, typer.Option(help="Validity of the CA certificate, in days.")] = 3650,
) -> None:
    """Make a self-signed P-256 CA for an organisation (key in DIR/ca-key.pem, mode 0600)."""
    if not IDENTIFIER.fullmatch(org_id):
        raise UsageProblem(f"--id: expected 1-32 of a-z, 0-9 and '-', got {org_id!r}")
    if not name.strip():
        raise UsageProblem("--name: the organisation needs a name")
    authority = init_org_directory(out_dir, org_id, name, days=days)
    err.print(f"[yellow]{WARNING}[/]")
    out.print(f"[green]Created[/] the CA of [bold]{escape(name)}[/] in {out_dir}")
    _print_ca(authority)


@app.command("issue")
def issue(
    ctx: typer.Context,
    org_dir: Annotated[Path, typer.Option("--org-dir", help="A directory made by init-org.")],
    roles: Annotated[str, typer.Option(help=f"Roles, comma-separated ({', '.join(BASE_ROLES)}).")],
    common_name: Annotated[str, typer.Option("--cn", help="The member's name (UTF-8).")],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the certificate PEM.")],
    key: Annotated[
        str | None, typer.Option("--key", help="A keyring key to certify (no passphrase needed).")
    ] = None,
    public_key_file: Annotated[
        Path | None,
        typer.Option("--public-key-file", help="Or: a PEM SubjectPublicKeyInfo file to certify."),
    ] = None,
    days: Annotated[int, typer.Option(help="Validity in days.")] = 365,
    serial: Annotated[
        int | None, typer.Option(help="Serial number (default: random, 159 bits).")
    ] = None,
) -> None:
    """Issue a member certificate binding a public key to the organisation and roles."""
    if (key is None) == (public_key_file is None):
        raise UsageProblem("give exactly one of --key NAME or --public-key-file FILE")
    if days < 1:
        raise UsageProblem(f"--days: expected at least 1, got {days}")
    if out_file.exists():
        raise CliError(f"{out_file} already exists")
    role_list = [r.strip() for r in roles.split(",") if r.strip()]
    for role in role_list:
        if not IDENTIFIER.fullmatch(role):
            raise UsageProblem(f"--roles: {role!r} is not a role name (a-z, 0-9, '-')")
    authority = load_org_directory(org_dir)
    if key is not None:
        info = settings(ctx).keyring().info(key)
        suite, raw = info.suite, info.public_key
        public = public_key_for(suite, raw)
    else:
        assert public_key_file is not None
        public = _read_public_key(public_key_file)
    start = utc_now() - CLOCK_SKEW
    end = min(start + datetime.timedelta(days=days), authority.certificate.not_valid_after_utc)
    certificate = issue_member_certificate(
        authority,
        public,
        common_name=common_name,
        roles=role_list,
        not_before=start,
        not_after=end,
        serial=serial,
    )
    out_file.write_text(pem(certificate))
    err.print(f"[yellow]{WARNING}[/]")
    table = kv_table(f"Certificate {out_file}")
    table.add_row("organisation", f"{authority.id} ({escape(authority.name)})")
    table.add_row("name", escape(common_name))
    table.add_row("roles", ", ".join(role_list) or "(none)")
    table.add_row("serial", str(certificate.serial_number))
    table.add_row("valid", f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC")
    if key is not None:
        table.add_row("address", address_of(suite, raw).hex())
    out.print(table)
    out.print(f"Enroll it with: sen member enroll --key {key or 'NAME'} --cert {out_file}")


def _read_public_key(path: Path) -> CertificateIssuerPublicKeyTypes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise InvalidInput(f"{path}: not a PEM public key: {exc}") from None
    if not isinstance(
        key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | mldsa.MLDSA65PublicKey
    ):
        raise InvalidInput(
            f"{path}: a {type(key).__name__} has no Sen signature suite "
            "(use Ed25519, P-256, secp256k1 or ML-DSA-65)"
        )
    return key


def _print_ca(authority: OrgAuthority) -> None:
    certificate = authority.certificate
    table = kv_table()
    table.add_row("id", authority.id)
    table.add_row("subject", escape(certificate.subject.rfc4514_string()))
    table.add_row("valid until", f"{certificate.not_valid_after_utc:%Y-%m-%d} UTC")
    if authority.directory is not None:
        table.add_row("certificate", str(authority.directory / "ca.pem"))
        table.add_row("key", str(authority.directory / "ca-key.pem") + " (keep it secret)")
    out.print(table)
