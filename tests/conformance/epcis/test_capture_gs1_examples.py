"""GS1's EPCIS 2.0 example documents, captured through the repository's REST service on a
running chain, recorded, and queried back equal; the answers judged by GS1's own schema and
OpenAPI document; the query language judged by an oracle written from the standard
(``epcis_query_oracle``); and the REST edge fed what it must refuse.

One chain per module (``trace_world``, as the integration tests' ``world`` fixture, built
once): the cooperative's DID is granted every GS1 Company Prefix GS1's examples claim, so
that one capturer may send them all. GS1's examples mix companies in one document (a
0614141 place beside a 0012345 place, 4012345 outputs made at a 0614141 location), which
the registry allows once one DID holds both prefixes; a document whose events claim keys
of two holders is refused (the last tests). A claim's company prefix is read from its EPC
URI (``urn:epc:id:sgln:0614141.07346.1234``: ``0614141``); a Digital Link carries no prefix
length, so for one the prefix is the one of the document's EPC URIs that starts its key,
or else one of GS1's well-known example prefixes (:data:`DIGITAL_LINK_PREFIXES`).

Refused examples are listed in :data:`REFUSED`, each with the problem it must be refused
for, and checked, never skipped.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from epcis_query_oracle import (
    CBV_FORMS,
    CLASS_PLACES,
    EPC_PLACES,
    RESOLVER,
    answer,
    epc_uri,
    gs1_key,
    identifiers_at,
    instant,
)
from jsonschema import Draft7Validator

from sen.light.gs1_keys import claimed_keys
from sen.services.traceability.artifacts import load_openapi
from sen.services.traceability.validation import validate_query_document

sys.path.insert(0, str(Path(__file__).parents[2] / "integration" / "traceability"))

from trace_world import (
    COOPERATIVE,
    COOPERATIVE_PREFIX,
    PACKER,
    PACKER_PREFIX,
    World,
    open_world,
)

DATA = Path(__file__).parent / "data" / "gs1" / "JSON"
EXAMPLES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.jsonld"))
EVENTS = "/epcisBody/eventList"
AGAIN = "an event not captured before (an error declaration may reuse its eventID)"
REFUSED: dict[str, tuple[int, str, str]] = {
    # GS1's file names "eventID" twice in its event (a hash, then a UUID). RFC 8259 leaves
    # repeated names to the reader; I-JSON (RFC 7493) and the spec (§4) refuse them, since
    # readers disagree on which value stands (Python keeps the last, others the first).
    "AssociationEvent/AssociationEvent-h.jsonld": (
        400, f"{EVENTS}/0/eventID", "each member name once"
    ),
    # A query's answer (an EPCISQueryDocument), not a document to capture.
    "EPCISQueryDocument.jsonld": (400, "/type", "EPCISDocument"),
    # Both events again, as Example_9.6.1-ObjectEvent-with-pseudo-SBDH-headers (captured
    # first) holds them: a document sent again is not stored twice (spec §3; 409).
    "Example_9.6.1-ObjectEvent.jsonld": (409, f"{EVENTS}/0/eventID", AGAIN),
    # An error declaration, then that same document's second event again: refused whole
    # (all or nothing); its declaration alone is captured by the test after the listing's.
    "WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld": (
        409, f"{EVENTS}/1/eventID", AGAIN
    ),
}  # fmt: skip
CAPTURED = [name for name in EXAMPLES if name not in REFUSED]
DIGITAL_LINK_PREFIXES = ("4012345", "9506000")
"""GS1's example company prefixes, for keys written only as Digital Links (SensorData 13 to
17 name their places ``https://id.gs1.org/414/9506000134307`` and
``https://id.example.com/414/4012345000054``); both are 7 digits, as GS1's EPC URIs for
them write."""
CAPABILITIES = (
    "GS1-EPCIS-Version", "GS1-EPCIS-Min", "GS1-EPCIS-Max", "GS1-CBV-Version", "GS1-CBV-Min",
    "GS1-CBV-Max", "GS1-EPC-Format", "GS1-CBV-XML-Format", "GS1-Capture-Error-Behaviour",
)  # fmt: skip
OPENAPI = load_openapi()


def _load(name: str) -> dict[str, Any]:
    loaded = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def company_prefixes(document: Mapping[str, Any]) -> set[str]:
    """The GS1 Company Prefixes a document's events claim keys under (see the module doc)."""
    text = json.dumps(document)
    written = set(re.findall(r"urn:epc:(?:id|class|idpat):[a-z]+:(\d+)\.", text))
    found = set()
    for event in document["epcisBody"]["eventList"]:
        for claim in claimed_keys(event):
            stated = re.match(r"^urn:epc:(?:id|class|idpat):[a-z]+:(\d+)\.", claim.identifier)
            if stated is not None:
                found.add(stated.group(1))
                continue
            (prefix,) = {
                p for p in written | set(DIGITAL_LINK_PREFIXES) if claim.digits.startswith(p)
            }
            found.add(prefix)
    return found


