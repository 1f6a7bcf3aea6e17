"""Attacks on traceability, each tried for real: a test that passes shows the attack refused.

One chain for the module (the cooperative and the packer hold their prefixes), a value
chain's shared repository over it (each organisation its own token), the resolver, and a
second chain with the same id and its own validator (a forger's).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
from attack_support import PUBLIC, Shared, event_at, shared_repository, unique
from fastapi.testclient import TestClient
from trace_world import open_world

from conftest import COOPERATIVE, PACKER, PACKER_PREFIX, document, harvest
from sen.api.app import create_app
from sen.ledger.light.merkle import proof_from_byte_slices
from sen.ledger.modules.trace import capture_leaf
from sen.light.epcis_hash import event_hash
from sen.light.errors import ReceiptInvalid
from sen.light.event_receipt import (
    HASH_PREFIX,
    HASH_SUFFIX,
    epcis_time,
    event_receipt_document,
    verify_event_receipt,
)
from sen.sdk.errors import Rejected
from sen.services.traceability.resolver import add_resolver
from sen.services.traceability.service import create_epcis_app
from sen.services.traceability.store import EventFilter, StoredEvent

SHOP = "urn:epc:id:sgln:893999.000002.0"  # the packer's own place
GTIN = "18935678012347"  # the cooperative's GTIN (prefix 8935678)
EVENTS = "/epcisBody/eventList"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    with shared_repository(tmp_path_factory.mktemp("attacks")) as made:
        yield made


# -- 1. event receipts ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def proven(shared: Shared) -> tuple[StoredEvent, dict[str, Any]]:
    """One recorded harvest of the cooperative (in a job of three events) and its receipt."""
    lot = f"urn:epc:class:lgtin:8935678.101234.R{unique()}"
    events = shared.recorded(
        COOPERATIVE, harvest(lot=lot), harvest(lot=lot, minute=1), harvest(lot=lot, minute=2)
    )
    receipt = shared.receipt(events[1])
    assert verify_event_receipt(receipt, shared.world.genesis).valid
    return events[1], receipt


def _text_change(old: str, new: str) -> Any:
    def change(r: dict[str, Any]) -> None:
        assert old in r["event"], r["event"]
        r["event"] = r["event"].replace(old, new)

    return change


def _event_change(edit: Any) -> Any:
    def change(r: dict[str, Any]) -> None:
        event = json.loads(r["event"])
        edit(event)
        r["event"] = json.dumps(event, ensure_ascii=False, separators=(",", ":"))

    return change


def _path_change(name: str, value: Any) -> Any:
    return lambda r: r["path"].update({name: value(r["path"][name])})


def _flip(hex_text: str) -> str:
    return ("0" if hex_text[0] != "0" else "1") + hex_text[1:]


@pytest.mark.parametrize(
    ("change", "check"),
    [
        # the event's content: what the hash covers, and what only the text covers
        (_text_change('"quantity":500', '"quantity":5000'), "event"),
        (_text_change('"bizStep":"commissioning"', '"bizStep":"shipping"'), "event"),
        (_text_change('"type":"ObjectEvent"', '"type":"ObjectEvent" '), "capture"),
        (_event_change(lambda e: e.update(eventID="urn:uuid:forged")), "capture"),
        (_event_change(lambda e: e.update(errorDeclaration={
            "declarationTime": "2026-06-06T09:00:00.000+07:00"})), "capture"),
        (_event_change(lambda e: e.pop("eventID")), "capture"),
        # the record time: in the text, in the leaf, or in both
        (_event_change(lambda e: e.update(recordTime="2030-01-01T00:00:00.000Z")), "event"),
        (lambda r: r["leaf"].update(record_time=r["leaf"]["record_time"] - 1), "event"),
        (lambda r: (r["leaf"].update(record_time=r["leaf"]["record_time"] + 1000),
                    _event_change(lambda e: e.update(recordTime=epcis_time(
                        r["leaf"]["record_time"])))(r)), "capture"),
        # who captured it, and in which job
        (lambda r: r["leaf"].update(capturer=PACKER), "transaction"),
        (lambda r: r["leaf"].update(capture=secrets.token_hex(16)), "transaction"),
        (lambda r: r.update(event_hash=HASH_PREFIX + "0" * 64 + HASH_SUFFIX), "event"),
        # the path to the job's root
        (_path_change("index", lambda i: (i + 1) % 3), "capture"),
        (_path_change("total", lambda t: t + 1), "capture"),
        (_path_change("leaf_hash", _flip), "capture"),
        (_path_change("aunts", lambda a: [_flip(a[0]), *a[1:]]), "capture"),
        (_path_change("aunts", lambda a: a[:-1]), "capture"),
        (_path_change("aunts", lambda a: [*a, a[0]]), "capture"),
        # the transaction and the blocks
        (lambda r: r["transaction"]["proof"]["aunts"].__setitem__(
            0, _flip(r["transaction"]["proof"]["aunts"][0]))
         if r["transaction"]["proof"]["aunts"] else r["transaction"].update(
            hash=_flip(r["transaction"]["hash"])), "inclusion"),
        (lambda r: r.update(chain_id="vn-other"), "chain"),
        (lambda r: r.update(genesis_hash=_flip(r["genesis_hash"])), "chain"),
    ],
)  # fmt: skip
def test_a_changed_event_receipt_is_refused_by_the_check_that_covers_it(
    shared: Shared, proven: tuple[StoredEvent, dict[str, Any]], change: Any, check: str
) -> None:
    changed = copy.deepcopy(proven[1])
    change(changed)
    with pytest.raises(ReceiptInvalid) as refused:
        verify_event_receipt(changed, shared.world.genesis)
    assert refused.value.check == check, refused.value


@pytest.fixture(scope="module")
def node_api(shared: Shared) -> Iterator[TestClient]:
    """The node's REST API, server errors answered as 500 (not raised)."""
    with TestClient(create_app(shared.world.node), raise_server_exceptions=False) as client:
        yield client


def test_the_node_reports_a_broken_path_as_a_failed_check_not_a_server_error(
    node_api: TestClient, proven: tuple[StoredEvent, dict[str, Any]]
) -> None:
    changed = copy.deepcopy(proven[1])
    changed["path"]["aunts"][0] = _flip(changed["path"]["aunts"][0])
    answer = node_api.post("/v1/receipts/verify", json={"receipt": changed})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["valid"], answer.json()["failed_check"]) == (False, "capture")


def _set(where: str, value: Any) -> Any:
    """A change to the receipt member at ``where`` (``leaf.capture``: a member of a member)."""

    def change(r: dict[str, Any]) -> None:
        *parents, name = where.split(".")
        target = r
        for parent in parents:
            target = target[parent]
        if value is KeyError:
            target.pop(name)
        else:
            target[name] = value

    return change


