"""Verifying credentials and presentations: every check, every problem, no exceptions.

A verification runs named checks and reports which passed, and every error
and warning it found (:class:`~sen.vc.errors.Problem`: code, message, JSON
path). The result is ``verified`` only if there are no errors and every check
ran and passed:

============  ==============================================================
check         passes when
============  ==============================================================
dataModel     the VCDM 2.0 rules hold and JSON-LD processing loses nothing
              (bundled contexts only; no term dropped)
proof         every proof is well formed, its key resolves and fits the
              cryptosuite, and its signature verifies; for presentations the
              challenge and domain match
proofPurpose  every proof's ``proofPurpose`` is the one expected
              (``assertionMethod`` for credentials, ``authentication`` for
              presentations)
controller    the controller of each verification method has authorized it for
              that purpose (``is_authorized``; ``did:key`` keys always are), and
              a proof is by the issuer (the holder, for presentations)
validity      the verifier's ``now`` is within ``validFrom``…``validUntil``
credentials   (presentations) every embedded credential verifies
============  ==============================================================

Keys come from the caller's ``resolve_key(verification method URL) -> (suite,
raw public key, controller DID)`` (``sen.did``'s resolver for ``did:sen``,
:func:`sen.did.key.resolve_did_key` for ``did:key``); nothing here touches
the network or the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sen.did.key import is_did_key
from sen.vc.canonical import DocumentLoader, expand, respelled_terms, undefined_terms
from sen.vc.datamodel import (
    check_credential,
    check_presentation,
    nfc_warnings,
    validity_bounds,
    validity_names,
)
from sen.vc.errors import ErrorCode, InvalidDocument, Problem
from sen.vc.issue import ASSERTION_METHOD, AUTHENTICATION
from sen.vc.loader import ContextLoader, default_loader
from sen.vc.proofs import KeyResolver, ProofCheck, check_proof, proofs_of

__all__ = [
    "CREDENTIAL_CHECKS",
    "PRESENTATION_CHECKS",
    "Authorizer",
    "VerificationResult",
    "verify_credential",
    "verify_presentation",
]

Authorizer = Callable[[str, str], bool]
"""``is_authorized(verification method URL, purpose) -> bool``: is the method listed under
that verification relationship (``assertionMethod``, ``authentication``) of its controller?"""

CREDENTIAL_CHECKS = ("dataModel", "proof", "proofPurpose", "controller", "validity")
PRESENTATION_CHECKS = ("dataModel", "proof", "proofPurpose", "controller", "credentials")


@dataclass(frozen=True, slots=True)
class VerificationResult:
    verified: bool
    checks: tuple[str, ...]  # the checks that ran and passed
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": list(self.checks),
            "errors": [problem.as_dict() for problem in self.errors],
            "warnings": [problem.as_dict() for problem in self.warnings],
        }


def verify_credential(
    vc: object,
    resolve_key: KeyResolver,
    *,
    now: datetime | None = None,
    expected_purpose: str = ASSERTION_METHOD,
    is_authorized: Authorizer | None = None,
    loader: ContextLoader | DocumentLoader | None = None,
) -> VerificationResult:
    report = _Report()
    if not isinstance(vc, dict):
        report.record("dataModel", check_credential(vc))
        return report.result(CREDENTIAL_CHECKS)
    loader = loader if loader is not None else default_loader()
    now = _aware(now)
    report.record("dataModel", check_credential(vc) + _json_ld_problems(vc, loader, report))
    proof_checks = _check_proofs(vc, resolve_key, loader, now, None, None, report)
    report.record("proofPurpose", _purpose_problems(proof_checks, expected_purpose))
    issuer = vc.get("issuer")
    report.record(
        "controller",
        _controller_problems(
            proof_checks,
            expected_purpose,
            _id_of(issuer),
            Problem(
                ErrorCode.ISSUER_MISMATCH,
                f"no proof is by the issuer {_id_of(issuer)!r}",
                "$.issuer",
            ),
            is_authorized,
        ),
    )
    report.record("validity", _validity_problems(vc, now))
    return report.result(CREDENTIAL_CHECKS)


def verify_presentation(
    vp: object,
    resolve_key: KeyResolver,
    challenge: str | None,
    domain: str | None,
    *,
    now: datetime | None = None,
    is_authorized: Authorizer | None = None,
    loader: ContextLoader | DocumentLoader | None = None,
) -> VerificationResult:
    """Verify ``vp``'s ``authentication`` proof (bound to ``challenge`` and ``domain``; None
    skips that comparison) and each credential in it."""
    report = _Report()
    if not isinstance(vp, dict):
        report.record("dataModel", check_presentation(vp))
        return report.result(PRESENTATION_CHECKS)
    loader = loader if loader is not None else default_loader()
    now = _aware(now)
    report.record("dataModel", check_presentation(vp) + _json_ld_problems(vp, loader, report))
    proof_checks = _check_proofs(vp, resolve_key, loader, now, challenge, domain, report)
    report.record("proofPurpose", _purpose_problems(proof_checks, AUTHENTICATION))
    holder = _id_of(vp.get("holder"))
    report.record(
        "controller",
        _controller_problems(
            proof_checks,
            AUTHENTICATION,
            holder,
            Problem(ErrorCode.HOLDER_MISMATCH, f"no proof is by the holder {holder!r}", "$.holder"),
            is_authorized,
        ),
    )
    problems: list[Problem] = []
    credentials = vp.get("verifiableCredential", [])
    for index, credential in enumerate(
        credentials if isinstance(credentials, list) else [credentials]
    ):
        prefix = (
            f"$.verifiableCredential[{index}]"
            if isinstance(credentials, list)
            else "$.verifiableCredential"
        )
        result = verify_credential(
            credential, resolve_key, now=now, is_authorized=is_authorized, loader=loader
        )
        problems += _under(prefix, result.errors)
        if not result.verified and not result.errors:
            problems.append(
                Problem(ErrorCode.MALFORMED_CREDENTIAL, "the credential did not verify", prefix)
            )
        report.warnings += _under(prefix, result.warnings)
    report.record("credentials", problems)
    return report.result(PRESENTATION_CHECKS)


@dataclass(slots=True)
class _Report:
    passed: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def record(self, check: str, problems: Sequence[Problem] | None) -> None:
        """``problems`` None: the check could not run (nothing to check it on)."""
        if problems is None:
            return
        if problems:
            self.errors += problems
        else:
            self.passed.append(check)

    def result(self, required: tuple[str, ...]) -> VerificationResult:
        verified = not self.errors and all(check in self.passed for check in required)
        return VerificationResult(
            verified, tuple(self.passed), tuple(self.errors), tuple(self.warnings)
        )


def _json_ld_problems(
    document: Mapping[str, Any], loader: ContextLoader | DocumentLoader, report: _Report
) -> list[Problem]:
    report.warnings += nfc_warnings(document)
    try:
        expanded = expand(document, loader)
    except InvalidDocument as exc:
        return list(exc.problems)
    respelled = respelled_terms(document, expanded)
    if respelled:
        return respelled
    report.warnings += [
        Problem(
            ErrorCode.UNDEFINED_TERM,
            f"{iri!r} is defined only by an undefined-term vocabulary: "
            "its meaning is the issuer's alone",
        )
        for iri in undefined_terms(expanded)
    ]
    return []


def _check_proofs(
    document: Mapping[str, Any],
    resolve_key: KeyResolver,
    loader: ContextLoader | DocumentLoader,
    now: datetime,
    challenge: str | None,
    domain: str | None,
    report: _Report,
) -> list[ProofCheck]:
    proofs = proofs_of(document)
    if not proofs:
        report.record(
            "proof", [Problem(ErrorCode.MISSING_PROOF, "the document has no proof", "$.proof")]
        )
        return []
    checks = [
        check_proof(
            document, path, proof, resolve_key, loader, now, challenge=challenge, domain=domain
        )
        for path, proof in proofs
    ]
    report.record("proof", [problem for check in checks for problem in check.problems])
    return checks


def _purpose_problems(checks: list[ProofCheck], expected: str) -> list[Problem] | None:
    stated = [check for check in checks if check.purpose is not None]
    if not stated:
        return None
    return [
        Problem(
            ErrorCode.WRONG_PROOF_PURPOSE,
            f"the proof's purpose is {check.purpose!r}, expected {expected!r}",
            f"{check.path}.proofPurpose",
        )
        for check in stated
        if check.purpose != expected
    ]


def _controller_problems(
    checks: list[ProofCheck],
    purpose: str,
    party: str | None,
    not_by_party: Problem,
    is_authorized: Authorizer | None,
) -> list[Problem] | None:
    resolved = [check for check in checks if check.controller is not None]
    if not resolved:
        return None
    problems: list[Problem] = []
    for check in resolved:
        if check.purpose != purpose:
            continue  # the proofPurpose check reports it
        method = str(check.verification_method)
        reason = _unauthorized(method, purpose, is_authorized)
        if reason is not None:
            problems.append(
                Problem(
                    ErrorCode.UNAUTHORIZED_VERIFICATION_METHOD,
                    reason,
                    f"{check.path}.verificationMethod",
                )
            )
    if party is not None and not any(check.controller == party for check in resolved):
        problems.append(not_by_party)
    return problems


def _unauthorized(method: str, purpose: str, is_authorized: Authorizer | None) -> str | None:
    """None if ``method`` may be used for ``purpose``, else why not."""
    if is_authorized is None:
        if is_did_key(method):
            return None  # a did:key document lists its one key under every relationship
        return (
            f"cannot confirm that {method!r} is listed under its controller's {purpose!r}: "
            "no is_authorized hook was given"
        )
    try:
        allowed = is_authorized(method, purpose)
    except Exception as exc:  # the hook is the caller's: a failure is a refusal
        return f"checking whether {method!r} may be used for {purpose!r} failed: {exc}"
    return None if allowed else f"{method!r} is not listed under its controller's {purpose!r}"


def _validity_problems(credential: Mapping[str, Any], now: datetime) -> list[Problem] | None:
    bounds = validity_bounds(dict(credential))
    if any(value is None for value in bounds.values()):
        return None  # not a date: dataModel reports it
    starts, ends = validity_names(credential)
    problems: list[Problem] = []
    for name, value in bounds.items():
        assert value is not None
        if name in starts and now < value:
            problems.append(
                Problem(
                    ErrorCode.NOT_YET_VALID,
                    f"the credential is valid from {credential[name]}, after {_stamp(now)}",
                    f"$.{name}",
                )
            )
        elif name in ends and now > value:
            problems.append(
                Problem(
                    ErrorCode.EXPIRED,
                    f"the credential expired at {credential[name]}, before {_stamp(now)}",
                    f"$.{name}",
                )
            )
    return problems


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("'now' must be an aware datetime (with a time zone)")
    return now


def _id_of(party: object) -> str | None:
    if isinstance(party, str):
        return party
    if isinstance(party, dict) and isinstance(party.get("id"), str):
        return str(party["id"])
    return None


def _under(prefix: str, problems: Sequence[Problem]) -> list[Problem]:
    return [
        Problem(problem.code, problem.message, prefix + problem.path[1:]) for problem in problems
    ]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
