"""The CBV 2.0 event hash (sen.light.epcis_hash): its rules, one table or case each.

The reference implementation is the oracle in ``tests/conformance/epcis``; these tests
state the rules themselves, each with the value a reader can check by hand.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest

from sen.light.epcis_hash import EventHashError, event_hash, prehash_parts, prehash_string
from sen.light.errors import LightError

CONTEXT = [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {"example": "https://ns.example.com/epcis/"},
]
EX = "{https://ns.example.com/epcis/}"
HEAD = "eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00"


def tiny(**fields: Any) -> dict[str, Any]:
    """An ObjectEvent with the fields every event has, and ``fields``."""
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": "2020-03-04T11:00:30+01:00",
        "eventTimeZoneOffset": "+01:00",
    }
    event.update(fields)
    return event


def body(event: dict[str, Any], context: object = CONTEXT) -> str:
    """The pre-hash string after the event's type, time and offset."""
    text = prehash_string(event, context)  # type: ignore[arg-type]
    assert text.startswith(HEAD)
    return text[len(HEAD) :]


# The worked example of the algorithm's README ("Example 1", its
# tests/examples/ReferenceEventHashAlgorithm.jsonld), whose pre-hash string and hash the
# reference's maintainers wrote down in issue #88.
WORKED_EXAMPLE = {
    "type": "ObjectEvent",
    "eventTime": "2020-03-04T11:00:30.000+01:00",
    "eventTimeZoneOffset": "+01:00",
    "recordTime": "2020-03-04T11:00:30.999+01:00",
    "epcList": [
        "urn:epc:id:sscc:4012345.0000000333",
        "urn:epc:id:sscc:4012345.0000000111",
        "urn:epc:id:sscc:4012345.0000000222",
    ],
    "action": "OBSERVE",
    "bizStep": "departing",
    "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
    "example:myField1": {"example:mySubField1": "2", "example:mySubField2": "5"},
    "example:myField2": "0",
    "example:myField3": {"example:mySubField3": ["3", "1"]},
}
WORKED_PREHASH = (
    "eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00"
    "epcListepc=https://id.gs1.org/00/040123450000001112"
    "epc=https://id.gs1.org/00/040123450000002225epc=https://id.gs1.org/00/040123450000003338"
    "action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departing"
    "readPointid=https://id.gs1.org/414/4012345000115/254/987"
    "{https://ns.example.com/epcis/}myField1{https://ns.example.com/epcis/}mySubField1=2"
    "{https://ns.example.com/epcis/}mySubField2=5{https://ns.example.com/epcis/}myField2=0"
    "{https://ns.example.com/epcis/}myField3{https://ns.example.com/epcis/}mySubField3=1"
    "{https://ns.example.com/epcis/}mySubField3=3"
)
WORKED_HASH = (
    "ni:///sha-256;6ae96341e0acc6d7a261364751f60e68278a81cdf51da0abb6b4e617014e39d7?ver=CBV2.0"
)


def test_the_worked_example_gives_the_pre_hash_string_and_hash_the_maintainers_wrote_down() -> None:
    context = [CONTEXT[0], {"gs1": "https://gs1.org/voc/"}, CONTEXT[1]]
    assert prehash_string(WORKED_EXAMPLE, context) == WORKED_PREHASH
    assert event_hash(WORKED_EXAMPLE, context) == WORKED_HASH


def test_the_hash_is_sha_256_of_the_utf8_pre_hash_string_as_an_ni_uri() -> None:
    event = tiny(action="OBSERVE", **{"example:name": "Sơn La"})
    digest = hashlib.sha256(prehash_string(event, CONTEXT).encode("utf-8")).hexdigest()
    assert event_hash(event, CONTEXT) == f"ni:///sha-256;{digest}?ver=CBV2.0"
    assert "".join(prehash_parts(event, CONTEXT)) == prehash_string(event, CONTEXT)


def test_key_order_does_not_change_the_hash() -> None:
    reversed_keys = {key: WORKED_EXAMPLE[key] for key in reversed(list(WORKED_EXAMPLE))}
    nested = copy.deepcopy(reversed_keys)
    nested["example:myField1"] = {"example:mySubField2": "5", "example:mySubField1": "2"}
    assert list(nested) != list(WORKED_EXAMPLE)
    assert event_hash(nested, CONTEXT) == event_hash(WORKED_EXAMPLE, CONTEXT)


