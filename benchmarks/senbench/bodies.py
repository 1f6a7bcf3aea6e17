"""Memory of a node under a burst of large batch bodies (security review, issue 10).

A node runs in its own process (``senbench._serve``, the code of ``sen node
run``). This process sends ``--concurrent`` bodies of ``--mib`` MiB at once to
``POST /v1/txs/batch`` (valid JSON: 10,000 base64 strings that are not
transactions, so the whole body is read and parsed, then refused 422), and
reads the node's memory from ``/proc``: RSS idle, the peak (``VmHWM``) and RSS
once the burst is answered. With ``[api] max_large_bodies = 2`` the bodies
beyond two are answered 503 before they are read.

::

    python -m senbench.bodies --concurrent 8 --mib 61

Prints one JSON document; the tests assert behaviour only, never memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from sen.node.node import init_home
from senbench.throughput import _wait_healthy, free_port

ITEMS = 10_000


def _memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of ``pid`` in KiB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def junk_batch(mib: int) -> bytes:
    """A batch body of about ``mib`` MiB: JSON that parses, transactions that do not."""
    per_item = max(4, (mib * 1024 * 1024 // ITEMS - 4) // 4 * 4)
    item = b'"' + b"A" * per_item + b'"'
    return b'{"txs": [' + b",".join([item] * ITEMS) + b"]}"


def run_bodies(*, concurrent: int, mib: int) -> dict[str, Any]:
    body = junk_batch(mib)
    with tempfile.TemporaryDirectory(prefix="senbench-bodies-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        init_home(workdir, port=port)
        server = subprocess.Popen(
            [sys.executable, "-m", "senbench._serve", str(workdir)],
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, server)
            idle = _memory(server.pid)
            statuses: list[int] = []
            lock = threading.Lock()

            def send() -> None:
                response = httpx.post(
                    f"{base}/v1/txs/batch",
                    content=body,
                    headers={"content-type": "application/json"},
                    timeout=300,
                )
                with lock:
                    statuses.append(response.status_code)

            started = time.monotonic()
            threads = [threading.Thread(target=send) for _ in range(concurrent)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.monotonic() - started
            time.sleep(1)
            after = _memory(server.pid)
        finally:
            server.terminate()
            server.wait(30)
    return {
        "benchmark": "large_bodies",
        "conditions": {"concurrent": concurrent, "body_bytes": len(body)},
        "statuses": dict(sorted(Counter(statuses).items())),
        "seconds": round(seconds, 2),
        "rss_idle_mib": round(idle["VmRSS"] / 1024, 1),
        "rss_peak_mib": round(after["VmHWM"] / 1024, 1),
        "rss_after_mib": round(after["VmRSS"] / 1024, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m senbench.bodies", description=__doc__)
    parser.add_argument("--concurrent", type=int, default=8)
    parser.add_argument("--mib", type=int, default=61)
    args = parser.parse_args(argv)
    print(json.dumps(run_bodies(concurrent=args.concurrent, mib=args.mib), indent=2))


if __name__ == "__main__":
    main()