@pytest.mark.parametrize(
    "change",
    [
        _set("event", "[]"), _set("event", "1" * 5000), _set("event", "[" * 100000),
        _set("event", '{"a": NaN}'), _set("event", '{"type": "ObjectEvent", "@context": 5}'),
        _set("event", 5), _set("event", KeyError), _set("event_hash", 5),
        _set("event_hash", "ni:///sha-256;" + "A" * 64 + "?ver=CBV2.0"), _set("version", True),
        _set("version", "1"), _set("format", "sen-evidence-receipt"), _set("extra", 1),
        _set("leaf", []), _set("leaf.capture", "00"), _set("leaf.capture", 5),
        _set("leaf.record_time", True), _set("leaf.record_time", -1),
        _set("leaf.record_time", 2**70), _set("leaf.record_time", 1.5),
        _set("leaf.capturer", "did:web:x"), _set("leaf.extra", 1), _set("path", None),
        _set("path.total", 0), _set("path.total", 2**70), _set("path.index", -1),
        _set("path.index", 2**70), _set("path.aunts", "00"), _set("path.aunts", ["zz"]),
        _set("path.leaf_hash", ""), _set("transaction", {}), _set("transaction", KeyError),
        _set("validators", []), _set("block", 5), _set("next_block", KeyError),
    ],
)  # fmt: skip
def test_no_event_receipt_makes_the_node_fail(
    shared: Shared, node_api: TestClient, proven: tuple[StoredEvent, dict[str, Any]], change: Any
) -> None:
    changed = copy.deepcopy(proven[1])
    change(changed)
    answer = node_api.post("/v1/receipts/verify", json={"receipt": changed})
    assert answer.status_code in (200, 400, 422), answer.text[:300]
    if answer.status_code == 200:
        assert answer.json()["valid"] is False, answer.json()
    with pytest.raises(ReceiptInvalid):
        verify_event_receipt(changed, shared.world.genesis)


