"""The EPCIS repository's REST service, after GS1's EPCIS 2.0 REST binding
(``docs/spec/traceability.md`` §4, ``sen trace serve``).

``GET /epcis`` the discovery root; ``GET /epcis/eventTypes``;
``POST /epcis/capture`` an EPCISDocument (JSON-LD, or XML: ``Content-Type:
application/xml`` or ``text/xml``; any other type is a 415): 202 and the capture job's
address (staff token);
``GET /epcis/capture`` recent jobs and ``GET /epcis/capture/{captureID}`` one job's status;
``GET /epcis/events`` the query language (:mod:`.query`), pages linked by
``nextPageToken``; ``GET /epcis/events/{eventID}`` an event (and its error declaration,
which shares its eventID); ``GET /epcis/receipts?eventID=...`` Sen's event receipts, each
checkable offline with ``sen verify`` and the chain's genesis file.

Every answer carries the ``GS1-EPCIS-*`` and ``GS1-CBV-*`` capability headers. Every
refusal is a problem document (RFC 9457) naming the field (a JSON pointer into the
document, or ``?<parameter>``), what was expected and what was got; a refused capture
keeps nothing.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sen.light.event_receipt import epcis_time
from sen.services.traceability.errors import (
    AlreadyCaptured,
    ChainUnavailable,
    DocumentTooLarge,
    EpcisInvalid,
    EventNotRecorded,
    NotEntitled,
    ReceiptNotReady,
    TraceabilityError,
    UnknownEvent,
)
from sen.services.traceability.query import EVENT_TYPES, next_page_token, parse_query
from sen.services.traceability.repository import Repository
from sen.services.traceability.store import FAILURE, CaptureJob, StoredEvent

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
CAPABILITIES = {
    "GS1-EPCIS-Version": "2.0.0",
    "GS1-EPCIS-Min": "2.0.0",
    "GS1-EPCIS-Max": "2.0.0",
    "GS1-CBV-Version": "2.0.0",
    "GS1-CBV-Min": "2.0.0",
    "GS1-CBV-Max": "2.0.0",
    "GS1-EPC-Format": "No_Preference",
    "GS1-CBV-XML-Format": "No_Preference",
    "GS1-Capture-Error-Behaviour": "rollback",
    "GS1-Vendor-Version": "sen/0.1",
}
PROBLEM_BASE = "https://sen.gov.vn/problems/epcis/"


def _problem(
    status: int, title: str, *, field: str = "", expected: str = "", got: str = "",
    problems: list[dict[str, str]] | None = None, kind: str = "",
) -> JSONResponse:  # fmt: skip
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (kind or str(status)),
        "title": title,
        "status": status,
        "detail": title,
        "field": field,
        "expected": expected,
        "got": got,
    }
    if problems is not None:
        body["problems"] = problems
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=CAPABILITIES
    )


def _invalid(exc: EpcisInvalid, status: int, kind: str) -> JSONResponse:
    first = exc.problems[0]
    listed = [{"field": p.pointer, "expected": p.expected, "got": p.got} for p in exc.problems]
    return _problem(
        status, str(exc), field=first.pointer, expected=first.expected, got=first.got,
        problems=listed, kind=kind,
    )  # fmt: skip


def _too_large(exc: DocumentTooLarge, repository: Repository) -> JSONResponse:
    """413, as GS1's REST binding answers a capture over its limits, with both limits."""
    answer = _invalid(exc, 413, "too-large")
    answer.headers["GS1-EPCIS-Capture-Limit"] = str(repository.max_events)
    answer.headers["GS1-EPCIS-Capture-File-Size-Limit"] = str(repository.max_bytes)
    return answer


CAPTURE_MEDIA_TYPES = "application/ld+json, application/json or application/xml"
_SYNTAXES = {
    "application/ld+json": "json", "application/json": "json",
    "application/xml": "xml", "text/xml": "xml",
}  # fmt: skip


def _syntax(content_type: str | None) -> str | None:
    """``json`` or ``xml`` for a capture's Content-Type (its parameters, such as charset,
    aside; none at all is read as JSON, as before XML was taken), None for any other."""
    if content_type is None:
        return "json"
    return _SYNTAXES.get(content_type.split(";")[0].strip().lower())


