"""The SDK installs and works without the server packages (docs/adr/0008-one-layering.md).

A fresh virtual environment gets ``pip install <this checkout>`` with no
extras: FastAPI, Starlette, uvicorn, LMDB and typer must be absent, and the
SDK must still reach a running node over HTTP, anchor a document, fetch its
receipt and verify it offline. The ``sen`` script there says, in one line,
that the command needs ``sen[server]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from node_process import running_node
from test_cli_flow import _free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEN = Path(sys.executable).parent / "sen"

CLIENT_SCRIPT = """
import hashlib, importlib.util, json, sys
from pathlib import Path
absent = [m for m in ("fastapi", "starlette", "uvicorn", "lmdb", "typer", "pydantic")
          if importlib.util.find_spec(m) is not None]
from sen.sdk import Client, InvalidInput, check_receipt, generate_key
with Client.http(sys.argv[1]) as client:
    digest = hashlib.sha256(b"a diploma, anchored by a client with only the SDK").digest()
    anchored = client.anchor(generate_key(), digest)
    receipt = client.receipt(digest)
    report = client.verify(receipt)
    genesis_file = Path(sys.argv[2])
    genesis_file.write_bytes(client.genesis())
    offline = check_receipt(receipt, genesis_file)  # a path, as the SDK guide shows
    genesis_file.write_text("{not a genesis")
    try:
        check_receipt(receipt, genesis_file)
        refused = ""
    except InvalidInput as exc:
        refused = type(exc).__name__
    print(json.dumps({"present": absent, "chain_id": client.chain_id,
                      "height": anchored.tx.height, "valid": report.valid,
                      "offline_valid": offline.valid, "refused": refused,
                      "sen_modules": sorted({m.split(".")[1] for m in sys.modules
                                             if m.startswith("sen.") and m.count(".") >= 1}),
                      "engine": "sen.vm.engine" in sys.modules}))
"""


@pytest.fixture(scope="module")
def sdk_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("sdk") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    return venv


@pytest.fixture
def node_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "SEN_HOME": str(tmp_path / "home")}
    init = subprocess.run(
        [str(SEN), "node", "init", "--chain-id", "sdk-only", "--api-port", str(port),
         "--block-interval", "0.1"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    with running_node(tmp_path / "home", port, tmp_path / "node.log") as url:
        yield url


def test_the_sdk_alone_anchors_and_verifies_against_a_node(sdk_venv: Path, node_url: str) -> None:
    run = subprocess.run(
        [str(sdk_venv / "bin" / "python"), "-c", CLIENT_SCRIPT, node_url, str(sdk_venv / "g.json")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=sdk_venv,  # not the checkout: import the installed package
    )
    assert run.returncode == 0, run.stderr[-3000:]
    answer = json.loads(run.stdout)
    assert answer["present"] == [], f"server packages installed without the extra: {answer}"
    assert answer["chain_id"] == "sdk-only"
    assert answer["height"] >= 1
    assert answer["valid"] is True
    assert answer["offline_valid"] is True
    assert answer["refused"] == "InvalidInput"
    # the ledger's contracts module names call results (sen.vm.results, pure Python); the
    # engine, which needs wasmtime, is never imported
    assert set(answer["sen_modules"]) <= {"sdk", "ledger", "light", "vm"}, answer["sen_modules"]
    assert answer["engine"] is False


def test_the_sen_command_without_server_packages_says_what_to_install(sdk_venv: Path) -> None:
    run = subprocess.run(
        [str(sdk_venv / "bin" / "sen"), "status"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1
    assert "pip install -c constraints/consensus.txt '.[server]'" in run.stderr
    assert "Traceback" not in run.stderr
