"""Helpers for the console's browser tests: where things are, screenshots, axe-core."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sen.ledger.crypto import SigningKey
from sen.sdk import Client

REPO = Path(__file__).resolve().parents[3]
SEN = Path(sys.executable).parent / "sen"
ARTIFACTS = REPO / "test-artifacts" / "console"
VENV = Path(sys.executable).parent.parent
AXE = Path(os.environ.get("SEN_AXE_PATH", VENV / "browser/node_modules/axe-core/axe.min.js"))
INSTALL_HINT = "run scripts/install-browser.sh (make test does)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ORGANISATION = "Đại học Bách khoa Hà Nội"
BATCH_ORGANISATION = "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh"
OPERATOR = ("Trung tâm Dữ liệu Quốc gia", "Hà Nội, Việt Nam")


def chromium_path() -> str:
    found = (
        os.environ.get("SEN_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not found:
        pytest.fail(f"Chromium is not installed (no `chromium` on PATH): {INSTALL_HINT}")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Console:
    url: str
    home: Path
    files: Path
    key: SigningKey
    diploma: Path
    diploma_tx: str = ""
    diploma_height: int = 0
    batch: list[Path] = field(default_factory=list)
    batch_tx: str = ""
    extra: list[str] = field(default_factory=list)  # later anchors, without organisation

    def digest(self, path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def client(self) -> Client:
        return Client.http(self.url)


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    result: dict[str, Any] = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return {violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))};
        }"""
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