# -- what GS1's OpenAPI document allows ---------------------------------------------------


@functools.cache
def openapi_schema(ref: str) -> Draft7Validator:
    """A validator for one of the OpenAPI document's components (references resolved in it)."""
    schema = {"$ref": ref, "components": OPENAPI["components"]}
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def capture_job_problems(job: Any) -> list[str]:
    """What GS1's CaptureJob schema finds wrong with ``job``, read as GS1 means it.

    The schema is ``allOf`` [the members, ``oneOf`` [{errors}, {errorFile}]]; neither
    branch requires its member, so read literally every job satisfies both branches and
    ``oneOf`` refuses it, GS1's own example included (checked in
    ``test_gs1s_capture_job_schema_needs_reading_as_meant``). Its description says what
    it means: ``errors`` or ``errorFile``; so the members are checked against the first
    part and the job against the branch of the one it has.
    """
    schema = OPENAPI["components"]["schemas"]["CaptureJob"]
    members, (either,) = schema["allOf"][0], schema["allOf"][1:]
    has = [name for name in ("errors", "errorFile") if isinstance(job, dict) and name in job]
    if len(has) != 1:
        return [f"errors or errorFile, not {has}"]
    branch = either["oneOf"][0 if has == ["errors"] else 1]
    found = []
    for part in (members, branch, {"type": "object"}):
        validator = Draft7Validator(
            {**part, "components": OPENAPI["components"]},
            format_checker=Draft7Validator.FORMAT_CHECKER,
        )
        found += [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(job)]
    return found


def check_capabilities(headers: Mapping[str, str]) -> None:
    """The GS1 capability headers are there, each with a value GS1's OpenAPI allows."""
    for name in CAPABILITIES:
        assert name in headers, f"{name} missing"
        problems = list(openapi_schema(f"#/components/schemas/{name}").iter_errors(headers[name]))
        assert problems == [], (name, headers[name], [p.message for p in problems])
    for kind in ("EPCIS", "CBV"):
        low, at, high = (
            tuple(int(x) for x in headers[f"GS1-{kind}-{end}"].split("."))
            for end in ("Min", "Version", "Max")
        )
        assert low <= at <= high, (kind, low, at, high)


def check_problem(response: Any, status: int, field: str) -> dict[str, Any]:
    """A refusal: RFC 9457 problem+json (GS1's RFC7807ProblemResponseBody) naming ``field``."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    rfc7807 = openapi_schema("#/components/schemas/RFC7807ProblemResponseBody")
    assert [p.message for p in rfc7807.iter_errors(body)] == []
    assert body["status"] == status
    assert body["field"] == field, body
    check_capabilities(response.headers)
    return dict(body)


# -- the world -----------------------------------------------------------------------------


@dataclass
class Captured:
    """One event of GS1's examples as sent, and where it went."""

    document: str
    index: int
    sent: dict[str, Any]
    context: Any
    job: dict[str, Any]

    def expected(self) -> dict[str, Any]:
        """The event as the repository must give it back, but for ``recordTime`` (its own)
        and the ``eventID`` it adds to an event without one."""
        stored = {k: v for k, v in self.sent.items() if k != "recordTime"}
        stored.setdefault("@context", self.context)
        return stored


