"""EPCIS 2.0 XML documents read into the JSON form :mod:`sen.light.epcis_hash` hashes.

The CBV 2.0 event hash is syntax-agnostic: one event must hash the same in XML and in
JSON-LD. :func:`events_from_xml` maps each event of an XML document (an EPCISDocument or
an EPCISQueryDocument, EPCIS 2.0 or 1.2) to the event as EPCIS 2.0 JSON-LD writes it,
with the @context its user extensions need, so that ``event_hash(*pair)`` is the event's
hash whichever syntax it came in:

- standard fields become JSON fields; the lists lose their element wrappers
  (``<epcList><epc>`` -> ``epcList: [...]``), a business transaction's, source's or
  destination's ``type`` attribute becomes its ``type`` key, and a sensor's
  ``sensorMetadata`` and ``sensorReport`` attributes become keys;
- EPCIS 1.2's ``<extension>`` and ``<baseExtension>`` wrappers are unwrapped;
- a user extension element becomes a key ``{namespace}localname``, its children an
  object (repeated names a list), its attributes children too, and its text, beside
  them, ``#text`` (as XML-to-JSON converters write it); ``xsi:`` annotations
  (``xsi:type="xsd:integer"``) are dropped, as JSON-LD carries the type in the value, and
  an element ``xsi:nil`` says is absent is left out;
- the CBV master-data namespace ``urn:epcglobal:cbv:mda`` becomes the ``cbvmda:`` prefix
  of the EPCIS JSON-LD context (whose IRI ends in ':').

The document is read with the standard library's expat, defended as defusedxml defends
it by default: an entity declaration, a DTD with an internal subset or an external DTD is
refused before anything else is read, so no entity is ever expanded and nothing is
fetched (a bare ``<!DOCTYPE name>``, which GS1's examples carry, is allowed). Elements
nested deeper than :data:`MAX_DEPTH` are refused. Anything that is not an EPCIS event
document raises :class:`~sen.light.errors.EventHashError`.
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field

from sen.light.epcis_hash import EVENT_TYPES
from sen.light.errors import EventHashError

__all__ = [
    "EPCIS_CONTEXT", "MAX_DEPTH", "XSI", "XmlDocument", "XmlElement", "event_elements",
    "events_from_xml", "events_of", "parse_xml", "unwrapped",
]  # fmt: skip

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
MAX_DEPTH = 64
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# XML namespaces whose elements are written with a JSON-LD prefix of another IRI.
_JSON_PREFIXES = {"urn:epcglobal:cbv:mda": "cbvmda"}
_WRAPPERS = frozenset({"extension", "baseExtension"})
_TEXT_FIELDS = frozenset({
    "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "action", "bizStep",
    "disposition", "parentID", "transformationID",
})  # fmt: skip
_EPC_LISTS = frozenset({"epcList", "childEPCs", "inputEPCList", "outputEPCList"})
_QUANTITY_LISTS = frozenset(
    {"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}
)
_TYPED_LISTS = {
    "bizTransactionList": "bizTransaction",
    "sourceList": "source",
    "destinationList": "destination",
}


@dataclass(slots=True)
class XmlElement:
    """An element as read: its namespace (``""``: none), local name, attributes, children
    and text (``value``: the text joined and stripped)."""

    namespace: str
    name: str
    attributes: list[tuple[str, str, str]]  # (namespace, name, value)
    children: list[XmlElement] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    @property
    def value(self) -> str:
        return "".join(self.text).strip()

    def attribute(self, name: str) -> str | None:
        """The value of the unqualified attribute ``name``, if the element has one."""
        for namespace, each, value in self.attributes:
            if each == name and not namespace:
                return value
        return None


Event = dict[str, object]


@dataclass(frozen=True, slots=True)
class XmlDocument:
    """A parsed XML document: its root element and the namespace each prefix was first
    declared for (``""``: the default namespace)."""

    root: XmlElement
    namespaces: dict[str, str]


def events_from_xml(document: bytes | str) -> list[tuple[Event, list[object]]]:
    """Each event of an EPCIS XML document, as (the event in JSON form, its @context)."""
    return events_of(parse_xml(document))


def events_of(document: XmlDocument) -> list[tuple[Event, list[object]]]:
    """Each event of a parsed EPCIS XML document, as :func:`events_from_xml` gives them."""
    context: list[object] = [EPCIS_CONTEXT]
    prefixes = {
        prefix: uri
        for prefix, uri in document.namespaces.items()
        if prefix and not uri.startswith("urn:epcglobal:") and "w3.org" not in uri
    }
    if prefixes:
        context.append(prefixes)
    elements = event_elements(document.root)
    events = [_event(element, f"events[{i}]") for i, element in enumerate(elements)]
    return [(event, context) for event in events]


# ---------------------------------------------------------------- parsing


def parse_xml(document: bytes | str) -> XmlDocument:
    """The document's element tree, read as the module docstring says (no entities, no
    DTDs, at most :data:`MAX_DEPTH` levels); :class:`EventHashError` if it cannot be."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[XmlElement] = []
    roots: list[XmlElement] = []
    declared: dict[str, str] = {}

    def refuse(what: str) -> None:
        raise EventHashError("xml", "an EPCIS document without entities or DTDs", what)

    def doctype(name: str, system: str | None, public: str | None, internal: int) -> None:
        if system or public or internal:
            refuse(f"a DTD for {name!r}")

    def start(tag: str, attributes: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise EventHashError("xml", f"elements nested at most {MAX_DEPTH} deep", "deeper")
        namespace, name = _split(tag)
        element = XmlElement(namespace, name, [(*_split(k), v) for k, v in attributes.items()])
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].text.append(data)

    def namespace_declaration(prefix: str | None, uri: str) -> None:
        declared.setdefault(prefix or "", uri)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = lambda name, *rest: refuse(f"the entity {name!r}")
    parser.ExternalEntityRefHandler = lambda *rest: refuse("an external entity")  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartNamespaceDeclHandler = namespace_declaration
    try:
        parser.Parse(document, True)
    except xml.parsers.expat.ExpatError as error:
        raise EventHashError("xml", "a well-formed XML document", str(error)) from None
    return XmlDocument(roots[0], declared)