@pytest.fixture(scope="module")
def forged(shared: Shared, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A receipt from a forger's chain: the same chain id, DIDs and prefixes, its own
    validator and genesis."""
    with open_world(tmp_path_factory.mktemp("forger")) as other:
        answer = other.capture(document(harvest()))
        assert answer.status_code == 202, answer.text
        other.repository.anchor_running()
        (event,) = other.store.query(EventFilter(), 0, 1)
        job = other.store.job(event.capture)
        assert job is not None and job.height is not None
        other.wait_for_block_after(job.height)
        receipt = json.loads(json.dumps(other.repository.receipt(event)))
        assert verify_event_receipt(receipt, other.genesis).valid
        yield receipt


def test_a_receipt_of_another_chain_with_the_same_id_is_refused(
    shared: Shared, forged: dict[str, Any]
) -> None:
    with pytest.raises(ReceiptInvalid) as refused:
        verify_event_receipt(forged, shared.world.genesis)
    assert refused.value.check == "chain"
    # Naming this chain's genesis does not help: its validators did not sign.
    claimed = {**forged, "genesis_hash": shared.world.genesis.hash.hex()}
    with pytest.raises(ReceiptInvalid) as refused:
        verify_event_receipt(claimed, shared.world.genesis)
    assert refused.value.check == "validators", refused.value


# -- 2. capture jobs sent straight to the chain -----------------------------------------------


def _send(shared: Shared, who: str, args: dict[str, Any]) -> int:
    """The result code of ``trace.record_capture`` sent with ``who``'s key."""
    try:
        info = shared.world.sdk.send(shared.world.keys[who], "trace", "record_capture", args)
    except Rejected as exc:
        return exc.code
    assert info.result is not None
    return int(info.result.code)


def _direct_receipt(shared: Shared, event: dict[str, Any], prefixes: list[str]) -> dict[str, Any]:
    """The packer records a one-event capture job itself (no repository in between) and
    writes the receipt of that event as a repository would."""
    record_ms = int(time.time() * 1000)
    stored = {**event, "recordTime": epcis_time(record_ms)}
    stored.setdefault("@context", document()["@context"])
    hashed = event_hash(stored, stored["@context"])
    stored.setdefault("eventID", hashed)
    text = json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
    capture = os.urandom(16)
    digest = bytes.fromhex(hashed[len(HASH_PREFIX) : -len(HASH_SUFFIX)])
    leaf = capture_leaf(digest, hashlib.sha256(text.encode()).digest(), record_ms, capture, PACKER)
    root, path = proof_from_byte_slices([leaf], 0)
    args = {"capture": capture, "capturer": PACKER, "root": root, "count": 1,
            "prefixes": prefixes}  # fmt: skip
    assert _send(shared, "packer", args) == 0
    record = shared.world.sdk.get(f"/v1/trace/captures/{capture.hex()}")
    shared.world.wait_for_block_after(int(record["height"]))
    committed = shared.world.sdk.get(f"/v1/trace/captures/{capture.hex()}/proof")
    document_ = event_receipt_document(text, hashed, record_ms, capture, PACKER, path, committed)
    return json.loads(json.dumps(document_))


def test_the_chain_refuses_a_job_naming_a_prefix_its_capturer_does_not_hold(
    shared: Shared,
) -> None:
    base = {"capturer": PACKER, "root": os.urandom(32), "count": 1}
    assert _send(shared, "packer", {**base, "capture": os.urandom(16),
                                    "prefixes": ["8935678"]}) == 363  # fmt: skip
    assert _send(shared, "packer", {**base, "capture": os.urandom(16),
                                    "prefixes": ["8935678", PACKER_PREFIX]}) == 363  # fmt: skip
    # A longer or shorter spelling of the cooperative's prefix is not the packer's either.
    for prefix in ("89356780", "893567"):
        assert _send(shared, "packer", {**base, "capture": os.urandom(16),
                                        "prefixes": [prefix]}) == 363  # fmt: skip
    # Nor may the packer's key send a job in the cooperative's name.
    code = _send(shared, "packer", {**base, "capture": os.urandom(16), "capturer": COOPERATIVE,
                                    "prefixes": ["8935678"]})  # fmt: skip
    assert code not in (0, 363), code  # NOT_DID_CONTROLLER
    # A capture id is recorded once: a second job cannot take it over.
    capture = os.urandom(16)
    assert _send(shared, "packer", {**base, "capture": capture, "prefixes": []}) == 0
    assert _send(shared, "packer", {**base, "capture": capture, "prefixes": []}) == 364


def test_a_grant_overlapping_anothers_prefix_is_refused(shared: Shared) -> None:
    sdk, admin = shared.world.sdk, shared.world.keys["admin"]
    for prefix in ("89356", "893567812"):  # starts the cooperative's, or starts with it
        payload = {"prefix": prefix, "holder": PACKER}
        proposed = sdk.send(
            admin, "governance", "propose", {"kind": "grant_gs1_prefix", "payload": payload}
        )
        proposal = int(proposed.result.data, 16)
        try:
            sdk.send(admin, "governance", "vote", {"proposal": proposal, "choice": "yes"})
        except Rejected as exc:
            assert exc.code == 361, exc
        held = sdk.get("/v1/trace/keys/893567812345/holder")
        assert held["holder"] == COOPERATIVE and held["prefix"] == "8935678"
        assert shared.world.sdk.get_list(f"/v1/trace/holders/{PACKER}/prefixes")[0][
            "prefix"] == PACKER_PREFIX  # fmt: skip


@pytest.mark.parametrize(
    "epc",
    [
        "urn:epc:id:sgtin:8935678.101234.D1",  # the cooperative's serial, as an EPC URI
        f"https://id.gs1.org/01/{GTIN}/21/D2",  # as a Digital Link
        f"https://packer.example/any/path/01/{GTIN}/21/D3",  # on any host, under any path
        "https://id.gs1.org/01/8935678012341/21/D4",  # a GTIN-13 spelling
    ],
)
def test_a_receipt_of_an_event_creating_anothers_key_fails_entitlement(
    shared: Shared, epc: str
) -> None:
    """The chain cannot see events: the packer may record a root over an event that
    commissions the cooperative's serial, naming its own prefix. The receipt shows it."""
    made = event_at(action="ADD", bizStep="commissioning", epcList=[epc], readPoint={"id": SHOP})
    receipt = _direct_receipt(shared, made, [PACKER_PREFIX])
    with pytest.raises(ReceiptInvalid) as refused:
        verify_event_receipt(receipt, shared.world.genesis)
    assert refused.value.check == "entitlement", refused.value


# Spellings of the cooperative's serial 01/18935678012347/21/<serial> that the CBV 2.0 event
# hash (and GS1 Digital Link, and JSON-LD) read as that serial.
DISGUISED = [
    f"https://id.gs1.org/gtin/{GTIN}/ser/S1",  # Digital Link 1.1's short names
    f"https://packer.example/gtin/{GTIN}/ser/S2",
    f"dl:01/{GTIN}/21/S3",  # a compact IRI, "dl" declared in the @context
    f"HTTPS://id.gs1.org/01/{GTIN}/21/S4",  # a URI scheme is case-insensitive (RFC 3986)
    f"Http://ID.GS1.ORG/01/{GTIN}/21/S5",
    "URN:EPC:ID:SGTIN:8935678.101234.S6",  # so is a URN's "urn" and namespace (RFC 8141)
    "urn:epc:id:SGTIN:8935678.101234.S7",
]
CURIE_CONTEXT = [document()["@context"][0], {"dl": "https://id.gs1.org/"}]


@pytest.mark.parametrize("epc", DISGUISED)
def test_a_receipt_of_an_event_creating_a_disguised_key_fails_entitlement(
    shared: Shared, epc: str
) -> None:
    made = event_at(action="ADD", bizStep="commissioning", epcList=[epc], readPoint={"id": SHOP})
    made["@context"] = CURIE_CONTEXT
    receipt = _direct_receipt(shared, made, [PACKER_PREFIX])
    with pytest.raises(ReceiptInvalid) as refused:
        verify_event_receipt(receipt, shared.world.genesis)
    assert refused.value.check == "entitlement", refused.value


# -- 2. capture through the repository ----------------------------------------------------------


def _refused(
    shared: Shared, *events: dict[str, Any], context: Any = None, status: int = 403
) -> dict[str, Any]:
    """The packer's document is refused with ``status`` and nothing is kept."""
    before = (shared.store.count(), len(shared.store.jobs()))
    doc = document(*events)
    if context is not None:
        doc["@context"] = context
    answer = shared.capture(PACKER, doc)
    assert answer.status_code == status, answer.text
    assert (shared.store.count(), len(shared.store.jobs())) == before
    return dict(answer.json())


SERIALS = [
    "urn:epc:id:sgtin:8935678.101234.X1",
    f"https://id.gs1.org/01/{GTIN}/21/X2",
    f"http://packer.example/shop/01/{GTIN}/21/X3",  # another host, a path before the key
    "https://id.gs1.org/01/8935678012341/21/X4",  # GTIN-13: its indicator is 0
    f"https://id.gs1.org/%30%31/{GTIN}/21/X5",  # the AI percent-encoded
    f"https://id.gs1.org/01/%3{GTIN[0]}{GTIN[1:]}/21/X6",  # a digit percent-encoded
    f"https://id.gs1.org/01/{GTIN}/21/X7?linkType=all#top",
    *DISGUISED,
]
LOTS = [
    "urn:epc:class:lgtin:8935678.101234.L1",
    "urn:epc:idpat:sgtin:8935678.101234.*",
    f"https://id.gs1.org/01/{GTIN}/10/L2",
    f"https://packer.example/gtin/{GTIN}/lot/L3",
    f"https://id.gs1.org/01/{GTIN}",
]
PLACES = [
    "urn:epc:id:sgln:8935678.00001.0",
    "urn:epc:id:sgln:8935678.00001.7",  # a sub-location of the cooperative's farm
    "https://id.gs1.org/414/8935678000019",
    "https://id.gs1.org/414/8935678000019/254/7",
    "https://id.gs1.org/gln/8935678000019",
    "dl:414/8935678000019",
    "URN:EPC:ID:SGLN:8935678.00001.0",
]
CONTAINERS = [
    "urn:epc:id:sscc:8935678.1000000001",
    "https://id.gs1.org/00/189356780000000016",
    "https://id.gs1.org/sscc/189356780000000016",
]


@pytest.mark.parametrize("epc", SERIALS)
def test_the_repository_refuses_commissioning_anothers_serial_however_spelt(
    shared: Shared, epc: str
) -> None:
    made = event_at(action="ADD", bizStep="commissioning", epcList=[epc], readPoint={"id": SHOP})
    body = _refused(shared, made, context=CURIE_CONTEXT)
    assert body["field"] == f"{EVENTS}/0/epcList/0", body
    assert "granted to did:sen:htx-xoai-son-la" in body["got"]


@pytest.mark.parametrize("lot", LOTS)
def test_the_repository_refuses_making_anothers_lot_however_spelt(shared: Shared, lot: str) -> None:
    quantity = [{"epcClass": lot, "quantity": 1, "uom": "KGM"}]
    made = event_at(action="ADD", quantityList=quantity, readPoint={"id": SHOP})
    body = _refused(shared, made, context=CURIE_CONTEXT)
    assert body["field"] == f"{EVENTS}/0/quantityList/0/epcClass", body
    mine = [{"epcClass": "urn:epc:class:lgtin:893999.100077.P1", "quantity": 1}]
    output = event_at("TransformationEvent", inputQuantityList=mine, outputQuantityList=quantity,
                    readPoint={"id": SHOP})  # fmt: skip
    body = _refused(shared, output, context=CURIE_CONTEXT)
    assert body["field"] == f"{EVENTS}/0/outputQuantityList/0/epcClass", body


@pytest.mark.parametrize("place", PLACES)
def test_the_repository_refuses_an_event_at_anothers_place_however_spelt(
    shared: Shared, place: str
) -> None:
    seen = event_at(action="OBSERVE", epcList=["urn:epc:id:sgtin:893999.100077.1"])
    body = _refused(shared, {**seen, "readPoint": {"id": place}}, context=CURIE_CONTEXT)
    assert body["field"] == f"{EVENTS}/0/readPoint/id", body
    body = _refused(shared, {**seen, "bizLocation": {"id": place}}, context=CURIE_CONTEXT)
    assert body["field"] == f"{EVENTS}/0/bizLocation/id", body


@pytest.mark.parametrize("parent", CONTAINERS)
def test_the_repository_refuses_packing_into_anothers_container(
    shared: Shared, parent: str
) -> None:
    for kind in ("AggregationEvent", "AssociationEvent"):
        packed = event_at(kind, action="ADD", parentID=parent, readPoint={"id": SHOP},
                        childEPCs=["urn:epc:id:sgtin:893999.100077.2"])  # fmt: skip
        body = _refused(shared, packed)
        assert body["field"] == f"{EVENTS}/0/parentID", body


def test_one_refused_event_refuses_the_whole_document(shared: Shared) -> None:
    mine = [event_at(minute=m, action="ADD", epcList=[f"urn:epc:id:sgtin:893999.100077.{m}"],
                   readPoint={"id": SHOP}) for m in (3, 4)]  # fmt: skip
    theirs = event_at(action="ADD", epcList=[SERIALS[0]], readPoint={"id": SHOP})
    body = _refused(shared, *mine, theirs)
    assert [p["field"] for p in body["problems"]] == [f"{EVENTS}/2/epcList/0"]


@pytest.fixture(scope="module")
def cooperative_serial(shared: Shared) -> tuple[str, StoredEvent]:
    """A serial of the cooperative's, commissioned at its farm and recorded: (path, event)."""
    serial = f"urn:epc:id:sgtin:8935678.101234.C{unique()}"
    made = event_at(minute=30, action="ADD", bizStep="commissioning", epcList=[serial],
                  readPoint={"id": "urn:epc:id:sgln:8935678.00001.0"})  # fmt: skip
    (event,) = shared.recorded(COOPERATIVE, made)
    return "01/" + GTIN + "/21/" + serial.rsplit(".", 1)[1], event


def test_another_capturer_cannot_take_over_an_events_id(
    shared: Shared, cooperative_serial: tuple[str, StoredEvent]
) -> None:
    """The consumer page shows the events sharing an eventID as one event and its error
    declarations: the packer must not put its own event, or a declaration that the
    cooperative's event is wrong, under the cooperative's eventID."""
    path, theirs = cooperative_serial
    serial = "urn:epc:id:sgtin:8935678.101234." + path.rsplit("/", 1)[1]
    seen = event_at(minute=1, action="OBSERVE", bizStep="inspecting", epcList=[serial],
                  readPoint={"id": SHOP}, eventID=theirs.event_id)  # fmt: skip
    body = _refused(shared, seen)
    assert body["field"] == f"{EVENTS}/0/eventID", body
    declared = {**seen, "errorDeclaration": {"declarationTime": "2026-06-06T10:00:00.000+07:00",
                                             "reason": "incorrect_data"}}  # fmt: skip
    body = _refused(shared, declared)
    assert body["field"] == f"{EVENTS}/0/eventID", body
    assert [e.seq for e in shared.store.events_with_id(theirs.event_id)] == [theirs.seq]
    # Its own capturer still may declare it wrong.
    made = json.loads(theirs.body)
    own = {k: v for k, v in made.items() if k not in ("recordTime", "@context")}
    own["errorDeclaration"] = declared["errorDeclaration"]
    answer = shared.capture(COOPERATIVE, document(own))
    assert answer.status_code == 202, answer.text


def test_master_data_for_anothers_product_or_place_is_refused(
    shared: Shared, cooperative_serial: tuple[str, StoredEvent]
) -> None:
    """The page's title is the product's declared name: the packer must not rename the
    cooperative's product, nor its farm."""
    path, _ = cooperative_serial
    seen = event_at(minute=2, action="OBSERVE", epcList=["urn:epc:id:sgtin:893999.100077.9"],
                  readPoint={"id": SHOP})  # fmt: skip
    for vocabulary, element in (
        ("EPCClass", f"https://id.gs1.org/01/{GTIN}"),
        ("EPCClass", "urn:epc:idpat:sgtin:8935678.101234.*"),
        ("EPCClass", f"https://packer.example/gtin/{GTIN}"),
        ("BusinessLocation", "urn:epc:id:sgln:8935678.00001.0"),
        ("ReadPoint", "https://id.gs1.org/414/8935678000019"),
    ):
        doc = document(seen)
        doc["epcisHeader"] = {"epcisMasterData": {"vocabularyList": [
            {"type": f"urn:epcglobal:epcis:vtype:{vocabulary}", "vocabularyElementList": [
                {"id": element, "attributes": [
                    {"id": "urn:epcglobal:cbv:mda:descriptionShort", "attribute": "Hàng giả"},
                    {"id": "urn:epcglobal:cbv:mda:name", "attribute": "Hàng giả"},
                ]}]}]}}  # fmt: skip
        answer = shared.capture(PACKER, doc)
        assert answer.status_code == 403, (element, answer.text)
        pointer = "/epcisHeader/epcisMasterData/vocabularyList/0/vocabularyElementList/0/id"
        assert answer.json()["field"] == pointer
    view = shared.api.get(f"/trace/v1/view/{path}").json()
    names = [d["attributes"] for d in view["product"] + view["item"]]
    assert all("Hàng giả" not in json.dumps(n, ensure_ascii=False) for n in names), names
    assert shared.catalog.describe("https://id.gs1.org/414/8935678000019") == []


# -- 3. the repository's answers ---------------------------------------------------------------


def _token(after: int, query: dict[str, str]) -> str:
    """A page token as the repository makes them, for ``query``'s filter and any place."""
    from sen.services.traceability.query import next_page_token, parse_query

    return next_page_token(after, parse_query(list(query.items())).where)


@pytest.mark.parametrize(
    "params",
    [
        {"nextPageToken": "!!!"},
        {"nextPageToken": "e30"},  # {}
        {"nextPageToken": "W10"},  # []
        {"nextPageToken": _token(2**70, {})},  # past what the database's integers hold
        {"nextPageToken": _token(-1, {})},
        {"EQ_bizStep": "shipping", "nextPageToken": _token(0, {})},  # another query's token
        {"perPage": "0"}, {"perPage": "1001"}, {"perPage": "１０"}, {"perPage": "-1"},
        {"GE_eventTime": "yesterday"}, {"LT_recordTime": "2026-01-01T00:00:00"},
        {"GE_eventTime": "9999-12-31T23:59:59.999-23:59"},
        {"LT_eventTime": "0001-01-01T00:00:00+23:59"},
        {"eventType": "FooEvent"}, {"EQ_action": "add"}, {"EQ_colour": "red"},
        {"MATCH_epc": "urn:epc:idpat:sgtin:1.*.*"}, {"MATCH_epc": "urn:epc:idpat:sgtin:*.1.*"},
        {"MATCH_epc": "urn:epc:idpat:sgtin:8935678.x1.*"}, {"MATCH_epc": "urn:epc:idpat:foo:1.*"},
        {"MATCH_epc": "a||b"}, {"MATCH_anyEPC": "*"}, {"MATCH_epcClass": "%"},
        {"MATCH_epc": "\x00"}, {"EQ_readPoint": "https://id.gs1.org/414/" + "9" * 5000},
        {"MATCH_epc": "|".join(f"urn:epc:idpat:sgtin:{1000 + i}.*.*" for i in range(1500))},
        {"MATCH_anyEPC": "|".join(f"urn:epc:idpat:sgtin:{1000 + i}.*.*" for i in range(64))},
        {"MATCH_epc": "|".join("a" * 1001)}, {"EQ_eventID": "|".join(f"u{i}" for i in range(5000))},
    ],
)  # fmt: skip
def test_no_query_string_makes_a_server_error(shared: Shared, params: dict[str, str]) -> None:
    answer = shared.api.get("/epcis/events", params=params, headers=shared.auth(PACKER))
    assert answer.status_code in (200, 400), answer.text[:300]
    if answer.status_code == 400:
        assert answer.json()["field"].startswith("?"), answer.json()


@pytest.mark.parametrize(
    "path",
    [
        "/epcis/events/%00", "/epcis/events/" + "x" * 10000, "/epcis/events/ni%3A%2F%2F%2F",
        "/epcis/capture/zz", "/epcis/capture/" + "00" * 16, "/epcis/capture/" + "0 " * 16,
        "/epcis/receipts?eventID=nothing", "/epcis/receipts",
        f"/01/{GTIN}/21/" + "9" * 5000, f"/01/{GTIN}/21/%ED%A0%80", f"/01/{GTIN}/21/%FF",
        f"/01/{GTIN}/10/a/21/b", f"/01/{GTIN}/21/", f"/01/{GTIN[:-1]}0", "/01/", "/00/1",
        f"/01/{GTIN}?linkType=gs1:nothing", f"/01/{GTIN}?linkType=", f"/01/{GTIN}?linkType=all",
        f"/trace/v1/view/01/{GTIN}/21/" + "%25" * 3000, "/trace/v1/view/..%2F..%2Fetc",
        f"/trace/v1/qr/01/{GTIN}/21/" + "W" * 5000 + ".svg",
        f"/trace/v1/qr/01/{GTIN}/21/" + "W" * 5000 + ".png",
        f"/trace/v1/qr/01/{GTIN}.gif", "/trace/v1/qr/.svg", "/trace/v1/qr/svg",
        "/trace/v1/receipts?eventID=" + "%F0" * 10, "/trace/v1/receipts",
    ],
)  # fmt: skip
def test_no_path_makes_a_server_error(shared: Shared, path: str) -> None:
    for accept in ("application/json", "text/html", "application/linkset+json"):
        answer = shared.api.get(path, headers={**shared.auth(PACKER), "Accept": accept})
        assert answer.status_code < 500, (path[:80], accept, answer.text[:300])


def test_a_job_recorded_on_chain_by_another_capturer_does_not_complete_it(
    shared: Shared,
) -> None:
    """A job found already recorded (the process died between recording and completing) is
    completed only if the record is this job's: its root, count and capturer. A packer who
    learnt a cooperative job's id and root must not make it complete under its own record."""
    answer = shared.capture(COOPERATIVE, document(harvest(lot=f"{LOTS[0]}X{unique()}")))
    assert answer.status_code == 202, answer.text
    capture = bytes.fromhex(answer.json()["captureID"])
    job = shared.store.job(capture)
    assert job is not None
    args = {"capture": capture, "capturer": PACKER, "root": job.root, "count": job.count,
            "prefixes": []}  # fmt: skip
    assert _send(shared, "packer", args) == 0
    shared.repository.anchor_running()
    job = shared.store.job(capture)
    assert job is not None and job.status == "failure", job
    assert shared.store.leaves(capture) == []


def test_tenants_see_and_touch_only_their_own_jobs(shared: Shared) -> None:
    answer = shared.capture(COOPERATIVE, document(harvest(lot=f"{LOTS[0]}T{unique()}")))
    location = answer.headers["Location"]
    assert shared.api.get(location, headers=shared.auth(COOPERATIVE)).status_code == 200
    theirs = shared.api.get(location, headers=shared.auth(PACKER))
    assert theirs.status_code == 404 and theirs.json()["field"] == "captureID"
    listed = shared.api.get("/epcis/capture", headers=shared.auth(PACKER)).json()
    assert {j["sen"]["capturer"] for j in listed} <= {PACKER}
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        changed = shared.api.request(method, location, headers=shared.auth(PACKER))
        assert changed.status_code in (404, 405), (method, changed.text)
    token = shared.tokens[PACKER]
    unknown = {"Authorization": "Bearer " + token[:-1] + ("1" if token[-1] == "0" else "0")}
    assert shared.api.get(location, headers=unknown).status_code == 401
    assert shared.api.get("/epcis/events", headers=unknown).status_code == 401
    shared.repository.anchor_running()


def test_a_journey_never_holds_more_than_its_bound_of_events(
    shared: Shared, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lot made into many others, each with many events: the consumer's page (each event
    checked against the chain) stays within MAX_EVENTS, however wide the journey fans out."""
    from sen.services.traceability import journey

    tag = unique()
    lot = f"urn:epc:class:lgtin:8935678.101234.F{tag}"
    outputs = [f"urn:epc:class:lgtin:8935678.201234.F{tag}{i}" for i in range(3)]
    made = event_at("TransformationEvent", 1, readPoint={"id": "urn:epc:id:sgln:8935678.00001.0"},
                  inputQuantityList=[{"epcClass": lot, "quantity": 1}],
                  outputQuantityList=[{"epcClass": o, "quantity": 1} for o in outputs])  # fmt: skip
    seen = [
        event_at(minute=10 + 3 * i + n, action="OBSERVE", epcList=[], quantityList=[
            {"epcClass": o, "quantity": 1}], readPoint={"id": SHOP})
        for i, o in enumerate(outputs) for n in range(3)
    ]  # fmt: skip
    shared.recorded(COOPERATIVE, harvest(lot=lot), made)
    shared.recorded(PACKER, *seen)
    monkeypatch.setattr(journey, "MAX_EVENTS", 6)
    path = f"01/{GTIN}/10/F{tag}"
    view = shared.api.get(f"/{path}", headers={"Accept": "application/json"}).json()
    assert 2 < len(view["events"]) <= 6, len(view["events"])


def test_a_negative_quantity_does_not_hide_more_shipped_than_produced(shared: Shared) -> None:
    tag = unique()
    lot = f"urn:epc:class:lgtin:8935678.101234.N{tag}"
    shared.recorded(COOPERATIVE, harvest(lot=lot, kg=500))

    def shipped(kg: int, minute: int) -> dict[str, Any]:
        return event_at(minute=minute, action="OBSERVE", bizStep="shipping", epcList=[],
                      quantityList=[{"epcClass": lot, "quantity": kg, "uom": "KGM"}],
                      readPoint={"id": SHOP})  # fmt: skip

    shared.recorded(PACKER, shipped(900, 20))
    path = f"/trace/v1/view/01/{GTIN}/10/N{tag}"
    (signal,) = shared.api.get(path).json()["signals"]
    assert (signal["flow"], signal["amount"]) == ("shipped", 900)
    shared.recorded(PACKER, shipped(-900, 21))  # GS1's schema allows any number
    signals = shared.api.get(path).json()["signals"]
    assert [s["flow"] for s in signals] == ["shipped"], signals


def _deep(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def _doc_with(**changes: Any) -> bytes:
    doc = document(harvest(lot=f"urn:epc:class:lgtin:8935678.101234.Z{unique()}"))
    event = doc["epcisBody"]["eventList"][0]
    for path, value in changes.items():
        target: Any = doc if not path.startswith("event_") else event
        name = path.removeprefix("event_")
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return json.dumps(doc, ensure_ascii=False).encode()


MASTER_SHAPES: list[Any] = [
    5, [], {"epcisMasterData": 5}, {"epcisMasterData": {"vocabularyList": 5}},
    {"epcisMasterData": {"vocabularyList": [5]}},
    {"epcisMasterData": {"vocabularyList": [{"type": "urn:x", "vocabularyElementList": [5]}]}},
    {"epcisMasterData": {"vocabularyList": [{"type": "urn:x", "vocabularyElementList": [
        {"id": "urn:x:1", "attributes": [5, {"id": 5}, {"attribute": "no id"}]}]}]}},
    {"epcisMasterData": {"vocabularyList": [{"type": "urn:x", "vocabularyElementList": [
        {"id": "urn:x:2", "children": ["urn:x:3"],
         "attributes": [{"id": "urn:x:a", "attribute": {"deep": [1, {"b": None}]}}]}]}]}},
]  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        b"", b"null", b"[]", b"{}", b'"x"', b"\xff\xfe{}", b"\xef\xbb\xbf" + _doc_with(),
        _deep(70).encode(), _deep(5000).encode(), b'{"a": 1' + b"0" * 5000 + b"}",
        b'{"a": 1e400}', b'{"a": NaN}', b'{"a": "\\ud800"}', b'{"a": 1, "a": 2}',
        _doc_with(epcisBody={"eventList": 5}), _doc_with(epcisBody={"eventList": [5]}),
        _doc_with(**{"@context": 5}), _doc_with(**{"@context": [document()["@context"][0], 5]}),
        _doc_with(event_eventTime="2026-13-45T25:61:61Z"),
        _doc_with(event_eventTime="9999-12-31T23:59:59.999-14:00"),
        _doc_with(event_eventTime="0001-01-01T00:00:00.000+14:00"),
        _doc_with(event_eventTime=None), _doc_with(event_type=None),
        _doc_with(event_quantityList=[{"epcClass": LOTS[0], "quantity": 1e308},
                                      {"epcClass": LOTS[0], "quantity": 1e308}]),
        _doc_with(event_quantityList=[{"epcClass": LOTS[0], "quantity": "5"}]),
        _doc_with(event_quantityList=[{"epcClass": LOTS[0], "quantity": 10**400}]),
        _doc_with(event_eventID=5), _doc_with(event_eventID={"a": 1}), _doc_with(event_eventID=""),
        _doc_with(event_readPoint={"id": 5}), _doc_with(event_readPoint={}),
        _doc_with(event_readPoint={"id": "urn:epc:id:sgln:8935678.00001.0", "ex:x": 1}),
        _doc_with(**{"event_@context": 5}), _doc_with(**{"event_@context": {"ex": 5}}),
        _doc_with(**{"event_ex:thing": {"ex:deep": [[1]]}}),
        _doc_with(event_ilmd={"ex:a": 1}), _doc_with(event_ilmd=5),
        _doc_with(event_sensorElementList=[{"sensorReport": [{"type": "Temperature",
                                                              "value": "hot"}]}]),
        _doc_with(event_errorDeclaration={"declarationTime": "yesterday"}),
        _doc_with(event_errorDeclaration={"declarationTime": "2026-06-06T00:00:00Z",
                                          "correctiveEventIDs": [5]}),
        _doc_with(event_persistentDisposition={"set": [5]}),
        _doc_with(event_bizTransactionList=[{"bizTransaction": 5}]),
        _doc_with(event_sourceList=[{"type": "owning_party", "source": "x", "extra": 1}]),
        *(_doc_with(epcisHeader=shape) for shape in MASTER_SHAPES),
    ],
)  # fmt: skip
def test_no_capture_body_makes_a_server_error(shared: Shared, body: bytes) -> None:
    before = (shared.store.count(), len(shared.store.jobs()))
    answer = shared.api.post(
        "/epcis/capture", content=body,
        headers={**shared.auth(COOPERATIVE), "Content-Type": "application/ld+json"},
    )  # fmt: skip
    assert answer.status_code in (202, 400, 403, 413), answer.text[:300]
    if answer.status_code != 202:
        assert answer.headers["content-type"] == "application/problem+json"
        assert (shared.store.count(), len(shared.store.jobs())) == before
    shared.repository.anchor_running()


@pytest.fixture(scope="module")
def certified(shared: Shared, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The repository's service with its certificate book, whose verifier says what the
    credential asks for: ``"verdict": "down"`` (the node cannot be asked), ``"revoked"``."""
    from sen.services.traceability.certificates import CertificateBook, add_certificates
    from sen.services.traceability.errors import ChainUnavailable

    def verify(credential: Any) -> dict[str, Any]:
        verdict = credential.get("verdict")
        if verdict == "down":
            raise ChainUnavailable("the node is down")
        if verdict == "revoked":
            found = {"code": "STATUS_REVOKED", "message": "revoked", "path": "$.credentialStatus"}
            return {"verified": False, "errors": [found]}
        return {"verified": True, "errors": []}

    book = CertificateBook(tmp_path_factory.mktemp("book") / "catalog.db", verify)
    app = create_epcis_app(shared.repository, tokens={t: d for d, t in shared.tokens.items()})
    add_certificates(app, book, tokens={t: d for d, t in shared.tokens.items()})
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    book.close()


def _credential(subject: Any = f"https://id.gs1.org/01/{GTIN}", **more: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OCOPCertificate"], "issuer": "did:sen:so-nn-son-la",
        "credentialSubject": {"id": subject, "ocopRating": 4}, **more,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400), (b"[]", 400), (b"null", 400), (b"5", 400), (b"{}", 400),
        (b"{" + b'"a":"' + b"x" * 70000 + b'"}', 400), (_deep(5000).encode(), 400),
        (b'{"a": 1, "a": 2}', 400),
        (json.dumps({**_credential(), "type": 5}).encode(), 400),
        (json.dumps({**_credential(), "type": [5, None]}).encode(), 400),
        (json.dumps({**_credential(), "credentialSubject": []}).encode(), 400),
        (json.dumps({**_credential(), "credentialSubject": "x"}).encode(), 400),
        *((json.dumps(_credential(subject)).encode(), 400) for subject in (
            5, None, "", "did:sen:", "did:web:example.com", "did:sen:" + "a" * 5000,
            f"https://id.gs1.org/01/{GTIN}?linkType=all", f"https://id.gs1.org/01/{GTIN}#x",
            f"https://id.gs1.org/01/{GTIN[:-1]}0", f"https://id.gs1.org/01/{GTIN}/21/1",
            "https://id.gs1.org/00/189356780000000016", "urn:epc:id:sgtin:8935678.101234.1",
            "http://[::1", "https://id.gs1.org/414/8935678000019/254/7", "ftp://x/01/" + GTIN,
            f"https://id.gs1.org/gtin/{GTIN}", f"javascript://x/01/{GTIN}",
        )),
        (json.dumps(_credential(verdict="revoked")).encode(), 403),
        (json.dumps(_credential(verdict="down")).encode(), 503),
        (json.dumps(_credential(issuer=5, name=["<script>"], validFrom=5)).encode(), 201),
        (json.dumps(_credential(f"https://x.example/a/b/01/{GTIN}/10/L%2F1")).encode(), 400),
        (json.dumps(_credential(f"https://x.example/a/b/01/{GTIN}/10/L%31")).encode(), 201),
    ],
)  # fmt: skip
def test_no_certificate_upload_makes_a_server_error(
    shared: Shared, certified: TestClient, body: bytes, status: int
) -> None:
    headers = {**shared.auth(COOPERATIVE), "Content-Type": "application/json"}
    answer = certified.post("/trace/v1/certificates", content=body, headers=headers)
    assert answer.status_code in (status, 200), answer.text[:300]