@dataclass
class Repository:
    world: World
    answers: dict[str, Any]  # document name -> the answer to its capture
    captured: list[Captured]
    listed: list[dict[str, Any]]  # every event, as GET /epcis/events pages them

    def ask(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        """A query's events (one page of at most 1000), the answer checked as GS1's."""
        found = self.world.api.get(
            "/epcis/events", params={**params, "perPage": "1000"}, headers=self.world.auth
        )
        assert found.status_code == 200, (params, found.text[:400])
        assert "Link" not in found.headers
        return query_events(found)


def query_events(found: Any) -> list[dict[str, Any]]:
    """An answer's events, once its body passes GS1's schema and its headers GS1's OpenAPI."""
    body = found.json()
    validate_query_document(body)
    check_capabilities(found.headers)
    events = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert isinstance(events, list)
    return events


def all_pages(world: World, params: Mapping[str, str]) -> Iterator[Any]:
    """Each answer of a query, following its ``Link: <...>; rel="next"`` headers."""
    found = world.api.get("/epcis/events", params=params, headers=world.auth)
    while True:
        assert found.status_code == 200, found.text[:400]
        yield found
        link = found.headers.get("Link")
        if link is None:
            return
        next_page = re.fullmatch(r'<(/epcis/events\?[^>]+)>; rel="next"', link)
        assert next_page is not None, link
        found = world.api.get(next_page.group(1), headers=world.auth)


@pytest.fixture(scope="module")
def gs1(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Repository]:
    with open_world(tmp_path_factory.mktemp("gs1")) as world:
        documents = {name: _load(name) for name in CAPTURED}
        prefixes = set().union(*(company_prefixes(d) for d in documents.values()))
        for prefix in sorted(prefixes):
            world.grant(prefix, COOPERATIVE)
        answers = {
            name: world.api.post(
                "/epcis/capture", content=(DATA / name).read_bytes(),
                headers={**world.auth, "Content-Type": "application/ld+json"},
            )
            for name in CAPTURED
        }  # fmt: skip
        world.repository.anchor_running()
        captured = []
        for name, document in documents.items():
            location = answers[name].headers.get("Location", "/none")
            job = world.api.get(location, headers=world.auth).json()
            for index, event in enumerate(document["epcisBody"]["eventList"]):
                captured.append(Captured(name, index, event, document["@context"], job))
        listed = [e for page in all_pages(world, {}) for e in query_events(page)]
        yield Repository(world, answers, captured, listed)


# -- 1. every example captured, recorded, and queried back equal ------------------------------


def test_every_example_is_captured_or_refused_for_a_stated_reason() -> None:
    assert len(EXAMPLES) == 47 and len(CAPTURED) == 43
    assert set(REFUSED) <= set(EXAMPLES)
    prefixes = set().union(*(company_prefixes(_load(name)) for name in CAPTURED))
    assert sorted(prefixes) == [
        "0012345", "0037000", "0614141", "4012345", "4023333", "9506000", "952005385",
        "9524567", "9529999",
    ]  # fmt: skip
    for prefix in prefixes | {COOPERATIVE_PREFIX, PACKER_PREFIX}:  # grants never overlap
        assert not any(o != prefix and o.startswith(prefix) for o in prefixes)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_example_is_refused_naming_the_field(gs1: Repository, name: str) -> None:
    status, field, expected = REFUSED[name]
    before = gs1.world.store.count(), len(gs1.world.store.jobs())
    refused = gs1.world.api.post(
        "/epcis/capture", content=(DATA / name).read_bytes(),
        headers={**gs1.world.auth, "Content-Type": "application/ld+json"},
    )  # fmt: skip
    body = check_problem(refused, status, field)
    assert body["expected"] == expected
    assert (gs1.world.store.count(), len(gs1.world.store.jobs())) == before


@pytest.mark.parametrize("name", CAPTURED)
def test_an_example_is_captured_recorded_and_each_event_queried_back_equal(
    gs1: Repository, name: str
) -> None:
    captured = gs1.answers[name]
    assert captured.status_code == 202, captured.text[:500]
    check_capabilities(captured.headers)
    started = captured.json()
    assert capture_job_problems(started) == []
    assert (started["running"], started["success"]) == (True, True)  # GS1: no error so far
    assert captured.headers["Location"] == f"/epcis/capture/{started['captureID']}"
    events = [c for c in gs1.captured if c.document == name]
    job = events[0].job
    assert capture_job_problems(job) == []
    assert (job["running"], job["success"], job["errors"]) == (False, True, []), job
    assert job["sen"]["events"] == len(events) and job["sen"]["height"] > 0
    window = instant(job["createdAt"]), instant(job["finishedAt"])
    for event in events:
        with_id = "eventID" in event.sent
        back = by_event_id(gs1, event) if with_id else by_type_and_time(gs1, event)
        assert _without_added(back, not with_id) == event.expected()
        assert window[0] <= instant(back["recordTime"]) <= window[1]
        assert back["recordTime"].endswith("Z")


def by_event_id(gs1: Repository, event: Captured) -> dict[str, Any]:
    """``GET /epcis/events/{eventID}``: every captured event with that eventID, in capture
    order (GS1's examples reuse eventIDs across documents: one event in several dresses, and
    its error declaration); this one where it was captured among them."""
    event_id = event.sent["eventID"]
    path = f"/epcis/events/{quote(event_id, safe='')}"
    found = gs1.world.api.get(path, headers=gs1.world.auth)
    assert found.status_code == 200, found.text[:400]
    listed = query_events(found)
    alike = [c for c in gs1.captured if c.sent.get("eventID") == event_id]
    assert [_without_added(e, False) for e in listed] == [c.expected() for c in alike]
    return listed[alike.index(event)]


def by_type_and_time(gs1: Repository, event: Captured) -> dict[str, Any]:
    """An event without an eventID, found by its type and its eventTime (to the ms); its
    eventID is then its CBV 2.0 event hash, and ``GET /epcis/events/{eventID}`` gives it."""
    at = instant(event.sent["eventTime"])
    params = {
        "eventType": event.sent["type"],
        "GE_eventTime": at.isoformat(),
        "LT_eventTime": (at + timedelta(milliseconds=1)).isoformat(),
    }
    found = gs1.ask(params)
    expected = event.expected()
    (back,) = [e for e in found if _without_added(e) == expected]
    assert re.fullmatch(r"ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0", back["eventID"])
    assert answer(gs1.listed, params) == found
    path = f"/epcis/events/{quote(back['eventID'], safe='')}"
    (again,) = query_events(gs1.world.api.get(path, headers=gs1.world.auth))
    assert again == back
    return dict(back)


def _without_added(event: Mapping[str, Any], generated_id: bool = True) -> dict[str, Any]:
    added = {"recordTime", "eventID"} if generated_id else {"recordTime"}
    return {k: v for k, v in event.items() if k not in added}


def test_the_listing_holds_each_captured_event_once_in_capture_order(gs1: Repository) -> None:
    """All pages of ``GET /epcis/events`` (30 to a page) are the captured events."""
    assert len(gs1.listed) == len(gs1.captured) == 49
    for listed, event in zip(gs1.listed, gs1.captured, strict=True):
        assert _without_added(listed, "eventID" not in event.sent) == event.expected()


def test_the_error_declaration_example_is_captured_on_a_chain_of_its_own(
    tmp_path: Path,
) -> None:
    """Refused above as it repeats an event the shared chain holds: alone, all of it is
    captured, and its declaration queried back under its eventID."""
    name = "WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld"
    document = _load(name)
    with open_world(tmp_path) as world:
        for prefix in sorted(company_prefixes(document)):
            world.grant(prefix, COOPERATIVE)
        answer = world.api.post("/epcis/capture", json=document, headers=world.auth)
        assert answer.status_code == 202, answer.text[:400]
        assert world.repository.anchor_running() == 1
        for event in document["epcisBody"]["eventList"]:
            path = f"/epcis/events/{quote(event['eventID'], safe='')}"
            (back,) = query_events(world.api.get(path, headers=world.auth))
            expected = {k: v for k, v in event.items() if k != "recordTime"}
            assert {k: v for k, v in back.items() if k in expected} == expected


def test_capture_jobs_are_gs1_capture_jobs(gs1: Repository) -> None:
    listed = gs1.world.api.get("/epcis/capture", headers=gs1.world.auth)
    assert listed.status_code == 200
    check_capabilities(listed.headers)
    jobs = listed.json()
    schema = OPENAPI["paths"]["/capture"]["get"]["responses"]["200"]["content"]
    assert schema["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/CaptureJob"
    }
    listed = {job["captureID"] for job in jobs}
    assert {answer.json()["captureID"] for answer in gs1.answers.values()} <= listed
    assert all(capture_job_problems(job) == [] for job in jobs)


def test_gs1s_capture_job_schema_needs_reading_as_meant() -> None:
    example = OPENAPI["components"]["schemas"]["CaptureJob"]["example"]
    literal = openapi_schema("#/components/schemas/CaptureJob")
    assert [e.validator for e in literal.iter_errors(example)] == ["oneOf"]
    assert capture_job_problems(example) == []
    assert capture_job_problems({**example, "running": "no"}) != []
    assert capture_job_problems({**example, "errorFile": "x:y"}) != []  # both


# -- 3. the query language against the oracle ------------------------------------------------


def _identifiers(gs1: Repository, places: dict[str, tuple[str, ...]]) -> list[str]:
    every = {i for e in gs1.listed for ps in places.values() for i in identifiers_at(e, ps)}
    return sorted(every)


def _variants(identifier: str) -> list[str]:
    """Other ways to ask for ``identifier``: its other spelling, the ``*`` stems that cut it
    at its last separators, and the pure identity patterns of its EPC URI."""
    found = []
    key = gs1_key(identifier)
    if key is not None and identifier.startswith("urn:epc:"):
        found.append(RESOLVER + "/".join(key))
    elif key is not None:  # GS1's examples write Digital Links under 7-digit prefixes only
        uri = epc_uri(key, 7)
        assert uri is not None and uri.split(":")[4][:7] in ("0614141", "4012345", "9506000")
        found.append(uri)
    cuts = [m.start() for m in re.finditer(r"[./:]", identifier)]
    if identifier.startswith("urn:"):  # not above the scheme
        floor = len(":".join(identifier.split(":")[:4]))
    else:  # not above the primary key's application identifier (the host is no key)
        floor = min(
            (m.end() for m in re.finditer(r"/(?:01|00|414|8003|8004)/", identifier)),
            default=len(identifier),
        )
    if not identifier.startswith("urn:epc:idpat:"):  # (a stem of a pattern is no pattern)
        found += [identifier[: c + 1] + "*" for c in cuts[-2:] if c >= floor]
    epc = re.fullmatch(r"urn:epc:id:([a-z]+):([^.]+)\.(.+)", identifier)
    if epc is not None:
        scheme, prefix, rest = epc.groups()
        fields = rest.split(".")
        found.append(f"urn:epc:idpat:{scheme}:{prefix}.{'.'.join([*fields[:-1], '*'])}")
        if len(fields) == 2:
            found.append(f"urn:epc:idpat:{scheme}:{prefix}.*.*")
    return found


def query_cases(gs1: Repository) -> Iterator[dict[str, str]]:
    """Queries on GS1's examples: each parameter with the values the events hold (and
    values none holds), alone and with another."""
    events = gs1.listed
    for kind in ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent",
                 "AssociationEvent", "ObjectEvent|AssociationEvent"):  # fmt: skip
        yield {"eventType": kind}
    for action in ("ADD", "OBSERVE", "DELETE", "ADD|DELETE"):
        yield {"EQ_action": action}
        yield {"EQ_action": action, "eventType": "AssociationEvent"}
    for name, forms in CBV_FORMS.items():
        words = sorted({e[forms[0]] for e in events if forms[0] in e})
        for word in [*words, "repairing"]:
            yield {name: word}
            if ":" not in word:
                yield {name: forms[1] + word}
                yield {name: forms[2] + word}
        yield {name: "|".join(words[:2])}
    for name, field in (("EQ_readPoint", "readPoint"), ("EQ_bizLocation", "bizLocation")):
        places = sorted({e[field]["id"] for e in events if field in e})
        for place in [*places, "urn:epc:id:sgln:0614141.99999.0"]:
            yield {name: place}
            key = gs1_key(place)
            if key is not None:
                yield {name: RESOLVER + "/".join(key)}
        yield {name: "|".join(places[:3])}
    for field in ("eventTime", "recordTime"):
        moments = sorted({instant(e[field]) for e in events})
        for moment in moments:
            yield {f"GE_{field}": moment.isoformat()}
            yield {f"LT_{field}": moment.isoformat()}
            later = moment + timedelta(milliseconds=1)
            yield {f"GE_{field}": moment.isoformat(), f"LT_{field}": later.isoformat()}
        yield {f"GE_{field}": moments[0].astimezone().isoformat(), "EQ_action": "ADD"}
    for places in (EPC_PLACES, CLASS_PLACES):
        identifiers = _identifiers(gs1, places)
        for identifier in identifiers:
            for name in places:
                yield {name: identifier}
            for variant in _variants(identifier):
                yield {next(iter(places)): variant}
                yield {list(places)[-1]: variant}
        for name in places:
            yield {name: "|".join(identifiers[::9])}
            yield {name: "*"}
            yield {name: "urn:epc:id:sgtin:0614141.107346.9999"}


