"""RFC 9457 problem details: the one shape of every error response.

Every error, ours or the framework's (unreadable JSON, schema violations,
unknown routes, wrong methods), leaves as ``application/problem+json``::

    {"type": "urn:sen:problem:transaction-rejected", "title": "...", "status": 422,
     "detail": "...", "field": "args.digest", "expected": "32 bytes for sha-256",
     "got": "31 bytes", "code": 101, "code_name": "WRONG_DIGEST_LENGTH"}

``field`` names the value at fault: ``body.<path>`` for a request body that
breaks the schema, the parameter's name for path and query values (``hash``,
``height``, ``wait``), and the transaction's own path for ledger rejections
(``signature``, ``args.digest``; ``txs[3].signature`` inside a batch).
``code``/``code_name`` carry the ledger ``ResultCode`` when there is one.

Errors of the layers below are translated here, once, by one handler per
layer's root (STYLE.md §4): :class:`~sen.services.errors.ServiceError` (read
models and credentials), :class:`~sen.ledger.errors.LedgerError` (a
transaction refused before it reaches the mempool answers as CheckTx would)
and :class:`~sen.consensus.errors.ConsensusError` (mempool full, engine
stopped). Those layers carry no HTTP status; the tables below give each
class its status, type and title, and the error its detail and field.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sen.api.errors import RETRY_AFTER, ApiError
from sen.api.submission import rejected
from sen.consensus.errors import ConsensusError, EngineStopped, MempoolFull
from sen.ledger.codes import ResultCode
from sen.ledger.errors import LedgerError, TxRejected
from sen.services.credentials.errors import (
    ChainRefused,
    CommitTimeout,
    CredentialExists,
    InvalidCredential,
    IssuerConfigError,
    IssuerNotPermitted,
    IssuerUnavailable,
    NotAccredited,
    StatusRefused,
    UnknownCredential,
    UnknownIssuer,
)
from sen.services.errors import ServiceError
from sen.services.readmodels.errors import ReceiptUnavailable, UnreadableQuery

log = logging.getLogger("sen.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:sen:problem:"

_HTTP_SLUGS = {
    400: ("bad-request", "Bad request"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Payload too large"),
    500: ("internal-error", "Internal error"),
}
_PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    field: str | None = None,
    expected: str | None = None,
    got: str | None = None,
    code: ResultCode | None = None,
    headers: Mapping[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "field": field,
        "expected": expected,
        "got": got,
        "code": None if code is None else int(code),
        "code_name": None if code is None else code.name,
    }
    if errors is not None:
        body["errors"] = errors
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


def from_api_error(error: ApiError) -> ProblemResponse:
    return problem(
        error.status_code,
        error.slug,
        error.title,
        str(error.detail),
        field=error.field,
        expected=error.expected,
        got=error.got,
        code=error.code,
        headers=error.headers,
    )


async def _api_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, ApiError)
    return from_api_error(exc)


async def _http_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, HTTPException)
    slug, title = _HTTP_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
    detail = str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route {request.url.path}"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        allowed = getattr(request.app.state, "allowed_methods", None)
        methods = allowed(request.url.path) if callable(allowed) else []
        if methods:  # every route on the path, not only the first that matched it
            headers["Allow"] = ", ".join(methods)
    return problem(exc.status_code, slug, title, detail, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        first = next(e for e in errors if e.get("type") == "json_invalid")
        reason = first.get("ctx", {}).get("error", "invalid JSON")
        return problem(
            400, "invalid-json", "Body is not valid JSON", f"body: {reason}", field="body"
        )
    listed = [_describe(e) for e in errors]
    first_loc: Sequence[Any] = errors[0].get("loc", ()) if errors else ()
    in_parameters = len(first_loc) > 0 and first_loc[0] in _PARAMETER_LOCATIONS
    status, slug, title = (
        (400, "bad-parameter", "Bad parameter")
        if in_parameters
        else (422, "invalid-body", "Body does not match the schema")
    )
    head = listed[0] if listed else {"field": None, "detail": "invalid request"}
    return problem(
        status,
        slug,
        title,
        f"{head['field']}: {head['detail']}",
        field=head["field"],
        expected=head["expected"],
        got=head["got"],
        errors=listed,
    )


async def _unexpected_error(request: Request, exc: Exception) -> ProblemResponse:
    log.exception("unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal-error", "Internal error", "the node failed to answer")


# -- the layers below: one handler per root ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Shape:
    """What an error class becomes: a status, a problem type and a title."""

    status: int
    slug: str
    title: str
    retry_after: bool = False


_SERVICE_SHAPES: dict[type[Exception], _Shape] = {
    UnreadableQuery: _Shape(400, "bad-request", "Bad request"),
    UnknownIssuer: _Shape(400, "unknown-issuer", "Issuer not configured here"),
    IssuerNotPermitted: _Shape(403, "token-not-for-issuer", "The token is for another issuer"),
    UnknownCredential: _Shape(404, "unknown-credential", "Credential not found"),
    CredentialExists: _Shape(409, "credential-exists", "Credential already issued"),
    StatusRefused: _Shape(409, "status-refused", "Status cannot change so"),
    InvalidCredential: _Shape(422, "invalid-credential", "The credential cannot be issued"),
    NotAccredited: _Shape(422, "issuer-not-accredited", "The issuer is not accredited"),
    ChainRefused: _Shape(422, "transaction-rejected", "The chain refused the transaction"),
    CommitTimeout: _Shape(503, "not-committed", "Not committed in time", retry_after=True),
    IssuerUnavailable: _Shape(503, "issuer-unavailable", "The issuer cannot sign now"),
    IssuerConfigError: _Shape(503, "vc-misconfigured", "VC-API not configured"),
    ServiceError: _Shape(500, "internal-error", "Internal error"),
}
_NO_RECEIPT = _Shape(404, "not-found", "Not found")
_NO_RECEIPT_YET = _Shape(
    409, "not-yet-provable", "Not provable yet; retry after the next block", retry_after=True
)
_CONSENSUS_SHAPES: dict[type[Exception], _Shape] = {
    MempoolFull: _Shape(503, "mempool-full", "Mempool full", retry_after=True),
    EngineStopped: _Shape(
        503, "engine-stopped", "Service unavailable; try again later", retry_after=True
    ),
}


def _shape_of(error: Exception, shapes: Mapping[type[Exception], _Shape]) -> _Shape | None:
    """The shape of the nearest class of ``error`` that ``shapes`` lists."""
    return next((shapes[k] for k in type(error).__mro__ if k in shapes), None)


def _shaped(shape: _Shape, detail: str, **fields: Any) -> ProblemResponse:
    headers = RETRY_AFTER if shape.retry_after else None
    return problem(shape.status, shape.slug, shape.title, detail, headers=headers, **fields)


async def _service_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, ServiceError)
    if isinstance(exc, ReceiptUnavailable):
        shape = _NO_RECEIPT_YET if exc.kind.after_next_block else _NO_RECEIPT
    else:
        shape = _shape_of(exc, _SERVICE_SHAPES) or _SERVICE_SHAPES[ServiceError]
    if shape is _SERVICE_SHAPES[ServiceError]:  # no answer was planned for it: say so in the log
        log.error("%s in %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
    errors = (exc.problems or None) if isinstance(exc, InvalidCredential) else None
    return _shaped(
        shape, exc.message, field=exc.field, expected=exc.expected, got=exc.got, errors=errors
    )


async def _ledger_error(request: Request, exc: Exception) -> ProblemResponse:
    if isinstance(exc, TxRejected):  # refused before the mempool: the problem CheckTx gives
        return from_api_error(rejected(exc))
    return await _unexpected_error(request, exc)


async def _consensus_error(request: Request, exc: Exception) -> ProblemResponse:
    shape = _shape_of(exc, _CONSENSUS_SHAPES)
    if shape is None:
        return await _unexpected_error(request, exc)
    return _shaped(shape, str(exc))


def _describe(error: Mapping[str, Any]) -> dict[str, Any]:
    field = field_path(error.get("loc", ()))
    message = str(error.get("msg", "invalid value"))
    kind = error.get("type", "")
    got = None if kind == "missing" else _show(error.get("input"))
    return {"field": field, "detail": message, "expected": _expected(error), "got": got}


def _expected(error: Mapping[str, Any]) -> str | None:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "no such field"
    if kind == "missing":
        return "a value"
    for key, words in (
        ("ge", ">= {}"),
        ("gt", "> {}"),
        ("le", "<= {}"),
        ("lt", "< {}"),
        ("min_length", "length >= {}"),
        ("max_length", "length <= {}"),
    ):
        if key in ctx:
            return words.format(ctx[key])
    return kind.removesuffix("_type").removesuffix("_parsing") or None


def field_path(loc: Sequence[Any]) -> str:
    """``("body", "txs", 3)`` → ``body.txs[3]``; path and query values by name alone."""
    parts = list(loc)
    if parts and parts[0] in _PARAMETER_LOCATIONS:
        parts = parts[1:]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _show(value: object) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 64 else repr(value[:61] + "...")
    if isinstance(value, list):
        return f"array of {len(value)} items"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def install(app: FastAPI) -> None:
    """Render every error of ``app`` as problem+json."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(LedgerError, _ledger_error)
    app.add_exception_handler(ConsensusError, _consensus_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)


_STATUS_TEXT = {
    400: "A path, query or body value cannot be read (names `field`).",
    404: "Not found.",
    408: "The request body stopped arriving (paused longer than [api] body_timeout).",
    409: "Conflict: already known, or not provable yet.",
    413: "Body, transaction (code TX_TOO_LARGE) or batch over its limit.",
    422: "Refused: the body breaks the schema, or CheckTx refused the transaction.",
    503: "Try again later (see Retry-After): mempool full, engine stopped, or busy with "
    "other large bodies.",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problem statuses a route can answer."""
    from sen.api.schemas import Problem

    return {
        status: {"model": Problem, "description": _STATUS_TEXT.get(status, "Problem.")}
        for status in statuses
    }
