"""The processes of a node: started detached, found again through pid files, stopped by signal.

Each node home holds ``run/<service>.pid`` and ``logs/<service>.log`` for its two
services, ``sen`` (the application and its API) and ``cometbft``. A pid file is
trusted only while that process is alive and (where ``/proc`` exists) its
command line names the home, so a stale file whose pid was reused is ignored.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

STOP_TIMEOUT = 15.0
LOG_TAIL_LINES = 25

# Children started by this process: polled so that they are reaped, not left as zombies.
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True, slots=True)
class Service:
    """One long-running process of a node: ``sen`` or ``cometbft``."""

    name: str
    home: Path

    @property
    def pid_path(self) -> Path:
        return self.home / "run" / f"{self.name}.pid"

    @property
    def log_path(self) -> Path:
        return self.home / "logs" / f"{self.name}.log"

    def pid(self) -> int | None:
        """The pid of the running process, or None (a stale pid file is left for ``clear``)."""
        try:
            pid = int(self.pid_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if not is_alive(pid):
            return None
        return pid if pid in _children or _runs_in(pid, self.home) else None

    def start(self, argv: list[str], *, env: Mapping[str, str] | None = None) -> int:
        """Start ``argv`` detached (own session), output appended to the log; its pid."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.pid_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            log.write(f"\n--- {stamp} sen network: starting {' '.join(argv)}\n".encode())
            log.flush()
            child = subprocess.Popen(
                argv,
                cwd=self.home,
                env=dict(env) if env is not None else None,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _children[child.pid] = child
        self.pid_path.write_text(f"{child.pid}\n")
        return child.pid

    def stop(self, signum: int = signal.SIGTERM, *, timeout: float = STOP_TIMEOUT) -> bool:
        """Send ``signum`` and wait; SIGKILL if the process still runs after ``timeout``.

        True when a running process was stopped, False when none was running.
        """
        pid = self.pid()
        if pid is not None:
            signal_process(pid, signum)
            if not wait_exit(pid, timeout) and signum != signal.SIGKILL:
                signal_process(pid, signal.SIGKILL)
                wait_exit(pid, 5.0)
        self.clear()
        return pid is not None

    def clear(self) -> None:
        self.pid_path.unlink(missing_ok=True)

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return log_tail(self.log_path, lines)


def is_alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _children[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return not _is_zombie(pid)


def signal_process(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def wait_exit(pid: int, timeout: float) -> bool:
    """True once ``pid`` has exited, False if it still runs after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while is_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            text = handle.read().decode(errors="replace")
    except FileNotFoundError:
        return "(no log yet)"
    return "\n".join(text.splitlines()[-lines:])


def _runs_in(pid: int, home: Path) -> bool:
    """Whether the command line of ``pid`` names ``home`` (True where /proc is unavailable)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except OSError:
        return True
    if not command:
        return True  # still exec-ing: too early to tell
    return str(home).encode() in command.split(b"\0")


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]
