"""Personal-data records on chain (module ``privacy``, ``docs/spec/privacy.md``), each with
its state proof.

``GET /v1/privacy/consents/{id}`` a consent record (its terms, state, expiry);
``GET /v1/privacy/consents/{id}/allows`` whether it lets a recipient process a category for
a purpose now (the check the vault makes at every read);
``GET /v1/privacy/subjects/{subject}/consents`` a data subject's consents ("my consents");
``GET /v1/privacy/requests/{id}`` a data-subject request with its 72-hour clock;
``GET /v1/privacy/controllers/{controller}/requests`` a controller's queue, overdue first;
``GET /v1/privacy/erasures/{controller}/{subject_ref}`` a tombstone: the erasure receipt;
``GET /v1/privacy/controllers/{controller}/breaches`` and ``.../assessments``.

Every record carries its canonical encoding (``value``) and its state proof against
``app_hash`` at ``height``: a reader checks the proof over ``value`` and decodes ``value``
itself, so it need not trust this node (``docs/spec/state-proofs.md``). The times are block
times; "now" is the last block's.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest, NotFound, NotYetAvailable
from sen.api.json_body import JsonRoute
from sen.api.parsing import pattern, require_match
from sen.api.problems import documented
from sen.api.proved import Proved, proved
from sen.api.schemas import Schema
from sen.ledger.modules.privacy import (
    Assessment,
    Breach,
    Consent,
    ConsentRefused,
    Erasure,
    Request,
    VaultDeclaration,
    consent_allows,
    controller_requests,
    erasure_digest,
    erasure_key,
    subject_consents,
)
from sen.ledger.modules.privacy.parsing import SUBJECT_PATTERN
from sen.ledger.modules.privacy.records import (
    ASSESSMENT_PREFIX,
    BREACH_PREFIX,
    VAULT_PREFIX,
    consent_key,
    request_key,
)
from sen.ledger.state import prefix_end
from sen.node.node import Node
from sen.services.readmodels.privacy import PrivacyReceiptUnavailable, build_privacy_receipt

router = APIRouter(route_class=JsonRoute, tags=["privacy"])

ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
CONTROLLER_PATTERN = re.compile(r"^did:sen:[a-z0-9][a-z0-9.-]{0,63}$")
MAX_LISTED = 500

HexId = Annotated[
    str,
    Path(
        description="16 bytes, hex (32 lowercase digits).",
        examples=["00112233445566778899aabbccddeeff"],
        json_schema_extra=pattern(ID_PATTERN.pattern),
    ),
]
Controller = Annotated[
    str,
    Path(
        description="The controller's did:sen DID.",
        examples=["did:sen:benh-vien-a"],
        json_schema_extra=pattern(CONTROLLER_PATTERN.pattern),
    ),
]
Subject = Annotated[
    str,
    Path(
        description="The data subject's pairwise did:key.",
        examples=["did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"],
        json_schema_extra=pattern(SUBJECT_PATTERN.pattern),
    ),
]


class ConsentView(Schema):
    id: str
    subject: str = Field(description="The data subject's pairwise did:key.")
    controller: str
    recipients: list[str]
    purposes: list[str] = Field(examples=[["dpv:ServiceProvision"]])
    categories: list[str] = Field(examples=[["pd:HealthRecord"]])
    legal_basis: str = Field(examples=["dpv:ExplicitlyExpressedConsent"])
    state: str = Field(description="`given`, `refused` or `withdrawn`.")
    expires: int = Field(description="Block time (seconds) from which it no longer holds.")
    expired: bool | None = Field(description="Expired at the last block; null: no block yet.")
    recorded_height: int
    recorded_time: int
    withdrawn_height: int | None
    withdrawn_by: str | None = Field(description="`subject` or `controller`, once withdrawn.")
    record: Proved


class AllowsView(Schema):
    allowed: bool
    problem: str | None = Field(
        description="Why not: unknown, refused, withdrawn, expired, subject, controller, "
        "recipient, purpose or category."
    )
    reason: str | None
    at: int = Field(description="The time judged: the last block's (seconds).")
    height: int


class RequestView(Schema):
    id: str
    subject: str
    controller: str
    kind: str = Field(
        description="access, correction, deletion, objection, withdrawal, portability."
    )
    consent: str | None
    filed_height: int
    filed_time: int
    due: int = Field(description="Block time (seconds) its 72 hours run out.")
    acknowledged_height: int | None
    answered_height: int | None
    answered_time: int | None
    outcome: str | None = Field(description="`fulfilled` or `refused`, once answered.")
    answer: str | None = Field(description="SHA-256 of the controller's answer document, hex.")
    open: bool
    overdue: bool | None = Field(description="Open past its due time at the last block.")
    late: bool = Field(description="Answered after its due time.")
    seconds_left: int | None = Field(description="Until due, at the last block (negative: over).")
    record: Proved


class QueueView(Schema):
    controller: str
    at: int | None = Field(description="The last block's time (seconds).")
    open: int
    overdue: int
    requests: list[RequestView] = Field(
        description="Overdue first, then open by due time, then closed."
    )


class ErasureView(Schema):
    controller: str
    subject_ref: str = Field(description="The vault's keyed name of the subject, hex.")
    records: list[list[str]] = Field(description="[reference, commitment] pairs, hex.")
    erased_at: int
    recorded_height: int
    request: str | None
    digest: str = Field(description="SHA-256 of the statement (the deletion request's answer).")
    record: Proved


class BreachView(Schema):
    id: str
    controller: str
    detected: int
    due: int
    reported_height: int
    reported_time: int
    late: bool
    categories: list[str]
    subjects: int
    digest: str
    record: Proved


class AssessmentView(Schema):
    id: str
    controller: str
    kind: str
    digest: str
    version: int
    status: str
    filed_height: int
    updated_height: int
    reviewer: str | None
    record: Proved


class VaultView(Schema):
    controller: str
    name: str
    jurisdiction: str = Field(description="ISO 3166 code: a country (VN) or a subdivision (VN-HN).")
    endpoint: str | None = Field(description="The vault service's address, if declared.")
    version: int
    declared_height: int
    declared_time: int
    record: Proved


def _id(value: str, field: str = "id") -> bytes:
    return bytes.fromhex(require_match(ID_PATTERN, value, field, "32 lowercase hex digits"))


def _controller(value: str) -> str:
    return require_match(CONTROLLER_PATTERN, value, "controller", "a did:sen DID")


def _now(node: Node) -> int | None:
    last = node.engine.last
    return None if last is None else int(last.header.time.seconds)


def _consent_view(consent: Consent, record: Proved, now: int | None) -> ConsentView:
    terms = consent.terms
    return ConsentView(
        id=terms.id.hex(), subject=terms.subject, controller=terms.controller,
        recipients=list(terms.recipients), purposes=list(terms.purposes),
        categories=list(terms.categories), legal_basis=terms.legal_basis, state=consent.state,
        expires=terms.expires, expired=None if now is None else now >= terms.expires,
        recorded_height=consent.recorded[0], recorded_time=consent.recorded[1],
        withdrawn_height=None if consent.withdrawn is None else consent.withdrawn[0],
        withdrawn_by=consent.withdrawn_by or None, record=record,
    )  # fmt: skip


def _request_view(request: Request, record: Proved, now: int | None) -> RequestView:
    return RequestView(
        id=request.id.hex(), subject=request.subject, controller=request.controller,
        kind=request.kind, consent=None if request.consent is None else request.consent.hex(),
        filed_height=request.filed[0], filed_time=request.filed[1], due=request.due,
        acknowledged_height=None if request.acknowledged is None else request.acknowledged[0],
        answered_height=None if request.answered is None else request.answered[0],
        answered_time=None if request.answered is None else request.answered[1],
        outcome=request.outcome or None, answer=request.answer.hex() or None,
        open=request.open, overdue=None if now is None else request.overdue_at(now),
        late=request.late,
        seconds_left=None if now is None or not request.open else request.due - now,
        record=record,
    )  # fmt: skip


def _consent(node: Node, consent_id: bytes) -> ConsentView:
    found = proved(node, consent_key(consent_id))
    if found is None:
        raise NotFound("no such consent record", field="id")
    value, record = found
    return _consent_view(Consent.from_value(value), record, _now(node))


@router.get(
    "/v1/privacy/consents/{consent_id}",
    summary="A consent record, with its state proof",
    description=(
        "The terms the data subject signed (DPV purposes, categories, legal basis, recipients, "
        "expiry) and their state: given, refused or withdrawn.\n\n"
        "*Bản ghi đồng ý của chủ thể dữ liệu, kèm bằng chứng trên chuỗi.*"
    ),
    responses=documented(400, 404),
)
def consent(consent_id: HexId, node: NodeDep) -> ConsentView:
    return _consent(node, _id(consent_id))


@router.get(
    "/v1/privacy/consents/{consent_id}/allows",
    summary="Does this consent allow a processing now?",
    description=(
        "The check the vault makes at every read, at the last block's time: `allowed`, or the "
        "`problem` (unknown, refused, withdrawn, expired, subject, controller, recipient, "
        "purpose, category).\n\n*Sự đồng ý này có cho phép xử lý không?*"
    ),
    responses=documented(400),
)
def allows(
    consent_id: HexId,
    node: NodeDep,
    recipient: Annotated[str, Query(max_length=256, examples=["did:sen:benh-vien-b"])],
    purpose: Annotated[str, Query(max_length=128, examples=["dpv:ServiceProvision"])],
    category: Annotated[str, Query(max_length=128, examples=["pd:HealthRecord"])],
    controller: Annotated[str, Query(max_length=128, examples=["did:sen:benh-vien-a"])],
    subject: Annotated[str, Query(max_length=256)],
) -> AllowsView:
    now = _now(node)
    if now is None:
        raise BadRequest("no block yet: no time to judge at", field="at", expected="a block")
    try:
        consent_allows(
            node.app.store, _id(consent_id), subject=subject, controller=controller,
            recipient=recipient, purpose=purpose, category=category, at=now,
        )  # fmt: skip
    except ConsentRefused as exc:
        return AllowsView(
            allowed=False, problem=exc.problem, reason=exc.reason, at=now, height=node.app.height
        )
    return AllowsView(allowed=True, problem=None, reason=None, at=now, height=node.app.height)


@router.get(
    "/v1/privacy/subjects/{subject}/consents",
    summary="A data subject's consents (my consents)",
    description=(
        "Every consent record of this pairwise did:key, oldest first, each with its proof.\n\n"
        "*Các sự đồng ý của tôi.*"
    ),
    responses=documented(400),
)
def subject_consent_list(subject: Subject, node: NodeDep) -> list[ConsentView]:
    require_match(SUBJECT_PATTERN, subject, "subject", "a did:key DID")
    found = subject_consents(node.app.store, subject)[:MAX_LISTED]
    return [_consent(node, consent.terms.id) for consent in found]


@router.get(
    "/v1/privacy/requests/{request_id}",
    summary="A data-subject request, with its 72-hour clock",
    description="*Yêu cầu của chủ thể dữ liệu và hạn 72 giờ.*",
    responses=documented(400, 404),
)
def request(request_id: HexId, node: NodeDep) -> RequestView:
    found = proved(node, request_key(_id(request_id)))
    if found is None:
        raise NotFound("no such data-subject request", field="id")
    value, record = found
    return _request_view(Request.from_value(value), record, _now(node))


def _queue_order(view: RequestView) -> tuple[int, int]:
    rank = 0 if view.overdue else 1 if view.open else 2
    return rank, view.due


@router.get(
    "/v1/privacy/controllers/{controller}/requests",
    summary="A controller's queue of data-subject requests",
    description=(
        "Overdue first, then open ones by due time, then answered ones; `open_only` leaves "
        "the answered out.\n\n*Hàng đợi yêu cầu của bên kiểm soát, quá hạn trước.*"
    ),
    responses=documented(400),
)
def queue(
    controller: Controller,
    node: NodeDep,
    open_only: Annotated[bool, Query(description="Only requests not yet answered.")] = False,
) -> QueueView:
    _controller(controller)
    now = _now(node)
    views = []
    for found in controller_requests(node.app.store, controller)[-MAX_LISTED:]:
        if open_only and not found.open:
            continue
        found_record = proved(node, request_key(found.id))
        assert found_record is not None
        views.append(_request_view(found, found_record[1], now))
    views.sort(key=_queue_order)
    return QueueView(
        controller=controller, at=now, open=sum(v.open for v in views),
        overdue=sum(bool(v.overdue) for v in views), requests=views,
    )  # fmt: skip


@router.get(
    "/v1/privacy/erasures/{controller}/{subject_ref}",
    summary="An erasure's tombstone: the erasure receipt",
    description=(
        "The references and commitments the erasure made unopenable, with the state proof "
        "a data subject keeps as its receipt.\n\n*Biên nhận xóa dữ liệu.*"
    ),
    responses=documented(400, 404),
)
def erasure(controller: Controller, subject_ref: HexId, node: NodeDep) -> ErasureView:
    ref = _id(subject_ref, "subject_ref")
    found = proved(node, erasure_key(_controller(controller), ref))
    if found is None:
        raise NotFound("no erasure recorded for this subject", field="subject_ref")
    value, record = found
    tombstone = Erasure.from_value(value)
    return ErasureView(
        controller=tombstone.controller, subject_ref=tombstone.subject_ref.hex(),
        records=[[r.hex(), c.hex()] for r, c in tombstone.records],
        erased_at=tombstone.erased_at, recorded_height=tombstone.recorded[0],
        request=None if tombstone.request is None else tombstone.request.hex(),
        digest=erasure_digest(tombstone).hex(), record=record,
    )  # fmt: skip


def _under(node: Node, prefix: bytes) -> list[tuple[dict[str, Any], Proved]]:
    keys = [key for key, _ in node.app.store.scan(prefix, prefix_end(prefix), MAX_LISTED)]
    return [found for key in keys if (found := proved(node, key)) is not None]


@router.get(
    "/v1/privacy/controllers/{controller}/breaches",
    summary="A controller's breach notifications, with their 72-hour clocks",
    description="*Các thông báo vi phạm dữ liệu của bên kiểm soát.*",
    responses=documented(400),
)
def breaches(controller: Controller, node: NodeDep) -> list[BreachView]:
    prefix = BREACH_PREFIX + _controller(controller).encode() + b"/"
    views = []
    for value, record in _under(node, prefix):
        found = Breach.from_value(value)
        views.append(
            BreachView(
                id=found.id.hex(),
                controller=found.controller,
                detected=found.detected,
                due=found.due,
                reported_height=found.reported[0],
                reported_time=found.reported[1],
                late=found.late,
                categories=list(found.categories),
                subjects=found.subjects,
                digest=found.digest.hex(),
                record=record,
            )
        )
    return views


@router.get(
    "/v1/privacy/controllers/{controller}/assessments",
    summary="A controller's impact-assessment dossiers",
    description="*Các hồ sơ đánh giá tác động của bên kiểm soát.*",
    responses=documented(400),
)
def assessments(controller: Controller, node: NodeDep) -> list[AssessmentView]:
    prefix = ASSESSMENT_PREFIX + _controller(controller).encode() + b"/"
    views = []
    for value, record in _under(node, prefix):
        found = Assessment.from_value(value)
        views.append(
            AssessmentView(
                id=found.id.hex(),
                controller=found.controller,
                kind=found.kind,
                digest=found.digest.hex(),
                version=found.version,
                status=found.status,
                filed_height=found.filed[0],
                updated_height=found.updated[0],
                reviewer=found.reviewer.hex() or None,
                record=record,
            )
        )
    return views


@router.get(
    "/v1/privacy/controllers/{controller}/vaults",
    summary="Where a controller keeps personal data: its vaults and their jurisdictions",
    description=(
        "Each vault the controller declared (`privacy.declare_vault`): its jurisdiction as an "
        "ISO 3166 code and its service's address, with the state proof.\n\n"
        "*Nơi bên kiểm soát lưu dữ liệu cá nhân: các kho và vùng pháp lý.*"
    ),
    responses=documented(400),
)
def vaults(controller: Controller, node: NodeDep) -> list[VaultView]:
    prefix = VAULT_PREFIX + _controller(controller).encode() + b"/"
    views = []
    for value, record in _under(node, prefix):
        found = VaultDeclaration.from_value(value)
        views.append(
            VaultView(
                controller=found.controller,
                name=found.name,
                jurisdiction=found.jurisdiction,
                endpoint=found.endpoint or None,
                version=found.version,
                declared_height=found.declared[0],
                declared_time=found.declared[1],
                record=record,
            )
        )
    return views


def _receipt(node: Node, kind: str, key: bytes, field: str) -> Any:
    try:
        return build_privacy_receipt(node, kind, key)
    except PrivacyReceiptUnavailable as exc:
        if exc.retry:
            raise NotYetAvailable(str(exc), headers={"Retry-After": "1"}) from None
        raise NotFound(str(exc), field=field) from None


RECEIPT_TEXT = (
    "The record with its state proof and the header that carries the app hash, signed by the "
    "chain's validators: `sen verify` checks it with the genesis file alone "
    "(`docs/spec/privacy.md` §8). 409 until the state holding it is signed (retry after the "
    "next block)."
)


@router.get(
    "/v1/privacy/erasures/{controller}/{subject_ref}/receipt",
    summary="An erasure receipt to keep: the tombstone, checkable offline",
    description=RECEIPT_TEXT + "\n\n*Biên nhận xóa, kiểm tra ngoại tuyến bằng tệp genesis.*",
    responses=documented(400, 404, 409),
)
def erasure_receipt(controller: Controller, subject_ref: HexId, node: NodeDep) -> Any:
    ref = _id(subject_ref, "subject_ref")
    return _receipt(node, "erasure", erasure_key(_controller(controller), ref), "subject_ref")


@router.get(
    "/v1/privacy/consents/{consent_id}/receipt",
    summary="A consent's record to keep, checkable offline",
    description=RECEIPT_TEXT + "\n\n*Bản ghi đồng ý, kiểm tra ngoại tuyến bằng tệp genesis.*",
    responses=documented(400, 404, 409),
)
def consent_receipt(consent_id: HexId, node: NodeDep) -> Any:
    return _receipt(node, "consent", consent_key(_id(consent_id)), "id")