def test_only_a_members_token_attaches_certificates(shared: Shared, certified: TestClient) -> None:
    """What is trusted is the credential (verified against the chain), not who brings it:
    any member's token attaches one; no token, or another, attaches nothing."""
    body = json.dumps(_credential(f"https://id.gs1.org/01/{GTIN}/10/T{unique()}"))
    token = shared.tokens[PACKER]
    other = "Bearer " + token[:-1] + ("1" if token[-1] == "0" else "0")
    for headers in ({"Authorization": other}, {"Authorization": "Bearer"}, {}):
        answer = certified.post("/trace/v1/certificates", content=body, headers=headers)
        assert answer.status_code == 401, answer.text
    assert certified.post("/trace/v1/certificates", content=body,
                          headers=shared.auth(PACKER)).status_code == 201  # fmt: skip
    assert certified.post("/trace/v1/certificates", content=body,
                          headers=shared.auth(COOPERATIVE)).status_code == 200  # fmt: skip


def test_only_the_member_who_attached_a_certificate_removes_it(
    shared: Shared, certified: TestClient
) -> None:
    key = f"01/{GTIN}/10/R{unique()}"
    body = json.dumps(_credential(f"https://id.gs1.org/{key}"))
    attached = certified.post("/trace/v1/certificates", content=body,
                              headers=shared.auth(PACKER))  # fmt: skip
    assert attached.status_code == 201, attached.text
    at = f"/trace/v1/certificates/{attached.json()['id']}"
    assert certified.delete(at).status_code == 401
    theirs = certified.delete(at, headers=shared.auth(COOPERATIVE))
    assert theirs.status_code == 403, theirs.text
    assert theirs.json()["field"] == "id" and PACKER in theirs.json()["got"]
    assert len(certified.get("/trace/v1/certificates", params={"key": key}).json()) == 1
    assert certified.delete(at, headers=shared.auth(PACKER)).status_code == 204
    assert certified.get("/trace/v1/certificates", params={"key": key}).json() == []
    gone = certified.delete(at, headers=shared.auth(PACKER))
    assert gone.status_code == 404 and gone.json()["field"] == "id", gone.text
    for odd in ("x" * 5000, "%00", "..%2F..%2Fetc"):
        answer = certified.delete(f"/trace/v1/certificates/{odd}", headers=shared.auth(PACKER))
        assert answer.status_code == 404, answer.text[:200]


