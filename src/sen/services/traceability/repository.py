"""The EPCIS repository: capture documents, record each capture job on chain, answer
queries, and write event receipts (``docs/spec/traceability.md``, ADR 0015).

A capture (:meth:`Repository.capture`) reads and checks the whole document before keeping
anything (an XML document is first converted to the JSON-LD one it means,
:mod:`.xml_documents`): GS1's schema (:mod:`.validation`), each event's CBV 2.0 hash
(:func:`sen.light.epcis_hash.event_hash`), and the GS1 keys each event speaks for against
the prefixes the chain grants the capturing DID (:func:`sen.light.gs1_keys.claimed_keys`).
Then, in one store transaction, the job is kept ``running`` with its prepared events, each
with its record time and its stored text; :meth:`Repository.anchor_running` records the
job's Merkle root with ``trace.record_capture`` and makes its events visible, or, if the
chain refuses, keeps none of them. A job whose root the chain already holds (the process
died between the two steps) is completed, not recorded twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from sen.ledger.codes import ResultCode
from sen.ledger.light.merkle import hash_from_byte_slices, proof_from_byte_slices
from sen.ledger.modules.trace import (
    MAX_CAPTURE_PREFIXES,
    CaptureRecord,
    PrefixGrant,
    capture_leaf,
)
from sen.light.epcis_hash import event_hash, reading_prefixes
from sen.light.errors import EventHashError
from sen.light.event_receipt import (
    HASH_PREFIX,
    HASH_SUFFIX,
    epcis_time,
    epcis_time_ms,
    event_receipt_document,
)
from sen.light.gs1_keys import canonical_key, claimed_keys, key_readings
from sen.services.traceability.catalog import Catalog
from sen.services.traceability.chain import CaptureRefused, ChainPort
from sen.services.traceability.errors import (
    AlreadyCaptured,
    ChainUnavailable,
    DocumentTooLarge,
    EpcisInvalid,
    EventNotRecorded,
    NotEntitled,
    Problem,
    ReceiptNotReady,
    UnknownEvent,
)
from sen.services.traceability.store import (
    FAILURE,
    RUNNING,
    SUCCESS,
    CaptureJob,
    EventStore,
    Indexed,
    PreparedEvent,
    StoredEvent,
)
from sen.services.traceability.validation import (
    DEFAULT_MAX_EVENTS,
    MAX_PROBLEMS,
    validate_document,
)
from sen.services.traceability.xml_documents import document_from_xml

log = logging.getLogger("sen.traceability")

DEFAULT_MAX_BYTES = 16 << 20
EVENT_LIST = "/epcisBody/eventList"
_CBV_PREFIXES = {
    "bizStep": ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
    "disposition": ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
}
# Where an event names EPCs and classes, by the role the query language matches them in.
_EPC_ROLES = (
    ("epcList", "epc"), ("childEPCs", "child"), ("inputEPCList", "input"),
    ("outputEPCList", "output"),
)  # fmt: skip
_CLASS_ROLES = (
    ("quantityList", "class"), ("childQuantityList", "childClass"),
    ("inputQuantityList", "inputClass"), ("outputQuantityList", "outputClass"),
)  # fmt: skip


def cbv_short(kind: str, value: str) -> str:
    """A CBV bizStep or disposition as its bare word, whichever way it was written."""
    for prefix in _CBV_PREFIXES[kind]:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def read_document(body: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """An EPCIS document's JSON, read as I-JSON (RFC 7493) reads it: a repeated member name,
    NaN or Infinity, a number beyond a double's range, an integer too long to read, a
    string that is not Unicode text (a lone surrogate) and nesting deeper than
    :data:`MAX_DEPTH` are refused, each named by its JSON pointer."""
    if len(body) > max_bytes:
        raise DocumentTooLarge("", len(body), max_bytes, unit="bytes")

    def members(pairs: list[tuple[str, Any]]) -> Any:
        found: dict[str, Any] = {}
        for name, value in pairs:
            if name in found:
                return _Refused("each member name once", f"{_shown(name)} twice", name)
            found[name] = value
        return found

    def number(text: str) -> Any:
        value = float(text)
        return value if math.isfinite(value) else _Refused("a number a double holds", text[:40])

    def integer(text: str) -> Any:
        try:
            return int(text)
        except ValueError:  # more digits than sys.get_int_max_str_digits()
            return _Refused("an integer Python reads", f"{len(text)} digits")

    def constant(name: str) -> Any:
        return _Refused("a JSON number", name)

    try:
        text = body.decode().removeprefix("\ufeff")  # UTF-8 only; a byte order mark ignored
        document = json.loads(
            text, object_pairs_hook=members, parse_float=number, parse_int=integer,
            parse_constant=constant,
        )  # fmt: skip
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise EpcisInvalid([Problem("", "a JSON document (UTF-8)", _reason(exc))]) from None
    problems = _refused_values(document, text)
    if problems:
        raise EpcisInvalid(problems)
    return document


MAX_DEPTH = 64
"""Levels of arrays and objects a captured document may have (GS1's examples use 6)."""


class _Refused:
    """Where :func:`read_document` found a value it refuses; named once the parse is done."""

    __slots__ = ("expected", "got", "member")

    def __init__(self, expected: str, got: str, member: str | None = None) -> None:
        self.expected, self.got, self.member = expected, got, member


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refused_values(document: Any, text: str) -> list[Problem]:
    """Each refused value, lone surrogate or too deep a level, in document order. A quick
    look first; the pointers are worked out only for a document that has a problem (the
    walks do not recurse: the document may be nested as deep as the JSON reader allows)."""
    escaped = _SURROGATE_ESCAPE.search(text) is not None  # else no string can hold one
    if not _suspect(document, escaped):
        return []
    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(document, "", 0)]
    while stack and len(problems) < MAX_PROBLEMS:
        value, at, depth = stack.pop()
        if isinstance(value, _Refused):
            named = value.member is not None and _is_text(value.member)
            member = "/" + _escaped(value.member) if named else ""  # type: ignore[arg-type]
            problems.append(Problem(at + member, value.expected, value.got))
        elif isinstance(value, str) and not _is_text(value):
            problems.append(Problem(at, "Unicode text", "a lone surrogate"))
        elif isinstance(value, dict | list) and depth >= MAX_DEPTH:
            problems.append(Problem(at, f"at most {MAX_DEPTH} levels of arrays and objects",
                                    "deeper"))  # fmt: skip
        elif isinstance(value, dict):
            if not all(_is_text(name) for name in value):
                problems.append(Problem(at, "member names of Unicode text", "a lone surrogate"))
                continue
            named_values = [(v, f"{at}/{_escaped(k)}", depth + 1) for k, v in value.items()]
            stack.extend(reversed(named_values))
        elif isinstance(value, list):
            listed = [(v, f"{at}/{i}", depth + 1) for i, v in enumerate(value)]
            stack.extend(reversed(listed))
    return problems


