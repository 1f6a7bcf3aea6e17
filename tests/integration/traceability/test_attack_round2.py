"""Attacks on traceability, round 2 (an outside review of 2026-12-03): each test is an
attack that worked when it was written, its docstring says how, and it asserts the
behaviour that now refuses it.

One chain for the module (the cooperative and the packer hold their prefixes), a value
chain's shared repository over it (each organisation its own token), and the resolver.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest
from attack_support import PUBLIC, Shared, event_at, page, shared_repository, unique
from fastapi.testclient import TestClient

from conftest import COOPERATIVE, PACKER, document, harvest
from sen.api.inprocess import in_process_client
from sen.services.traceability import catalog as catalog_module
from sen.services.traceability.catalog import SCAN_WINDOW_MS, Catalog
from sen.services.traceability.chain import RemoteChain
from sen.services.traceability.repository import Repository
from sen.services.traceability.resolver import add_resolver
from sen.services.traceability.service import create_epcis_app

SHOP = "urn:epc:id:sgln:893999.000002.0"  # the packer's own place
FARM = "urn:epc:id:sgln:8935678.00001.0"  # the cooperative's farm
GTIN = "18935678012347"  # the cooperative's GTIN (prefix 8935678)
EVENTS = "/epcisBody/eventList"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    with shared_repository(tmp_path_factory.mktemp("attacks2")) as made:
        yield made


def _made_and_sold(shared: Shared, letter: str) -> tuple[str, str]:
    """A serial of the cooperative's, commissioned at its farm and sold there: (its EPC
    URI, the tag that makes it unique)."""
    tag = unique()
    serial = f"urn:epc:id:sgtin:8935678.101234.{letter}{tag}"
    made = event_at(action="ADD", bizStep="commissioning", epcList=[serial],
                    readPoint={"id": FARM})  # fmt: skip
    sold = event_at(minute=9, action="OBSERVE", bizStep="retail_selling",
                    disposition="retail_sold", epcList=[serial],
                    readPoint={"id": FARM})  # fmt: skip
    shared.recorded(COOPERATIVE, made, sold)
    return serial, tag


# -- (a) a capturer against the others: checks that look only at recorded events ------------


def test_a_document_sent_again_while_its_job_runs_is_not_captured_twice(shared: Shared) -> None:
    """Attack: the "captured before" check (Repository._captured_before) reads only visible
    events (store.events_with_id: recorded jobs), not the pending events of running jobs. A
    client that retries a POST whose 202 was lost (the guide's "flaky network" case) while
    the first job waits for its block gets a second job: both are recorded and the lot's
    journey shows the harvest twice (so 1000 kg produced instead of 500)."""
    tag = unique()
    doc = document(harvest(lot=f"urn:epc:class:lgtin:8935678.101234.D{tag}"))
    first = shared.capture(COOPERATIVE, doc)
    assert first.status_code == 202, first.text
    again = shared.capture(COOPERATIVE, doc)  # the retry, before the anchoring loop ran
    shared.repository.anchor_running()
    view = shared.api.get(f"/trace/v1/view/01/{GTIN}/10/D{tag}").json()
    assert len(view["events"]) == 1, [e["recorded"] for e in view["events"]]
    assert again.status_code in (400, 409), again.text


def test_a_custom_eventid_in_a_running_job_is_not_taken_by_another_capturer(
    shared: Shared,
) -> None:
    """Attack: "an eventID ... is first come, first served: the first capturer to use it
    keeps it, and another's event or error declaration under it is refused (403)" (ADR 0015)
    holds only once the first capturer's job is recorded (Repository._event_id_of_another
    reads visible events only). While the cooperative's job waits for its block, the packer
    captures an error declaration under the same eventID: both jobs are recorded, and the
    consumer page (which groups events by eventID) shows the cooperative's event as
    corrected by the packer."""
    tag = unique()
    serial = f"urn:epc:id:sgtin:8935678.101234.E{tag}"
    event_id = f"urn:uuid:{secrets.token_hex(4)}-0000-4000-8000-{secrets.token_hex(6)}"
    made = event_at(action="ADD", bizStep="commissioning", epcList=[serial],
                  readPoint={"id": FARM}, eventID=event_id)  # fmt: skip
    first = shared.capture(COOPERATIVE, document(made))
    assert first.status_code == 202, first.text
    declared = event_at(minute=1, action="OBSERVE", epcList=[serial], readPoint={"id": SHOP},
                      eventID=event_id, errorDeclaration={
                          "declarationTime": "2026-06-06T10:00:00.000+07:00",
                          "reason": "incorrect_data"})  # fmt: skip
    taken = shared.capture(PACKER, document(declared))
    shared.repository.anchor_running()
    owners = {shared.store.job(e.capture).capturer for e in shared.store.events_with_id(event_id)}  # type: ignore[union-attr]
    assert owners == {COOPERATIVE}, owners
    assert taken.status_code == 403, taken.text


def test_an_error_declaration_without_an_eventid_cannot_correct_anothers_event(
    shared: Shared,
) -> None:
    """Attack: the eventID rule is checked only when the eventID is written
    (Repository._event_id_of_another returns None when the event has none), but a capture
    without one gets the event's CBV 2.0 hash as its eventID, and that hash leaves out the
    errorDeclaration. So the packer copies a cooperative event from its public journey,
    drops eventID and recordTime, adds an errorDeclaration, and captures it: it is stored
    under the cooperative's eventID, and the consumer page shows the cooperative's event
    as "corrected". Works for any event that claims none of the victim's keys (an OBSERVE
    without a place, or at a private place: a truck, a geo URI)."""
    tag = unique()
    serial = f"urn:epc:id:sgtin:8935678.101234.G{tag}"
    shared.recorded(COOPERATIVE, event_at(action="ADD", bizStep="commissioning",
                                        epcList=[serial], readPoint={"id": FARM}))  # fmt: skip
    (inspected,) = shared.recorded(
        COOPERATIVE, event_at(minute=5, action="OBSERVE", bizStep="inspecting", epcList=[serial])
    )
    # what anyone reads on the public journey
    view = shared.api.get(f"/trace/v1/view/01/{GTIN}/21/G{tag}").json()
    (shown,) = [e["event"] for e in view["events"] if e["eventID"] == inspected.event_id]
    copied = {k: v for k, v in shown.items() if k not in ("eventID", "recordTime", "@context")}
    copied["errorDeclaration"] = {"declarationTime": "2026-06-06T10:00:00.000+07:00",
                                  "reason": "incorrect_data"}  # fmt: skip
    answer = shared.capture(PACKER, document(copied))
    shared.repository.anchor_running()
    by = [shared.store.job(e.capture).capturer  # type: ignore[union-attr]
          for e in shared.store.events_with_id(inspected.event_id)]  # fmt: skip
    assert by == [COOPERATIVE], by
    assert answer.status_code == 403, answer.text


def test_a_sale_at_no_place_does_not_make_a_genuine_serial_sold_twice(shared: Shared) -> None:
    """Attack: "a capturer may record that it saw, shipped or received anyone's
    goods, but only at its own places" (spec §3) is enforced only for places that are GS1
    keys: an event with no readPoint/bizLocation (or a private URI as its place) claims
    nothing. The "sold-twice" signal (journey.signals) counts such an event's place ("")
    as one more place, so any capturer of the shared repository (here the packer, who
    never handled this box) turns a genuine serial's page into a danger alert "the one in
    your hands may be a fake" with one placeless sale."""
    serial, tag = _made_and_sold(shared, "P")
    path = f"/trace/v1/view/01/{GTIN}/21/P{tag}"
    assert shared.api.get(path).json()["signals"] == []
    placeless = event_at(minute=20, action="OBSERVE", bizStep="retail_selling",
                         disposition="retail_sold", epcList=[serial])  # fmt: skip
    answer = shared.capture(PACKER, document(placeless))
    shared.repository.anchor_running()
    kinds = [s["kind"] for s in shared.api.get(path).json()["signals"]]
    assert "sold-twice" not in kinds, (answer.status_code, kinds)


