"""The EPCIS 2.0 query language, the subset that traceability needs, read from a REST
query string into an :class:`~.store.EventFilter` (``docs/spec/traceability.md`` §4).

Parameters (values separated by ``|``, as GS1's OpenAPI document says: ``pipeDelimited``):
``eventType``, ``EQ_eventID``, ``EQ_action``, ``EQ_bizStep``, ``EQ_disposition`` (CBV words
or their URIs), ``EQ_readPoint``, ``EQ_bizLocation``, ``GE_eventTime``/``LT_eventTime``,
``GE_recordTime``/``LT_recordTime`` (RFC 3339), ``MATCH_epc``, ``MATCH_parentID``,
``MATCH_inputEPC``, ``MATCH_outputEPC``, ``MATCH_anyEPC``, ``MATCH_epcClass``,
``MATCH_inputEPCClass``, ``MATCH_outputEPCClass``, ``MATCH_anyEPCClass``, and ``perPage`` /
``nextPageToken``. A MATCH_ value is an identifier (a GS1 key however spelt), an EPC pure
identity pattern (``urn:epc:idpat:sgtin:0614141.*.*``: each field a value or a trailing
``*``, GS1 Tag Data Standard), or a value ending in ``*``, which matches every identifier
it starts as the event wrote it, and every spelling of a GS1 key it names up to its last
part (``urn:epc:id:sgtin:0614141.107346.*``).
Any other parameter is refused by name: a query that silently ignored a condition would
answer a question nobody asked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sen.light.event_receipt import epcis_time_ms
from sen.light.gs1_keys import canonical_key, check_digit
from sen.services.traceability.errors import EpcisInvalid, Problem, QueryInvalid
from sen.services.traceability.repository import cbv_short, indexed_identifier
from sen.services.traceability.store import EventFilter

EVENT_TYPES = (
    "ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent",
    "AssociationEvent",
)  # fmt: skip
ACTIONS = ("ADD", "OBSERVE", "DELETE")
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 1000
MATCH_ROLES: dict[str, tuple[str, ...]] = {
    "MATCH_epc": ("epc", "child"),
    "MATCH_parentID": ("parent",),
    "MATCH_inputEPC": ("input",),
    "MATCH_outputEPC": ("output",),
    "MATCH_anyEPC": ("epc", "child", "parent", "input", "output"),
    "MATCH_epcClass": ("class", "childClass"),
    "MATCH_inputEPCClass": ("inputClass",),
    "MATCH_outputEPCClass": ("outputClass",),
    "MATCH_anyEPCClass": ("class", "childClass", "inputClass", "outputClass"),
}
_LISTS = {
    "eventType": "event_types", "EQ_eventID": "event_ids", "EQ_action": "actions",
    "EQ_bizStep": "biz_steps", "EQ_disposition": "dispositions",
    "EQ_readPoint": "read_points", "EQ_bizLocation": "biz_locations",
}  # fmt: skip
_TIMES = {
    "GE_eventTime": "event_time_from", "LT_eventTime": "event_time_until",
    "GE_recordTime": "record_time_from", "LT_recordTime": "record_time_until",
}  # fmt: skip
KNOWN = frozenset({*_LISTS, *_TIMES, *MATCH_ROLES, "perPage", "nextPageToken"})


@dataclass(frozen=True, slots=True)
class Query:
    where: EventFilter
    per_page: int
    after: int  # the last event's place of the page before (0: the first page)


def _bad(name: str, expected: str, got: str) -> EpcisInvalid:
    return QueryInvalid([Problem(f"?{name}", expected, got[:100])])


def parse_query(params: Sequence[tuple[str, str]]) -> Query:
    """``params`` (the query string's pairs, in order) as a query, or :class:`EpcisInvalid`
    naming the parameter (its pointer is ``?<name>``)."""
    seen: dict[str, str] = {}
    for name, value in params:
        if name not in KNOWN:
            raise _bad(name, "a query parameter of " + ", ".join(sorted(KNOWN)), name)
        if name in seen:
            raise _bad(name, "the parameter once (alternatives separated by |)", "twice")
        seen[name] = value
    lists: dict[str, tuple[str, ...]] = {}
    for name, field in _LISTS.items():
        if name in seen:
            lists[field] = _values(name, seen[name])
    for value in lists.get("event_types", ()):
        if value not in EVENT_TYPES:
            raise _bad("eventType", "one of " + ", ".join(EVENT_TYPES), value)
    for value in lists.get("actions", ()):
        if value not in ACTIONS:
            raise _bad("EQ_action", "one of " + ", ".join(ACTIONS), value)
    if "biz_steps" in lists:
        lists["biz_steps"] = tuple(cbv_short("bizStep", v) for v in lists["biz_steps"])
    if "dispositions" in lists:
        lists["dispositions"] = tuple(cbv_short("disposition", v) for v in lists["dispositions"])
    times: dict[str, int] = {}
    for name, field in _TIMES.items():
        if name in seen:
            ms = epcis_time_ms(seen[name])
            if ms is None:
                raise _bad(name, "an RFC 3339 time with an offset or Z", seen[name])
            times[field] = ms
    for field in ("read_points", "biz_locations"):
        if field in lists:
            lists[field] = tuple(indexed_identifier(v) for v in lists[field])
    matched = [(roles, name) for name, roles in MATCH_ROLES.items() if name in seen]
    identifiers = tuple((roles, _alternatives(name, seen[name])) for roles, name in matched)
    per_page = _per_page(seen.get("perPage"))
    where = EventFilter(**lists, **times, identifiers=identifiers)  # type: ignore[arg-type]
    after = _after(seen["nextPageToken"], where) if "nextPageToken" in seen else 0
    return Query(where, per_page, after)


def _matched(name: str, value: str) -> tuple[str, ...]:
    """A MATCH_ value as alternatives over the index, which holds each identifier as the
    event wrote it and, for a GS1 key, as its Digital Link path (a trailing ``*``: any rest)."""
    if value.startswith("urn:epc:idpat:"):
        return _pattern(name, value)
    if not value.endswith("*"):
        return (indexed_identifier(value),)
    found = canonical_key(value) or _link_key_type(value)
    if found is None:
        return (value,)
    return (value, found if found.endswith("*") else found + "*")


def _link_key_type(value: str) -> str | None:
    """``https://id.gs1.org/01/*``: every key of that type (its Digital Link path starts so)."""
    found = re.fullmatch(r"https?://[^/]+(?:/[^/]+)*?/(01|00|414|417|8003|8004|8018)/\*", value)
    return None if found is None else found.group(1) + "/*"


# A pattern's fields (GS1 Tag Data Standard), and the Digital Link prefix of its keys.
_PATTERN_FIELDS = {"sgtin": 3, "sscc": 2, "sgln": 3, "grai": 3, "giai": 2, "gsrn": 2}
_PATTERN_AI = {"sgtin": "01", "sscc": "00", "sgln": "414", "grai": "8003", "giai": "8004",
               "gsrn": "8018"}  # fmt: skip


def _pattern(name: str, value: str) -> tuple[str, ...]:
    """An EPC pure identity pattern as Digital Link path prefixes: each field a value or
    ``*``, the ``*`` fields last. A GTIN's and an SSCC's first digit (indicator, extension)
    comes before the company prefix, so ``<prefix>.*`` is one prefix per digit. An sgtin
    pattern of one GTIN (``<prefix>.<item>.*``) also matches its lots, which share the
    GTIN's path."""
    scheme, _, body = value.removeprefix("urn:epc:idpat:").partition(":")
    fields = body.split(".")
    fixed = fields[: fields.index("*")] if "*" in fields else fields
    shape = _PATTERN_FIELDS.get(scheme)
    if (
        shape is None or len(fields) != shape or "*" in fixed
        or any(f != "*" for f in fields[len(fixed) :])
        or (fixed and not (fixed[0].isdigit() and 4 <= len(fixed[0]) <= 12))
    ):  # fmt: skip
        raise _bad(name, "an EPC pattern of " + ", ".join(_PATTERN_FIELDS) + " with its * "
                   "fields last (urn:epc:idpat:sgtin:0614141.*.*)", value)  # fmt: skip
    ai = _PATTERN_AI[scheme]
    if not fixed:
        return (value, f"{ai}/*")
    if len(fixed) == len(fields):
        key = canonical_key(f"urn:epc:id:{scheme}:{body}")
        return (value,) if key is None else (value, key)
    prefix = fixed[0]
    if len(fixed) == 1 and scheme in ("sgtin", "sscc"):
        return (value, *(f"{ai}/{digit}{prefix}*" for digit in "0123456789"))
    if len(fixed) == 1:
        return (value, f"{ai}/{'0' if scheme == 'grai' else ''}{prefix}*")
    digits = {"sgtin": fixed[1][:1] + prefix + fixed[1][1:], "sgln": prefix + fixed[1],
              "grai": "0" + prefix + fixed[1]}[scheme]  # fmt: skip
    if not digits.isdigit():
        raise _bad(name, "digits in an EPC pattern's fixed fields", value)
    return (value, f"{ai}/{digits}{check_digit(digits)}*")


MAX_VALUES = 64
"""Alternatives one parameter may list."""
MAX_MATCHED = 256
"""What one MATCH_ parameter's alternatives stand for in the index (an EPC pattern stands
for up to 11 ranges): the database evaluates them as a chain of ORs, and refuses one
deeper than 1,000 (SQLite), an error of the server's where the query is at fault."""


def _alternatives(name: str, text: str) -> tuple[str, ...]:
    found = tuple(m for v in _values(name, text) for m in _matched(name, v))
    if len(found) > MAX_MATCHED:
        wanted = f"values that stand for at most {MAX_MATCHED} identifiers or ranges"
        raise _bad(
            name, wanted + " (an EPC pattern of a prefix alone stands for 11)", str(len(found))
        )
    return found


def _values(name: str, text: str) -> tuple[str, ...]:
    values = tuple(text.split("|"))
    if any(not v for v in values):
        raise _bad(name, "one or more values separated by |, none empty", text)
    if len(values) > MAX_VALUES:
        raise _bad(name, f"at most {MAX_VALUES} values separated by |", f"{len(values)} values")
    return values


def _per_page(text: str | None) -> int:
    if text is None:
        return DEFAULT_PER_PAGE
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_PER_PAGE:
        raise _bad("perPage", f"an integer from 1 to {MAX_PER_PAGE}", text)
    return int(text)


def next_page_token(after: int, where: EventFilter) -> str:
    """An opaque token for the page after the event at ``after``, bound to its filter."""
    raw = json.dumps({"after": after, "filter": _fingerprint(where)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(token: str, where: EventFilter) -> int:
    """The place a token continues from; only good with the filter it was made for."""
    found = _decode(token)
    after = found.get("after")
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**63:
        raise _bad("nextPageToken", "a token this repository gave", token)
    if found.get("filter") != _fingerprint(where):
        raise _bad("nextPageToken", "a token from a page of this same query", token)
    return after


def _decode(text: str) -> Mapping[str, object]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        found = json.loads(raw)
    except (binascii.Error, ValueError):
        raise _bad("nextPageToken", "a token this repository gave", text) from None
    if not isinstance(found, dict):
        raise _bad("nextPageToken", "a token this repository gave", text)
    return found


def _fingerprint(where: EventFilter) -> str:
    return hashlib.sha256(repr(where).encode()).hexdigest()[:32]
