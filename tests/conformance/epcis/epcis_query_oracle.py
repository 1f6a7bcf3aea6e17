"""The EPCIS 2.0 query language, as the standard defines it, over events held in memory: the
oracle the conformance tests compare the repository's answers with.

Written from GS1's own definitions, not from ``sen.services.traceability.query``: the
parameter descriptions of GS1's REST binding (the bundled ``openapi.json``, which quotes
the standard's section 8.2.7.1), GS1 Tag Data Standard's EPC URIs and pure identity
patterns, and GS1 Digital Link's primary keys. What each parameter reads:

- ``eventType``: the event's ``type`` is one of the values;
- ``EQ_action``, ``EQ_eventID``: the field is present and equal to one of the values;
- ``EQ_bizStep``, ``EQ_disposition``: the field is present and names the same CBV value,
  whether written as its bare word, its URN (``urn:epcglobal:cbv:bizstep:shipping``) or its
  Web URI (``https://ref.gs1.org/cbv/BizStep-shipping``); other values compared as written;
- ``EQ_readPoint``, ``EQ_bizLocation``: the place's ``id`` is the same identifier;
- ``GE_``/``LT_`` ``eventTime``/``recordTime``: at or after, strictly before (compared as
  instants, whatever their offsets);
- ``MATCH_epc``: ``epcList`` or ``childEPCs``; ``MATCH_parentID``: ``parentID``;
  ``MATCH_inputEPC``: ``inputEPCList``; ``MATCH_outputEPC``: ``outputEPCList``;
  ``MATCH_anyEPC``: all five; ``MATCH_epcClass``: ``quantityList`` or ``childQuantityList``;
  ``MATCH_inputEPCClass``, ``MATCH_outputEPCClass``: those lists; ``MATCH_anyEPCClass``: all
  four quantity lists (only their ``epcClass``). An identifier in one of those places
  matches a value when (standard, 8.2.7.1.1) the value is a pure identity pattern
  (``urn:epc:idpat:sgtin:4012345.011111.*``) whose fields are each ``*`` or the
  identifier's own; or, for a value ending in ``*`` (Sen's extension, spec §4), when the
  identifier as written starts with the rest of the value, or its GS1 key does: a Digital
  Link stem against the key's Digital Link on that host, an EPC URI stem that names a
  whole key but for its last part (``urn:epc:id:sgtin:0614141.107346.*``) against the
  key's other parts; or else when it is the same identifier.

"The same identifier": EPCIS 2.0 lets a GS1 key be written as an EPC URI or as a GS1 Digital
Link URI (on any host), one EPC scheme per Digital Link form (standard 8.2.4.2; the
``GS1-EPC-Format`` header asks a repository for either spelling), so both spellings of a
key are one identifier; a GTIN alone in a Digital Link is the class the pattern
``urn:epc:idpat:sgtin:<prefix>.<item>.*`` names (GS1's editor, gs1/EPCIS issue 197).
Anything that is not a GS1 key is compared as written. A Digital Link carries no company
prefix length: matching one against a pattern takes it from the pattern (GS1 never
allocates a prefix that starts another, so the pattern's prefix says where the key's ends
if the key is under it at all).

Parameters are ANDed; the values of one parameter (``|``-separated) are ORed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

Event = Mapping[str, Any]

EPC_PLACES: dict[str, tuple[str, ...]] = {
    "MATCH_epc": ("epcList", "childEPCs"),
    "MATCH_parentID": ("parentID",),
    "MATCH_inputEPC": ("inputEPCList",),
    "MATCH_outputEPC": ("outputEPCList",),
    "MATCH_anyEPC": ("epcList", "childEPCs", "parentID", "inputEPCList", "outputEPCList"),
}
CLASS_PLACES: dict[str, tuple[str, ...]] = {
    "MATCH_epcClass": ("quantityList", "childQuantityList"),
    "MATCH_inputEPCClass": ("inputQuantityList",),
    "MATCH_outputEPCClass": ("outputQuantityList",),
    "MATCH_anyEPCClass": (
        "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList",
    ),
}  # fmt: skip
CBV_FORMS = {
    "EQ_bizStep": ("bizStep", "urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
    "EQ_disposition": ("disposition", "urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
}
RESOLVER = "https://id.gs1.org/"


# -- GS1 keys: EPC URIs and Digital Links ------------------------------------------------


def check_digit(digits: str) -> str:
    """GS1's check digit: weights 3, 1, 3, ... from the right, then up to a multiple of 10."""
    total = sum(int(d) * (1 if i % 2 else 3) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


_EPC_URI = re.compile(r"^urn:epc:(id|class|idpat):([a-z0-9]+):(.+)$")
_PRIMARY = ("01", "00", "414", "417", "8003", "8004", "8018")


def gs1_key(identifier: str) -> tuple[str, ...] | None:
    """The GS1 key ``identifier`` names as Digital Link pairs (``("01", gtin14, "21",
    serial)``), however it is written; None for anything else."""
    if identifier.startswith("urn:epc:"):
        return _key_of_epc_uri(identifier)
    if identifier.startswith(("https://", "http://")):
        return _key_of_link(identifier)
    return None


def _key_of_epc_uri(uri: str) -> tuple[str, ...] | None:
    found = _EPC_URI.match(uri)
    if found is None:
        return None
    kind, scheme, body = found.groups()
    fields = [unquote(f) for f in body.split(".")]
    cp = fields[0]
    if kind == "idpat":  # only a GTIN's class has a Digital Link of its own
        if scheme == "sgtin" and len(fields) == 3 and fields[2] == "*" and "*" not in fields[:2]:
            return ("01", _gtin(cp, fields[1]))
        return None
    shapes: dict[tuple[str, str], Callable[[], tuple[str, ...]]] = {
        ("id", "sgtin"): lambda: ("01", _gtin(cp, fields[1]), "21", fields[2]),
        ("class", "lgtin"): lambda: ("01", _gtin(cp, fields[1]), "10", fields[2]),
        ("id", "sscc"): lambda: ("00", _with_check(fields[1][:1] + cp + fields[1][1:])),
        ("id", "sgln"): lambda: (
            ("414", _with_check(cp + fields[1])) + (() if fields[2] == "0" else ("254", fields[2]))
        ),
        ("id", "pgln"): lambda: ("417", _with_check(cp + fields[1])),
        ("id", "grai"): lambda: ("8003", _with_check("0" + cp + fields[1]) + fields[2]),
        ("id", "giai"): lambda: ("8004", cp + fields[1]),
        ("id", "gsrn"): lambda: ("8018", _with_check(cp + fields[1])),
    }
    shape = shapes.get((kind, scheme))
    if shape is None:
        return None
    try:
        return shape()
    except (IndexError, ValueError):  # too few fields; a check digit of a non-digit
        return None


def _gtin(company_prefix: str, item_reference: str) -> str:
    return _with_check(item_reference[:1] + company_prefix + item_reference[1:])


def _with_check(digits: str) -> str:
    return digits + check_digit(digits)


def _key_of_link(uri: str) -> tuple[str, ...] | None:
    segments = [unquote(s) for s in urlsplit(uri).path.split("/") if s]
    for i, segment in enumerate(segments[:-1]):
        if segment in _PRIMARY:
            value = segments[i + 1]
            rest = segments[i + 2 :]
            if segment == "01":
                value = value.rjust(14, "0")
            return None if len(rest) % 2 else (segment, value, *rest)
    return None


def epc_uri(key: tuple[str, ...], company_prefix_length: int) -> str | None:
    """``key`` as its EPC URI, its company prefix ``company_prefix_length`` digits long."""
    n = company_prefix_length
    ai, value, *rest = key
    if ai == "01":
        cp, item = value[1 : 1 + n], value[0] + value[1 + n : 13]
        if not rest:
            return f"urn:epc:idpat:sgtin:{cp}.{item}.*"
        kind = {"21": "id:sgtin", "10": "class:lgtin"}.get(rest[0])
        return None if kind is None or len(rest) != 2 else f"urn:epc:{kind}:{cp}.{item}.{rest[1]}"
    if ai == "00":
        return f"urn:epc:id:sscc:{value[1 : 1 + n]}.{value[0]}{value[1 + n : 17]}"
    if ai == "414":
        extension = rest[1] if rest[:1] == ["254"] else "0"
        return f"urn:epc:id:sgln:{value[:n]}.{value[n:12]}.{extension}"
    if ai == "417":
        return f"urn:epc:id:pgln:{value[:n]}.{value[n:12]}"
    if ai == "8003":
        return f"urn:epc:id:grai:{value[1 : 1 + n]}.{value[1 + n : 13]}.{value[14:]}"
    if ai == "8004":
        return f"urn:epc:id:giai:{value[:n]}.{value[n:]}"
    if ai == "8018":
        return f"urn:epc:id:gsrn:{value[:n]}.{value[n:17]}"
    return None


def same_identifier(a: str, b: str) -> bool:
    if a == b:
        return True
    key = gs1_key(a)
    return key is not None and key == gs1_key(b)


def stem_matches(stem: str, identifier: str) -> bool:
    """A value ending in ``*``, without it, against an identifier (see the module doc)."""
    if identifier.startswith(stem):
        return True
    key = gs1_key(identifier)
    if key is None:
        return False
    path = "/".join(key)
    if stem.startswith(("https://", "http://")):
        base = re.match(r"^https?://[^/]*/(?:[^/]+/)*?(?=(?:01|00|414|417|8003|8004|8018)/)", stem)
        hosts = {RESOLVER} | ({base.group(0)} if base is not None else set())
        return any((host + path).startswith(stem) for host in hosts)
    whole = gs1_key(stem + "X")  # the stem names a whole key if only its last part is open
    if stem.startswith("urn:epc:") and whole is not None and whole[-1].endswith("X"):
        return path.startswith("/".join(whole)[:-1])
    return False


def pattern_matches(pattern: str, identifier: str) -> bool:
    """A pure identity pattern (``urn:epc:idpat:<scheme>:<fields>``, ``*`` for any field)
    against an identifier of that scheme; a pattern matches the patterns it covers too."""
    found = _EPC_URI.match(pattern)
    if found is None:
        return False
    _, scheme, body = found.groups()
    wanted = body.split(".")
    uri = identifier
    if not identifier.startswith("urn:epc:"):
        key = gs1_key(identifier)
        uri = epc_uri(key, len(wanted[0])) if key is not None and wanted[0] != "*" else None
        if uri is None:
            return False
    got = _EPC_URI.match(uri)
    if got is None or got.group(2) != scheme or got.group(1) == "class":
        return False
    fields = got.group(3).split(".")
    return len(fields) == len(wanted) and all(
        w in ("*", f) for w, f in zip(wanted, fields, strict=True)
    )


def identifier_matches(value: str, identifier: str) -> bool:
    if value.startswith("urn:epc:idpat:"):
        return pattern_matches(value, identifier) or same_identifier(value, identifier)
    if value.endswith("*"):
        return stem_matches(value[:-1], identifier)
    return same_identifier(value, identifier)


# -- events --------------------------------------------------------------------------------


def identifiers_at(event: Event, places: Sequence[str]) -> Iterator[str]:
    """The identifiers ``event`` names in ``places`` (EPC lists, ``parentID``, quantity
    lists' ``epcClass``)."""
    for place in places:
        value = event.get(place)
        if isinstance(value, str):
            yield value
        for item in value if isinstance(value, list) else ():
            if isinstance(item, str):
                yield item
            elif isinstance(item, Mapping) and isinstance(item.get("epcClass"), str):
                yield item["epcClass"]


def instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text}: no offset")
    return moment


