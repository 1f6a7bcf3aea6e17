"""Capture an EPCIS document, record its job on chain, query it back, prove an event offline."""

from __future__ import annotations

import copy
import json
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from conftest import FARM, LOT, PACKER_PREFIX, World, document, harvest
from sen.cli.main import main
from sen.light.errors import ReceiptInvalid
from sen.light.event_receipt import verify_event_receipt


def _captured(world: World, doc: dict[str, Any]) -> dict[str, Any]:
    answer = world.capture(doc)
    assert answer.status_code == 202, answer.text
    assert answer.headers["GS1-EPCIS-Version"] == "2.0.0"
    assert answer.headers["Location"] == f"/epcis/capture/{answer.json()['captureID']}"
    assert world.repository.anchor_running() == 1
    job = world.api.get(answer.headers["Location"], headers=world.auth).json()
    assert (job["running"], job["success"]) == (False, True), job
    return dict(job)


def _receipts(world: World, event_id: str) -> list[dict[str, Any]]:
    """The receipts once the block after the job's is committed (409 until then)."""
    deadline = time.monotonic() + 20
    while True:
        answer = world.api.get("/epcis/receipts", params={"eventID": event_id}, headers=world.auth)
        if answer.status_code != 409:
            assert answer.status_code == 200, answer.text
            return list(answer.json())
        assert time.monotonic() < deadline, answer.text
        world.wait_for_block_after(world.node.app.height)


def test_an_event_is_captured_recorded_queried_and_proven_offline(world: World) -> None:
    job = _captured(world, document(harvest()))
    assert job["sen"]["prefixes"] == ["8935678"] and job["sen"]["events"] == 1
    found = world.api.get("/epcis/events", params={"MATCH_epcClass": LOT}, headers=world.auth)
    assert found.status_code == 200, found.text
    (event,) = found.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    sent = harvest()
    assert {k: event[k] for k in sent} == sent  # as captured, plus eventID and recordTime
    assert event["eventID"].startswith("ni:///sha-256;") and event["recordTime"].endswith("Z")
    (receipt,) = _receipts(world, event["eventID"])
    report = verify_event_receipt(json.loads(json.dumps(receipt)), world.genesis)
    assert report.valid and report.capturer == "did:sen:htx-xoai-son-la"
    assert [c.name for c in report.checks] == [
        "format", "chain", "validators", "commit", "inclusion", "result", "transaction",
        "event", "capture", "entitlement",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "check"),
    [
        (lambda r: r.update(event=r["event"].replace('"quantity":500', '"quantity":50')),
         "event"),
        (lambda r: r["leaf"].update(record_time=r["leaf"]["record_time"] + 1), "event"),
        (lambda r: r["leaf"].update(capturer="did:sen:dong-goi-moc-chau"), "transaction"),
        (lambda r: r["path"].update(total=r["path"]["total"] + 1), "capture"),
        (lambda r: r.update(chain_id="vn-other"), "chain"),
    ],
)  # fmt: skip
def test_a_changed_receipt_fails_the_check_that_covers_it(
    world: World, change: Any, check: str
) -> None:
    _captured(world, document(harvest()))
    event_id = world.store.query(world_filter(), 0, 1)[0].event_id
    (receipt,) = _receipts(world, event_id)
    changed = copy.deepcopy(receipt)
    change(changed)
    with pytest.raises(ReceiptInvalid) as refused:
        verify_event_receipt(changed, world.genesis)
    assert refused.value.check == check, refused.value


def world_filter() -> Any:
    from sen.services.traceability.store import EventFilter

    return EventFilter()


def test_events_for_another_holders_prefix_are_refused_and_nothing_is_kept(world: World) -> None:
    theirs = harvest(lot=f"urn:epc:class:lgtin:{PACKER_PREFIX}.100077.X")
    answer = world.capture(document(harvest(), theirs))
    assert answer.status_code == 403, answer.text
    body = answer.json()
    assert body["field"] == "/epcisBody/eventList/1/quantityList/0/epcClass"
    assert "granted to did:sen:dong-goi-moc-chau" in body["got"]
    assert world.store.jobs() == [] and world.store.count() == 0


def test_a_job_the_chain_refuses_keeps_no_event(world: World) -> None:
    answer = world.capture(document(harvest()))
    assert answer.status_code == 202
    world.revoke("8935678")  # between the capture and its recording
    assert world.repository.anchor_running() == 1
    job = world.api.get(answer.headers["Location"], headers=world.auth).json()
    assert (job["running"], job["success"]) == (False, False)
    assert "PREFIX_NOT_HELD" in job["errors"][0]["title"]
    assert world.store.count() == 0


