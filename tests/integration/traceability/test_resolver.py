"""The GS1 Digital Link resolver: a lot's journey through cartons and a transformation,
linksets and redirects, QR codes, master data, and the signals that name their evidence."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import HTMLResponse

from conftest import FARM, LOT, World, document, harvest
from sen.light.event_receipt import verify_event_receipt
from sen.light.gs1_keys import canonical_key
from sen.services.traceability import catalog as catalog_module
from sen.services.traceability.catalog import MAX_SCANS_PER_KEY, SCAN_WINDOW_MS, Catalog
from sen.services.traceability.resolver import add_resolver

PUBLIC = "https://xoai.example.vn"
LOT_PATH = "01/18935678012347/10/L2026-06"
CARTON = "urn:epc:id:sscc:8935678.1000000001"
DRIED = "urn:epc:class:lgtin:8935678.201234.D1"
SHOP_1 = "urn:epc:id:sgln:8935678.00002.0"
SHOP_2 = "urn:epc:id:sgln:8935678.00003.0"
SERIAL = "urn:epc:id:sgtin:8935678.101234.7001"


@pytest.fixture
def resolver(world: World, tmp_path: Path) -> Iterator[Catalog]:
    catalog = Catalog(tmp_path / "catalog.db")

    def page(request: Request, key: str) -> HTMLResponse:
        return HTMLResponse(f"<html><body>trang của {key}</body></html>")

    add_resolver(
        world.api.app, world.repository, catalog, public_url=PUBLIC, page=page,
        genesis=world.genesis,
    )  # fmt: skip
    yield catalog
    catalog.close()


def _capture(world: World, *events: dict[str, Any]) -> None:
    answer = world.capture(document(*events))
    assert answer.status_code == 202, answer.text
    assert world.repository.anchor_running() == 1


def _event(kind: str, minute: int, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind, "eventTime": f"2026-06-05T08:{minute:02d}:00.000+07:00",
        "eventTimeZoneOffset": "+07:00", **fields,
    }  # fmt: skip


def _packed(kg: int = 500) -> dict[str, Any]:
    return _event(
        "AggregationEvent", 10, action="ADD", bizStep="packing", parentID=CARTON,
        childQuantityList=[{"epcClass": LOT, "quantity": kg, "uom": "KGM"}],
        readPoint={"id": FARM},
    )  # fmt: skip


def _shipped() -> dict[str, Any]:
    return _event("ObjectEvent", 20, action="OBSERVE", bizStep="shipping",
                  disposition="in_transit", epcList=[CARTON], readPoint={"id": FARM})  # fmt: skip


def _dried() -> dict[str, Any]:
    return _event(
        "TransformationEvent", 30, bizStep="commissioning",
        inputQuantityList=[{"epcClass": LOT, "quantity": 100, "uom": "KGM"}],
        outputQuantityList=[{"epcClass": DRIED, "quantity": 12, "uom": "KGM"}],
        readPoint={"id": FARM},
    )  # fmt: skip


def test_a_lot_shows_its_journey_through_its_carton_and_what_was_made_of_it(
    world: World, resolver: Catalog
) -> None:
    _capture(world, harvest(), _packed(), _shipped(), _dried())
    answer = world.api.get(f"/{LOT_PATH}", headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert [(e["bizStep"], e["relation"]) for e in view["events"]] == [
        ("commissioning", "self"), ("packing", "self"), ("shipping", "container"),
        ("commissioning", "self"),
    ]  # fmt: skip
    assert [e["origin"] for e in view["events"]] == [True, False, False, False]
    assert view["related"][canonical_key(CARTON)] == "container"
    assert view["related"][canonical_key(DRIED)] == "made-into"
    assert all(e["recorded"]["height"] > 0 for e in view["events"])
    assert all(e["capturer"] == "did:sen:htx-xoai-son-la" for e in view["events"])
    assert view["signals"] == []
    # Each event's receipt is checked as sen verify checks it, once the next block signs it.
    world.wait_for_block_after(view["events"][0]["recorded"]["height"])
    view = world.api.get(f"/trace/v1/view/{LOT_PATH}").json()
    assert {e["proof"]["status"] for e in view["events"]} == {"verified"}, view["events"][0]
    event_id = view["events"][0]["eventID"]
    (receipt,) = world.api.get("/trace/v1/receipts", params={"eventID": event_id}).json()
    assert verify_event_receipt(receipt, world.genesis).valid
    # The dried mango's own page goes back to the fresh lot's harvest.
    dried = world.api.get("/trace/v1/view/" + canonical_key(DRIED)).json()
    assert [e["relation"] for e in dried["events"]][:2] == ["made-from", "made-from"]


def test_an_ingredients_containers_are_the_ingredients_and_its_siblings_are_not_shown(
    world: World, resolver: Catalog
) -> None:
    """The dried mango was made from the lot, the lot's carton never held the dried mango,
    and juice made from the same lot is not made from the dried mango."""
    juice = "urn:epc:class:lgtin:8935678.301234.J1"
    pressed = _event(
        "TransformationEvent", 40, bizStep="commissioning",
        inputQuantityList=[{"epcClass": LOT, "quantity": 50, "uom": "KGM"}],
        outputQuantityList=[{"epcClass": juice, "quantity": 30, "uom": "LTR"}],
        readPoint={"id": FARM},
    )  # fmt: skip
    _capture(world, harvest(), _packed(), _shipped(), _dried(), pressed)
    dried = world.api.get("/trace/v1/view/" + canonical_key(DRIED)).json()
    assert dried["related"] == {
        canonical_key(DRIED): "self", LOT_PATH: "made-from", canonical_key(CARTON): "made-from",
    }  # fmt: skip
    assert [(e["bizStep"], e["relation"]) for e in dried["events"]] == [
        ("commissioning", "made-from"), ("packing", "made-from"), ("shipping", "made-from"),
        ("commissioning", "self"), ("commissioning", "made-from"),  # the lot used for juice
    ]  # fmt: skip


def test_a_head_request_answers_as_a_get_and_a_missing_parameter_is_a_problem(
    world: World, resolver: Catalog
) -> None:
    _capture(world, harvest())
    assert world.api.head(f"/{LOT_PATH}").status_code == 200
    assert world.api.head(f"/{LOT_PATH}", headers={"Accept": "text/html"}).status_code == 200
    missing = world.api.get("/trace/v1/receipts")
    assert missing.status_code == 400, missing.text
    assert missing.headers["content-type"] == "application/problem+json"
    assert (missing.json()["field"], missing.json()["got"]) == ("?eventID", "nothing")


def test_a_linkset_for_machines_and_a_redirect_per_link_type(
    world: World, resolver: Catalog
) -> None:
    answer = world.api.get(f"/{LOT_PATH}", headers={"Accept": "application/linkset+json"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/linkset+json")
    assert answer.headers["vary"] == "Accept"
    (links,) = answer.json()["linkset"]
    assert links["anchor"] == f"{PUBLIC}/{LOT_PATH}"
    assert links["https://gs1.org/voc/pip"][0]["type"] == "text/html"
    moved = world.api.get(f"/{LOT_PATH}?linkType=gs1:traceability", follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == f"{PUBLIC}/trace/v1/view/{LOT_PATH}"
    missing = world.api.get(f"/{LOT_PATH}?linkType=gs1:recipeInfo")
    assert missing.status_code == 404 and missing.json()["field"] == "linkType"
    page = world.api.get(f"/{LOT_PATH}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "trang của 01/18935678012347/10/L2026-06" in page.text


@pytest.mark.parametrize(
    "path",
    ["01/18935678012344/10/L1", "01/1893567801234/10/L1", "01/18935678012347/22/x",
     "01/18935678012347/10/", "414/8935678000019", "00/389399900000000170"],
)  # fmt: skip
def test_a_link_that_is_not_a_product_key_is_a_named_404(
    world: World, resolver: Catalog, path: str
) -> None:
    answer = world.api.get(f"/{path}", headers={"Accept": "application/json"})
    assert answer.status_code == 404, answer.text
    assert answer.json()["field"] == "path" and answer.json()["expected"]


def test_a_mistyped_gtin_says_which_check_digit_it_should_have(
    world: World, resolver: Catalog
) -> None:
    answer = world.api.get("/01/18935678012344/21/7001", headers={"Accept": "application/json"})
    assert answer.status_code == 404
    body = answer.json()
    assert (body["expected"], body["got"]) == ("18935678012347", "18935678012344")
    assert "check digit" in body["title"]


def test_print_ready_qr_codes_hold_the_products_link(world: World, resolver: Catalog) -> None:
    svg = world.api.get(f"/trace/v1/qr/{LOT_PATH}.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert f"{PUBLIC}/{LOT_PATH}" in svg.text
    png = world.api.get(f"/trace/v1/qr/{LOT_PATH}.png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert world.api.get(f"/trace/v1/qr/{LOT_PATH}.gif").status_code == 404


def _declared() -> dict[str, Any]:
    """A harvest with its master data: the product class's name and the farm's place."""
    declared = document(harvest())
    declared["epcisHeader"] = {"epcisMasterData": {"vocabularyList": [
        {"type": "urn:epcglobal:epcis:vtype:EPCClass", "vocabularyElementList": [
            {"id": "urn:epc:idpat:sgtin:8935678.101234.*", "attributes": [
                {"id": "urn:epcglobal:cbv:mda:descriptionShort", "attribute": "Xoài tròn Yên Châu"},
            ]}]},
        {"type": "urn:epcglobal:epcis:vtype:BusinessLocation", "vocabularyElementList": [
            {"id": FARM, "attributes": [
                {"id": "urn:epcglobal:cbv:mda:name", "attribute": "Vùng trồng Chiềng Hặc"},
                {"id": "urn:epcglobal:cbv:mda:latitude", "attribute": "21.0453"},
                {"id": "urn:epcglobal:cbv:mda:longitude", "attribute": "104.3102"},
            ]}]},
    ]}}  # fmt: skip
    return declared


def test_master_data_describes_the_product_as_its_capturer_declared_it(
    world: World, resolver: Catalog
) -> None:
    world.repository.catalog = resolver
    assert world.capture(_declared()).status_code == 202
    assert resolver.describe(FARM) == []  # held until its job is recorded
    assert world.repository.anchor_running() == 1
    view = world.api.get(f"/trace/v1/view/{LOT_PATH}").json()
    (product,) = view["product"]
    assert product["attributes"]["cbvmda:descriptionShort"] == "Xoài tròn Yên Châu"
    assert product["declared_by"] == "did:sen:htx-xoai-son-la"
    place = view["events"][0]["places"]["readPoint"][0]["attributes"]
    assert (place["cbvmda:latitude"], place["cbvmda:longitude"]) == ("21.0453", "104.3102")
    assert resolver.waiting() == []


def test_master_data_of_a_job_the_chain_refuses_is_not_kept(
    world: World, resolver: Catalog
) -> None:
    world.repository.catalog = resolver
    assert world.capture(_declared()).status_code == 202
    assert resolver.waiting() != []
    world.revoke("8935678")  # between the capture and its recording
    assert world.repository.anchor_running() == 1
    assert resolver.describe(FARM) == [] and resolver.waiting() == []


def test_master_data_left_waiting_by_a_process_that_died_is_settled_by_its_job(
    world: World, resolver: Catalog
) -> None:
    """The job finished, but the process died before its master data was moved."""
    kept, refused = _declared(), _declared()
    refused["epcisBody"]["eventList"] = [harvest(minute=5)]
    assert world.capture(kept).status_code == 202
    assert world.repository.anchor_running() == 1
    assert world.capture(refused).status_code == 202
    world.revoke("8935678")
    assert world.repository.anchor_running() == 1
    (first, second) = reversed(world.repository.store.jobs())
    for job in (first, second):  # as a capture held them before the process died
        resolver.absorb(_declared(), job.capturer, job.created_ms, job.capture)
    world.repository.catalog = resolver
    world.repository.anchor_running()
    assert resolver.waiting() == []
    assert [d["declared_by"] for d in resolver.describe(FARM)] == ["did:sen:htx-xoai-son-la"]
    assert resolver.describe(FARM)[0]["updated_ms"] == first.created_ms


def test_more_packed_than_harvested_is_flagged_with_its_evidence(
    world: World, resolver: Catalog
) -> None:
    _capture(world, harvest(kg=500), _packed(kg=600))
    view = world.api.get(f"/trace/v1/view/{LOT_PATH}").json()
    (signal,) = view["signals"]
    assert signal["kind"] == "quantities-do-not-add-up"
    assert "600 KGM" in signal["detail"] and "500 KGM produced" in signal["detail"]
    assert (signal["flow"], signal["amount"], signal["produced"], signal["unit"]) == (
        "packed",
        600,
        500,
        "KGM",
    )
    assert set(signal["evidence"]) == {e["eventID"] for e in view["events"]}


def test_a_serial_sold_in_two_shops_and_scanned_again_is_flagged(
    world: World, resolver: Catalog
) -> None:
    made = _event("ObjectEvent", 1, action="ADD", bizStep="commissioning", epcList=[SERIAL],
                  readPoint={"id": FARM})  # fmt: skip
    sold = [
        _event("ObjectEvent", 40 + i, action="OBSERVE", bizStep="retail_selling",
               disposition="retail_sold", epcList=[SERIAL], bizLocation={"id": shop})
        for i, shop in enumerate((SHOP_1, SHOP_2))
    ]  # fmt: skip
    _capture(world, made, *sold)
    path = canonical_key(SERIAL)
    for _ in range(3):  # one person opens the page three times: one scan
        assert world.api.get(f"/{path}", headers={"Accept": "text/html"}).status_code == 200
    view = world.api.get(f"/trace/v1/view/{path}").json()
    assert {s["kind"] for s in view["signals"]} == {"sold-twice"}
    first = resolver.scans_since(path, 0)
    assert first == 1
    now = int(time.time() * 1000)
    for hour in range(1, 6):  # and five more people, an hour apart each
        assert resolver.scanned(path, now + hour * 3_600_000)
    view = world.api.get(f"/trace/v1/view/{path}").json()
    kinds = {s["kind"]: s for s in view["signals"]}
    assert set(kinds) == {"sold-twice", "scanned-after-sale"}
    assert kinds["sold-twice"]["evidence"] == [e["eventID"] for e in view["events"][1:]]
    assert kinds["sold-twice"]["places"] == sorted(canonical_key(s) for s in (SHOP_1, SHOP_2))
    assert "6 scans" in kinds["scanned-after-sale"]["evidence"]
    assert kinds["scanned-after-sale"]["scans"] == 6


def test_master_data_held_by_a_capture_is_not_taken_for_an_orphans(
    world: World, resolver: Catalog
) -> None:
    """The anchoring loop settles orphaned master data under the capture lock, so a capture
    that holds its master data, then writes its job, is never cut in between."""
    world.repository.catalog = resolver
    capture = b"\x07" * 16
    with world.repository._capture_lock:  # a capture, between holding and writing
        resolver.absorb(_declared(), "did:sen:htx-xoai-son-la", 1, capture)
        settling = threading.Thread(target=world.repository.anchor_running)
        settling.start()
        settling.join(timeout=0.5)
        assert settling.is_alive()  # it waits for the capture
        assert resolver.waiting() == [capture]
    settling.join(timeout=30)
    assert resolver.waiting() == []  # no job was written: an orphan's, dropped once free


def test_the_scan_log_counts_periods_and_stays_bounded(tmp_path: Path) -> None:
    """Anyone can open a page: a burst is one scan, a key and the log keep only the newest."""
    catalog = Catalog(tmp_path / "scans.db")
    try:
        assert catalog.scanned("01/x/21/1", 0) and not catalog.scanned("01/x/21/1", 1_000)
        assert catalog.scanned("01/x/21/1", SCAN_WINDOW_MS)
        for i in range(2, MAX_SCANS_PER_KEY + 20):
            assert catalog.scanned("01/x/21/1", i * SCAN_WINDOW_MS)
        assert catalog.scans_since("01/x/21/1", 0) == MAX_SCANS_PER_KEY
        newest = (MAX_SCANS_PER_KEY + 19) * SCAN_WINDOW_MS
        assert catalog.scans_since("01/x/21/1", newest) == 1
    finally:
        catalog.close()


def test_the_scan_log_drops_its_oldest_past_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_module, "MAX_SCANS", 10)
    catalog = Catalog(tmp_path / "scans.db")
    try:
        for serial in range(25):  # one scan each of 25 serials
            assert catalog.scanned(f"01/x/21/{serial}", serial)
        kept = [s for s in range(25) if catalog.scans_since(f"01/x/21/{s}", 0)]
        assert kept == list(range(15, 25))
    finally:
        catalog.close()


def test_the_origin_is_the_event_that_made_the_key_not_one_called_commissioning(
    world: World, resolver: Catalog
) -> None:
    """An earlier OBSERVE whose business step says "commissioning" made nothing: the page's
    producer and origin stay the harvest (an ObjectEvent ADD naming the lot)."""
    posing = _event("ObjectEvent", 0, action="OBSERVE", bizStep="commissioning",
                    quantityList=[{"epcClass": LOT, "quantity": 1, "uom": "KGM"}],
                    readPoint={"id": FARM})  # fmt: skip
    posing["eventTime"] = "2026-06-01T08:00:00.000+07:00"
    _capture(world, posing, harvest())
    view = world.api.get(f"/trace/v1/view/{LOT_PATH}").json()
    made = [e for e in view["events"] if e["origin"]]
    assert [(e["action"], e["eventTime"][:10]) for e in made] == [("ADD", "2026-06-05")]
