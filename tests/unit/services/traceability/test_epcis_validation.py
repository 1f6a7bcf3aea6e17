"""The validator's own behaviour: Sen's rules, the size guard, single events, the error's
shape, and the speed that lets it run on every capture. GS1's examples and the schema's
mutations are in tests/conformance/epcis/test_gs1_schema.py."""

from __future__ import annotations

import time
from typing import Any

import pytest

from sen.services.traceability.artifacts import EPCIS_CONTEXT_URL
from sen.services.traceability.errors import (
    DocumentTooLarge,
    EpcisInvalid,
    Problem,
    TraceabilityError,
)
from sen.services.traceability.validation import (
    MAX_PROBLEMS,
    EpcisValidator,
    _Schema,
    validate_document,
    validate_event,
    validate_query_document,
)

EVENT: dict[str, Any] = {
    "type": "ObjectEvent",
    "action": "OBSERVE",
    "eventTime": "2026-12-03T09:00:00.000+07:00",
    "eventTimeZoneOffset": "+07:00",
    "epcList": ["urn:epc:id:sgtin:8930000.012345.1001"],
    "bizStep": "shipping",
    "readPoint": {"id": "urn:epc:id:sgln:8930000.00001.0"},
}
LIST = "/epcisBody/eventList"
QUERY_LIST = "/epcisBody/queryResults/resultsBody/eventList"


def _document(events: int = 1, **fields: object) -> dict[str, Any]:
    return {
        "@context": [EPCIS_CONTEXT_URL],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-12-03T10:00:00Z",
        "epcisBody": {"eventList": [dict(EVENT, **fields) for _ in range(events)]},
    }


def _query_document(events: int = 1) -> dict[str, Any]:
    return {
        "@context": EPCIS_CONTEXT_URL,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-12-03T10:00:00Z",
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": {"eventList": [dict(EVENT) for _ in range(events)]},
            }
        },
    }


def _problems(call: Any, *args: object, **kwargs: object) -> list[str]:
    with pytest.raises(EpcisInvalid) as caught:
        call(*args, **kwargs)
    return [str(problem) for problem in caught.value.problems]


def test_valid_documents_and_events_pass() -> None:
    validate_document(_document(3))
    validate_query_document(_query_document(3))
    validate_event(EVENT)


def test_a_leap_second_is_a_valid_time() -> None:
    validate_document(_document(eventTime="2016-12-31T23:59:60Z"))  # RFC 3339 allows it


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "/: expected an EPCISDocument (a JSON object), got an array []"),
        ("{}", '/: expected an EPCISDocument (a JSON object), got a string "{}"'),
        (None, "/: expected an EPCISDocument (a JSON object), got null"),
        ({"epcisBody": {}}, "/type: expected EPCISDocument, got nothing"),
    ],
)
def test_what_is_not_a_capture_document(document: object, problem: str) -> None:
    assert _problems(validate_document, document) == [problem]


def test_a_capture_document_is_not_a_query_answer() -> None:
    assert _problems(validate_query_document, _document()) == [
        '/type: expected EPCISQueryDocument, got "EPCISDocument"'
    ]


def test_the_context_may_be_the_epcis_url_alone() -> None:
    document = _document()
    document["@context"] = EPCIS_CONTEXT_URL
    validate_document(document)
    document["@context"] = {"@vocab": "https://ref.gs1.org/epcis/"}  # inline: not the bundled one
    assert _problems(validate_document, document) == [
        f"/@context: expected a context naming {EPCIS_CONTEXT_URL}, "
        'got {"@vocab": "https://ref.gs1.org/epcis/"}'
    ]


def test_the_size_guard_comes_before_anything_else() -> None:
    document = _document(3, bizStep=42)  # broken too: the size is still what is reported
    with pytest.raises(DocumentTooLarge) as caught:
        validate_document(document, max_events=2)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{LIST}: expected at most 2 events, got 3 events"
    ]
    assert (caught.value.events, caught.value.limit) == (3, 2)
    assert isinstance(caught.value, EpcisInvalid)
    validate_document(_document(3), max_events=3)


def test_the_size_guard_counts_a_query_answers_events() -> None:
    with pytest.raises(DocumentTooLarge) as caught:
        validate_query_document(_query_document(2), max_events=1)
    assert caught.value.field == QUERY_LIST