def test_eventid_and_recordtime_do_not_change_the_hash() -> None:
    bare = {k: v for k, v in WORKED_EXAMPLE.items() if k != "recordTime"}
    other = dict(bare, eventID="urn:uuid:4f1a3c4e-0000-4000-8000-000000000001")
    other["recordTime"] = "2031-01-01T00:00:00Z"
    assert event_hash(bare, CONTEXT) == event_hash(WORKED_EXAMPLE, CONTEXT)
    assert event_hash(other, CONTEXT) == event_hash(WORKED_EXAMPLE, CONTEXT)


def test_an_error_declaration_keeps_the_hash_of_the_event_it_declares_wrong() -> None:
    # EPCIS 2.0 §7.4.1.4: the declaration repeats the original event with its eventID; the
    # hash leaves errorDeclaration out (reference issue #53), so the original's hash, and
    # so its eventID, still match. The corrective event is another event: another hash.
    original = tiny(epcList=["urn:epc:id:sgtin:0614141.107346.2017"], action="OBSERVE",
                    bizStep="shipping", disposition="in_transit")  # fmt: skip
    original_id = event_hash(original, CONTEXT)
    corrective = dict(original, bizStep="receiving", disposition="in_progress")
    declaration = dict(original, eventID=original_id)
    declaration["errorDeclaration"] = {
        "declarationTime": "2020-03-05T09:00:00Z",
        "reason": "incorrect_data",
        "correctiveEventIDs": [event_hash(corrective, CONTEXT)],
        "example:note": "the goods were received, not shipped",
    }
    assert event_hash(declaration, CONTEXT) == original_id == declaration["eventID"]
    assert event_hash(corrective, CONTEXT) != original_id


def test_a_change_of_any_value_changes_the_hash() -> None:
    base = event_hash(WORKED_EXAMPLE, CONTEXT)
    changed = [
        dict(WORKED_EXAMPLE, eventTime="2020-03-04T11:00:30.001+01:00"),
        dict(WORKED_EXAMPLE, eventTimeZoneOffset="+02:00"),
        dict(WORKED_EXAMPLE, action="ADD"),
        dict(WORKED_EXAMPLE, bizStep="arriving"),
        dict(WORKED_EXAMPLE, readPoint={"id": "urn:epc:id:sgln:4012345.00011.988"}),
        dict(WORKED_EXAMPLE, epcList=WORKED_EXAMPLE["epcList"][:2]),  # type: ignore[index]
        dict(WORKED_EXAMPLE, **{"example:myField2": "1"}),
        dict(WORKED_EXAMPLE, **{"example:myField4": "0"}),
        dict(WORKED_EXAMPLE, type="TransactionEvent"),
    ]
    hashes = {event_hash(event, CONTEXT) for event in changed}
    assert base not in hashes and len(hashes) == len(changed)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("2020-03-04T11:00:30+01:00", "2020-03-04T10:00:30.000Z"),  # zero-filled
        ("2020-03-04T10:00:30Z", "2020-03-04T10:00:30.000Z"),
        ("2020-03-04T10:00:30.1Z", "2020-03-04T10:00:30.100Z"),
        ("2023-01-18T11:04:03.1415Z", "2023-01-18T11:04:03.142Z"),  # the README's rule 9
        ("2023-01-18T11:04:03.1414999Z", "2023-01-18T11:04:03.141Z"),
        ("2020-03-04T10:00:30.0025Z", "2020-03-04T10:00:30.003Z"),  # half up, not to even
        ("2020-12-31T23:59:59.9995Z", "2021-01-01T00:00:00.000Z"),  # the carry reaches the year
        ("2020-03-04T00:30:00.000+05:30", "2020-03-03T19:00:00.000Z"),
        ("2020-03-04T20:00:00-14:00", "2020-03-05T10:00:00.000Z"),
        ("0999-01-01T00:00:00Z", "0999-01-01T00:00:00.000Z"),
    ],
)
def test_times_are_utc_with_milliseconds_rounded_half_up(written: str, canonical: str) -> None:
    assert prehash_parts(tiny(eventTime=written), CONTEXT)[1] == f"eventTime={canonical}"


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        (26, "26"),
        (26.0, "26"),
        ("26.0", "26"),
        (0.3434, "0.3434"),
        ("0.34340", "0.3434"),
        (-1.5, "-1.5"),
        (-0.0, "0"),
        ("+5", "5"),
        (".5", "0.5"),
        (1e-05, "1e-05"),  # below 1e-4 the exponent form stays, as Python writes a float
        ("0.000012", "1.2e-05"),
        (0.0001, "0.0001"),
        (1e20, "100000000000000000000"),
        (12345678901234567890, "12345678901234567890"),  # exactly, not through a double
        ("12345678901234567890.50", "12345678901234567890.5"),
    ],
)
def test_numbers_have_no_trailing_zeros(value: object, canonical: str) -> None:
    event = tiny(quantityList=[{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                                "quantity": value, "uom": "KGM"}])  # fmt: skip
    assert body(event) == (
        "quantityListquantityElementepcClass=https://id.gs1.org/01/04012345123456/10/998877"
        f"quantity={canonical}uom=KGM"
    )


