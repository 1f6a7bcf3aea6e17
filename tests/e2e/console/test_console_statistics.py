"""Statistics for state management: the period's figures, charts, and the CSV/JSON export."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from console_support import BATCH_ORGANISATION, ORGANISATION, Console, screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.slow

VIETNAM = timezone(timedelta(hours=7))


def period() -> tuple[str, str]:
    today = datetime.now(UTC).astimezone(VIETNAM).date()
    return (today - timedelta(days=6)).isoformat(), today.isoformat()


def open_report(page: Any) -> tuple[str, str]:
    first, last = period()
    page.goto(f"/#/stats?from={first}&to={last}")
    page.locator("#stats-totals").wait_for()
    return first, last


def test_figures_and_charts(page: Any, console: Console) -> None:
    extra = len(console.extra)  # anchors made by earlier tests, without organisation
    open_report(page)
    assert page.inner_text("#total-transactions .value") == str(2 + extra)
    assert page.inner_text("#total-anchors .value") == str(4 + extra)
    assert page.inner_text("#total-organisations .value") == "2"
    assert page.locator("#chart-txs rect").count() >= 2  # two actions stacked
    assert page.locator("#chart-organisations").is_visible()
    organisations = page.inner_text("#organisations-table")
    assert ORGANISATION in organisations and BATCH_ORGANISATION in organisations
    assert "Chứng chỉ số bị thu hồi\n0" in page.inner_text("#stats-totals")  # from status lists
    screenshot(page, "statistics-period")


def test_csv_export(page: Any, tmp_path: Path, console: Console) -> None:
    first, last = open_report(page)
    with page.expect_download() as info:
        page.click("#export-csv")
    download = info.value
    assert download.suggested_filename == f"sen-statistics-sen-console-{first}-{last}.csv"
    saved = tmp_path / "report.csv"
    download.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert len([r for r in rows if r["section"] == "day"]) == 7
    by_organisation = {r["organisation"]: r for r in rows if r["section"] == "organisation"}
    assert by_organisation[ORGANISATION]["anchors"] == "1"
    assert by_organisation[BATCH_ORGANISATION]["anchors"] == "3"
    anchors = sum(int(r["transactions"]) for r in rows if r["action"] == "anchor")
    batches = sum(int(r["succeeded"]) for r in rows if r["action"] == "anchor_batch")
    assert (anchors, batches) == (1 + len(console.extra), 1)
    (total,) = [r for r in rows if r["section"] == "total"]
    assert total["date"] == f"{first}/{last}"
    extra = len(console.extra)
    assert (total["transactions"], total["anchors"], total["failed"]) == (
        str(2 + extra),
        str(4 + extra),
        "0",
    )


def test_json_export(page: Any, tmp_path: Path, console: Console) -> None:
    first, last = open_report(page)
    with page.expect_download() as info:
        page.click("#export-json")
    saved = tmp_path / "report.json"
    info.value.save_as(saved)
    report = json.loads(saved.read_text(encoding="utf-8"))
    assert (report["from"], report["to"], report["utc_offset"]) == (first, last, "+07:00")
    assert report["totals"]["anchors"] == 4 + len(console.extra)
    assert report["totals"]["credentials_issued"] is None
    assert report["organisations"] == sorted([ORGANISATION, BATCH_ORGANISATION])


def test_bad_period_is_explained(page: Any) -> None:
    open_report(page)
    page.fill("#stats-from", "2026-03-10")
    page.fill("#stats-to", "2026-03-01")
    page.click("#stats-form button[type='submit']")
    assert "Ngày kết thúc phải sau" in page.inner_text("#stats-form-error")
    page.goto("/#/stats?from=2026-02-30&to=2026-03-01")
    error = page.locator("main > .notice.bad")
    expect(error).to_contain_text("Không lập được báo cáo")
    expect(error).to_contain_text("Dữ liệu nhập vào không hợp lệ")