def test_a_single_event_is_named_where_it_sits() -> None:
    at = f"{QUERY_LIST}/3"
    assert _problems(validate_event, dict(EVENT, bizStep=42), at=at) == [
        f"{at}/bizStep: expected a string, got a number 42"
    ]
    assert _problems(validate_event, dict(EVENT, type="Event")) == [
        "/type: expected one of ObjectEvent, AggregationEvent, TransactionEvent, "
        'TransformationEvent, AssociationEvent, got "Event"'
    ]
    assert _problems(validate_event, ["not", "an", "event"]) == [
        '/: expected an object, got an array ["not", "an", "event"]'
    ]
    with pytest.raises(ValueError, match="not a JSON pointer"):
        validate_event(EVENT, at="epcisBody")


def test_pointers_escape_slash_and_tilde() -> None:
    event = dict(EVENT)
    event["a/b~c"] = 1  # no URI scheme, so not an extension field
    problems = _problems(validate_event, event)
    assert problems[0].startswith("/a~1b~0c: expected one of the fields @context, type,")


def test_an_event_query_answer_is_checked_event_by_event() -> None:
    document = _query_document(2)
    document["epcisBody"]["queryResults"]["resultsBody"]["eventList"][1]["eventTime"] = "now"
    assert _problems(validate_query_document, document) == [
        f"{QUERY_LIST}/1/eventTime: expected a date-time with a time-zone offset (RFC 3339), "
        'such as 2005-04-03T20:33:31.116-06:00, got "now"'
    ]


def test_the_error_carries_every_problem_and_says_the_first() -> None:
    document = _document(2)
    document["epcisBody"]["eventList"][0]["action"] = "ADDED"
    document["epcisBody"]["eventList"][1]["eventTimeZoneOffset"] = "UTC"
    with pytest.raises(EpcisInvalid) as caught:
        validate_document(document)
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, TraceabilityError)
    assert error.problems == (
        Problem(f"{LIST}/0/action", "one of OBSERVE, ADD, DELETE", '"ADDED"'),
        Problem(
            f"{LIST}/1/eventTimeZoneOffset",
            "a time-zone offset from -14:00 to +14:00, such as +07:00",
            '"UTC"',
        ),
    )
    assert (error.field, error.expected, error.got) == (
        f"{LIST}/0/action",
        "one of OBSERVE, ADD, DELETE",
        '"ADDED"',
    )
    assert error.complete
    assert str(error) == (
        f"not a valid EPCIS 2.0 document: {LIST}/0/action: expected one of OBSERVE, ADD, "
        f'DELETE, got "ADDED"; {LIST}/1/eventTimeZoneOffset: expected a time-zone offset '
        'from -14:00 to +14:00, such as +07:00, got "UTC"'
    )


def test_a_flood_of_problems_is_cut_and_says_so() -> None:
    document = _document(MAX_PROBLEMS + 10, eventTime="soon")
    with pytest.raises(EpcisInvalid) as caught:
        validate_document(document)
    assert len(caught.value.problems) == MAX_PROBLEMS
    assert not caught.value.complete
    assert str(caught.value).endswith(
        f"(and {MAX_PROBLEMS - 3} more) (validation stopped there; there may be more)"
    )


def test_an_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        EpcisInvalid([])


def test_when_the_engines_disagree_the_fast_engines_words_are_reported() -> None:
    # jsonschema's "email" format only looks for an @; jsonschema-rs checks the address
    schema = _Schema({"type": "string", "format": "email"})
    assert not schema.is_valid("someone@")
    assert schema.explain("someone@", ("contact",)) == [
        Problem(
            "/contact",
            'a value the schema accepts ("someone@" is not a "email")',
            '"someone@"',
        )
    ]


def test_a_schema_that_refers_elsewhere_is_refused_not_fetched() -> None:
    with pytest.raises(ValueError, match="Sen never fetches schemas"):
        EpcisValidator({"$ref": "https://example.com/schema.json", "definitions": {}})


def test_a_thousand_events_validate_fast_enough_for_every_capture() -> None:
    """About 10 ms with jsonschema-rs giving the verdict; jsonschema alone takes about 3 s."""
    document = _document(1000)
    validate_document(document)  # compiled once, before timing
    started = time.perf_counter()
    validate_document(document)
    assert time.perf_counter() - started < 1.0