def test_each_query_answers_as_the_standard_says(gs1: Repository) -> None:
    cases = list(query_cases(gs1))
    wrong = []
    for params in cases:
        found = gs1.ask(params)
        expected = answer(gs1.listed, params)
        if found != expected:
            wrong.append((params, [e["eventID"] for e in found], [e["eventID"] for e in expected]))
    assert wrong == [], f"{len(wrong)} of {len(cases)} queries differ: {wrong[:10]}"
    assert len(cases) > 700


def test_pages_cover_a_query_once_in_order(gs1: Repository) -> None:
    params = {"perPage": "7", "EQ_action": "OBSERVE|ADD"}
    pages = list(all_pages(gs1.world, params))
    paged = [e for page in pages for e in query_events(page)]
    assert paged == answer(gs1.listed, {"EQ_action": "OBSERVE|ADD"}) and len(pages) > 2
    assert all(len(query_events(p)) == 7 for p in pages[:-1])
    link = pages[0].headers["Link"]
    token = re.search(r"nextPageToken=([^&>]+)", link)
    assert token is not None
    other = gs1.world.api.get(
        "/epcis/events", params={"EQ_action": "ADD", "nextPageToken": token.group(1)},
        headers=gs1.world.auth,
    )  # fmt: skip
    check_problem(other, 400, "?nextPageToken")


