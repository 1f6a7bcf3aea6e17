"""The GS1 CBV 2.0 event hash of one EPCIS 2.0 event, computed from the event alone.

An event's hash (``ni:///sha-256;<hex>?ver=CBV2.0``, RFC 6920) is the SHA-256 of its
*pre-hash string*: the event's fields, normalised and concatenated in a canonical
order, so that the same event hashes the same whatever its key order or syntax. The
algorithm is CBV 2.0 §8.9 ("EPCIS Event Hash ID"), written down with its rules
numbered in the README of github.com/RalphTro/epcis-event-hash-generator; our tests
hold this module against that reference implementation (``tests/conformance/epcis``).

The pre-hash string, in order (rule 1, the canonical property order):

1. ``eventType=`` the event's ``type``; ``eventTime=`` in UTC with milliseconds
   (``2020-03-04T09:00:30.000Z``, rules 8-9: a fourth decimal of 5-9 rounds the third
   up); ``eventTimeZoneOffset=``; ``certificationInfo=`` (placed after the offset as in
   reference issue #75 and OpenEPCIS).
2. The *what*: ``epcList``, ``parentID``, ``inputEPCList``, ``childEPCs``, the
   quantity lists (``quantityElement`` ``epcClass``/``quantity``/``uom``),
   ``outputEPCList``, ``outputQuantityList``; each list's elements sorted (rule 11).
3. ``action``, ``transformationID``, ``bizStep``, ``disposition``,
   ``persistentDisposition`` (``set``/``unset``), ``readPoint``, ``bizLocation``.
4. ``bizTransactionList``, ``sourceList``, ``destinationList``: each element's
   ``type=`` before its identifier (rule 13, reference issue #80).
5. ``sensorElementList`` (``sensorElement``: ``sensorMetadata``, the ``sensorReport``
   elements), ``ilmd``, then the user extensions, sorted (rules 18-19).

Values are stripped (rule 5). A CURIE (``gs1:Temperature``, ``cbv:BizStep-shipping``,
a prefix the @context declares) is expanded (rule 15); a CBV URN
(``urn:epcglobal:cbv:bizstep:shipping``) becomes its web URI (rule 14); a bare CBV
term (``shipping``, ``in_transit``, ``po``, ``Temperature``) in its field becomes its
URI (rule 16); EPC URIs and GS1 Digital Link URIs become constrained canonical Digital
Link URIs on ``https://id.gs1.org`` (rules 17, 17a); numbers carry no trailing zeros
(rule 6: ``26.0`` is ``26``). A user extension's name is ``{namespace}localname``
(``{https://ns.example.com/epcis/}myField``); where it sits inside ``readPoint``,
``bizLocation``, ``sensorElement``, ``sensorMetadata`` or ``sensorReport`` it follows
that element's own fields (rule 20). ``eventID``, ``recordTime`` and the whole
``errorDeclaration`` are left out (reference issues #41, #53): an error declaration
keeps the eventID of the event it declares wrong, and with it that event's hash.

Where the rules leave a choice, we write what the reference writes: an extension's
value that is a numeral is a number (``"007"`` is ``7``; in XML, where extensions carry
no types, nothing else would let XML and JSON agree), extension values are neither times
nor CBV terms (nothing marks them so), an empty ``ilmd`` names itself, a float below
1e-4 keeps its exponent.
Where the reference (epcis-event-hash-generator 1.9.3) departs from the rules, we follow
the rules; ``tests/conformance/epcis/test_event_hash_*.py`` name each departure, why,
and the issue or pull request that says so. An event this module cannot hash (an unknown
type, a missing or malformed time, a number that is not one, an extension whose
namespace the @context does not declare) raises :class:`EventHashError` naming the field.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeAlias

from sen.light.errors import EventHashError

__all__ = [
    "EVENT_TYPES",
    "HASH_VERSION",
    "STANDARD_PREFIXES",
    "EventHashError",
    "event_hash",
    "extension_iri",
    "prehash_parts",
    "prehash_string",
    "read_identifier",
    "reading_prefixes",
]


def _pattern(regex: str) -> re.Pattern[str]:
    """A regular expression whose ``\\d`` means 0-9 only, as every format here wants."""
    return re.compile(regex, re.ASCII)


Context: TypeAlias = str | Mapping[str, object] | Sequence[object] | None
Prefixes: TypeAlias = Mapping[str, str]

HASH_VERSION = "CBV2.0"
EVENT_TYPES = frozenset(
    {"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent",
     "AssociationEvent"}
)  # fmt: skip

# The prefixes of the EPCIS 2.0 JSON-LD context, which every EPCIS document includes;
# a document's own @context may add to them or redefine them.
STANDARD_PREFIXES: Mapping[str, str] = {
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": "https://ref.gs1.org/cbv/",
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": "https://gs1.org/voc/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}

# Fields that are not part of the hash (rule 4 and the reference's issues #41, #53).
IGNORED_FIELDS = frozenset({"eventID", "recordTime", "errorDeclaration", "@context"})
COMMENTS = frozenset({"comment", "rdfs:comment"})  # never hashed, at any depth


def event_hash(event: Mapping[str, object], context: Context = None) -> str:
    """The CBV 2.0 event hash of ``event``: ``ni:///sha-256;<hex>?ver=CBV2.0``.

    ``context`` is the @context of the document the event came in (a URL, an object or
    a list of them); it declares the prefixes of the event's user extensions.
    """
    digest = hashlib.sha256(prehash_string(event, context).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver={HASH_VERSION}"


def prehash_string(event: Mapping[str, object], context: Context = None) -> str:
    """The pre-hash string of ``event`` (what :func:`event_hash` hashes)."""
    return "".join(prehash_parts(event, context))


def reading_prefixes(event: Mapping[str, object], context: Context = None) -> dict[str, str]:
    """The prefixes the hash reads ``event``'s compact IRIs with: the EPCIS context's, then
    those ``context`` (its document's) and its own ``@context`` declare. A context that is
    not one adds nothing (the hash itself refuses it)."""
    prefixes = dict(STANDARD_PREFIXES)
    for given, path in ((context, "@context"), (event.get("@context"), "event.@context")):
        with contextlib.suppress(EventHashError):
            _read_context(given, prefixes, path)
    return prefixes


def read_identifier(text: str, prefixes: Prefixes) -> str:
    """An identifier as the hash reads it: stripped, a compact IRI expanded with
    ``prefixes`` (:func:`reading_prefixes`), a CBV URN as its web URI, an EPC URI or a GS1
    Digital Link URI (any host, short names such as ``gtin`` too) as its constrained
    canonical Digital Link URI on ``https://id.gs1.org``."""
    return _identifier(text.strip(), prefixes)


def extension_iri(name: str, prefixes: Prefixes) -> str | None:
    """The IRI a member ``name`` that is not a standard field stands for, as the hash reads a
    user extension's name (a compact IRI, a full IRI, a term of the @context); None if it
    stands for none."""
    try:
        clark = _extension_name(name, name, prefixes)
    except EventHashError:
        return None
    namespace, _, local = clark[1:].partition("}")
    return namespace + local


def prehash_parts(event: Mapping[str, object], context: Context = None) -> tuple[str, ...]:
    """The pre-hash string's top-level elements, in canonical order (for debugging)."""
    if not isinstance(event, Mapping):
        raise EventHashError("event", "a JSON object", _show(event))
    prefixes = dict(STANDARD_PREFIXES)
    _read_context(context, prefixes, "@context")
    _read_context(event.get("@context"), prefixes, "event.@context")
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise EventHashError("type", f"one of {', '.join(sorted(EVENT_TYPES))}", _show(kind))
    if "eventTime" not in event:
        raise EventHashError("eventTime", "the time of the event", "nothing")
    ranked: list[tuple[int, str]] = []
    extensions: list[str] = []
    for name, value in event.items():
        if name == "type" or name in IGNORED_FIELDS or name in COMMENTS:
            continue
        field = _EVENT_FIELDS.get(name)
        if field is None:
            extensions += _extension(name, value, name, prefixes)
            continue
        rank, write = field
        ranked.append((rank, write(name, value, name, prefixes)))
    parts = [f"eventType={kind}"] + [text for _, text in sorted(ranked) if text]
    return (*parts, *sorted(extensions))


# ---------------------------------------------------------------- values


def _show(value: object) -> str:
    """How an offending value is named in an error."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value)[:120]
    return f"a {type(value).__name__} ({value!r})"[:120]


def _text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise EventHashError(path, "a string", _show(value))
    return value.strip()


def _pair(name: str, text: str) -> str:
    return f"{name}={text}" if text else ""


def _plain(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    return _pair(name, _text(value, path))


def _uri(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    return _pair(name, _identifier(_text(value, path), prefixes))


def _identifier(text: str, prefixes: Prefixes) -> str:
    """A CURIE expanded (rule 15), a CBV URN made a web URI (rule 14), EPC URIs and Digital
    Link URIs made constrained canonical Digital Link URIs (rules 17, 17a)."""
    text = _expand_curie(text, prefixes)
    for urn, web in _CBV_URNS:
        if text.startswith(urn):
            text = web + text[len(urn) :]
            break
    return _digital_link(text) or text


def _vocabulary(base: str, terms: frozenset[str]) -> Callable[[str, object, str, Prefixes], str]:
    """A field whose bare values are CBV or GS1 terms (rule 16): ``shipping`` -> its URI."""

    def write(name: str, value: object, path: str, prefixes: Prefixes) -> str:
        text = _text(value, path)
        return _pair(name, base + text if text in terms else _identifier(text, prefixes))

    return write


_NUMERAL = _pattern(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _number(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    if isinstance(value, str) and not value.strip():
        return ""  # an empty value is left out, as any other (rule 4)
    return _pair(name, _numeral(value, path))


def _numeral(value: object, path: str) -> str:
    """A number without trailing zeros (rule 6): ``26.0`` -> ``26``, ``0.50`` -> ``0.5``.

    Exact: a JSON number is read as the decimal it was written as (a float as its
    shortest repr), never through binary floating point. Below 1e-4 the exponent form
    is kept (``1e-07``), as Python's float repr and so the reference write it.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise EventHashError(path, "a number", _show(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise EventHashError(path, "a finite number", _show(value))
        value = repr(value)
    elif isinstance(value, int) and abs(value) >= 10**309:
        raise EventHashError(path, "a number within the range of a double", "a larger integer")
    text = str(value).strip()
    if not _NUMERAL.fullmatch(text):
        raise EventHashError(path, "a number", _show(value))
    sign, digit_tuple, exponent = Decimal(text).as_tuple()
    if not isinstance(exponent, int):  # never: a numeral is finite
        raise EventHashError(path, "a finite number", _show(value))
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return "0"
    while exponent < 0 and digits.endswith("0"):
        digits, exponent = digits[:-1], exponent + 1
    if len(digits) - 1 + exponent > 308:
        raise EventHashError(path, "a number within the range of a double", repr(text))
    minus = "-" if sign else ""
    if exponent >= 0:
        return minus + digits + "0" * exponent
    adjusted = len(digits) - 1 + exponent
    if adjusted < -4:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{minus}{mantissa}e-{-adjusted:02d}"
    point = len(digits) + exponent
    if point > 0:
        return f"{minus}{digits[:point]}.{digits[point:]}"
    return f"{minus}0.{'0' * -point}{digits}"


def _boolean(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    if isinstance(value, bool):
        return _pair(name, "true" if value else "false")
    text = _text(value, path)
    if text in ("true", "1"):
        return _pair(name, "true")
    if text in ("false", "0"):
        return _pair(name, "false")
    raise EventHashError(path, "a boolean", _show(value))


_TIMESTAMP = _pattern(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)")
_OFFSET = _pattern(r"[+-](\d\d):(\d\d)")


def _time(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    return _pair(name, _utc_millis(value, path))


def _utc_millis(value: object, path: str) -> str:
    """An xsd:dateTimeStamp in UTC with milliseconds (rules 8 and 9)."""
    text = _text(value, path)
    match = _TIMESTAMP.fullmatch(text)
    expected = "a date-time with a UTC offset, such as 2020-03-04T10:00:30.123+01:00"
    if match is None:
        raise EventHashError(path, expected, _show(value))
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    fraction, zone = match.group(7) or "", match.group(8)
    millis = int(fraction[:3].ljust(3, "0")) + (len(fraction) > 3 and fraction[3] >= "5")
    try:
        offset = 0 if zone == "Z" else _offset_minutes(zone)
        local = datetime(year, month, day, hour, minute, second)
        utc = local - timedelta(minutes=offset) + timedelta(milliseconds=millis)
    except (ValueError, OverflowError):
        raise EventHashError(path, expected, _show(value)) from None
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def _offset_minutes(zone: str) -> int:
    match = _OFFSET.fullmatch(zone)
    if match is None:
        raise ValueError(zone)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 14 or (hours == 14 and minutes):
        raise ValueError(zone)
    return (hours * 60 + minutes) * (-1 if zone[0] == "-" else 1)


def _time_zone_offset(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    text = _text(value, path)
    try:
        _offset_minutes(text)
    except ValueError:
        raise EventHashError(path, "a UTC offset from -14:00 to +14:00", _show(value)) from None
    return _pair(name, text)


# ---------------------------------------------------------------- structures


def _items(value: object, path: str) -> list[tuple[str, object]]:
    """The elements of a list field with their paths (a lone value counts as a list)."""
    if isinstance(value, list | tuple):
        return [(f"{path}[{i}]", item) for i, item in enumerate(value)]
    if isinstance(value, str | Mapping):
        return [(path, value)]
    raise EventHashError(path, "a list", _show(value))


def _object(value: object, path: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise EventHashError(path, "a JSON object", _show(value))
    return value


def _joined(name: str, elements: list[str]) -> str:
    """``name`` then its non-empty elements in lexical order (rules 10-12)."""
    present = sorted(text for text in elements if text)
    return name + "".join(present) if present else ""


def _repeated(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    """A field that may hold one value or several (``certificationInfo``)."""
    items = _items(value, path)
    return "".join(sorted(_uri(name, item, at, prefixes) for at, item in items))


def _epc_list(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    items = _items(value, path)
    return _joined(name, [_uri("epc", item, at, prefixes) for at, item in items])


_QUANTITY_FIELDS: dict[str, Callable[[str, object, str, Prefixes], str]] = {
    "epcClass": _uri,
    "quantity": _number,
    "uom": _plain,
}


def _quantity_list(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    elements = []
    for at, item in _items(value, path):
        fields = _fields(_object(item, at), at, _QUANTITY_FIELDS, prefixes, extensible=False)
        elements.append(_joined("quantityElement", [fields]))
    return _joined(name, elements)


def _typed_list(kind: str) -> Callable[[str, object, str, Prefixes], str]:
    """``bizTransactionList``, ``sourceList``, ``destinationList``: type first (rule 13)."""
    base, terms = _TYPE_VOCABULARIES[kind]
    typed = _vocabulary(base, terms)

    def write(name: str, value: object, path: str, prefixes: Prefixes) -> str:
        elements = []
        for at, item in _items(value, path):
            element = _object(item, at)
            for key in element:
                if key not in ("type", kind) and key not in COMMENTS:
                    raise EventHashError(f"{at}.{key}", f"only type and {kind}", repr(key))
            type_text = typed("type", element.get("type", ""), f"{at}.type", prefixes)
            identifier = _uri(kind, element.get(kind, ""), f"{at}.{kind}", prefixes)
            elements.append(type_text + identifier if identifier else "")
        return _joined(name, elements)

    return write


def _persistent_disposition(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    fields = _object(value, path)
    disposition = _vocabulary(*_DISPOSITIONS)
    parts = []
    for key in ("set", "unset"):
        items = _items(fields.get(key, []), f"{path}.{key}")
        parts.append("".join(sorted(disposition(key, item, at, prefixes) for at, item in items)))
    for key in fields:
        if key not in ("set", "unset") and key not in COMMENTS:
            raise EventHashError(f"{path}.{key}", "only set and unset", repr(key))
    return name + "".join(parts) if any(parts) else ""


def _fields(
    value: Mapping[str, object],
    path: str,
    order: Mapping[str, Callable[[str, object, str, Prefixes], str]],
    prefixes: Prefixes,
    *,
    extensible: bool = True,
    also: Mapping[str, Callable[[str, object, str, Prefixes], str]] | None = None,
) -> str:
    """An object's fields in ``order``, then (rule 20) its extensions in lexical order.

    ``also`` names standard fields the canonical order leaves out; they are hashed
    like extensions, after the ordered fields.
    """
    unordered: list[str] = []
    for key, item in value.items():
        if key in order or key in COMMENTS:
            continue
        if also is not None and key in also:
            unordered.append(also[key](key, item, f"{path}.{key}", prefixes))
        elif extensible:
            unordered += _extension(key, item, f"{path}.{key}", prefixes)
        else:
            raise EventHashError(f"{path}.{key}", f"one of {', '.join(order)}", repr(key))
    ordered = (
        write(key, value[key], f"{path}.{key}", prefixes)
        for key, write in order.items()
        if key in value
    )
    return "".join(ordered) + "".join(sorted(text for text in unordered if text))


def _place(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    """``readPoint`` and ``bizLocation``: the ``id``, then extensions."""
    fields = _object(value, path)
    if "id" not in fields:
        raise EventHashError(f"{path}.id", "the identifier of the place", "nothing")
    return _joined(name, [_fields(fields, path, {"id": _uri}, prefixes)])


def _sensor_element_list(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    elements = []
    for at, item in _items(value, path):
        element = _object(item, at)
        metadata = element.get("sensorMetadata")
        written = []
        if metadata is not None:
            fields = _fields(_object(metadata, f"{at}.sensorMetadata"), f"{at}.sensorMetadata",
                             _SENSOR_METADATA, prefixes)  # fmt: skip
            written.append(_joined("sensorMetadata", [fields]))
        reports = []
        for report_at, report in _items(element.get("sensorReport", []), f"{at}.sensorReport"):
            fields = _fields(_object(report, report_at), report_at, _SENSOR_REPORT, prefixes,
                             also={"bizRules": _uri})  # fmt: skip
            reports.append(_joined("sensorReport", [fields]))
        written.append("".join(sorted(text for text in reports if text)))
        rest = {k: v for k, v in element.items() if k not in ("sensorMetadata", "sensorReport")}
        written.append(_fields(rest, at, {}, prefixes))
        elements.append(_joined("sensorElement", ["".join(written)]))
    return _joined(name, elements)


def _ilmd(name: str, value: object, path: str, prefixes: Prefixes) -> str:
    """``ilmd`` and its elements, written as user extensions are (rule 17): an empty one,
    like an empty extension object, still names itself."""
    return name + _fields(_object(value, path), path, {}, prefixes)


# ---------------------------------------------------------------- user extensions


_CLARK = _pattern(r"\{[^{}]+\}[^{}]+")  # {namespace}localname, as XML tools write names


def _extension(
    key: str, value: object, path: str, prefixes: Prefixes, nested: bool = False
) -> list[str]:
    """A user extension's elements (rules 18-20): ``{namespace}name=value``, an object's
    children sorted after its name (and its ``#text``, the text of an XML element that
    also has children or attributes), one element per item of a list. Inside an
    extension a name without a namespace (XML allows one there) is written as it is."""
    name = _extension_name(key, path, prefixes, nested)
    if value is None:  # JSON-LD drops a property whose value is null
        return []
    if isinstance(value, list | tuple):
        elements: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, list | tuple):
                raise EventHashError(f"{path}[{i}]", "a value or an object", "a nested list")
            elements += _extension(key, item, f"{path}[{i}]", prefixes, nested)
        return elements
    if isinstance(value, Mapping):
        children: list[str] = []
        for child_key, child in value.items():
            if child_key not in COMMENTS and child_key != "#text":
                children += _extension(child_key, child, f"{path}.{child_key}", prefixes, True)
        text = (
            _extension_value(value["#text"], f"{path}.#text", prefixes) if "#text" in value else ""
        )
        return [name + text + "".join(sorted(children))]
    return [name + _extension_value(value, path, prefixes)]


def _extension_value(value: object, path: str, prefixes: Prefixes) -> str:
    """``=value``, empty when there is no value. Without a schema, any text that is a
    numeral is read as a number, so that XML and JSON of one event agree (rule 6)."""
    if isinstance(value, bool):
        return "=true" if value else "=false"
    if isinstance(value, int | float):
        return "=" + _numeral(value, path)
    text = _text(value, path)
    if not text:
        return ""
    if _NUMERAL.fullmatch(text):
        return "=" + _numeral(text, path)
    return "=" + _identifier(text, prefixes)


def _extension_name(key: str, path: str, prefixes: Prefixes, nested: bool = False) -> str:
    """``{namespace}localname`` for a compact name, a full IRI or a term of the @context."""
    if _CLARK.fullmatch(key):
        return key
    prefix, colon, local = key.partition(":")
    if colon and prefix in prefixes and local and not local.startswith("//"):
        return "{" + prefixes[prefix] + "}" + local
    iri = key if colon and (local.startswith("//") or prefix == "urn") else prefixes.get(key)
    if iri is not None and ":" in iri:
        expanded = _expand_curie(iri, prefixes)
        cut = max(expanded.rfind("/"), expanded.rfind("#"), expanded.rfind(":")) + 1
        if 0 < cut < len(expanded):
            return "{" + expanded[:cut] + "}" + expanded[cut:]
    if nested and not colon:
        return key
    raise EventHashError(
        path, "a user extension named prefix:name with the prefix declared in the @context "
        "(or a full IRI)", repr(key)
    )  # fmt: skip


def _expand_curie(text: str, prefixes: Prefixes) -> str:
    """``prefix:rest`` with its prefix's IRI (a ``scheme://`` is an IRI already)."""
    prefix, colon, rest = text.partition(":")
    if colon and prefix in prefixes and not rest.startswith("//"):
        return prefixes[prefix] + rest
    return text


def _read_context(context: object, prefixes: dict[str, str], path: str) -> None:
    """Add the prefixes and terms ``context`` declares (later declarations win)."""
    if context is None or isinstance(context, str):
        return  # a remote context: the EPCIS one's prefixes are STANDARD_PREFIXES
    if isinstance(context, Mapping):
        for key, value in context.items():
            if not isinstance(key, str) or key.startswith("@"):
                continue
            if isinstance(value, str):
                prefixes[key] = value
            elif isinstance(value, Mapping) and isinstance(value.get("@id"), str):
                prefixes[key] = str(value["@id"])
        return
    if isinstance(context, list | tuple):
        for i, item in enumerate(context):
            _read_context(item, prefixes, f"{path}[{i}]")
        return
    raise EventHashError(path, "a JSON-LD context (a URL, an object or a list)", _show(context))


# ---------------------------------------------------------------- GS1 Digital Link


def _check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of ``digits`` (weights 3, 1, 3, ... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


# A component of an EPC URI in the GS1 AI encodable character set 82 (TDS 2.0 §6): the
# character itself or its %-escape.
_CHAR82 = r"(?:[!'()*+,\-.0-9:;=A-Z_a-z]|%(?:2[125-9A-Fa-f]|3[0-9A-Fa-f]|4[1-9A-Fa-f]|5[0-9AaFf]|6[1-9A-Fa-f]|7[0-9Aa]))"  # noqa: E501
_CHAR39 = r"(?:[0-9A-Z\-]|%(?:2[3dfDF]|3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]))"  # CPI's set 39


def _chars(low: int, high: int, charset: str = _CHAR82) -> str:
    return f"((?:{charset}){{{low},{high}}})"


# EPC URI scheme -> (pattern of what follows "urn:epc:<kind>:<scheme>:", Digital Link maker).
# Every pattern starts with the company prefix and a dot; the makers get the groups.
_GCP = r"(\d{6,12})\."


def _gtin(prefix: str, item: str) -> str:
    body = item[:1] + prefix + item[1:]
    return body + _check_digit(body)


def _keyed(prefix: str, reference: str) -> str:
    return prefix + reference + _check_digit(prefix + reference)


def _encode(text: str) -> str:
    """Percent-encode what a Digital Link path may not hold raw (DL 1.2, table 7-1); an EPC
    URI has already escaped the rest."""
    for char in "!()*+,:":
        text = text.replace(char, f"%{ord(char):02X}")
    return text


_EPC_SCHEMES: dict[str, tuple[re.Pattern[str], Callable[..., str], int]] = {
    # "kind:scheme": (what follows "urn:epc:kind:scheme:", the Digital Link path made of its
    # groups, the digits the company prefix and the reference make, or -30: at most 30
    # characters, as for GIAI, GINC and CPI)
    "id:sgtin": (_pattern(_GCP + r"(\d+)\." + _chars(1, 20)),
                 lambda p, i, s: f"01/{_gtin(p, i)}/21/{_encode(s)}", 13),
    "id:sscc": (_pattern(_GCP + r"(\d+)"), lambda p, r: f"00/{_gtin(p, r)}", 17),
    "id:sgln": (_pattern(_GCP + r"(\d*)\." + _chars(1, 20)),
                lambda p, r, e: f"414/{_keyed(p, r)}" + ("" if e == "0" else f"/254/{_encode(e)}"),
                12),
    "id:grai": (_pattern(_GCP + r"(\d*)\." + _chars(1, 16)),
                lambda p, r, s: f"8003/0{_keyed(p, r)}{_encode(s)}", 12),
    "id:giai": (_pattern(_GCP + _chars(1, 24)), lambda p, r: f"8004/{p}{_encode(r)}", -30),
    "id:gsrn": (_pattern(_GCP + r"(\d+)"), lambda p, r: f"8018/{_keyed(p, r)}", 17),
    "id:gsrnp": (_pattern(_GCP + r"(\d+)"), lambda p, r: f"8017/{_keyed(p, r)}", 17),
    "id:gdti": (_pattern(_GCP + r"(\d*)\." + _chars(0, 17)),
                lambda p, r, s: f"253/{_keyed(p, r)}{_encode(s)}", 12),
    "id:cpi": (_pattern(_GCP + _chars(1, 24, _CHAR39) + r"\.(\d{1,12})"),
               lambda p, r, s: f"8010/{_encode(p + r)}/8011/{s}", -30),
    "id:sgcn": (_pattern(_GCP + r"(\d*)\.(\d{1,12})"),
                lambda p, r, s: f"255/{_keyed(p, r)}{s}", 12),
    "id:ginc": (_pattern(_GCP + _chars(1, 24)), lambda p, r: f"401/{p}{_encode(r)}", -30),
    "id:gsin": (_pattern(_GCP + r"(\d+)"), lambda p, r: f"402/{_keyed(p, r)}", 16),
    "id:itip": (_pattern(_GCP + r"(\d+)\.(\d\d)\.(\d\d)\." + _chars(1, 20)),
                lambda p, i, a, b, s: f"8006/{_gtin(p, i)}{a}{b}/21/{_encode(s)}", 13),
    "id:upui": (_pattern(_GCP + r"(\d+)\." + _chars(1, 28)),
                lambda p, i, s: f"01/{_gtin(p, i)}/235/{_encode(s)}", 13),
    "id:pgln": (_pattern(_GCP + r"(\d*)"), lambda p, r: f"417/{_keyed(p, r)}", 12),
    "class:lgtin": (_pattern(_GCP + r"(\d+)\." + _chars(1, 20)),
                    lambda p, i, lot: f"01/{_gtin(p, i)}/10/{_encode(lot)}", 13),
    "idpat:sgtin": (_pattern(_GCP + r"(\d+)\.\*"), lambda p, i: f"01/{_gtin(p, i)}", 13),
    "idpat:grai": (_pattern(_GCP + r"(\d*)\.\*"), lambda p, r: f"8003/0{_keyed(p, r)}", 12),
    "idpat:gdti": (_pattern(_GCP + r"(\d*)\.\*"), lambda p, r: f"253/{_keyed(p, r)}", 12),
    "idpat:sgcn": (_pattern(_GCP + r"(\d*)\.\*"), lambda p, r: f"255/{_keyed(p, r)}", 12),
    "idpat:cpi": (_pattern(_GCP + _chars(1, 24, _CHAR39) + r"\.\*"),
                  lambda p, r: f"8010/{_encode(p + r)}", -30),
    "idpat:itip": (_pattern(_GCP + r"(\d+)\.(\d\d)\.(\d\d)\.\*"),
                   lambda p, i, a, b: f"8006/{_gtin(p, i)}{a}{b}", 13),
    "idpat:upui": (_pattern(_GCP + r"(\d+)\.\*"), lambda p, i: f"01/{_gtin(p, i)}", 13),
}  # fmt: skip

_DL_SHORT_NAMES = {
    "gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417",
    "gsrnp": "8017", "gsrn": "8018", "gcn": "255", "sscc": "00", "gdti": "253",
    "ginc": "401", "gsin": "402", "grai": "8003", "giai": "8004", "cpv": "22",
    "lot": "10", "ser": "21",
}  # fmt: skip
# A character of a Digital Link path segment (DL 1.2): raw, or %-escaped.
_DL_VALUE = r"(?:[\"'\-.0-9;-?A-Z_a-z]|%[0-9A-Fa-f]{2})"
# Constrained canonical Digital Link paths (rule 17a): the most fine-grained identity only.
_DL_PATHS = [
    _pattern(pattern)
    for pattern in (
        r"00/\d{18}",
        rf"01/\d{{14}}(?:/(?:21|10)/{_DL_VALUE}{{1,20}}|/235/{_DL_VALUE}{{1,28}})?",
        rf"253/\d{{13}}{_DL_VALUE}{{0,17}}",
        r"255/\d{13}\d{0,12}",
        rf"(?:401|8004)/{_DL_VALUE}{{1,30}}",
        r"402/\d{17}",
        rf"414/\d{{13}}(?:/254/{_DL_VALUE}{{1,20}})?",
        r"417/\d{13}",
        rf"8003/\d{{14}}{_DL_VALUE}{{0,16}}",
        rf"8006/\d{{18}}(?:/(?:21|10)/{_DL_VALUE}{{1,20}})?",
        r"8010/[#\-/0-9A-Z]{1,30}(?:/8011/\d{1,12})?",
        r"(?:8017|8018)/\d{18}",
    )
]
_KEY_VALUE = _pattern(r"\d{4}[^/]*")  # a primary key's value starts with a company prefix
_DL_PRIMARY = frozenset({"00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004",
                         "8006", "8010", "8017", "8018"})  # fmt: skip


def _digital_link(text: str) -> str | None:
    """The constrained canonical GS1 Digital Link URI of an EPC URI or a Digital Link URI
    (rules 17, 17a); None for anything else."""
    if text.startswith("urn:epc:"):
        return _epc_to_digital_link(text)
    if text.startswith(("https://", "http://")):
        return _canonical_digital_link(text)
    return None


def _epc_to_digital_link(urn: str) -> str | None:
    kind, _, rest = urn[len("urn:epc:") :].partition(":")
    scheme, _, body = rest.partition(":")
    entry = _EPC_SCHEMES.get(f"{kind}:{scheme}")
    if entry is None:
        return None
    pattern, make, digits = entry
    match = pattern.fullmatch(body)
    if match is None:
        return None
    groups = match.groups()
    prefix, reference = groups[0], groups[1]
    if digits > 0 and len(prefix) + len(reference) != digits:
        return None  # the company prefix and the reference do not make the key's length
    if digits < 0 and len(prefix) + len(re.findall(_CHAR82, reference)) > -digits:
        return None
    return "https://id.gs1.org/" + make(*groups)


def _canonical_digital_link(uri: str) -> str | None:
    path = uri.split("?", 1)[0].split("#", 1)[0]
    segments = path.split("/")[3:]  # after scheme://host
    segments = [_DL_SHORT_NAMES.get(segment, segment) for segment in segments]
    start = next((i for i, s in enumerate(segments[:-1]) if s in _DL_PRIMARY), None)
    if start is None or not _KEY_VALUE.fullmatch(segments[start + 1]):
        return None
    key, value, qualifiers = segments[start], segments[start + 1], segments[start + 2 :]
    if key == "01" and len(value) in (8, 12, 13) and value.isdigit():
        value = value.rjust(14, "0")
    pairs = dict(zip(qualifiers[::2], qualifiers[1::2], strict=False))
    if len(qualifiers) % 2 or len(pairs) != len(qualifiers) // 2:
        return None
    pairs.pop("22", None)  # the consumer product variant is not an identity
    if "21" in pairs:
        pairs.pop("10", None)  # a serial number is finer than a lot
    canonical = "/".join([key, value, *(f"{q}/{v}" for q, v in pairs.items())])
    if any(pattern.fullmatch(canonical) for pattern in _DL_PATHS):
        return "https://id.gs1.org/" + canonical
    return None


# ---------------------------------------------------------------- vocabularies

_CBV = "https://ref.gs1.org/cbv/"
_GS1 = "https://gs1.org/voc/"
_CBV_URNS = tuple(
    (f"urn:epcglobal:cbv:{urn}:", f"{_CBV}{web}-")
    for urn, web in (("bizstep", "BizStep"), ("disp", "Disp"), ("btt", "BTT"),
                     ("sdt", "SDT"), ("er", "ER"))
)  # fmt: skip

# The bare terms the EPCIS 2.0 JSON-LD context defines for each field (a unit test
# holds these equal to the context GS1 publishes).
_BIZ_STEPS = frozenset({
    "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
    "creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying",
    "disassembling", "dispensing", "encoding", "entering_exiting", "holding", "inspecting",
    "installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing",
    "repackaging", "repairing", "replacing", "reserving", "retail_selling", "sampling",
    "sensor_reporting", "shipping", "staging_outbound", "stock_taking", "stocking", "storing",
    "transporting", "unloading", "unpacking", "void_shipping",
})  # fmt: skip
_DISPOSITIONS = (f"{_CBV}Disp-", frozenset({
    "active", "available", "completeness_verified", "completeness_inferred", "conformant",
    "container_closed", "container_open", "damaged", "destroyed", "dispensed", "disposed",
    "encoded", "expired", "in_progress", "in_transit", "inactive", "mismatch_instance",
    "mismatch_class", "mismatch_quantity", "needs_replacement", "no_pedigree_match",
    "non_conformant", "non_sellable_other", "partially_dispensed", "recalled", "reserved",
    "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
    "unavailable", "unknown",
}))  # fmt: skip
_SOURCE_DESTINATION_TYPES = (
    f"{_CBV}SDT-",
    frozenset({"owning_party", "possessing_party", "location"}),
)
_TYPE_VOCABULARIES = {
    "bizTransaction": (f"{_CBV}BTT-", frozenset({
        "bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma",
        "testprd", "testres", "upevt",
    })),
    "source": _SOURCE_DESTINATION_TYPES,
    "destination": _SOURCE_DESTINATION_TYPES,
}  # fmt: skip
_MEASUREMENT_TYPES = frozenset({
    "AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Radioactivity",
    "Altitude", "AmountOfSubstance", "AmountOfSubstancePerUnitVolume", "Angle",
    "AngularAcceleration", "AngularMomentum", "AngularVelocity", "Area", "Capacitance",
    "Conductance", "Conductivity", "Count", "Density", "Dimensionless", "DoseEquivalent",
    "DoseEquivalentRate", "DynamicViscosity", "ElectricCharge", "ElectricCurrent",
    "ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure", "Force",
    "Frequency", "Illuminance", "Inductance", "Irradiance", "KinematicViscosity", "Length",
    "LinearMomentum", "Luminance", "LuminousFlux", "LuminousIntensity", "MagneticFlux",
    "MagneticFluxDensity", "MagneticVectorPotential", "Mass", "MassConcentration",
    "MassFlowRate", "MassPerAreaTime", "MemoryCapacity", "MolalityOfSolute", "MolarEnergy",
    "MolarMass", "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity",
    "RelativeHumidity", "Resistance", "Resistivity", "SolidAngle", "SpecificVolume", "Speed",
    "SurfaceDensity", "SurfaceTension", "Temperature", "Time", "Torque", "Voltage", "Volume",
    "VolumeFlowRate", "VolumeFraction", "VolumetricFlux", "Wavenumber",
})  # fmt: skip
_SENSOR_ALERTS = frozenset({"ALARM_CONDITION", "ERROR_CONDITION"})
_COMPONENTS = frozenset({
    "x", "y", "z", "axial_distance", "azimuth", "height", "spherical_radius", "polar_angle",
    "elevation_angle", "easting", "northing", "latitude", "longitude", "altitude",
})  # fmt: skip

# ---------------------------------------------------------------- the canonical order

_Writer: TypeAlias = Callable[[str, object, str, Prefixes], str]

_SENSOR_METADATA: dict[str, _Writer] = {
    "time": _time,
    "startTime": _time,
    "endTime": _time,
    "deviceID": _uri,
    "deviceMetadata": _uri,
    "rawData": _uri,
    "dataProcessingMethod": _uri,
    "bizRules": _uri,
}
_SENSOR_REPORT: dict[str, _Writer] = {
    "type": _vocabulary(_GS1, _MEASUREMENT_TYPES),
    "exception": _vocabulary(_GS1, _SENSOR_ALERTS),
    "deviceID": _uri,
    "deviceMetadata": _uri,
    "rawData": _uri,
    "dataProcessingMethod": _uri,
    "time": _time,
    "microorganism": _uri,
    "chemicalSubstance": _uri,
    "value": _number,
    "component": _vocabulary(f"{_CBV}Comp-", _COMPONENTS),
    "stringValue": _uri,
    "booleanValue": _boolean,
    "hexBinaryValue": _plain,
    "uriValue": _uri,
    "minValue": _number,
    "maxValue": _number,
    "meanValue": _number,
    "sDev": _number,
    "percRank": _number,
    "percValue": _number,
    "uom": _plain,
    "coordinateReferenceSystem": _uri,
}

_EVENT_ORDER: tuple[tuple[str, _Writer], ...] = (
    ("eventTime", _time),
    ("eventTimeZoneOffset", _time_zone_offset),
    ("certificationInfo", _repeated),
    ("epcList", _epc_list),
    ("parentID", _uri),
    ("inputEPCList", _epc_list),
    ("childEPCs", _epc_list),
    ("quantityList", _quantity_list),
    ("childQuantityList", _quantity_list),
    ("inputQuantityList", _quantity_list),
    ("outputEPCList", _epc_list),
    ("outputQuantityList", _quantity_list),
    ("action", _plain),
    ("transformationID", _uri),
    ("bizStep", _vocabulary(f"{_CBV}BizStep-", _BIZ_STEPS)),
    ("disposition", _vocabulary(*_DISPOSITIONS)),
    ("persistentDisposition", _persistent_disposition),
    ("readPoint", _place),
    ("bizLocation", _place),
    ("bizTransactionList", _typed_list("bizTransaction")),
    ("sourceList", _typed_list("source")),
    ("destinationList", _typed_list("destination")),
    ("sensorElementList", _sensor_element_list),
    ("ilmd", _ilmd),
)
_EVENT_FIELDS = {name: (rank, write) for rank, (name, write) in enumerate(_EVENT_ORDER)}
