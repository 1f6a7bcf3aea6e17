"""Certificates on a product's page: OCOP star ratings, VietGAP and organic certificates as
verifiable credentials (``docs/spec/traceability.md`` §8).

A certifying authority, accredited in the trust registry for the certificate's type (a
provincial department accredited by the Ministry for ``OCOPCertificate``), issues a W3C
verifiable credential whose one subject is what it certifies: a GTIN, a GTIN's lot, a party
GLN or a location GLN (as GS1 Digital Link URIs: ``https://id.gs1.org/414/8935678000019``),
or a producer's did:sen DID. The producer attaches it here (:meth:`CertificateBook.add`,
``POST /trace/v1/certificates``); the consumer page shows the certificates of the scanned
key, its GTIN, its producer and the places it was made at, each with its status.

Verification is not done here but injected: ``verify(credential)`` returns the VC-API
report (:meth:`sen.services.credentials.verification.Report.as_dict`), composed by the
caller from a node (:func:`chain_verifier`, :class:`NodeSources`), so this module never
opens a connection itself. A credential is taken only if it verifies when added, and it
is **verified again every time it is shown**: no verdict is remembered, so a revocation
(its status bit set on chain) shows on the very next view.

The book is one SQLite table, ``certificates``, in a file of the caller's choosing
(``sen trace serve`` uses the catalog's file: the repository's data beside its events).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from sen.did import InvalidDid, MethodNotSupported, parse_did
from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.modules.status.bitstring import StatusListError, decode_list
from sen.ledger.modules.status.records import bits_key
from sen.light.gs1_keys import canonical_key, check_digit
from sen.sdk.errors import SenError
from sen.services.credentials.errors import SourceError, StatusListUnavailable
from sen.services.credentials.remote import Outcome, RemoteSources
from sen.services.credentials.verification import (
    Sources,
    StatusListState,
    verify_credential_report,
)
from sen.services.traceability.errors import (
    CertificateInvalid,
    CertificateNotVerified,
    CertificateRefused,
    ChainUnavailable,
    EpcisInvalid,
    Problem,
    UnknownEvent,
)
from sen.services.traceability.repository import read_document
from sen.vc.dates import parse_datetime_stamp

__all__ = [
    "STATUSES",
    "CertificateBook",
    "NodeSources",
    "Verify",
    "add_certificates",
    "certified_key",
    "chain_verifier",
    "verdict",
]

Verify = Callable[[Mapping[str, Any]], dict[str, Any]]
"""``verify(credential) -> report``: the VC-API verification result (``verified``,
``checks``, ``errors`` and ``warnings``, each finding ``{code, message, path}``); raises
:class:`ChainUnavailable` when the chain cannot be asked."""

STATUSES = (
    "verified", "revoked", "suspended", "not-accredited", "expired", "not-yet-valid", "invalid",
    "unknown",
)  # fmt: skip
"""A certificate's status on the page. ``unknown``: the chain could not be asked just now."""
_POLICY_STATUS = {
    "STATUS_REVOKED": "revoked",
    "STATUS_SUSPENDED": "suspended",
    "ISSUER_NOT_ACCREDITED": "not-accredited",
    "EXPIRED": "expired",
    "NOT_YET_VALID": "not-yet-valid",
}
GENERIC_TYPE = "VerifiableCredential"
SUBJECT_FORMS = (
    "a GS1 Digital Link URI of a GTIN (https://id.gs1.org/01/<GTIN-14>), a lot "
    "(.../01/<GTIN-14>/10/<lot>), a party GLN (.../417/<GLN>) or a location GLN "
    "(.../414/<GLN>), check digits right, or a did:sen DID"
)
MAX_BYTES = 64 * 1024
"""The largest credential the book takes (a certificate is a few kilobytes)."""
DIGITAL_LINK_HOST = "https://id.gs1.org/"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS certificates (
    id TEXT PRIMARY KEY,
    subject_key TEXT NOT NULL,
    credential TEXT NOT NULL,
    added_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS certificates_by_key ON certificates(subject_key, added_ms);
"""
_ATTACHED_BY = "ALTER TABLE certificates ADD COLUMN attached_by TEXT NOT NULL DEFAULT ''"
"""Who attached each certificate (a member's DID; '' for those a book of the first release
kept, which any member may then remove)."""


# -- what a certificate may be about ------------------------------------------------------


def certified_key(subject_id: object) -> str | None:
    """The key a certificate's subject ``id`` names: a did:sen DID as it is, a GS1 Digital
    Link URI as its canonical path (``01/18935678012347``); None for anything else (a serial,
    an SSCC, an EPC URN, a wrong check digit, a query or fragment, another DID method)."""
    if not isinstance(subject_id, str):
        return None
    if subject_id.startswith("did:"):
        try:
            parsed = parse_did(subject_id)
        except (InvalidDid, MethodNotSupported):
            return None
        return subject_id if parsed.method == "sen" else None
    try:
        parts = urlsplit(subject_id)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.query or parts.fragment:
        return None
    key = canonical_key(subject_id)
    if key is None or not unquote(parts.path).rstrip("/").endswith("/" + key):
        return None
    return key if _certifiable(key.split("/")) else None


def _certifiable(parts: list[str]) -> bool:
    if len(parts) == 2 and parts[0] in ("01", "414", "417"):
        return _check_digit_right(parts[1])
    if len(parts) == 4 and parts[0] == "01" and parts[2] == "10":
        return _check_digit_right(parts[1]) and bool(parts[3])
    return False


def _check_digit_right(digits: str) -> bool:
    return digits.isdigit() and digits[-1] == check_digit(digits[:-1])


def query_key(value: str) -> str:
    """``?key=``: a Digital Link path (``01/<GTIN>``, ``414/<GLN>``...), a Digital Link URI
    or a did:sen DID, as :func:`certified_key` reads a subject; refused by name otherwise."""
    as_uri = value if value.startswith(("did:", "http://", "https://")) else DIGITAL_LINK_HOST
    key = certified_key(value if as_uri is value else as_uri + value.strip("/"))
    if key is None:
        raise CertificateInvalid([Problem("?key", SUBJECT_FORMS, repr(value[:80]))])
    return key


# -- the verdict ---------------------------------------------------------------------------


def verdict(report: Mapping[str, Any]) -> str:
    """The page's status of a verification report: ``verified``, or what failed. A failure of
    the credential itself (its data model, its proof, its keys) is ``invalid`` whatever else
    failed: nothing it says can be trusted then; otherwise revocation, suspension, the
    issuer's accreditation, expiry and a validity yet to begin, in that order."""
    if report.get("verified") is True:
        return "verified"
    codes = [str(e.get("code")) for e in report.get("errors") or [] if isinstance(e, Mapping)]
    if not codes or any(code not in _POLICY_STATUS for code in codes):
        return "invalid"
    return next(status for code, status in _POLICY_STATUS.items() if code in codes)


def _pointer(path: str) -> str:
    """A finding's path (``$.credentialStatus[0].statusListIndex``) as a JSON pointer."""
    steps = re.findall(r"\.([^.\[]+)|\[(\d+)\]", path.removeprefix("$"))
    return "".join("/" + (name.replace("~", "~0").replace("/", "~1") or index)
                   for name, index in steps)  # fmt: skip


# -- the book ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Certificate:
    """A credential the book holds: its id here (the SHA-256 of its stored text), the key its
    subject names, the credential, and when it was added."""

    id: str
    key: str
    credential: dict[str, Any]
    added_ms: int


class CertificateBook:
    """The certificates a producer attaches to its products, checked when added and each
    time they are shown (``verify``, see the module's docstring)."""

    def __init__(
        self, path: Path | str, verify: Verify, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.verify = verify
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(certificates)")}
        if "attached_by" not in columns:
            self._db.execute(_ATTACHED_BY)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def remove(self, identifier: str, by: str) -> None:
        """Forget the certificate ``identifier`` (its id here), if ``by`` attached it:
        :class:`UnknownEvent` if none is held, :class:`PermissionError` if another member
        attached it."""
        with self._lock:
            found = self._db.execute(
                "SELECT attached_by FROM certificates WHERE id=?", (identifier,)
            ).fetchone()
            if found is None:
                raise UnknownEvent(f"no certificate {identifier[:80]} here", "id")
            if found[0] not in ("", by):
                raise PermissionError(f"certificate {identifier} was attached by {found[0]}")
            self._db.execute("DELETE FROM certificates WHERE id=?", (identifier,))

    def add(self, given: object, attached_by: str = "") -> tuple[dict[str, Any], bool]:
        """Keep ``given`` if it is a certificate of a key (:func:`certified_key`) that
        verifies now: ``(certificate as shown, added)``, ``added`` False when it was held
        already. :class:`CertificateInvalid` or :class:`CertificateNotVerified` name every
        problem, :class:`ChainUnavailable` says the chain cannot be asked; nothing is kept."""
        credential, key = _check_shape(given)
        report = self.verify(credential)
        status = verdict(report)  # one that is valid only from a later date waits for it
        if status not in ("verified", "not-yet-valid"):
            raise CertificateNotVerified(_report_problems(report))
        text = json.dumps(credential, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        identifier = hashlib.sha256(text.encode()).hexdigest()
        now_ms = int(self._clock() * 1000)
        with self._lock:
            added = self._db.execute(
                "INSERT INTO certificates (id, subject_key, credential, added_ms, attached_by) "
                "VALUES (?,?,?,?,?) ON CONFLICT (id) DO NOTHING",
                (identifier, key, text, now_ms, attached_by),
            ).rowcount
            kept = self._db.execute(
                "SELECT added_ms FROM certificates WHERE id=?", (identifier,)
            ).fetchone()
        certificate = Certificate(identifier, key, credential, int(kept[0]))
        errors = list(report.get("errors") or [])
        return _shown(certificate, status, errors, self._clock()), added == 1

    def held(self, keys: Iterable[str]) -> list[Certificate]:
        """The certificates whose subject is one of ``keys``, in the order of ``keys``, then
        oldest first (not verified: :meth:`for_keys` shows them)."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, subject_key, credential, added_ms FROM certificates "
                f"WHERE subject_key IN ({marks}) ORDER BY added_ms, id",
                wanted,
            ).fetchall()
        found = [Certificate(i, k, json.loads(c), int(t)) for i, k, c, t in rows]
        order = {key: n for n, key in enumerate(wanted)}
        return sorted(found, key=lambda c: order[c.key])

    def for_keys(self, keys: Iterable[str]) -> list[dict[str, Any]]:
        """Every certificate of ``keys`` as the page shows it, each verified now."""
        return [self._checked(certificate) for certificate in self.held(keys)]

    def _checked(self, certificate: Certificate) -> dict[str, Any]:
        try:
            report = self.verify(certificate.credential)
        except ChainUnavailable as exc:
            unasked = {"code": "CHAIN_UNAVAILABLE", "message": str(exc), "path": "$"}
            return _shown(certificate, "unknown", [unasked], self._clock())
        errors = list(report.get("errors") or [])
        return _shown(certificate, verdict(report), errors, self._clock())


def _shown(certificate: Certificate, status: str, errors: list[Any], now: float) -> dict[str, Any]:
    """A certificate as the page shows it: what it states, its status and its errors."""
    credential = certificate.credential
    subject = credential["credentialSubject"]
    issuer = credential.get("issuer")
    return {
        "id": certificate.id,
        "credentialId": credential.get("id"),
        "types": [t for t in _types(credential) if t != GENERIC_TYPE],
        "issuer": issuer.get("id") if isinstance(issuer, dict) else issuer,
        "issuerName": issuer.get("name") if isinstance(issuer, dict) else None,
        "subject": subject.get("id"),
        "key": certificate.key,
        "claims": {k: v for k, v in subject.items() if k != "id"},
        "name": credential.get("name"),
        "validFrom": credential.get("validFrom"),
        "validUntil": credential.get("validUntil"),
        "status": status,
        "errors": errors,
        "checkedAt": _stamp(now),
        "credential": credential,
    }


def _check_shape(credential: object) -> tuple[dict[str, Any], str]:
    """The credential and the key it certifies, or :class:`CertificateInvalid` naming every
    problem."""
    if not isinstance(credential, dict):
        raise CertificateInvalid(
            [Problem("", "a verifiable credential (a JSON object)", type(credential).__name__)]
        )
    problems = []
    types = _types(credential)
    if GENERIC_TYPE not in types or len(set(types) - {GENERIC_TYPE}) == 0:
        problems.append(
            Problem("/type", "VerifiableCredential and the type certified (OCOPCertificate...)",
                    json.dumps(credential.get("type"), ensure_ascii=False)[:80])
        )  # fmt: skip
    subject = credential.get("credentialSubject")
    key = None
    if not isinstance(subject, dict):
        got = "an array" if isinstance(subject, list) else type(subject).__name__
        problems.append(Problem("/credentialSubject", "one subject (a JSON object)", got))
    else:
        key = certified_key(subject.get("id"))
        if key is None:
            got = repr(subject.get("id"))[:80] if "id" in subject else "no id"
            problems.append(Problem("/credentialSubject/id", SUBJECT_FORMS, got))
    if problems or key is None:
        raise CertificateInvalid(problems)
    return credential, key


def _report_problems(report: Mapping[str, Any]) -> list[Problem]:
    findings = [e for e in report.get("errors") or [] if isinstance(e, Mapping)]
    problems = [
        Problem(_pointer(str(e.get("path", "$"))), "a credential that verifies now",
                f"{e.get('code')}: {e.get('message')}")
        for e in findings
    ]  # fmt: skip
    return problems or [Problem("", "a credential that verifies now", "not verified")]


def _types(credential: Mapping[str, Any]) -> list[str]:
    value = credential.get("type")
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


# -- verification against a node --------------------------------------------------------------


class NodeSources(RemoteSources):
    """:class:`RemoteSources` whose status lists are the chain's own: the raw list the node
    serves (``GET /v1/status-lists/<issuer>/<list>``), its bits checked under the state proof
    against the app hash it reports, the same trust as the node's answers on keys and
    accreditations. A list credential signed by its issuer (what RemoteSources reads) is
    served only by a node that holds that issuer's key, which a producer's node does not."""

    def status_list(self, issuer: str, name: str) -> StatusListState | None:
        anchor = self.list_anchor(issuer, name)
        if anchor is None:
            path = f"/v1/status-lists/{quote(issuer, safe=':')}/{quote(name, safe='')}"
            answer = self.fetch(path, None)
            if answer.outcome is Outcome.MISSING:
                return None
            raise SourceError(f"{path}: the node answered {answer.said}")
        try:
            bits = decode_list(anchor["encodedList"])
            proof = anchor["proof"]
            key = bytes.fromhex(anchor["key"])
            verify_state_proof(
                bytes.fromhex(anchor["app_hash"]), key, bits,
                [bytes.fromhex(s) for s in proof["siblings"]],
                None if proof["leaf_path"] is None else bytes.fromhex(proof["leaf_path"]),
                None if proof["leaf_value_hash"] is None else bytes.fromhex(
                    proof["leaf_value_hash"]),
            )  # fmt: skip
            updated = int(parse_datetime_stamp(anchor["updated_time"]).timestamp())
            state = StatusListState(
                issuer, name, str(anchor["purpose"]), len(bits) * 8, bits, updated,
                int(anchor["height"]),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, StatusListError, StateProofError) as exc:
            raise StatusListUnavailable(f"status list {name!r} of {issuer}: {exc}") from None
        if key != bits_key(issuer, name):
            raise StatusListUnavailable(f"the proof is of another key than {issuer}'s {name!r}")
        self.notes.append(f"status list {name!r} of {issuer} at height {state.height}")
        return state


def chain_verifier(sources: Callable[[], Sources]) -> Verify:
    """``verify`` over fresh ``sources()`` each call (nothing read is kept between calls), the
    node's failures as :class:`ChainUnavailable`. ``sen trace serve`` passes
    ``lambda: NodeSources(node_fetch(client))``."""

    def verify(credential: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return verify_credential_report(dict(credential), sources()).as_dict()
        except (SourceError, SenError, OSError) as exc:
            raise ChainUnavailable(f"the chain could not be asked: {exc}") from None

    return verify


# -- REST ------------------------------------------------------------------------------------

PROBLEM_BASE = "https://sen.gov.vn/problems/epcis/"


def _problem(status: int, kind: str, title: str, problems: list[Problem]) -> JSONResponse:
    first = problems[0]
    body = {
        "type": PROBLEM_BASE + kind, "title": title, "status": status, "detail": title,
        "field": first.pointer, "expected": first.expected, "got": first.got,
        "problems": [{"field": p.pointer, "expected": p.expected, "got": p.got}
                     for p in problems],
    }  # fmt: skip
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


async def _read_body(request: Request) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BYTES:
            raise CertificateInvalid(
                [Problem("", f"at most {MAX_BYTES} bytes", f"more than {MAX_BYTES} bytes")]
            )
    return bytes(body)


def add_certificates(app: FastAPI, book: CertificateBook, *, tokens: Mapping[str, str]) -> None:
    """``POST /trace/v1/certificates`` (a credential as the body; any member's bearer token
    of ``tokens``, token -> DID: what is trusted is the credential, verified against the
    chain, not who brings it): 201 and the certificate as the page shows it (200 if it was
    held already), 400 for a credential that is not a certificate of a key, 403 for one
    that does not verify, each problem naming its field; ``DELETE
    /trace/v1/certificates/{id}`` (the token of the member who attached it): 204, 404 if
    none is held, 403 if another member attached it; ``GET /trace/v1/certificates?key=``
    (public): the certificates of one key, each verified now."""
    accepted = [(f"Bearer {token}".encode(), did) for token, did in tokens.items()]
    if not accepted or any(len(token) < 32 for token in tokens):
        raise ValueError("tokens: expected at least one, each of at least 32 characters")

    def member(request: Request) -> str | None:
        """The DID whose token the request carries (every token compared: no early exit)."""
        given = request.headers.get("authorization", "").encode()
        matches = [did for known, did in accepted if hmac.compare_digest(given, known)]
        return matches[0] if matches else None

    def unauthorized() -> JSONResponse:
        wanted = Problem("Authorization", "Bearer <token>", "another or none")
        said = "this call needs a bearer token of one of the repository's members"
        return _problem(401, "unauthorized", said, [wanted])

    @app.exception_handler(CertificateRefused)
    async def refused(_: Request, exc: CertificateRefused) -> JSONResponse:
        if isinstance(exc, CertificateNotVerified):
            return _problem(403, "certificate-not-verified", str(exc), list(exc.problems))
        return _problem(400, "certificate-invalid", str(exc), list(exc.problems))

    @app.post("/trace/v1/certificates", status_code=201, summary="Attach a certificate (a VC)")
    async def attach(request: Request) -> JSONResponse:
        did = member(request)
        if did is None:
            return unauthorized()
        try:
            credential = read_document(await _read_body(request), MAX_BYTES)
        except EpcisInvalid as exc:  # not JSON, or JSON that I-JSON refuses
            raise CertificateInvalid(exc.problems) from None
        shown, added = book.add(credential, attached_by=did)
        return JSONResponse(shown, status_code=201 if added else 200)

    @app.delete(
        "/trace/v1/certificates/{identifier}", status_code=204,
        summary="Remove a certificate (its id here), attached by the caller",
    )  # fmt: skip
    def remove(identifier: str, request: Request) -> Response:
        did = member(request)
        if did is None:
            return unauthorized()
        try:
            book.remove(identifier, did)
        except UnknownEvent as exc:
            said = str(exc)
            return _problem(404, "not-found", said, [Problem("id", "a held certificate", said)])
        except PermissionError as exc:
            wanted = Problem("id", f"a certificate {did} attached", str(exc))
            return _problem(403, "not-yours", "only who attached it removes it", [wanted])
        return Response(status_code=204)

    @app.get("/trace/v1/certificates", summary="The certificates of a GS1 key or a DID")
    def listed(key: str) -> list[dict[str, Any]]:
        return book.for_keys([query_key(key)])
