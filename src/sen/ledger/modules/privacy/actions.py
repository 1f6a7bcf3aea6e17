"""The privacy module's actions (docs/spec/privacy.md §3).

Consent: ``record_consent`` (the controller records what the data subject signed: given or
refused) and ``withdraw_consent`` (the subject, or the controller for it). Data-subject
requests: ``file_request`` (the subject, or the controller for it), ``acknowledge_request``
and ``answer_request`` (the controller), each on a 72-hour clock from the block time.
``record_erasure`` anchors the vault's erasure statement as a tombstone and may close a
deletion request. ``report_breach`` and ``file_assessment`` (the controller) and
``review_assessment`` (an auditor) keep breach notifications and impact-assessment dossiers
by digest. A controller is a ``did:sen`` DID; the sender acts for it as one of its
controllers. A data subject is a pairwise ``did:key``: ``withdraw_consent`` and
``file_request`` are open to it without membership, and ``admit`` runs their checks before
a block.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import get_suite
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    number_or,
    reject_unknown_fields,
    require_bytes,
    require_distinct,
    require_int,
    require_jurisdiction,
    require_list,
    require_one_of,
    require_text,
    required,
)
from sen.ledger.modules.base import Action, Context, Module, Outcome
from sen.ledger.modules.identity.multikey import decode_multikey
from sen.ledger.modules.privacy.parsing import (
    DID_KEY_PREFIX,
    DIGEST_BYTES,
    ENDPOINT_PATTERN,
    ID_BYTES,
    VAULT_NAME_PATTERN,
    parse_controller,
    parse_digest,
    parse_id,
    parse_list,
    parse_party,
    parse_seconds,
    parse_subject,
    parse_term,
    shown,
    subject_address,
)
from sen.ledger.modules.privacy.records import (
    CLOCK_SECONDS,
    Assessment,
    Breach,
    Consent,
    ConsentTerms,
    Erasure,
    Request,
    Stamp,
    VaultDeclaration,
    add_consent,
    add_request,
    close_request,
    consent_id_prefix,
    consent_message,
    load_assessment,
    load_breach,
    load_consent,
    load_erasure,
    load_request,
    load_vault,
    open_request_count,
    relation_count,
    request_id_prefix,
    save_assessment,
    save_breach,
    save_consent,
    save_erasure,
    save_request,
    save_vault,
)
from sen.ledger.modules.trust.parsing import require_controller
from sen.ledger.state import StateReader
from sen.ledger.types import BlockTime, ChainParams, Event, EventAttribute

DECISIONS = ("given", "refused")
REQUEST_KINDS = ("access", "correction", "deletion", "objection", "withdrawal", "portability")
OUTCOMES = ("fulfilled", "refused", "nothing_held")
"""How a request is answered; ``nothing_held``: the controller holds no such data."""
ASSESSMENT_KINDS = ("processing", "cross_border")
REVIEW_DECISIONS = ("accepted", "returned")
MAX_RECIPIENTS = 16
MAX_PURPOSES = 16
MAX_CATEGORIES = 32
MAX_OPEN_REQUESTS = 16
"""Requests a data subject may have open with one controller at a time."""
MAX_ERASED_RECORDS = 1000
MAX_SIGNATURE_BYTES = 4096
MAX_BREACH_SUBJECTS = 10**12


def _stamp(ctx: Context) -> Stamp:
    return ctx.block.height, ctx.block.time_seconds


def _event(kind: str, controller: str, item: bytes, *extra: EventAttribute) -> Event:
    attributes = (EventAttribute("controller", controller), EventAttribute("id", item.hex()))
    return Event(f"privacy.{kind}", attributes + extra)


def _acting_controller(ctx: Context, controller: str, field: str = "args.controller") -> None:
    require_controller(ctx.state, controller, ctx.sender, field)


def subject_or_controller(state: StateReader, sender: bytes, subject: str, controller: str) -> str:
    """Who the sender is for this subject and controller: ``subject`` (the subject's own
    key) or ``controller`` (a controller of the controller's DID); refused otherwise."""
    if sender == subject_address(subject):
        return "subject"
    try:
        require_controller(state, controller, sender, "sender")
    except TxRejected:
        raise TxRejected(
            ResultCode.NOT_DATA_SUBJECT, "only the data subject or the controller may do this",
            field="sender", expected=f"the key of {subject[:32]}... or a controller of "
            f"{controller}", got=sender.hex(),
        ) from None  # fmt: skip
    return "controller"


# --- consent --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsentArgs:
    terms: ConsentTerms
    signature: bytes


def parse_terms(args: Mapping[str, Any]) -> ConsentTerms:
    decision = require_one_of(
        required(args, "decision"), "args.decision", DECISIONS, reason="not a decision",
        expected=" or ".join(DECISIONS), got=shown,
    )  # fmt: skip
    return ConsentTerms(
        id=parse_id(args, "id"),
        subject=parse_subject(args),
        controller=parse_controller(args),
        recipients=parse_list(args, "recipients", MAX_RECIPIENTS, parse_party, min_items=0),
        purposes=parse_list(args, "purposes", MAX_PURPOSES, parse_term),
        categories=parse_list(args, "categories", MAX_CATEGORIES, parse_term),
        legal_basis=parse_term(required(args, "legal_basis"), "args.legal_basis"),
        decision=decision,
        expires=parse_seconds(args, "expires"),
    )


def verify_consent_signature(chain_id: str, terms: ConsentTerms, signature: bytes) -> None:
    """The subject's key signed these terms for this chain, or TxRejected on ``args.signature``."""
    suite, public_key = decode_multikey(terms.subject[len(DID_KEY_PREFIX) :])
    if not get_suite(suite).verify(public_key, consent_message(chain_id, terms), signature):
        raise TxRejected(
            ResultCode.INVALID_CONSENT_SIGNATURE,
            "the data subject's key did not sign these terms on this chain",
            field="args.signature",
            expected=f"a {suite} signature by {terms.subject[:32]}... over the consent message",
            got=f"{len(signature)} bytes that do not verify",
        )


class RecordConsent(Action[ConsentArgs]):
    name = "record_consent"
    permission: str | None = None  # a controller of the controller's DID
    fields = frozenset(
        {"id", "subject", "controller", "recipients", "purposes", "categories", "legal_basis",
         "decision", "expires", "signature"}
    )  # fmt: skip

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> ConsentArgs:
        reject_unknown_fields(args, self.fields)
        terms = parse_terms(args)
        signature = require_bytes(
            required(args, "signature"), "args.signature", expected="the subject's signature",
            got=shown,
        )  # fmt: skip
        if len(signature) > MAX_SIGNATURE_BYTES:
            raise TxRejected(
                ResultCode.INVALID_CONSENT_SIGNATURE, "signature too long",
                field="args.signature", expected=f"at most {MAX_SIGNATURE_BYTES} bytes",
                got=f"{len(signature)} bytes",
            )  # fmt: skip
        verify_consent_signature(params.chain_id, terms, signature)
        suite, _ = decode_multikey(terms.subject[len(DID_KEY_PREFIX) :])
        if suite not in params.allowed_suites:
            raise TxRejected(
                ResultCode.SUITE_NOT_ALLOWED,
                "this chain takes no transactions from the subject's kind of key: the subject "
                "could not withdraw its consent or file a request itself",
                field="args.subject",
                expected=f"a did:key of a {' or '.join(params.allowed_suites)} key",
                got=f"a {suite} key",
            )
        bound = consent_id_prefix(terms.subject, terms.controller)
        if terms.id[: len(bound)] != bound:
            raise TxRejected(
                ResultCode.INVALID_ARGUMENT, "the consent id is not one of this subject and "
                "controller", field="args.id",
                expected=f"16 bytes starting with {bound.hex()} (consent_id_prefix of the "
                "subject and the controller), then 8 random bytes",
                got=terms.id.hex(),
            )  # fmt: skip
        return ConsentArgs(terms, signature)

    def execute(self, ctx: Context, parsed: ConsentArgs) -> Outcome:
        terms = parsed.terms
        existing = load_consent(ctx.state, terms.id)
        if existing is not None:
            raise TxRejected(
                ResultCode.CONSENT_EXISTS, "a consent record with this id exists (ids are "
                "never reused)", field="args.id", expected="a new random id",
                got=f"{terms.id.hex()}, recorded at height {existing.recorded[0]}",
            )  # fmt: skip
        _acting_controller(ctx, terms.controller)
        if terms.decision == "given" and terms.expires <= ctx.block.time_seconds:
            raise TxRejected(
                ResultCode.CONSENT_EXPIRED, "the consent would expire before it is recorded",
                field="args.expires", expected=f"after the block time {ctx.block.time_seconds}",
                got=terms.expires,
            )  # fmt: skip
        add_consent(ctx.state, Consent(terms, _stamp(ctx)))
        decision = EventAttribute("decision", terms.decision, index=False)
        subject = EventAttribute("subject", terms.subject)
        event = _event("consent", terms.controller, terms.id, subject, decision)
        return Outcome(data=terms.id, events=(event,))


@dataclass(frozen=True, slots=True)
class WithdrawArgs:
    consent: bytes


def check_withdrawal(state: StateReader, sender: bytes, consent_id: bytes) -> tuple[Consent, str]:
    """The consent to withdraw and who withdraws it, or the refusal."""
    consent = load_consent(state, consent_id)
    if consent is None:
        raise TxRejected(
            ResultCode.UNKNOWN_CONSENT, "no such consent record", field="args.consent",
            expected="the id of a consent recorded with privacy.record_consent",
            got=consent_id.hex(),
        )  # fmt: skip
    by = subject_or_controller(state, sender, consent.terms.subject, consent.terms.controller)
    if consent.state != "given":
        raise TxRejected(
            ResultCode.CONSENT_NOT_LIVE, "only a given consent can be withdrawn",
            field="args.consent", expected="a consent in state given", got=consent.state,
        )  # fmt: skip
    return consent, by


class WithdrawConsent(Action[WithdrawArgs]):
    name = "withdraw_consent"
    permission: str | None = None  # open: the subject's key, or the controller
    fields = frozenset({"consent"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> WithdrawArgs:
        reject_unknown_fields(args, self.fields)
        return WithdrawArgs(parse_id(args, "consent"))

    def admit(
        self, committed: StateReader, sender: bytes, parsed: WithdrawArgs, at: BlockTime
    ) -> None:
        check_withdrawal(committed, sender, parsed.consent)

    def execute(self, ctx: Context, parsed: WithdrawArgs) -> Outcome:
        consent, by = check_withdrawal(ctx.state, ctx.sender, parsed.consent)
        save_consent(ctx.state, replace(consent, withdrawn=_stamp(ctx), withdrawn_by=by))
        by_attribute = EventAttribute("by", by, index=False)
        event = _event("withdraw", consent.terms.controller, parsed.consent, by_attribute)
        return Outcome(data=parsed.consent, events=(event,))


# --- data-subject requests ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileArgs:
    id: bytes
    controller: str
    subject: str
    kind: str
    consent: bytes | None


def check_filing(state: StateReader, sender: bytes, parsed: FileArgs) -> str:
    """Every check ``file_request`` makes of the state, before a block and in it; who files
    (``subject`` or ``controller``)."""
    existing = load_request(state, parsed.id)
    if existing is not None:
        raise TxRejected(
            ResultCode.REQUEST_EXISTS, "a request with this id exists", field="args.id",
            expected="a new random id", got=f"{parsed.id.hex()}, filed at {existing.filed[0]}",
        )  # fmt: skip
    by = subject_or_controller(state, sender, parsed.subject, parsed.controller)
    if by == "subject" and relation_count(state, parsed.controller, parsed.subject) == 0:
        raise TxRejected(
            ResultCode.NO_CONSENT_RELATION,
            "a data subject files requests with a controller it has a consent record with",
            field="args.controller",
            expected="a controller holding a consent of this key",
            got=parsed.controller,
        )
    opened = open_request_count(state, parsed.controller, parsed.subject)
    if by == "subject" and opened >= MAX_OPEN_REQUESTS:
        raise TxRejected(
            ResultCode.TOO_MANY_OPEN_REQUESTS, "too many open requests to this controller",
            field="args.id", expected=f"at most {MAX_OPEN_REQUESTS} open at once", got=opened,
        )  # fmt: skip
    if parsed.consent is not None:
        consent = load_consent(state, parsed.consent)
        if consent is None:
            raise TxRejected(
                ResultCode.UNKNOWN_CONSENT, "no such consent record", field="args.consent",
                expected="the id of a consent recorded with privacy.record_consent",
                got=parsed.consent.hex(),
            )  # fmt: skip
        if (consent.terms.subject, consent.terms.controller) != (
            parsed.subject,
            parsed.controller,
        ):
            raise TxRejected(
                ResultCode.REQUEST_MISMATCH, "the consent is another subject's or controller's",
                field="args.consent", expected="a consent of this subject with this controller",
                got=parsed.consent.hex(),
            )  # fmt: skip
    bound = request_id_prefix(parsed.subject, parsed.controller)
    if parsed.id[: len(bound)] != bound:
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT, "the request id is not one of this subject and "
            "controller", field="args.id",
            expected=f"16 bytes starting with {bound.hex()} (request_id_prefix of the subject "
            "and the controller), then 8 random bytes",
            got=parsed.id.hex(),
        )  # fmt: skip
    return by


class FileRequest(Action[FileArgs]):
    name = "file_request"
    permission: str | None = None  # open: the subject's key, or the controller
    fields = frozenset({"id", "controller", "subject", "kind", "consent"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> FileArgs:
        reject_unknown_fields(args, self.fields)
        kind = require_one_of(
            required(args, "kind"), "args.kind", REQUEST_KINDS, reason="not a request kind",
            expected=", ".join(REQUEST_KINDS), got=shown,
        )  # fmt: skip
        consent = parse_id(args, "consent") if "consent" in args else None
        if kind == "withdrawal" and consent is None:
            raise TxRejected(
                ResultCode.INVALID_ARGUMENT, "missing argument", field="args.consent",
                expected="the consent to withdraw, for a withdrawal request", got="nothing",
            )  # fmt: skip
        return FileArgs(
            parse_id(args, "id"), parse_controller(args), parse_subject(args), kind, consent
        )

    def admit(self, committed: StateReader, sender: bytes, parsed: FileArgs, at: BlockTime) -> None:
        check_filing(committed, sender, parsed)

    def execute(self, ctx: Context, parsed: FileArgs) -> Outcome:
        by = check_filing(ctx.state, ctx.sender, parsed)
        due = ctx.block.time_seconds + CLOCK_SECONDS
        request = Request(
            parsed.id, parsed.subject, parsed.controller, parsed.kind, parsed.consent,
            _stamp(ctx), due, filed_by=by,
        )  # fmt: skip
        add_request(ctx.state, request)
        extra = (
            EventAttribute("kind", parsed.kind, index=False),
            EventAttribute("due", str(due), index=False),
        )
        event = _event("request", parsed.controller, parsed.id, *extra)
        return Outcome(data=parsed.id, events=(event,))


def open_request(ctx: Context, request_id: bytes, field: str = "args.request") -> Request:
    """The open request ``request_id``, the sender acting for its controller."""
    request = load_request(ctx.state, request_id)
    if request is None:
        raise TxRejected(
            ResultCode.UNKNOWN_REQUEST, "no such data-subject request", field=field,
            expected="the id of a request filed with privacy.file_request", got=request_id.hex(),
        )  # fmt: skip
    _acting_controller(ctx, request.controller, field="sender")
    if not request.open:
        assert request.answered is not None
        raise TxRejected(
            ResultCode.REQUEST_CLOSED, "the request is already answered", field=field,
            expected="an open request", got=f"answered at height {request.answered[0]}",
        )  # fmt: skip
    return request


@dataclass(frozen=True, slots=True)
class AcknowledgeArgs:
    request: bytes


class AcknowledgeRequest(Action[AcknowledgeArgs]):
    name = "acknowledge_request"
    permission: str | None = None  # a controller of the request's controller DID
    fields = frozenset({"request"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> AcknowledgeArgs:
        reject_unknown_fields(args, self.fields)
        return AcknowledgeArgs(parse_id(args, "request"))

    def execute(self, ctx: Context, parsed: AcknowledgeArgs) -> Outcome:
        request = open_request(ctx, parsed.request)
        if request.acknowledged is not None:
            raise TxRejected(
                ResultCode.INVALID_ARGUMENT, "the request is already acknowledged",
                field="args.request", expected="a request not yet acknowledged",
                got=f"acknowledged at height {request.acknowledged[0]}",
            )  # fmt: skip
        save_request(ctx.state, replace(request, acknowledged=_stamp(ctx)))
        event = _event("acknowledge", request.controller, request.id)
        return Outcome(data=request.id, events=(event,))


@dataclass(frozen=True, slots=True)
class AnswerArgs:
    request: bytes
    outcome: str
    answer: bytes


def _answered(ctx: Context, request: Request, outcome: str, answer: bytes) -> Outcome:
    stamp = _stamp(ctx)
    closed = replace(request, answered=stamp, outcome=outcome, answer=answer)
    if closed.acknowledged is None:
        closed = replace(closed, acknowledged=stamp)
    close_request(ctx.state, closed)
    extra = (
        EventAttribute("outcome", outcome, index=False),
        EventAttribute("late", "true" if closed.late else "false", index=False),
    )
    event = _event("answer", request.controller, request.id, *extra)
    return Outcome(data=request.id, events=(event,))


class AnswerRequest(Action[AnswerArgs]):
    name = "answer_request"
    permission: str | None = None  # a controller of the request's controller DID
    fields = frozenset({"request", "outcome", "answer"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> AnswerArgs:
        reject_unknown_fields(args, self.fields)
        outcome = require_one_of(
            required(args, "outcome"), "args.outcome", OUTCOMES, reason="not an outcome",
            expected=" or ".join(OUTCOMES), got=shown,
        )  # fmt: skip
        return AnswerArgs(parse_id(args, "request"), outcome, parse_digest(args, "answer"))

    def execute(self, ctx: Context, parsed: AnswerArgs) -> Outcome:
        request = open_request(ctx, parsed.request)
        if request.kind == "deletion" and parsed.outcome == "fulfilled":
            raise TxRejected(
                ResultCode.REQUEST_MISMATCH, "a deletion is fulfilled by recording its erasure",
                field="args.outcome", expected="privacy.record_erasure with this request, or "
                "outcome refused or nothing_held", got="fulfilled",
            )  # fmt: skip
        if request.kind == "withdrawal" and parsed.outcome == "refused":
            raise TxRejected(
                ResultCode.REQUEST_MISMATCH, "a withdrawal of consent is not refused: the data "
                "subject may withdraw at any time", field="args.outcome",
                expected="fulfilled (the consent is withdrawn) or nothing_held", got="refused",
            )  # fmt: skip
        if request.kind == "withdrawal" and parsed.outcome == "fulfilled":
            assert request.consent is not None
            consent = load_consent(ctx.state, request.consent)
            if consent is not None and consent.state == "given":
                withdrawn = replace(consent, withdrawn=_stamp(ctx), withdrawn_by="controller")
                save_consent(ctx.state, withdrawn)
        return _answered(ctx, request, parsed.outcome, parsed.answer)


# --- erasure ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErasureArgs:
    controller: str
    subject_ref: bytes
    records: tuple[tuple[bytes, bytes], ...]
    erased_at: int
    request: bytes | None


def erasure_digest(erasure: Erasure) -> bytes:
    """SHA-256 of what an erasure states (the answer it gives a deletion request)."""
    value = erasure.to_value()
    stated = {k: value[k] for k in ("controller", "subject_ref", "records", "erased_at")}
    return hashlib.sha256(encoding.encode(stated)).digest()


def _parse_records(args: Mapping[str, Any]) -> tuple[tuple[bytes, bytes], ...]:
    value = require_list(
        required(args, "records"), "args.records",
        expected=f"a list of 0 to {MAX_ERASED_RECORDS} [reference, commitment] pairs",
        max_items=MAX_ERASED_RECORDS,
        got=lambda v: f"{len(v)} entries" if isinstance(v, list) else shown(v),
    )  # fmt: skip
    records = []
    for i, entry in enumerate(value):
        field = f"args.records[{i}]"
        if not (isinstance(entry, list) and len(entry) == 2):
            raise TxRejected(
                ResultCode.INVALID_ARGUMENT, "not a record pair", field=field,
                expected="[reference (16 bytes), commitment (32 bytes)]", got=shown(entry),
            )  # fmt: skip
        reference = require_bytes(
            entry[0], f"{field}[0]", expected=f"a {ID_BYTES}-byte record reference",
            size=ID_BYTES, got=shown,
        )  # fmt: skip
        commitment = require_bytes(
            entry[1], f"{field}[1]", expected=f"a {DIGEST_BYTES}-byte commitment",
            size=DIGEST_BYTES, got=shown,
        )  # fmt: skip
        records.append((reference, commitment))
    references = [reference for reference, _ in records]
    require_distinct(
        references, "args.records", reason="a record is repeated", expected="distinct references",
        got=lambda r: r.hex(),
    )  # fmt: skip
    return tuple(sorted(records))


class RecordErasure(Action[ErasureArgs]):
    name = "record_erasure"
    permission: str | None = None  # a controller of the controller's DID
    fields = frozenset({"controller", "subject_ref", "records", "erased_at", "request"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> ErasureArgs:
        reject_unknown_fields(args, self.fields)
        subject_ref = require_bytes(
            required(args, "subject_ref"), "args.subject_ref",
            expected=f"the vault's {ID_BYTES}-byte subject reference", size=ID_BYTES, got=shown,
        )  # fmt: skip
        request = parse_id(args, "request") if "request" in args else None
        return ErasureArgs(
            parse_controller(args), subject_ref, _parse_records(args),
            parse_seconds(args, "erased_at"), request,
        )  # fmt: skip

    def execute(self, ctx: Context, parsed: ErasureArgs) -> Outcome:
        _acting_controller(ctx, parsed.controller)
        existing = load_erasure(ctx.state, parsed.controller, parsed.subject_ref)
        if existing is not None:
            raise TxRejected(
                ResultCode.ERASURE_EXISTS, "this subject's erasure is already recorded",
                field="args.subject_ref", expected="a subject not yet erased",
                got=f"{parsed.subject_ref.hex()}, recorded at height {existing.recorded[0]}",
            )  # fmt: skip
        if parsed.erased_at > ctx.block.time_seconds:
            raise TxRejected(
                ResultCode.TIME_IN_FUTURE, "the erasure cannot be after its block",
                field="args.erased_at", expected=f"at most {ctx.block.time_seconds}",
                got=parsed.erased_at,
            )  # fmt: skip
        erasure = Erasure(
            parsed.controller, parsed.subject_ref, parsed.records, parsed.erased_at,
            _stamp(ctx), parsed.request,
        )  # fmt: skip
        events: list[Event] = []
        if parsed.request is not None:
            request = open_request(ctx, parsed.request)
            if not parsed.records:
                raise TxRejected(
                    ResultCode.REQUEST_MISMATCH, "an erasure that erased no record fulfils no "
                    "deletion", field="args.records", expected="the erased records (at least "
                    "one); answer nothing_held if the controller holds none", got="none",
                )  # fmt: skip
            if parsed.erased_at < request.filed[1]:
                raise TxRejected(
                    ResultCode.REQUEST_MISMATCH, "the erasure is dated before the request it "
                    "fulfils", field="args.erased_at",
                    expected=f"at least {request.filed[1]}, the request's time",
                    got=parsed.erased_at,
                )  # fmt: skip
            if request.kind != "deletion" or request.controller != parsed.controller:
                raise TxRejected(
                    ResultCode.REQUEST_MISMATCH, "the request is not a deletion request to "
                    "this controller", field="args.request",
                    expected=f"a deletion request to {parsed.controller}",
                    got=f"a {request.kind} request to {request.controller}",
                )  # fmt: skip
            events.extend(_answered(ctx, request, "fulfilled", erasure_digest(erasure)).events)
        save_erasure(ctx.state, erasure)
        count = EventAttribute("records", str(len(parsed.records)), index=False)
        event = _event("erasure", parsed.controller, parsed.subject_ref, count)
        return Outcome(data=erasure_digest(erasure), events=(event, *events))


# --- breaches and impact assessments --------------------------------------------------


@dataclass(frozen=True, slots=True)
class BreachArgs:
    id: bytes
    controller: str
    detected: int
    categories: tuple[str, ...]
    subjects: int
    digest: bytes


class ReportBreach(Action[BreachArgs]):
    name = "report_breach"
    permission: str | None = None  # a controller of the controller's DID
    fields = frozenset({"id", "controller", "detected", "categories", "subjects", "digest"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> BreachArgs:
        reject_unknown_fields(args, self.fields)
        subjects = require_int(
            required(args, "subjects"), "args.subjects", reason="not a count",
            expected=f"how many data subjects, 0 to {MAX_BREACH_SUBJECTS}", minimum=0,
            maximum=MAX_BREACH_SUBJECTS, got=number_or(shown),
        )  # fmt: skip
        return BreachArgs(
            parse_id(args, "id"), parse_controller(args), parse_seconds(args, "detected"),
            parse_list(args, "categories", MAX_CATEGORIES, parse_term), subjects,
            parse_digest(args, "digest"),
        )  # fmt: skip

    def execute(self, ctx: Context, parsed: BreachArgs) -> Outcome:
        _acting_controller(ctx, parsed.controller)
        if load_breach(ctx.state, parsed.controller, parsed.id) is not None:
            raise TxRejected(
                ResultCode.BREACH_EXISTS, "a breach with this id is already reported",
                field="args.id", expected="a new random id", got=parsed.id.hex(),
            )  # fmt: skip
        if parsed.detected > ctx.block.time_seconds:
            raise TxRejected(
                ResultCode.TIME_IN_FUTURE, "a breach is reported after it is detected",
                field="args.detected", expected=f"at most {ctx.block.time_seconds}",
                got=parsed.detected,
            )  # fmt: skip
        breach = Breach(
            parsed.id, parsed.controller, parsed.detected, parsed.categories, parsed.subjects,
            parsed.digest, _stamp(ctx),
        )  # fmt: skip
        save_breach(ctx.state, breach)
        late = EventAttribute("late", "true" if breach.late else "false", index=False)
        event = _event("breach", parsed.controller, parsed.id, late)
        return Outcome(data=parsed.id, events=(event,))


@dataclass(frozen=True, slots=True)
class AssessmentArgs:
    id: bytes
    controller: str
    kind: str
    digest: bytes


class FileAssessment(Action[AssessmentArgs]):
    """File an impact-assessment dossier by its digest, or amend one not yet accepted."""

    name = "file_assessment"
    permission: str | None = None  # a controller of the controller's DID
    fields = frozenset({"id", "controller", "kind", "digest"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> AssessmentArgs:
        reject_unknown_fields(args, self.fields)
        kind = require_one_of(
            required(args, "kind"), "args.kind", ASSESSMENT_KINDS, reason="not a dossier kind",
            expected=" or ".join(ASSESSMENT_KINDS), got=shown,
        )  # fmt: skip
        return AssessmentArgs(
            parse_id(args, "id"), parse_controller(args), kind, parse_digest(args, "digest")
        )

    def execute(self, ctx: Context, parsed: AssessmentArgs) -> Outcome:
        _acting_controller(ctx, parsed.controller)
        existing = load_assessment(ctx.state, parsed.controller, parsed.id)
        stamp = _stamp(ctx)
        if existing is None:
            dossier = Assessment(
                parsed.id, parsed.controller, parsed.kind, parsed.digest, 1, "filed", stamp, stamp
            )
        else:
            if existing.status == "accepted":
                raise TxRejected(
                    ResultCode.ASSESSMENT_CLOSED, "an accepted dossier is not amended",
                    field="args.id", expected="a dossier filed, amended or returned",
                    got="accepted",
                )  # fmt: skip
            if existing.kind != parsed.kind:
                raise TxRejected(
                    ResultCode.INVALID_ARGUMENT, "a dossier keeps its kind", field="args.kind",
                    expected=existing.kind, got=parsed.kind,
                )  # fmt: skip
            dossier = replace(
                existing, digest=parsed.digest, version=existing.version + 1, status="amended",
                updated=stamp, reviewer=b"",
            )  # fmt: skip
        save_assessment(ctx.state, dossier)
        status = EventAttribute("status", dossier.status, index=False)
        event = _event("assessment", parsed.controller, parsed.id, status)
        return Outcome(data=str(dossier.version).encode(), events=(event,))


@dataclass(frozen=True, slots=True)
class ReviewArgs:
    id: bytes
    controller: str
    decision: str
    digest: bytes  # the dossier the auditor read


class ReviewAssessment(Action[ReviewArgs]):
    name = "review_assessment"
    permission: str | None = "auditor"
    fields = frozenset({"id", "controller", "decision", "digest"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> ReviewArgs:
        reject_unknown_fields(args, self.fields)
        decision = require_one_of(
            required(args, "decision"), "args.decision", REVIEW_DECISIONS,
            reason="not a review decision", expected=" or ".join(REVIEW_DECISIONS), got=shown,
        )  # fmt: skip
        return ReviewArgs(
            parse_id(args, "id"), parse_controller(args), decision, parse_digest(args, "digest")
        )

    def execute(self, ctx: Context, parsed: ReviewArgs) -> Outcome:
        dossier = load_assessment(ctx.state, parsed.controller, parsed.id)
        if dossier is None:
            raise TxRejected(
                ResultCode.UNKNOWN_ASSESSMENT, "no such dossier", field="args.id",
                expected=f"a dossier {parsed.controller} filed with privacy.file_assessment",
                got=parsed.id.hex(),
            )  # fmt: skip
        if dossier.status not in ("filed", "amended"):
            raise TxRejected(
                ResultCode.ASSESSMENT_CLOSED, "the dossier is not awaiting review",
                field="args.id", expected="a dossier filed or amended", got=dossier.status,
            )  # fmt: skip
        if dossier.digest != parsed.digest:
            raise TxRejected(
                ResultCode.ASSESSMENT_CHANGED, "the dossier was amended since the version "
                "reviewed", field="args.digest",
                expected=f"{dossier.digest.hex()} (version {dossier.version})",
                got=parsed.digest.hex(),
            )  # fmt: skip
        reviewed = replace(
            dossier, status=parsed.decision, updated=_stamp(ctx), reviewer=ctx.sender
        )
        save_assessment(ctx.state, reviewed)
        status = EventAttribute("status", parsed.decision, index=False)
        event = _event("review", parsed.controller, parsed.id, status)
        return Outcome(data=str(reviewed.version).encode(), events=(event,))


# --- where the data lives -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VaultArgs:
    controller: str
    name: str
    jurisdiction: str
    endpoint: str


class DeclareVault(Action[VaultArgs]):
    """Declare (or declare again) where one of the controller's vaults keeps personal data:
    its jurisdiction, an ISO 3166 code, and the vault service's address if public."""

    name = "declare_vault"
    permission: str | None = None  # a controller of the controller's DID
    fields = frozenset({"controller", "name", "jurisdiction", "endpoint"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> VaultArgs:
        reject_unknown_fields(args, self.fields)
        name = require_text(
            required(args, "name"), "args.name", pattern=VAULT_NAME_PATTERN,
            reason="not a vault name", expected="1-32 of a-z, 0-9 and '-' (e.g. main)",
            got=shown,
        )  # fmt: skip
        jurisdiction = require_jurisdiction(required(args, "jurisdiction"), "args.jurisdiction")
        endpoint = require_text(
            args.get("endpoint", ""), "args.endpoint", pattern=ENDPOINT_PATTERN,
            reason="not an address", expected="http(s)://... up to 200 characters, or nothing",
            got=shown,
        ) if args.get("endpoint", "") != "" else ""  # fmt: skip
        return VaultArgs(parse_controller(args), name, jurisdiction, endpoint)

    def execute(self, ctx: Context, parsed: VaultArgs) -> Outcome:
        _acting_controller(ctx, parsed.controller)
        before = load_vault(ctx.state, parsed.controller, parsed.name)
        declared = VaultDeclaration(
            parsed.controller, parsed.name, parsed.jurisdiction, parsed.endpoint,
            1 if before is None else before.version + 1, _stamp(ctx),
        )  # fmt: skip
        save_vault(ctx.state, declared)
        event = Event(
            "privacy.vault",
            (
                EventAttribute("controller", parsed.controller),
                EventAttribute("name", parsed.name),
                EventAttribute("jurisdiction", parsed.jurisdiction, index=False),
            ),
        )
        return Outcome(data=str(declared.version).encode(), events=(event,))


MODULE = Module(
    "privacy",
    {
        action.name: action
        for action in (
            RecordConsent(),
            WithdrawConsent(),
            FileRequest(),
            AcknowledgeRequest(),
            AnswerRequest(),
            RecordErasure(),
            ReportBreach(),
            FileAssessment(),
            ReviewAssessment(),
            DeclareVault(),
        )
    },
    depends_on=("identity", "trust"),
)