# -- 4. what the REST edge must refuse ---------------------------------------------------------


def _document(*events: dict[str, Any]) -> dict[str, Any]:
    base = _load("Example_9.6.1-ObjectEvent.jsonld")
    return {**base, "epcisBody": {"eventList": list(events)}}


def _event(**changes: Any) -> dict[str, Any]:
    """GS1's first example event (an ObjectEvent at 0614141's 07346 location), changed."""
    event = dict(_load("Example_9.6.1-ObjectEvent.jsonld")["epcisBody"]["eventList"][0])
    del event["eventID"]
    return {**event, **changes}


def _text(document: Mapping[str, Any], old: str, new: str) -> bytes:
    """The document as JSON with the one place ``old`` is written replaced by ``new``."""
    text = json.dumps(document)
    assert text.count(old) == 1, old
    return text.replace(old, new).encode()


def _big(events: int) -> bytes:
    return json.dumps(_document(*[_event() for _ in range(events)])).encode()


def _nested(levels: int) -> bytes:
    deep = "[" * levels + "]" * levels
    return _text(_document(_event(**{"example:deep": "HERE"})), '"HERE"', deep)


E0 = f"{EVENTS}/0"
BAD_CAPTURES: list[tuple[str, Any, str, int, str]] = [
    # what, the body (or a function making it), its Content-Type, the status, the field
    ("not JSON", b"{not json", "application/json", 400, ""),
    ("empty", b"", "application/json", 400, ""),
    ("a JSON array", b"[]", "application/json", 400, ""),
    ("plain text", json.dumps(_document(_event())).encode(), "text/plain", 415, "Content-Type"),
    ("UTF-16", json.dumps(_document(_event())).encode("utf-16"), "application/json", 400, ""),
    ("a query's answer", (DATA / "EPCISQueryDocument.jsonld").read_bytes(),
     "application/ld+json", 400, "/type"),
    ("an unknown event type", json.dumps(_document(_event(type="HarvestEvent"))).encode(),
     "application/json", 400, f"{E0}/type"),
    ("an extension event type", json.dumps(_document(_event(type="example:MyEvent"))).encode(),
     "application/json", 400, f"{E0}/type"),
    ("a member named twice", _text(_document(_event()), '"action": "OBSERVE"',
                                   '"action": "OBSERVE", "action": "ADD"'),
     "application/json", 400, f"{E0}/action"),
    ("the document's type named twice", _text(_document(_event()), '"type": "EPCISDocument"',
                                              '"type": "EPCISDocument", "type": "EPCISDocument"'),
     "application/json", 400, "/type"),
    ("NaN", _text(_document(_event(**{"example:n": 1.5})), "1.5", "NaN"),
     "application/json", 400, f"{E0}/example:n"),
    ("Infinity", _text(_document(_event(**{"example:n": 1.5})), "1.5", "-Infinity"),
     "application/json", 400, f"{E0}/example:n"),
    ("a number no double holds", _text(_document(_event(**{"example:n": 1.5})), "1.5", "1e400"),
     "application/json", 400, f"{E0}/example:n"),
    ("an integer of 5000 digits", _text(_document(_event(**{"example:n": 1.5})), "1.5", "9" * 5000),
     "application/json", 400, f"{E0}/example:n"),
    ("a lone surrogate", _text(_document(_event(**{"example:t": "T"})), '"T"', '"\\udc00"'),
     "application/json", 400, f"{E0}/example:t"),
    ("nesting past the JSON reader", b"[" * 100_000 + b"]" * 100_000, "application/json", 400, ""),
    ("nesting past 64 levels", _nested(70), "application/json", 400,
     f"{E0}/example:deep" + "/0" * 60),  # the 65th level: document, body, list, event...
    ("more events than the limit", lambda: _big(10_001), "application/json", 413,
     "/epcisBody/eventList"),
    ("more than 16 MiB", lambda: _text(_document(_event(**{"example:t": "T"})), '"T"',
                                       '"' + "x" * (16 << 20) + '"'),
     "application/json", 413, ""),
]  # fmt: skip


