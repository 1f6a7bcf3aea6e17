"""``sen trace serve`` as a real process beside ``sen node run``, as the guide runs it: a
development chain whose genesis grants the cooperative its GS1 Company Prefix
(``sen node init --grant-prefix``), the cooperative's DID, its repository capturing a harvest
(``sen trace capture``), recording the job on chain by itself, and the event's receipt saved
(``sen trace receipt``) and checked offline (``sen verify``); a stranger's claim is refused."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from node_process import SEN, free_port, run_sen, running_node, serving

from sen.ledger.crypto import get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.sdk.client import Client
from sen.sdk.keys import Keyring

pytestmark = pytest.mark.slow

COOP = "did:sen:htx-xoai-son-la"
PASSPHRASE = "mật-khẩu-đủ-dài-cho-kho"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


@pytest.fixture
def node(tmp_path: Path) -> Iterator[str]:
    home, port = tmp_path / "home", free_port()
    env = {**os.environ, "SEN_HOME": str(home)}
    subprocess.run(
        [str(SEN), "node", "init", "--chain-id", "vn-agri", "--api-port", str(port),
         "--block-interval", "0.1", "--grant-prefix", f"8935678={COOP}"],
        env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with running_node(home, port, tmp_path / "node.log") as url:
        yield url


def _sen(tmp_path: Path, node: str, *argv: str, check: bool = True) -> Any:
    env = {**os.environ, "SEN_KEYRING": str(tmp_path / "keys"), "SEN_PASSPHRASE": PASSPHRASE,
           "COLUMNS": "200"}  # fmt: skip
    return run_sen(env, "--node", node, *argv, check=check)


def _document(lot_prefix: str) -> dict[str, Any]:
    return {
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-06-05T08:00:00.000+07:00",
        "epcisBody": {"eventList": [{
            "type": "ObjectEvent", "eventTime": "2026-06-05T07:00:00.000+07:00",
            "eventTimeZoneOffset": "+07:00", "action": "ADD", "bizStep": "commissioning",
            "disposition": "active",
            "quantityList": [{"epcClass": f"urn:epc:class:lgtin:{lot_prefix}.101234.L1",
                              "quantity": 500, "uom": "KGM"}],
            "readPoint": {"id": "urn:epc:id:sgln:8935678.00001.0"},
        }]},
    }  # fmt: skip


def test_a_repository_captures_records_and_proves_beside_a_node(node: str, tmp_path: Path) -> None:
    coop = get_suite("ed25519").generate()
    Keyring(tmp_path / "keys").save("htx", coop, PASSPHRASE)
    with Client.http(node) as client:
        method = encode_multikey(coop.suite, coop.public_key)
        client.send(coop, "identity", "create", {
            "name": "htx-xoai-son-la",
            "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
            "relationships": {"assertionMethod": ["key-1"]},
        })  # fmt: skip
    held = _sen(tmp_path, node, "trace", "holder", "https://id.gs1.org/01/18935678012347/10/L1")
    assert f"prefix 8935678, held by {COOP}" in held.stdout
    mistyped = _sen(tmp_path, node, "trace", "holder", "https://id.gs1.org/01/18935678012348",
                    check=False)  # fmt: skip
    assert mistyped.returncode == 2 and "check digit of 18935678012348" in mistyped.stderr
    assert "18935678012347" in mistyped.stderr
    port = free_port()
    env = {**os.environ, "SEN_KEYRING": str(tmp_path / "keys"), "SEN_PASSPHRASE": PASSPHRASE}
    repo = f"http://127.0.0.1:{port}"
    argv = ["--node", node, "trace", "serve", "--capturer", COOP, "--key", "htx",
            "--secrets", str(tmp_path / "epcis"), "--port", str(port)]  # fmt: skip
    # it answers once it serves: 401, it wants the token
    with serving(argv, env, f"{repo}/epcis", (401,), tmp_path / "epcis.log"):
        token = tmp_path / "epcis" / "token"
        assert token.stat().st_mode & 0o077 == 0
        harvest = tmp_path / "harvest.json"
        harvest.write_text(json.dumps(_document("8935678")))
        captured = _sen(tmp_path, node, "trace", "capture", str(harvest), "--repo", repo,
                        "--token-file", str(token), "--json")  # fmt: skip
        job = json.loads(captured.stdout)
        assert job["success"] and job["sen"]["prefixes"] == ["8935678"], job
        staff = {"Authorization": f"Bearer {token.read_text().strip()}"}
        events = httpx.get(f"{repo}/epcis/events", headers=staff).json()
        (event,) = events["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        saved = tmp_path / "event.receipt.json"
        deadline = time.monotonic() + 60
        while True:  # the receipt needs the block after the job's
            got = _sen(tmp_path, node, "trace", "receipt", event["eventID"], "--repo", repo,
                       "--token-file", str(token), "--save", str(saved), check=False)  # fmt: skip
            if got.returncode == 0:
                break
            assert "409" in got.stderr and time.monotonic() < deadline, got.stderr
            with Client.http(node) as client:  # make a block
                client.send(coop, "evidence", "anchor", {"digest": os.urandom(32)})
        genesis = tmp_path / "home" / "config" / "genesis.json"
        verified = _sen(tmp_path, node, "verify", str(saved), "--genesis", str(genesis))
        assert "VALID" in verified.stdout and COOP in verified.stdout
        stranger = tmp_path / "stranger.json"
        stranger.write_text(json.dumps(_document("8939999")))
        refused = _sen(tmp_path, node, "trace", "capture", str(stranger), "--repo", repo,
                       "--token-file", str(token), check=False)  # fmt: skip
        assert refused.returncode != 0 and "403" in refused.stderr, refused.stderr
        assert "/epcisBody/eventList/0/quantityList/0/epcClass" in refused.stderr
        assert refused.stderr.count("/epcisBody/eventList/0/quantityList/0/epcClass") == 1
        empty = _sen(tmp_path, node, "trace", "receipt", " ", "--repo", repo, "--save",
                     str(tmp_path / "x.json"), check=False)  # fmt: skip
        assert empty.returncode == 2 and "the eventID is empty" in empty.stderr, empty.stderr


def test_a_key_that_does_not_control_the_capturer_is_a_clear_error(
    node: str, tmp_path: Path
) -> None:
    Keyring(tmp_path / "keys").save("someone", get_suite("ed25519").generate(), PASSPHRASE)
    done = _sen(tmp_path, node, "trace", "serve", "--capturer", COOP, "--key", "someone",
                "--secrets", str(tmp_path / "e"), check=False)  # fmt: skip
    assert done.returncode != 0 and "--key someone: it does not control" in done.stderr, done.stderr