def cbv_word(value: str, forms: tuple[str, str, str]) -> str:
    for prefix in forms[1:]:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def condition(name: str, values: Sequence[str]) -> Callable[[Event], bool]:
    """What one parameter (its ``|``-separated values split) asks of an event."""
    if name == "eventType":
        return lambda e: e.get("type") in values
    if name in ("EQ_action", "EQ_eventID"):
        field = name[3:]
        return lambda e: isinstance(e.get(field), str) and e[field] in values
    if name in CBV_FORMS:
        forms = CBV_FORMS[name]
        words = {cbv_word(v, forms) for v in values}
        field = forms[0]
        return lambda e: isinstance(e.get(field), str) and cbv_word(e[field], forms) in words
    if name in ("EQ_readPoint", "EQ_bizLocation"):
        field = name[3].lower() + name[4:]
        return lambda e: any(same_identifier(v, _place(e, field) or "\0") for v in values)
    if name[:3] in ("GE_", "LT_") and name[3:] in ("eventTime", "recordTime"):
        (bound,) = values
        field, at = name[3:], instant(bound)
        if name.startswith("GE_"):
            return lambda e: instant(e[field]) >= at
        return lambda e: instant(e[field]) < at
    places = EPC_PLACES.get(name) or CLASS_PLACES.get(name)
    if places is not None:
        return lambda e: any(
            identifier_matches(v, i) for i in identifiers_at(e, places) for v in values
        )
    raise KeyError(name)


def _place(event: Event, field: str) -> str | None:
    value = event.get(field)
    return value["id"] if isinstance(value, Mapping) and isinstance(value.get("id"), str) else None


def answer(events: Sequence[Event], params: Mapping[str, str]) -> list[Event]:
    """The events (in the order given) a query with ``params`` selects."""
    conditions = [condition(name, text.split("|")) for name, text in params.items()]
    return [e for e in events if all(c(e) for c in conditions)]
