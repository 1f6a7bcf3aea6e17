"""Certificates as the rules see them: profile, key to suite, roles, validity against block time."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, mldsa, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes
from membership_pki import (
    NOT_AFTER,
    NOT_BEFORE,
    authority,
    member_certificate,
    member_key,
)

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import address_of
from sen.ledger.errors import TxRejected
from sen.ledger.modules.membership.certificates import (
    check_ca_profile,
    check_member_profile,
    check_window,
    common_name,
    parse_certificate,
    roles_of,
    suite_and_key,
    validity,
)
from sen.sdk.devca import OrgAuthority, der, issue_member_certificate, public_key_for

UNI = authority("uni-hanoi", "Đại học Quốc gia Hà Nội", 1)


def rejected(call: object, *args: object) -> TxRejected:
    assert callable(call)
    with pytest.raises(TxRejected) as info:
        call(*args)
    return info.value


def test_vietnamese_names_and_roles_round_trip_exactly() -> None:
    raw = member_certificate(
        UNI, member_key(1), ["admin", "writer"], serial=7, common_name="Nguyễn Thị Hồng Ánh"
    )
    certificate = parse_certificate(raw, "args.certificate")
    assert common_name(certificate) == "Nguyễn Thị Hồng Ánh"
    assert roles_of(certificate) == ("admin", "writer")
    assert "Đại học Quốc gia Hà Nội" in certificate.subject.rfc4514_string()


def test_not_der_is_a_bad_certificate_naming_the_field() -> None:
    error = rejected(parse_certificate, b"\x30\x03\x02\x01\x01", "args.certificate")
    assert (error.code, error.field) == (ResultCode.BAD_CERTIFICATE, "args.certificate")


def test_trailing_bytes_are_refused() -> None:
    raw = member_certificate(UNI, member_key(1), ["writer"], serial=7)
    error = rejected(parse_certificate, raw + b"\x00", "args.certificate")
    assert error.code == ResultCode.BAD_CERTIFICATE


def test_a_certificate_must_be_bytes() -> None:
    error = rejected(parse_certificate, "PEM text", "args.certificate")
    assert (error.code, error.field) == (ResultCode.INVALID_ARGUMENT, "args.certificate")


def test_a_ca_certificate_is_not_a_member_certificate() -> None:
    error = rejected(check_member_profile, UNI.certificate, "args.certificate")
    assert (error.code, error.field) == (ResultCode.BAD_CERTIFICATE, "args.certificate")
    assert error.got == "CA:true"


def test_a_member_certificate_is_not_a_ca() -> None:
    member = parse_certificate(member_certificate(UNI, member_key(1), [], serial=3), "ca")
    error = rejected(check_ca_profile, member, "ca")
    assert (error.code, error.field) == (ResultCode.BAD_CERTIFICATE, "ca")


def test_a_member_certificate_without_digital_signature_is_refused() -> None:
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name.from_rfc4514_string("CN=x"))
        .issuer_name(UNI.certificate.subject)
        .public_key(ec.derive_private_key(5, ec.SECP256R1()).public_key())
        .serial_number(1)
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(UNI.key, hashes.SHA256())
    )
    error = rejected(check_member_profile, certificate, "args.certificate")
    assert (error.code, error.expected) == (ResultCode.BAD_CERTIFICATE, "digitalSignature")


@pytest.mark.parametrize(
    ("suite", "key_size"),
    [("ed25519", 32), ("ecdsa-p256", 33), ("ecdsa-secp256k1", 33), ("ml-dsa-65", 1952)],
)
def test_each_supported_key_maps_to_its_suite(suite: str, key_size: int) -> None:
    public = _public_key(suite)
    certificate = issue_member_certificate(
        UNI, public, common_name="svc", roles=[], not_before=NOT_BEFORE, not_after=NOT_AFTER
    )
    found_suite, raw = suite_and_key(certificate, "args.certificate")
    assert found_suite == suite
    assert len(raw) == key_size
    assert len(address_of(found_suite, raw)) == 20


def _public_key(suite: str) -> CertificateIssuerPublicKeyTypes:
    if suite == "ed25519":
        return public_key_for("ed25519", member_key(9).public_key)
    if suite == "ecdsa-p256":
        return ec.derive_private_key(77, ec.SECP256R1()).public_key()
    if suite == "ecdsa-secp256k1":
        return ec.derive_private_key(77, ec.SECP256K1()).public_key()
    return mldsa.MLDSA65PrivateKey.from_seed_bytes(bytes(32)).public_key()


def test_an_rsa_key_has_no_suite() -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = issue_member_certificate(
        UNI,
        rsa_key.public_key(),
        common_name="rsa",
        roles=[],
        not_before=NOT_BEFORE,
        not_after=NOT_AFTER,
    )
    error = rejected(suite_and_key, certificate, "args.certificate")
    assert (error.code, error.field) == (ResultCode.UNSUPPORTED_KEY, "args.certificate")


def test_validity_is_judged_against_the_block_time_inclusively() -> None:
    start, end = validity(UNI.certificate)
    check_window(start, end, (start, 0), "ca")
    check_window(start, end, (end, 0), "ca")
    early = rejected(check_window, start, end, (start - 1, 999_999_999), "ca")
    assert (early.code, early.field) == (ResultCode.CERTIFICATE_NOT_YET_VALID, "ca")
    late = rejected(check_window, start, end, (end, 1), "ca")
    assert (late.code, late.field) == (ResultCode.CERTIFICATE_EXPIRED, "ca")


def test_intermediate_authority_round_trip() -> None:
    sub = authority("sub", "Phòng Đào tạo", 2, issuer=UNI)
    assert sub.certificate.issuer == UNI.certificate.subject
    sub.certificate.verify_directly_issued_by(UNI.certificate)
    assert isinstance(sub, OrgAuthority)
    assert datetime.datetime(2023, 11, 1, tzinfo=datetime.UTC) == NOT_BEFORE
    assert der(sub.certificate)