@pytest.mark.parametrize(
    ("field", "bare", "uri"),
    [
        ("bizStep", "shipping", "https://ref.gs1.org/cbv/BizStep-shipping"),
        ("bizStep", "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping"),
        ("bizStep", "cbv:BizStep-shipping", "https://ref.gs1.org/cbv/BizStep-shipping"),
        ("bizStep", "https://example.com/steps/weighing", "https://example.com/steps/weighing"),
        ("bizStep", "weighing", "weighing"),  # not a CBV term: as written
        ("disposition", "in_transit", "https://ref.gs1.org/cbv/Disp-in_transit"),
        ("disposition", "urn:epcglobal:cbv:disp:in_transit", "https://ref.gs1.org/cbv/Disp-in_transit"),
    ],
)  # fmt: skip
def test_cbv_values_become_web_uris(field: str, bare: str, uri: str) -> None:
    assert body(tiny(**{field: bare})) == f"{field}={uri}"


@pytest.mark.parametrize(
    ("identifier", "canonical"),
    [
        ("urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"),
        ("urn:epc:id:sgtin:0614141.107346.a!b", "https://id.gs1.org/01/10614141073464/21/a%21b"),
        ("urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908"),
        ("urn:epc:id:sgln:0614141.12345.0", "https://id.gs1.org/414/0614141123452"),
        ("urn:epc:id:sgln:0614141.12345.400", "https://id.gs1.org/414/0614141123452/254/400"),
        ("urn:epc:id:pgln:0614141.00001", "https://id.gs1.org/417/0614141000012"),
        ("urn:epc:id:grai:0614141.12345.400", "https://id.gs1.org/8003/00614141123452400"),
        ("urn:epc:id:giai:0614141.12345400", "https://id.gs1.org/8004/061414112345400"),
        ("urn:epc:id:gsrn:0614141.1234567890", "https://id.gs1.org/8018/061414112345678902"),
        ("urn:epc:id:gdti:0614141.12345.400", "https://id.gs1.org/253/0614141123452400"),
        ("urn:epc:id:cpi:0614141.123ABC.123456789", "https://id.gs1.org/8010/0614141123ABC/8011/123456789"),
        ("urn:epc:id:itip:4012345.012345.01.02.987", "https://id.gs1.org/8006/040123451234560102/21/987"),
        ("urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877"),
        ("urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456"),
        # Digital Link URIs: the canonical domain, no query, the finest identity only.
        ("https://brand.example.com/01/9506000134376/21/X?17=201225", "https://id.gs1.org/01/09506000134376/21/X"),
        ("https://id.gs1.org/gtin/09506000134376/lot/L1/ser/X", "https://id.gs1.org/01/09506000134376/21/X"),
        ("https://id.gs1.org/01/09506000134376/22/V2/10/L1", "https://id.gs1.org/01/09506000134376/10/L1"),
        ("http://id.gs1.org/414/9506000134376", "https://id.gs1.org/414/9506000134376"),
        # Not GS1 keys: as written.
        ("urn:epc:id:gid:268435455.1.2", "urn:epc:id:gid:268435455.1.2"),
        ("urn:epc:id:sgtin:0614141.10734.2017", "urn:epc:id:sgtin:0614141.10734.2017"),  # 12 digits
        ("https://example.com/products/42", "https://example.com/products/42"),
    ],
)  # fmt: skip
def test_identifiers_become_constrained_canonical_digital_links(
    identifier: str, canonical: str
) -> None:
    assert body(tiny(epcList=[identifier])) == f"epcListepc={canonical}"


