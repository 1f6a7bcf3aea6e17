"""Errors of the EPCIS repository service, a branch of :mod:`sen.services.errors`::

    TraceabilityError(message, field, expected, got)
    ├── ArtifactIntegrityError     a bundled GS1 file is missing, unreadable or differs from
    │                              gs1/MANIFEST.json (the installation is damaged)
    ├── EpcisInvalid               a document or event that GS1's schema or Sen's rules refuse;
    │   │                          also a ValueError; ``problems`` names each field at fault
    │   ├── DocumentTooLarge       a document with more events (or bytes) than the repository
    │   │                          accepts
    │   ├── NotEntitled            events that speak for GS1 keys the capturer does not hold,
    │   │                          or under another capturer's eventID
    │   ├── AlreadyCaptured        events captured already (a document sent again)
    │   └── QueryInvalid           a query's parameter the repository does not take
    ├── CertificateRefused         a credential the certificate book does not take; ``problems``
    │   │                          names each field at fault
    │   ├── CertificateInvalid     not a verifiable credential about one GS1 key (GTIN, lot,
    │   │                          party or location GLN) or did:sen DID
    │   └── CertificateNotVerified it does not verify now: its proof, its issuer's accreditation
    │                              for its types, its status, its validity period
    ├── UnknownEvent               no event (or capture job) with that id is stored here
    ├── ReceiptNotReady            the event's capture job is not recorded on chain yet
    │   └── EventNotRecorded       the stored event is not what its capture job recorded
    │                              (the store changed under the repository): no receipt, ever
    ├── ChainUnavailable           the node cannot be reached, or its answer does not verify
    └── EventStoreError            the event store cannot be opened: its server cannot be
                                   reached, or it holds a schema this Sen does not read

A :class:`Problem` is one field at fault: its JSON pointer (RFC 6901, ``""`` for the whole
document), what was expected and what was got, each a short phrase. The REST API turns an
``EpcisInvalid`` into problem+json once, with the problems as a list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sen.services.errors import ServiceError

__all__ = [
    "AlreadyCaptured",
    "ArtifactIntegrityError",
    "CertificateInvalid",
    "CertificateNotVerified",
    "CertificateRefused",
    "ChainUnavailable",
    "DocumentTooLarge",
    "EpcisInvalid",
    "EventNotRecorded",
    "EventStoreError",
    "NotEntitled",
    "Problem",
    "QueryInvalid",
    "ReceiptNotReady",
    "TraceabilityError",
    "UnknownEvent",
]

SHOWN_IN_MESSAGE = 3
"""How many problems an exception's message spells out (``problems`` has them all)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One field at fault: ``/epcisBody/eventList/3/bizStep: expected …, got …``."""

    pointer: str
    expected: str
    got: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: expected {self.expected}, got {self.got}"


class TraceabilityError(ServiceError):
    """Root of every error raised by :mod:`sen.services.traceability`."""


class ArtifactIntegrityError(TraceabilityError):
    """A bundled GS1 artefact cannot be trusted; nothing is validated against it."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"GS1 artefact {file}: {reason}", file)


class EpcisInvalid(TraceabilityError, ValueError):
    """An EPCIS document or event that is refused, with the problems found (at least one).

    ``complete`` is False when the validator stopped looking (too many problems): there may
    be more than ``problems`` lists.
    """

    summary = "not a valid EPCIS 2.0 document"
    """How the message begins (a subclass says what kind of refusal it is)."""

    def __init__(self, problems: Sequence[Problem], *, complete: bool = True) -> None:
        if not problems:
            raise ValueError("EpcisInvalid needs at least one problem")
        self.problems = tuple(problems)
        self.complete = complete
        first = self.problems[0]
        shown = "; ".join(str(problem) for problem in self.problems[:SHOWN_IN_MESSAGE])
        hidden = len(self.problems) - SHOWN_IN_MESSAGE
        more = f" (and {hidden} more)" if hidden > 0 else ""
        if not complete:
            more += " (validation stopped there; there may be more)"
        super().__init__(
            f"{self.summary}: {shown}{more}",
            first.pointer,
            expected=first.expected,
            got=first.got,
        )


class DocumentTooLarge(EpcisInvalid):
    """More events in one document than the repository accepts (checked before the schema),
    or more bytes (``unit="bytes"``; ``more``: reading stopped once past the limit)."""

    def __init__(
        self, pointer: str, events: int, limit: int, *, unit: str = "events", more: bool = False
    ) -> None:
        self.events = events
        self.limit = limit
        got = f"more than {limit} {unit}" if more else f"{events} {unit}"
        super().__init__([Problem(pointer, f"at most {limit} {unit}", got)])


class NotEntitled(EpcisInvalid):
    """Events that claim places or identities under GS1 Company Prefixes the capturing DID
    is not granted on chain (``docs/spec/traceability.md`` §3): nothing is stored."""

    summary = (
        "a valid document, but it says what this token's DID may not: events for GS1 keys it "
        "does not hold (each place or new identity must be under one of its prefixes), or "
        "under another capturer's eventID"
    )


class QueryInvalid(EpcisInvalid):
    """A query (``GET /epcis/events``) the repository does not take: each parameter at fault
    is named ``?<parameter>``."""

    summary = "not a valid EPCIS query"


class AlreadyCaptured(EpcisInvalid):
    """Events this repository holds already (a retried document): nothing is stored twice."""

    summary = (
        "events already captured (a document sent again?); nothing was stored twice (an "
        "error declaration may reuse the eventID of the event it corrects)"
    )


class CertificateRefused(TraceabilityError):
    """A credential the certificate book (:mod:`.certificates`) does not take, with each
    field at fault (at least one problem); nothing is kept."""

    summary = "certificate refused"

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("CertificateRefused needs at least one problem")
        self.problems = tuple(problems)
        first = self.problems[0]
        shown = "; ".join(str(problem) for problem in self.problems[:SHOWN_IN_MESSAGE])
        hidden = len(self.problems) - SHOWN_IN_MESSAGE
        more = f" (and {hidden} more)" if hidden > 0 else ""
        super().__init__(
            f"{self.summary}: {shown}{more}", first.pointer, expected=first.expected, got=first.got
        )


class CertificateInvalid(CertificateRefused):
    """Not a verifiable credential (a JSON object) with a type saying what it certifies and
    one subject whose ``id`` is a GS1 Digital Link URI of a GTIN, a GTIN and lot, a party GLN
    or a location GLN, or a did:sen DID."""

    summary = "not a certificate of a GS1 key or a did:sen DID"


class CertificateNotVerified(CertificateRefused):
    """A credential that does not verify now: its proof, its issuer's accreditation in the
    trust registry for its types, its status on chain, or its validity period."""

    summary = "the certificate does not verify"


class UnknownEvent(TraceabilityError):
    """No event, or capture job, with the id asked for is stored in this repository."""


class ReceiptNotReady(TraceabilityError):
    """The event's capture job is still being recorded, or its block is not yet signed."""


class EventNotRecorded(ReceiptNotReady):
    """The stored event is not what its capture job recorded: its leaf is not the job's, or
    the job was refused. Unlike its parent this does not pass; no receipt will be given."""


class ChainUnavailable(TraceabilityError):
    """The node could not be asked, or its answer did not verify: nothing was decided."""


class EventStoreError(TraceabilityError):
    """The event store cannot be opened (its server, its schema version, its encoding)."""
