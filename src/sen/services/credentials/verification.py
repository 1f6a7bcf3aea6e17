"""Verifying a credential as a relying party must: proof, accreditation, validity and status.

:func:`sen.vc.verify_credential` checks what a credential says about itself
(its data model, its proofs, their keys, its validity period). A verifier
also needs the world around it, which this module adds from a
:class:`Sources` (the chain's state on a node; DID resolutions and status
list credentials fetched or saved, in ``sen vc verify``):

=============  ===============================================================
check          passes when
=============  ===============================================================
accreditation  for each type but ``VerifiableCredential``, the trust registry
               accredited the issuer for it at the issuance time (the issuer's
               proof ``created``, else ``validFrom``)
status         every ``BitstringStatusListEntry`` points at a list of this
               chain, of the credential's issuer, with the entry's purpose, and
               its bit is 0
=============  ===============================================================

Keys are resolved as they stood at the issuance time, so a credential signed
before a key rotation still verifies (``docs/spec/did-sen.md`` §9.3).
Errors (``STATUS_REVOKED``, ``ISSUER_NOT_ACCREDITED``, ...) keep
:mod:`sen.vc`'s shape: a code, a sentence, and the JSON path at fault.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from sen.ledger.modules.trust.parsing import DID_PREFIX
from sen.services.credentials.errors import StatusListUnavailable
from sen.vc import Authorizer, KeyResolver, VerificationResult, verify_credential
from sen.vc import verify_presentation as verify_presentation_proofs
from sen.vc.dates import parse_datetime_stamp
from sen.vc.proofs import proofs_of

__all__ = [
    "CHECK_NAMES",
    "ENTRY_TYPE",
    "UNACCREDITED_TYPES",
    "AccreditationAnswer",
    "Finding",
    "Report",
    "Sources",
    "StatusListState",
    "issuance_time",
    "parse_status_list_url",
    "requested_checks",
    "status_list_url",
    "verify_credential_report",
    "verify_presentation_report",
]

ENTRY_TYPE = "BitstringStatusListEntry"
STATUS_LIST_PATH = ("v1", "status-lists")
GENERIC_TYPE = "VerifiableCredential"
UNACCREDITED_TYPES = frozenset({GENERIC_TYPE, "BitstringStatusListCredential"})
"""Types no accreditation is needed for: the generic type, and an issuer's own status lists."""
ACCREDITATION = "accreditation"
STATUS = "status"
MAX_INDEX_DIGITS = 18
"""A status list index longer than this is beyond any list (and beyond reading cheaply)."""
VALIDITY = "validity"
ISSUER = "issuer"
POLICY_CHECKS = (VALIDITY, ISSUER, ACCREDITATION, STATUS)
"""Checks a caller may leave out with ``options.checks`` (their findings become warnings):
the validity period against now, the issuer being the signer, the issuer's accreditation,
and status. The data model, the proofs, their purpose and their keys' authorization are
always required."""
CORE_CHECKS = ("dataModel", "proof", "proofPurpose", "controller")
CHECK_NAMES: dict[str, frozenset[str]] = {
    **{name: frozenset() for name in CORE_CHECKS},
    "credentials": frozenset(),
    VALIDITY: frozenset({VALIDITY}),
    "expiration": frozenset({VALIDITY}),
    ISSUER: frozenset({ISSUER}),
    ACCREDITATION: frozenset({ACCREDITATION}),
    STATUS: frozenset({STATUS}),
    "credentialStatus": frozenset({STATUS}),
}
"""The names ``options.checks`` takes: Sen's check names, and the VC-API's aliases
(``credentialStatus``, ``expiration``)."""
_POLICY_CODES = {
    "NOT_YET_VALID": VALIDITY,
    "EXPIRED": VALIDITY,
    "ISSUER_MISMATCH": ISSUER,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: a stable code, a sentence, and where (``$.credentialStatus[0]``)."""

    code: str
    message: str
    path: str = "$"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "path": self.path}


@dataclass(frozen=True, slots=True)
class Report:
    """The VC-API verification result: the checks that ran and passed, errors, warnings."""

    verified: bool
    checks: tuple[str, ...]
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": list(self.checks),
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in self.warnings],
        }

    def codes(self) -> list[str]:
        return [f.code for f in self.errors]


@dataclass(frozen=True, slots=True)
class AccreditationAnswer:
    ok: bool
    error: str = ""  # the trust registry's keyword: not_accredited, revoked, expired, ...
    reason: str = ""
    root: str | None = None
    path: tuple[str, ...] = ()  # the accreditors, from the issuer's up to the root


@dataclass(frozen=True, slots=True)
class StatusListState:
    """A status list as its chain holds it: one bit per credential, index 0 first."""

    issuer: str
    name: str
    purpose: str
    size: int  # entries (bits)
    bits: bytes  # the bitstring, index 0 = the most significant bit of the first byte
    updated: int  # unix seconds of the last change (or of creation)
    height: int = 0

    def bit(self, index: int) -> bool:
        return bool(self.bits[index // 8] >> (7 - index % 8) & 1)


class Sources(Protocol):
    """What verification reads from outside the credential."""

    def resolvers(self, at: int | None) -> tuple[KeyResolver, Authorizer]:
        """Key resolution as of unix time ``at`` (None: the latest)."""
        ...

    def accreditation(
        self, issuer: str, credential_type: str, at: int
    ) -> AccreditationAnswer | None:
        """The trust registry's answer, or None if it cannot be asked here (offline)."""
        ...

    def status_list(self, issuer: str, name: str) -> StatusListState | None:
        """The list, or None if this chain (or the saved material) has no such list;
        :class:`StatusListUnavailable` if there is one that cannot be trusted."""
        ...


def status_list_url(public_url: str, issuer: str, name: str) -> str:
    """Where a node serves ``issuer``'s list ``name`` as a BitstringStatusListCredential."""
    return f"{public_url.rstrip('/')}/v1/status-lists/{issuer}/{name}/credential"


def parse_status_list_url(url: str) -> tuple[str, str] | None:
    """``(issuer, list name)`` of a status list credential URL of a Sen node, else None.

    Any host is accepted: the list is identified by the path alone and read
    from this verifier's chain, never fetched from the URL.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.query:
        return None
    segments = [unquote(s) for s in parts.path.split("/")]
    for start in range(len(segments) - 4):
        if tuple(segments[start : start + 2]) == STATUS_LIST_PATH:
            rest = segments[start + 2 :]
            if len(rest) == 3 and rest[2] == "credential" and rest[0] and rest[1]:
                return rest[0], rest[1]
    return None


def issuance_time(credential: Mapping[str, Any]) -> int | None:
    """Unix seconds the issuer signed at: its proof's ``created``, else ``validFrom``."""
    issuer = _id_of(credential.get("issuer"))
    candidates: list[object] = []
    for _, proof in proofs_of(credential):
        if not isinstance(proof, dict):
            continue
        method = proof.get("verificationMethod")
        if isinstance(method, str) and method.partition("#")[0] == issuer:
            candidates.insert(0, proof.get("created"))
        else:
            candidates.append(proof.get("created"))
    candidates.append(credential.get("validFrom"))
    for value in candidates:
        try:
            return int(parse_datetime_stamp(value).timestamp())
        except ValueError:
            continue
    return None


def verify_credential_report(
    credential: object,
    sources: Sources,
    *,
    now: datetime | None = None,
    require_accreditation: bool = True,
    checks: Sequence[str] | None = None,
) -> Report:
    """Every check of a credential; ``require_accreditation`` False when it cannot be asked.

    ``checks`` (the VC-API's ``options.checks``) names the checks the caller requires
    beyond the core (:data:`CORE_CHECKS`); the others still run and their findings come
    back as warnings. None: all are required (Sen's policy)."""
    now = now or datetime.now(UTC)
    if not isinstance(credential, dict):
        return _merge(verify_credential(credential, _no_keys), [], require=())
    at = issuance_time(credential)
    resolve_key, is_authorized = sources.resolvers(at)
    base = verify_credential(credential, resolve_key, now=now, is_authorized=is_authorized)
    extra = _Extra()
    _check_accreditation(credential, sources, at, now, extra, "$")
    _check_status(credential, sources, extra, "$")
    required = (ACCREDITATION, STATUS) if require_accreditation else (STATUS,)
    return _merge(base, [extra], require=required, checks=checks)


def verify_presentation_report(
    presentation: object,
    sources: Sources,
    challenge: str | None,
    domain: str | None,
    *,
    now: datetime | None = None,
    require_accreditation: bool = True,
    checks: Sequence[str] | None = None,
) -> Report:
    """The presentation's proof (bound to ``challenge`` and ``domain``) and each credential."""
    now = now or datetime.now(UTC)
    if not isinstance(presentation, dict):
        return _merge(
            verify_presentation_proofs(presentation, _no_keys, challenge, domain), [], require=()
        )
    credentials = _credentials_of(presentation)
    resolve_key, is_authorized = _presentation_resolvers(credentials, sources)
    base = verify_presentation_proofs(
        presentation, resolve_key, challenge, domain, now=now, is_authorized=is_authorized
    )
    extra = _Extra()
    if challenge is None:
        extra.warnings.append(
            Finding(
                "NO_CHALLENGE",
                "no challenge was given: a presentation recorded earlier would verify too "
                "(replay); give options.challenge",
                "$.proof",
            )
        )
    holder = _id_of(presentation.get("holder"))
    for path, credential in credentials:
        if not isinstance(credential, dict):
            continue  # the credentials check reports it
        at = issuance_time(credential)
        _check_accreditation(credential, sources, at, now, extra, path)
        _check_status(credential, sources, extra, path)
        subjects = _subject_ids(credential)
        if holder is not None and subjects and holder not in subjects:
            extra.warnings.append(
                Finding(
                    "HOLDER_NOT_SUBJECT",
                    f"the holder {holder!r} is not a subject of this credential",
                    f"{path}.credentialSubject",
                )
            )
    # Accreditation and status are checks of credentials: a presentation with none
    # (VC-API, VCDM 2.0 §4.13: verifiableCredential is optional) is judged on its proof.
    required: tuple[str, ...] = ()
    if credentials:
        required = (ACCREDITATION, STATUS) if require_accreditation else (STATUS,)
    return _merge(base, [extra], require=required, checks=checks)


# -- the checks this module adds -------------------------------------------------


@dataclass(slots=True)
class _Extra:
    errors: dict[str, list[Finding]] = field(
        default_factory=lambda: {ACCREDITATION: [], STATUS: []}
    )
    ran: set[str] = field(default_factory=set)
    warnings: list[Finding] = field(default_factory=list)


def _check_accreditation(
    credential: Mapping[str, Any],
    sources: Sources,
    at: int | None,
    now: datetime,
    report: _Extra,
    path: str,
) -> None:
    issuer = _id_of(credential.get("issuer"))
    if issuer is None:
        return  # dataModel reports it; the check does not run
    when = at if at is not None else int(now.timestamp())
    stated = _types_of(credential)
    types = [t for t in stated if t not in UNACCREDITED_TYPES]
    if not [t for t in stated if t != GENERIC_TYPE]:
        report.warnings.append(
            Finding(
                "NO_ACCREDITED_TYPE",
                "the credential has no type that needs an accreditation: nothing says what "
                "its issuer may attest",
                f"{path}.type",
            )
        )
    errors = report.errors[ACCREDITATION]
    if types and not issuer.startswith(DID_PREFIX):
        # the trust registry accredits did:sen DIDs only: nothing to ask it
        errors += [
            Finding(
                "ISSUER_NOT_ACCREDITED",
                f"{issuer[:80]} is not accredited for {credential_type}: only did:sen issuers "
                "can be accredited in the trust registry",
                f"{path}.issuer",
            )
            for credential_type in types
        ]
        report.ran.add(ACCREDITATION)
        return
    for credential_type in types:
        answer = sources.accreditation(issuer, credential_type, when)
        if answer is None:
            report.warnings.append(
                Finding(
                    "ACCREDITATION_NOT_CHECKED",
                    f"whether {issuer} was accredited for {credential_type} was not checked: "
                    "that needs the chain's trust registry",
                    f"{path}.issuer",
                )
            )
            return
        if not answer.ok:
            errors.append(
                Finding(
                    "ISSUER_NOT_ACCREDITED",
                    f"{issuer} was not accredited for {credential_type} at "
                    f"{_stamp(when)} ({answer.error}): {answer.reason}",
                    f"{path}.issuer",
                )
            )
    report.ran.add(ACCREDITATION)


def _check_status(
    credential: Mapping[str, Any], sources: Sources, report: _Extra, path: str
) -> None:
    issuer = _id_of(credential.get("issuer"))
    errors = report.errors[STATUS]
    value = credential.get("credentialStatus")
    entries = value if isinstance(value, list) else [] if value is None else [value]
    prefix = f"{path}.credentialStatus"
    for n, entry in enumerate(entries):
        where = f"{prefix}[{n}]" if isinstance(value, list) else prefix
        problem = _entry_problem(entry, issuer, sources, where)
        if problem is not None:
            errors.append(problem)
    report.ran.add(STATUS)


def _entry_problem(
    entry: object, issuer: str | None, sources: Sources, where: str
) -> Finding | None:
    """What is wrong with one status entry (None: its bit is clear).

    The entry is read first (:func:`_read_entry`); then its list must be the
    credential issuer's, be on this chain and trusted, have the entry's
    purpose, and hold the entry's index (:func:`_bit_problem`).
    """
    read = _read_entry(entry, where)
    if isinstance(read, Finding):
        return read
    if read.list_issuer != issuer:
        return Finding(
            "STATUS_LIST_ISSUER_MISMATCH",
            f"the list belongs to {read.list_issuer}, not to the credential's issuer {issuer}",
            f"{where}.statusListCredential",
        )
    try:
        state = sources.status_list(read.list_issuer, read.name)
    except StatusListUnavailable as exc:
        return Finding("STATUS_LIST_UNVERIFIED", str(exc), f"{where}.statusListCredential")
    if state is None:
        return Finding(
            "STATUS_LIST_NOT_FOUND",
            f"{read.list_issuer} has no status list {read.name!r} on this chain",
            f"{where}.statusListCredential",
        )
    return _bit_problem(read, state, where)


@dataclass(frozen=True, slots=True)
class _StatusEntry:
    """A ``BitstringStatusListEntry``, read: which bit of which list, for what purpose."""

    purpose: str
    index: int
    list_issuer: str
    name: str


def _read_entry(entry: object, where: str) -> _StatusEntry | Finding:
    """The entry's values, or the first thing that makes it unreadable."""
    if not isinstance(entry, dict):
        return Finding("MALFORMED_STATUS", "a status entry is a JSON object", where)
    if entry.get("type") != ENTRY_TYPE:
        return Finding(
            "UNSUPPORTED_STATUS",
            f"status entries of type {entry.get('type')!r} cannot be checked; "
            f"Sen checks {ENTRY_TYPE}",
            f"{where}.type",
        )
    purpose = entry.get("statusPurpose")
    index_text = entry.get("statusListIndex")
    url = entry.get("statusListCredential")
    size = entry.get("statusSize", 1)
    if not isinstance(purpose, str) or not purpose:
        return Finding("MALFORMED_STATUS", "statusPurpose is missing", f"{where}.statusPurpose")
    if not isinstance(index_text, str) or not index_text.isascii() or not index_text.isdigit():
        return Finding(
            "MALFORMED_STATUS",
            f"statusListIndex must be a decimal integer as text, got {index_text!r}",
            f"{where}.statusListIndex",
        )
    if len(index_text) > MAX_INDEX_DIGITS:
        return Finding(
            "STATUS_INDEX_OUT_OF_RANGE",
            f"statusListIndex has {len(index_text)} digits: no list is that long",
            f"{where}.statusListIndex",
        )
    if size != 1:
        return Finding(
            "UNSUPPORTED_STATUS",
            f"statusSize {size!r}: Sen's status lists hold one bit an entry",
            f"{where}.statusSize",
        )
    located = parse_status_list_url(url) if isinstance(url, str) else None
    if located is None:
        return Finding(
            "STATUS_LIST_NOT_RECOGNISED",
            f"{url!r} is not a status list of a Sen node (…/v1/status-lists/<issuer>/<list>/"
            "credential); lists are read from the chain, never fetched",
            f"{where}.statusListCredential",
        )
    list_issuer, name = located
    return _StatusEntry(purpose, int(index_text), list_issuer, name)


def _bit_problem(entry: _StatusEntry, state: StatusListState, where: str) -> Finding | None:
    """The entry against its list: the same purpose, an index inside it, and its bit."""
    if state.purpose != entry.purpose:
        return Finding(
            "STATUS_PURPOSE_MISMATCH",
            f"the list {entry.name!r} is for {state.purpose!r}, the entry says {entry.purpose!r}",
            f"{where}.statusPurpose",
        )
    if entry.index >= state.size:
        return Finding(
            "STATUS_INDEX_OUT_OF_RANGE",
            f"index {entry.index} is beyond the list's {state.size} entries",
            f"{where}.statusListIndex",
        )
    if not state.bit(entry.index):
        return None
    code = {"revocation": "STATUS_REVOKED", "suspension": "STATUS_SUSPENDED"}.get(
        entry.purpose, "STATUS_SET"
    )
    return Finding(
        code,
        f"{entry.purpose}: bit {entry.index} of {entry.list_issuer}'s list {entry.name!r} is set "
        f"(since {_stamp(state.updated)} at the latest)",
        where,
    )


# -- assembling the report ------------------------------------------------------------


class BadChecks(ValueError):
    """``options.checks`` that names no check, or one Sen does not know (``index``)."""

    def __init__(self, message: str, *, index: int | None, expected: str, got: str) -> None:
        super().__init__(message)
        self.index = index
        self.expected = expected
        self.got = got


def requested_checks(names: Sequence[str]) -> frozenset[str]:
    """The policy checks ``options.checks`` asks for; :class:`BadChecks` if it names none
    (an empty list would waive every policy check: leave ``checks`` out for all of them)
    or one Sen does not know."""
    known = ", ".join(sorted(CHECK_NAMES))
    if not names:
        raise BadChecks(
            'options.checks names no check: name the ones you require (e.g. ["proof"]), '
            "or leave checks out to require them all",
            index=None,
            expected=f"one or more of {known}",
            got="none",
        )
    wanted: set[str] = set()
    for n, name in enumerate(names):
        if name not in CHECK_NAMES:
            raise BadChecks(
                f"options.checks[{n}]: unknown check {name!r}; known: {known}",
                index=n,
                expected=f"one of {known}",
                got=repr(name)[:80],
            )
        wanted |= CHECK_NAMES[name]
    return frozenset(wanted)


def _merge(
    base: VerificationResult,
    extras: Sequence[_Extra],
    *,
    require: tuple[str, ...],
    checks: Sequence[str] | None = None,
) -> Report:
    wanted = requested_checks(checks) if checks is not None else frozenset(POLICY_CHECKS)
    passed = list(base.checks)
    errors: list[Finding] = []
    warnings = [Finding(p.code.value, p.message, p.path) for p in base.warnings]
    for problem in base.errors:
        finding = Finding(problem.code.value, problem.message, problem.path)
        policy = _POLICY_CODES.get(finding.code)
        if policy is None or policy in wanted:
            errors.append(finding)
        else:
            warnings.append(_not_required(finding, policy))
    for extra in extras:
        for name in (ACCREDITATION, STATUS):
            found = extra.errors[name]
            if name in wanted:
                errors += found
            else:
                warnings += [_not_required(f, name) for f in found]
            if name in extra.ran and not found and name not in passed:
                passed.append(name)
        warnings += extra.warnings
    errors, warnings = _distinct(errors), _distinct(warnings)
    base_ok = base.verified or bool(base.errors)  # failed only by findings judged here
    verified = base_ok and not errors and all(name in passed for name in require if name in wanted)
    return Report(verified, tuple(passed), tuple(errors), tuple(warnings))


def _distinct(findings: list[Finding]) -> list[Finding]:
    """Each finding once (a type listed 20,000 times is one problem), in order."""
    return list(dict.fromkeys(findings))


def _not_required(finding: Finding, check: str) -> Finding:
    return Finding(
        finding.code, f"{finding.message} (check {check!r} was not requested)", finding.path
    )


def _presentation_resolvers(
    credentials: list[tuple[str, object]], sources: Sources
) -> tuple[KeyResolver, Authorizer]:
    """Each issuer's keys as of its credential's issuance; the holder's (did:key) as they are."""
    times: dict[str, int | None] = {}
    for _, credential in credentials:
        if not isinstance(credential, dict):
            continue
        at = issuance_time(credential)
        for _, proof in proofs_of(credential):
            method = proof.get("verificationMethod") if isinstance(proof, dict) else None
            if isinstance(method, str):
                times.setdefault(method, at)
    cache: dict[int | None, tuple[KeyResolver, Authorizer]] = {}

    def pick(method: str) -> tuple[KeyResolver, Authorizer]:
        at = times.get(method)
        if at not in cache:
            cache[at] = sources.resolvers(at)
        return cache[at]

    def resolve_key(method: str) -> tuple[str, bytes, str]:
        return pick(method)[0](method)

    def is_authorized(method: str, purpose: str) -> bool:
        return pick(method)[1](method, purpose)

    return resolve_key, is_authorized


def _credentials_of(presentation: Mapping[str, Any]) -> list[tuple[str, object]]:
    value = presentation.get("verifiableCredential", [])
    if isinstance(value, list):
        return [(f"$.verifiableCredential[{i}]", c) for i, c in enumerate(value)]
    return [("$.verifiableCredential", value)]


def _types_of(credential: Mapping[str, Any]) -> list[str]:
    value = credential.get("type")
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _subject_ids(credential: Mapping[str, Any]) -> list[str]:
    value = credential.get("credentialSubject")
    subjects = value if isinstance(value, list) else [value]
    return [s["id"] for s in subjects if isinstance(s, dict) and isinstance(s.get("id"), str)]


def _id_of(party: object) -> str | None:
    if isinstance(party, str):
        return party
    if isinstance(party, dict) and isinstance(party.get("id"), str):
        return str(party["id"])
    return None


def _stamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _no_keys(method: str) -> tuple[str, bytes, str]:
    raise LookupError(f"{method} is not resolved: the document is not an object")
