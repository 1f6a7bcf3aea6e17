"""The consumer page on an EPCIS repository's app: the console's assets under /console/, the
page with the console's security headers, and no admin page at /."""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from starlette.responses import Response

from sen import console


def _repository_app() -> tuple[TestClient, list[str]]:
    app = FastAPI()
    page = console.install_consumer(app)
    console.install_consumer(app)  # twice: the assets are mounted once
    asked: list[str] = []

    @app.get("/01/{rest:path}")
    def product(rest: str, request: Request) -> Response:
        asked.append(rest)
        return page(request, "01/" + rest)

    return TestClient(app), asked


def test_the_page_is_served_with_the_consoles_headers() -> None:
    client, asked = _repository_app()
    answer = client.get("/01/18935678012347/10/L2026-06", headers={"Accept": "text/html"})
    assert answer.status_code == 200 and asked == ["18935678012347/10/L2026-06"]
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["content-security-policy"] == console.CONTENT_SECURITY_POLICY
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["vary"] == "Accept"
    assert '<html lang="vi">' in answer.text


def test_the_page_loads_only_its_own_files_and_runs_no_inline_code() -> None:
    client, _ = _repository_app()
    page = client.get("/01/18935678012347").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert [a.strip() for a, _ in scripts] == ['type="module" src="/console/js/trace/main.js"']
    assert all(body.strip() == "" for _, body in scripts)
    assert "style=" not in page and "http://" not in page and "https://" not in page
    for path in re.findall(r'(?:src|href)="(/console/[^"]+)"', page):
        assert client.get(path).status_code == 200, path


def test_the_assets_are_served_and_the_admin_page_is_not() -> None:
    client, _ = _repository_app()
    script = client.get("/console/js/trace/main.js")
    assert script.status_code == 200 and script.headers["x-content-type-options"] == "nosniff"
    assert client.get("/console/app.css").status_code == 200
    assert client.get("/").status_code == 404