def _stored(world: World) -> tuple[int, int]:
    return world.store.count(), len(world.store.jobs())


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [case[1:] for case in BAD_CAPTURES],
    ids=[case[0] for case in BAD_CAPTURES],
)
def test_a_bad_capture_is_a_problem_naming_the_field_and_keeps_nothing(
    gs1: Repository, body: Any, content_type: str, status: int, field: str
) -> None:
    before = _stored(gs1.world)
    sent = body() if callable(body) else body
    refused = gs1.world.api.post(
        "/epcis/capture", content=sent, headers={**gs1.world.auth, "Content-Type": content_type}
    )
    check_problem(refused, status, field)
    if status == 413:  # GS1's 413CapturePayloadTooLarge names both limits
        assert refused.headers["GS1-EPCIS-Capture-Limit"] == "10000"
        assert refused.headers["GS1-EPCIS-Capture-File-Size-Limit"] == str(16 << 20)
    assert _stored(gs1.world) == before


def test_a_place_under_another_holders_prefix_is_refused_and_nothing_kept(
    gs1: Repository,
) -> None:
    ours = _event()
    theirs = _event(readPoint={"id": f"urn:epc:id:sgln:{PACKER_PREFIX}.0001.0"})
    nobodys = _event(bizLocation={"id": "urn:epc:id:sgln:8900001.00001.0"})
    before = _stored(gs1.world)
    refused = gs1.world.api.post(
        "/epcis/capture", json=_document(ours, theirs, nobodys), headers=gs1.world.auth
    )
    body = check_problem(refused, 403, f"{EVENTS}/1/readPoint/id")
    assert f"granted to {PACKER}" in body["got"]
    assert [p["field"] for p in body["problems"]] == [
        f"{EVENTS}/1/readPoint/id", f"{EVENTS}/2/bizLocation/id"
    ]  # fmt: skip
    assert "no prefix granted" in body["problems"][1]["got"]
    assert _stored(gs1.world) == before


