"""The vault's REST service: a recipient reads a record with its credential, under the chain's
consent; the controller's staff store and erase; a data subject asks who read its data
(``docs/spec/privacy.md`` §6, ``sen vault serve``).

Who is who:

- **A recipient** (hospital B) proves it is its DID with a **verifiable presentation**
  signed by a key of its DID's ``authentication`` relationship, bound to a one-time
  challenge of this vault (``POST /vault/v1/challenges``) and to the vault's ``domain``.
  The DID document comes from the node (Sen's VC stack verifies it, as ``sen vc verify``
  does). The read is then allowed only by the chain's consent, read with state proofs
  (:class:`sen.sdk.privacy.ChainState`) at the last block's time, and logged.
- **A data subject** proves its pairwise ``did:key`` the same way to read its access log.
- **The controller's staff** hold the vault's bearer token: store a record, erase a subject
  (the answer is the ``privacy.record_erasure`` arguments to send), seal the access log's
  batch (its root to anchor with ``evidence.anchor``).

Every refusal is a problem document (RFC 9457) naming the field, what was expected and what
was got; nothing is read or logged on a refusal.
"""

from __future__ import annotations

import base64
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sen.ledger.errors import TxRejected
from sen.ledger.modules.privacy import load_request
from sen.ledger.modules.privacy.parsing import SUBJECT_PATTERN, TERM_PATTERN, parse_subject
from sen.sdk.client import Client
from sen.sdk.privacy import ChainState, ChainStateError, latest_block_time
from sen.services.credentials.remote import RemoteSources, node_fetch
from sen.services.credentials.verification import verify_presentation_report
from sen.services.vault import openapi
from sen.services.vault.openapi import REQUEST_PATTERN
from sen.services.vault.vault import (
    ConsentMissing,
    ProvenAccess,
    RecordErased,
    UnknownRecord,
    Vault,
    VaultError,
)

DESCRIPTION = (
    "The personal-data vault of one controller (docs/spec/privacy.md §6.1): a recipient reads "
    "a record with its credential under the chain's consent; the data subject asks who read "
    "its data; the controller's staff store, seal and erase.\n\n*Kho dữ liệu cá nhân của "
    "một bên kiểm soát.*"
)
CHALLENGE_SECONDS = 300
MAX_CHALLENGES = 10_000
MAX_BODY_BYTES = 2 * 1024 * 1024


class Problem(Exception):
    def __init__(
        self, status: int, title: str, *, field: str = "", expected: str = "", got: str = ""
    ) -> None:
        super().__init__(title)
        self.status, self.title = status, title
        self.field, self.expected, self.got = field, expected, got

    def response(self) -> JSONResponse:
        body = {
            "type": f"https://sen.gov.vn/problems/vault/{self.status}",
            "title": self.title,
            "status": self.status,
            "detail": self.title,
            "field": self.field,
            "expected": self.expected,
            "got": self.got,
        }
        return JSONResponse(body, status_code=self.status, media_type="application/problem+json")


