"""A running education consortium: ``sen node run`` on a free port, DIDs made, vnu accredited.

``chain`` starts the node of :mod:`diploma_chain` (its credential service
configured in sen.toml, the issuer passphrase in its environment), then, through
the SDK over HTTP: the Ministry creates ``did:sen:moet`` (a trust root from
genesis), the university ``did:sen:vnu`` and the college ``did:sen:college``
with their issuer keys, and the Ministry accredits vnu for ``DiplomaCredential``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from diploma_chain import PASSPHRASE, Chain, found_registry, write_home

SEN = Path(sys.executable).parent / "sen"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="package")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    root = tmp_path_factory.mktemp("diploma")
    port = _free_port()
    plan = write_home(root, port)
    env = {
        **os.environ,
        "SEN_HOME": str(plan.home),
        "SEN_LOG_LEVEL": "WARNING",
        "SEN_ISSUER_PASSPHRASE": PASSPHRASE,
    }
    log_path = root / "node.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(SEN), "node", "run"], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            _wait_healthy(plan.url, process, log_path)
            chain = Chain(plan, plan.url)
            found_registry(chain)
            yield chain
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
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the node did not become healthy: {log.read_text()[-2000:]}")