def test_capture_and_queries_need_the_token(gs1: Repository) -> None:
    before = _stored(gs1.world)
    wrong = {"Authorization": "Bearer " + "0" * 48}
    for headers in ({}, wrong):
        sent = gs1.world.api.post("/epcis/capture", json=_document(_event()), headers=headers)
        check_problem(sent, 401, "Authorization")
        check_problem(gs1.world.api.get("/epcis/events", headers=headers), 401, "Authorization")
    assert _stored(gs1.world) == before


BAD_QUERIES: list[tuple[dict[str, str] | str, str]] = [
    ({"EQ_colour": "red"}, "?EQ_colour"),
    ({"eventtype": "ObjectEvent"}, "?eventtype"),
    ({"EQ_quantity": "5"}, "?EQ_quantity"),  # GS1's, not in Sen's subset: refused, not ignored
    ("eventType=ObjectEvent&eventType=AggregationEvent", "?eventType"),
    ({"eventType": "FooEvent"}, "?eventType"),
    ({"EQ_action": "add"}, "?EQ_action"),
    ({"MATCH_epc": "a||b"}, "?MATCH_epc"),
    ({"EQ_bizStep": ""}, "?EQ_bizStep"),
    ({"GE_eventTime": "yesterday"}, "?GE_eventTime"),
    ({"GE_eventTime": "2005-04-03"}, "?GE_eventTime"),
    ({"LT_eventTime": "2005-04-03T20:33:31"}, "?LT_eventTime"),  # no offset
    ({"GE_recordTime": "2005-13-03T20:33:31Z"}, "?GE_recordTime"),
    ({"LT_recordTime": ""}, "?LT_recordTime"),
    ({"perPage": "0"}, "?perPage"),
    ({"perPage": "1001"}, "?perPage"),
    ({"perPage": "abc"}, "?perPage"),
    ({"perPage": "-1"}, "?perPage"),
    ({"perPage": "1.5"}, "?perPage"),
    ({"perPage": "\uff11\uff10"}, "?perPage"),  # fullwidth digits: ten, but not ASCII
    ({"nextPageToken": "garbage"}, "?nextPageToken"),
    ({"nextPageToken": ""}, "?nextPageToken"),
    ({"nextPageToken": "eyJhZnRlciI6IC0xfQ"}, "?nextPageToken"),  # {"after": -1}
    ({"nextPageToken": "eyJhZnRlciI6IDEsICJmaWx0ZXIiOiAieCJ9"}, "?nextPageToken"),  # forged
    ({"nextPageToken": "W10"}, "?nextPageToken"),  # []
]


