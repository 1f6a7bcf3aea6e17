"""Bad input and failures: a clear sentence in the user's language, never a trace or a blank."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from console_support import Console, screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def assert_explained(page: Any, *phrases: str) -> None:
    text = page.inner_text("main")
    for phrase in phrases:
        assert phrase in text, text
    for leak in ("Traceback", "TypeError", "undefined", "null", "[object"):
        assert leak not in text, text


def test_node_unreachable(page: Any) -> None:
    page.route("**/v1/**", lambda route: route.abort())
    page.goto("/#/blocks")
    page.locator("main .notice.bad").wait_for()
    assert_explained(page, "Không kết nối được tới nút")
    page.locator("#banner").wait_for()
    assert "Mất kết nối tới nút" in page.inner_text("#banner")
    screenshot(page, "error-offline")


def test_node_fails_to_answer(page: Any) -> None:
    problem = {
        "type": "urn:sen:problem:internal-error",
        "title": "Internal error",
        "status": 500,
        "detail": "the node failed to answer",
        "field": None,
        "expected": None,
        "got": None,
        "code": None,
        "code_name": None,
    }
    page.route(
        "**/v1/txs?*",
        lambda route: route.fulfill(
            status=500, content_type="application/problem+json", body=json.dumps(problem)
        ),
    )
    page.goto("/#/txs")
    page.locator("main .notice.bad").wait_for()
    assert_explained(page, "Nút gặp lỗi khi trả lời", "the node failed to answer")


@pytest.mark.parametrize(
    ("route", "phrase"),
    [
        ("#/no-such-page", "Không có trang này"),
        ("#/block/999999", "Không có khối này"),
        ("#/block/abc", "Dữ liệu nhập vào không hợp lệ"),
        (f"#/tx/{secrets.token_hex(32)}", "Không tìm thấy giao dịch"),
        ("#/tx/xyz", "Dữ liệu nhập vào không hợp lệ"),
        (f"#/evidence/sha-256/{secrets.token_hex(32)}", "Không tìm thấy tài liệu trên chuỗi"),
        ("#/evidence/md5/abcd", "Dữ liệu nhập vào không hợp lệ"),
        ("#/account/123", "Dữ liệu nhập vào không hợp lệ"),
        ("#/validator/" + "ab" * 20, "Không có nút xác thực này"),
    ],
    ids=[
        "page",
        "block",
        "block-text",
        "tx",
        "tx-text",
        "digest",
        "algorithm",
        "account",
        "validator",
    ],
)
def test_unknown_or_malformed_addresses(page: Any, route: str, phrase: str) -> None:
    page.goto("/" + route)
    page.locator("main .notice, main h1").first.wait_for()
    expect(page.locator("main")).to_contain_text(phrase, timeout=15_000)  # polled, no page eval
    assert_explained(page, phrase)


def test_english_errors(page: Any, console: Console) -> None:
    page.goto("/#/")
    page.locator("#page-title").wait_for()
    page.click("button[data-lang='en']")
    page.goto(f"/#/tx/{secrets.token_hex(32)}")
    expect(page.locator("main .notice")).to_contain_text("Transaction not found")
    assert_explained(page, "Transaction not found")
    page.route("**/v1/**", lambda route: route.abort())
    page.goto("/#/validators")
    expect(page.locator("main .notice.bad")).to_contain_text("Cannot reach the node")
    assert_explained(page, "Cannot reach the node")
