"""Four validators on CometBFT: receipts, conformance, exactly-once, and faults survived.

The tests share one network and run in file order; each leaves every node
running again (except the corruption tests at the end, on the last node).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from four_validator_support import wait_until

from sen.ledger.crypto import Ed25519Suite, SigningKey
from sen.ledger.light.header import header_hash
from sen.ledger.light.types import Commit, Header
from sen.ledger.tx import Tx, sign_tx
from sen.light.genesis import load_genesis
from sen.light.receipt import ReceiptInvalid, verify_receipt
from sen.network.errors import StartFailed
from sen.network.network import Network
from sen.sdk.client import Client

pytestmark = pytest.mark.slow


def _key(n: int) -> SigningKey:
    return Ed25519Suite().load_private(bytes([n]) * 32)


def _anchor(key: SigningKey, nonce: int, label: str, chain_id: str = "sen-local") -> Tx:
    return sign_tx(
        key,
        chain_id=chain_id,
        nonce=nonce,
        module="evidence",
        action="anchor",
        args={"digest": hashlib.sha256(label.encode()).digest()},
    )


def _rpc(net: Network, name: str, method: str, **params: str) -> dict:
    url = net.manifest.node(name).rpc_url
    answer = httpx.get(f"{url}/{method}", params=params, timeout=10).json()
    assert "error" not in answer, answer
    return answer["result"]


def _height(net: Network, name: str) -> int:
    return int(_rpc(net, name, "status")["sync_info"]["latest_block_height"])


def _api(net: Network, name: str) -> Client:
    return Client.http(net.manifest.node(name).api_url)


def _app_hash_at(net: Network, name: str, height: int) -> str:
    """The app hash after ``height``, as header ``height + 1`` of this node records it."""
    return str(_rpc(net, name, "block", height=str(height + 1))["block"]["header"]["app_hash"])


def _genesis(net: Network):
    return load_genesis(net.manifest.genesis_path.read_bytes())


def test_a_receipt_from_four_validators_verifies(running: Network) -> None:
    network = running
    key = _key(11)
    with _api(network, "node1") as client:
        document = hashlib.sha256("Bằng cử nhân — Nguyễn Văn A".encode()).digest()
        anchored = client.anchor(key, document, timeout=60)
        assert anchored.tx.committed
    with _api(network, "node2") as other:  # any node serves the receipt
        receipt = other.receipt(anchored.digests[0].hex(), timeout=60)
    report = verify_receipt(receipt, _genesis(network))
    assert report.valid, report
    commit = Commit.from_json(receipt["next_block"]["commit"])
    signed = [s for s in commit.signatures if s.signature]
    assert len(signed) >= 3, "a 4-validator commit needs more than 2/3 of the power"
    # tampering is still caught against real CometBFT headers
    receipt["block"]["header"]["app_hash"] = "00" * 32
    with pytest.raises(ReceiptInvalid):
        verify_receipt(receipt, _genesis(network))


def test_header_hashes_equal_cometbfts(running: Network) -> None:
    network = running
    top = _height(network, "node0")
    assert top >= 2
    for height in range(1, top + 1):
        block = _rpc(network, "node0", "block", height=str(height))
        ours = header_hash(Header.from_json(block["block"]["header"]))
        assert ours.hex().upper() == block["block_id"]["hash"], f"height {height}"


def test_a_tx_submitted_to_any_node_is_committed_exactly_once(running: Network) -> None:
    network = running
    names = network.manifest.names()
    by_node = {
        name: [_anchor(_key(20 + i), n, f"once-{i}-{n}") for n in range(3)]
        for i, name in enumerate(names)
    }
    txs = [tx for group in by_node.values() for tx in group]
    clients = {name: _api(network, name) for name in names}
    try:
        for name, group in by_node.items():  # each node gets one sender's transactions
            for tx in group:
                clients[name].submit(tx)
        # node0's first transaction again, to every other node: refused as known, or
        # accepted into that node's mempool, but never committed twice
        again = by_node["node0"][0]
        for name in names[1:]:
            try:
                clients[name].submit(again)
            except Exception as exc:
                assert "already" in str(exc) or "nonce" in str(exc).lower(), exc
        committed_at = [clients["node3"].wait(tx.hash.hex(), timeout=60).height for tx in txs]
    finally:
        for client in clients.values():
            client.close()
    # node3 saw them committed; node0, whose blocks are read below, may be a block behind
    last = max(h or 0 for h in committed_at)
    wait_until(lambda: _height(network, "node0") >= last, 60, f"node0 to reach height {last}")
    wanted = {tx.hash for tx in txs}
    seen: dict[bytes, int] = {}
    for height in range(1, _height(network, "node0") + 1):
        block = _rpc(network, "node0", "block", height=str(height))["block"]
        for encoded in block["data"]["txs"] or []:
            import base64

            h = hashlib.sha256(base64.b64decode(encoded)).digest()
            seen[h] = seen.get(h, 0) + 1
    assert all(seen.get(h) == 1 for h in wanted), {h.hex(): seen.get(h) for h in wanted}


def test_one_validator_down_the_chain_continues_and_it_catches_up(running: Network) -> None:
    network = running
    network.stop_node("node3")
    key = _key(13)
    with _api(network, "node1") as client:
        for n in range(3):
            info = client.send(key, "evidence", "anchor", _args(f"down-{n}"), timeout=60)
            assert info.status == "committed"
    with _api(network, "node2") as other:  # the API on another node serves
        wait_until(lambda: other.status()["height"] >= info.height, 30, "node2 at the tx's height")
    network.start_node("node3")
    target = _height(network, "node0")
    wait_until(lambda: _height(network, "node3") >= target, 60, "node3 to catch up")
    assert _app_hash_at(network, "node3", target - 1) == _app_hash_at(network, "node0", target - 1)


def _args(label: str) -> dict[str, object]:
    return {"digest": hashlib.sha256(label.encode()).digest()}


def test_app_killed_mid_block_rejoins_without_app_hash_mismatch(running: Network) -> None:
    network = running
    key = _key(14)
    txs = [_anchor(key, n, f"kill-{n}") for n in range(400)]
    with _api(network, "node0") as client:
        for start in range(0, 200, 50):
            client.submit_batch(txs[start : start + 50])
        # kill node2's application while blocks with these transactions are being made
        network.stop_app("node2", kill=True)
        for start in range(200, 400, 50):
            client.submit_batch(txs[start : start + 50])
        client.wait(txs[-1].hash.hex(), timeout=90)
    network.stop_node("node2")  # its CometBFT has stopped (or is stopping) without the app
    network.start_node("node2")
    target = _height(network, "node0")
    wait_until(lambda: _height(network, "node2") >= target, 90, "node2 to catch up")
    for height in range(max(1, target - 5), target):
        assert _app_hash_at(network, "node2", height) == _app_hash_at(network, "node0", height)
    with _api(network, "node2") as again:
        assert again.status()["height"] >= target - 1


def test_two_of_four_down_the_chain_halts_without_forking_and_resumes(running: Network) -> None:
    network = running
    network.stop_node("node2")
    network.stop_node("node3")
    before = _height(network, "node0")
    key = _key(15)
    with _api(network, "node0") as client:
        tx = _anchor(key, 0, "halted")
        client.submit(tx)
        time.sleep(4)
        # 20 of 40 voting power is not more than 2/3: no block can be committed
        assert _height(network, "node0") <= before + 1
        assert _height(network, "node1") <= before + 1
        network.start_node("node2")
        client.wait(tx.hash.hex(), timeout=90)
    network.start_node("node3")
    target = _height(network, "node0")
    wait_until(lambda: _height(network, "node3") >= target, 90, "node3 to catch up")
    for height in range(1, target + 1):  # one chain: every node has the same block at each height
        hashes = {
            _rpc(network, name, "block", height=str(height))["block_id"]["hash"]
            for name in network.manifest.names()
        }
        assert len(hashes) == 1, f"fork at height {height}: {hashes}"


def test_a_tx_for_another_chain_and_an_oversized_tx_are_refused(running: Network) -> None:
    network = running
    key = _key(16)
    url = network.manifest.node("node1").api_url
    import base64

    wrong = _anchor(key, 0, "elsewhere", chain_id="other-chain")
    answer = httpx.post(f"{url}/v1/txs", json={"tx": base64.b64encode(wrong.raw).decode()})
    assert answer.status_code == 422
    assert answer.json()["field"] == "chain_id"
    assert "chain" in answer.json()["detail"]
    huge = sign_tx(
        key,
        chain_id="sen-local",
        nonce=0,
        module="evidence",
        action="anchor",
        args={"digest": hashlib.sha256(b"x").digest(), "title": "x" * 300_000},
    )
    answer = httpx.post(f"{url}/v1/txs", json={"tx": base64.b64encode(huge.raw).decode()})
    assert answer.status_code in (413, 422), answer.text
    # the refusals reached no mempool: the chain is still fine and answers
    assert _height(network, "node1") >= 1


def _sen_start(net: Network, name: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    home = net.manifest.node(name).home
    return subprocess.run(
        [sys.executable, "-m", "sen.cli.main", "--home", str(home), "node", "run"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_corrupted_app_database_refuses_to_start(network: Network) -> None:
    network.stop_node("node3")
    data: Path = network.manifest.node("node3").home / "data" / "data.mdb"
    backup = data.with_suffix(".bak")
    shutil.copyfile(data, backup)
    try:
        with data.open("r+b") as handle:  # wreck the LMDB meta pages
            handle.write(b"\xde\xad\xbe\xef" * 2048)
        result = _sen_start(network, "node3")
        assert result.returncode != 0
        assert "data.mdb" in result.stderr and "refusing to start" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
    finally:
        shutil.move(backup, data)


def test_a_corrupted_block_store_refuses_to_start(network: Network) -> None:
    network.stop_node("node3")
    store = network.manifest.node("node3").home / "data" / "blockstore.db"
    backup = store.with_suffix(".bak")
    shutil.copytree(store, backup)
    try:
        for table in sorted(store.glob("*.ldb")) + sorted(store.glob("*.log")):
            table.write_bytes(b"\x00garbage" * 64)
        with pytest.raises(StartFailed) as failure:
            network.start_node("node3", timeout=30)
        assert "cometbft exited" in str(failure.value).lower()
        log = failure.value.log_path.read_text().lower()
        # CometBFT stops at once, naming what is wrong (which depends on the file hit first)
        assert "panic:" in log and ("corruption" in log or "mismatch" in log), (
            failure.value.log_tail
        )
        others = [_height(network, name) for name in ("node0", "node1", "node2")]
        assert min(others) >= 1
    finally:
        network.stop_node("node3")
        shutil.rmtree(store)
        shutil.move(backup, store)


def test_health_reports_a_node_whose_cometbft_went_away(running: Network) -> None:
    network = running
    url = network.manifest.node("node3").api_url
    assert httpx.get(f"{url}/health", timeout=10).status_code == 200
    network.stop_cometbft("node3")
    try:
        wait_until(
            lambda: httpx.get(f"{url}/health", timeout=10).status_code == 503,
            30,
            "node3's API to report that consensus is gone",
        )
        problem = httpx.get(f"{url}/health", timeout=10).json()
        assert "CometBFT" in problem["detail"]
        assert httpx.get(f"{url}/v1/status", timeout=10).status_code == 200  # reads still work
    finally:
        network.up(["node3"])
    wait_until(lambda: httpx.get(f"{url}/health", timeout=10).status_code == 200, 30, "recovery")


def test_the_node_view_lists_cometbft_peers(running: Network) -> None:
    url = running.manifest.node("node0").api_url
    wait_until(
        lambda: len(httpx.get(f"{url}/v1/node", timeout=10).json()["peers"] or []) == 3,
        30,
        "node0 to see its three peers",
    )
    body = httpx.get(f"{url}/v1/node", timeout=10).json()
    assert body["consensus"] == "cometbft"
    assert all("@ 127.0.0.1" in peer for peer in body["peers"])


def test_a_nonce_gap_is_refused_naming_the_nonce_and_admits_nothing(running: Network) -> None:
    import base64

    url = running.manifest.node("node2").api_url
    gap = _anchor(_key(17), 5, "gap")  # the account has never sent: 0 is expected
    answer = httpx.post(f"{url}/v1/txs", json={"tx": base64.b64encode(gap.raw).decode()})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["field"] == "nonce" and problem["expected"] == "0" and problem["got"] == "5"
    assert httpx.get(f"{url}/v1/txs/{gap.hash.hex()}", timeout=10).status_code == 404
