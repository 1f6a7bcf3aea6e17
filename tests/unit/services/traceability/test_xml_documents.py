"""EPCIS XML documents converted to the JSON-LD document that means the same
(sen.services.traceability.xml_documents): GS1's XML examples pass GS1's JSON schema and
hash as their XML does; each mapping rule on a small document; what cannot be converted is
refused naming the field; the hash guard refuses what would change an event's hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sen.light.epcis_hash import event_hash
from sen.light.epcis_xml import events_from_xml
from sen.services.traceability.errors import DocumentTooLarge, EpcisInvalid
from sen.services.traceability.validation import validate_document
from sen.services.traceability.xml_documents import document_from_xml

GS1_XML = Path(__file__).parents[3] / "conformance" / "epcis" / "data" / "gs1" / "XML"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
EVENTS = "/epcisBody/eventList"

# GS1's XML examples that are not converted, each with the first field refused and why.
NOT_CONVERTED: dict[str, tuple[str, str]] = {
    "CBV/CBV-11.4-2020-06-16a.xml": ("", "a master data document, not an EPCISDocument"),
    "Mimasu/Example-masterData.xml": ("", "a master data document, not an EPCISDocument"),
    "CaptureJob/Example-CaptureJobRunning.xml": ("", "a capture job, not an EPCISDocument"),
    "CaptureJob/Example-CaptureJobSuccess.xml": ("", "a capture job, not an EPCISDocument"),
    "CaptureJob/Example-CaptureJobWithErrorFile.xml": ("", "a capture job"),
    "CaptureJob/Example-CaptureJobWithErrors.xml": ("", "a capture job"),
    "WithFullCombinationOfFields/masterdata_all_possible_fields.xml": (
        EVENTS, "master data and no events"
    ),
    # <cbvmda:grossWeight measurementUnitCode="KGM">3.5</...>: text beside an attribute has
    # no JSON-LD form (GS1's JSON twin drops the unit, which Sen will not do silently).
    "WithFullCombinationOfFields/transformation_event_all_possible_fields.xml": (
        f"{EVENTS}/0/ilmd/cbvmda:drainedWeight", "text beside an attribute"
    ),
}  # fmt: skip
# Converted, but refused by GS1's JSON schema (as their JSON would be), with the field.
NOT_VALID: dict[str, tuple[str, str]] = {
    # An AggregationEvent with a persistentDisposition: the XML schema allows it, the JSON
    # schema does not (GS1's JSON twin is made of ObjectEvents instead).
    "Example-PersistentDisposition.xml": (f"{EVENTS}/0/persistentDisposition", ""),
    # Case 9's sensor reports have no type, which the JSON schema requires (GS1's JSON twin,
    # SensorDataExample9, adds Temperature and AbsoluteHumidity).
    "WithSensorData/SensorDataExamples.xml": (
        f"{EVENTS}/8/sensorElementList/0/sensorReport/0/type", ""
    ),
}  # fmt: skip
EXAMPLES = sorted(p.relative_to(GS1_XML).as_posix() for p in GS1_XML.rglob("*.xml"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_gs1_xml_example_converts_to_valid_json_ld_hashing_as_its_xml(name: str) -> None:
    body = (GS1_XML / name).read_bytes()
    if name in NOT_CONVERTED:
        with pytest.raises(EpcisInvalid) as refused:
            document_from_xml(body)
        assert refused.value.problems[0].pointer == NOT_CONVERTED[name][0]
        return
    document = document_from_xml(body)
    if name in NOT_VALID:
        with pytest.raises(EpcisInvalid) as refused:
            validate_document(document)
        assert refused.value.problems[0].pointer == NOT_VALID[name][0]
    else:
        validate_document(document)
    events = document["epcisBody"]["eventList"]
    pairs = events_from_xml(body)
    assert len(events) == len(pairs) > 0
    for event, pair in zip(events, pairs, strict=True):
        assert event_hash(event, document["@context"]) == event_hash(*pair)


def test_the_listed_examples_exist() -> None:
    assert set(NOT_CONVERTED) | set(NOT_VALID) <= set(EXAMPLES)
    assert len(EXAMPLES) == 37


def _document(event: str, *, header: str = "", namespaces: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
  creationDate="2026-06-01T08:00:00+07:00" {namespaces}>
  {header}
  <EPCISBody><EventList>{event}</EventList></EPCISBody>
</epcis:EPCISDocument>""".encode()


def _event(inner: str = "", action: str = "ADD") -> str:
    return f"""<ObjectEvent>
  <eventTime>2026-06-01T08:00:00+07:00</eventTime>
  <eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
  <epcList><epc>urn:epc:id:sgtin:8935678.01234.1</epc></epcList>
  <action>{action}</action>{inner}
</ObjectEvent>"""


