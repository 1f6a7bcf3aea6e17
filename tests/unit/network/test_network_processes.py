"""Detached processes tracked by pid files: start, find again, stop, and stale files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.network.processes import Service, is_alive, log_tail

IGNORES_SIGTERM = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True)"
    "; time.sleep(30)"
)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    made = Service("sleeper", tmp_path / "home")
    made.home.mkdir()
    yield made
    made.stop(signal.SIGKILL, timeout=2)


def _argv(home: Path, script: str = "import time; time.sleep(30)") -> list[str]:
    return [sys.executable, "-c", script, str(home)]  # the command line names the home


def test_started_process_is_found_through_its_pid_file(service: Service) -> None:
    pid = service.start(_argv(service.home))
    assert service.pid_path.read_text().strip() == str(pid)
    assert service.pid() == pid
    assert os.getpgid(pid) == pid  # its own session: a Ctrl-C in the terminal does not reach it


def test_output_goes_to_the_log(service: Service) -> None:
    service.start(_argv(service.home, "print('hello from the node')"))
    deadline = time.monotonic() + 5
    while "hello from the node" not in log_tail(service.log_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "hello from the node" in service.log_tail()
    assert f"sen network: starting {sys.executable} -c" in service.log_tail()


def test_stop_terminates_and_removes_the_pid_file(service: Service) -> None:
    pid = service.start(_argv(service.home))
    assert service.stop() is True
    assert not is_alive(pid)
    assert not service.pid_path.exists()


def test_stop_falls_back_to_sigkill(service: Service) -> None:
    pid = service.start(_argv(service.home, IGNORES_SIGTERM))
    deadline = time.monotonic() + 10
    while "ready" not in service.log_tail() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert service.stop(timeout=0.5) is True
    assert not is_alive(pid)


def test_stopping_what_is_not_running_is_fine(service: Service) -> None:
    assert service.stop() is False
    service.pid_path.parent.mkdir(parents=True, exist_ok=True)
    service.pid_path.write_text("not a pid\n")
    assert service.pid() is None
    assert service.stop() is False
    assert not service.pid_path.exists()


def test_a_stale_pid_file_of_a_dead_process_is_ignored(service: Service) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    service.pid_path.parent.mkdir(parents=True, exist_ok=True)
    service.pid_path.write_text(f"{dead.pid}\n")
    assert service.pid() is None


def test_a_pid_reused_by_an_unrelated_process_is_ignored(service: Service) -> None:
    service.pid_path.parent.mkdir(parents=True, exist_ok=True)
    service.pid_path.write_text(f"{os.getpid()}\n")  # alive, but not running in this home
    assert service.pid() is None
    assert service.stop() is False
    assert is_alive(os.getpid())


def test_log_tail_of_a_missing_log(tmp_path: Path) -> None:
    assert log_tail(tmp_path / "none.log") == "(no log yet)"
    log = tmp_path / "x.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert log_tail(log, 3) == "line 97\nline 98\nline 99"
