"""``sen node run`` as a real process for end-to-end tests, stopped with SIGTERM afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

SEN = Path(sys.executable).parent / "sen"


@contextmanager
def running_node(
    home: Path, port: int, log_path: Path, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """``sen node run`` on ``home`` until the block ends; yields its URL once healthy."""
    env = {**os.environ, "SEN_HOME": str(home), "SEN_LOG_LEVEL": "WARNING", **(extra_env or {})}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(SEN), "node", "run"], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, log_path)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(url: str, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the node exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the node did not answer on {url}: {log.read_text()[-2000:]}")
