"""Was an issuer accredited for a credential type at a time? The path from it up to a root.

:func:`accreditation_at` is pure over a state reader: the ledger calls it to
decide whether an accreditor may accredit (at the block time), and credential
verifiers call it to check "the issuer's accreditation for that credential
type at issuance time" (docs/spec/trust-and-status.md §5)::

    check = accreditation_at(store, "did:sen:hust", "UniversityDegreeCredential", issued_at)
    if not check.ok:
        refuse(check.error, check.reason)
    check.root, [a.accreditor for a in check.path]

A path is valid at time *t* when every DID on it existed and was active at
*t*, the last accreditor is a root in force at *t*, and each accreditation
covers the type, was granted at or before *t*, had not expired
(``t < until``) and had not been revoked by *t*; every accreditation above
the issuer's own must allow delegation (``may_accredit``). The search is
depth first, in id order, so the answer is the same on every node; it is
bounded (:data:`MAX_PATH_LENGTH` hops, :data:`MAX_READS` accreditations read).
"""

from __future__ import annotations

from dataclasses import dataclass

from sen.ledger.modules.trust.parsing import did_problem_at, is_sen_did
from sen.ledger.modules.trust.records import (
    Accreditation,
    accreditation_count,
    load_accreditation,
    roots_at,
)
from sen.ledger.state import StateReader

MAX_PATH_LENGTH = 8
MAX_READS = 512

# How close a failed candidate came to succeeding: the closest one explains the refusal.
_RANK = {
    "not_delegated": 1,
    "not_yet_valid": 2,
    "expired": 2,
    "revoked": 2,
}
_DEEPER = 3  # a failure above a valid accreditation (the accreditor's own standing)


@dataclass(frozen=True, slots=True)
class AccreditationPath:
    """The answer of :func:`accreditation_at`.

    ``ok``: the issuer was accredited. ``path``: the accreditations from the
    issuer's own up to the one a root granted (empty when the issuer is itself
    a root). ``root``: the root at the top. Otherwise ``error`` is a keyword —
    ``invalid_did``, ``unknown_did``, ``did_deactivated``, ``not_accredited``,
    ``type_not_covered``, ``not_delegated``, ``not_yet_valid``, ``expired``,
    ``revoked``, ``cycle``, ``too_long`` or ``search_limit`` — and ``reason`` says
    which DID and accreditation failed and why, in English.
    """

    ok: bool
    path: tuple[Accreditation, ...] = ()
    root: str | None = None
    error: str = ""
    reason: str = ""


@dataclass(slots=True)
class _Search:
    state: StateReader
    credential_type: str
    at: int
    roots: frozenset[str]
    reads: int = 0

    def find(self, did: str, delegation: bool, above: tuple[str, ...]) -> AccreditationPath:
        problem = did_problem_at(self.state, did, self.at)
        if problem is not None:
            return AccreditationPath(False, error=problem[0], reason=problem[1])
        if did in self.roots:
            return AccreditationPath(True, root=did)
        if len(above) >= MAX_PATH_LENGTH:
            return _fail("too_long", f"more than {MAX_PATH_LENGTH} accreditations above {did}")
        best: tuple[int, AccreditationPath] | None = None
        count = accreditation_count(self.state, did)
        for number in range(1, count + 1):
            self.reads += 1
            if self.reads > MAX_READS:
                return _fail("search_limit", f"more than {MAX_READS} accreditations to examine")
            accreditation = load_accreditation(self.state, did, number)
            if accreditation is None:  # cannot happen in a consistent state
                continue
            rank, outcome = self._follow(accreditation, delegation, above)
            if outcome.ok:
                return outcome
            if best is None or rank >= best[0]:
                best = (rank, outcome)
        if best is None:
            return _fail("not_accredited", f"{did} holds no accreditation")
        return best[1]

    def _follow(
        self, accreditation: Accreditation, delegation: bool, above: tuple[str, ...]
    ) -> tuple[int, AccreditationPath]:
        label = f"{accreditation.issuer} accreditation {accreditation.id}"
        if not accreditation.covers(self.credential_type):
            return 0, _fail(
                "type_not_covered",
                f"{label} (by {accreditation.accreditor}) does not cover {self.credential_type} "
                f"(covers {', '.join(accreditation.types)})",
            )
        if delegation and not accreditation.may_accredit:
            return _RANK["not_delegated"], _fail(
                "not_delegated",
                f"{label} (by {accreditation.accreditor}) does not allow accrediting others",
            )
        state = accreditation.state_at(self.at)
        if state != "valid":
            return _RANK[state], _fail(state, f"{label} {_describe(accreditation, state)}")
        accreditor = accreditation.accreditor
        if accreditor in above or accreditor == accreditation.issuer:
            return 0, _fail("cycle", f"{label}: {accreditor} is already on the path")
        upper = self.find(accreditor, True, (*above, accreditation.issuer))
        if upper.ok:
            return _DEEPER, AccreditationPath(True, (accreditation, *upper.path), upper.root)
        return _DEEPER, AccreditationPath(
            False, error=upper.error, reason=f"{label} was granted by {accreditor}: {upper.reason}"
        )


def _fail(error: str, reason: str) -> AccreditationPath:
    return AccreditationPath(False, error=error, reason=reason)


def _describe(accreditation: Accreditation, state: str) -> str:
    if state == "not_yet_valid":
        return f"was granted later, at {accreditation.from_time}"
    if state == "expired":
        return f"expired at {accreditation.until}"
    return f"was revoked at {accreditation.revoked_time} (by {accreditation.revoked_by})"


def accreditation_at(
    reader: StateReader,
    issuer_did: str,
    credential_type: str,
    at_seconds: int,
    *,
    may_accredit: bool = False,
) -> AccreditationPath:
    """Whether ``issuer_did`` was accredited for ``credential_type`` at unix time ``at_seconds``.

    With ``may_accredit=True`` the issuer's own accreditation must also allow
    delegation: the question is then whether the DID may accredit others for
    the type (the rule of ``trust.accredit``). A root is accredited for every
    type with an empty path. Never raises for a DID or type it cannot find:
    the answer says why (``ok`` false, ``error``, ``reason``).
    """
    if not is_sen_did(issuer_did):
        return _fail("invalid_did", f"{issuer_did[:80]!r} is not a did:sen DID")
    search = _Search(reader, credential_type, at_seconds, frozenset(roots_at(reader, at_seconds)))
    return search.find(issuer_did, may_accredit, ())
