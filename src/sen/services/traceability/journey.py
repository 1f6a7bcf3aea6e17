"""What a consumer's scan shows: a product's journey, its origin, and the signals that
something is wrong (``docs/spec/traceability.md`` §7).

From the key scanned (a lot ``01/<GTIN>/10/<lot>``, a serial ``01/<GTIN>/21/<serial>``, a
GTIN, an SSCC) the journey follows, a few steps at most:

- the events that name it, in any role;
- the containers it was packed into (an AggregationEvent ``ADD`` with it as a child: the
  carton, then the pallet), whose own events (shipping, receiving) are its journey too;
- the transformations it went through: what it was made from (inputs, for its origin) and
  what was made of it (outputs).

Each event comes with where it was recorded on chain and its proof status, checked here
against the chain's genesis as ``sen verify`` checks it (the page offers each receipt to
download, for a reader who trusts no server); ``origin`` marks the event that made the key.
Signals (:func:`signals`) name their evidence: the events (or counts) that raised them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sen.light.event_receipt import epcis_time, epcis_time_ms
from sen.services.traceability.catalog import SCAN_WINDOW_MS, Catalog
from sen.services.traceability.certificates import CertificateBook
from sen.services.traceability.repository import Repository, cbv_short, indexed_identifier
from sen.services.traceability.store import EventFilter, StoredEvent

ALL_ROLES = (
    "epc", "child", "parent", "input", "output", "class", "childClass", "inputClass",
    "outputClass",
)  # fmt: skip
MAX_STEPS = 4
MAX_KEYS = 64
MAX_EVENTS = 500
SCANS_AFTER_SALE = 5
"""Scans of a serial after its sale (each a separate ten-minute period, catalog.py) that
raise the "scanned again" signal: a hint to check the label, never evidence, since anyone
can open a page."""
SOLD = ("retail_selling",)
SOLD_DISPOSITIONS = ("retail_sold",)


@dataclass(slots=True)
class Journey:
    key: str
    events: dict[int, tuple[StoredEvent, dict[str, Any], str]] = field(default_factory=dict)
    related: dict[str, str] = field(default_factory=dict)  # key -> relation to the scanned one


def _named(doc: Mapping[str, Any], *lists: str) -> list[str]:
    found = []
    for name in lists:
        for value in doc.get(name) or []:
            if isinstance(value, str):
                found.append(indexed_identifier(value))
            elif isinstance(value, Mapping) and isinstance(value.get("epcClass"), str):
                found.append(indexed_identifier(value["epcClass"]))
    return found


def follow(repository: Repository, key: str) -> Journey:
    """The events of ``key`` and of what it is packed in, made from, or made into: at most
    :data:`MAX_EVENTS` in all, however many keys each step finds (each is proven when shown)."""
    journey = Journey(key, related={key: "self"})
    frontier = [key]
    for _ in range(MAX_STEPS):
        found: list[str] = []
        for current in frontier:
            where = EventFilter(identifiers=((ALL_ROLES, (current,)),))
            for event in repository.store.query(where, 0, MAX_EVENTS):
                if len(journey.events) >= MAX_EVENTS:
                    return journey
                doc = event.document()
                journey.events.setdefault(event.seq, (event, doc, journey.related[current]))
                for link, other in _links(doc, current):
                    relation = _composed(journey.related[current], link)
                    if relation is None or other in journey.related:
                        continue
                    if len(journey.related) < MAX_KEYS:
                        journey.related[other] = relation
                        found.append(other)
        if not found or len(journey.events) >= MAX_EVENTS:
            break
        frontier = found
    return journey


def _composed(base: str, link: str) -> str | None:
    """What a key linked (``link``) to a key of relation ``base`` is to the scanned one, or
    None when it is not on its journey: a container's container holds it too; an
    ingredient's container and ingredients are its ingredient's journey ("made-from"); what
    was made from it is made into something else too; but another product made from its
    ingredient (a sibling), or another ingredient of what it was made into, is not."""
    if base == "self":
        return link
    if base == "container":
        return "container" if link == "container" else None
    if link == "container" or link == base:
        return base
    return None


def _sold(doc: Mapping[str, Any]) -> bool:
    return (
        cbv_short("bizStep", str(doc.get("bizStep", ""))) in SOLD
        or cbv_short("disposition", str(doc.get("disposition", ""))) in SOLD_DISPOSITIONS
    )


def was_sold(repository: Repository, key: str) -> bool:
    """Whether a recorded event sells ``key`` (a serial): only then is a scan of its page
    logged, so openings of made-up or unsold serials never fill the scan log."""
    where = EventFilter(identifiers=((("epc",), (key,)),))
    return any(_sold(e.document()) for e in repository.store.query(where, 0, MAX_EVENTS))


def _links(doc: Mapping[str, Any], key: str) -> Iterable[tuple[str, str]]:
    kind, action = doc.get("type"), doc.get("action")
    packed = kind == "AggregationEvent" and action == "ADD"
    children = _named(doc, "childEPCs", "childQuantityList") if packed else []
    if key in children and isinstance(doc.get("parentID"), str):
        yield "container", indexed_identifier(doc["parentID"])
    if kind == "TransformationEvent":
        inputs = _named(doc, "inputEPCList", "inputQuantityList")
        outputs = _named(doc, "outputEPCList", "outputQuantityList")
        if key in inputs:
            yield from (("made-into", o) for o in outputs)
        if key in outputs:
            yield from (("made-from", i) for i in inputs)


def _quantity(doc: Mapping[str, Any], key: str, *lists: str) -> dict[str, float]:
    """The quantities of ``key`` in ``lists``, by unit of measure (``""`` when none)."""
    totals: dict[str, float] = {}
    for name in lists:
        for item in doc.get(name) or []:
            if (
                isinstance(item, Mapping)
                and isinstance(item.get("epcClass"), str)
                and indexed_identifier(item["epcClass"]) == key
                and isinstance(item.get("quantity"), int | float)
                and item["quantity"] > 0  # a negative amount would hide as much of a flow
            ):
                unit = str(item.get("uom", ""))
                totals[unit] = totals.get(unit, 0) + item["quantity"]
    return totals


def signals(repository: Repository, catalog: Catalog, journey: Journey) -> list[dict[str, Any]]:
    """What looks wrong about the scanned key, each with its evidence."""
    own = [(e, d) for e, d, relation in journey.events.values() if relation == "self"]
    found: list[dict[str, Any]] = []
    sales = [(e, d) for e, d in own if _sold(d)]
    # only places that are GS1 locations count: their holders are known, and a capturer
    # records only at its own (§3); a sale at no place, or at a private URI, claims nothing
    placed = [(e, d) for e, d in sales if _place(d).startswith("414/")]
    places = {_place(d) for _, d in placed}
    if journey.key.startswith("01/") and "/21/" in journey.key and len(places) > 1:
        found.append({
            "kind": "sold-twice", "severity": "danger",
            "evidence": [e.event_id for e, _ in placed],
            "detail": f"this serial was sold at {len(places)} different places",
            "places": sorted(places),
        })  # fmt: skip
    if sales and "/21/" in journey.key:
        first_sale = min(e.record_time_ms for e, _ in sales)
        count = catalog.scans_since(journey.key, first_sale)
        if count > SCANS_AFTER_SALE:
            found.append({
                "kind": "scanned-after-sale", "severity": "warning",
                "evidence": [e.event_id for e, _ in sales] + [f"{count} scans"],
                "detail": (
                    f"its page was opened in {count} separate {SCAN_WINDOW_MS // 60_000}-minute "
                    f"periods since it was sold on {epcis_time(first_sale)}; anyone can open "
                    "a page, so this is a hint to check the label, not evidence"
                ),
                "scans": count, "since": epcis_time(first_sale),
            })  # fmt: skip
    if "/10/" in journey.key:
        found += _quantity_signals(journey)
    return found


def _quantity_signals(journey: Journey) -> list[dict[str, Any]]:
    """More of a lot packed, shipped or processed than was ever produced: each flow is
    compared with production on its own (packing does not use goods up, so the flows are
    not added)."""
    produced: dict[str, float] = {}
    producing: list[str] = []
    flows: dict[str, tuple[dict[str, float], list[str]]] = {
        "packed": ({}, []), "shipped": ({}, []), "processed": ({}, []),
    }  # fmt: skip
    for event, doc, _ in journey.events.values():
        kind, action = doc.get("type"), doc.get("action")
        step = cbv_short("bizStep", str(doc.get("bizStep", "")))
        made: dict[str, float] = {}
        if kind == "ObjectEvent" and action == "ADD":
            made = _quantity(doc, journey.key, "quantityList")
        elif kind == "TransformationEvent":
            made = _quantity(doc, journey.key, "outputQuantityList")
        for unit, amount in made.items():
            produced[unit] = produced.get(unit, 0) + amount
            producing.append(event.event_id)
        flow, taken = "", {}
        if kind == "AggregationEvent" and action == "ADD":
            flow, taken = "packed", _quantity(doc, journey.key, "childQuantityList")
        elif kind == "TransformationEvent":
            flow, taken = "processed", _quantity(doc, journey.key, "inputQuantityList")
        elif kind == "ObjectEvent" and step == "shipping" and action == "OBSERVE":
            flow, taken = "shipped", _quantity(doc, journey.key, "quantityList")
        for unit, amount in taken.items():
            totals, evidence = flows[flow]
            totals[unit] = totals.get(unit, 0) + amount
            evidence.append(event.event_id)
    found = []
    for flow, (totals, evidence) in flows.items():
        for unit, amount in sorted(totals.items()):
            if amount > produced.get(unit, 0):
                found.append({
                    "kind": "quantities-do-not-add-up", "severity": "danger",
                    "evidence": producing + evidence,
                    "detail": f"{_number(amount)} {unit} {flow}, but "
                    f"{_number(produced.get(unit, 0))} {unit} produced",
                    "flow": flow, "amount": amount, "produced": produced.get(unit, 0),
                    "unit": unit,
                })  # fmt: skip
    return found


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _place(doc: Mapping[str, Any]) -> str:
    for name in ("bizLocation", "readPoint"):
        value = doc.get(name)
        if isinstance(value, Mapping) and isinstance(value.get("id"), str):
            return indexed_identifier(value["id"])
    return ""


Prover = Callable[[StoredEvent], dict[str, Any]]


def view(
    repository: Repository,
    catalog: Catalog,
    key: str,
    prove: Prover | None = None,
    certificates: CertificateBook | None = None,
) -> dict[str, Any]:
    """The consumer page's data for ``key`` (a canonical Digital Link path); with ``prove``,
    each event's proof status (:func:`sen.services.traceability.resolver.receipt_prover`);
    with ``certificates``, the certificates of the key, its GTIN, its producer and the
    places it was made at (:func:`certified_keys`), each verified now."""
    journey = follow(repository, key)
    made = origin(journey)  # the event that made the key: the page's producer and origin
    jobs: dict[bytes, Any] = {}
    entries = []
    for event, doc, relation in sorted(
        journey.events.values(), key=lambda item: (_time(item[1]), item[0].seq)
    ):
        job = jobs.setdefault(event.capture, repository.store.job(event.capture))
        places = {
            name: _described(catalog, doc[name]["id"])
            for name in ("readPoint", "bizLocation")
            if isinstance(doc.get(name), Mapping) and isinstance(doc[name].get("id"), str)
        }
        entries.append({
            "eventID": event.event_id, "relation": relation, "type": doc.get("type"),
            "action": doc.get("action"),
            "bizStep": cbv_short("bizStep", str(doc.get("bizStep", ""))) or None,
            "disposition": cbv_short("disposition", str(doc.get("disposition", ""))) or None,
            "eventTime": doc.get("eventTime"), "places": places,
            "capturer": job.capturer if job else None,
            "recorded": None if job is None or job.height is None else {
                "height": job.height, "captureID": job.capture.hex(),
            },
            "errorDeclaration": doc.get("errorDeclaration"),
            "proof": None if prove is None else prove(event),
            "origin": made is not None and event.seq == made.seq,
            "event": doc,
        })  # fmt: skip
    gtin = "/".join(key.split("/")[:2]) if key.startswith("01/") else None
    shown = {
        "key": key,
        "product": _described(catalog, gtin) if gtin else [],
        "item": _described(catalog, key),
        "related": journey.related,
        "events": entries,
        "signals": signals(repository, catalog, journey),
    }
    if certificates is not None:
        shown["certificates"] = certificates.for_keys(certified_keys(repository, journey))
    return shown


def origin(journey: Journey) -> StoredEvent | None:
    """The event that made the scanned key (its commissioning): the earliest of its own
    events that creates it, an ObjectEvent ``ADD`` naming it or a TransformationEvent
    output."""
    made = []
    for event, doc, relation in journey.events.values():
        kind, action = doc.get("type"), doc.get("action")
        created: list[str] = []
        if relation == "self" and kind == "ObjectEvent" and action == "ADD":
            created = _named(doc, "epcList", "quantityList")
        elif relation == "self" and kind == "TransformationEvent":
            created = _named(doc, "outputEPCList", "outputQuantityList")
        if journey.key in created:
            made.append((_time(doc), event.seq, event))
    return min(made, key=lambda item: item[:2])[2] if made else None


def certified_keys(repository: Repository, journey: Journey) -> list[str]:
    """Whose certificates the page of ``journey.key`` shows: the key itself, its GTIN, and,
    from the event that made it (:func:`origin`), its producer (the DID that captured that
    event) and the places it happened at (their GLNs, without a sub-location extension)."""
    key = journey.key
    keys = [key]
    if key.startswith("01/"):
        keys.append("/".join(key.split("/")[:2]))
    made = origin(journey)
    if made is not None:
        job = repository.store.job(made.capture)
        if job is not None:
            keys.append(job.capturer)
        doc = made.document()
        for name in ("readPoint", "bizLocation"):
            place = doc.get(name)
            found = place.get("id") if isinstance(place, Mapping) else None
            gln = indexed_identifier(found) if isinstance(found, str) else ""
            if gln.startswith("414/"):
                keys.append("/".join(gln.split("/")[:2]))
    return list(dict.fromkeys(keys))


def _time(doc: Mapping[str, Any]) -> int:
    return epcis_time_ms(doc.get("eventTime")) or 0


def _described(catalog: Catalog, element: str) -> list[dict[str, Any]]:
    return catalog.describe(element)
