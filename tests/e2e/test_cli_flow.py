"""End to end: the real ``sen`` console script against a node started by ``sen node run``.

Init a home, run the node on a free loopback port, create a key, anchor a
diploma, fetch its receipt, verify it offline (and fail on a forged copy),
show the transaction and the block, then stop the node with SIGTERM.
"""

from __future__ import annotations

import json
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

SEN = Path(sys.executable).parent / "sen"
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SEN_HOME": str(tmp_path / "home"),
        "SEN_KEYRING": str(tmp_path / "keys"),
        "SEN_PASSPHRASE": "mật-khẩu-dài-và-bí-mật",
        "COLUMNS": "200",
    }


def sen(
    env: dict[str, str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SEN), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def node(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    port = _free_port()
    init = sen(
        env,
        "node",
        "init",
        "--chain-id",
        "bo-gddt",
        "--api-port",
        str(port),
        "--block-interval",
        "0.1",
    )
    assert init.returncode == 0, init.stderr
    assert str((tmp_path / "home" / "data").resolve()) in init.stdout
    process = subprocess.Popen(
        [str(SEN), "node", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the node did not start"
        time.sleep(0.1)
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_anchor_receipt_verify(
    env: dict[str, str], tmp_path: Path, node: subprocess.Popen[str]
) -> None:
    created = sen(env, "keys", "new", "truong-dhbk")
    assert created.returncode == 0, created.stderr

    diploma = tmp_path / "bang-tot-nghiep.pdf"
    diploma.write_bytes("Bằng tốt nghiệp đại học — Trần Văn Minh — 2024".encode())
    anchored = sen(
        env,
        "evidence",
        "anchor",
        str(diploma),
        "--key",
        "truong-dhbk",
        "--title",
        "Bằng tốt nghiệp",
        "--organisation",
        "ĐH Bách khoa Hà Nội",
        "--json",
    )
    assert anchored.returncode == 0, anchored.stderr
    [row] = json.loads(anchored.stdout)
    assert row["status"] == "committed" and row["height"] >= 2
    tx_hash = row["tx_hash"]

    receipt = tmp_path / "receipt.json"
    fetched = sen(env, "evidence", "receipt", str(diploma), "-o", str(receipt))
    assert fetched.returncode == 0, fetched.stderr
    assert json.loads(receipt.read_text())["evidence"]["digest"] == row["digest"]

    verified = sen(env, "verify", str(receipt), "--file", str(diploma))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "VALID" in verified.stdout and "✗" not in verified.stdout

    forged = tmp_path / "forged.pdf"
    forged.write_bytes(diploma.read_bytes().replace(b"2024", b"2025"))
    refused = sen(env, "--lang", "vi", "verify", str(receipt), "--file", str(forged))
    assert refused.returncode == 1
    assert "KHÔNG HỢP LỆ" in refused.stdout and "✗ tài liệu" in refused.stdout

    shown = sen(env, "tx", "show", tx_hash, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["status"] == "committed"
    assert tx_hash in sen(env, "tx", "show", tx_hash).stdout

    block = sen(env, "block", "show", str(row["height"]), "--json")
    assert block.returncode == 0, block.stderr
    assert json.loads(block.stdout)["height"] == row["height"]
    assert tx_hash in sen(env, "block", "show", str(row["height"])).stdout

    lookup = sen(env, "evidence", "lookup", str(diploma))
    assert lookup.returncode == 0 and tx_hash in lookup.stdout

    node.send_signal(signal.SIGTERM)
    out, err = node.communicate(timeout=30)
    assert node.returncode == 0, err
    assert "chain id  bo-gddt" in out and "Stopped at height" in out
    assert "Traceback" not in err


def test_directory_is_anchored_in_one_batch(
    env: dict[str, str], tmp_path: Path, node: subprocess.Popen[str]
) -> None:
    assert sen(env, "keys", "new", "so-gddt").returncode == 0
    folder = tmp_path / "bang-2024"
    (folder / "khoa-cntt").mkdir(parents=True)
    for i in range(5):
        (folder / f"sv-{i}.pdf").write_text(f"sinh viên {i}")
        (folder / "khoa-cntt" / f"sv-{i}.pdf").write_text(f"sinh viên CNTT {i}")
    anchored = sen(env, "evidence", "anchor", str(folder), "--key", "so-gddt", "--json")
    assert anchored.returncode == 0, anchored.stderr
    rows = json.loads(anchored.stdout)
    assert len(rows) == 10 and len({r["tx_hash"] for r in rows}) == 1

    receipt = tmp_path / "r.json"
    one = folder / "khoa-cntt" / "sv-3.pdf"
    assert sen(env, "evidence", "receipt", str(one), "-o", str(receipt)).returncode == 0
    assert sen(env, "verify", str(receipt), "--file", str(one)).returncode == 0
    assert sen(env, "verify", str(receipt), "--file", str(folder / "sv-3.pdf")).returncode == 1

    # the whole class at once: one verifier, one line per receipt, exit 1 if any fails
    receipts = []
    for i in range(5):
        path = tmp_path / f"sv-{i}.receipt.json"
        made = sen(env, "evidence", "receipt", str(folder / f"sv-{i}.pdf"), "-o", str(path))
        assert made.returncode == 0, made.stderr
        receipts.append(str(path))
    bulk = sen(env, "verify", *receipts)
    assert bulk.returncode == 0, bulk.stdout + bulk.stderr
    assert "5 of 5 receipts valid" in bulk.stdout
    tampered = json.loads(Path(receipts[2]).read_text())
    tampered["evidence"]["digest"] = "00" * 32
    Path(receipts[2]).write_text(json.dumps(tampered))
    bulk = sen(env, "verify", "--json", *receipts)
    assert bulk.returncode == 1
    report = json.loads(bulk.stdout)
    assert [row["valid"] for row in report["receipts"]] == [True, True, False, True, True]
    assert report["receipts"][2]["check"] == "evidence"