# -- (b) anonymous users of the public endpoints ---------------------------------------------


def test_the_public_receipts_call_shows_no_event_outside_a_keys_journey(shared: Shared) -> None:
    """Attack: ADR 0015 says a key's journey and its events' receipts are public, the EPCIS
    query API is not, and "both show only events that name the scanned key, its containers
    and its inputs ... never the repository's whole history". GET /trace/v1/receipts hands
    out ANY stored event (the event's full text is in the receipt) to anyone who names its
    eventID, whether or not it is on any GS1 key's journey: here an internal event naming
    only private identifiers and a purchase order, which GET /epcis/events/{id} refuses
    (401) to the same anonymous caller. Custom eventIDs (the guide's "event-0042") can be
    enumerated."""
    tag = unique()
    internal = event_at(action="OBSERVE", bizStep="inspecting", readPoint={"id": FARM},
                      epcList=[f"urn:x:htx:vat:{tag}"], eventID=f"urn:x:htx:su-kien-{tag}",
                      bizTransactionList=[
                          {"type": "po", "bizTransaction": f"urn:x:htx:po:GIA-MUA-{tag}"}
                      ])  # fmt: skip
    (event,) = shared.recorded(COOPERATIVE, internal)
    refused = shared.api.get(f"/epcis/events/{event.event_id}")
    assert refused.status_code == 401, refused.text
    answer = shared.api.get("/trace/v1/receipts", params={"eventID": event.event_id})
    assert f"GIA-MUA-{tag}" not in answer.text, answer.text[:300]
    assert answer.status_code in (401, 404), answer.status_code


@pytest.fixture(scope="module")
def scans(shared: Shared) -> Iterator[tuple[TestClient, Catalog, list[float]]]:
    """The resolver over the shared repository with its own scan log and a clock we move."""
    catalog = Catalog(shared.tmp / "scans.db")
    now = [time.time() + 60]
    app = create_epcis_app(shared.repository, tokens={t: d for d, t in shared.tokens.items()})
    add_resolver(app, shared.repository, catalog, public_url=PUBLIC, page=page,
                 clock=lambda: now[0])  # fmt: skip
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, catalog, now
    catalog.close()


