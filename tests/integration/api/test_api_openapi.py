"""The committed OpenAPI document is the one the code serves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sen.api.openapi import DEFAULT_PATH, render


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sen.api.openapi", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_committed_openapi_is_current() -> None:
    result = run("--check")
    assert result.returncode == 0, result.stderr
    assert DEFAULT_PATH.read_text(encoding="utf-8") == render()


def test_check_reports_a_stale_document(tmp_path: Path) -> None:
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n")
    result = run("--check", "--path", str(stale))
    assert result.returncode == 1
    assert "stale" in result.stderr and "--write" in result.stderr
    assert run("--write", "--path", str(stale)).returncode == 0
    assert run("--check", "--path", str(stale)).returncode == 0


def test_document_shape() -> None:
    document = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert document["info"]["title"] == "Sen node API"
    assert {t["name"] for t in document["tags"]} == {
        "transactions",
        "blocks",
        "accounts",
        "state",
        "evidence",
        "node",
        "search",
        "statistics",
        "membership",
        "governance",
        "identity",
        "trust",
        "status",
        "vc-api",
        "directory",
        "contracts",
    }
    rejected = document["paths"]["/v1/txs"]["post"]["responses"]["422"]
    assert list(rejected["content"]) == ["application/problem+json"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert document["components"]["schemas"]["SubmitTx"]["additionalProperties"] is False
    resolution = document["paths"]["/1.0/identifiers/{did}"]["get"]["responses"]
    assert "application/did-resolution" in resolution["404"]["content"]  # DID Resolution's binding
    assert "application/problem+json" not in resolution["404"]["content"]
