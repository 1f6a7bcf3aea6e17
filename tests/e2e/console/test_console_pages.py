"""Every main page renders in Chromium, in Vietnamese, with no serious accessibility violation.

A screenshot of each is saved in test-artifacts/console/ (desktop and phone widths).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from console_support import OPERATOR, ORGANISATION, Console, axe_violations, screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.slow

PAGES = [
    ("home", "#/", "Tổng quan chuỗi"),
    ("verify", "#/verify", "Xác minh công khai"),
    ("blocks", "#/blocks", "Khối"),
    ("block", "#/block/{height}", "Khối #{height}"),
    ("transactions", "#/txs", "Giao dịch"),
    ("transaction", "#/tx/{tx}", "Giao dịch"),
    ("account", "#/account/{sender}", "Tài khoản"),
    ("evidence", "#/evidence/sha-256/{digest}", "Tài liệu đã ghi nhận"),
    ("validators", "#/validators", "Nút xác thực"),
    ("network", "#/network", "Mạng lưới"),
    ("organisations", "#/orgs", "Tổ chức và thành viên"),
    ("governance", "#/gov", "Quản trị"),
    ("statistics", "#/stats", "Thống kê hoạt động"),
    ("chains", "#/chains", "Liên chuỗi"),
]


def _fill(template: str, console: Console) -> str:
    with console.client() as client:
        sender = client.tx(console.diploma_tx).tx["sender"]
    return template.format(
        height=console.diploma_height,
        tx=console.diploma_tx,
        sender=sender,
        digest=console.digest(console.diploma),
    )


@pytest.mark.parametrize(("name", "route", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_accessibly(
    page: Any, console: Console, name: str, route: str, heading: str
) -> None:
    page.goto("/" + _fill(route, console))
    page.wait_for_selector("#page-title")
    assert page.inner_text("#page-title") == _fill(heading, console)
    page.wait_for_load_state("networkidle")
    expect(page.locator("main .loading")).to_have_count(0, timeout=15_000)  # retried: live pages
    assert page.evaluate("document.documentElement.lang") == "vi"
    screenshot(page, name)
    violations = axe_violations(page)
    assert violations == [], violations


def test_phone_layout(page: Any, console: Console) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    pages = (
        ("home", "#/", "Tổng quan chuỗi"),
        ("verify", "#/verify", "Xác minh công khai"),
        ("statistics", "#/stats", "Thống kê hoạt động"),
    )
    for name, route, heading in pages:
        page.goto("/" + route)
        expect(page.locator("#page-title")).to_have_text(heading)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways on a phone by {overflow}px"
        screenshot(page, f"phone-{name}")
        assert axe_violations(page) == []


def test_network_page_shows_declared_operator(page: Any, console: Console) -> None:
    page.goto("/#/network")
    table = page.locator("#nodes-table")
    table.wait_for()
    assert OPERATOR[0] in table.inner_text()
    assert OPERATOR[1] in table.inner_text()
    assert "sen --node " + console.url + " node status" in page.inner_text("main")


def test_modules_not_on_the_chain_are_said_plainly(page: Any, console: Console) -> None:
    """Driven by GET /v1/node: nothing is faked for a module the chain does not run."""
    info = httpx.get(f"{console.url}/v1/node").json()
    available = {f["name"]: f["available"] for f in info["features"]}
    # an open chain: no organisations, so neither membership nor governance
    assert not available["membership"] and not available["governance"]
    pages = (
        ("#/orgs", "membership", "Tổ chức và thành viên"),
        ("#/org/dhqg-hn", "membership", "Tổ chức"),
        ("#/organisations", "membership", "Tổ chức và thành viên"),
        ("#/gov", "governance", "Quản trị"),
        ("#/gov/1", "governance", "Quản trị"),
    )
    for route, feature, heading in pages:
        page.goto("/" + route)
        expect(page.locator("#page-title")).to_have_text(heading)
        if available[feature]:
            expect(page.locator("main")).to_contain_text("Mô-đun đã có trên chuỗi")
        else:
            expect(page.locator("main .notice.warn h2, main .notice.warn h3")).to_have_text(
                "Chưa có trên chuỗi này"
            )
    # credentials are checked by any node's VC-API; a QR id this node never issued says so
    page.goto("/#/credential/abc")
    expect(page.locator("#credential-unknown")).to_contain_text("không công bố chứng chỉ nào")


def test_home_lists_the_anchors(page: Any, console: Console) -> None:
    page.goto("/#/")
    page.locator("#txs-table").wait_for()
    assert console.diploma_tx[:8] in page.inner_text("#txs-table")
    assert ORGANISATION not in page.inner_text("#txs-table")  # a list of txs, not their metadata


def test_new_transactions_appear_live(page: Any, console: Console) -> None:
    page.goto("/#/")
    page.locator("#txs-table").wait_for()
    document = console.files / "cong-van-moi.txt"
    document.write_text("Công văn số 12/2026 — cập nhật trực tiếp", encoding="utf-8")
    with console.client() as client:
        anchored = client.anchor(console.key, document, title="Công văn")
    console.extra.append(anchored.tx_hash)
    row = page.locator("#txs-table tbody tr").first
    row.locator(f"a[href='#/tx/{anchored.tx_hash}']").wait_for(timeout=10_000)
    assert page.url.endswith("/#/")  # no reload, no navigation
    assert f"#{anchored.tx.height}" in page.inner_text("#blocks-table")
