"""Privacy state: consent records, data-subject requests, erasure tombstones, breaches and
impact-assessment dossiers (docs/spec/privacy.md §4).

State layout::

    privacy/consent/<id:16>                      Consent
    privacy/consents/<subject>/<n:4>             id      the subject's consents, oldest first
    privacy/relation/<controller>/<subject>      n       consents between the two
    privacy/request/<id:16>                      Request
    privacy/requests/<controller>/<n:4>          id      the controller's requests, oldest first
    privacy/open/<controller>/<subject>          n       requests the subject filed, still open
    privacy/erasure/<controller>/<subject ref>   Erasure the tombstone of a crypto-shredding
    privacy/breach/<controller>/<id:16>          Breach
    privacy/assessment/<controller>/<id:16>      Assessment

``<subject>`` is a data subject's pairwise ``did:key`` (a key the subject's wallet makes
for one controller: it names no one), ``<controller>`` a ``did:sen`` DID. A count sits
at the bare prefix of each ``.../<n:4>`` list. Nothing here is a person's data: ids are
random, digests are of salted documents kept off chain, terms are vocabulary words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.state import Overlay, StateReader

CLOCK_SECONDS = 72 * 3600
"""The legal clock of a data-subject request or a breach notification (Decree 13/2023, art.
23 and 26; Law 91/2025): 72 hours."""

CONSENT_DOMAIN = b"sen/privacy/consent/v1\x00"

CONSENT_PREFIX = b"privacy/consent/"
SUBJECT_INDEX = b"privacy/consents/"
RELATION_PREFIX = b"privacy/relation/"
REQUEST_PREFIX = b"privacy/request/"
REQUEST_INDEX = b"privacy/requests/"
OPEN_PREFIX = b"privacy/open/"
ERASURE_PREFIX = b"privacy/erasure/"
BREACH_PREFIX = b"privacy/breach/"
ASSESSMENT_PREFIX = b"privacy/assessment/"
VAULT_PREFIX = b"privacy/vault/"

Stamp = tuple[int, int]
"""(height, block time in seconds) of a state change."""


def _stamp(value: object) -> Stamp | None:
    if value is None:
        return None
    assert isinstance(value, list)
    height, seconds = value
    return int(height), int(seconds)


def _listed(stamp: Stamp | None) -> list[int] | None:
    return None if stamp is None else [stamp[0], stamp[1]]


@dataclass(frozen=True, slots=True)
class ConsentTerms:
    """What the data subject signs (ISO/IEC TS 27560 fields, DPV terms)."""

    id: bytes
    subject: str
    controller: str
    recipients: tuple[str, ...]
    purposes: tuple[str, ...]
    categories: tuple[str, ...]
    legal_basis: str
    decision: str  # "given" | "refused"
    expires: int  # seconds, block time

    def to_value(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "controller": self.controller,
            "recipients": list(self.recipients),
            "purposes": list(self.purposes),
            "categories": list(self.categories),
            "legal_basis": self.legal_basis,
            "decision": self.decision,
            "expires": self.expires,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> ConsentTerms:
        return cls(
            id=bytes(value["id"]),
            subject=str(value["subject"]),
            controller=str(value["controller"]),
            recipients=tuple(str(v) for v in value["recipients"]),
            purposes=tuple(str(v) for v in value["purposes"]),
            categories=tuple(str(v) for v in value["categories"]),
            legal_basis=str(value["legal_basis"]),
            decision=str(value["decision"]),
            expires=int(value["expires"]),
        )


CONSENT_ID_DOMAIN = b"sen/privacy/consent-id/v1\x00"
CONSENT_ID_BOUND_BYTES = 8


def consent_id_prefix(subject: str, controller: str) -> bytes:
    """The first 8 bytes every consent id of this subject and controller starts with (the
    other 8 are random): another controller, or another subject, cannot take an id seen in
    the mempool before the consent it names is recorded."""
    message = CONSENT_ID_DOMAIN + subject.encode() + b"\x00" + controller.encode()
    return hashlib.sha256(message).digest()[:CONSENT_ID_BOUND_BYTES]


REQUEST_ID_DOMAIN = b"sen/privacy/request-id/v1\x00"


def request_id_prefix(subject: str, controller: str) -> bytes:
    """The first 8 bytes every request id of this subject and controller starts with (the
    other 8 random), so that no other controller can file first under an id it saw."""
    message = REQUEST_ID_DOMAIN + subject.encode() + b"\x00" + controller.encode()
    return hashlib.sha256(message).digest()[:CONSENT_ID_BOUND_BYTES]


def consent_message(chain_id: str, terms: ConsentTerms) -> bytes:
    """The bytes a data subject signs to give or refuse consent: a domain, the chain's id
    (a signature is good on one chain only) and the terms in the canonical encoding."""
    return CONSENT_DOMAIN + chain_id.encode() + b"\x00" + encoding.encode(terms.to_value())


@dataclass(frozen=True, slots=True)
class Consent:
    terms: ConsentTerms
    recorded: Stamp
    withdrawn: Stamp | None = None
    withdrawn_by: str = ""  # "subject" | "controller" once withdrawn

    @property
    def state(self) -> str:
        """``given``, ``refused`` or ``withdrawn``."""
        return "withdrawn" if self.withdrawn is not None else self.terms.decision

    def to_value(self) -> dict[str, Any]:
        return {
            "terms": self.terms.to_value(),
            "recorded": _listed(self.recorded),
            "withdrawn": _listed(self.withdrawn),
            "withdrawn_by": self.withdrawn_by,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Consent:
        recorded = _stamp(value["recorded"])
        assert recorded is not None
        return cls(
            terms=ConsentTerms.from_value(value["terms"]),
            recorded=recorded,
            withdrawn=_stamp(value["withdrawn"]),
            withdrawn_by=str(value["withdrawn_by"]),
        )


@dataclass(frozen=True, slots=True)
class Request:
    id: bytes
    subject: str
    controller: str
    kind: str  # access | correction | deletion | objection | withdrawal | portability
    consent: bytes | None
    filed: Stamp
    due: int  # seconds: filed time + 72 hours
    acknowledged: Stamp | None = None
    answered: Stamp | None = None
    outcome: str = ""  # "fulfilled" | "refused" | "nothing_held" once answered
    answer: bytes = b""  # SHA-256 of the controller's (salted) answer document
    filed_by: str = "subject"  # "subject" (counts against its open requests) | "controller"

    @property
    def open(self) -> bool:
        return self.answered is None

    def overdue_at(self, seconds: int) -> bool:
        """Past its 72-hour clock at ``seconds`` and still not answered."""
        return self.answered is None and seconds > self.due

    @property
    def late(self) -> bool:
        """Answered after its clock ran out."""
        return self.answered is not None and self.answered[1] > self.due

    def to_value(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "controller": self.controller,
            "kind": self.kind,
            "consent": self.consent,
            "filed": _listed(self.filed),
            "due": self.due,
            "acknowledged": _listed(self.acknowledged),
            "answered": _listed(self.answered),
            "outcome": self.outcome,
            "answer": self.answer,
            "filed_by": self.filed_by,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Request:
        filed = _stamp(value["filed"])
        assert filed is not None
        consent = value["consent"]
        return cls(
            id=bytes(value["id"]),
            subject=str(value["subject"]),
            controller=str(value["controller"]),
            kind=str(value["kind"]),
            consent=None if consent is None else bytes(consent),
            filed=filed,
            due=int(value["due"]),
            acknowledged=_stamp(value["acknowledged"]),
            answered=_stamp(value["answered"]),
            outcome=str(value["outcome"]),
            answer=bytes(value["answer"]),
            filed_by=str(value["filed_by"]),
        )


@dataclass(frozen=True, slots=True)
class Erasure:
    """A tombstone: the vault's erasure statement as the chain keeps it."""

    controller: str
    subject_ref: bytes  # the vault's keyed name of the subject (16 bytes)
    records: tuple[tuple[bytes, bytes], ...]  # (reference, commitment), reference order
    erased_at: int  # seconds, the vault's erasure time (at most the block's)
    recorded: Stamp
    request: bytes | None = None

    def to_value(self) -> dict[str, Any]:
        return {
            "controller": self.controller,
            "subject_ref": self.subject_ref,
            "records": [[reference, commitment] for reference, commitment in self.records],
            "erased_at": self.erased_at,
            "recorded": _listed(self.recorded),
            "request": self.request,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Erasure:
        recorded = _stamp(value["recorded"])
        assert recorded is not None
        request = value["request"]
        return cls(
            controller=str(value["controller"]),
            subject_ref=bytes(value["subject_ref"]),
            records=tuple((bytes(r), bytes(c)) for r, c in value["records"]),
            erased_at=int(value["erased_at"]),
            recorded=recorded,
            request=None if request is None else bytes(request),
        )


@dataclass(frozen=True, slots=True)
class Breach:
    id: bytes
    controller: str
    detected: int  # seconds, when the controller learned of it
    categories: tuple[str, ...]
    subjects: int  # how many data subjects, as far as known
    digest: bytes  # SHA-256 of the (salted) notification dossier, kept off chain
    reported: Stamp

    @property
    def due(self) -> int:
        return self.detected + CLOCK_SECONDS

    @property
    def late(self) -> bool:
        return self.reported[1] > self.due

    def to_value(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "controller": self.controller,
            "detected": self.detected,
            "categories": list(self.categories),
            "subjects": self.subjects,
            "digest": self.digest,
            "reported": _listed(self.reported),
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Breach:
        reported = _stamp(value["reported"])
        assert reported is not None
        return cls(
            id=bytes(value["id"]),
            controller=str(value["controller"]),
            detected=int(value["detected"]),
            categories=tuple(str(v) for v in value["categories"]),
            subjects=int(value["subjects"]),
            digest=bytes(value["digest"]),
            reported=reported,
        )


@dataclass(frozen=True, slots=True)
class Assessment:
    """An impact-assessment dossier (processing, or cross-border transfer), by its digest."""

    id: bytes
    controller: str
    kind: str  # "processing" | "cross_border"
    digest: bytes
    version: int
    status: str  # "filed" | "amended" | "accepted" | "returned" | "withdrawn"
    filed: Stamp
    updated: Stamp
    reviewer: bytes = b""  # the auditor's address, once reviewed

    def to_value(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "controller": self.controller,
            "kind": self.kind,
            "digest": self.digest,
            "version": self.version,
            "status": self.status,
            "filed": _listed(self.filed),
            "updated": _listed(self.updated),
            "reviewer": self.reviewer,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Assessment:
        filed, updated = _stamp(value["filed"]), _stamp(value["updated"])
        assert filed is not None and updated is not None
        return cls(
            id=bytes(value["id"]),
            controller=str(value["controller"]),
            kind=str(value["kind"]),
            digest=bytes(value["digest"]),
            version=int(value["version"]),
            status=str(value["status"]),
            filed=filed,
            updated=updated,
            reviewer=bytes(value["reviewer"]),
        )


@dataclass(frozen=True, slots=True)
class VaultDeclaration:
    """Where a controller's vault keeps personal data: its jurisdiction as an ISO 3166 code
    (``VN``, or a subdivision such as ``VN-HN``) and, if given, the vault service's address."""

    controller: str
    name: str  # the vault's name among the controller's: 1-32 of a-z, 0-9, '-'
    jurisdiction: str
    endpoint: str  # "" when not given
    version: int  # 1, then one more at each new declaration
    declared: Stamp  # the latest declaration

    def to_value(self) -> dict[str, Any]:
        return {
            "controller": self.controller,
            "name": self.name,
            "jurisdiction": self.jurisdiction,
            "endpoint": self.endpoint,
            "version": self.version,
            "declared": _listed(self.declared),
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> VaultDeclaration:
        declared = _stamp(value["declared"])
        assert declared is not None
        return cls(
            controller=str(value["controller"]),
            name=str(value["name"]),
            jurisdiction=str(value["jurisdiction"]),
            endpoint=str(value["endpoint"]),
            version=int(value["version"]),
            declared=declared,
        )


def _pair(first: str, second: bytes | str) -> bytes:
    tail = second if isinstance(second, bytes) else second.encode()
    return first.encode() + b"/" + tail


def consent_key(consent_id: bytes) -> bytes:
    return CONSENT_PREFIX + consent_id


def request_key(request_id: bytes) -> bytes:
    return REQUEST_PREFIX + request_id


def erasure_key(controller: str, subject_ref: bytes) -> bytes:
    """The state key of a tombstone: the key an erasure receipt proves."""
    return ERASURE_PREFIX + _pair(controller, subject_ref)


def breach_key(controller: str, breach_id: bytes) -> bytes:
    return BREACH_PREFIX + _pair(controller, breach_id)


def assessment_key(controller: str, assessment_id: bytes) -> bytes:
    return ASSESSMENT_PREFIX + _pair(controller, assessment_id)


def vault_key(controller: str, name: str) -> bytes:
    return VAULT_PREFIX + _pair(controller, name)


def _load(state: StateReader, key: bytes) -> dict[str, Any] | None:
    stored = state.get(key)
    if stored is None:
        return None
    value = encoding.decode(stored)
    assert isinstance(value, dict)
    return value


def load_consent(state: StateReader, consent_id: bytes) -> Consent | None:
    value = _load(state, consent_key(consent_id))
    return None if value is None else Consent.from_value(value)


def save_consent(state: Overlay, consent: Consent) -> None:
    state.set(consent_key(consent.terms.id), encoding.encode(consent.to_value()))


def load_request(state: StateReader, request_id: bytes) -> Request | None:
    value = _load(state, request_key(request_id))
    return None if value is None else Request.from_value(value)


def save_request(state: Overlay, request: Request) -> None:
    state.set(request_key(request.id), encoding.encode(request.to_value()))


def load_erasure(state: StateReader, controller: str, subject_ref: bytes) -> Erasure | None:
    value = _load(state, erasure_key(controller, subject_ref))
    return None if value is None else Erasure.from_value(value)


def save_erasure(state: Overlay, erasure: Erasure) -> None:
    key = erasure_key(erasure.controller, erasure.subject_ref)
    state.set(key, encoding.encode(erasure.to_value()))


def load_breach(state: StateReader, controller: str, breach_id: bytes) -> Breach | None:
    value = _load(state, breach_key(controller, breach_id))
    return None if value is None else Breach.from_value(value)


def save_breach(state: Overlay, breach: Breach) -> None:
    state.set(breach_key(breach.controller, breach.id), encoding.encode(breach.to_value()))


def load_assessment(state: StateReader, controller: str, assessment_id: bytes) -> Assessment | None:
    value = _load(state, assessment_key(controller, assessment_id))
    return None if value is None else Assessment.from_value(value)


def save_assessment(state: Overlay, assessment: Assessment) -> None:
    key = assessment_key(assessment.controller, assessment.id)
    state.set(key, encoding.encode(assessment.to_value()))


def load_vault(state: StateReader, controller: str, name: str) -> VaultDeclaration | None:
    value = _load(state, vault_key(controller, name))
    return None if value is None else VaultDeclaration.from_value(value)


def save_vault(state: Overlay, vault: VaultDeclaration) -> None:
    state.set(vault_key(vault.controller, vault.name), encoding.encode(vault.to_value()))


def _count(state: StateReader, key: bytes) -> int:
    stored = state.get(key)
    return 0 if stored is None else int(encoding.decode(stored))


def _append(state: Overlay, prefix: bytes, item: bytes) -> None:
    number = _count(state, prefix) + 1
    state.set(prefix, encoding.encode(number))
    state.set(prefix + b"/" + number.to_bytes(4, "big"), encoding.encode(item))


def _listing(state: StateReader, prefix: bytes) -> list[bytes]:
    items = []
    for number in range(1, _count(state, prefix) + 1):
        stored = state.get(prefix + b"/" + number.to_bytes(4, "big"))
        if stored is not None:
            items.append(bytes(encoding.decode(stored)))
    return items


def add_consent(state: Overlay, consent: Consent) -> None:
    """Save a new consent and list it under its subject and its controller-subject pair."""
    save_consent(state, consent)
    _append(state, SUBJECT_INDEX + consent.terms.subject.encode(), consent.terms.id)
    relation = RELATION_PREFIX + _pair(consent.terms.controller, consent.terms.subject)
    state.set(relation, encoding.encode(_count(state, relation) + 1))


def relation_count(state: StateReader, controller: str, subject: str) -> int:
    """How many consent records (given or refused) the subject has with the controller."""
    return _count(state, RELATION_PREFIX + _pair(controller, subject))


def subject_consents(state: StateReader, subject: str) -> list[Consent]:
    """The subject's consent records, oldest first ("my consents")."""
    found = (load_consent(state, i) for i in _listing(state, SUBJECT_INDEX + subject.encode()))
    return [consent for consent in found if consent is not None]


def open_request_count(state: StateReader, controller: str, subject: str) -> int:
    return _count(state, OPEN_PREFIX + _pair(controller, subject))


def add_request(state: Overlay, request: Request) -> None:
    """Save a new request, list it under its controller, and count it among the subject's
    open ones if the subject filed it (the controller's filings take no room of the
    subject's: a controller cannot fill them up)."""
    save_request(state, request)
    _append(state, REQUEST_INDEX + request.controller.encode(), request.id)
    if request.filed_by != "subject":
        return
    opened = OPEN_PREFIX + _pair(request.controller, request.subject)
    state.set(opened, encoding.encode(_count(state, opened) + 1))


def close_request(state: Overlay, request: Request) -> None:
    """Save an answered request and take it off its subject's open count."""
    save_request(state, request)
    if request.filed_by != "subject":
        return
    opened = OPEN_PREFIX + _pair(request.controller, request.subject)
    remaining = _count(state, opened) - 1
    if remaining > 0:
        state.set(opened, encoding.encode(remaining))
    else:
        state.delete(opened)


def controller_requests(state: StateReader, controller: str) -> list[Request]:
    """The controller's requests, oldest first (its queue, with each one's clock)."""
    found = (load_request(state, i) for i in _listing(state, REQUEST_INDEX + controller.encode()))
    return [request for request in found if request is not None]
