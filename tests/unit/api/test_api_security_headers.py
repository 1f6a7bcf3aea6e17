"""Security headers: nosniff on every answer; no framing; pages with their own CSP."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from sen import console
from sen.api import swagger
from sen.api.app import build_app
from sen.api.headers import NOT_A_PAGE_POLICY


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = build_app(None)

    @app.get("/test-failure", include_in_schema=False)
    def failure() -> None:
        raise RuntimeError("boom")

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("path", "status", "policy"),
    [
        ("/openapi.json", 200, NOT_A_PAGE_POLICY),
        ("/no-such-route", 404, NOT_A_PAGE_POLICY),
        ("/test-failure", 500, NOT_A_PAGE_POLICY),
        ("/docs/assets/swagger-ui.css", 200, NOT_A_PAGE_POLICY),
        ("/console/app.css", 200, NOT_A_PAGE_POLICY),
        ("/docs", 200, swagger.CONTENT_SECURITY_POLICY),
        ("/docs/init.js", 200, swagger.CONTENT_SECURITY_POLICY),
        ("/", 200, console.CONTENT_SECURITY_POLICY),
    ],
)
def test_every_answer_has_nosniff_and_refuses_framing(
    client: TestClient, path: str, status: int, policy: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"] == policy
    assert "frame-ancestors 'none'" in policy
    assert len(response.headers.get_list("content-security-policy")) == 1


@pytest.mark.parametrize(
    "policy", [swagger.CONTENT_SECURITY_POLICY, console.CONTENT_SECURITY_POLICY]
)
def test_pages_run_only_their_own_scripts(policy: str) -> None:
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_the_docs_page_has_no_inline_script(client: TestClient) -> None:
    page = client.get("/docs").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert [attributes.strip() for attributes, _ in scripts] == [
        'src="/docs/assets/swagger-ui-bundle.js"',
        'src="/docs/init.js"',
    ]
    assert all(body.strip() == "" for _, body in scripts)
    assert 'style="' not in page
    assert "validatorUrl: null" in client.get("/docs/init.js").text