def test_list_elements_are_sorted_and_type_comes_before_the_identifier() -> None:
    event = tiny(
        bizTransactionList=[
            {"bizTransaction": "urn:example:po:2", "type": "po"},
            {"type": "desadv", "bizTransaction": "urn:example:asn:1"},
            {"bizTransaction": "urn:example:other:1"},
        ],
        sourceList=[{"source": "urn:epc:id:pgln:4012345.00000", "type": "owning_party"}],
        destinationList=[{"type": "location", "destination": "urn:epc:id:sgln:4023333.00000.0"}],
    )
    assert body(event) == (
        "bizTransactionListbizTransaction=urn:example:other:1"
        "type=https://ref.gs1.org/cbv/BTT-desadvbizTransaction=urn:example:asn:1"
        "type=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:example:po:2"
        "sourceListtype=https://ref.gs1.org/cbv/SDT-owning_party"
        "source=https://id.gs1.org/417/4012345000009"
        "destinationListtype=https://ref.gs1.org/cbv/SDT-location"
        "destination=https://id.gs1.org/414/4023333000000"
    )


def test_fields_follow_the_canonical_order_whatever_the_event_type() -> None:
    event = {
        "ilmd": {"example:lot": "L1"},
        "sensorElementList": [{"sensorReport": [{"type": "Temperature", "value": 4}]}],
        "destinationList": [{"type": "owning_party", "destination": "urn:example:d"}],
        "sourceList": [{"type": "owning_party", "source": "urn:example:s"}],
        "bizTransactionList": [{"bizTransaction": "urn:example:b"}],
        "bizLocation": {"id": "urn:example:l"},
        "readPoint": {"id": "urn:example:r"},
        "persistentDisposition": {"unset": ["expired"], "set": ["recalled"]},
        "disposition": "unknown",
        "bizStep": "other",
        "transformationID": "urn:example:t",
        "action": "ADD",
        "outputQuantityList": [{"epcClass": "urn:example:o", "quantity": 1}],
        "outputEPCList": ["urn:example:o1"],
        "inputQuantityList": [{"epcClass": "urn:example:i"}],
        "childQuantityList": [{"epcClass": "urn:example:c"}],
        "quantityList": [{"epcClass": "urn:example:q"}],
        "childEPCs": ["urn:example:c1"],
        "inputEPCList": ["urn:example:i1"],
        "parentID": "urn:example:p",
        "epcList": ["urn:example:e1"],
        "certificationInfo": "urn:example:cert",
        "example:z": "last",
        "eventTimeZoneOffset": "+00:00",
        "eventTime": "2020-01-01T00:00:00Z",
        "type": "TransactionEvent",
    }
    names = [
        "eventType", "eventTime", "eventTimeZoneOffset", "certificationInfo", "epcList",
        "parentID", "inputEPCList", "childEPCs", "quantityList", "childQuantityList",
        "inputQuantityList", "outputEPCList", "outputQuantityList", "action", "transformationID",
        "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
        "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "ilmd", EX,
    ]  # fmt: skip
    parts = prehash_parts(event, CONTEXT)
    assert len(parts) == len(names)
    assert all(part.startswith(name) for part, name in zip(parts, names, strict=True))
    assert parts[17] == (
        "persistentDispositionset=https://ref.gs1.org/cbv/Disp-recalled"
        "unset=https://ref.gs1.org/cbv/Disp-expired"
    )


