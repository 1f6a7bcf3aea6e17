"""Vietnamese by default, English on request, remembered; numbers, dates and diacritics per
language; the keyboard reaches everything."""

from __future__ import annotations

import re
from typing import Any

import pytest
from console_support import Console, screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def test_vietnamese_by_default_english_on_request_and_remembered(page: Any) -> None:
    title = page.locator("#page-title")
    page.goto("/#/verify")
    expect(title).to_have_text("Xác minh công khai")
    assert page.evaluate("document.documentElement.lang") == "vi"
    expect(page.locator("button[data-lang='vi']")).to_have_attribute("aria-pressed", "true")
    page.click("button[data-lang='en']")
    expect(title).to_have_text("Public verification")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#site-nav li").nth(1)).to_have_text("Verify")
    expect(page.locator("label[for='search-input']")).to_have_text("Search")
    screenshot(page, "verify-english")
    page.reload()
    expect(title).to_have_text("Public verification")  # remembered
    page.click("button[data-lang='vi']")
    expect(title).to_have_text("Xác minh công khai")
    page.reload()
    expect(title).to_have_text("Xác minh công khai")
    expect(page.locator("#site-nav li").nth(1)).to_have_text("Xác minh")


def test_both_dictionaries_have_every_text(page: Any) -> None:
    page.goto("/#/")
    page.locator("#page-title").wait_for()
    assert page.evaluate("window.senConsole.missingKeys()") == []


def test_numbers_and_dates_follow_the_language(page: Any, console: Console) -> None:
    page.goto(f"/#/block/{console.diploma_height}")
    page.locator("#page-title").wait_for()
    vietnamese = page.inner_text("main time")
    assert re.fullmatch(r"\d{2}:\d{2}:\d{2} \d{2}/\d{2}/\d{4}", vietnamese), vietnamese
    page.goto("/#/verify")
    page.set_input_files("#document-file", str(console.diploma))  # 1.9 KB: a decimal size
    page.locator("#document-result .notice.ok").wait_for()
    size = console.diploma.stat().st_size / 1024
    assert f"({size:.1f} KB)".replace(".", ",") in page.inner_text("#document-result")
    page.click("button[data-lang='en']")
    # the result stays on screen, now in English, without sending the file again
    expect(page.locator("#document-result .notice.ok h2")).to_contain_text(
        "This document was anchored", timeout=15_000
    )
    assert f"({size:.1f} KB)" in page.inner_text("#document-result")
    page.goto(f"/#/block/{console.diploma_height}")
    page.locator("#page-title").wait_for()
    english = page.inner_text("main time")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}, \d{2}:\d{2}:\d{2}", english), english


def test_keyboard_skip_link_and_tabs(page: Any) -> None:
    page.goto("/#/verify")
    page.locator("#tab-document").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus("#tab-document")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-receipt"
    assert page.get_attribute("#tab-receipt", "aria-selected") == "true"
    assert page.is_visible("#panel-receipt") and not page.is_visible("#panel-document")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == "tab-credential"
    assert page.is_visible("#panel-credential")
