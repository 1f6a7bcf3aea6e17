"""Identity: DID Resolution's HTTP(S) binding for did:sen and did:key, and the chain's DIDs.

``GET /1.0/identifiers/{did}`` follows DID Resolution's HTTP(S) binding, not
Sen's problem+json convention, because DID resolver clients expect it: every
answer, errors included, is a DID resolution result (or, if the Accept header
asks for a DID document representation, just the document), and the status
says how it went — 200, 400 ``invalidDid``/``invalidOptions``, 404
``notFound``, 406 ``representationNotSupported``, 410 for a deactivated DID
(its metadata says ``deactivated: true``), 501 ``methodNotSupported``. An
error's ``didResolutionMetadata`` carries ``problemDetails`` (RFC 9457) with
Sen's ``field``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from starlette.convertors import Convertor, register_url_convertor

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest, NotFound
from sen.api.json_body import JsonRoute
from sen.api.parsing import XML_DATETIME_PATTERN, SenDid, pattern
from sen.api.problems import documented
from sen.api.schemas import Schema
from sen.did import (
    DID_JSON,
    DID_LD_JSON,
    InvalidDid,
    ResolutionError,
    ResolutionResult,
    parse_did,
    resolve,
    xml_datetime,
)
from sen.did.errors import MethodNotSupported, RepresentationNotSupported
from sen.did.resolver import error_result
from sen.ledger.modules.identity import DID_METHOD_PREFIX, DidRecord, load_did
from sen.ledger.modules.identity.records import did_count, load_version, name_at
from sen.ledger.state import StateReader

router = APIRouter(route_class=JsonRoute, tags=["identity"])


class AnyText(Convertor[str]):
    """The rest of the path, control characters included (``path`` stops at a newline), so
    that any text after /1.0/identifiers/ gets DID Resolution's answer (invalidDid), not a
    404 for an unknown route."""

    regex = "(?s:.+)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("any_text", AnyText())

RESULT_MEDIA_TYPE = "application/did-resolution"
RESULT_LD_MEDIA_TYPE = 'application/ld+json;profile="https://w3id.org/did-resolution"'
RESULT_PROFILE = "https://w3id.org/did-resolution"
ERROR_STATUS = {
    "invalidDid": 400,
    "invalidOptions": 400,
    "notFound": 404,
    "representationNotSupported": 406,
    "methodNotSupported": 501,
}
MAX_LIST = 1000


# -- content negotiation -------------------------------------------------------


def _media_ranges(accept: str | None) -> list[tuple[str, dict[str, str]]]:
    """The Accept header's media ranges, most preferred first (by q, then by position)."""
    if not accept or not accept.strip():
        return [("*/*", {})]
    ranges: list[tuple[float, int, str, dict[str, str]]] = []
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        params: dict[str, str] = {}
        for part in parts[1:]:
            name, _, value = part.partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        try:
            quality = float(params.pop("q", "1"))
        except ValueError:
            quality = 1.0
        if quality > 0:
            ranges.append((-quality, position, media, params))
    return [(media, params) for _, _, media, params in sorted(ranges)]


def negotiate(accept: str | None) -> tuple[str, str]:
    """``(what, media type)``: what is ``result`` or a DID document representation."""
    for media, params in _media_ranges(accept):
        if media == RESULT_MEDIA_TYPE:
            return "result", RESULT_MEDIA_TYPE
        if media == "application/ld+json" and params.get("profile") == RESULT_PROFILE:
            return "result", RESULT_LD_MEDIA_TYPE
        if media in (DID_LD_JSON, DID_JSON):
            return media, media
        if media == "application/json":
            return "result", "application/json"
        if media in ("*/*", "application/*"):
            return "result", RESULT_LD_MEDIA_TYPE
    raise RepresentationNotSupported(
        f"none of {accept!r:.120} can be served; ask for {RESULT_MEDIA_TYPE}, "
        f"{DID_LD_JSON} or {DID_JSON}",
        field="accept",
    )


def _answer(result: ResolutionResult, what: str, media_type: str) -> JSONResponse:
    if result.error is not None:
        status = ERROR_STATUS.get(result.error, 500)
        body = result.to_json()
    else:
        status = 410 if result.deactivated else 200
        body = result.to_json() if what == "result" else (result.did_document or {})
    return JSONResponse(body, status_code=status, media_type=media_type)


