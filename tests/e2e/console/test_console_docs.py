"""The API docs page (Swagger UI) and the console run under their Content-Security-Policy.

Swagger UI 5 (from swagger-ui-py) renders the node's OpenAPI 3.1 document: the
operations are listed, and the policy blocks nothing the page loads.
"""

from __future__ import annotations

from typing import Any

from console_support import Console


def _violations(page: Any) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return found


def test_docs_page_runs_swagger_ui_without_a_csp_violation(page: Any, console: Console) -> None:
    violations = _violations(page)
    response = page.goto("/docs")
    assert response is not None
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    page.wait_for_selector("#swagger-ui .swagger-ui")  # the bundle and /docs/init.js ran
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.ui") == "object"
    page.wait_for_selector(".opblock-summary-path[data-path='/v1/status']")
    assert page.locator(".errors-wrapper").count() == 0, "Swagger UI reports errors"
    assert violations == []


def test_console_page_runs_under_its_policy_without_a_violation(
    page: Any, console: Console
) -> None:
    violations = _violations(page)
    response = page.goto("/")
    assert response is not None
    assert response.headers["x-frame-options"] == "DENY"
    page.wait_for_selector("#page-title")
    page.wait_for_load_state("networkidle")
    assert violations == []