@pytest.mark.parametrize(
    "key",
    ["", "x", "01/", f"01/{GTIN}/21/1", "did:web:x", "http://[::1", "%", "did:sen:" + "a" * 9000,
     f"https://id.gs1.org/01/{GTIN}", f"01/{GTIN}", "did:sen:htx-xoai-son-la"],
)  # fmt: skip
def test_no_certificate_query_makes_a_server_error(certified: TestClient, key: str) -> None:
    answer = certified.get("/trace/v1/certificates", params={"key": key})
    assert answer.status_code in (200, 400), answer.text[:300]


def test_a_cycle_of_containers_and_transformations_ends(shared: Shared) -> None:
    tag = str(int(unique(), 16) % 10**8).rjust(8, "0")
    one, two = (f"urn:epc:id:sscc:8935678.{digit}0{tag}" for digit in "12")
    lot = f"urn:epc:class:lgtin:8935678.101234.Y{tag}"
    other = f"urn:epc:class:lgtin:8935678.201234.Y{tag}"
    farm = {"id": "urn:epc:id:sgln:8935678.00001.0"}
    shared.recorded(
        COOPERATIVE,
        event_at("AggregationEvent", 1, action="ADD", parentID=one, childEPCs=[two],
                 readPoint=farm),
        event_at("AggregationEvent", 2, action="ADD", parentID=two, childEPCs=[one],
                 readPoint=farm),
        event_at("AggregationEvent", 3, action="ADD", parentID=one, readPoint=farm,
               childQuantityList=[{"epcClass": lot, "quantity": 1}]),
        event_at("TransformationEvent", 4, readPoint=farm,
               inputQuantityList=[{"epcClass": lot, "quantity": 1}],
               outputQuantityList=[{"epcClass": other, "quantity": 1}]),
        event_at("TransformationEvent", 5, readPoint=farm,
               inputQuantityList=[{"epcClass": other, "quantity": 1}],
               outputQuantityList=[{"epcClass": lot, "quantity": 1}]),
    )  # fmt: skip
    view = shared.api.get(f"/trace/v1/view/01/{GTIN}/10/Y{tag}").json()
    assert len(view["events"]) == 5 and len(view["related"]) == 4, view["related"]


