"""EPCIS XML read into the JSON form the event hash takes (sen.light.epcis_xml)."""

from __future__ import annotations

import pytest

from sen.light.epcis_hash import EventHashError, event_hash
from sen.light.epcis_xml import EPCIS_CONTEXT, MAX_DEPTH, events_from_xml

HEAD = (
    '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" '
    'creationDate="2020-01-01T00:00:00Z" xmlns:example="https://ns.example.com/epcis/" '
    'xmlns:cbvmda="urn:epcglobal:cbv:mda" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><EPCISBody><EventList>'
)
TAIL = "</EventList></EPCISBody></epcis:EPCISDocument>"

XML_EVENT = """
<ObjectEvent>
  <eventTime>2020-03-04T11:00:30+01:00</eventTime>
  <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
  <epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList>
  <action>OBSERVE</action>
  <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
  <readPoint><id>urn:epc:id:sgln:0614141.07346.1234</id><example:door>3</example:door></readPoint>
  <bizTransactionList>
    <bizTransaction type="urn:epcglobal:cbv:btt:po">urn:example:po:1</bizTransaction>
  </bizTransactionList>
  <extension>
    <quantityList>
      <quantityElement>
        <epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass>
        <quantity>200.0</quantity><uom>KGM</uom>
      </quantityElement>
    </quantityList>
    <ilmd><cbvmda:lotNumber>LOT1</cbvmda:lotNumber></ilmd>
  </extension>
  <sensorElementList><sensorElement>
    <sensorReport type="gs1:Temperature" value="26.0" uom="CEL" booleanValue="true"
                  example:probe="2"/>
  </sensorElement></sensorElementList>
  <example:weight xsi:type="xsd:double" unit="KGM">3.5</example:weight>
</ObjectEvent>
"""
JSON_EVENT = {
    "type": "ObjectEvent",
    "eventTime": "2020-03-04T11:00:30+01:00",
    "eventTimeZoneOffset": "+01:00",
    "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
    "action": "OBSERVE",
    "bizStep": "shipping",
    "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234", "example:door": "3"},
    "bizTransactionList": [{"type": "po", "bizTransaction": "urn:example:po:1"}],
    "quantityList": [
        {"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 200, "uom": "KGM"}
    ],
    "ilmd": {"cbvmda:lotNumber": "LOT1"},
    "sensorElementList": [
        {
            "sensorReport": [
                {"type": "Temperature", "value": 26, "uom": "CEL", "booleanValue": True,
                 "example:probe": "2"}
            ]
        }
    ],
    "example:weight": {"#text": 3.5, "unit": "KGM"},
}  # fmt: skip
JSON_CONTEXT = [EPCIS_CONTEXT, {"example": "https://ns.example.com/epcis/"}]


def test_an_xml_event_is_read_into_the_json_form_and_hashes_as_its_json_twin() -> None:
    ((event, context),) = events_from_xml((HEAD + XML_EVENT + TAIL).encode())
    assert context == [EPCIS_CONTEXT, {"example": "https://ns.example.com/epcis/"}]
    assert event["bizTransactionList"] == [
        {"type": "urn:epcglobal:cbv:btt:po", "bizTransaction": "urn:example:po:1"}
    ]
    assert event["ilmd"] == {"cbvmda:lotNumber": "LOT1"}  # EPCIS 1.2's <extension> unwrapped
    assert event["{https://ns.example.com/epcis/}weight"] == {"#text": "3.5", "unit": "KGM"}
    assert event_hash(event, context) == event_hash(JSON_EVENT, JSON_CONTEXT)


def test_events_are_read_in_document_order_from_query_documents_too() -> None:
    query = (
        '<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2" '
        'xmlns:example="https://ns.example.com/epcis/" xmlns:cbvmda="urn:epcglobal:cbv:mda" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<EPCISBody><epcisq:QueryResults><queryName>SimpleEventQuery</queryName>"
        "<resultsBody><EventList>"
        + XML_EVENT.replace("OBSERVE", "ADD")
        + XML_EVENT
        + "</EventList></resultsBody></epcisq:QueryResults></EPCISBody>"
        "</epcisq:EPCISQueryDocument>"
    )
    events = events_from_xml(query)
    assert [event["action"] for event, _ in events] == ["ADD", "OBSERVE"]


@pytest.mark.parametrize(
    ("document", "got"),
    [
        # a billion laughs: refused at the first entity declaration, nothing expanded
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
         "<x>&b;</x>", "a DTD for 'x'"),
        ('<!DOCTYPE x SYSTEM "http://attacker.example/x.dtd"><x/>', "a DTD for 'x'"),
        ('<!DOCTYPE x PUBLIC "-//X//EN" "x.dtd"><x/>', "a DTD for 'x'"),
        ("<x><y></x>", "mismatched tag"),
        ("", "no element found"),
        ("<x/>", "none"),
        ("<a>" * (MAX_DEPTH + 1) + "</a>" * (MAX_DEPTH + 1), "deeper"),
    ],
)  # fmt: skip
def test_what_is_not_an_epcis_event_document_is_refused(document: str, got: str) -> None:
    with pytest.raises(EventHashError) as raised:
        events_from_xml(document.encode())
    assert raised.value.field == "xml"
    assert got in raised.value.got


def test_a_bare_doctype_is_allowed_as_gs1s_examples_carry_one() -> None:
    assert len(events_from_xml(("<!DOCTYPE project>" + HEAD + XML_EVENT + TAIL).encode())) == 1


@pytest.mark.parametrize(
    ("inner", "field"),
    [
        ("<weight>3</weight>", "events[0].weight"),
        ("<bizTransactionList><bizTx>1</bizTx></bizTransactionList>",
         "events[0].bizTransactionList.bizTx"),
        ("<action>ADD</action><action>ADD</action>", "events[0].action"),
    ],
)  # fmt: skip
def test_a_field_epcis_does_not_have_is_named(inner: str, field: str) -> None:
    event = f"<ObjectEvent><eventTime>2020-01-01T00:00:00Z</eventTime>{inner}</ObjectEvent>"
    with pytest.raises(EventHashError) as raised:
        events_from_xml((HEAD + event + TAIL).encode())
    assert raised.value.field == field


def test_an_element_xsi_nil_says_is_absent_is_left_out() -> None:
    nil = XML_EVENT.replace("<quantity>200.0</quantity>", '<quantity xsi:nil="true"/>')
    ((event, _),) = events_from_xml((HEAD + nil + TAIL).encode())
    assert event["quantityList"] == [
        {"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "uom": "KGM"}
    ]
