"""A fixed test PKI: organisation CAs and member certificates with fixed keys and dates.

Keys come from fixed seeds and every certificate from fixed dates, so a test
gives the same answer whatever day it runs (the rules read the block time,
never the clock).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from sen.ledger.crypto import Ed25519Suite, SigningKey, address_of
from sen.ledger.modules.membership.certificates import BlockTime
from sen.ledger.modules.membership.registry import admit_organisation
from sen.ledger.state import Overlay
from sen.ledger.tx import sign_tx
from sen.ledger.types import BlockInfo, ChainParams
from sen.sdk.devca import (
    OrgAuthority,
    der,
    issue_ca_certificate,
    issue_member_certificate,
    public_key_for,
)

CHAIN_ID = "sen-consortium"
UTC = datetime.UTC
NOT_BEFORE = datetime.datetime(2023, 11, 1, tzinfo=UTC)  # 1_698_796_800
NOT_AFTER = datetime.datetime(2024, 11, 1, tzinfo=UTC)  # 1_730_419_200
CA_NOT_AFTER = datetime.datetime(2033, 11, 1, tzinfo=UTC)
T0 = 1_700_000_000  # 2023-11-14: inside every window above
OPEN = ChainParams(chain_id=CHAIN_ID)
PERMISSIONED = ChainParams(chain_id=CHAIN_ID, permissioned=True)


def at(seconds: int) -> BlockTime:
    return (seconds, 0)


def block(height: int, seconds: int | None = None) -> BlockInfo:
    return BlockInfo(height, T0 + height if seconds is None else seconds, 0, bytes(20))


def ca_key(n: int) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(1_000 + n, ec.SECP256R1())


def member_key(n: int) -> SigningKey:
    return Ed25519Suite().load_private(bytes([n]) * 32)


def address(key: SigningKey) -> bytes:
    return address_of(key.suite, key.public_key)


def authority(
    org_id: str,
    name: str,
    n: int,
    *,
    not_before: datetime.datetime = NOT_BEFORE,
    not_after: datetime.datetime = CA_NOT_AFTER,
    issuer: OrgAuthority | None = None,
) -> OrgAuthority:
    key = ca_key(n)
    certificate = issue_ca_certificate(
        key,
        common_name=f"{name} CA",
        organisation=name,
        not_before=not_before,
        not_after=not_after,
        serial=n,
        issuer=None if issuer is None else issuer.certificate,
        issuer_key=None if issuer is None else issuer.key,
    )
    return OrgAuthority(org_id, name, certificate, key)


def member_certificate(
    org: OrgAuthority,
    key: SigningKey,
    roles: Sequence[str],
    *,
    serial: int,
    common_name: str = "Nguyễn Văn A",
    not_before: datetime.datetime = NOT_BEFORE,
    not_after: datetime.datetime = NOT_AFTER,
) -> bytes:
    certificate = issue_member_certificate(
        org,
        public_key_for(key.suite, key.public_key),
        common_name=common_name,
        roles=roles,
        not_before=not_before,
        not_after=not_after,
        serial=serial,
    )
    return der(certificate)


def admit(state: Overlay, org: OrgAuthority, roles: Sequence[str], height: int = 0) -> None:
    admit_organisation(state, org.id, org.name, der(org.certificate), roles, [], height)


def enroll_tx(key: SigningKey, certificate: bytes, nonce: int = 0, **extra: object) -> bytes:
    args: dict[str, object] = {"certificate": certificate, **extra}
    return sign_tx(
        key, chain_id=CHAIN_ID, nonce=nonce, module="membership", action="enroll", args=args
    ).raw


def anchor_tx(key: SigningKey, nonce: int, label: str = "doc") -> bytes:
    digest = label.encode().ljust(32, b".")[:32]
    return sign_tx(
        key,
        chain_id=CHAIN_ID,
        nonce=nonce,
        module="evidence",
        action="anchor",
        args={"digest": digest},
    ).raw


def revoke_tx(key: SigningKey, nonce: int, organisation: str, serial: int | str) -> bytes:
    return sign_tx(
        key,
        chain_id=CHAIN_ID,
        nonce=nonce,
        module="membership",
        action="revoke",
        args={"organisation": organisation, "serial": serial},
    ).raw


def ed25519_ca_key(n: int) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(bytes([200 + n]) * 32)


def name_of(certificate_der: bytes) -> str:
    return x509.load_der_x509_certificate(certificate_der).subject.rfc4514_string()
