"""EPCIS XML capture documents, converted to the EPCIS 2.0 JSON-LD document that means the
same (``docs/spec/traceability.md`` §4), so that an XML capture takes the JSON path.

The XML is read by :mod:`sen.light.epcis_xml` (expat; no entities, no DTDs, at most 64
levels), whose event form is the one the CBV 2.0 event hash reads. That form is made for
hashing; :func:`document_from_xml` writes it as GS1's XML and JSON bindings write an
event (GS1's example pairs, ``tests/conformance/epcis/data/gs1``):

- a user extension element ``<ext1:colour>`` becomes the key ``ext1:colour``, with the
  prefix the document declares for its namespace (``ns1``, ``ns2``… for a namespace
  declared without one), and the document's ``@context`` is the EPCIS 2.0 context and an
  object of those prefixes; its value is its text, or the object of its attributes and
  children (a repeated name: a list). One with text beside attributes or children has no
  JSON-LD form and is refused;
- the EPCIS 2.0 JSON schema's numbers become numbers: a quantity, and a sensor report's
  ``value``, ``minValue``, ``maxValue``, ``meanValue``, ``sDev``, ``percRank`` and
  ``percValue``; its ``booleanValue`` a boolean. Extension values stay text (GS1's pairs
  write ``xsi:type="xsd:integer"`` values as strings);
- a CBV value written as a URI (``urn:epcglobal:cbv:bizstep:receiving``,
  ``https://ref.gs1.org/cbv/BizStep-receiving``) or a GS1 Web Vocabulary term
  (``gs1:Temperature``) becomes the bare word the JSON schema lists for that field;
- the header's master data (``EPCISHeader/extension/EPCISMasterData``) becomes
  ``epcisHeader.epcisMasterData.vocabularyList``; nothing else of the header is carried
  (a repository keeps a document's events and master data only).

The CBV 2.0 hash of each converted event must be the hash of the event as read from the
XML: a converted event that would hash otherwise is refused (never stored with a hash its
XML does not have). Every refusal is :class:`~.errors.EpcisInvalid` naming the JSON pointer
the value would have in the converted document (``""`` for the document itself).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

from sen.light.epcis_hash import event_hash
from sen.light.epcis_xml import (
    XSI,
    XmlDocument,
    XmlElement,
    event_elements,
    events_of,
    parse_xml,
    unwrapped,
)
from sen.light.errors import EventHashError
from sen.services.traceability.artifacts import EPCIS_CONTEXT_URL, load_schema
from sen.services.traceability.errors import DocumentTooLarge, EpcisInvalid, Problem
from sen.services.traceability.validation import DEFAULT_MAX_EVENTS, MAX_PROBLEMS

__all__ = ["EPCIS_XML_NAMESPACES", "document_from_xml"]

EPCIS_XML_NAMESPACES = ("urn:epcglobal:epcis:xsd:2", "urn:epcglobal:epcis:xsd:1")
"""The namespaces of an EPCISDocument root: EPCIS 2.0's, and 1.2's (read as 2.0)."""
EVENT_LIST = "/epcisBody/eventList"
_MASTER_DATA = "/epcisHeader/epcisMasterData/vocabularyList"
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_CBV = "https://ref.gs1.org/cbv/"
_GS1_VOCABULARY = ("gs1:", "https://gs1.org/voc/", "https://www.gs1.org/voc/")
# The JSON schema's definition of each vocabulary field, and how XML may write its words.
_VOCABULARIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "bizStep": ("bizStep", ("urn:epcglobal:cbv:bizstep:", f"{_CBV}BizStep-")),
    "disposition": ("disposition", ("urn:epcglobal:cbv:disp:", f"{_CBV}Disp-")),
    "bizTransaction": ("bizTransaction-type", ("urn:epcglobal:cbv:btt:", f"{_CBV}BTT-")),
    "source": ("source-dest-type", ("urn:epcglobal:cbv:sdt:", f"{_CBV}SDT-")),
    "destination": ("source-dest-type", ("urn:epcglobal:cbv:sdt:", f"{_CBV}SDT-")),
    "reason": ("error-reason", ("urn:epcglobal:cbv:er:", f"{_CBV}ER-")),
    "type": ("measurementType", _GS1_VOCABULARY),
    "exception": ("sensorAlertType", _GS1_VOCABULARY),
    "component": ("component", (f"{_CBV}Comp-",)),
}
_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_TYPED_LISTS = {"bizTransactionList": "bizTransaction", "sourceList": "source",
                "destinationList": "destination"}  # fmt: skip
_TEXT = "#text"  # the event hash form's key for an extension's text beside other members


def document_from_xml(body: bytes, *, max_events: int = DEFAULT_MAX_EVENTS) -> dict[str, Any]:
    """The EPCIS 2.0 JSON-LD EPCISDocument an EPCIS XML EPCISDocument means, or
    :class:`EpcisInvalid` (:class:`DocumentTooLarge` past ``max_events`` events) naming each
    problem. The document is not validated here: the capture path validates it as JSON."""
    try:
        parsed = parse_xml(body)
    except EventHashError as exc:
        raise EpcisInvalid([Problem("", exc.expected, exc.got)]) from None
    root = parsed.root
    _check_root(root)
    try:
        count = len(event_elements(root))
    except EventHashError:
        raise EpcisInvalid([Problem(EVENT_LIST, "an EventList of EPCIS events", "none")]) from None
    if count > max_events:
        raise DocumentTooLarge(EVENT_LIST, count, max_events)
    try:
        pairs = events_of(parsed)
    except EventHashError as exc:
        problem = Problem(_hash_form_pointer(exc.field), exc.expected, exc.got)
        raise EpcisInvalid([problem]) from None
    writer = _Writer(parsed)
    events = [writer.event(event, f"{EVENT_LIST}/{i}") for i, (event, _) in enumerate(pairs)]
    vocabularies = writer.master_data(root)
    context: list[object] = [EPCIS_CONTEXT_URL]
    if writer.prefixes:
        context.append(dict(writer.prefixes))
    if not writer.problems:
        for i, ((xml_event, xml_context), event) in enumerate(zip(pairs, events, strict=True)):
            writer.problems += _hash_problems(xml_event, xml_context, event, context, i)
    if writer.problems:
        problems = writer.problems
        raise EpcisInvalid(problems[:MAX_PROBLEMS], complete=len(problems) <= MAX_PROBLEMS)
    document: dict[str, Any] = {
        "@context": context, "type": "EPCISDocument", "schemaVersion": "2.0",
    }  # fmt: skip
    for name in ("creationDate", "instanceIdentifier", "sender", "receiver"):
        value = root.attribute(name)
        if value is not None:
            document[name] = value
    if vocabularies:
        document["epcisHeader"] = {"epcisMasterData": {"vocabularyList": vocabularies}}
    document["epcisBody"] = {"eventList": events}
    return document


def _check_root(root: XmlElement) -> None:
    if root.name == "EPCISDocument" and root.namespace in EPCIS_XML_NAMESPACES:
        return
    if root.name == "EPCISQueryDocument" and root.namespace in EPCIS_XML_NAMESPACES:
        raise EpcisInvalid([Problem("/type", "EPCISDocument", "EPCISQueryDocument")])
    got = f"<{root.name}>" + (f" in {root.namespace}" if root.namespace else " in no namespace")
    expected = f"an EPCISDocument in {EPCIS_XML_NAMESPACES[0]} (or EPCIS 1.2's)"
    raise EpcisInvalid([Problem("", expected, got[:120])])


def _hash_form_pointer(field: str) -> str:
    """``events[3].quantityList.foo`` (how :mod:`sen.light.epcis_xml` names a field) as the
    JSON pointer of the converted document."""
    head, _, rest = field.partition(".")
    found = re.fullmatch(r"events\[(\d+)\]", head)
    if found is None:
        return ""
    tail = "".join("/" + _escaped(part) for part in rest.split(".") if part)
    return f"{EVENT_LIST}/{found.group(1)}{tail}"


def _hash_problems(
    xml_event: Mapping[str, object], xml_context: list[object], event: Mapping[str, object],
    context: list[object], index: int,
) -> list[Problem]:  # fmt: skip
    """The guard: the converted event hashes as its XML does (CBV 2.0), or a problem."""
    at = f"{EVENT_LIST}/{index}"
    try:
        expected = event_hash(xml_event, xml_context)
    except EventHashError as exc:  # the XML's own event cannot be hashed: say where
        return [Problem(f"{at}/{exc.field}".rstrip("/"), exc.expected, exc.got)]
    try:
        got = event_hash(event, context)
    except EventHashError as exc:
        got = f"no hash ({exc.field}: {exc.got})"
    if got == expected:
        return []
    return [Problem(at, f"the event hash of the XML event, {expected}",
                    f"{got} as converted to JSON-LD (Sen cannot write this event as JSON-LD "
                    "without changing what it means)")]  # fmt: skip


class _Writer:
    """Writes the event hash form of one document's events as JSON-LD, collecting problems."""

    def __init__(self, parsed: XmlDocument) -> None:
        self.problems: list[Problem] = []
        self.prefixes: dict[str, str] = {}  # prefix -> namespace, as the @context declares
        self._prefix_of: dict[str, str] = {}  # namespace -> prefix
        for prefix, namespace in parsed.namespaces.items():
            if prefix and not namespace.startswith("urn:epcglobal:") and "w3.org" not in namespace:
                self.prefixes[prefix] = namespace
                self._prefix_of.setdefault(namespace, prefix)
        self._taken = set(parsed.namespaces)
        self._invented = 0

    # -- names ---------------------------------------------------------------------------

    def key(self, name: str) -> str:
        """A member name of the hash form (``{namespace}local`` for an extension) as JSON-LD
        writes it (``prefix:local``)."""
        if not name.startswith("{"):
            return name
        namespace, _, local = name[1:].partition("}")
        return f"{self._prefix(namespace)}:{local}"

    def qualified(self, namespace: str, name: str) -> str:
        """An XML name as a JSON-LD member name: ``prefix:name``, or ``name`` unqualified."""
        return f"{self._prefix(namespace)}:{name}" if namespace else name

    def _prefix(self, namespace: str) -> str:
        if namespace not in self._prefix_of:
            self._invented += 1
            while f"ns{self._invented}" in self._taken:
                self._invented += 1
            prefix = f"ns{self._invented}"
            self._prefix_of[namespace] = prefix
            self.prefixes[prefix] = namespace
        return self._prefix_of[namespace]

    # -- events --------------------------------------------------------------------------

    def event(self, event: Mapping[str, object], at: str) -> dict[str, Any]:
        written = self.renamed(event, at)
        assert isinstance(written, dict)
        for name in ("bizStep", "disposition"):
            if isinstance(written.get(name), str):
                written[name] = _word(name, written[name])
        for name in _QUANTITY_LISTS:
            for j, quantity in enumerate(_listed(written.get(name))):
                if isinstance(quantity, dict) and "quantity" in quantity:
                    quantity["quantity"] = self.number(quantity["quantity"],
                                                       f"{at}/{name}/{j}/quantity")  # fmt: skip
        for name, kind in _TYPED_LISTS.items():
            for item in _listed(written.get(name)):
                if isinstance(item, dict) and isinstance(item.get("type"), str):
                    item["type"] = _word(kind, item["type"])
        persistent = written.get("persistentDisposition")
        if isinstance(persistent, dict):
            for name in ("set", "unset"):
                if isinstance(persistent.get(name), list):
                    persistent[name] = [_word("disposition", w) for w in persistent[name]]
        declaration = written.get("errorDeclaration")
        if isinstance(declaration, dict) and isinstance(declaration.get("reason"), str):
            declaration["reason"] = _word("reason", declaration["reason"])
        for i, element in enumerate(_listed(written.get("sensorElementList"))):
            reports = element.get("sensorReport") if isinstance(element, dict) else None
            for j, report in enumerate(_listed(reports)):
                if isinstance(report, dict):
                    self.sensor_report(report, f"{at}/sensorElementList/{i}/sensorReport/{j}")
        return written

    def renamed(self, value: object, at: str) -> object:
        """``value`` with its extensions' member names written as JSON-LD; an extension
        with text beside attributes or children is a problem."""
        if isinstance(value, list):
            return [self.renamed(item, f"{at}/{i}") for i, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        if _TEXT in value:
            members = ", ".join(self.key(k) for k in value if k != _TEXT)
            self.problems.append(Problem(
                at, "an extension element with text, or with attributes and child elements",
                f"text beside {members[:80]} (JSON-LD has no form for both)",
            ))  # fmt: skip
        written = {}
        for name, member in value.items():
            key = self.key(name)
            written[key] = self.renamed(member, f"{at}/{_escaped(key)}")
        return written

    def sensor_report(self, report: dict[str, Any], at: str) -> None:
        for name in _sensor_numbers():
            if name in report:
                report[name] = self.number(report[name], f"{at}/{name}")
        if "booleanValue" in report:
            text = report["booleanValue"]
            if isinstance(text, str) and text.strip() in _BOOLEANS:
                report["booleanValue"] = _BOOLEANS[text.strip()]
            else:
                self._refuse(f"{at}/booleanValue", "true, false, 1 or 0 (xsd:boolean)", text)
        for name in ("type", "exception", "component"):
            if isinstance(report.get(name), str):
                report[name] = _word(name, report[name])

    def number(self, text: object, at: str) -> object:
        """A decimal's or double's text as a JSON number; a problem if it is not one JSON
        can write (INF, NaN, or not a number at all)."""
        if not isinstance(text, str) or not _DECIMAL.fullmatch(text.strip()):
            self._refuse(at, "a finite decimal number (xsd:decimal, xsd:double)", text)
            return text
        text = text.strip()
        try:
            value: float | int = int(text) if _INTEGER.fullmatch(text) else float(text)
        except ValueError:  # more digits than Python reads as an integer
            self._refuse(at, "a number a double holds", f"{len(text)} digits")
            return text
        if not math.isfinite(value):
            self._refuse(at, "a number a double holds", text[:40])
            return text
        return value

    def _refuse(self, at: str, expected: str, got: object) -> None:
        shown = repr(got) if isinstance(got, str) else type(got).__name__
        self.problems.append(Problem(at, expected, shown[:80]))

    # -- master data ---------------------------------------------------------------------

    def master_data(self, root: XmlElement) -> list[dict[str, Any]]:
        """The header's vocabularies as ``epcisMasterData.vocabularyList`` writes them."""
        found: list[dict[str, Any]] = []
        for header in _children(root, "EPCISHeader"):
            for master in _children(header, "EPCISMasterData"):
                for listed in _children(master, "VocabularyList"):
                    for vocabulary in _children(listed, "Vocabulary"):
                        found.append(self.vocabulary(vocabulary, f"{_MASTER_DATA}/{len(found)}"))
        return found

    def vocabulary(self, element: XmlElement, at: str) -> dict[str, Any]:
        written: dict[str, Any] = {}
        kind = element.attribute("type")
        if kind is not None:
            written["type"] = kind
        items: list[dict[str, Any]] = []
        for listed in _children(element, "VocabularyElementList"):
            for item in _children(listed, "VocabularyElement"):
                here = f"{at}/vocabularyElementList/{len(items)}"
                items.append(self.vocabulary_element(item, here))
        if items:
            written["vocabularyElementList"] = items
        return written

    def vocabulary_element(self, element: XmlElement, at: str) -> dict[str, Any]:
        written: dict[str, Any] = {}
        identifier = element.attribute("id")
        if identifier is not None:
            written["id"] = identifier
        attributes: list[dict[str, Any]] = []
        children: list[str] = []
        for child in unwrapped(element.children):
            if child.name == "attribute" and not child.namespace:
                here = f"{at}/attributes/{len(attributes)}"
                attribute: dict[str, Any] = {}
                if child.attribute("id") is not None:
                    attribute["id"] = child.attribute("id")
                attribute["attribute"] = self.extension(child, f"{here}/attribute", skip="id")
                attributes.append(attribute)
            elif child.name == "children" and not child.namespace:
                children += [c.value for c in unwrapped(child.children)]
            else:
                name = f"{child.namespace}:{child.name}" if child.namespace else child.name
                self._refuse(at, "attribute and children elements", f"<{name}>")
        if attributes:
            written["attributes"] = attributes
        if children:
            written["children"] = children
        return written

    def extension(self, element: XmlElement, at: str, skip: str = "") -> object:
        """An element's value as a JSON-LD extension: its text, or the object of its
        attributes (but ``skip``) and children, a repeated name making a list."""
        members = [
            (namespace, name, value) for namespace, name, value in element.attributes
            if namespace != XSI and not (name == skip and not namespace)
        ]  # fmt: skip
        children = unwrapped(element.children)
        if not members and not children:
            return element.value
        written: dict[str, Any] = {}
        if element.value:
            self.problems.append(Problem(
                at, "an extension element with text, or with attributes and child elements",
                "text beside attributes or child elements (JSON-LD has no form for both)",
            ))  # fmt: skip
        for namespace, name, value in members:
            _add(written, self.qualified(namespace, name), value)
        for child in children:
            key = self.qualified(child.namespace, child.name)
            _add(written, key, self.extension(child, f"{at}/{_escaped(key)}"))
        return written


def _children(element: XmlElement, name: str) -> list[XmlElement]:
    return [c for c in unwrapped(element.children) if c.name == name and not c.namespace]


def _add(holder: dict[str, Any], key: str, value: object) -> None:
    if key not in holder:
        holder[key] = value
    elif isinstance(holder[key], list):
        holder[key].append(value)
    else:
        holder[key] = [holder[key], value]


def _listed(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _escaped(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _word(field: str, value: str) -> str:
    """A vocabulary value as the JSON schema writes it: the bare word for a CBV or GS1 Web
    Vocabulary URI whose word the schema lists for ``field``; anything else as it is."""
    definition, prefixes = _VOCABULARIES[field]
    for prefix in prefixes:
        if value.startswith(prefix) and value[len(prefix) :] in _words(definition):
            return value[len(prefix) :]
    return value


@functools.cache
def _words(definition: str) -> frozenset[str]:
    """The bare words GS1's JSON schema lists for one of its vocabulary definitions."""
    schema = load_schema()["definitions"][definition]
    for branch in schema.get("anyOf", []):
        if "enum" in branch:
            return frozenset(branch["enum"])
    raise AssertionError(f"GS1's schema lists no words for {definition}")  # pragma: no cover


@functools.cache
def _sensor_numbers() -> tuple[str, ...]:
    """The sensor report members GS1's JSON schema types as numbers."""
    properties = load_schema()["definitions"]["sensorReport"]["properties"]
    decimal = {"$ref": "#/definitions/decimal"}
    return tuple(name for name, value in properties.items() if value == decimal)