def test_a_sensor_element_writes_metadata_then_sorted_reports_then_its_extensions() -> None:
    event = tiny(
        sensorElementList=[
            {
                "example:batch": "b7",
                "sensorReport": [
                    {"type": "Temperature", "value": 26.0, "uom": "CEL", "example:probe": "2"},
                    {"type": "gs1:RelativeHumidity", "value": 40, "booleanValue": True,
                     "component": "x", "exception": "ALARM_CONDITION"},
                ],
                "sensorMetadata": {"time": "2019-04-02T14:05:00+01:00", "bizRules": "urn:x:r"},
            }
        ]
    )  # fmt: skip
    assert body(event) == (
        "sensorElementListsensorElement"
        "sensorMetadatatime=2019-04-02T13:05:00.000ZbizRules=urn:x:r"
        "sensorReporttype=https://gs1.org/voc/RelativeHumidity"
        "exception=https://gs1.org/voc/ALARM_CONDITIONvalue=40"
        "component=https://ref.gs1.org/cbv/Comp-xbooleanValue=true"
        f"sensorReporttype=https://gs1.org/voc/Temperaturevalue=26uom=CEL{EX}probe=2"
        f"{EX}batch=b7"
    )


def test_user_extensions_are_namespaced_nested_and_sorted() -> None:
    context = [*CONTEXT, {"ex2": "urn:example:ns2:", "term": "https://ns.example.com/t/term"}]
    event = tiny(**{
        "example:b": {"ex2:inner": [True, None, 2.50, "", {}]},
        "https://ns.example.com/full/name": "iri",
        "term": " spaces ",
        "example:a": ["2013-06-08T14:58:56.591+02:00", "in_transit"],
        "rdfs:comment": "never hashed",
        "comment": "nor this",
    })  # fmt: skip
    assert body(event, context) == (
        # extension values are neither times nor CBV terms: written as they are
        f"{EX}a=2013-06-08T14:58:56.591+02:00{EX}a=in_transit"
        f"{EX}b{{urn:example:ns2:}}inner{{urn:example:ns2:}}inner"
        "{urn:example:ns2:}inner=2.5{urn:example:ns2:}inner=true"
        "{https://ns.example.com/full/}name=iri{https://ns.example.com/t/}term=spaces"
    )


def test_a_name_without_namespace_inside_an_extension_is_written_as_it_is() -> None:
    # XML allows unqualified elements inside an extension element; so does the hash
    event = tiny(**{"example:box": {"size": 5, "example:colour": "red"}})
    assert body(event) == f"{EX}boxsize=5{EX}colour=red"


def test_ilmd_and_extensions_of_places_are_namespaced() -> None:
    event = tiny(
        readPoint={"id": "urn:example:rp", "example:door": "3"},
        ilmd={"cbvmda:lotNumber": "LOT1", "example:bestBefore": "2021-01-01"},
    )
    assert body(event) == (
        f"readPointid=urn:example:rp{EX}door=3"
        f"ilmd{EX}bestBefore=2021-01-01{{urn:epcglobal:cbv:mda:}}lotNumber=LOT1"
    )


def test_empty_values_and_lists_are_left_out() -> None:
    event = tiny(epcList=[], bizStep=" ", quantityList=[], childEPCs=[""])
    assert body(event) == ""


def test_an_empty_ilmd_or_extension_object_still_names_itself() -> None:
    # both are written as user extensions are: the name, then the (no) children
    assert body(tiny(ilmd={}, **{"example:box": {}})) == f"ilmd{EX}box"


def test_only_ascii_numerals_are_numbers() -> None:
    event = tiny(**{"example:a": "١٢", "example:b": "1_000", "example:c": "12"})
    assert body(event) == f"{EX}a=١٢{EX}b=1_000{EX}c=12"


