"""The ``sen`` command with keys on a SoftHSM2 token: hsm-new, hsm-show, and
``sen evidence anchor --key pkcs11:...`` against a node started by ``sen node run``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hsm_support import USER_PIN, SoftHsm

from sen.ledger.crypto import address_of

SEN = Path(sys.executable).parent / "sen"
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def env(softhsm: SoftHsm, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SOFTHSM2_CONF": str(softhsm.conf),
        "SEN_HOME": str(tmp_path / "home"),
        "SEN_KEYRING": str(tmp_path / "keys"),
        "SEN_PKCS11_PIN": USER_PIN,
        "COLUMNS": "200",
    }


def sen(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SEN), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def node(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    init = sen(env, "node", "init", "--chain-id", "sen-hsm-cli", "--api-port", str(port))
    assert init.returncode == 0, init.stderr
    genesis_path = tmp_path / "home" / "config" / "genesis.json"
    genesis = json.loads(genesis_path.read_text())
    genesis["app_state"]["params"]["allowed_suites"] = ["ed25519", "ecdsa-p256"]
    genesis_path.write_text(json.dumps(genesis, indent=2))
    process = subprocess.Popen(
        [str(SEN), "node", "run"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the node did not start"
        time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def _error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_hsm_new_show_and_anchor_with_a_token_key(
    env: dict[str, str], softhsm: SoftHsm, node: str, tmp_path: Path
) -> None:
    uri = softhsm.uri("cli-issuer", pin=None)  # the PIN comes from SEN_PKCS11_PIN
    created = sen(env, "keys", "hsm-new", "--uri", uri, "--suite", "ecdsa-p256", "--json")
    assert created.returncode == 0, created.stderr
    made = json.loads(created.stdout)
    assert made["suite"] == "ecdsa-p256" and made["label"] == "cli-issuer"
    public_key = bytes.fromhex(made["public_key"])
    assert made["address"] == address_of("ecdsa-p256", public_key).hex()

    shown = sen(env, "keys", "hsm-show", "--uri", uri, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == made
    assert made["address"] in sen(env, "keys", "hsm-show", "--uri", uri).stdout

    diploma = tmp_path / "bang-tot-nghiep.pdf"
    diploma.write_bytes("Bằng tốt nghiệp — ký bằng HSM".encode())
    anchored = sen(env, "--node", node, "evidence", "anchor", str(diploma), "--key", uri, "--json")
    assert anchored.returncode == 0, anchored.stderr
    [row] = json.loads(anchored.stdout)
    assert row["status"] == "committed"

    receipt = tmp_path / "receipt.json"
    fetched = sen(env, "--node", node, "evidence", "receipt", str(diploma), "-o", str(receipt))
    assert fetched.returncode == 0, fetched.stderr
    verified = sen(env, "verify", str(receipt), "--file", str(diploma))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "VALID" in verified.stdout

    shown_tx = sen(env, "--node", node, "tx", "show", row["tx_hash"], "--json")
    assert json.loads(shown_tx.stdout)["tx"]["sender"] == made["address"]


def test_cli_errors_name_what_was_wrong(
    env: dict[str, str], softhsm: SoftHsm, tmp_path: Path
) -> None:
    document = tmp_path / "doc.txt"
    document.write_text("tài liệu")
    missing = sen(
        env, "evidence", "anchor", str(document), "--key", softhsm.uri("nobody", pin=None)
    )
    assert missing.returncode == 1
    assert _error_line(missing) == "error: no private key 'nobody' on token 'sen-test'"

    wrong_pin = sen(env, "keys", "hsm-show", "--uri", softhsm.uri("nobody", pin="0000"))
    assert wrong_pin.returncode == 1
    assert _error_line(wrong_pin) == "error: wrong PIN for token 'sen-test'"
    assert "0000" not in wrong_pin.stderr + wrong_pin.stdout

    bad_uri = sen(env, "evidence", "anchor", str(document), "--key", "pkcs11:object=a;colour=red")
    assert bad_uri.returncode == 2
    assert _error_line(bad_uri).startswith("error: PKCS#11 URI: unknown path attribute 'colour'")

    bad_suite = sen(env, "keys", "hsm-new", "--uri", softhsm.uri("x"), "--suite", "ml-dsa-65")
    assert bad_suite.returncode == 2
    assert _error_line(bad_suite) == (
        "error: --suite: expected one of ecdsa-p256, ecdsa-secp256k1, ed25519, got 'ml-dsa-65'"
    )