def _converted(event: str, **kwargs: Any) -> dict[str, Any]:
    document = document_from_xml(_document(event, **kwargs))
    validate_document(document)
    converted = document["epcisBody"]["eventList"][0]
    assert isinstance(converted, dict)
    return converted


def test_the_document_envelope() -> None:
    body = _document(_event(), namespaces='xmlns:farm="https://farm.example/ns/"')
    document = document_from_xml(body)
    assert document["@context"] == [CONTEXT, {"farm": "https://farm.example/ns/"}]
    assert (document["type"], document["schemaVersion"]) == ("EPCISDocument", "2.0")
    assert document["creationDate"] == "2026-06-01T08:00:00+07:00"
    assert "epcisHeader" not in document


QUANTITY = """<quantityList><quantityElement>
  <epcClass>urn:epc:class:lgtin:8935678.01234.L1</epcClass><quantity>{}</quantity>
  <uom>KGM</uom></quantityElement></quantityList>"""
SENSOR = """<sensorElementList><sensorElement>
  <sensorReport type="gs1:Temperature" value="26.0" minValue="-1.5" maxValue="30"
    meanValue="13.2" sDev="0.1" percRank="50" percValue="12.7" booleanValue="{}"
    exception="gs1:ALARM_CONDITION" uom="CEL"/>
</sensorElement></sensorElementList>"""


def test_quantities_and_sensor_values_become_numbers_and_booleans() -> None:
    event = _converted(_event(QUANTITY.format("200") + SENSOR.format("true")))
    assert event["quantityList"][0]["quantity"] == 200
    (report,) = event["sensorElementList"][0]["sensorReport"]
    assert report == {
        "type": "Temperature", "value": 26.0, "minValue": -1.5, "maxValue": 30,
        "meanValue": 13.2, "sDev": 0.1, "percRank": 50, "percValue": 12.7,
        "booleanValue": True, "exception": "ALARM_CONDITION", "uom": "CEL",
    }  # fmt: skip
    assert _converted(_event(QUANTITY.format("2.5E1")))["quantityList"][0]["quantity"] == 25.0
    report = _converted(_event(SENSOR.format("0")))["sensorElementList"][0]["sensorReport"][0]
    assert report["booleanValue"] is False


def test_cbv_uris_become_the_words_the_json_schema_lists() -> None:
    inner = """
  <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
  <disposition>https://ref.gs1.org/cbv/Disp-in_progress</disposition>
  <bizTransactionList>
    <bizTransaction type="urn:epcglobal:cbv:btt:po">urn:epc:id:gdti:8935678.00001.1</bizTransaction>
  </bizTransactionList>
  <sourceList>
    <source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:8935678.00001</source>
  </sourceList>
  <persistentDisposition><set>urn:epcglobal:cbv:disp:completeness_verified</set></persistentDisposition>"""
    event = _converted(_event(inner, action="OBSERVE"))
    assert (event["bizStep"], event["disposition"]) == ("receiving", "in_progress")
    assert event["bizTransactionList"][0]["type"] == "po"
    assert event["sourceList"][0]["type"] == "owning_party"
    assert event["persistentDisposition"] == {"set": ["completeness_verified"]}
    private = _converted(_event("<bizStep>https://farm.example/steps/drying</bizStep>"))
    assert private["bizStep"] == "https://farm.example/steps/drying"


def test_extensions_take_the_documents_prefix_or_an_invented_one() -> None:
    inner = """
  <farm:colour>yellow</farm:colour>
  <farm:crate farm:size="large"><farm:count>12</farm:count><farm:count>13</farm:count></farm:crate>
  <colour xmlns="https://other.example/">red</colour>"""
    body = _document(_event(inner), namespaces='xmlns:farm="https://farm.example/ns/"')
    document = document_from_xml(body)
    validate_document(document)
    event = document["epcisBody"]["eventList"][0]
    assert event["farm:colour"] == "yellow"
    assert event["farm:crate"] == {"farm:size": "large", "farm:count": ["12", "13"]}
    assert event["ns1:colour"] == "red"
    assert document["@context"][1] == {
        "farm": "https://farm.example/ns/", "ns1": "https://other.example/"
    }  # fmt: skip


MASTER_DATA = """<EPCISHeader><extension><EPCISMasterData><VocabularyList>
  <Vocabulary type="urn:epcglobal:epcis:vtype:BusinessLocation"><VocabularyElementList>
    <VocabularyElement id="urn:epc:id:sgln:8935678.00001.0">
      <attribute id="urn:epcglobal:cbv:mda#name">Hợp tác xã Xoài Sơn La</attribute>
      <attribute id="https://farm.example/ns/#crate"><farm:size>large</farm:size></attribute>
      <children><id>urn:epc:id:sgln:8935678.00001.1</id></children>
    </VocabularyElement>
  </VocabularyElementList></Vocabulary>
</VocabularyList></EPCISMasterData></extension></EPCISHeader>"""