def _split(tag: str) -> tuple[str, str]:
    namespace, _, name = tag.rpartition(" ")
    return namespace, name


def event_elements(root: XmlElement) -> list[XmlElement]:
    """The events of every EventList in the document, in document order."""
    events: list[XmlElement] = []
    pending = [root]
    while pending:
        element = pending.pop()
        if element.name == "EventList" and not element.namespace:
            events += [e for e in unwrapped(element.children) if e.name in EVENT_TYPES]
        else:
            pending += reversed(element.children)
    if not events:
        raise EventHashError("xml", "an EPCIS document with an EventList of events", "none")
    return events


def unwrapped(children: list[XmlElement]) -> list[XmlElement]:
    """``children`` with EPCIS 1.2's extension wrappers replaced by their contents, and
    without the elements ``xsi:nil`` says are absent."""
    result: list[XmlElement] = []
    for child in children:
        if (XSI, "nil", "true") in child.attributes:
            continue
        if child.name in _WRAPPERS and not child.namespace:
            result += unwrapped(child.children)
        else:
            result.append(child)
    return result


# ---------------------------------------------------------------- mapping


def _event(element: XmlElement, path: str) -> Event:
    event: Event = {"type": element.name}
    for child in unwrapped(element.children):
        at = f"{path}.{child.name}"
        if child.namespace:
            _add(event, _key(child.namespace, child.name), _extension(child))
        elif child.name in _TEXT_FIELDS:
            _set(event, child.name, child.value, at)
        elif child.name == "certificationInfo":
            _add(event, child.name, child.value)
        elif child.name in _EPC_LISTS:
            _set(event, child.name, [epc.value for epc in _named(child, "epc", at)], at)
        elif child.name in _QUANTITY_LISTS:
            _set(
                event,
                child.name,
                [_quantity(q, at) for q in _named(child, "quantityElement", at)],
                at,
            )
        elif child.name in _TYPED_LISTS:
            _set(event, child.name, _typed(child, _TYPED_LISTS[child.name], at), at)
        elif child.name in ("readPoint", "bizLocation", "ilmd", "errorDeclaration"):
            _set(event, child.name, _object(child, at), at)
        elif child.name == "persistentDisposition":
            _set(event, child.name, _object(child, at, lists=("set", "unset")), at)
        elif child.name == "sensorElementList":
            elements = [_sensor_element(e, at) for e in _named(child, "sensorElement", at)]
            _set(event, child.name, elements, at)
        else:
            raise EventHashError(
                at, "an EPCIS 2.0 field or a namespaced extension", repr(child.name)
            )
    return event