async def _read_body(request: Request, limit: int) -> bytes:
    """The request's body, refused as soon as it is longer than ``limit`` bytes."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise DocumentTooLarge("", len(body), limit, unit="bytes", more=True)
    return bytes(body)


def job_view(job: CaptureJob) -> dict[str, Any]:
    """A capture job as EPCIS 2.0 shows one, with where Sen recorded it. ``success`` is
    false only once the job has failed: GS1's table for ``rollback`` reads running and not
    successful as "at least one error occurred, rollback is in progress"."""
    view: dict[str, Any] = {
        "captureID": job.capture.hex(),
        "createdAt": epcis_time(job.created_ms),
        "running": job.status == "running",
        "success": job.status != FAILURE,
        "captureErrorBehaviour": "rollback",
        "errors": [
            {"type": "epcisException:ValidationException", "title": str(e.get("message", "")),
             "status": 403, "senCode": e.get("code")}
            for e in job.errors
        ],
        "sen": {
            "capturer": job.capturer,
            "events": job.count,
            "root": job.root.hex(),
            "prefixes": list(job.prefixes),
            "height": job.height,
            "txHash": job.tx_hash,
        },
    }  # fmt: skip
    if job.finished_ms is not None:
        view["finishedAt"] = epcis_time(job.finished_ms)
    return view


def query_document(
    events: list[StoredEvent], query_name: str = "SimpleEventQuery", *, created_ms: int
) -> Any:
    """A query's answer; ``created_ms`` is its ``creationDate`` (GS1's schema needs one)."""
    return {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": epcis_time(created_ms),
        "epcisBody": {
            "queryResults": {
                "queryName": query_name,
                "resultsBody": {"eventList": [e.document() for e in events]},
            }
        },
    }


def create_epcis_app(
    repository: Repository,
    *,
    token: str | None = None,
    tokens: Mapping[str, str] | None = None,
    public_queries: bool = False,
    wake: Callable[[], None] = lambda: None,
) -> FastAPI:
    """The service over ``repository``. ``tokens`` maps each staff bearer token to the DID
    its holder captures as (``token`` alone: the repository's first capturer); a token
    captures, reads its own capture jobs, and queries every event (unless
    ``public_queries``: anyone queries). ``wake()`` tells the anchoring loop a job waits."""
    staff_of = dict(tokens or {})
    if token is not None:
        staff_of[token] = repository.capturer
    if not staff_of:
        raise ValueError("tokens: expected at least one staff token")
    for each, did in staff_of.items():
        if len(each) < 32:
            raise ValueError("token: expected at least 32 characters")
        if did not in repository.capturers:
            raise ValueError(f"token of {did}: the repository does not capture as it")

    def now_ms() -> int:
        return int(time.time() * 1000)

    app = FastAPI(
        title="Sen EPCIS repository", version="1", docs_url=None, redoc_url=None,
        openapi_url="/epcis/openapi.json",
        description="A GS1 EPCIS 2.0 repository whose every event is provable offline.\n\n"
        "*Kho sự kiện truy xuất nguồn gốc EPCIS 2.0, mỗi sự kiện đều kiểm chứng được.*",
    )  # fmt: skip

    @app.middleware("http")
    async def capabilities(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in CAPABILITIES.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def no_such_call(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        said = "no such call" if exc.status_code == 404 else str(exc.detail)
        return _problem(exc.status_code, said, field="path", expected="a call of /epcis",
                        got=f"{request.method} {request.url.path}"[:80])  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def malformed(_: Request, exc: RequestValidationError) -> JSONResponse:
        """A parameter a route declares, missing or of the wrong form: 400 naming it."""
        first = exc.errors()[0] if exc.errors() else {}
        where = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
        name = where[0] if where else ""
        got = first.get("input")
        said = f"?{name}: {first.get('msg', 'not valid')}"
        return _problem(400, said, field=f"?{name}", expected=str(first.get("msg", "")),
                        got="nothing" if got is None else repr(got)[:80],
                        kind="invalid")  # fmt: skip

    @app.exception_handler(TraceabilityError)
    async def refused(_: Request, exc: TraceabilityError) -> JSONResponse:
        if isinstance(exc, NotEntitled):
            return _invalid(exc, 403, "not-entitled")
        if isinstance(exc, AlreadyCaptured):
            return _invalid(exc, 409, "already-captured")
        if isinstance(exc, DocumentTooLarge):
            return _too_large(exc, repository)
        if isinstance(exc, EpcisInvalid):
            return _invalid(exc, 400, "invalid")
        if isinstance(exc, UnknownEvent):
            return _problem(404, str(exc), field=exc.field or "", expected=exc.expected or "",
                            got=exc.got or "", kind="not-found")  # fmt: skip
        if isinstance(exc, EventNotRecorded):
            return _problem(409, str(exc), kind="not-recorded")
        if isinstance(exc, ReceiptNotReady):
            return _problem(409, str(exc), kind="not-yet")
        if isinstance(exc, ChainUnavailable):
            return _problem(503, str(exc), kind="chain-unavailable")
        return _problem(500, str(exc))

    def staff(request: Request) -> str:
        """The DID the request's token captures as, or 401."""
        given = request.headers.get("authorization", "").encode()
        found = None
        for each, did in staff_of.items():  # compare with every token: no early exit
            if hmac.compare_digest(given, f"Bearer {each}".encode()):
                found = did
        if found is None:
            raise _Unauthorized
        return found

    def reader(request: Request) -> None:
        if not public_queries:
            staff(request)

    @app.exception_handler(_UnauthorizedError)
    async def unauthorized(_: Request, __: _UnauthorizedError) -> JSONResponse:
        return _problem(401, "this call needs the repository's bearer token",
                        field="Authorization", expected="Bearer <token>", got="another or none",
                        kind="unauthorized")  # fmt: skip

    @app.get("/epcis", summary="The repository's resources (discovery)")
    def root(request: Request) -> dict[str, Any]:
        reader(request)
        return {
            "resources": ["capture", "events", "eventTypes", "receipts"],
            "eventTypes": list(EVENT_TYPES),
        }

    @app.get("/epcis/eventTypes", summary="The event types this repository holds")
    def event_types(request: Request) -> list[str]:
        reader(request)
        return list(EVENT_TYPES)

    @app.post("/epcis/capture", status_code=202, summary="Capture an EPCISDocument")
    async def capture(request: Request) -> JSONResponse:
        capturer = staff(request)
        given = request.headers.get("content-type")
        syntax = _syntax(given)
        if syntax is None:
            return _problem(415, "a capture is an EPCISDocument in JSON-LD or XML",
                            field="Content-Type", expected=CAPTURE_MEDIA_TYPES,
                            got=str(given)[:80], kind="unsupported-media-type")  # fmt: skip
        body = await _read_body(request, repository.max_bytes)
        job = repository.capture(body, capturer, xml=syntax == "xml")
        wake()
        location = f"/epcis/capture/{job.capture.hex()}"
        return JSONResponse(
            job_view(job), status_code=202, headers={"Location": location, **CAPABILITIES}
        )

    @app.get("/epcis/capture", summary="Recent capture jobs, newest first")
    def jobs(request: Request) -> list[dict[str, Any]]:
        capturer = staff(request)
        return [job_view(j) for j in repository.store.jobs(capturer=capturer)]

    @app.get("/epcis/capture/{capture_id}", summary="A capture job's status")
    def job(capture_id: str, request: Request) -> dict[str, Any]:
        capturer = staff(request)
        try:
            capture = bytes.fromhex(capture_id)
        except ValueError:
            capture = b""
        found = repository.job(capture) if len(capture) == 16 else None
        if found is None or found.capturer != capturer:  # another tenant's job is not yours
            raise UnknownEvent(f"no capture job {capture_id[:40]!r} of yours here", "captureID")
        return job_view(found)

    @app.get("/epcis/events", summary="Query events (the EPCIS query language)")
    def events(request: Request) -> JSONResponse:
        reader(request)
        query = parse_query(list(request.query_params.multi_items()))
        found = repository.store.query(query.where, query.after, query.per_page + 1)
        page, more = found[: query.per_page], len(found) > query.per_page
        headers = dict(CAPABILITIES)
        if more:
            token_ = next_page_token(page[-1].seq, query.where)
            params = [(k, v) for k, v in request.query_params.multi_items() if k != "nextPageToken"]
            params.append(("nextPageToken", token_))
            link = "/epcis/events?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params)
            headers["Link"] = f'<{link}>; rel="next"'
        return JSONResponse(query_document(page, created_ms=now_ms()), headers=headers)

    @app.get("/epcis/events/{event_id:path}", summary="An event by its eventID")
    def event(event_id: str, request: Request) -> Any:
        reader(request)
        return query_document(repository.events(event_id), created_ms=now_ms())

    @app.get("/epcis/receipts", summary="An event's receipts, checkable offline")
    def receipts(eventID: str, request: Request) -> list[dict[str, Any]]:
        reader(request)
        return [repository.receipt(e) for e in repository.events(eventID)]

    return app


class _UnauthorizedError(Exception):
    pass


_Unauthorized = _UnauthorizedError()
