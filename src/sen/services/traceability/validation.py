"""Is this an EPCIS 2.0 document Sen accepts? If not, which fields are wrong, and how.

The verdict is GS1's EPCIS 2.0 JSON schema (bundled, :mod:`.artifacts`) with its
``date-time`` and ``uri`` formats checked, as GS1 runs it (ajv with ajv-formats), plus
three rules of Sen's own, checked first:

1. the document is of the kind asked for (``EPCISDocument`` for a capture,
   ``EPCISQueryDocument`` for a query's answer) and has at most ``max_events`` events
   (:class:`~.errors.DocumentTooLarge`, before anything else is read);
2. its ``@context`` names the EPCIS 2.0 context, :data:`~.artifacts.EPCIS_CONTEXT_URL`
   (alone or in a list): the bundled context is the only one Sen reads events with;
3. every event has one of the five EPCIS 2.0 event types. GS1's schema also admits an
   event whose type is any URI (an extension event); Sen refuses it, since the
   repository's event hashes, receipts and queries are built for those five. (An event
   without a type is checked by the schema against all five definitions at once; naming
   the missing type first spares a screen of complaints.)

A refusal is :class:`~.errors.EpcisInvalid` (a ``ValueError``) listing each problem: the
JSON pointer of the field, what was expected, what was got (:mod:`._problems`).

Two engines, for speed. The schema is compiled once per process into a jsonschema-rs
validator (Rust) that gives the verdict: about 10 ms for a 1,000-event document, where the
pure-Python jsonschema takes about 3 s. Only a refused document is explained, by jsonschema
(whose errors carry the schema's alternatives, which the explanation needs), and only the
parts jsonschema-rs refused: the envelope and each refused event, up to
:data:`MAX_PROBLEMS` problems. Both engines agree on every GS1 example and on every
mutation in the tests (tests/conformance/epcis/test_gs1_schema.py); should they ever
disagree on a document the fast engine refuses, its own message is reported. Where they
differ the other way, the fast engine's verdict stands: it accepts a leap second
(``23:59:60``, as RFC 3339 does), which jsonschema's date-time check refuses.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jsonschema_rs
from jsonschema import Draft7Validator
from referencing import Registry

from sen.services.traceability._problems import (
    Path,
    describe,
    explain,
    parse_pointer,
    path_order,
    pointer,
    typed,
)
from sen.services.traceability.artifacts import EPCIS_CONTEXT_URL, load_schema
from sen.services.traceability.errors import (
    DocumentTooLarge,
    EpcisInvalid,
    Problem,
    TraceabilityError,
)

__all__ = [
    "DEFAULT_MAX_EVENTS",
    "EVENT_TYPES",
    "MAX_PROBLEMS",
    "EpcisValidator",
    "default_validator",
    "validate_document",
    "validate_event",
    "validate_query_document",
]

EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)
DEFAULT_MAX_EVENTS = 10_000
"""Events per document unless the caller says otherwise (about 0.1 s of validation)."""
MAX_PROBLEMS = 50
"""Problems reported at most; beyond them the error says that there may be more."""

CAPTURE_DOCUMENT = "EPCISDocument"
QUERY_DOCUMENT = "EPCISQueryDocument"
_EVENT_LISTS: Mapping[str, Path] = {
    CAPTURE_DOCUMENT: ("epcisBody", "eventList"),
    QUERY_DOCUMENT: ("epcisBody", "queryResults", "resultsBody", "eventList"),
}
_FORMATS_NEEDED = ("date-time", "uri")


class EpcisValidator:
    """GS1's schema compiled once; validates documents and single events."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        event_schema = {
            "$schema": schema.get("$schema"),
            "definitions": schema.get("definitions"),
            "$ref": "#/definitions/EPCIS-Document-Event",
        }
        self._document = _Schema(schema)
        self._event = _Schema(event_schema)

    def validate_document(self, document: object, *, max_events: int = DEFAULT_MAX_EVENTS) -> None:
        """Refuse (:class:`EpcisInvalid`) anything but a valid ``EPCISDocument`` (a capture)."""
        self._check_document(document, CAPTURE_DOCUMENT, max_events)

    def validate_query_document(
        self, document: object, *, max_events: int = DEFAULT_MAX_EVENTS
    ) -> None:
        """Refuse anything but a valid ``EPCISQueryDocument`` (a query's answer)."""
        self._check_document(document, QUERY_DOCUMENT, max_events)

    def validate_event(self, event: object, *, at: str = "") -> None:
        """Refuse an event that could not stand in an event list; ``at`` prefixes pointers."""
        base = parse_pointer(at)
        unknown = _unknown_type(event, base)
        if unknown is not None:
            raise EpcisInvalid([unknown])
        if self._event.is_valid(event):
            return
        found = self._event.explain(event, base)
        raise EpcisInvalid(found[:MAX_PROBLEMS], complete=len(found) <= MAX_PROBLEMS)

    def _check_document(self, document: object, kind: str, max_events: int) -> None:
        if not isinstance(document, dict):
            raise EpcisInvalid([Problem("", f"an {kind} (a JSON object)", typed(document))])
        if document.get("type") != kind:
            got = describe(document["type"]) if "type" in document else "nothing"
            raise EpcisInvalid([Problem("/type", kind, got)])
        list_path = _EVENT_LISTS[kind]
        events = _find(document, list_path)
        if isinstance(events, list) and len(events) > max_events:
            raise DocumentTooLarge(pointer(list_path), len(events), max_events)
        event_list = events if isinstance(events, list) else []
        problems = _context_problems(document)
        for index, event in enumerate(event_list):
            unknown = _unknown_type(event, (*list_path, index))
            if unknown is not None:
                problems.append(unknown)
        if not problems and self._document.is_valid(document):
            return
        problems += self._explain_document(document, list_path, event_list, problems)
        unique = _in_order(problems)
        raise EpcisInvalid(unique[:MAX_PROBLEMS], complete=len(unique) <= MAX_PROBLEMS)

    def _explain_document(
        self, document: dict[str, Any], list_path: Path, events: list[Any], known: list[Problem]
    ) -> list[Problem]:
        refused = self._document.refused_paths(document)
        skip = {problem.pointer for problem in known}
        indices = sorted(
            {int(path[len(list_path)]) for path in refused if _under_event(path, list_path)}
        )
        envelope = [path for path in refused if not _under_event(path, list_path)]
        problems: list[Problem] = []
        if envelope:
            emptied = _replace(document, list_path, []) if events else document
            problems += self._document.explain(emptied, ())
        for index in indices:
            if len(problems) > MAX_PROBLEMS:
                break
            if pointer((*list_path, index, "type")) in skip:
                continue  # not an EPCIS event type: the schema's complaints would be noise
            problems += self._event.explain(events[index], (*list_path, index))
        return problems