def _scan_rows(catalog: Catalog) -> list[tuple[str, int]]:
    with catalog._lock:
        return catalog._db.execute("SELECT key, time_ms FROM scans").fetchall()


def test_anonymous_openings_of_unknown_serials_do_not_flush_the_scan_log(
    shared: Shared, scans: tuple[TestClient, Catalog, list[float]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack: Catalog.scanned logs an opening of ANY syntactically valid serial (no event
    needs to name it, nor a sale to have happened), and the log's global bound
    (MAX_SCANS = 1,000,000, oldest first) is shared by all keys. An anonymous user who
    opens a million made-up serials (a few hours at 100 requests/s) evicts every real
    scan, so the "scanned-after-sale" signal of a copied label disappears. Shown here with
    the bound set to 20."""
    client, catalog, now = scans
    _, tag = _made_and_sold(shared, "S")
    path = f"/01/{GTIN}/21/S{tag}"
    for _ in range(7):  # the copied label, scanned in seven separate ten-minute periods
        now[0] += SCAN_WINDOW_MS / 1000 + 1
        client.get(path, headers={"Accept": "text/html"})
    kinds = [
        s["kind"]
        for s in client.get(path, headers={"Accept": "application/json"}).json()["signals"]
    ]
    assert "scanned-after-sale" in kinds, kinds
    monkeypatch.setattr(catalog_module, "MAX_SCANS", 20)
    for i in range(25):  # the attacker: serials no event ever named
        client.get(f"/01/{GTIN}/21/BOGUS{tag}{i}", headers={"Accept": "text/html"})
    kinds = [
        s["kind"]
        for s in client.get(path, headers={"Accept": "application/json"}).json()["signals"]
    ]
    assert "scanned-after-sale" in kinds, (kinds, len(_scan_rows(catalog)))


def test_a_serial_longer_than_gs1_allows_is_not_resolved_nor_logged(
    scans: tuple[TestClient, Catalog, list[float]],
) -> None:
    """Attack: the scan log bounds its rows (100 per key, 1,000,000 in all) but not their
    size: the resolver accepts a serial of any length (GS1's AI 21 allows 20 characters)
    and logs it when the page is asked for. A million openings with 16 KB serials (about
    what an HTTP server lets through in a request line) is ~16 GB of SQLite from anonymous
    requests; each also costs a journey query."""
    client, catalog, now = scans
    now[0] += 1
    before = len(_scan_rows(catalog))
    serial = "A" * 8000 + unique()
    answer = client.get(f"/01/{GTIN}/21/{serial}", headers={"Accept": "text/html"})
    rows = _scan_rows(catalog)
    assert all(len(k) < 200 for k, _ in rows), max(len(k) for k, _ in rows)
    assert len(rows) == before
    assert answer.status_code == 404, answer.status_code


# -- (b) on PostgreSQL: a NUL in a public request ---------------------------------------------


@pytest.fixture
def on_postgres(shared: Shared, pg_dsn: str) -> Iterator[TestClient]:
    """The same repository and resolver, with its events on PostgreSQL."""
    from sen.services.traceability.postgres import PostgresEventStore

    store = PostgresEventStore(pg_dsn, pool_size=2)
    keys = {COOPERATIVE: shared.world.keys["cooperative"], PACKER: shared.world.keys["packer"]}
    chain = RemoteChain(lambda: in_process_client(shared.world.node), keys)
    catalog = Catalog(shared.tmp / f"pg-catalog-{unique()}.db")
    repository = Repository(store, chain, [COOPERATIVE, PACKER], catalog=catalog)
    app = create_epcis_app(repository, tokens={t: d for d, t in shared.tokens.items()},
                           public_queries=True)  # fmt: skip
    add_resolver(app, repository, catalog, public_url=PUBLIC, page=page,
                 genesis=shared.world.genesis)  # fmt: skip
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    catalog.close()
    store.close()


@pytest.mark.parametrize(
    "path",
    [
        "/trace/v1/receipts?eventID=%00",
        "/epcis/receipts?eventID=urn%3Ax%00",
        "/epcis/events/urn:x:%00",
        f"/trace/v1/view/01/{GTIN}/21/A%00B",
        f"/01/{GTIN}/10/L%00",
        "/epcis/events?EQ_eventID=%00",
        "/epcis/events?MATCH_epc=urn%3Ax%3A%00",
    ],
)
def test_no_public_request_makes_a_server_error_on_postgres(
    on_postgres: TestClient, path: str
) -> None:
    """Attack: PostgreSQL's text cannot hold NUL: a NUL in an eventID, a serial or a
    query value reaches the store as a parameter and psycopg raises, answered 500 (no
    token needed: the resolver's calls are public). SQLite takes it, so the earlier
    attack round (which ran on SQLite) did not see it."""
    answer = on_postgres.get(path, headers={"Accept": "application/json"})
    assert answer.status_code < 500, (path, answer.status_code, answer.text[:200])