@pytest.mark.parametrize(("query", "field"), BAD_QUERIES, ids=[q[1] for q in BAD_QUERIES])
def test_a_bad_query_is_a_problem_naming_the_parameter(
    gs1: Repository, query: dict[str, str] | str, field: str
) -> None:
    if isinstance(query, str):
        refused = gs1.world.api.get(f"/epcis/events?{query}", headers=gs1.world.auth)
    else:
        refused = gs1.world.api.get("/epcis/events", params=query, headers=gs1.world.auth)
    check_problem(refused, 400, field)


ODD_EVENT_IDS = [
    "%00", "a%2Fb", "..%2F..%2Fetc%2Fpasswd", "x" * 5000, "%F0%9F%98%80", "%ED%A0%80", "%ZZ",
    "'%20OR%201%3D1%20--", "ni:%2F%2F%2Fsha-256;00?ver=CBV2.0", "urn:uuid:x%3Fa%3Db", "",
]  # fmt: skip


@pytest.mark.parametrize("event_id", ODD_EVENT_IDS)
def test_an_odd_event_id_is_not_found(gs1: Repository, event_id: str) -> None:
    missing = gs1.world.api.get(f"/epcis/events/{event_id}", headers=gs1.world.auth)
    check_problem(missing, 404, "eventID")
    receipts = gs1.world.api.get(
        "/epcis/receipts", params={"eventID": event_id}, headers=gs1.world.auth
    )
    check_problem(receipts, 404, "eventID")
    if event_id:  # (``/epcis/capture/`` is the list of jobs)
        job = gs1.world.api.get(f"/epcis/capture/{event_id}", headers=gs1.world.auth)
        check_problem(job, 404, "path" if "/" in unquote(event_id) else "captureID")


def test_a_job_the_chain_refuses_is_a_gs1_capture_job_with_its_errors(gs1: Repository) -> None:
    prefix = "8900002"  # granted for this test alone, revoked before the job is recorded
    gs1.world.grant(prefix, COOPERATIVE)
    event = _event(readPoint={"id": f"urn:epc:id:sgln:{prefix}.00001.0"})
    sent = gs1.world.api.post("/epcis/capture", json=_document(event), headers=gs1.world.auth)
    assert sent.status_code == 202, sent.text
    gs1.world.revoke(prefix)
    before = gs1.world.store.count()
    gs1.world.repository.anchor_running()
    job = gs1.world.api.get(sent.headers["Location"], headers=gs1.world.auth).json()
    assert capture_job_problems(job) == []
    assert (job["running"], job["success"]) == (False, False)  # GS1: all events rejected
    (error,) = job["errors"]
    assert "PREFIX_NOT_HELD" in error["title"] and error["status"] == 403
    assert gs1.world.store.count() == before