def _set(event: Event, key: str, value: object, path: str) -> None:
    if key in event:
        raise EventHashError(path, "the field once", "it twice")
    event[key] = value


def _add(holder: Event, key: str, value: object) -> None:
    """``key: value``, or a list of values if ``key`` repeats."""
    present = holder.get(key)
    if key not in holder:
        holder[key] = value
    elif isinstance(present, list):
        present.append(value)
    else:
        holder[key] = [present, value]


def _key(namespace: str, name: str) -> str:
    prefix = _JSON_PREFIXES.get(namespace)
    return f"{prefix}:{name}" if prefix else "{" + namespace + "}" + name


def _named(element: XmlElement, name: str, path: str) -> list[XmlElement]:
    children = unwrapped(element.children)
    for child in children:
        if child.name != name or child.namespace:
            raise EventHashError(f"{path}.{child.name}", f"only {name} elements", repr(child.name))
    return children


def _quantity(element: XmlElement, path: str) -> Event:
    return {child.name: child.value for child in _named_any(element, path)}


def _named_any(element: XmlElement, path: str) -> list[XmlElement]:
    children = unwrapped(element.children)
    for child in children:
        if child.namespace:
            raise EventHashError(f"{path}.{child.name}", "a standard field", repr(child.name))
    return children


def _typed(element: XmlElement, kind: str, path: str) -> list[Event]:
    items: list[Event] = []
    for child in _named(element, kind, path):
        item: Event = {}
        for namespace, name, value in child.attributes:
            if name == "type" and not namespace:
                item["type"] = value
        item[kind] = child.value
        items.append(item)
    return items


def _object(element: XmlElement, path: str, lists: tuple[str, ...] = ()) -> Event:
    """A standard object: attributes and child elements become keys (repeated: lists)."""
    result: Event = {}
    for namespace, name, value in element.attributes:
        if namespace != XSI:
            _add(result, _key(namespace, name) if namespace else name, value)
    for child in unwrapped(element.children):
        if child.namespace:
            _add(result, _key(child.namespace, child.name), _extension(child))
        elif child.name in lists:
            result.setdefault(child.name, [])
            _add(result, child.name, child.value)
        elif child.children:
            _add(result, child.name, [c.value for c in child.children])
        else:
            _add(result, child.name, child.value)
    return result


def _sensor_element(element: XmlElement, path: str) -> Event:
    result: Event = {}
    reports: list[Event] = []
    for child in unwrapped(element.children):
        at = f"{path}.{child.name}"
        if child.namespace:
            _add(result, _key(child.namespace, child.name), _extension(child))
        elif child.name == "sensorMetadata":
            _set(result, "sensorMetadata", _object(child, at), at)
        elif child.name == "sensorReport":
            reports.append(_object(child, at))
        else:
            raise EventHashError(
                at, "sensorMetadata, sensorReport or an extension", repr(child.name)
            )
    result["sensorReport"] = reports
    return result


def _extension(element: XmlElement) -> object:
    """A user extension's value: its text; or, if it has attributes or children, an object
    of them, with its text (if any) under ``#text``."""
    members = [(ns, name, value) for ns, name, value in element.attributes if ns != XSI]
    children = unwrapped(element.children)
    if not members and not children:
        return element.value
    result: Event = {}
    if element.value:
        result["#text"] = element.value
    for namespace, name, value in members:
        _add(result, _key(namespace, name) if namespace else name, value)
    for child in children:
        _add(result, _key(child.namespace, child.name) if child.namespace else child.name,
             _extension(child))  # fmt: skip
    return result
