"""Trust: root authorities, issuers' accreditations, the accreditation check, credential schemas.

``GET /v1/trust/check`` is :func:`sen.ledger.modules.trust.accreditation_at`
over the committed state: whether an issuer was accredited for a credential
type at a time, with the path of accreditations up to a root. The answer is
200 either way (``ok`` says which); only malformed input is a problem.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest, NotFound
from sen.api.json_body import JsonRoute
from sen.api.parsing import (
    SEN_DID_PATTERN,
    XML_DATETIME_PATTERN,
    SenDid,
    pattern,
)
from sen.api.problems import documented
from sen.api.schemas import Schema
from sen.did import InvalidOptions, parse_version_time, xml_datetime
from sen.ledger.modules.trust import (
    Accreditation,
    SchemaRecord,
    accreditation_at,
    list_accreditations,
    list_grants,
    load_accreditation,
    load_roots,
    load_roots_version,
    load_schema,
    schema_count,
    schema_id_at,
)
from sen.ledger.modules.trust.parsing import CREDENTIAL_TYPE_PATTERN, is_sen_did

router = APIRouter(route_class=JsonRoute, tags=["trust"])

MAX_LIST = 1000


def _time(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    try:
        return xml_datetime(seconds)
    except (ValueError, OverflowError, OSError):  # beyond year 9999
        return str(seconds)


class RootsVersionView(Schema):
    version: int
    roots: list[str]
    height: int = Field(description="0: the genesis.")
    time: str = Field(description="Block time (XML datetime, UTC) from which they are in force.")


class RootsView(Schema):
    roots: list[str] = Field(examples=[["did:sen:moet"]])
    version: int = Field(description="0: no roots were ever set on this chain.")
    history: list[RootsVersionView] = Field(description="Every change, oldest first.")


class AccreditationView(Schema):
    issuer: str = Field(examples=["did:sen:hust"])
    id: int = Field(description="1, 2, ... for each issuer.")
    accreditor: str = Field(examples=["did:sen:moet"])
    credential_types: list[str] = Field(examples=[["UniversityDegreeCredential"]])
    may_accredit: bool = Field(description="The issuer may accredit others for these types.")
    from_height: int
    from_time: str = Field(description="Block time of the grant (XML datetime, UTC).")
    until: str | None = Field(description="End of validity, exclusive; null: none.")
    sender: str = Field(description="The account (hex) that granted it.")
    revoked_height: int | None
    revoked_time: str | None
    revoked_by: str | None = Field(description="The DID on whose authority it was revoked.")


class IssuerView(Schema):
    did: str
    accreditations: list[AccreditationView] = Field(
        description="Every accreditation it received, oldest first (revoked and expired too)."
    )
    granted: list[AccreditationView] = Field(
        description="Every accreditation it granted to others, oldest first."
    )


class CheckView(Schema):
    ok: bool
    issuer: str
    credential_type: str
    at: str = Field(description="The time asked about (XML datetime, UTC).")
    at_seconds: int
    root: str | None = Field(description="The root at the top of the path.")
    path: list[AccreditationView] = Field(
        description="From the issuer's own accreditation up to the one a root granted."
    )
    error: str = Field(
        description="Empty when ok; else unknown_did, did_deactivated, not_accredited, "
        "type_not_covered, not_delegated, not_yet_valid, expired, revoked, ..."
    )
    reason: str


class SchemaView(Schema):
    id: str = Field(examples=["https://schemas.moet.gov.vn/degree/1.0.json"])
    name: str
    version: str
    credential_type: str
    digest: str = Field(description="SHA-256 of the JSON Schema document, hex.")
    issuer: str
    registered_height: int
    registered_time: str
    sender: str
    deprecated: bool
    deprecated_height: int | None
    deprecated_time: str | None


class SchemaList(Schema):
    schemas: list[SchemaView]
    total: int = Field(description="Schemas ever registered on this chain.")


def _accreditation(found: Accreditation) -> AccreditationView:
    return AccreditationView(
        issuer=found.issuer,
        id=found.id,
        accreditor=found.accreditor,
        credential_types=list(found.types),
        may_accredit=found.may_accredit,
        from_height=found.from_height,
        from_time=_time(found.from_time) or "",
        until=_time(found.until),
        sender=found.sender.hex(),
        revoked_height=found.revoked_height,
        revoked_time=_time(found.revoked_time),
        revoked_by=found.revoked_by,
    )


def _schema(found: SchemaRecord) -> SchemaView:
    return SchemaView(
        id=found.id,
        name=found.name,
        version=found.version,
        credential_type=found.credential_type,
        digest=found.digest.hex(),
        issuer=found.issuer,
        registered_height=found.registered_height,
        registered_time=_time(found.registered_time) or "",
        sender=found.sender.hex(),
        deprecated=found.deprecated_height is not None,
        deprecated_height=found.deprecated_height,
        deprecated_time=_time(found.deprecated_time),
    )


def _did(value: str, field: str) -> str:
    if not is_sen_did(value):
        raise BadRequest(
            "not a did:sen DID", field=field, expected="did:sen:<name>", got=value[:100]
        )
    return value


@router.get(
    "/v1/trust/roots",
    summary="The root authorities, with their history",
    description=(
        "DIDs trusted for every credential type, from genesis (`app_state.trust.roots`) and "
        "governance (`set_trust_roots`).\n\n*Các gốc tin cậy.*"
    ),
)
def roots(node: NodeDep) -> RootsView:
    store = node.app.store
    current = load_roots(store)
    if current is None:
        return RootsView(roots=[], version=0, history=[])
    history = [load_roots_version(store, n) for n in range(1, current.version + 1)]
    return RootsView(
        roots=list(current.roots),
        version=current.version,
        history=[
            RootsVersionView(
                version=v.version,
                roots=list(v.roots),
                height=v.height,
                time=_time(v.time_seconds) or "",
            )
            for v in history
            if v is not None
        ],
    )


@router.get(
    "/v1/trust/issuers/{did}",
    summary="An issuer's accreditations, received and granted",
    description=(
        "The full history: grants, ends of validity and revocations.\n\n"
        "*Lịch sử công nhận của một đơn vị phát hành.*"
    ),
    responses=documented(400),
)
def issuer(did: SenDid, node: NodeDep) -> IssuerView:
    store = node.app.store
    _did(did, "did")
    granted = []
    for issuer_did, number in list_grants(store, did)[:MAX_LIST]:
        found = load_accreditation(store, issuer_did, number)
        if found is not None:
            granted.append(_accreditation(found))
    return IssuerView(
        did=did,
        accreditations=[_accreditation(a) for a in list_accreditations(store, did)],
        granted=granted,
    )


@router.get(
    "/v1/trust/check",
    summary="Was an issuer accredited for a credential type at a time?",
    description=(
        "The path of accreditations from the issuer up to a root, each valid at `at` and "
        "covering `type`; `ok: false` with `error` and `reason` otherwise. `at` is an XML "
        "datetime (`2027-06-01T00:00:00Z`) or unix seconds; default: now. A verifier asks "
        "with the credential's issuance time.\n\n*Kiểm tra công nhận tại một thời điểm.*"
    ),
    responses=documented(400),
)
def check(
    node: NodeDep,
    issuer: Annotated[
        str,
        Query(
            description="The issuer's DID.",
            examples=["did:sen:hust"],
            json_schema_extra=pattern(SEN_DID_PATTERN),
        ),
    ],
    credential_type: Annotated[
        str,
        Query(
            alias="type",
            description="A credential type.",
            examples=["UniversityDegreeCredential"],
            json_schema_extra=pattern(CREDENTIAL_TYPE_PATTERN.pattern),
        ),
    ],
    at: Annotated[
        str | None,
        Query(
            description="XML datetime or unix seconds (default: now).",
            json_schema_extra=pattern(rf"^[0-9]{{1,18}}$|{XML_DATETIME_PATTERN}"),
        ),
    ] = None,
) -> CheckView:
    _did(issuer, "issuer")
    if CREDENTIAL_TYPE_PATTERN.fullmatch(credential_type) is None:
        raise BadRequest(
            "not a credential type",
            field="type",
            expected="a VC type term or IRI",
            got=credential_type[:100],
        )
    seconds = _seconds(at)
    answer = accreditation_at(node.app.store, issuer, credential_type, seconds)
    return CheckView(
        ok=answer.ok,
        issuer=issuer,
        credential_type=credential_type,
        at=_time(seconds) or str(seconds),
        at_seconds=seconds,
        root=answer.root,
        path=[_accreditation(a) for a in answer.path],
        error=answer.error,
        reason=answer.reason,
    )


def _seconds(at: str | None) -> int:
    if at is None:
        return int(time.time())
    if at.isdigit() and len(at) <= 18:
        return int(at)
    try:
        return parse_version_time(at)
    except InvalidOptions as exc:
        raise BadRequest(
            exc.detail, field="at", expected="XML datetime or unix seconds", got=at[:60]
        ) from None


@router.get(
    "/v1/trust/schemas",
    summary="Registered credential schemas, newest first",
    description="*Các lược đồ chứng chỉ đã đăng ký.*",
    responses=documented(400),
)
def schemas(
    node: NodeDep,
    issuer_did: Annotated[
        str | None, Query(alias="issuer", description="Only this issuer's schemas.")
    ] = None,
    credential_type: Annotated[
        str | None, Query(alias="type", description="Only schemas for this credential type.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST, description="At most this many.")] = 100,
) -> SchemaList:
    store = node.app.store
    total = schema_count(store)
    found: list[SchemaView] = []
    for sequence in range(total, 0, -1):
        schema_id = schema_id_at(store, sequence)
        record = None if schema_id is None else load_schema(store, schema_id)
        if record is None or issuer_did not in (None, record.issuer):
            continue
        if credential_type not in (None, record.credential_type):
            continue
        found.append(_schema(record))
        if len(found) >= limit:
            break
    return SchemaList(schemas=found, total=total)


@router.get(
    "/v1/trust/schemas/{schema_id:path}",
    summary="One credential schema, by its id (URL)",
    description=(
        "The id is the schema's `https://` URL, written as is or percent-encoded.\n\n"
        "*Một lược đồ chứng chỉ.*"
    ),
    responses=documented(404),
)
def schema(schema_id: str, node: NodeDep) -> SchemaView:
    found = load_schema(node.app.store, schema_id)
    if found is None:
        raise NotFound(f"no schema {schema_id[:200]!r} on this chain", field="schema_id")
    return _schema(found)
