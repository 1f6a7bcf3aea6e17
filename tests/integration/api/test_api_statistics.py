"""GET /v1/statistics and its export: activity per day (in a UTC offset), by action and by
organisation, from blocks made at chosen times."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from api_support import Signer, assert_problem, b64, digest
from fastapi.testclient import TestClient

from sen.ledger.light.types import Timestamp
from sen.node.node import Node

VIETNAM = timezone(timedelta(hours=7))
HANOI = "Đại học Quốc gia Hà Nội"
HUE = "Sở Y tế Thừa Thiên Huế"


def at(text: str) -> Timestamp:
    """A block time given in Vietnam time."""
    moment = datetime.fromisoformat(text).replace(tzinfo=VIETNAM)
    return Timestamp(int(moment.timestamp()), 0)


def block_at(node: Node, when: str, client: TestClient, txs: list[bytes]) -> None:
    for raw in txs:
        assert client.post("/v1/txs", json={"tx": b64(raw)}).status_code == 202
    node.engine.clock = lambda: at(when)  # type: ignore[method-assign]
    node.engine.produce_block()


@pytest.fixture
def activity(idle_node: Node, idle_client: TestClient, idle_signer: Signer) -> Node:
    """1 March 23:30 (Vietnam): two anchors of Hà Nội; 2 March 00:30: a batch of 3 from Huế
    and an anchor with no organisation; 5 March: an empty block."""
    signer = idle_signer
    block_at(
        idle_node,
        "2026-03-01T23:30:00",
        idle_client,
        [
            signer.tx(args={"digest": digest(1), "organisation": HANOI}).raw,
            signer.tx(args={"digest": digest(2), "organisation": HANOI}).raw,
        ],
    )
    block_at(
        idle_node,
        "2026-03-02T00:30:00",
        idle_client,
        [
            signer.tx(
                action="anchor_batch",
                args={"digests": [digest(3), digest(4), digest(5)], "organisation": HUE},
            ).raw,
            signer.tx(args={"digest": digest(6)}).raw,
        ],
    )
    block_at(idle_node, "2026-03-05T12:00:00", idle_client, [])
    return idle_node


def report(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get("/v1/statistics", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_days_in_vietnam_time(idle_client: TestClient, activity: Node) -> None:
    body = report(idle_client, **{"from": "2026-03-01", "to": "2026-03-05"})
    assert (body["from"], body["to"], body["utc_offset"]) == ("2026-03-01", "2026-03-05", "+07:00")
    days = {d["date"]: d for d in body["days"]}
    assert list(days) == [f"2026-03-0{n}" for n in range(1, 6)]
    assert days["2026-03-01"] == {
        "date": "2026-03-01",
        "transactions": 2,
        "succeeded": 2,
        "failed": 0,
        "anchors": 2,
        "blocks": 1,
    }
    assert days["2026-03-02"]["transactions"] == 2 and days["2026-03-02"]["anchors"] == 4
    assert days["2026-03-03"]["transactions"] == 0
    assert days["2026-03-05"]["blocks"] == 1
    assert body["totals"] == {
        "transactions": 4,
        "succeeded": 4,
        "failed": 0,
        "anchors": 6,
        "blocks": 3,
        "organisations": 2,
        "validators": 1,
        "credentials_issued": None,
        "credentials_revoked": 0,
        "credentials_suspended": 0,
    }
    assert body["by_action"] == [
        {
            "date": "2026-03-01",
            "module": "evidence",
            "action": "anchor",
            "transactions": 2,
            "succeeded": 2,
            "failed": 0,
        },
        {
            "date": "2026-03-02",
            "module": "evidence",
            "action": "anchor",
            "transactions": 1,
            "succeeded": 1,
            "failed": 0,
        },
        {
            "date": "2026-03-02",
            "module": "evidence",
            "action": "anchor_batch",
            "transactions": 1,
            "succeeded": 1,
            "failed": 0,
        },
    ]
    assert body["by_organisation"] == [
        {"date": "2026-03-01", "organisation": HANOI, "transactions": 2, "anchors": 2},
        {"date": "2026-03-02", "organisation": HUE, "transactions": 1, "anchors": 3},
    ]
    assert body["organisations"] == sorted([HANOI, HUE])
    assert (body["first_height"], body["last_height"]) == (1, 3)


def test_the_offset_moves_the_day_boundary(idle_client: TestClient, activity: Node) -> None:
    body = report(idle_client, **{"from": "2026-03-01", "to": "2026-03-01", "utc_offset": "+00:00"})
    # 23:30 and 00:30 Vietnam time are both 1 March in UTC
    assert body["days"] == [
        {
            "date": "2026-03-01",
            "transactions": 4,
            "succeeded": 4,
            "failed": 0,
            "anchors": 6,
            "blocks": 2,
        }
    ]


def test_a_period_without_activity(idle_client: TestClient, activity: Node) -> None:
    body = report(idle_client, **{"from": "2025-01-01", "to": "2025-01-03"})
    assert [d["transactions"] for d in body["days"]] == [0, 0, 0]
    assert body["first_height"] is None and body["by_organisation"] == []
    after = report(idle_client, **{"from": "2030-01-01", "to": "2030-01-01"})
    assert after["totals"]["blocks"] == 0


def test_default_period_is_the_last_30_days(idle_client: TestClient) -> None:
    body = report(idle_client)
    today = datetime.now(UTC).astimezone(VIETNAM).date()
    assert body["to"] == today.isoformat()
    assert body["from"] == (today - timedelta(days=29)).isoformat()
    assert len(body["days"]) == 30


def test_csv_export(idle_client: TestClient, activity: Node) -> None:
    chain = activity.app.genesis.chain_id
    response = idle_client.get(
        "/v1/statistics/export", params={"from": "2026-03-01", "to": "2026-03-02"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="sen-statistics-{chain}-2026-03-01-2026-03-02.csv"'
    )
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "section",
        "date",
        "module",
        "action",
        "organisation",
        "transactions",
        "succeeded",
        "failed",
        "anchors",
        "blocks",
    ]
    assert ["day", "2026-03-02", "", "", "", "2", "2", "0", "4", "1"] in rows
    assert ["action", "2026-03-02", "evidence", "anchor_batch", "", "1", "1", "0", "", ""] in rows
    assert ["organisation", "2026-03-02", "", "", HUE, "1", "", "", "3", ""] in rows
    assert rows[-3] == ["total", "2026-03-01/2026-03-02", "", "", "", "4", "4", "0", "6", "2"]
    assert [r[0] for r in rows[-2:]] == ["credentials_revoked", "credentials_suspended"]


def test_json_export_is_the_report(idle_client: TestClient, activity: Node) -> None:
    period = {"from": "2026-03-01", "to": "2026-03-02"}
    response = idle_client.get("/v1/statistics/export", params={**period, "format": "json"})
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"].endswith('-2026-03-01-2026-03-02.json"')
    exported = json.loads(response.content)
    shown = report(idle_client, **period)
    exported.pop("generated_at")
    shown.pop("generated_at")
    assert exported == shown


def test_a_formula_in_an_organisation_is_not_run_by_spreadsheets(
    idle_node: Node, idle_client: TestClient, idle_signer: Signer
) -> None:
    raw = idle_signer.tx(args={"digest": digest(9), "organisation": "=HYPERLINK(1)"}).raw
    block_at(idle_node, "2026-04-01T10:00:00", idle_client, [raw])
    text = idle_client.get(
        "/v1/statistics/export", params={"from": "2026-04-01", "to": "2026-04-01"}
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


@pytest.mark.parametrize(
    ("params", "field", "expected", "got"),
    [
        ({"from": "2026-02-30"}, "from", "a date YYYY-MM-DD", "'2026-02-30'"),
        ({"to": "1/3/2026"}, "to", "a date YYYY-MM-DD", "'1/3/2026'"),
        (
            {"from": "2026-03-05", "to": "2026-03-01"},
            "to",
            "a day on or after from (2026-03-05)",
            "2026-03-01",
        ),
        (
            {"from": "2025-01-01", "to": "2026-03-01"},
            "to",
            "at most 366 days from from (2025-01-01)",
            "425 days",
        ),
        (
            {"utc_offset": "+7"},
            "utc_offset",
            "±HH:MM between -14:00 and +14:00, e.g. +07:00",
            "'+7'",
        ),
        (
            {"utc_offset": "+15:00"},
            "utc_offset",
            "±HH:MM between -14:00 and +14:00, e.g. +07:00",
            "'+15:00'",
        ),
    ],
)
def test_bad_periods_are_400(
    idle_client: TestClient, params: dict[str, str], field: str, expected: str, got: str
) -> None:
    for path in ("/v1/statistics", "/v1/statistics/export"):
        assert_problem(idle_client.get(path, params=params), 400, field, expected=expected, got=got)


def test_bad_export_format_is_400(idle_client: TestClient) -> None:
    response = idle_client.get("/v1/statistics/export", params={"format": "xlsx"})
    assert_problem(response, 400, "format", got="'xlsx'")