def _suspect(document: Any, text: bool) -> bool:
    """Whether ``document`` holds a refused value, a level too deep, or (``text``) a lone
    surrogate."""
    stack: list[tuple[list[Any], int]] = [([document], 0)]
    while stack:
        values, depth = stack.pop()
        for value in values:
            if isinstance(value, dict):
                if depth >= MAX_DEPTH or (text and not all(map(_is_text, value))):
                    return True
                stack.append((list(value.values()), depth + 1))
            elif isinstance(value, list):
                if depth >= MAX_DEPTH:
                    return True
                stack.append((value, depth + 1))
            elif isinstance(value, _Refused) or (text and isinstance(value, str)
                                                  and not _is_text(value)):  # fmt: skip
                return True
    return False


def _is_text(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _escaped(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _shown(name: str) -> str:
    return ascii(name) if not _is_text(name) else repr(name)


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return type(exc).__name__


class Repository:
    """An EPCIS repository: it captures as ``capturer`` (a did:sen DID), or as any of
    several (a value chain's shared repository: each organisation captures as its own DID,
    with its own token and key; ``docs/spec/traceability.md`` §4)."""

    def __init__(
        self,
        store: EventStore,
        chain: ChainPort,
        capturer: str | Sequence[str],
        *,
        catalog: Catalog | None = None,
        clock: Callable[[], float] = time.time,
        max_events: int = DEFAULT_MAX_EVENTS,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.store = store
        self.chain = chain
        self.capturers = (capturer,) if isinstance(capturer, str) else tuple(capturer)
        if not self.capturers:
            raise ValueError("a repository captures as at least one DID")
        self.capturer = self.capturers[0]
        self.catalog = catalog
        self._trees: dict[bytes, list[bytes]] = {}  # capture -> its leaves (recent jobs)
        self._proofs: dict[bytes, dict[str, Any]] = {}  # capture -> the node's proof of it
        self._cache_lock = threading.Lock()
        self._clock = clock
        self.max_events = max_events
        self.max_bytes = max_bytes
        self._last_ms = 0
        self._clock_lock = threading.Lock()
        self._capture_lock = threading.Lock()

    # -- capture --------------------------------------------------------------------

    def capture(self, body: bytes, capturer: str | None = None, *, xml: bool = False) -> CaptureJob:
        """Check ``body`` (an EPCISDocument: JSON-LD, or ``xml``, converted to the JSON-LD
        document it means by :func:`.xml_documents.document_from_xml`) and keep it as a
        running capture job of ``capturer`` (default: the first), or raise
        :class:`EpcisInvalid` (:class:`NotEntitled`) naming every problem; nothing is kept."""
        capturer = capturer or self.capturer
        if capturer not in self.capturers:
            raise ValueError(f"this repository does not capture as {capturer}")
        if len(body) > self.max_bytes:
            raise DocumentTooLarge("", len(body), self.max_bytes, unit="bytes")
        if xml:
            document = document_from_xml(body, max_events=self.max_events)
        else:
            document = read_document(body, self.max_bytes)
        validate_document(document, max_events=self.max_events)
        context = document.get("@context", [])
        events = document["epcisBody"]["eventList"]
        if not events:  # GS1's schema allows it; a capture job records 1 or more events
            raise EpcisInvalid([Problem(EVENT_LIST, "at least one event", "an empty list")])
        record_ms = self._now_ms()
        capture = os.urandom(16)
        prepared, problems, prefixes = [], [], set()
        holders: dict[str, PrefixGrant | None] = {}
        # each event: its pointer, the event, its hash (None if it has none), its problems
        read: list[tuple[str, Mapping[str, Any], str | None, list[Problem]]] = []
        denied = 0  # problems that are what the capturer may not say (403, not 400)
        again = 0  # problems that are events captured already (409)
        for pointer, identifier in _master_data_ids(document):
            for digits in key_readings(identifier, reading_prefixes({}, context)):
                grant = self._holder(digits, holders)
                if grant is None or grant.holder != capturer:
                    problems.append(_not_held(pointer, identifier, grant, capturer))
                    denied += 1
        for i, event in enumerate(events):
            at = f"{EVENT_LIST}/{i}"
            try:
                hashed = event_hash(event, context)
            except EventHashError as exc:
                fault = Problem(f"{at}/{exc.field}".rstrip("/"), exc.expected, exc.got)
                read.append((at, event, None, [fault]))
                continue
            claims: list[Problem] = []
            for claim in claimed_keys(event, context):
                grant = self._holder(claim.digits, holders)
                if grant is not None and grant.holder == capturer:
                    prefixes.add(grant.prefix)
                    continue
                claims.append(_not_held(at + claim.pointer, claim.identifier, grant, capturer))
                denied += 1
            read.append((at, event, hashed, claims))
            prepared.append(self._prepare(event, context, hashed, record_ms))
        with self._capture_lock:  # eventIDs checked with the store as it is when the job is
            # written: no two captures of one event, nor two capturers of one eventID, pass
            seen_events: set[tuple[str, str]] = set()
            for at, event, its_hash, own in read:
                problems += own
                if its_hash is None:
                    continue
                taken, twice = self._id_problems(at, event, its_hash, capturer, seen_events)
                problems += taken + twice
                denied += len(taken)
                again += len(twice)
            if problems:
                raise _refusal(problems, denied, again)
            if len(prefixes) > MAX_CAPTURE_PREFIXES:
                raise EpcisInvalid(
                    [Problem(EVENT_LIST, f"events under at most {MAX_CAPTURE_PREFIXES} prefixes",
                             f"{len(prefixes)} prefixes")]
                )  # fmt: skip
            leaves = [_leaf(p, capture, capturer) for p in prepared]
            job = CaptureJob(
                capture=capture,
                capturer=capturer,
                created_ms=record_ms,
                count=len(prepared),
                root=hash_from_byte_slices(leaves),
                prefixes=tuple(sorted(prefixes)),
            )
            if self.catalog is not None:  # master data, held before its job is written: the
                # anchoring loop can then never finish the job before its master data waits
                self.catalog.absorb(document, capturer, record_ms, capture)
            try:
                self.store.add_job(job, prepared)
            except BaseException:
                if self.catalog is not None:
                    self.catalog.drop(capture)
                raise
        return job

    def _id_problems(
        self, at: str, event: Mapping[str, Any], hashed: str, capturer: str,
        seen: set[tuple[str, str]],
    ) -> tuple[list[Problem], list[Problem]]:  # fmt: skip
        """What is wrong with the event's eventID: (taken: another capturer's, captured
        twice: this very event again), each checked against recorded and pending events."""
        taken, twice = [], []
        owner = self._event_id_of_another(event, hashed, capturer)
        if owner is not None:
            taken.append(
                Problem(f"{at}/eventID", "an eventID no other capturer's event has", owner)
            )
        again = self._captured_before(event, hashed, seen, capturer)
        if again is not None:
            expected = "an event not captured before (an error declaration may reuse its eventID)"
            twice.append(Problem(f"{at}/eventID", expected, again))
        return taken, twice

    def _same_id(self, event_id: str) -> list[tuple[bytes, bytes, bool]]:
        """Every event, recorded or pending, with this eventID: (its job, its hash, whether
        it is an error declaration)."""
        found = [
            (e.capture, e.hash, "errorDeclaration" in e.document())
            for e in self.store.events_with_id(event_id)
        ]
        for capture, pending in self.store.pending_with_id(event_id):
            declared = "errorDeclaration" in json.loads(pending.body)
            found.append((capture, pending.indexed.hash, declared))
        return found

    def _captured_before(
        self, event: Mapping[str, Any], hashed: str, seen: set[tuple[str, str]], capturer: str
    ) -> str | None:
        """Why this event was captured already (the same eventID and the same content, earlier
        in the document or stored, recorded or still pending), or None: a retried capture
        must not store it twice. An error declaration is a new event that reuses the eventID
        of the one it corrects. Another capturer's job is not named."""
        if "errorDeclaration" in event:
            return None
        event_id = str(event.get("eventID", hashed))
        if (event_id, hashed) in seen:
            return f"{event_id}, earlier in this document"
        seen.add((event_id, hashed))
        digest = bytes.fromhex(hashed[len(HASH_PREFIX) : -len(HASH_SUFFIX)])
        for capture, stored_hash, declared in self._same_id(event_id):
            if stored_hash == digest and not declared:
                job = self.store.job(capture)
                if job is not None and job.capturer == capturer:
                    return f"{event_id}, captured in job {capture.hex()}"
                return f"{event_id}, captured by another capturer"
        return None

    def _event_id_of_another(
        self, event: Mapping[str, Any], hashed: str, capturer: str
    ) -> str | None:
        """Whose event already has this event's eventID, if another capturer's: the consumer
        page shows the events sharing an eventID as one event and its error declarations,
        so no one may add an event, or declare an error, under another's. The eventID is
        the one the event will be stored under: its own, or else its hash (which leaves out
        an error declaration, so a declaration without one takes its event's id)."""
        event_id = event.get("eventID", hashed)
        own = event_id == hashed and "errorDeclaration" not in event
        if not isinstance(event_id, str) or own:
            return None  # its own hash: the id of this very content
        for capture, _, _ in self._same_id(event_id):
            job = self.store.job(capture)
            if job is not None and job.capturer != capturer:
                return f"{event_id}, the eventID of {job.capturer}'s event"
        return None

    def _holder(self, digits: str, seen: dict[str, PrefixGrant | None]) -> PrefixGrant | None:
        """The grant ``digits`` are under, asked of the chain once per key and document."""
        if digits not in seen:
            seen[digits] = self.chain.holder_of(digits)
        return seen[digits]

    def _now_ms(self) -> int:
        """The record time: the wall clock in ms, never earlier than the last one given."""
        with self._clock_lock:
            now = max(int(self._clock() * 1000), self._last_ms)
            self._last_ms = now
            return now

    def _prepare(
        self, event: Mapping[str, Any], context: Any, hashed: str, record_ms: int
    ) -> PreparedEvent:
        stored = {k: v for k, v in event.items() if k != "recordTime"}
        stored.setdefault("eventID", hashed)
        stored["recordTime"] = epcis_time(record_ms)
        if "@context" not in stored:
            stored["@context"] = context
        else:  # the document's context, then its own: read alone, the event means the same
            stored["@context"] = [*_as_list(context), *_as_list(stored["@context"])]
        body = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode()
        return PreparedEvent(body, record_ms, _indexed(stored, hashed))

    # -- anchoring ------------------------------------------------------------------

    def anchor_running(self) -> int:
        """Record every running job on chain (oldest first); how many finished. A job the
        node cannot take now stays running for the next round."""
        self._settle_master_data()
        finished = 0
        for job in self.store.jobs(RUNNING):
            try:
                self._anchor(job)
            except ChainUnavailable as exc:
                log.warning("capture job %s waits: %s", job.capture.hex(), exc)
                break
            finished += 1
        return finished

    def _anchor(self, job: CaptureJob) -> None:
        args = {
            "capture": job.capture, "capturer": job.capturer, "root": job.root,
            "count": job.count, "prefixes": list(job.prefixes),
        }  # fmt: skip
        try:
            recorded = self.chain.record(args)
        except CaptureRefused as refused:
            if refused.code == ResultCode.CAPTURE_EXISTS:
                record = self.chain.capture_record(job.capture)
                if record is not None and _records(record, job):
                    self.store.complete(job.capture, record.height, "", self._now_ms())
                    self._master_data(job.capture, kept=True)
                    return
            errors = [{"code": refused.code, "message": refused.message}]
            self.store.fail(job.capture, errors, self._now_ms())
            self._master_data(job.capture, kept=False)
            log.warning("capture job %s refused: %s", job.capture.hex(), refused.message)
            return
        self.store.complete(job.capture, recorded.height, recorded.tx_hash, self._now_ms())
        self._master_data(job.capture, kept=True)

    def _master_data(self, capture: bytes, *, kept: bool) -> None:
        """A finished job's master data: kept with its events, or dropped with them."""
        if self.catalog is not None:
            if kept:
                self.catalog.confirm(capture)
            else:
                self.catalog.drop(capture)

    def _settle_master_data(self) -> None:
        """Master data held for jobs that finished while the process died in between. Under
        the capture lock: a capture holds its master data just before writing its job, and
        that master data must not be taken for an orphan's in between."""
        if self.catalog is None:
            return
        with self._capture_lock:
            for capture in self.catalog.waiting():
                job = self.store.job(capture)
                if job is None or job.status != RUNNING:
                    self._master_data(capture, kept=job is not None and job.status == SUCCESS)

    # -- reading --------------------------------------------------------------------

    def job(self, capture: bytes) -> CaptureJob:
        found = self.store.job(capture)
        if found is None:
            raise UnknownEvent(f"no capture job {capture.hex()} here", "captureID")
        return found

    def events(self, event_id: str) -> list[StoredEvent]:
        found = self.store.events_with_id(event_id)
        if not found:
            raise UnknownEvent(f"no event {event_id} here", "eventID")
        return found

    def receipt(self, event: StoredEvent) -> dict[str, Any]:
        """The event's receipt: its text, hash and path here, the node's proof of the job.

        A job's leaves and the node's proof of it never change once it is recorded, so the
        last :data:`CACHED_JOBS` jobs' are kept: the receipts of one job cost one tree and
        one request to the node, not one each."""
        job = self.job(event.capture)
        if job.status == FAILURE:  # its events were dropped: this one came from elsewhere
            raise EventNotRecorded(f"capture job {job.capture.hex()} was refused by the chain")
        if job.status != SUCCESS:
            raise ReceiptNotReady(f"capture job {job.capture.hex()} is {job.status}")
        leaves = self._cached(self._trees, event.capture, lambda: self._leaves(job))
        mine = _leaf(_prepared(event), event.capture, job.capturer)
        if not 0 <= event.leaf < len(leaves) or leaves[event.leaf] != mine:
            self._changed(job)  # this very event, or one added: its leaf is not the job's
        root, path = proof_from_byte_slices(leaves, event.leaf)
        if root != job.root:
            self._changed(job)
        committed = self._cached(
            self._proofs, event.capture, lambda: self.chain.capture_proof(event.capture)
        )
        hashed = HASH_PREFIX + event.hash.hex() + HASH_SUFFIX
        return event_receipt_document(
            event.body.decode(), hashed, event.record_time_ms, event.capture, job.capturer,
            path, committed,
        )  # fmt: skip

    def _changed(self, job: CaptureJob) -> NoReturn:
        """The store changed under us: never hand out a false receipt."""
        with self._cache_lock:
            self._trees.pop(job.capture, None)
        raise EventNotRecorded(
            f"capture job {job.capture.hex()}: the stored event is not the one it recorded"
        )

    def _leaves(self, job: CaptureJob) -> list[bytes]:
        stored = self.store.leaves(job.capture)
        return [_leaf(_prepared(e), job.capture, job.capturer) for e in stored]

    def _cached(self, cache: dict[bytes, Any], capture: bytes, make: Callable[[], Any]) -> Any:
        with self._cache_lock:
            found = cache.get(capture)
        if found is None:
            found = make()
            with self._cache_lock:
                if len(cache) >= CACHED_JOBS:
                    cache.pop(next(iter(cache)))
                cache[capture] = found
        return found


CACHED_JOBS = 64
"""Recorded jobs whose leaves and proof :meth:`Repository.receipt` keeps."""


def _as_list(context: Any) -> list[Any]:
    return list(context) if isinstance(context, list) else [context]


def _records(record: CaptureRecord, job: CaptureJob) -> bool:
    """Whether ``record`` (on chain) is ``job``'s own, not one another DID sent with its id."""
    recorded = (record.root, record.count, record.capturer, record.prefixes)
    return recorded == (job.root, job.count, job.capturer, job.prefixes)


def _not_held(pointer: str, identifier: str, grant: PrefixGrant | None, capturer: str) -> Problem:
    held = "no prefix granted" if grant is None else (
        f"prefix {grant.prefix} is granted to {grant.holder}"
    )  # fmt: skip
    return Problem(
        pointer, f"a GS1 key under a prefix granted to {capturer}", f"{identifier} ({held})"
    )


def _refusal(problems: list[Problem], denied: int, again: int) -> EpcisInvalid:
    """The refusal for ``problems``: 403 if any is what the capturer may not say, else 409
    if all are events captured already, else 400."""
    if denied:
        return NotEntitled(problems)
    if again == len(problems):
        return AlreadyCaptured(problems)
    return EpcisInvalid(problems)


def _master_data_ids(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The id of each master data element of ``document``'s header, with its pointer: what
    the consumer page names a product or a place after (GS1's schema has checked the shape)."""
    header = document.get("epcisHeader")
    master = header.get("epcisMasterData") if isinstance(header, Mapping) else None
    listed = master.get("vocabularyList") if isinstance(master, Mapping) else None
    found = []
    base = "/epcisHeader/epcisMasterData/vocabularyList"
    for i, vocabulary in enumerate(listed if isinstance(listed, list) else []):
        elements = (
            vocabulary.get("vocabularyElementList") if isinstance(vocabulary, Mapping) else None
        )
        for j, element in enumerate(elements if isinstance(elements, list) else []):
            if isinstance(element, Mapping) and isinstance(element.get("id"), str):
                found.append((f"{base}/{i}/vocabularyElementList/{j}/id", element["id"]))
    return found


def _leaf(event: PreparedEvent, capture: bytes, capturer: str) -> bytes:
    return capture_leaf(
        event.indexed.hash, hashlib.sha256(event.body).digest(), event.record_time_ms,
        capture, capturer,
    )  # fmt: skip


def _prepared(event: StoredEvent) -> PreparedEvent:
    indexed = Indexed(event.event_id, event.hash, "", None, 0, None, None, None, None, ())
    return PreparedEvent(event.body, event.record_time_ms, indexed)


def names_a_product(event: StoredEvent) -> bool:
    """Whether ``event`` names a GTIN (with its lot or serial) or an SSCC among its
    identifiers: whether it can be on a product's journey, which is public."""
    hashed = HASH_PREFIX + event.hash.hex() + HASH_SUFFIX
    indexed = _indexed(event.document(), hashed)
    return any(value.startswith(("01/", "00/")) for _, value in indexed.identifiers)


def _indexed(event: Mapping[str, Any], hashed: str) -> Indexed:
    digest = bytes.fromhex(hashed[len(HASH_PREFIX) : -len(HASH_SUFFIX)])
    identifiers: list[tuple[str, str]] = []
    for name, role in _EPC_ROLES:
        for value in event.get(name) or []:
            if isinstance(value, str):
                identifiers += _spellings(role, value)
    if isinstance(event.get("parentID"), str):
        identifiers += _spellings("parent", event["parentID"])
    for name, role in _CLASS_ROLES:
        for value in event.get(name) or []:
            if isinstance(value, Mapping) and isinstance(value.get("epcClass"), str):
                identifiers += _spellings(role, value["epcClass"])
    event_time = epcis_time_ms(event.get("eventTime"))
    return Indexed(
        event_id=str(event.get("eventID", hashed)),
        hash=digest,
        type=str(event.get("type")),
        action=event.get("action") if isinstance(event.get("action"), str) else None,
        event_time_ms=0 if event_time is None else event_time,
        biz_step=_cbv(event, "bizStep"),
        disposition=_cbv(event, "disposition"),
        read_point=_place(event, "readPoint"),
        biz_location=_place(event, "bizLocation"),
        identifiers=tuple(dict.fromkeys(identifiers)),
    )


def _spellings(role: str, identifier: str) -> list[tuple[str, str]]:
    """An identifier as the index holds it: as its GS1 key's Digital Link path, and as the
    event wrote it (a MATCH_ value ending in ``*`` may start either)."""
    return [(role, indexed_identifier(identifier)), (role, identifier)]


def _cbv(event: Mapping[str, Any], kind: str) -> str | None:
    value = event.get(kind)
    return cbv_short(kind, value) if isinstance(value, str) else None


def _place(event: Mapping[str, Any], kind: str) -> str | None:
    value = event.get(kind)
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return indexed_identifier(str(value["id"]))
    return None


def indexed_identifier(identifier: str) -> str:
    """How an identifier is indexed: a GS1 key by its Digital Link path, whichever way the
    event wrote it (EPC URI, or Digital Link on any host), so that one query finds both
    spellings; anything else as written."""
    return canonical_key(identifier) or identifier