class Challenges:
    """One-time challenges, each good for :data:`CHALLENGE_SECONDS` (monotonic clock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._issued: dict[str, float] = {}

    def issue(self) -> str:
        now = time.monotonic()
        with self._lock:
            self._issued = {c: t for c, t in self._issued.items() if t > now}
            if len(self._issued) >= MAX_CHALLENGES:
                raise Problem(503, "too many challenges outstanding; try again shortly")
            challenge = secrets.token_hex(16)
            self._issued[challenge] = now + CHALLENGE_SECONDS
        return challenge

    def take(self, challenge: object) -> str:
        """The challenge, once: refused if unknown, used or expired."""
        with self._lock:
            expiry = self._issued.pop(challenge, None) if isinstance(challenge, str) else None
        if expiry is None or expiry <= time.monotonic():
            raise Problem(
                401, "the presentation's challenge is not one this vault issued, or was used",
                field="presentation.proof.challenge",
                expected="a fresh challenge from POST /vault/v1/challenges", got=str(challenge),
            )  # fmt: skip
        return str(challenge)


def _text(body: dict[str, Any], key: str, expected: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        got = "nothing" if value is None else repr(value)[:60]
        raise Problem(400, f"missing or not text: {key}", field=key, expected=expected,
                      got=got)  # fmt: skip
    return value


def _did_key(body: dict[str, Any]) -> str:
    """The record's subject: a pairwise did:key whose key decodes (a typo is refused here,
    not stored under a subject no consent can ever name)."""
    value = _matching(body, "subject", SUBJECT_PATTERN, "the data subject's pairwise did:key")
    try:
        return parse_subject({"subject": value})
    except TxRejected as exc:
        raise Problem(400, f"subject: {exc.reason}", field="subject",
                      expected=str(exc.expected), got=value[:60]) from None  # fmt: skip


def _matching(body: dict[str, Any], key: str, pattern: re.Pattern[str], expected: str) -> str:
    value = _text(body, key, expected)
    if pattern.fullmatch(value) is None:
        raise Problem(400, f"{key}: not {expected}", field=key, expected=expected,
                      got=repr(value)[:60])  # fmt: skip
    return value


def create_vault_app(
    vault: Vault, client: Callable[[], Client], *, token: str, domain: str
) -> FastAPI:
    """The service over ``vault``; ``client()`` gives a client of the node it trusts for the
    chain's state and DID documents; ``token`` is the staff's bearer token; ``domain`` is
    what presentations must be bound to (the vault's public address)."""
    if len(token) < 32:
        raise ValueError("token: expected at least 32 characters")
    app = FastAPI(
        title="Sen vault", version="1", description=DESCRIPTION, docs_url=None,
        redoc_url=None, openapi_url="/vault/v1/openapi.json",
    )  # fmt: skip
    challenges = Challenges()

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi.complete(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]

    @app.exception_handler(Problem)
    async def problem(_: Request, exc: Problem) -> JSONResponse:
        return exc.response()

    @app.exception_handler(StarletteHTTPException)
    async def no_such_call(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        said = "no such call" if exc.status_code == 404 else str(exc.detail)
        calls = "the calls of /vault/v1/openapi.json"
        return Problem(exc.status_code, said, field="path", expected=calls,
                       got=f"{request.method} {request.url.path}"[:80]).response()  # fmt: skip

    async def body_of(request: Request) -> dict[str, Any]:
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            limit = f"at most {MAX_BODY_BYTES} bytes"
            raise Problem(413, "body too large", field="body", expected=limit,
                          got=f"{len(raw)} bytes")  # fmt: skip
        try:
            found = json.loads(raw or b"{}")
        except ValueError as exc:
            raise Problem(400, "the body is not JSON", field="body", expected="a JSON object",
                          got=str(exc)[:80]) from None  # fmt: skip
        if not isinstance(found, dict):
            raise Problem(400, "the body is not a JSON object", field="body",
                          expected="a JSON object", got=type(found).__name__)  # fmt: skip
        return found

    def staff(request: Request) -> None:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise Problem(401, "the vault's staff token is required", field="authorization",
                          expected="Bearer <token>", got="another or no token")  # fmt: skip

    def holder(body: dict[str, Any]) -> str:
        """The DID a presentation proves, its challenge taken and its proof verified."""
        presentation = body.get("presentation")
        if not isinstance(presentation, dict):
            raise Problem(401, "a verifiable presentation is required", field="presentation",
                          expected="a presentation signed for this vault's challenge",
                          got=type(presentation).__name__)  # fmt: skip
        proof = presentation.get("proof")
        challenge = proof.get("challenge") if isinstance(proof, dict) else None
        challenges.take(challenge)
        with client() as node:
            report = verify_presentation_report(
                presentation, RemoteSources(node_fetch(node)), str(challenge), domain,
                require_accreditation=False, checks=["validity"],
            )  # fmt: skip
        if not report.verified:
            first = report.errors[0] if report.errors else None
            raise Problem(401, "the presentation does not verify",
                          field=first.path if first else "presentation",
                          expected="a valid presentation",
                          got=first.message if first else "")  # fmt: skip
        did = presentation.get("holder")
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if not isinstance(did, str) or not isinstance(method, str):
            raise Problem(401, "the presentation names no holder", field="presentation.holder",
                          expected="the holder's DID", got=str(did))  # fmt: skip
        if method.split("#")[0] != did:
            raise Problem(401, "the presentation is signed by another DID's key",
                          field="presentation.proof.verificationMethod",
                          expected=f"a key of {did}", got=method)  # fmt: skip
        return did

    @app.post(
        "/vault/v1/challenges", status_code=201, summary="A one-time challenge to sign",
        response_model=None,
        responses=openapi.answers(201, "Challenge", 503),
    )  # fmt: skip
    def new_challenge() -> dict[str, Any]:
        return {"challenge": challenges.issue(), "domain": domain, "expires_in": CHALLENGE_SECONDS}

    @app.post(
        "/vault/v1/records", status_code=201, summary="Store a record (staff)",
        openapi_extra={**openapi.body("NewRecord"), "security": [{"staff": []}]},
        response_model=None,
        responses=openapi.answers(201, "Stored", 400, 401, 410, 413),
    )  # fmt: skip
    async def put(request: Request) -> dict[str, Any]:
        staff(request)
        body = await body_of(request)
        subject = _did_key(body)
        category = _matching(body, "category", TERM_PATTERN, "a DPV category, e.g. pd:HealthRecord")
        try:
            payload = base64.b64decode(_text(body, "payload", "base64"), validate=True)
            stored = vault.put(subject, category, payload)
        except ValueError as exc:
            raise Problem(400, "payload: not base64", field="payload", expected="base64",
                          got=str(exc)[:80]) from None  # fmt: skip
        except VaultError as exc:
            raise Problem(400, exc.reason, field=exc.field, expected=exc.expected,
                          got=exc.got) from None  # fmt: skip
        return {"reference": stored.reference.hex(), "commitment": stored.commitment.hex()}

    @app.post(
        "/vault/v1/records/{reference}/read", summary="Read a record under the chain's consent",
        openapi_extra=openapi.body("ReadRequest"),
        response_model=None,
        responses=openapi.answers(200, "ReadAnswer", 400, 401, 403, 404, 410, 413, 502),
    )  # fmt: skip
    async def read(reference: str, request: Request) -> dict[str, Any]:
        body = await body_of(request)
        reader = holder(body)
        try:
            ref = bytes.fromhex(reference)
        except ValueError:
            raise Problem(400, "not a record reference", field="reference",
                          expected="32 hex digits", got=reference[:80]) from None  # fmt: skip
        purpose = _text(body, "purpose", "a DPV purpose, e.g. dpv:ServiceProvision")
        consent = _text(body, "consent", "the consent's id, 32 hex digits")
        try:
            with client() as node:
                at = latest_block_time(node)
                payload = vault.read(ref, consent=consent, reader=reader, purpose=purpose,
                                     state=ChainState(node), at=at)  # fmt: skip
        except ConsentMissing as exc:
            said = f"no consent allows this read ({exc.problem}): {exc.reason}"
            raise Problem(403, said, field=exc.field, expected=exc.expected,
                          got=exc.got) from None  # fmt: skip
        except RecordErased as exc:
            raise Problem(410, exc.reason, field="reference", expected="a live record",
                          got=reference) from None  # fmt: skip
        except UnknownRecord as exc:
            raise Problem(404, exc.reason, field="reference", expected="a record of this vault",
                          got=reference) from None  # fmt: skip
        except VaultError as exc:
            raise Problem(400, exc.reason, field=exc.field, expected=exc.expected,
                          got=exc.got) from None  # fmt: skip
        except ChainStateError as exc:
            raise Problem(502, f"the node's state did not verify: {exc}") from None
        return {"payload": base64.b64encode(payload).decode(), "reader": reader, "at": at}

    @app.post(
        "/vault/v1/access", summary="Who read my data (the data subject)",
        openapi_extra=openapi.body("AccessRequest"),
        response_model=None,
        responses=openapi.answers(200, "Access", 400, 401, 413),
    )  # fmt: skip
    async def who_read(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        subject = holder(body)
        answers = []
        for found in vault.who_read(subject):
            access = found.access if isinstance(found, ProvenAccess) else found
            item: dict[str, Any] = {
                "reader": access.reader, "reference": access.reference.hex(),
                "purpose": access.purpose, "consent": access.consent.hex(), "at": access.at,
            }  # fmt: skip
            if isinstance(found, ProvenAccess):
                item["entry"] = found.entry.hex()
                item["batch"] = {
                    "number": found.batch.number, "root": found.batch.root.hex(),
                    "anchored_height": found.batch.anchored_height,
                }  # fmt: skip
                item["proof"] = {
                    "total": found.proof.total, "index": found.proof.index,
                    "aunts": [a.hex() for a in found.proof.aunts],
                }  # fmt: skip
            answers.append(item)
        return {"subject": subject, "reads": answers}

    @app.post(
        "/vault/v1/access/seal", summary="Close the waiting reads into a batch (staff)",
        openapi_extra={"security": [{"staff": []}]},
        response_model=None,
        responses=openapi.answers(200, "Sealed", 401),
    )  # fmt: skip
    def seal(request: Request) -> dict[str, Any]:
        staff(request)
        batch = vault.seal_access_batch()
        if batch is None:
            return {"batch": None}
        return {"batch": {"number": batch.number, "root": batch.root.hex(),
                          "first": batch.first, "last": batch.last}}  # fmt: skip

    def deletion_request(state: ChainState, request_id: bytes, subject: str) -> int:
        """The time the open deletion request ``request_id`` of ``subject`` to this vault's
        controller was filed; a problem naming what does not match otherwise."""
        found = load_request(state, request_id)
        if found is None:
            raise Problem(
                404, "no such request on the chain", field="request",
                expected="the id sen privacy request printed", got=request_id.hex(),
            )  # fmt: skip
        if found.kind != "deletion" or found.controller != vault.controller:
            raise Problem(
                400, "not a deletion request to this vault's controller", field="request",
                expected=f"a deletion request to {vault.controller}",
                got=f"a {found.kind} request to {found.controller}",
            )  # fmt: skip
        if found.subject != subject:
            raise Problem(
                400, "the request is another data subject's", field="request",
                expected=f"a request of {subject[:40]}…", got=found.subject[:60],
            )  # fmt: skip
        if not found.open:
            raise Problem(409, "the request is already answered", field="request",
                          expected="an open deletion request", got=str(found.outcome))  # fmt: skip
        return found.filed[1]

    @app.post(
        "/vault/v1/subjects/erase", summary="Crypto-shred a data subject (staff)",
        openapi_extra={**openapi.body("Erase"), "security": [{"staff": []}]},
        response_model=None,
        responses=openapi.answers(200, "Erased", 400, 401, 404, 409, 413, 502),
    )  # fmt: skip
    async def erase(request: Request) -> dict[str, Any]:
        staff(request)
        body = await body_of(request)
        subject = _text(body, "subject", "the data subject's pairwise did:key")
        request_id = None
        if body.get("request") is not None:
            found = _matching(body, "request", REQUEST_PATTERN, "the deletion request's id, 32 hex")
            request_id = bytes.fromhex(found.removeprefix("hex:"))
        try:
            with client() as node:
                if request_id is not None:  # checked before anything is destroyed
                    filed = deletion_request(ChainState(node), request_id, subject)
                statement = vault.erase(subject, at=latest_block_time(node))
        except VaultError as exc:
            raise Problem(404, exc.reason, field=exc.field or "subject",
                          expected="a subject of this vault", got=subject) from None  # fmt: skip
        except ChainStateError as exc:
            raise Problem(502, f"the node's state did not verify: {exc}") from None
        if request_id is not None and statement.at < filed:
            raise Problem(
                409, "this subject was erased before the request was filed: the erasure "
                "cannot fulfil it; record the tombstone without a request and answer the "
                "request nothing_held", field="request",
                expected=f"a request filed at or before {statement.at}, the erasure's time",
                got=f"filed at {filed}",
            )  # fmt: skip
        args = statement.erasure_args(vault.controller, request_id)
        shown = {k: f"hex:{v.hex()}" for k, v in args.items() if isinstance(v, bytes)}
        return {
            "subject_ref": statement.subject.hex(), "erased_at": statement.at,
            "records": [[r.hex(), c.hex()] for r, c in statement.records],
            "record_erasure_args": {
                **args, **shown,
                "records": [[f"hex:{r.hex()}", f"hex:{c.hex()}"] for r, c in statement.records],
            },
        }  # fmt: skip

    return app


def document_app() -> FastAPI:
    """The service over an empty in-memory vault, for its OpenAPI document only."""
    from pathlib import Path

    from sen.services.vault.crypto import SoftwareKek
    from sen.services.vault.store import SqliteVaultStore

    def no_node() -> Client:
        raise RuntimeError("the document app has no node")

    vault = Vault(
        SqliteVaultStore(Path(":memory:"), "VN"), SoftwareKek(bytes(32)), bytes(32),
        controller="did:sen:example",
    )  # fmt: skip
    return create_vault_app(vault, no_node, token="d" * 32, domain="https://vault.example")
