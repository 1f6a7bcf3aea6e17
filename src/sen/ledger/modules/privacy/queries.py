"""Whether a consent allows a processing: the check the vault makes at every read.

Read-only, over any state (a node's committed state, or a state proven to a light
client), at a time the caller gives (the last block's). It never writes.
"""

from __future__ import annotations

from sen.ledger import encoding
from sen.ledger.errors import LedgerError
from sen.ledger.modules.privacy.records import (
    REQUEST_PREFIX,
    Consent,
    Request,
    load_consent,
)
from sen.ledger.state import StateReader, prefix_end

MAX_SWEPT_REQUESTS = 100_000
"""Requests :func:`request_clocks` reads at most (a scrape must stay cheap)."""

PROBLEMS = (
    "unknown",
    "refused",
    "withdrawn",
    "expired",
    "subject",
    "controller",
    "recipient",
    "purpose",
    "category",
)
"""Why a consent does not allow a processing, as a machine-readable word."""


class ConsentRefused(LedgerError):
    """The consent does not allow this processing: ``problem`` (one of :data:`PROBLEMS`),
    with the field, what was expected and what was found."""

    def __init__(self, problem: str, reason: str, *, field: str, expected: str, got: str) -> None:
        super().__init__(f"{reason} ({field}: expected {expected}, got {got})")
        self.problem, self.reason = problem, reason
        self.field, self.expected, self.got = field, expected, got


def consent_allows(
    state: StateReader,
    consent_id: bytes,
    *,
    subject: str,
    controller: str,
    recipient: str,
    purpose: str,
    category: str,
    at: int,
) -> Consent:
    """The consent ``consent_id`` if it lets ``recipient`` process ``subject``'s data of
    ``category`` for ``purpose`` at time ``at`` (seconds); :class:`ConsentRefused` if not.

    The controller itself is always a recipient of what it was given; anyone else must be
    listed. A consent is live from its block until, excluded, its ``expires`` time.
    """
    consent = load_consent(state, consent_id)
    if consent is None:
        raise ConsentRefused(
            "unknown", "no such consent on the chain", field="consent",
            expected="a consent recorded with privacy.record_consent", got=consent_id.hex(),
        )  # fmt: skip
    terms = consent.terms
    if consent.state != "given":
        when = "" if consent.withdrawn is None else f" at height {consent.withdrawn[0]}"
        raise ConsentRefused(
            consent.state, f"the consent was {consent.state}{when}", field="consent",
            expected="a given consent", got=consent.state,
        )  # fmt: skip
    if at >= terms.expires:
        raise ConsentRefused(
            "expired", "the consent has expired", field="consent",
            expected=f"a time before {terms.expires}", got=str(at),
        )  # fmt: skip
    for problem, wanted, allowed in (
        ("subject", subject, (terms.subject,)),
        ("controller", controller, (terms.controller,)),
        ("recipient", recipient, (terms.controller, *terms.recipients)),
        ("purpose", purpose, terms.purposes),
        ("category", category, terms.categories),
    ):
        if wanted not in allowed:
            raise ConsentRefused(
                problem, f"the consent does not cover this {problem}", field=problem,
                expected="one of " + ", ".join(allowed), got=wanted,
            )  # fmt: skip
    return consent


def request_clocks(state: StateReader, at: int | None) -> dict[str, tuple[int, int]]:
    """Per controller, its requests still open and, of them, those past their 72 hours at
    ``at`` (None: no block yet, none overdue); the metrics' view of the queues. Reads at
    most :data:`MAX_SWEPT_REQUESTS` requests, in key order."""
    counts: dict[str, tuple[int, int]] = {}
    for _key, value in state.scan(REQUEST_PREFIX, prefix_end(REQUEST_PREFIX), MAX_SWEPT_REQUESTS):
        found = encoding.decode(value)
        assert isinstance(found, dict)
        request = Request.from_value(found)
        if not request.open:
            continue
        opened, overdue = counts.get(request.controller, (0, 0))
        late = at is not None and request.overdue_at(at)
        counts[request.controller] = (opened + 1, overdue + int(late))
    return counts
