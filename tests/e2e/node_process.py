"""``sen node run`` as a real process for end-to-end tests, stopped with SIGTERM afterwards."""

from __future__ import annotations

import os
import signal
import socket
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
            stop(process)


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, then SIGKILL if it has not exited within 30 s."""
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


def free_port() -> int:
    """A free loopback port (bound and released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_sen(
    env: dict[str, str], *argv: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``sen ARGV`` in ``env``; with ``check``, its failure fails the test with its output."""
    done = subprocess.run([str(SEN), *argv], env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done


@contextmanager
def serving(
    argv: list[str], env: dict[str, str], probe: str, answers: tuple[int, ...], log_path: Path
) -> Iterator[subprocess.Popen[str]]:
    """``sen ARGV`` as a service until the block ends (SIGTERM), once ``GET probe`` gets one
    of ``answers``; a service that exits or does not answer in 60 s fails the test."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(SEN), *argv], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    pytest.fail(f"sen {argv[0:3]} exited: {log_path.read_text()[-2000:]}")
                try:
                    if httpx.get(probe, timeout=1).status_code in answers:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"sen {argv[0:3]} did not answer: {log_path.read_text()[-2000:]}")
                time.sleep(0.1)
            yield process
        finally:
            stop(process)