class _Schema:
    """One schema in both engines: jsonschema-rs for the verdict, jsonschema to explain."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        checker = Draft7Validator.FORMAT_CHECKER
        missing = [name for name in _FORMATS_NEEDED if name not in checker.checkers]
        if missing:
            raise TraceabilityError(
                f"jsonschema cannot check the {', '.join(missing)} format(s) GS1's schema uses: "
                "install rfc3339-validator and rfc3986-validator (sen[server] does)"
            )
        self._fast = jsonschema_rs.Draft7Validator(
            dict(schema), validate_formats=True, retriever=_refuse
        )
        # An empty registry: references resolve inside the schema or not at all (never fetched)
        self._explainer = Draft7Validator(schema, format_checker=checker, registry=Registry())

    def is_valid(self, instance: object) -> bool:
        return self._fast.is_valid(instance)

    def refused_paths(self, instance: object) -> list[Path]:
        return [tuple(error.instance_path) for error in self._fast.iter_errors(instance)]

    def explain(self, instance: object, base: Path) -> list[Problem]:
        found = [problem for _, problem in explain(self._explainer.iter_errors(instance), base)]
        if found:
            return found
        return [  # the engines disagree: report the fast engine's own words
            Problem(
                pointer(base + tuple(error.instance_path)),
                f"a value the schema accepts ({error.message})",
                describe(error.instance),
            )
            for error in self._fast.iter_errors(instance)
        ][:MAX_PROBLEMS]


@functools.cache
def default_validator() -> EpcisValidator:
    """The validator over the bundled schema (checked against its SHA-256 once per process)."""
    return EpcisValidator(load_schema())


def validate_document(document: object, *, max_events: int = DEFAULT_MAX_EVENTS) -> None:
    """Refuse (:class:`~.errors.EpcisInvalid`) anything but a valid ``EPCISDocument``."""
    default_validator().validate_document(document, max_events=max_events)


def validate_query_document(document: object, *, max_events: int = DEFAULT_MAX_EVENTS) -> None:
    """Refuse anything but a valid ``EPCISQueryDocument``."""
    default_validator().validate_query_document(document, max_events=max_events)


def validate_event(event: object, *, at: str = "") -> None:
    """Refuse an event that could not stand in an EPCIS event list (as queries return them)."""
    default_validator().validate_event(event, at=at)


def _context_problems(document: Mapping[str, Any]) -> list[Problem]:
    context = document.get("@context")
    names = context if isinstance(context, list) else [context]
    if EPCIS_CONTEXT_URL in names:
        return []
    got = describe(context) if "@context" in document else "nothing"
    return [Problem("/@context", f"a context naming {EPCIS_CONTEXT_URL}", got)]


def _unknown_type(event: object, at: Path) -> Problem | None:
    """An event whose type is missing or not one of the five.

    GS1's schema checks an event against the definition its type names; without a type it
    checks it against all five (a screen of complaints), so Sen names the type first.
    """
    if not isinstance(event, dict) or event.get("type") in EVENT_TYPES:
        return None
    got = describe(event["type"]) if "type" in event else "nothing"
    return Problem(pointer((*at, "type")), "one of " + ", ".join(EVENT_TYPES), got)


def _in_order(problems: list[Problem]) -> list[Problem]:
    """The first problem at each pointer, sorted by path (array positions as numbers)."""
    first: dict[str, Problem] = {}
    for problem in problems:
        first.setdefault(problem.pointer, problem)
    return sorted(first.values(), key=lambda problem: path_order(parse_pointer(problem.pointer)))


def _find(document: Mapping[str, Any], path: Path) -> object:
    value: object = document
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _replace(document: dict[str, Any], path: Path, new: object) -> dict[str, Any]:
    """A copy of ``document`` with the value at ``path`` (which exists) replaced; shallow."""
    head, *rest = path
    copy = dict(document)
    copy[str(head)] = _replace(copy[str(head)], tuple(rest), new) if rest else new
    return copy


def _under_event(path: Path, list_path: Path) -> bool:
    n = len(list_path)
    return len(path) > n and path[:n] == list_path and isinstance(path[n], int)


def _refuse(uri: str) -> Any:
    raise TraceabilityError(f"GS1's schema refers to {uri}; Sen never fetches schemas")
