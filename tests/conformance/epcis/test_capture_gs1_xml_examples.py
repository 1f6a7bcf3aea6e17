"""GS1's EPCIS XML example documents that have a JSON twin, captured as XML through the
repository's REST service on a running chain, recorded, queried back, and compared with
their JSON twins; receipts of XML-captured events verified; and XML the REST edge must
refuse.

A twin is compared as ``test_capture_gs1_examples.py`` compares a JSON capture with the
document sent: the event queried back, without its ``recordTime`` and ``@context`` (and the
``eventID`` the repository adds to an event without one), must be the JSON twin's event,
with the same CBV 2.0 event hash and, where the twin names one, the same eventID. GS1's
twins are not all exact: :data:`DEPARTURES` lists, per event, the fields that differ and
whether the hash still agrees, with why; the test fails if the list goes stale either way.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from sen.light.epcis_hash import event_hash
from sen.light.event_receipt import verify_event_receipt
from sen.services.traceability.xml_documents import document_from_xml

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2] / "integration" / "traceability"))

from test_capture_gs1_examples import (
    check_capabilities,
    check_problem,
    company_prefixes,
    query_events,
)
from trace_world import COOPERATIVE, World, open_world

DATA = Path(__file__).parent / "data" / "gs1"
XML = DATA / "XML"
JSON = DATA / "JSON"
_ALL = "WithFullCombinationOfFields"
_SENSORS = [f"SensorDataExample{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 14, 15)]
TWINS: dict[str, list[str]] = {
    # XML document -> the JSON documents of its events, in order
    "Example_9.6.1-ObjectEvent-2020_06_18a.xml": ["Example_9.6.1-ObjectEvent.jsonld"],
    "Example-TransactionEvent-2020_07_03y.xml": ["Example-TransactionEvents-2020_07_03y.jsonld"],
    "WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml": [
        "WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld"
    ],
    "AssociationEvent/AssociationEventExamples.xml": [
        f"AssociationEvent/AssociationEvent-{c}.jsonld" for c in "abcdefgh"
    ],
    # Without case 9 (refused: below), as SENSORS_WITHOUT_CASE_9.
    "WithSensorData/SensorDataExamples.xml": [f"WithSensorData/{n}.jsonld" for n in _SENSORS],
    **{f"{_ALL}/{kind}_event_all_possible_fields.xml":
       [f"{_ALL}/{kind}_event_all_possible_fields.jsonld"]
       for kind in ("aggregation", "association", "object", "transaction")},
}  # fmt: skip
EVENTS = "/epcisBody/eventList"
REFUSED: dict[str, tuple[str, str]] = {
    # XML document with a JSON twin -> the field it is refused for, and why
    "Example-PersistentDisposition.xml": (
        f"{EVENTS}/0/persistentDisposition",
        "AggregationEvents with a persistentDisposition, which GS1's XML schema allows and its "
        "JSON schema does not; GS1's twin (PersistentDisposition-example) is ObjectEvents",
    ),
    "WithSensorData/SensorDataExamples.xml": (
        f"{EVENTS}/8/sensorElementList/0/sensorReport/0/type",
        "case 9's sensor reports have no type, which the JSON schema requires; its twin "
        "(SensorDataExample9) adds them. The document is captured without case 9",
    ),
    f"{_ALL}/transformation_event_all_possible_fields.xml": (
        f"{EVENTS}/0/ilmd/cbvmda:drainedWeight",
        "<cbvmda:drainedWeight measurementUnitCode=\"KGM\">3.5</...>: text beside an "
        "attribute has no JSON-LD form; GS1's twin drops the unit",
    ),
}  # fmt: skip

ADDED_ID = "GS1's JSON twin names an eventID; the XML has none, so the repository adds its hash"
UTC = "GS1's JSON twin writes the same instant in UTC (the hash agrees)"
EDITED = "GS1 edited the JSON twin: it is another event"
DEPARTURES: dict[tuple[str, int], tuple[frozenset[str], bool, str]] = {
    # (XML document, event) -> (the fields that differ, whether the hash agrees, why)
    ("Example_9.6.1-ObjectEvent-2020_06_18a.xml", 0): (
        frozenset({"eventID", "eventTime"}), True, f"{ADDED_ID}; {UTC}"),
    ("Example_9.6.1-ObjectEvent-2020_06_18a.xml", 1): (
        frozenset({"eventID"}), False, f"{ADDED_ID}; {EDITED} (another child EPC)"),
    ("Example-TransactionEvent-2020_07_03y.xml", 0): (frozenset({"eventTime"}), True, UTC),
    ("Example-TransactionEvent-2020_07_03y.xml", 1): (
        frozenset({"eventTime", "rail:vehicle"}), False, f"{UTC}; {EDITED} (its rail:vehicle)"),
    **{("WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml", i): (
        frozenset({"inputQuantityList", "readPoint"}), False,
        f"{EDITED} (its quantities and read point)") for i in (0, 1)},
    **{("AssociationEvent/AssociationEventExamples.xml", i): (
        frozenset({"eventID"}), True, ADDED_ID) for i in range(6)},
    ("AssociationEvent/AssociationEventExamples.xml", 6): (
        frozenset({"eventID", "errorDeclaration"}), True,
        f"{ADDED_ID}; its error declaration names another corrective event in the JSON twin (g)"),
    **{("WithSensorData/SensorDataExamples.xml", i): (frozenset({"eventID"}), True, ADDED_ID)
       for i in (0, 1, 2, 4)},
}  # fmt: skip


def _sensor_departure(fields: set[str]) -> tuple[frozenset[str], bool, str]:
    return frozenset(fields), False, f"{EDITED} (its sensor data)"


for _i, _fields in {
    3: {"eventID", "sensorElementList"},
    5: {"epcList", "eventID", "quantityList", "sensorElementList"},
    6: {"eventID", "sensorElementList"},
    7: {"childEPCs", "eventID", "sensorElementList"},
    8: {"eventID", "eventTime", "sensorElementList"},
    9: {"eventID", "sensorElementList"},
    10: {"bizLocation", "errorDeclaration", "eventTime", "example2:furtherData", "readPoint",
         "sensorElementList"},
    11: {"bizStep", "eventTime", "sensorElementList"},
    12: {"bizStep", "eventTime", "sensorElementList"},
}.items():  # fmt: skip
    DEPARTURES[("WithSensorData/SensorDataExamples.xml", _i)] = _sensor_departure(_fields)
for _kind, _extra in (("aggregation", set()), ("association", {"eventTime"}),
                      ("transaction", {"eventTime"}),
                      ("object", {"eventTime", "action", "ext1:boolean", "ext1:default",
                                  "ext1:float", "ext1:int", "ext1:string", "ext1:time",
                                  "ilmd"})):  # fmt: skip
    DEPARTURES[(f"{_ALL}/{_kind}_event_all_possible_fields.xml", 0)] = (
        frozenset({"certificationInfo", "errorDeclaration", "eventID", "ext1:array",
                   "ext1:object", "sensorElementList", *_extra}),
        False, f"{EDITED}: GS1 added fields to the JSON of every 'all possible fields' example",
    )  # fmt: skip


def _xml_body(name: str) -> bytes:
    text = (XML / name).read_text(encoding="utf-8")
    if name == "WithSensorData/SensorDataExamples.xml":  # without case 9 (REFUSED)
        start = text.index("<!-- Case 9:")
        end = text.index("</ObjectEvent>", start) + len("</ObjectEvent>")
        text = text[:start] + text[end:]
    return text.encode()


def _twin_events(name: str) -> list[tuple[dict[str, Any], Any]]:
    found = []
    for file in TWINS[name]:
        document = json.loads((JSON / file).read_text(encoding="utf-8"))
        found += [(event, document["@context"]) for event in document["epcisBody"]["eventList"]]
    return found


def _sent(event: dict[str, Any], converted: dict[str, Any], hashed: str) -> dict[str, Any]:
    """A queried event as it was sent: without recordTime, @context, and an added eventID."""
    added = "eventID" not in converted and event.get("eventID") == hashed
    dropped = {"recordTime", "@context", *(["eventID"] if added else [])}
    return {k: v for k, v in event.items() if k not in dropped}


@dataclass
class Captured:
    world: World
    answers: dict[str, Any]
    documents: dict[str, dict[str, Any]]  # XML name -> the JSON-LD it was converted to


@pytest.fixture(scope="module")
def xml(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Captured]:
    with open_world(tmp_path_factory.mktemp("gs1-xml")) as world:
        documents = {name: document_from_xml(_xml_body(name)) for name in TWINS}
        refused = {
            name: document_from_xml((XML / name).read_bytes())
            for name in REFUSED
            if not name.endswith("transformation_event_all_possible_fields.xml")
        }
        every = [*documents.values(), *refused.values()]
        for prefix in sorted(set().union(*(company_prefixes(d) for d in every))):
            world.grant(prefix, COOPERATIVE)
        answers = {
            name: world.api.post(
                "/epcis/capture", content=_xml_body(name),
                headers={**world.auth, "Content-Type": "application/xml"},
            )
            for name in TWINS
        }  # fmt: skip
        world.repository.anchor_running()
        yield Captured(world, answers, documents)


def test_the_twins_and_departures_are_listed() -> None:
    assert set(TWINS) | set(REFUSED) <= {p.relative_to(XML).as_posix() for p in XML.rglob("*.xml")}
    for name in TWINS:
        assert len(_twin_events(name)) == len(
            document_from_xml(_xml_body(name))["epcisBody"]["eventList"]
        )
    assert {name for name, _ in DEPARTURES} <= set(TWINS)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_an_xml_example_gs1s_json_schema_refuses_is_refused_naming_the_field(
    xml: Captured, name: str
) -> None:
    before = xml.world.store.count(), len(xml.world.store.jobs())
    refused = xml.world.api.post(
        "/epcis/capture", content=(XML / name).read_bytes(),
        headers={**xml.world.auth, "Content-Type": "text/xml"},
    )  # fmt: skip
    check_problem(refused, 400, REFUSED[name][0])
    assert (xml.world.store.count(), len(xml.world.store.jobs())) == before


@pytest.mark.parametrize("name", sorted(TWINS))
def test_an_xml_example_is_captured_and_queried_back_as_its_json_twin(
    xml: Captured, name: str
) -> None:
    answer = xml.answers[name]
    assert answer.status_code == 202, answer.text[:500]
    check_capabilities(answer.headers)
    job = xml.world.api.get(answer.headers["Location"], headers=xml.world.auth).json()
    assert (job["running"], job["success"], job["errors"]) == (False, True, []), job
    sent = xml.documents[name]["epcisBody"]["eventList"]
    assert job["sen"]["events"] == len(sent)
    context = xml.documents[name]["@context"]
    for index, ((twin, twin_context), converted) in enumerate(
        zip(_twin_events(name), sent, strict=True)
    ):
        hashed = event_hash(converted, context)
        found = xml.world.api.get(
            "/epcis/events/" + quote(converted.get("eventID", hashed), safe=""),
            headers=xml.world.auth,
        )
        back = [e for e in query_events(found) if event_hash(e, e["@context"]) == hashed]
        assert back, (name, index)
        # an event and its error declaration share an eventID: the one sent, if it is there
        event = next((e for e in back if _sent(e, converted, hashed) == converted), back[0])
        assert event["@context"] == context
        mine = {k: v for k, v in event.items() if k not in ("recordTime", "@context")}
        if "eventID" not in converted:
            assert mine.pop("eventID") == hashed
        assert mine == {k: v for k, v in converted.items() if k != "recordTime"}
        theirs = {k: v for k, v in twin.items() if k != "recordTime"}
        differ = {k for k in {*mine, *theirs} if mine.get(k) != theirs.get(k)}
        same_hash = hashed == event_hash(twin, twin_context)
        listed = DEPARTURES.get((name, index))
        if listed is None:
            assert (differ, same_hash) == (set(), True), (name, index, sorted(differ))
        else:
            assert (differ, same_hash) == (set(listed[0]), listed[1]), (name, index, listed[2])


def test_an_xml_captured_events_job_and_receipt_verify(xml: Captured) -> None:
    name = "Example-TransactionEvent-2020_07_03y.xml"
    world = xml.world
    listed = world.api.get("/epcis/capture", headers=world.auth).json()
    assert xml.answers[name].json()["captureID"] in [job["captureID"] for job in listed]
    event = xml.documents[name]["epcisBody"]["eventList"][0]
    hashed = event_hash(event, xml.documents[name]["@context"])
    deadline = time.monotonic() + 20
    while True:  # 409 until the block after the job's is committed
        answer = world.api.get("/epcis/receipts", params={"eventID": hashed}, headers=world.auth)
        if answer.status_code != 409:
            break
        assert time.monotonic() < deadline, answer.text
        world.wait_for_block_after(world.node.app.height)
    assert answer.status_code == 200, answer.text
    (receipt,) = answer.json()
    assert receipt["event_hash"] == hashed
    stored = json.loads(receipt["event"])  # the stored JSON-LD: the converted event
    assert {k: stored[k] for k in event} == event
    report = verify_event_receipt(json.loads(json.dumps(receipt)), world.genesis)
    assert report.valid, report


# -- what the REST edge must refuse, as XML --------------------------------------------------

_EVENT = (XML / "Example_9.6.1-ObjectEvent-2020_06_18a.xml").read_text(encoding="utf-8")


def _many(events: int) -> bytes:
    start = _EVENT.index("<ObjectEvent>")
    end = _EVENT.index("</ObjectEvent>") + len("</ObjectEvent>")
    one = _EVENT[start:end]
    return (_EVENT[:start] + one * events + _EVENT[end:]).encode()


def _deep(levels: int) -> bytes:
    at = _EVENT.index("</ObjectEvent>")
    deep = "<example:a>" * levels + "</example:a>" * levels
    return (_EVENT[:at] + deep + _EVENT[at:]).encode()


BAD_XML: list[tuple[str, Any, str, int, str]] = [
    ("not XML", b"{}", "application/xml", 400, ""),
    ("JSON sent as XML", (JSON / "Example_9.6.1-ObjectEvent.jsonld").read_bytes(),
     "application/xml", 400, ""),
    ("XML sent as JSON", _EVENT.encode(), "application/json", 400, ""),
    ("an entity", b'<!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>', "application/xml", 400, ""),
    ("an external DTD", b'<!DOCTYPE d SYSTEM "file:///etc/passwd"><d/>', "text/xml", 400, ""),
    ("a billion laughs", b'<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><l>&b;</l>',
     "application/xml", 400, ""),
    ("not EPCIS", b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "application/xml", 400, ""),
    ("a capture job document", (XML / "CaptureJob" / "Example-CaptureJobRunning.xml").read_bytes(),
     "application/xml", 400, ""),
    ("a query document", _EVENT.replace("epcis:EPCISDocument", "epcis:EPCISQueryDocument").encode(),
     "application/xml", 400, "/type"),
    ("master data only",
     (XML / _ALL / "masterdata_all_possible_fields.xml").read_bytes(), "application/xml", 400,
     EVENTS),
    ("nested too deep", _deep(70), "application/xml", 400, ""),
    ("more events than the limit", lambda: _many(10_001), "application/xml", 413, EVENTS),
    ("more than 16 MiB", lambda: _EVENT.replace("<EPCISBody>", "<!--" + "x" * (16 << 20)
                                                + "--><EPCISBody>").encode(),
     "application/xml", 413, ""),
    ("plain text", _EVENT.encode(), "text/plain", 415, "Content-Type"),
    ("a form", b"a=b", "application/x-www-form-urlencoded", 415, "Content-Type"),
    ("XML of another kind", _EVENT.encode(), "application/atom+xml", 415, "Content-Type"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [case[1:] for case in BAD_XML],
    ids=[case[0] for case in BAD_XML],
)
def test_bad_xml_is_a_problem_naming_the_field_and_keeps_nothing(
    xml: Captured, body: Any, content_type: str, status: int, field: str
) -> None:
    before = xml.world.store.count(), len(xml.world.store.jobs())
    sent = body() if callable(body) else body
    refused = xml.world.api.post(
        "/epcis/capture", content=sent, headers={**xml.world.auth, "Content-Type": content_type}
    )
    problem = check_problem(refused, status, field)
    if status == 415:
        assert problem["expected"] == "application/ld+json, application/json or application/xml"
    assert (xml.world.store.count(), len(xml.world.store.jobs())) == before
