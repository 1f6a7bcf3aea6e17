"""GS1's EPCIS 2.0 JSON schema, run on GS1's own examples and on broken copies of them.

GS1 validates the examples in its repository's ``JSON/`` folder with ajv and ajv-formats
against ``EPCIS-JSON-Schema.json`` (``JSON-Schema/validate-all.sh``): every one must pass
here too, with formats checked, in both of Sen's engines (jsonschema-rs gives the verdict,
jsonschema explains a refusal, sen.services.traceability.validation). Each mutation breaks
one thing and must be refused with exactly that field's JSON pointer. The examples are in
``data/gs1/`` (README there: source, commit, SHA-256 of each file).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema_rs
import pytest
from jsonschema import Draft7Validator

from sen.services.traceability.artifacts import (
    CONTEXT_FILE,
    MANIFEST,
    OPENAPI_FILE,
    SCHEMA_FILE,
    bundled_directory,
    load_context,
    load_openapi,
    load_schema,
)
from sen.services.traceability.errors import ArtifactIntegrityError, EpcisInvalid
from sen.services.traceability.validation import (
    validate_document,
    validate_event,
    validate_query_document,
)

DATA = Path(__file__).parent / "data" / "gs1"
EXAMPLES = sorted((DATA / "JSON").rglob("*.jsonld"))
BASE = DATA / "JSON" / "Example_9.6.1-ObjectEvent.jsonld"  # an ObjectEvent and an ADD one
EVENTS = "/epcisBody/eventList"
CBV_STEPS = "accepting, arriving, assembling, collecting, commissioning, consigning"


def _load(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _refusal(document: object) -> EpcisInvalid:
    with pytest.raises(EpcisInvalid) as caught:
        validate_document(document)
    return caught.value


def test_the_examples_are_gs1s_bytes() -> None:
    """Every file in data/gs1 is listed in its README with its SHA-256, and nothing else is."""
    listed = dict(
        re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|$", (DATA / "README.md").read_text(), re.M)
    )
    present = {
        path.relative_to(DATA).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in DATA.rglob("*")
        if path.is_file() and path.name != "README.md"
    }
    assert len(listed) == 85
    assert present == listed


def test_there_are_gs1_examples_of_every_event_type() -> None:
    types = {
        event["type"]
        for path in EXAMPLES
        for event in _load(path)["epcisBody"].get("eventList", [])
    }
    assert len(EXAMPLES) == 47
    assert types == {
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.relative_to(DATA).as_posix())
def test_every_gs1_json_example_is_valid(path: Path) -> None:
    document = _load(path)
    schema = dict(load_schema())
    # GS1's verdict, as GS1 runs it (formats checked), in each engine...
    gs1 = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    assert list(gs1.iter_errors(document)) == []
    assert jsonschema_rs.Draft7Validator(schema, validate_formats=True).is_valid(document)
    # ... and Sen's, which adds its own rules
    if document["type"] == "EPCISQueryDocument":
        validate_query_document(document)
        events = document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    else:
        validate_document(document)
        events = document["epcisBody"]["eventList"]
    for event in events:
        validate_event(event)  # each event as a query returns it


def _set(pointer: str, value: object) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        *parents, last = _parts(pointer)
        target: Any = document
        for part in parents:
            target = target[part]
        target[last] = value

    return mutate


def _delete(pointer: str) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        *parents, last = _parts(pointer)
        target: Any = document
        for part in parents:
            target = target[part]
        del target[last]

    return mutate


def _parts(pointer: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in pointer[1:].split("/")]


class Mutation(NamedTuple):
    name: str
    mutate: Callable[[dict[str, Any]], None]
    pointer: str
    expected: str
    got: str
    gs1_refuses: bool = True
    """False for what GS1's schema accepts and only Sen's own rules refuse."""


MUTATIONS = [
    Mutation(
        "unknown event type",
        _set(f"{EVENTS}/0/type", "FooEvent"),
        f"{EVENTS}/0/type",
        "one of ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, "
        "AssociationEvent",
        '"FooEvent"',
    ),
    Mutation(
        "extension event type (a URI; GS1's schema admits it, Sen does not)",
        _set(f"{EVENTS}/1/type", "https://example.com/FooEvent"),
        f"{EVENTS}/1/type",
        "one of ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, "
        "AssociationEvent",
        '"https://example.com/FooEvent"',
        gs1_refuses=False,
    ),
    Mutation(
        "event without a type",
        _delete(f"{EVENTS}/0/type"),
        f"{EVENTS}/0/type",
        "one of ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, "
        "AssociationEvent",
        "nothing",
    ),
    Mutation(
        "missing eventTime",
        _delete(f"{EVENTS}/1/eventTime"),
        f"{EVENTS}/1/eventTime",
        "a date-time with a time-zone offset (RFC 3339), such as "
        "2005-04-03T20:33:31.116-06:00 (required)",
        "nothing",
    ),
    Mutation(
        "the draft context instead of EPCIS 2.0's",
        _set("/@context", ["https://gs1.github.io/EPCIS/epcis-context.jsonld"]),
        "/@context",
        "a context naming https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        '["https://gs1.github.io/EPCIS/epcis-context.jsonld"]',
        gs1_refuses=False,
    ),
    Mutation(
        "no context",
        _delete("/@context"),
        "/@context",
        "a context naming https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        "nothing",
    ),
    Mutation(
        "a timestamp that is not one",
        _set(f"{EVENTS}/0/eventTime", "yesterday"),
        f"{EVENTS}/0/eventTime",
        "a date-time with a time-zone offset (RFC 3339), such as 2005-04-03T20:33:31.116-06:00",
        '"yesterday"',
    ),
    Mutation(
        "a timestamp without its time zone",
        _set(f"{EVENTS}/0/eventTime", "2005-04-03T20:33:31.116"),
        f"{EVENTS}/0/eventTime",
        "a date-time with a time-zone offset (RFC 3339), such as 2005-04-03T20:33:31.116-06:00",
        '"2005-04-03T20:33:31.116"',
    ),
    Mutation(
        "a creation date on the 13th month",
        _set("/creationDate", "2005-13-11T11:30:47.0Z"),
        "/creationDate",
        "a date-time with a time-zone offset (RFC 3339), such as 2005-04-03T20:33:31.116-06:00",
        '"2005-13-11T11:30:47.0Z"',
    ),
    Mutation(
        "bizStep of the wrong type",
        _set(f"{EVENTS}/0/bizStep", 42),
        f"{EVENTS}/0/bizStep",
        "a string",
        "a number 42",
    ),
    Mutation(
        "bizStep that is no CBV word and no URI",
        _set(f"{EVENTS}/0/bizStep", "selling"),
        f"{EVENTS}/0/bizStep",
        "a URI outside the CBV namespace (CBV values are written as bare words) or one of "
        f"{CBV_STEPS}, creating_class_instance, cycle_counting, … (41 values)",
        'a string "selling"',
    ),
    Mutation(
        "bizStep as a CBV URN (as XML writes it)",
        _set(f"{EVENTS}/0/bizStep", "urn:epcglobal:cbv:bizstep:shipping"),
        f"{EVENTS}/0/bizStep",
        'the CBV word "shipping" as JSON writes it',
        'a string "urn:epcglobal:cbv:bizstep:shipping"',
    ),
    Mutation(
        "epcList not a list",
        _set(f"{EVENTS}/0/epcList", "urn:epc:id:sgtin:0614141.107346.2017"),
        f"{EVENTS}/0/epcList",
        "an array",
        'a string "urn:epc:id:sgtin:0614141.107346.2017"',
    ),
    Mutation(
        "an EPC that is not a URI",
        _set(f"{EVENTS}/0/epcList/1", "0614141.107346.2018"),
        f"{EVENTS}/0/epcList/1",
        "an absolute URI (RFC 3986), such as urn:epc:id:sgtin:0614141.107346.2017",
        '"0614141.107346.2018"',
    ),
    Mutation(
        "the same EPC twice",
        _set(f"{EVENTS}/0/epcList/1", "urn:epc:id:sgtin:0614141.107346.2017"),
        f"{EVENTS}/0/epcList",
        "no repeated item",
        '"urn:epc:id:sgtin:0614141.107346.2017" twice',
    ),
    Mutation(
        "an object event with neither epcList, quantityList nor sensor data",
        _delete(f"{EVENTS}/0/epcList"),
        f"{EVENTS}/0",
        "a field epcList or a field quantityList or a field sensorElementList",
        "none of these fields",
    ),
    Mutation(
        "top-level garbage",
        _set("/garbage", {"x": 1}),
        "/garbage",
        "one of the fields @context, id, type, schemaVersion, creationDate, "
        "instanceIdentifier, sender, receiver, epcisHeader, epcisBody, or an extension "
        "field named by a URI (such as example:garbage)",
        'an unknown field "garbage"',
    ),
    Mutation(
        "a field that belongs to another event type",
        _set(f"{EVENTS}/0/parentID", "urn:epc:id:sscc:0614141.1234567890"),
        f"{EVENTS}/0/parentID",
        "one of the fields @context, type, eventTime, recordTime, eventTimeZoneOffset, "
        "eventID, certificationInfo, errorDeclaration, action, epcList, quantityList, bizStep, "
        "disposition, persistentDisposition, readPoint, bizLocation, bizTransactionList, "
        "sourceList, destinationList, sensorElementList, ilmd, or an extension field named "
        "by a URI (such as example:parentID)",
        'an unknown field "parentID"',
    ),
    Mutation(
        "an unknown action",
        _set(f"{EVENTS}/0/action", "UPDATE"),
        f"{EVENTS}/0/action",
        "one of OBSERVE, ADD, DELETE",
        '"UPDATE"',
    ),
    Mutation(
        "ilmd on an OBSERVE event",
        _set(f"{EVENTS}/0/ilmd", {"example:bestBefore": "2026-12-31"}),
        f"{EVENTS}/0/ilmd",
        'no such field unless action is "ADD"',
        'an object {"example:bestBefore": "2026-12-31"}',
    ),
    Mutation(
        "a time-zone offset without minutes",
        _set(f"{EVENTS}/1/eventTimeZoneOffset", "+7"),
        f"{EVENTS}/1/eventTimeZoneOffset",
        "a time-zone offset from -14:00 to +14:00, such as +07:00",
        '"+7"',
    ),
    Mutation(
        "schemaVersion as a number",
        _set("/schemaVersion", 2.0),
        "/schemaVersion",
        "a string",
        "a number 2.0",
    ),
    Mutation(
        "readPoint as a bare URI",
        _set(f"{EVENTS}/0/readPoint", "urn:epc:id:sgln:0614141.07346.1234"),
        f"{EVENTS}/0/readPoint",
        "an object",
        'a string "urn:epc:id:sgln:0614141.07346.1234"',
    ),
    Mutation(
        "eventList not a list",
        _set(EVENTS, {"type": "ObjectEvent"}),
        EVENTS,
        "an array",
        'an object {"type": "ObjectEvent"}',
    ),
    Mutation(
        "an event that is not an object",
        _set(f"{EVENTS}/1", "ObjectEvent"),
        f"{EVENTS}/1",
        "an object",
        'a string "ObjectEvent"',
    ),
    Mutation(
        "no body",
        _delete("/epcisBody"),
        "/epcisBody",
        "an object (required)",
        "nothing",
    ),
    Mutation(
        "a query document sent as a capture",
        _set("/type", "EPCISQueryDocument"),
        "/type",
        "EPCISDocument",
        '"EPCISQueryDocument"',
    ),
]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[mutation.name for mutation in MUTATIONS])
def test_a_broken_document_is_refused_naming_the_field(mutation: Mutation) -> None:
    document = _load(BASE)
    validate_document(document)  # the base is valid: the mutation alone breaks it
    mutation.mutate(document)
    error = _refusal(document)
    pointer, expected, got = mutation.pointer, mutation.expected, mutation.got
    assert [str(problem) for problem in error.problems] == [
        f"{pointer}: expected {expected}, got {got}"
    ]
    assert (error.field, error.expected, error.got) == (pointer, expected, got)
    assert isinstance(error, ValueError)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[mutation.name for mutation in MUTATIONS])
def test_both_engines_give_gs1s_verdict_on_the_broken_documents(mutation: Mutation) -> None:
    document = _load(BASE)
    mutation.mutate(document)
    schema = dict(load_schema())
    explainer = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    fast = jsonschema_rs.Draft7Validator(schema, validate_formats=True)
    assert explainer.is_valid(document) is not mutation.gs1_refuses
    assert fast.is_valid(document) is not mutation.gs1_refuses


def test_several_problems_are_each_named_sorted_by_path() -> None:
    document = _load(BASE)
    del document["epcisBody"]["eventList"][1]["eventTime"]
    document["epcisBody"]["eventList"][0]["bizStep"] = 42
    document["junk"] = 1
    document["@context"] = "https://example.com/context"
    error = _refusal(document)
    assert [problem.pointer for problem in error.problems] == [
        "/@context",
        f"{EVENTS}/0/bizStep",
        f"{EVENTS}/1/eventTime",
        "/junk",
    ]
    assert str(error).startswith("not a valid EPCIS 2.0 document: /@context: expected")
    assert str(error).endswith("(and 1 more)")


def test_gs1s_event_hash_example_is_not_valid_epcis_2_json() -> None:
    """GS1's own XML/WithEventHashID/event_with_identical_hash_id_7.json names the draft
    context and writes CBV values as URNs, which the schema's JSON forbids."""
    error = _refusal(
        _load(DATA / "XML" / "WithEventHashID" / "event_with_identical_hash_id_7.json")
    )
    event = f"{EVENTS}/0"
    assert [problem.pointer for problem in error.problems] == [
        "/@context",
        f"{event}/bizStep",
        f"{event}/bizTransactionList/0/type",
        f"{event}/destinationList/0/type",
        f"{event}/destinationList/1/type",
        f"{event}/destinationList/2/type",
        f"{event}/disposition",
        f"{event}/persistentDisposition/set/0",
        f"{event}/persistentDisposition/unset/0",
        f"{event}/sourceList/0/type",
        f"{event}/sourceList/1/type",
        f"{event}/sourceList/2/type",
    ]
    assert error.problems[6].expected == 'the CBV word "in_progress" as JSON writes it'


@pytest.mark.parametrize(
    ("file", "load"),
    [(SCHEMA_FILE, load_schema), (CONTEXT_FILE, load_context), (OPENAPI_FILE, load_openapi)],
)
def test_a_tampered_bundled_file_is_refused(
    tmp_path: Path, file: str, load: Callable[[Path | None], object]
) -> None:
    copied = tmp_path / "gs1"
    shutil.copytree(bundled_directory(), copied)
    assert load(copied) == load(None)  # an exact copy loads
    tampered = tmp_path / "tampered"
    shutil.copytree(bundled_directory(), tampered)
    raw = bytearray((tampered / file).read_bytes())
    raw[raw.index(b'"', 100)] = ord("'")  # one byte, still the same length
    (tampered / file).write_bytes(bytes(raw))
    pinned = json.loads((tampered / MANIFEST).read_text())["files"]
    sha256 = next(entry["sha256"] for entry in pinned if entry["file"] == file)
    with pytest.raises(ArtifactIntegrityError) as caught:
        load(tampered)
    assert caught.value.file == file
    assert f"the manifest pins {sha256}" in str(caught.value)
    assert hashlib.sha256(bytes(raw)).hexdigest() in str(caught.value)