def test_pages_follow_next_page_tokens_in_capture_order(world: World) -> None:
    _captured(world, document(*(harvest(minute=m) for m in range(5))))
    seen: list[str] = []
    url, params = "/epcis/events", {"perPage": "2", "EQ_bizStep": "commissioning"}
    while True:
        answer = world.api.get(url, params=params, headers=world.auth)
        assert answer.status_code == 200, answer.text
        page = answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        seen += [e["eventTime"] for e in page]
        link = answer.headers.get("Link")
        if link is None:
            break
        url, params = link[1 : link.index(">")], None
    assert seen == [f"2026-06-05T07:{m:02d}:00.000+07:00" for m in range(5)]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, ""),
        (json.dumps(document({**harvest(), "type": "FooEvent"})).encode(), 400,
         "/epcisBody/eventList/0/type"),
        (json.dumps({**document(harvest()), "@context": ["https://example.com/x"]}).encode(),
         400, "/@context"),
    ],
)  # fmt: skip
def test_bad_documents_are_named_problems_and_nothing_is_kept(
    world: World, body: bytes, status: int, field: str
) -> None:
    answer = world.api.post(
        "/epcis/capture", content=body,
        headers={**world.auth, "Content-Type": "application/ld+json"},
    )  # fmt: skip
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["field"] == field, answer.json()
    assert world.store.jobs() == []


def test_queries_and_captures_need_the_token(world: World) -> None:
    assert world.api.post("/epcis/capture", json=document(harvest())).status_code == 401
    assert world.api.get("/epcis/events").status_code == 401
    bad = world.api.get("/epcis/events", params={"EQ_colour": "red"}, headers=world.auth)
    assert bad.status_code == 400 and bad.json()["field"] == "?EQ_colour"
    assert bad.json()["title"].startswith("not a valid EPCIS query: ?EQ_colour")


def test_an_error_declaration_shares_the_eventid_and_overwrites_nothing(world: World) -> None:
    _captured(world, document(harvest(kg=500)))
    (original,) = world.store.query(world_filter(), 0, 10)
    declared = {
        **harvest(kg=500), "eventID": original.event_id,
        "errorDeclaration": {"declarationTime": "2026-06-05T09:00:00.000+07:00",
                             "reason": "incorrect_data"},
    }  # fmt: skip
    _captured(world, document(declared))
    path = "/epcis/events/" + quote(original.event_id, safe="")
    answer = world.api.get(path, headers=world.auth)
    listed = answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [("errorDeclaration" in e) for e in listed] == [False, True]
    assert json.loads(original.body) == listed[0]
    assert {e["readPoint"]["id"] for e in listed} == {FARM}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_sen_verify_checks_an_event_receipt_with_the_genesis_alone(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], lang: str,
) -> None:  # fmt: skip
    _captured(world, document(harvest()))
    (event,) = world.store.query(world_filter(), 0, 1)
    (receipt,) = _receipts(world, event.event_id)
    saved, genesis = tmp_path / "event.receipt.json", tmp_path / "genesis.json"
    saved.write_text(json.dumps(receipt))
    genesis.write_bytes(world.node.config.genesis_path.read_bytes())
    monkeypatch.setenv("SEN_HOME", str(tmp_path / "no-home"))
    monkeypatch.setenv("SEN_LANG", lang)
    monkeypatch.setenv("COLUMNS", "300")
    with pytest.raises(SystemExit) as exited:
        main(["verify", str(saved), "--genesis", str(genesis)])
    out = capsys.readouterr().out
    assert exited.value.code == 0, out
    assert ("VALID" if lang == "en" else "HỢP LỆ") in out and event.event_id in out
    saved.write_text(json.dumps({**receipt, "event": receipt["event"].replace("500", "5000")}))
    with pytest.raises(SystemExit) as exited:
        main(["verify", str(saved), "--genesis", str(genesis)])
    assert exited.value.code == 1


