"""sen trace capture sends a .xml file as EPCIS XML, anything else as JSON-LD."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from sen.cli.main import main

JOB = {
    "captureID": "00" * 16, "running": False, "success": True, "errors": [],
    "sen": {"events": 1, "height": 7},
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "sent_as"),
    [("harvest.xml", "application/xml"), ("harvest.XML", "application/xml"),
     ("harvest.json", "application/ld+json"), ("harvest.jsonld", "application/ld+json")],
)  # fmt: skip
def test_capture_names_the_files_media_type(
    name: str, sent_as: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEN_HOME", str(tmp_path / "home"))
    document = tmp_path / name
    document.write_bytes(b"<document/>")
    token = tmp_path / "token"
    token.write_text("ab" * 24)
    sent: list[tuple[str, str, dict[str, str], bytes]] = []

    def request(method: str, url: str, *, headers: dict[str, str], **kwargs: Any) -> Any:
        sent.append((method, url, headers, kwargs.get("content", b"")))
        return httpx.Response(
            202, json=JOB, headers={"Location": "/epcis/capture/" + "00" * 16},
            request=httpx.Request(method, url),
        )  # fmt: skip

    monkeypatch.setattr(httpx, "request", request)
    with pytest.raises(SystemExit) as exited:
        main(["trace", "capture", str(document), "--repo", "http://127.0.0.1:1",
              "--token-file", str(token)])  # fmt: skip
    assert exited.value.code in (0, None)
    ((method, url, headers, content),) = sent
    assert (method, url) == ("POST", "http://127.0.0.1:1/epcis/capture")
    assert headers["Content-Type"] == sent_as and content == b"<document/>"
    assert headers["Authorization"] == "Bearer " + "ab" * 24
