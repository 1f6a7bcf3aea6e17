"""The W3C VC-API: issue, verify, change status; status list credentials; issued credentials.

Shapes and status codes follow the VC-API (w3c-ccg/vc-api):

* ``POST /credentials/issue`` ``{credential, options?}`` → 201 ``{verifiableCredential}``;
  400 when the issuer is not configured on this node, 422 when the credential
  is invalid or its issuer is not accredited for one of its types, 401/403
  without the bearer token.
* ``POST /credentials/verify`` ``{verifiableCredential, options?}`` and
  ``POST /presentations/verify`` ``{verifiablePresentation, options: {challenge,
  domain}}`` → 200 ``{verified, checks, warnings, errors}`` whether or not it
  verified; 400/422 only when the request itself is malformed.
* ``POST /credentials/status`` ``{credentialId | credential, credentialStatus:
  [{type, status}]}`` → 200 once the ``status.update`` transaction is committed.

Issuing and status changes need ``Authorization: Bearer <token>``, a token
for the credential's issuer (``sen vc token create DID``; one per issuer,
:mod:`sen.services.credentials.tokens`): 403 ``token-not-for-issuer`` for a
credential of another issuer. Verification, status list credentials and (for
``urn:uuid`` ids) issued credentials are public.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ConfigDict, Field, field_validator

from sen.api.deps import NodeDep
from sen.api.errors import ApiError, NotFound, Unprocessable
from sen.api.json_body import JsonRoute
from sen.api.parsing import ListIssuer, ListName, require_list_path
from sen.api.problems import documented
from sen.api.schemas import Schema
from sen.node.node import Node
from sen.services.credentials.chain import ChainSources, load_status_list
from sen.services.credentials.config import VcSettings, load_vc_settings
from sen.services.credentials.service import CredentialService
from sen.services.credentials.store import VcStore
from sen.services.credentials.tokens import TokenStore, tokens_path
from sen.services.credentials.verification import (
    BadChecks,
    requested_checks,
    verify_credential_report,
    verify_presentation_report,
)

router = APIRouter(route_class=JsonRoute, tags=["vc-api"])

PUBLISHED_ID = re.compile(
    r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
_service_lock = threading.Lock()


# -- bodies ---------------------------------------------------------------------------


class Loose(Schema):
    model_config = ConfigDict(extra="allow")


class StatusOption(Schema):
    type: Literal["BitstringStatusListEntry"] = Field(description="The status mechanism.")
    statusPurpose: Literal["revocation", "suspension"] = Field(
        default="revocation", description="The list the entry is allocated on."
    )


class IssueOptions(Loose):
    """``credentialStatus``: the status entries to allocate on the issuer's lists here.

    Other options are accepted and ignored (the node's configuration decides key and
    cryptosuite)."""

    credentialStatus: StatusOption | list[StatusOption] | None = Field(
        default=None,
        description="Status entries for the node to allocate: one per purpose, each on the "
        "issuer's configured list. Absent: a VCDM 2.0 credential without entries of its own "
        "gets revocation (and suspension, if configured); `[]`: none.",
    )


class IssueRequest(Schema):
    credential: dict[str, Any] = Field(
        description="An unsigned credential (VCDM 2.0, or 1.1) whose issuer is configured on "
        "this node."
    )
    options: IssueOptions | None = None


class IssueResponse(Schema):
    verifiableCredential: dict[str, Any]


class VerifyOptions(Loose):
    challenge: str | None = Field(default=None, description="The challenge the verifier gave.")
    domain: str | None = Field(default=None, description="The verifier's domain.")
    checks: list[str] | None = Field(
        default=None,
        description="The checks required beyond the core (dataModel, proof, proofPurpose, "
        "controller): any of validity (or expiration), issuer, accreditation, status (or "
        "credentialStatus). The others still run; their findings come back as warnings. "
        'Absent: all are required (Sen\'s policy). `["proof"]` is verification by the '
        "W3C specifications alone.",
        examples=[["proof", "credentialStatus"]],
    )


class VerifyCredentialRequest(Schema):
    verifiableCredential: dict[str, Any]
    options: VerifyOptions | None = None


class VerifyPresentationRequest(Schema):
    verifiablePresentation: dict[str, Any]
    options: VerifyOptions | None = None


ChecksQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        description="The checks required beyond the core, comma-separated (as "
        "`options.checks`, which wins when both are given): a verifier endpoint whose URL "
        "carries its policy, for clients that send no options (`?checks=proof`: the W3C "
        "specifications alone).",
        examples=["proof,credentialStatus"],
    ),
]


class Finding(Schema):
    code: str = Field(examples=["STATUS_REVOKED"])
    message: str
    path: str = Field(description="JSON path at fault.", examples=["$.credentialStatus[0]"])


class VerificationResponse(Schema):
    verified: bool
    checks: list[str] = Field(
        description="The checks that ran and passed: dataModel, proof, proofPurpose, "
        "controller, validity, accreditation, status (credentials, for presentations).",
        examples=[["dataModel", "proof", "proofPurpose", "controller", "validity"]],
    )
    warnings: list[Finding]
    errors: list[Finding]


class StatusItem(Schema):
    type: Literal["BitstringStatusListEntry"] = Field(description="The status mechanism.")
    status: Literal["revoked", "suspended", "active"] = Field(
        description="revoked (final), suspended, or active (lifts a suspension)."
    )


class StatusRequest(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": ["credentialId"], "properties": {"credentialId": {"type": "string"}}},
                {"required": ["credential"], "properties": {"credential": {"type": "object"}}},
            ],
        },
    )

    credentialId: str | None = Field(
        default=None, description="The id of a credential this node issued."
    )
    credential: dict[str, Any] | None = Field(
        default=None,
        description="Or the credential itself (its id is used; it must equal credentialId "
        "when both are given).",
        json_schema_extra={"required": ["id"], "properties": {"id": {"type": "string"}}},
    )
    credentialStatus: list[StatusItem] = Field(
        min_length=1,
        max_length=1,
        description="`[{type, status}]`. The W3C status-list test suite's form, one object "
        "`{type, statusPurpose}`, is read as `[{type, status}]` with status `revoked` for "
        "revocation and `suspended` for suspension.",
    )

    @field_validator("credentialStatus", mode="before")
    @classmethod
    def _purpose_form(cls, value: Any) -> Any:
        if isinstance(value, dict) and "status" not in value and "statusPurpose" in value:
            status = {"revocation": "revoked", "suspension": "suspended"}.get(
                value["statusPurpose"], value["statusPurpose"]
            )
            rest = {k: v for k, v in value.items() if k != "statusPurpose"}
            return [{**rest, "status": status}]
        return value


class StatusResponse(Schema):
    credentialId: str
    credentialStatus: list[dict[str, Any]] = Field(
        description="Each status entry with its status now, and the transaction that changed it."
    )


class IssuedView(Schema):
    verifiableCredential: dict[str, Any]
    credentialStatus: list[dict[str, Any]]
    verification: VerificationResponse


# -- the service behind the routes ----------------------------------------------------------


def _settings_for(node: Node) -> VcSettings:
    config = node.config
    host = "127.0.0.1" if config.api_host in ("0.0.0.0", "::", "") else config.api_host
    host = f"[{host}]" if ":" in host else host
    return load_vc_settings(config.settings_path, f"http://{host}:{config.api_port}")


def get_service(request: Request, node: NodeDep) -> CredentialService:
    with _service_lock:
        service = getattr(request.app.state, "vc_service", None)
        if not isinstance(service, CredentialService) or service.node is not node:
            settings = _settings_for(node)  # IssuerConfigError: 503 vc-misconfigured
            store = VcStore(node.config.data_dir / "vc")
            tokens = TokenStore(tokens_path(node.config.settings_path))
            service = CredentialService(node, settings, store, tokens)
            request.app.state.vc_service = service
        return service


ServiceDep = Annotated[CredentialService, Depends(get_service)]


class Unauthorized(ApiError):
    status = 401
    slug = "unauthorized"
    title = "A bearer token is required"


class Forbidden(ApiError):
    status = 403
    slug = "forbidden"
    title = "Not allowed on this node"


RETIRED_TOKEN = (
    "[vc] issue_token_sha256 (one token for every issuer) is retired: create a token for "
    "each issuer with `sen vc token create DID` and remove that line"
)


def require_token(
    service: ServiceDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    """The issuer the bearer token is for (tokens: ``<home>/config/vc-tokens.json``)."""
    legacy = service.settings.issue_token_sha256
    if not service.tokens.records():  # IssuerConfigError (a file others can read): 503
        detail = (
            RETIRED_TOKEN
            if legacy
            else (
                "this node issues nothing: no VC-API token exists; create one for each issuer "
                "with `sen vc token create DID`"
            )
        )
        raise Forbidden(detail, slug="issuing-disabled")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "send Authorization: Bearer <token>",
            field="authorization",
            headers={"WWW-Authenticate": 'Bearer realm="sen-vc-api"'},
        )
    issuer = service.tokens.issuer_of(token.strip())
    if issuer is not None:
        return issuer
    digest = hashlib.sha256(token.strip().encode()).hexdigest()
    retired = legacy is not None and hmac.compare_digest(digest, legacy)
    raise Unauthorized(
        RETIRED_TOKEN if retired else "the bearer token is not one of this node's",
        field="authorization",
        headers={"WWW-Authenticate": 'Bearer realm="sen-vc-api", error="invalid_token"'},
    )


TokenDep = Annotated[str, Depends(require_token)]


def _report_response(report: Any) -> JSONResponse:
    """200 when verified; 400 with the same report when not (what the W3C test suites and
    their VC-API verifiers expect: a failed verification is an error answer)."""
    body = VerificationResponse.model_validate(report.as_dict())
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if body.verified else 400)


_NOT_VERIFIED: dict[int | str, dict[str, Any]] = {
    400: {
        "model": VerificationResponse,
        "description": "Not verified: the same report, with `verified: false` and the errors "
        "(or the check that could not run). A malformed request is a problem+json 400/422.",
    }
}


# -- issuing --------------------------------------------------------------------------------


@router.post(
    "/credentials/issue",
    status_code=201,
    summary="Issue a credential (VC-API)",
    description=(
        "Signs the credential with its issuer's key, configured on this node "
        "(`[[vc.issuers]]` in sen.toml). The issuer must be accredited by the trust "
        "registry for each of the credential's types at the chain's time (422 "
        "`issuer-not-accredited` otherwise). The node adds an `id` (urn:uuid) if there is "
        "none, `validFrom` if absent, and a `BitstringStatusListEntry` (revocation, and "
        "suspension if configured) whose list is on chain. The credential is kept on this "
        "node only: no personal data goes on chain. Needs `Authorization: Bearer <token>`, "
        "a token for the credential's issuer (`sen vc token create DID`)."
        "\n\n*Cấp chứng chỉ số (cần được công nhận trong sổ đăng ký tin cậy).*"
    ),
    response_model=IssueResponse,
    responses={
        **documented(400, 408, 409, 413, 422, 503),
        401: {"description": "No or a wrong bearer token."},
        403: {
            "description": "Issuing is not enabled on this node (`issuing-disabled`), or the "
            "token is for another issuer (`token-not-for-issuer`)."
        },
    },
)
def issue_credential(body: IssueRequest, service: ServiceDep, acting_for: TokenDep) -> Any:
    asked = body.options.credentialStatus if body.options is not None else None
    status = None
    if asked is not None:
        items = asked if isinstance(asked, list) else [asked]
        status = [item.model_dump(include={"type", "statusPurpose"}) for item in items]
    signed = service.issue(body.credential, acting_for=acting_for, status=status)
    return JSONResponse({"verifiableCredential": signed}, status_code=201)


@router.post(
    "/credentials/status",
    summary="Revoke, suspend or reinstate a credential (VC-API)",
    description=(
        "For a credential this node issued (by `credentialId`, or the `credential` itself): "
        "`revoked` sets its revocation bit (final), `suspended` its suspension bit, `active` "
        "clears the suspension. Submits `status.update` signed by the issuer's transaction "
        "key and answers once it is committed. Needs `Authorization: Bearer <token>`, a "
        "token for the credential's issuer."
        "\n\n*Thu hồi, tạm đình chỉ hoặc khôi phục chứng chỉ.*"
    ),
    response_model=StatusResponse,
    responses={
        **documented(400, 404, 408, 409, 413, 422, 503),
        401: {"description": "No or a wrong bearer token."},
        403: {
            "description": "Issuing is not enabled on this node (`issuing-disabled`), or the "
            "token is for another issuer (`token-not-for-issuer`)."
        },
    },
)
def update_credential_status(body: StatusRequest, service: ServiceDep, acting_for: TokenDep) -> Any:
    credential_id = body.credentialId
    if body.credential is not None:
        given = body.credential.get("id")
        if not isinstance(given, str):
            raise _invalid_body("the credential has no id", field="body.credential.id")
        if credential_id is not None and credential_id != given:
            raise _invalid_body(
                "credentialId and credential.id differ",
                field="body.credentialId",
                got=credential_id,
            )
        credential_id = given
    if credential_id is None:
        raise _invalid_body(
            "give credentialId or credential", field="body.credentialId", expected="a credential id"
        )
    [item] = body.credentialStatus
    changes = service.update_status(credential_id, item.status, acting_for=acting_for)
    return StatusResponse(
        credentialId=credential_id, credentialStatus=[c.to_json() for c in changes]
    )


def _invalid_body(
    detail: str, *, field: str, expected: str | None = None, got: str | None = None
) -> ApiError:
    """A body the schema refuses (its anyOf, or a cross-field rule it can only describe)."""
    return Unprocessable(
        f"{field}: {detail}",
        field=field,
        expected=expected,
        got=got,
        slug="invalid-body",
        title="Body does not match the schema",
    )


# -- verifying ---------------------------------------------------------------------------------


@router.post(
    "/credentials/verify",
    summary="Verify a credential (VC-API)",
    description=(
        "Checks, against this chain: the data model; the proof, with the issuer's keys as "
        "they stood at issuance (the proof's `created`); the proof purpose and the key's "
        "relationship; the validity period against now; the issuer's accreditation for "
        "each type at issuance (trust registry); and each `BitstringStatusListEntry` "
        "against the list on chain (`STATUS_REVOKED`, `STATUS_SUSPENDED`). 200 with "
        "`verified`, `checks`, `warnings` and `errors` when it verifies; 400 with the same "
        "report when it does not (`verified: false`); a malformed request is a problem+json "
        "400/422."
        "\n\n*Kiểm tra chứng chỉ: chữ ký, công nhận, hiệu lực, trạng thái thu hồi.*"
    ),
    response_model=VerificationResponse,
    responses={**documented(408, 413, 422), **_NOT_VERIFIED},
)
def verify_credential(
    body: VerifyCredentialRequest, node: NodeDep, checks: ChecksQuery = None
) -> JSONResponse:
    options = body.options or VerifyOptions()
    report = verify_credential_report(
        body.verifiableCredential,
        ChainSources(node.app.store),
        checks=_checks(options, checks),
    )
    return _report_response(report)


def _checks(options: VerifyOptions, query: str | None) -> list[str] | None:
    """``options.checks``, else the endpoint's ``?checks=`` (a verifier's policy in its URL)."""
    if options.checks is not None:
        names, field = options.checks, "body.options.checks"
    elif query is not None:
        names, field = [n.strip() for n in query.split(",") if n.strip()], "checks"
    else:
        return None
    try:
        requested_checks(names)
    except BadChecks as exc:
        at = field if exc.index is None else f"{field}[{exc.index}]"
        raise _invalid_body(str(exc), field=at, expected=exc.expected, got=exc.got) from None
    return names


@router.post(
    "/presentations/verify",
    summary="Verify a presentation and its credentials (VC-API)",
    description=(
        "The holder's `authentication` proof, bound to `options.challenge` and "
        "`options.domain` (a mismatch is `INVALID_CHALLENGE` / `INVALID_DOMAIN`; no challenge "
        "given is a `NO_CHALLENGE` warning), then every check of `/credentials/verify` on "
        "each credential, reported under `$.verifiableCredential[i]`. 200 when it verifies, "
        "400 with the same report when it does not."
        "\n\n*Kiểm tra bản trình diện của người học và các chứng chỉ trong đó.*"
    ),
    response_model=VerificationResponse,
    responses={**documented(408, 413, 422), **_NOT_VERIFIED},
)
def verify_presentation(
    body: VerifyPresentationRequest, node: NodeDep, checks: ChecksQuery = None
) -> JSONResponse:
    options = body.options or VerifyOptions()
    report = verify_presentation_report(
        body.verifiablePresentation,
        ChainSources(node.app.store),
        options.challenge,
        options.domain,
        checks=_checks(options, checks),
    )
    return _report_response(report)


# -- status lists and issued credentials ---------------------------------------------------------


@router.get(
    "/v1/status-lists/{issuer}/{name}/credential",
    summary="A status list as a BitstringStatusListCredential",
    description=(
        "The list's bits from chain state as `encodedList` (GZIP, multibase base64url), "
        "`validFrom` the block time of its last change, signed by the issuer's key when the "
        "issuer is configured on this node (unsigned otherwise). The chain's copy is the "
        "authority: `GET /v1/status-lists/{issuer}/{name}` (the `Link` header) gives the raw "
        "list with a state proof, so a verifier can check that this list is the current one."
        "\n\n*Danh sách trạng thái (thu hồi) dưới dạng chứng chỉ.*"
    ),
    responses=documented(400, 404),
)
def status_list_credential(issuer: ListIssuer, name: ListName, service: ServiceDep) -> JSONResponse:
    require_list_path(issuer, name, name_field="name")
    document = service.status_list_credential(issuer, name)
    if document is None:
        raise NotFound(f"{issuer} has no status list {name!r} on this chain", field="name")
    raw = f"/v1/status-lists/{quote(issuer, safe=':')}/{quote(name, safe='')}"
    return JSONResponse(
        document,
        headers={"Link": f'<{raw}>; rel="alternate"; type="application/json"'},
    )


@router.post(
    "/v1/status-lists/{issuer}/{name}/credential/publish",
    status_code=204,
    summary="Publish a status list credential (a no-op: the chain publishes it)",
    description=(
        "VC-API status services publish a list after changing it; here every committed "
        "`status.update` is the publication, and the list credential is always made from "
        "the chain's current bits. 204 if the list exists, 404 otherwise (400: not a list's "
        "issuer or name)."
        "\n\n*Công bố danh sách trạng thái (đã công bố khi giao dịch được xác nhận).*"
    ),
    responses=documented(400, 404),
)
def publish_status_list(issuer: ListIssuer, name: ListName, node: NodeDep) -> Response:
    require_list_path(issuer, name, name_field="name")
    if load_status_list(node.app.store, issuer, name) is None:
        raise NotFound(f"{issuer} has no status list {name!r} on this chain", field="name")
    return Response(status_code=204)


@router.get(
    "/v1/credentials/{credential_id:path}",
    summary="A credential this node issued, with its status now",
    description=(
        "What a printed diploma's QR code links to. Only credentials whose id is a random "
        "`urn:uuid` (unguessable) are served, and only if `[vc] publish_credentials` is "
        "true: the credential holds personal data and stays on the issuing node, off chain."
        "\n\n*Chứng chỉ do nút này cấp và trạng thái hiện tại (đường dẫn trong mã QR).*"
    ),
    response_model=IssuedView,
    responses=documented(404),
)
def issued_credential(credential_id: str, service: ServiceDep, node: NodeDep) -> IssuedView:
    if not service.settings.publish_credentials or not PUBLISHED_ID.fullmatch(credential_id):
        raise NotFound(f"no published credential {credential_id!r}", field="credential_id")
    record = service.store.load(credential_id)
    if record is None:
        raise NotFound(f"no published credential {credential_id!r}", field="credential_id")
    report = verify_credential_report(record.credential, ChainSources(node.app.store))
    return IssuedView(
        verifiableCredential=record.credential,
        credentialStatus=[c.to_json() for c in service.status_of(record)],
        verification=VerificationResponse.model_validate(report.as_dict()),
    )