def test_one_query_finds_a_key_whichever_way_events_spell_it(world: World) -> None:
    """An EPC URI, a Digital Link on id.gs1.org and one on the brand's own host are one lot;
    an EPC pattern finds every lot and serial of the GTIN."""
    urn = harvest(lot="urn:epc:class:lgtin:8935678.101234.L7", minute=1)
    link = harvest(lot="https://id.gs1.org/01/18935678012347/10/L7", minute=2)
    brand = harvest(lot="https://xoai.example.vn/01/18935678012347/10/L7", minute=3)
    other = harvest(lot="urn:epc:class:lgtin:8935678.101234.L8", minute=4)
    _captured(world, document(urn, link, brand, other))

    def times(**params: str) -> list[str]:
        answer = world.api.get("/epcis/events", params=params, headers=world.auth)
        assert answer.status_code == 200, answer.text
        found = answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        return [e["eventTime"][14:16] for e in found]

    assert times(MATCH_epcClass="https://id.gs1.org/01/18935678012347/10/L7") == ["01", "02", "03"]
    assert times(MATCH_anyEPCClass="urn:epc:class:lgtin:8935678.101234.L7") == ["01", "02", "03"]
    assert times(MATCH_epcClass="urn:epc:idpat:sgtin:8935678.101234.*") == ["01", "02", "03", "04"]
    assert times(EQ_readPoint="https://id.gs1.org/414/8935678000019") == ["01", "02", "03", "04"]


def test_the_node_verifies_an_event_receipt_for_the_console(world: World) -> None:
    """POST /v1/receipts/verify (the console's verification page) runs the event checks."""
    _captured(world, document(harvest()))
    (event,) = world.store.query(world_filter(), 0, 1)
    (receipt,) = _receipts(world, event.event_id)
    answer = world.sdk.post("/v1/receipts/verify", {"receipt": receipt})
    assert answer["valid"] is True, answer
    assert [c["name"] for c in answer["checks"]][-3:] == ["event", "capture", "entitlement"]
    assert (answer["algorithm"], answer["reference"]) == ("cbv2.0", event.event_id)
    assert answer["checks"][-1]["label"]["vi"] == "mã doanh nghiệp GS1 của bên ghi nhận"
    forged = {**receipt, "event": receipt["event"].replace("500", "5000")}
    refused = world.sdk.post("/v1/receipts/verify", {"receipt": forged})
    assert (refused["valid"], refused["failed_check"]) == (False, "event")
    assert refused["not_run"] == ["capture", "entitlement"]


def test_capturing_the_same_event_again_is_refused_not_stored_twice(world: World) -> None:
    """A retried upload must not double a lot's journey; an error declaration may reuse the
    eventID of the event it corrects (that is a new event)."""
    _captured(world, document(harvest()))
    again = world.capture(document(harvest()))
    assert again.status_code == 409, again.text
    assert again.json()["type"].endswith("/already-captured")
    assert again.json()["field"] == "/epcisBody/eventList/0/eventID"
    assert "captured in job" in again.json()["got"]
    twice = world.capture(document(harvest(minute=5), harvest(minute=5)))
    assert twice.status_code == 409 and twice.json()["field"] == "/epcisBody/eventList/1/eventID"
    assert world.store.count() == 1


def test_a_document_without_events_is_refused_naming_its_event_list(world: World) -> None:
    answer = world.capture(document())
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert (body["field"], body["expected"]) == ("/epcisBody/eventList", "at least one event")
    assert world.store.jobs() == []


def test_a_document_sent_again_while_its_job_runs_is_not_captured_twice(world: World) -> None:
    """The retry comes before the first job is recorded: its events are pending, not yet
    visible, and still count."""
    first = world.capture(document(harvest()))
    assert first.status_code == 202, first.text
    again = world.capture(document(harvest()))
    assert again.status_code == 409, again.text
    assert first.json()["captureID"] in again.json()["got"]
    assert world.repository.anchor_running() == 1
    assert world.store.count() == 1


def test_captures_sent_together_never_both_pass_the_checks(world: World) -> None:
    """Two threads send one document at once: one job, and one 409."""
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def send() -> None:
        barrier.wait()
        answers.append(world.capture(document(harvest(minute=7))).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [202, 409]
    assert len(world.store.jobs()) == 1


def test_sen_verify_takes_the_repositorys_list_of_one_receipt(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _captured(world, document(harvest()))
    (event,) = world.store.query(world_filter(), 0, 1)
    receipts = _receipts(world, event.event_id)
    saved, genesis = tmp_path / "answer.json", tmp_path / "genesis.json"
    saved.write_text(json.dumps(receipts))  # the answer of GET /trace/v1/receipts, as is
    genesis.write_bytes(world.node.config.genesis_path.read_bytes())
    monkeypatch.setenv("SEN_HOME", str(tmp_path / "no-home"))
    with pytest.raises(SystemExit) as exited:
        main(["verify", str(saved), "--genesis", str(genesis)])
    assert exited.value.code == 0, capsys.readouterr().out