def test_standard_text_fields_are_not_read_as_numbers() -> None:
    # rule 6 is about quantities: a lot number or a string value keeps its zeros
    event = tiny(sensorElementList=[{"sensorReport": [
        {"type": "Temperature", "stringValue": "0012", "hexBinaryValue": "00FF"}
    ]}])  # fmt: skip
    assert "stringValue=0012hexBinaryValue=00FF" in body(event)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("event", "field", "expected", "got"),
    [
        ({"eventTime": "2020-01-01T00:00:00Z"}, "type", "one of AggregationEvent", "nothing"),
        (tiny(type="SensorEvent"), "type", "one of AggregationEvent", "'SensorEvent'"),
        ({"type": "ObjectEvent"}, "eventTime", "the time of the event", "nothing"),
        (tiny(eventTime="2020-03-04T11:00:30"), "eventTime", "a date-time with a UTC offset",
         "'2020-03-04T11:00:30'"),
        (tiny(eventTime="2020-02-30T11:00:30Z"), "eventTime", "a date-time with a UTC offset",
         "'2020-02-30T11:00:30Z'"),
        (tiny(eventTime="2020-03-04T11:00:30+15:00"), "eventTime", "a date-time", "+15:00"),
        (tiny(eventTime=1583316030), "eventTime", "a string", "a int (1583316030)"),
        (tiny(eventTimeZoneOffset="UTC"), "eventTimeZoneOffset", "a UTC offset", "'UTC'"),
        (tiny(quantityList=[{"epcClass": "urn:x:c", "quantity": "five"}]),
         "quantityList[0].quantity", "a number", "'five'"),
        (tiny(quantityList=[{"epcClass": "urn:x:c", "quantity": float("nan")}]),
         "quantityList[0].quantity", "a finite number", "nan"),
        (tiny(quantityList=[{"epcClass": "urn:x:c", "quantity": "1e400"}]),
         "quantityList[0].quantity", "a number within the range of a double", "'1e400'"),
        (tiny(quantityList=[{"epcClass": "urn:x:c", "qty": 1}]),
         "quantityList[0].qty", "one of epcClass, quantity, uom", "'qty'"),
        (tiny(sensorElementList=[{"sensorReport": [{"type": "Temperature", "value": True}]}]),
         "sensorElementList[0].sensorReport[0].value", "a number", "a bool (True)"),
        (tiny(sensorElementList=[{"sensorReport": [{"type": "Temperature",
                                                    "time": "yesterday"}]}]),
         "sensorElementList[0].sensorReport[0].time", "a date-time", "'yesterday'"),
        (tiny(readPoint={"example:door": "3"}), "readPoint.id", "the identifier", "nothing"),
        (tiny(bizTransactionList=[{"bizTransaction": "urn:x:1", "note": "n"}]),
         "bizTransactionList[0].note", "only type and bizTransaction", "'note'"),
        (tiny(**{"acme:weight": 5}), "acme:weight", "a user extension named prefix:name",
         "'acme:weight'"),
        (tiny(lotNumber="L1"), "lotNumber", "a user extension named prefix:name", "'lotNumber'"),
        (tiny(**{"example:o": {"acme:size": 5}}), "example:o.acme:size", "a user extension",
         "'acme:size'"),
        (tiny(**{"example:l": [[1, 2]]}), "example:l[0]", "a value or an object", "nested list"),
        (tiny(epcList=[42]), "epcList[0]", "a string", "a int (42)"),
        (tiny(epcList=42), "epcList", "a list", "a int (42)"),
        (tiny(readPoint="urn:x:rp"), "readPoint", "a JSON object", "'urn:x:rp'"),
    ],
)  # fmt: skip
def test_events_the_algorithm_cannot_hash_name_the_field(
    event: dict[str, Any], field: str, expected: str, got: str
) -> None:
    with pytest.raises(EventHashError) as raised:
        event_hash(event, CONTEXT)
    error = raised.value
    assert (error.field, expected in error.expected, got in error.got) == (field, True, True)
    assert str(error) == f"{error.field}: expected {error.expected}, got {error.got}"
    assert isinstance(error, ValueError) and isinstance(error, LightError)


def test_a_malformed_context_is_named() -> None:
    with pytest.raises(EventHashError) as raised:
        event_hash(tiny(), [CONTEXT[0], 42])
    assert raised.value.field == "@context[1]"


def test_an_event_level_context_declares_prefixes_too() -> None:
    event = tiny(**{"@context": {"acme": "https://acme.example/"}, "acme:weight": 5})
    assert prehash_parts(event, CONTEXT)[-1] == "{https://acme.example/}weight=5"