def test_an_event_with_its_own_context_is_proven_as_captured(shared: Shared) -> None:
    """An event's own @context adds to its document's: its receipt, read with the event
    alone, must hash it as the repository did (else an honest event shows 'failed')."""
    made = {**harvest(lot=f"urn:epc:class:lgtin:8935678.101234.K{unique()}"), "ex:lot": "A",
            "@context": [{"foo": "https://foo.example/"}]}  # fmt: skip
    doc = document(made)
    doc["@context"] = [*doc["@context"], {"ex": "https://ns.example/"}]
    answer = shared.capture(COOPERATIVE, doc)
    assert answer.status_code == 202, answer.text
    shared.repository.anchor_running()
    (event,) = shared.store.leaves(bytes.fromhex(answer.json()["captureID"]))
    assert json.loads(event.body)["ex:lot"] == "A"
    assert verify_event_receipt(shared.receipt(event), shared.world.genesis).valid


ALIAS_CONTEXT = [document()["@context"][0], {"e": "https://ref.gs1.org/epcis/"}]
ALIASED = [
    {"action": "ADD", "e:epcList": [SERIALS[0]]},  # JSON-LD reads e:epcList as epcList
    {"action": "OBSERVE", "e:action": "ADD", "e:epcList": [SERIALS[0]]},
    {"action": "ADD", "https://ref.gs1.org/epcis/quantityList": [{"epcClass": LOTS[0]}]},
    {"action": "OBSERVE", "e:bizLocation": {"id": PLACES[0]}},
]