_EXAMPLE_RESULT: dict[str, Any] = {
    "@context": ["https://w3id.org/did-resolution/v1", {"chainId": "urn:sen:vocab:chainId"}],
    "didDocument": {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": "did:sen:moet",
        "verificationMethod": [
            {
                "id": "did:sen:moet#key-1",
                "type": "Multikey",
                "controller": "did:sen:moet",
                "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            }
        ],
        "assertionMethod": ["did:sen:moet#key-1"],
    },
    "didResolutionMetadata": {"contentType": DID_LD_JSON},
    "didDocumentMetadata": {
        "created": "2027-01-15T08:00:20Z",
        "versionId": "1",
        "chainId": "vn-edu",
    },
}
_RESULT_CONTENT = {
    RESULT_MEDIA_TYPE: {"example": _EXAMPLE_RESULT},
    RESULT_LD_MEDIA_TYPE: {},
    DID_LD_JSON: {"example": _EXAMPLE_RESULT["didDocument"]},
    DID_JSON: {},
}
_ERROR_CONTENT: dict[str, Any] = {RESULT_MEDIA_TYPE: {}, RESULT_LD_MEDIA_TYPE: {}}
_DEACTIVATED_RESULT: dict[str, Any] = {
    **_EXAMPLE_RESULT,
    "didDocument": {"@context": _EXAMPLE_RESULT["didDocument"]["@context"], "id": "did:sen:moet"},
    "didDocumentMetadata": {
        "created": "2027-01-15T08:00:20Z",
        "updated": "2027-03-01T02:00:00Z",
        "deactivated": True,
        "versionId": "3",
        "chainId": "vn-edu",
    },
}
_DEACTIVATED_CONTENT = {
    RESULT_MEDIA_TYPE: {"example": _DEACTIVATED_RESULT},
    RESULT_LD_MEDIA_TYPE: {},
    DID_LD_JSON: {},
    DID_JSON: {},
}


@router.get(
    "/1.0/identifiers/{did:any_text}",
    summary="Resolve a DID (DID Resolution HTTP(S) binding)",
    description=(
        "Resolves `did:sen:<name>` from this chain's committed state and `did:key` (Ed25519, "
        "P-256) locally. `Accept: application/did-resolution` (or `application/ld+json;"
        'profile="https://w3id.org/did-resolution"`, or none) returns the resolution result; '
        "`application/did+ld+json` or `application/did+json` only the document. "
        "`versionTime` (XML datetime) gives the version in effect then; `versionId` a version "
        "by number. Errors are resolution results too, with `didResolutionMetadata.error`: "
        "400 `invalidDid`/`invalidOptions`, 404 `notFound`, 406 `representationNotSupported`, "
        "501 `methodNotSupported`; a deactivated DID answers 410 with "
        "`didDocumentMetadata.deactivated: true`.\n\n*Phân giải DID.*"
    ),
    response_class=JSONResponse,
    responses={
        200: {"description": "The resolution result, or the document.", "content": _RESULT_CONTENT},
        400: {"description": "invalidDid or invalidOptions.", "content": _ERROR_CONTENT},
        404: {"description": "notFound.", "content": _ERROR_CONTENT},
        406: {"description": "representationNotSupported.", "content": _ERROR_CONTENT},
        410: {"description": "The DID is deactivated.", "content": _DEACTIVATED_CONTENT},
        501: {"description": "methodNotSupported.", "content": _ERROR_CONTENT},
    },
)
def resolve_identifier(
    did: Annotated[
        str, Path(description="A DID.", json_schema_extra=pattern(r"^did:[a-z0-9]+:\S+$"))
    ],
    request: Request,
    node: NodeDep,
    version_time: Annotated[
        str | None,
        Query(
            alias="versionTime",
            description="XML datetime, e.g. 2027-01-15T00:00:00Z.",
            json_schema_extra=pattern(XML_DATETIME_PATTERN),
        ),
    ] = None,
    version_id: Annotated[
        str | None,
        Query(
            alias="versionId",
            description="A version number: 1, 2, ...",
            json_schema_extra=pattern(r"^[1-9][0-9]{0,9}$"),
        ),
    ] = None,
) -> JSONResponse:
    accept = request.headers.get("accept")
    try:
        what, media_type = negotiate(accept)
    except ResolutionError as exc:
        return _answer(error_result(exc), "result", RESULT_LD_MEDIA_TYPE)
    representation = what if what != "result" else DID_LD_JSON
    result = resolve(
        did,
        node.app.store,
        version_time=version_time,
        version_id=version_id,
        accept=representation,
    )
    if result.error is not None and what != "result":
        media_type = RESULT_LD_MEDIA_TYPE
    return _answer(result, what, media_type)


# -- the chain's DIDs -----------------------------------------------------------


class DidView(Schema):
    did: str = Field(examples=["did:sen:moet"])
    version: int = Field(description="The latest version (deactivation is a version too).")
    organisation: str = Field(description="The creator's organisation ('' on an open chain).")
    controllers: list[str] = Field(description="Accounts (hex) that may update or deactivate it.")
    created_height: int
    created: str = Field(description="Block time of creation (XML datetime, UTC).")
    updated_height: int
    updated: str
    deactivated: bool


class DidList(Schema):
    dids: list[DidView]
    total: int = Field(description="DIDs ever created on this chain.")


class DidVersionView(Schema):
    version_id: str
    height: int
    time: str = Field(description="Block time (XML datetime, UTC).")
    deactivated: bool
    sender: str = Field(description="The account (hex) whose transaction made this version.")
    controllers: list[str]
    methods: list[str] = Field(description="Verification method ids of this version.")


class DidHistory(Schema):
    did: str
    versions: list[DidVersionView]


def _view(record: DidRecord) -> DidView:
    return DidView(
        did=DID_METHOD_PREFIX + record.name,
        version=record.version,
        organisation=record.organisation,
        controllers=[c.hex() for c in record.controllers],
        created_height=record.created_height,
        created=xml_datetime(record.created_seconds),
        updated_height=record.updated_height,
        updated=xml_datetime(record.updated_seconds),
        deactivated=record.deactivated,
    )


def _records(store: StateReader, organisation: str | None, limit: int) -> list[DidRecord]:
    """Newest first, reading no further than needed."""
    records: list[DidRecord] = []
    for sequence in range(did_count(store), 0, -1):
        name = name_at(store, sequence)
        record = None if name is None else load_did(store, name)
        if record is None or organisation not in (None, record.organisation):
            continue
        records.append(record)
        if len(records) >= limit:
            break
    return records


@router.get(
    "/v1/identity/dids",
    summary="The chain's DIDs, newest first",
    description="Every did:sen DID created on this chain.\n\n*Các DID trên chuỗi.*",
    responses=documented(400),
)
def dids(
    node: NodeDep,
    organisation: Annotated[
        str | None, Query(description="Only DIDs created by this organisation's members.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST, description="At most this many.")] = 100,
) -> DidList:
    store = node.app.store
    records = _records(store, organisation, limit)
    return DidList(dids=[_view(r) for r in records], total=did_count(store))


@router.get(
    "/v1/identity/dids/{did}/versions",
    summary="The version history of a did:sen DID",
    description=(
        "Every version, oldest first: when (height, block time), by whom, which keys. "
        "Resolve one with `/1.0/identifiers/{did}?versionId=N`.\n\n*Lịch sử phiên bản DID.*"
    ),
    responses=documented(400, 404),
)
def did_versions(did: SenDid, node: NodeDep) -> DidHistory:
    try:
        parsed = parse_did(did)
    except (InvalidDid, MethodNotSupported) as exc:
        raise BadRequest(exc.detail, field="did", expected="did:sen:<name>", got=did) from None
    if parsed.method != "sen":
        raise BadRequest("only did:sen DIDs have versions on chain", field="did", got=did)
    store = node.app.store
    record = load_did(store, parsed.identifier)
    if record is None:
        raise NotFound(f"{did} is not on this chain", field="did")
    versions = []
    for number in range(1, record.version + 1):
        version = load_version(store, record.name, number)
        if version is None:
            continue
        versions.append(
            DidVersionView(
                version_id=str(version.version),
                height=version.height,
                time=xml_datetime(version.time_seconds),
                deactivated=version.deactivated,
                sender=version.sender.hex(),
                controllers=[c.hex() for c in version.controllers],
                methods=[m.id for m in version.content.methods],
            )
        )
    return DidHistory(did=did, versions=versions)
