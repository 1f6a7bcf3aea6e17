"""The one search box: a height, a transaction hash, a digest, an account, and what is not there."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from console_support import ORGANISATION, Console
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def search(page: Any, text: str) -> None:
    page.fill("#search-input", text)
    page.press("#search-input", "Enter")


def test_height_opens_the_block(page: Any, console: Console) -> None:
    page.goto("/#/")
    search(page, str(console.diploma_height))
    page.wait_for_url(f"**/#/block/{console.diploma_height}")
    expect(page.locator("#page-title")).to_have_text(f"Khối #{console.diploma_height}")
    assert console.diploma_tx in page.inner_text("#block-txs")


def test_transaction_hash_opens_the_transaction(page: Any, console: Console) -> None:
    page.goto("/#/")
    search(page, console.diploma_tx.upper())
    page.wait_for_url(f"**/#/tx/{console.diploma_tx}")
    page.locator("#tx-args").wait_for()
    assert ORGANISATION in page.inner_text("#tx-args")
    assert "Thành công" in page.inner_text("main")  # result code 0, explained


def test_digest_opens_its_anchorings(page: Any, console: Console) -> None:
    digest = console.digest(console.diploma)
    page.goto("/#/")
    search(page, digest)
    page.wait_for_url(f"**/#/evidence/sha-256/{digest}")
    card = page.locator("ol.anchorings > li").first
    card.wait_for()
    assert ORGANISATION in card.inner_text()
    assert "BK-2026-001" in card.inner_text()


def test_account_address_opens_the_account(page: Any, console: Console) -> None:
    with console.client() as client:
        sender = client.tx(console.diploma_tx).tx["sender"]
    page.goto("/#/")
    search(page, sender)
    page.wait_for_url(f"**/#/account/{sender}")
    page.locator("#account-txs").wait_for()
    assert console.diploma_tx[:8] in page.inner_text("#account-txs")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (secrets.token_hex(32), "Không tìm thấy trên chuỗi"),
        ("999999", "Không tìm thấy trên chuỗi"),
        ("xin chào", "Không nhận ra nội dung tìm kiếm"),
        ("abc", "Không nhận ra nội dung tìm kiếm"),
        ("did:sen:truong-dh-bach-khoa", "Không tìm thấy trên chuỗi"),
        ("   ", "Chưa nhập nội dung tìm kiếm"),
    ],
    ids=["unknown-hash", "future-height", "words", "short-hex", "did", "empty"],
)
def test_what_is_not_found_is_said(page: Any, query: str, message: str) -> None:
    page.goto("/#/")
    search(page, query)
    result = page.locator("#search-result .notice")
    result.wait_for()
    assert message in result.inner_text()
    assert page.locator("#page-title").inner_text() == "Kết quả tìm kiếm"
