"""X.509 certificates as the membership rules see them: parsed, profiled, linked and dated.

Parsing and signature checks are ``cryptography.x509``'s; the policy is ours
and deliberately small (docs/spec/membership.md §3): a CA certificate has
``basicConstraints CA:true`` and ``keyUsage keyCertSign``; a member
certificate is not a CA and has ``keyUsage digitalSignature``; each
certificate names its issuer's subject and carries its issuer's signature;
every certificate is checked against the *block time*, never the clock.

Roles are the member certificate's Subject ``OU`` attributes, one role per
``OU`` (as Hyperledger Fabric's NodeOUs carry ``admin``/``client``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa
from cryptography.x509.oid import NameOID

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import require_bytes
from sen.ledger.types import BlockTime as BlockTime

MAX_CERTIFICATE_BYTES = 16 * 1024  # an ML-DSA-65 certificate is about 5.5 KiB


def bad_certificate(
    field: str, reason: str, *, expected: object = None, got: object = None
) -> TxRejected:
    return TxRejected(ResultCode.BAD_CERTIFICATE, reason, field=field, expected=expected, got=got)


def der_bytes(value: object, field: str) -> bytes:
    """The bytes of a DER certificate argument (its contents are checked by parse_certificate)."""
    return require_bytes(value, field, expected="bytes (a DER certificate)")


def parse_certificate(value: object, field: str) -> x509.Certificate:
    """One DER certificate (exactly its bytes: no trailing data, no PEM)."""
    der = der_bytes(value, field)
    if len(der) > MAX_CERTIFICATE_BYTES:
        raise bad_certificate(
            field,
            "certificate too large",
            expected=f"at most {MAX_CERTIFICATE_BYTES} bytes",
            got=f"{len(der)} bytes",
        )
    try:
        certificate = x509.load_der_x509_certificate(der)
        reencoded = certificate.public_bytes(serialization.Encoding.DER)
    except ValueError as exc:
        raise bad_certificate(field, f"not a DER X.509 certificate: {exc}") from None
    if reencoded != der:
        raise bad_certificate(field, "not the DER encoding of its certificate")
    if certificate.version is not x509.Version.v3:
        raise bad_certificate(field, "not an X.509 v3 certificate", got=certificate.version.name)
    return certificate


def certificate_hash(certificate: x509.Certificate) -> bytes:
    return hashlib.sha256(der_of(certificate)).digest()


def der_of(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def _extension(
    certificate: x509.Certificate, kind: type[x509.ExtensionType], field: str
) -> object | None:
    try:
        return certificate.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None
    except ValueError as exc:  # a duplicated or undecodable extension
        raise bad_certificate(field, f"bad extensions: {exc}") from None


def check_ca_profile(certificate: x509.Certificate, field: str) -> None:
    """A CA certificate: basicConstraints CA:true and keyUsage keyCertSign."""
    constraints = _extension(certificate, x509.BasicConstraints, field)
    if not isinstance(constraints, x509.BasicConstraints) or not constraints.ca:
        raise bad_certificate(
            field, "not a CA certificate", expected="basicConstraints CA:true", got="CA:false"
        )
    usage = _extension(certificate, x509.KeyUsage, field)
    if not isinstance(usage, x509.KeyUsage) or not usage.key_cert_sign:
        raise bad_certificate(
            field, "a CA certificate must allow certificate signing", expected="keyCertSign"
        )


def check_member_profile(certificate: x509.Certificate, field: str) -> None:
    """A member certificate: not a CA, and keyUsage digitalSignature."""
    constraints = _extension(certificate, x509.BasicConstraints, field)
    if isinstance(constraints, x509.BasicConstraints) and constraints.ca:
        raise bad_certificate(
            field, "a member certificate must not be a CA", expected="CA:false", got="CA:true"
        )
    usage = _extension(certificate, x509.KeyUsage, field)
    if not isinstance(usage, x509.KeyUsage) or not usage.digital_signature:
        raise bad_certificate(
            field, "a member certificate must allow signing", expected="digitalSignature"
        )


def is_issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer``'s subject is ``certificate``'s issuer and its key signed it."""
    if certificate.issuer != issuer.subject:
        return False
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def check_issued_by(certificate: x509.Certificate, issuer: x509.Certificate, field: str) -> None:
    if certificate.issuer != issuer.subject:
        raise TxRejected(
            ResultCode.WRONG_CA,
            "issuer name does not match",
            field=field,
            expected=issuer.subject.rfc4514_string(),
            got=certificate.issuer.rfc4514_string(),
        )
    if not is_issued_by(certificate, issuer):
        raise TxRejected(
            ResultCode.WRONG_CA,
            "issuer's signature does not verify",
            field=field,
            expected=f"signed by {issuer.subject.rfc4514_string()}",
        )


def validity(certificate: x509.Certificate) -> tuple[int, int]:
    """(notBefore, notAfter) in unix seconds; both ends are inclusive (RFC 5280 §4.1.2.5)."""
    return (
        int(certificate.not_valid_before_utc.timestamp()),
        int(certificate.not_valid_after_utc.timestamp()),
    )


def window_of(certificates: Sequence[x509.Certificate]) -> tuple[int, int]:
    """The span in which every one of ``certificates`` is valid (may be empty: start > end)."""
    spans = [validity(c) for c in certificates]
    return max(s for s, _ in spans), min(e for _, e in spans)


def check_window(not_before: int, not_after: int, at: BlockTime, field: str) -> None:
    """Valid at block time ``at``: notBefore <= at <= notAfter."""
    if at < (not_before, 0):
        raise TxRejected(
            ResultCode.CERTIFICATE_NOT_YET_VALID,
            "certificate is not yet valid at the block time",
            field=field,
            expected=f"block time >= {not_before}",
            got=at[0],
        )
    if at > (not_after, 0):
        raise TxRejected(
            ResultCode.CERTIFICATE_EXPIRED,
            "certificate has expired at the block time",
            field=field,
            expected=f"block time <= {not_after}",
            got=at[0],
        )


def roles_of(certificate: x509.Certificate) -> tuple[str, ...]:
    """The roles a member certificate carries: its Subject OU values, in order, without repeats."""
    values = [
        attribute.value
        for attribute in certificate.subject.get_attributes_for_oid(
            NameOID.ORGANIZATIONAL_UNIT_NAME
        )
    ]
    return tuple(dict.fromkeys(str(v) for v in values))


def common_name(certificate: x509.Certificate) -> str:
    found = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else ""


def suite_and_key(certificate: x509.Certificate, field: str) -> tuple[str, bytes]:
    """The Sen signature suite and raw public key of the certificate's SubjectPublicKeyInfo."""
    try:
        key = certificate.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise TxRejected(
            ResultCode.UNSUPPORTED_KEY, f"public key cannot be read: {exc}", field=field
        ) from None
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "ed25519", key.public_bytes_raw()
    if isinstance(key, ec.EllipticCurvePublicKey):
        suite = _CURVES.get(key.curve.name)
        if suite is not None:
            point = key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
            return suite, point
        kind = f"EC {key.curve.name}"
    elif isinstance(key, mldsa.MLDSA65PublicKey):
        return "ml-dsa-65", key.public_bytes_raw()
    else:
        kind = type(key).__name__
    raise TxRejected(
        ResultCode.UNSUPPORTED_KEY,
        "no signature suite for this key",
        field=field,
        expected="Ed25519, EC P-256, EC secp256k1 or ML-DSA-65",
        got=kind,
    )


_CURVES = {"secp256r1": "ecdsa-p256", "secp256k1": "ecdsa-secp256k1"}