@pytest.mark.parametrize("fields", ALIASED)
def test_a_field_written_as_its_epcis_iri_is_claimed(
    shared: Shared, fields: dict[str, Any]
) -> None:
    """An extension whose name expands to an EPCIS field's IRI is that field to a JSON-LD
    reader, though the event hash reads it as an extension: it claims as the field does."""
    made = event_at(epcList=[], readPoint={"id": SHOP}, **fields)
    body = _refused(shared, made, context=ALIAS_CONTEXT)
    assert body["field"].startswith(f"{EVENTS}/0/"), body
    assert "granted to did:sen:htx-xoai-son-la" in body["got"]
    receipt = _direct_receipt(shared, {**made, "@context": ALIAS_CONTEXT}, [PACKER_PREFIX])
    with pytest.raises(ReceiptInvalid) as refused:
        verify_event_receipt(receipt, shared.world.genesis)
    assert refused.value.check == "entitlement", refused.value


# -- 4. the consumer page ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def consumer(shared: Shared) -> Iterator[TestClient]:
    """The repository's service with the console's consumer page, as sen trace serve has it."""
    from sen.console import install_consumer

    app = create_epcis_app(shared.repository, tokens={t: d for d, t in shared.tokens.items()})
    add_resolver(app, shared.repository, shared.catalog, public_url=PUBLIC,
                 page=install_consumer(app), genesis=shared.world.genesis)  # fmt: skip
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_declared_text_and_a_scanned_path_never_become_markup(
    shared: Shared, consumer: TestClient
) -> None:
    """Master data and keys reach the page as JSON, which the page writes as text; the page
    itself is a file with no inline script allowed, whatever the address scanned."""
    script = "<script>alert(1)</script><img src=x onerror=alert(1)>"
    tag = unique()
    lot = f"urn:epc:class:lgtin:8935678.101234.H{tag}"
    doc = document(harvest(lot=lot))
    doc["epcisHeader"] = {"epcisMasterData": {"vocabularyList": [
        {"type": "urn:epcglobal:epcis:vtype:EPCClass", "vocabularyElementList": [
            {"id": f"https://id.gs1.org/01/{GTIN}/10/H{tag}", "attributes": [
                {"id": "urn:epcglobal:cbv:mda:descriptionShort", "attribute": script},
            ]}]}]}}  # fmt: skip
    answer = shared.capture(COOPERATIVE, doc)
    assert answer.status_code == 202, answer.text
    shared.repository.anchor_running()
    page = consumer.get(f"/01/{GTIN}/10/H{tag}", headers={"Accept": "text/html"})
    assert (
        page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    )
    assert "alert" not in page.text
    for serial in ("%3Cscript%3Ealert(1)", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"):
        scanned = consumer.get(f"/01/{GTIN}/21/{serial}", headers={"Accept": "text/html"})
        if scanned.status_code == 200:  # the page, the same file whatever the serial
            assert "alert" not in scanned.text
        else:  # not a key: a problem document, never HTML
            assert scanned.headers["content-type"] == "application/problem+json", scanned.text
    view = consumer.get(f"/trace/v1/view/01/{GTIN}/10/H{tag}")
    assert view.headers["content-type"] == "application/json"
    assert view.json()["item"][0]["attributes"]["cbvmda:descriptionShort"] == script


def test_a_redirect_never_carries_a_header_from_the_scanned_path(consumer: TestClient) -> None:
    path = f"/01/{GTIN}/21/a%0D%0ASet-Cookie:%20x=1%0D%0A"
    moved = consumer.get(path, params={"linkType": "gs1:pip"}, follow_redirects=False)
    assert moved.status_code in (307, 404), moved.text
    assert "set-cookie" not in moved.headers
    assert "\n" not in moved.headers.get("location", "")


def test_an_event_changed_in_the_store_is_never_shown_verified(shared: Shared) -> None:
    """Someone with the database changes a recorded event (500 kg become 5000): its receipt
    is not handed out, and the page does not show it verified, even if it was before."""
    tag = unique()
    (event,) = shared.recorded(
        COOPERATIVE, harvest(lot=f"urn:epc:class:lgtin:8935678.101234.V{tag}")
    )
    shared.receipt(event)  # the next block is signed: the event can be proven
    path = f"/trace/v1/view/01/{GTIN}/10/V{tag}"
    (shown,) = shared.api.get(path).json()["events"]
    assert shown["proof"]["status"] == "verified", shown["proof"]
    changed = event.body.replace(b'"quantity":500', b'"quantity":5000')
    db = sqlite3.connect(shared.store.path)
    with db:
        db.execute("UPDATE events SET body=? WHERE seq=?", (changed, event.seq))
    db.close()
    (shown,) = shared.api.get(path).json()["events"]
    assert shown["event"]["quantityList"][0]["quantity"] == 5000
    assert (shown["proof"]["status"], shown["proof"]["check"]) == ("failed", "capture")
    answer = shared.api.get("/trace/v1/receipts", params={"eventID": event.event_id})
    assert answer.status_code == 409, answer.text
    assert answer.json()["type"].endswith("/not-recorded"), answer.text


@pytest.mark.parametrize("where", ["in its job, past its leaves", "in no job"])
def test_an_event_added_to_the_store_is_never_shown_verified(shared: Shared, where: str) -> None:
    """Someone with the database adds an event no recorded root covers."""
    tag = unique()
    (event,) = shared.recorded(
        COOPERATIVE, harvest(lot=f"urn:epc:class:lgtin:8935678.101234.W{tag}")
    )
    shared.receipt(event)
    path = f"/trace/v1/view/01/{GTIN}/10/W{tag}"
    assert shared.api.get(path).json()["events"][0]["proof"]["status"] == "verified"
    added = event.body.replace(b'"quantity":500', b'"quantity":5000')
    capture = event.capture if where == "in its job, past its leaves" else os.urandom(16)
    db = sqlite3.connect(shared.store.path)
    with db:
        seq = db.execute(
            "INSERT INTO events (event_id, hash, type, action, event_time_ms, record_time_ms, "
            "biz_step, disposition, read_point, biz_location, capture, leaf, body) SELECT "
            "event_id || 'x', hash, type, action, event_time_ms + 1, record_time_ms, biz_step, "
            "disposition, read_point, biz_location, ?, leaf + 1, ? FROM events WHERE seq=?",
            (capture, added, event.seq),
        ).lastrowid
        db.execute("INSERT INTO identifiers SELECT value, role, ? FROM identifiers WHERE seq=?",
                   (seq, event.seq))  # fmt: skip
    db.close()
    answer = shared.api.get(path)
    assert answer.status_code == 200, answer.text[:300]
    shown = {e["event"]["quantityList"][0]["quantity"]: e["proof"] for e in answer.json()["events"]}
    assert shown[500]["status"] == "verified", shown
    assert (shown[5000]["status"], shown[5000]["check"]) == ("failed", "capture"), shown
    receipts = shared.api.get("/trace/v1/receipts", params={"eventID": event.event_id + "x"})
    assert receipts.status_code in (404, 409), receipts.text[:300]
