"""A development certificate authority: organisation CAs and member certificates.

For development, tests and pilots only: production organisations use their
real CAs (or the national root's), and the chain accepts any CA that follows
the profile in ``docs/spec/membership.md`` §3. What this module issues follows
that profile exactly:

* an organisation CA: a self-signed EC P-256 certificate (or one issued under
  a given root), ``basicConstraints CA:true`` and ``keyUsage keyCertSign, cRLSign``;
* a member certificate: the member's public key (Ed25519, P-256, secp256k1 or
  ML-DSA-65), Subject ``CN`` the person or service, ``O`` the organisation and
  one ``OU`` per role, ``basicConstraints CA:false``, ``keyUsage digitalSignature``.

Names are UTF8String, so Vietnamese names keep their diacritics exactly.

An organisation directory made by :func:`init_org_directory` holds::

    ca.pem        the CA certificate (give it to the chain: genesis or governance)
    ca-key.pem    the CA private key, PKCS#8 PEM, mode 0600 (unencrypted: development only)
    org.json      {"id", "name"}
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificateIssuerPublicKeyTypes,
)
from cryptography.x509.oid import NameOID

from sen.ledger.modules.membership.genesis import membership_document
from sen.sdk.errors import InvalidInput, KeyFileError

CA_CERT_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
ORG_FILE = "org.json"
CLOCK_SKEW = datetime.timedelta(minutes=5)  # certificates start a little in the past

_CURVES: dict[str, ec.EllipticCurve] = {
    "ecdsa-p256": ec.SECP256R1(),
    "ecdsa-secp256k1": ec.SECP256K1(),
}


@dataclass(frozen=True, slots=True)
class OrgAuthority:
    """An organisation's CA: its id, name, certificate and private key."""

    id: str
    name: str
    certificate: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes
    directory: Path | None = None


def public_key_for(suite: str, public_key: bytes) -> CertificateIssuerPublicKeyTypes:
    """The ``cryptography`` public key of a Sen suite's raw public key."""
    try:
        if suite == "ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(public_key)
        if suite in _CURVES:
            return ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[suite], public_key)
        if suite == "ml-dsa-65":
            return mldsa.MLDSA65PublicKey.from_public_bytes(public_key)
    except ValueError as exc:
        raise InvalidInput(f"not a valid {suite} public key: {exc}") from None
    raise InvalidInput(
        f"suite {suite!r} cannot be put in a certificate; "
        "use ed25519, ecdsa-p256, ecdsa-secp256k1 or ml-dsa-65"
    )


def _hash_for(key: CertificateIssuerPrivateKeyTypes) -> hashes.SHA256 | None:
    return hashes.SHA256() if isinstance(key, ec.EllipticCurvePrivateKey) else None


def _name(common_name: str, organisation: str, units: Sequence[str] = ()) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        *(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit) for unit in units),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    return x509.Name(attributes)


def issue_ca_certificate(
    key: CertificateIssuerPrivateKeyTypes,
    *,
    common_name: str,
    organisation: str,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    serial: int | None = None,
    issuer: x509.Certificate | None = None,
    issuer_key: CertificateIssuerPrivateKeyTypes | None = None,
) -> x509.Certificate:
    """A CA certificate for ``key``: self-signed, or issued by ``issuer`` with ``issuer_key``."""
    subject = _name(common_name, organisation)
    signer = issuer_key if issuer_key is not None else key
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer is not None else subject)
        .public_key(public)
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(_issuer_public(issuer)),
            critical=False,
        )
    return builder.sign(signer, _hash_for(signer))


def issue_member_certificate(
    authority: OrgAuthority,
    public_key: CertificateIssuerPublicKeyTypes,
    *,
    common_name: str,
    roles: Sequence[str],
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    serial: int | None = None,
) -> x509.Certificate:
    """A member certificate binding ``public_key`` to the organisation and ``roles`` (as OUs)."""
    if not common_name.strip():
        raise InvalidInput("a member certificate needs a common name (--cn)")
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, authority.name, roles))
        .issuer_name(authority.certificate.subject)
        .public_key(public_key)
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                _issuer_public(authority.certificate)
            ),
            critical=False,
        )
    )
    return builder.sign(authority.key, _hash_for(authority.key))


