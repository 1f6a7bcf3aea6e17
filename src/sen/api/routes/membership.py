"""Membership: the organisations of the chain and its enrolled members (committed state)."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Annotated

from cryptography import x509
from fastapi import APIRouter, Path, Query
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest, NotFound
from sen.api.json_body import JsonRoute
from sen.api.parsing import (
    ADDRESS_BYTES,
    ADDRESS_PATTERN,
    ORGANISATION_PATTERN,
    Address,
    parse_hex,
    pattern,
)
from sen.api.problems import documented
from sen.api.schemas import Schema
from sen.ledger.modules.membership import Organisation, load_member, load_organisation
from sen.ledger.modules.membership.records import IDENTIFIER, Member, revoked_at
from sen.ledger.modules.membership.registry import organisations
from sen.ledger.state import StateReader
from sen.sdk.devca import pem
from sen.services.readmodels.explorer import enrolled_members

router = APIRouter(route_class=JsonRoute, tags=["membership"])

OrganisationId = Annotated[
    str,
    Path(description="1 to 32 of a-z, 0-9, -.", json_schema_extra=pattern(ORGANISATION_PATTERN)),
]


class OrganisationView(Schema):
    id: str = Field(examples=["uni-hanoi"])
    name: str = Field(examples=["Đại học Quốc gia Hà Nội"])
    status: str = Field(description="`active` or `removed`.", examples=["active"])
    roles: list[str] = Field(description="The roles its members may hold.")
    admitted_height: int
    removed_height: int | None = None
    ca_subject: str = Field(description="The CA certificate's subject (RFC 4514).")
    ca_sha256: str = Field(description="SHA-256 of the CA certificate's DER, hex.")
    not_before: int = Field(description="Unix seconds: the CA chain is valid from…")
    not_after: int = Field(description="…until (inclusive).")
    ca_pem: str | None = Field(default=None, description="The CA certificate (single view).")
    members: int = Field(
        default=0, description="Enrolled members (revoked or expired ones included)."
    )


class OrganisationList(Schema):
    organisations: list[OrganisationView]


class MemberView(Schema):
    address: str = Field(description="Account address, hex.")
    organisation: str
    organisation_status: str
    name: str = Field(description="The certificate's Subject CN.", examples=["Nguyễn Văn A"])
    roles: list[str]
    serial: str = Field(description="Certificate serial number, decimal.")
    cert_sha256: str
    suite: str
    public_key: str
    not_before: int
    not_after: int
    revoked_height: int | None = Field(
        default=None, description="Height at which the certificate was revoked, if it was."
    )


class MemberList(Schema):
    organisation: str
    total: int = Field(description="Enrolled members of the organisation.")
    members: list[MemberView] = Field(description="By address, at most `limit`.")
    next: str | None = Field(
        default=None, description="Pass as `after` for the next page; null on the last."
    )


def _view(record: Organisation, *, members: int = 0, with_pem: bool = False) -> OrganisationView:
    certificate = x509.load_der_x509_certificate(record.ca)
    return OrganisationView(
        id=record.id,
        name=record.name,
        status=record.status,
        roles=list(record.roles),
        admitted_height=record.admitted_height,
        removed_height=record.removed_height,
        ca_subject=certificate.subject.rfc4514_string(),
        ca_sha256=hashlib.sha256(record.ca).hexdigest(),
        not_before=record.not_before,
        not_after=record.not_after,
        ca_pem=pem(certificate) if with_pem else None,
        members=members,
    )


def _member_view(state: StateReader, address: bytes, member: Member) -> MemberView:
    record = load_organisation(state, member.org)
    return MemberView(
        address=address.hex(),
        organisation=member.org,
        organisation_status=record.status if record is not None else "unknown",
        name=member.name,
        roles=list(member.roles),
        serial=member.serial,
        cert_sha256=member.cert_hash.hex(),
        suite=member.suite,
        public_key=member.public_key.hex(),
        not_before=member.not_before,
        not_after=member.not_after,
        revoked_height=revoked_at(state, member.org, member.serial),
    )


def _organisation_id(organisation: str) -> str:
    if not IDENTIFIER.fullmatch(organisation):
        raise BadRequest(
            "organisation: not an organisation id",
            field="organisation",
            expected="1 to 32 characters of a-z, 0-9 and '-'",
            got=organisation[:40],
        )
    return organisation


@router.get(
    "/v1/membership/organisations",
    summary="The organisations of the chain",
    description=(
        "Every organisation ever admitted, active or removed, by id."
        "\n\n*Các tổ chức thành viên của chuỗi.*"
    ),
)
def list_organisations(node: NodeDep) -> OrganisationList:
    state = node.app.store
    found = [load_organisation(state, org_id) for org_id in organisations(state)]
    counts = Counter(member.org for _, member in enrolled_members(node))
    return OrganisationList(
        organisations=[_view(r, members=counts[r.id]) for r in found if r is not None]
    )


@router.get(
    "/v1/membership/organisations/{organisation}",
    summary="One organisation, with its CA certificate",
    description="*Một tổ chức và chứng thư số CA của tổ chức.*",
    responses=documented(400, 404),
)
def show_organisation(organisation: OrganisationId, node: NodeDep) -> OrganisationView:
    record = load_organisation(node.app.store, _organisation_id(organisation))
    if record is None:
        raise NotFound(f"no organisation {organisation!r}", field="organisation")
    members = len(enrolled_members(node, organisation))
    return _view(record, members=members, with_pem=True)


@router.get(
    "/v1/membership/organisations/{organisation}/members",
    summary="The enrolled members of an organisation",
    description=(
        "Every member enrolled with a certificate of this organisation's CA, by address, "
        "with roles, certificate validity and revocation; paged with `after`."
        "\n\n*Các thành viên của một tổ chức.*"
    ),
    responses=documented(400, 404),
)
def list_members(
    organisation: OrganisationId,
    node: NodeDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most 1000.")] = 100,
    after: Annotated[
        str | None,
        Query(
            description="Only addresses after this one (hex), for paging.",
            json_schema_extra=pattern(ADDRESS_PATTERN),
        ),
    ] = None,
) -> MemberList:
    state = node.app.store
    if load_organisation(state, _organisation_id(organisation)) is None:
        raise NotFound(f"no organisation {organisation!r}", field="organisation")
    start = b"" if after is None else parse_hex(after, "after", length=ADDRESS_BYTES)
    members = enrolled_members(node, organisation)
    page = [(address, m) for address, m in members if address > start][:limit]
    more = bool(page) and page[-1][0] != members[-1][0]
    return MemberList(
        organisation=organisation,
        total=len(members),
        members=[_member_view(state, address, m) for address, m in page],
        next=page[-1][0].hex() if more else None,
    )


@router.get(
    "/v1/membership/members/{address}",
    summary="An enrolled member",
    description=(
        "The member record of an account: organisation, roles, certificate serial and "
        "validity, and whether the certificate was revoked.\n\n*Thông tin thành viên.*"
    ),
    responses=documented(400, 404),
)
def show_member(address: Address, node: NodeDep) -> MemberView:
    raw = parse_hex(address, "address", length=ADDRESS_BYTES)
    state = node.app.store
    member = load_member(state, raw)
    if member is None:
        raise NotFound(f"{raw.hex()} is not an enrolled member", field="address")
    return _member_view(state, raw, member)