def test_the_headers_master_data_becomes_the_vocabulary_list() -> None:
    body = _document(
        _event(), header=MASTER_DATA, namespaces='xmlns:farm="https://farm.example/ns/"'
    )
    document = document_from_xml(body)
    validate_document(document)
    assert document["epcisHeader"]["epcisMasterData"]["vocabularyList"] == [{
        "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
        "vocabularyElementList": [{
            "id": "urn:epc:id:sgln:8935678.00001.0",
            "attributes": [
                {"id": "urn:epcglobal:cbv:mda#name", "attribute": "Hợp tác xã Xoài Sơn La"},
                {"id": "https://farm.example/ns/#crate", "attribute": {"farm:size": "large"}},
            ],
            "children": ["urn:epc:id:sgln:8935678.00001.1"],
        }],
    }]  # fmt: skip


FARM = 'xmlns:farm="https://farm.example/ns/"'
E0 = f"{EVENTS}/0"
REFUSED: list[tuple[str, bytes, str, str]] = [
    # what, the document, the field, a word of what was expected
    ("not XML", b"{}", "", "well-formed"),
    ("empty", b"", "", "well-formed"),
    ("an entity", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>', "",
     "without entities"),
    ("an external DTD", b'<!DOCTYPE d SYSTEM "http://example.com/d.dtd"><d/>', "",
     "without entities"),
    ("a billion laughs", b'<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><l>&b;</l>',
     "", "without entities"),
    ("JSON's root", b"<EPCISDocument/>", "", "EPCISDocument in urn:epcglobal:epcis:xsd:2"),
    ("another root", b'<x:Document xmlns:x="urn:x"/>', "", "EPCISDocument"),
    ("a query document",
     b'<q:EPCISQueryDocument xmlns:q="urn:epcglobal:epcis:xsd:2"/>', "/type", "EPCISDocument"),
    ("no events", _document(""), EVENTS, "EventList"),
    ("nested too deep", _document(_event("<farm:a>" * 70 + "</farm:a>" * 70), namespaces=FARM),
     "", "64 deep"),
    ("an unknown field", _document(_event("<colour>red</colour>")), f"{E0}/colour", "extension"),
    ("a quantity that is no number", _document(_event(QUANTITY.format("many"))),
     f"{E0}/quantityList/0/quantity", "decimal"),
    ("an infinite quantity", _document(_event(QUANTITY.format("INF"))),
     f"{E0}/quantityList/0/quantity", "decimal"),
    ("a quantity past a double", _document(_event(QUANTITY.format("1e400"))),
     f"{E0}/quantityList/0/quantity", "double"),
    ("a boolean that is not one", _document(_event(SENSOR.format("yes"))),
     f"{E0}/sensorElementList/0/sensorReport/0/booleanValue", "xsd:boolean"),
    ("text beside attributes", _document(_event('<farm:w unit="KGM">3.5</farm:w>'),
                                         namespaces=FARM),
     f"{E0}/farm:w", "text, or with attributes"),
    ("text beside children", _document(_event("<farm:w>3.5<farm:u>KGM</farm:u></farm:w>"),
                                       namespaces=FARM),
     f"{E0}/farm:w", "text, or with attributes"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field", "expected"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_what_cannot_be_converted_is_refused_naming_the_field(
    body: bytes, field: str, expected: str
) -> None:
    with pytest.raises(EpcisInvalid) as refused:
        document_from_xml(body)
    problem = refused.value.problems[0]
    assert (problem.pointer, expected in problem.expected) == (field, True), problem


def test_more_events_than_the_limit_are_refused_before_they_are_read() -> None:
    with pytest.raises(DocumentTooLarge) as refused:
        document_from_xml(_document(_event() * 3), max_events=2)
    assert refused.value.problems[0].pointer == EVENTS
    assert refused.value.problems[0].got == "3 events"


def test_an_event_whose_json_ld_would_hash_otherwise_is_refused() -> None:
    # A double holds 17 significant digits: written as a JSON number, this quantity would be
    # 0.1, and the event's hash would not be its XML's.
    body = _document(_event(QUANTITY.format("0.1000000000000000055511151231257827")))
    with pytest.raises(EpcisInvalid) as refused:
        document_from_xml(body)
    (problem,) = refused.value.problems
    assert problem.pointer == E0
    (xml_hash,) = [event_hash(*pair) for pair in events_from_xml(body)]
    assert problem.expected == f"the event hash of the XML event, {xml_hash}"
    assert "as converted to JSON-LD" in problem.got