def _issuer_public(certificate: x509.Certificate) -> CertificateIssuerPublicKeyTypes:
    public = certificate.public_key()
    assert isinstance(
        public, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | mldsa.MLDSA65PublicKey
    )
    return public


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


# -- organisation directories ----------------------------------------------------


def init_org_directory(
    directory: Path,
    org_id: str,
    name: str,
    *,
    days: int = 3650,
    now: datetime.datetime | None = None,
) -> OrgAuthority:
    """Make a new organisation CA (P-256, self-signed) in ``directory``, which must hold none."""
    if days < 1:
        raise InvalidInput(f"--days: expected at least 1, got {days}")
    directory.mkdir(parents=True, exist_ok=True)
    for file in (CA_CERT_FILE, CA_KEY_FILE, ORG_FILE):
        if (directory / file).exists():
            raise KeyFileError(f"{directory / file} already exists; choose an empty directory")
    start = (now or utc_now()) - CLOCK_SKEW
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = issue_ca_certificate(
        key,
        common_name=f"{name} CA",
        organisation=name,
        not_before=start,
        not_after=start + datetime.timedelta(days=days),
    )
    _write(directory / CA_KEY_FILE, key_pem(key), private=True)
    _write(directory / CA_CERT_FILE, pem(certificate).encode())
    document = {"id": org_id, "name": name}
    _write(
        directory / ORG_FILE, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    )
    return OrgAuthority(org_id, name, certificate, key, directory)


def key_pem(key: CertificateIssuerPrivateKeyTypes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_org_directory(directory: Path) -> OrgAuthority:
    """The organisation CA kept in ``directory`` by :func:`init_org_directory`."""
    try:
        document = json.loads((directory / ORG_FILE).read_text(encoding="utf-8"))
        certificate = x509.load_pem_x509_certificate((directory / CA_CERT_FILE).read_bytes())
        key = serialization.load_pem_private_key((directory / CA_KEY_FILE).read_bytes(), None)
    except FileNotFoundError as exc:
        raise KeyFileError(
            f"{directory} is not an organisation CA directory ({exc.filename} is missing; "
            "make one with: sen ca init-org)"
        ) from None
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"{directory}: cannot read the organisation CA: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        raise KeyFileError(f"{directory / CA_KEY_FILE}: expected an EC or Ed25519 private key")
    if not isinstance(document, dict) or not all(
        isinstance(document.get(k), str) for k in ("id", "name")
    ):
        raise KeyFileError(f"{directory / ORG_FILE}: expected {{'id': ..., 'name': ...}}")
    if key.public_key() != certificate.public_key():
        raise KeyFileError(f"{directory}: {CA_KEY_FILE} is not the key of {CA_CERT_FILE}")
    return OrgAuthority(document["id"], document["name"], certificate, key, directory)


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def consortium_section(directory: Path) -> dict[str, object]:
    """An ``app_state.membership`` section from a directory of organisation CAs and certificates.

    Every subdirectory holding ``org.json`` (made by :func:`init_org_directory`)
    is an organisation, admitted with every known role; every ``*.pem`` directly
    in ``directory`` is an initial member's certificate (admins, operators).
    """
    if not directory.is_dir():
        raise InvalidInput(f"{directory} is not a directory")
    organisations: list[tuple[str, str, str, Sequence[str] | None]] = []
    for org_dir in sorted(p for p in directory.iterdir() if (p / ORG_FILE).is_file()):
        authority = load_org_directory(org_dir)
        organisations.append((authority.id, authority.name, pem(authority.certificate), None))
    if not organisations:
        raise InvalidInput(
            f"{directory} holds no organisation CA (make one with: sen ca init-org --out "
            f"{directory}/ORG_ID ...)"
        )
    members = [path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.pem"))]
    return membership_document(organisations=organisations, members=members)
