"""A value chain's shared repository: each organisation captures as its own DID with its own
token and key; its jobs are its own; its events' receipts name it; master data is kept as
each declared it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import COOPERATIVE, FARM, LOT, PACKER, World, document, harvest
from sen.api.inprocess import in_process_client
from sen.light.event_receipt import verify_event_receipt
from sen.services.traceability.catalog import Catalog
from sen.services.traceability.chain import RemoteChain
from sen.services.traceability.repository import Repository
from sen.services.traceability.service import create_epcis_app
from sen.services.traceability.store import EventFilter

PALLET = "urn:epc:id:sscc:893999.3000000017"
PACKHOUSE = "urn:epc:id:sgln:893999.00001.0"


class Shared:
    def __init__(self, world: World, tmp: Path) -> None:
        keys = {COOPERATIVE: world.keys["cooperative"], PACKER: world.keys["packer"]}
        chain = RemoteChain(lambda: in_process_client(world.node), keys)
        self.catalog = Catalog(tmp / "catalog.db")
        self.repository = Repository(
            world.store, chain, [COOPERATIVE, PACKER], catalog=self.catalog
        )
        self.tokens = {COOPERATIVE: secrets.token_hex(24), PACKER: secrets.token_hex(24)}
        app = create_epcis_app(self.repository, tokens={t: d for d, t in self.tokens.items()})
        self.api = TestClient(app)

    def auth(self, did: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[did]}"}

    def capture(self, did: str, doc: dict[str, Any]) -> Any:
        return self.api.post("/epcis/capture", json=doc, headers=self.auth(did))


@pytest.fixture
def shared(world: World, tmp_path: Path) -> Iterator[Shared]:
    made = Shared(world, tmp_path)
    yield made
    made.api.close()
    made.catalog.close()


def _packed() -> dict[str, Any]:
    return {
        "type": "AggregationEvent", "eventTime": "2026-06-05T09:00:00.000+07:00",
        "eventTimeZoneOffset": "+07:00", "action": "ADD", "bizStep": "packing",
        "parentID": PALLET, "childQuantityList": [{"epcClass": LOT, "quantity": 500,
                                                   "uom": "KGM"}],
        "readPoint": {"id": PACKHOUSE},
    }  # fmt: skip


def test_each_organisation_captures_as_itself_and_its_receipts_name_it(
    world: World, shared: Shared
) -> None:
    assert shared.capture(COOPERATIVE, document(harvest())).status_code == 202
    packed = shared.capture(PACKER, document(_packed()))
    assert packed.status_code == 202, packed.text
    assert shared.repository.anchor_running() == 2
    jobs = {did: shared.api.get("/epcis/capture", headers=shared.auth(did)).json()
            for did in (COOPERATIVE, PACKER)}  # fmt: skip
    assert [j["sen"]["capturer"] for j in jobs[PACKER]] == [PACKER]
    assert [j["sen"]["capturer"] for j in jobs[COOPERATIVE]] == [COOPERATIVE]
    theirs = shared.api.get(packed.headers["Location"], headers=shared.auth(COOPERATIVE))
    assert theirs.status_code == 404 and theirs.json()["field"] == "captureID"
    # Both organisations' events are one shared record, each proven as its own.
    events = world.store.query(EventFilter(), 0, 10)
    world.wait_for_block_after(world.node.app.height)
    for event in events:
        (receipt,) = [shared.repository.receipt(event)]
        report = verify_event_receipt(receipt, world.genesis)
        job = world.store.job(event.capture)
        assert job is not None and report.capturer == job.capturer
    assert {world.store.job(e.capture).capturer for e in events} == {COOPERATIVE, PACKER}  # type: ignore[union-attr]


def test_an_organisation_cannot_speak_for_anothers_prefix(shared: Shared) -> None:
    answer = shared.capture(PACKER, document(harvest()))
    assert answer.status_code == 403
    assert answer.json()["field"] == "/epcisBody/eventList/0/readPoint/id"
    assert "granted to did:sen:htx-xoai-son-la" in answer.json()["got"]


def test_an_unknown_token_captures_nothing(shared: Shared) -> None:
    answer = shared.api.post(
        "/epcis/capture", json=document(harvest()),
        headers={"Authorization": "Bearer " + "0" * 48},
    )  # fmt: skip
    assert answer.status_code == 401


def test_master_data_is_kept_as_each_capturer_declared_it(shared: Shared) -> None:
    declared = document(harvest())
    declared["epcisHeader"] = {"epcisMasterData": {"vocabularyList": [
        {"type": "urn:epcglobal:epcis:vtype:BusinessLocation", "vocabularyElementList": [
            {"id": FARM, "attributes": [
                {"id": "urn:epcglobal:cbv:mda:name", "attribute": "Vùng trồng Chiềng Hặc"}]}]},
    ]}}  # fmt: skip
    assert shared.capture(COOPERATIVE, declared).status_code == 202
    assert shared.repository.anchor_running() == 1
    (found,) = shared.catalog.describe(FARM)
    assert found["declared_by"] == COOPERATIVE
    assert found["attributes"] == {"cbvmda:name": "Vùng trồng Chiềng Hặc"}
