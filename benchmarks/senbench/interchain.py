"""Packets between two chains: relayed and acknowledged per second, latency, proofs verified.

Two embedded nodes, each in its own process serving its REST API (the code of
``sen node run``, fsync on, block interval 0.1 s, an empty block every 0.5 s
while idle), linked by a client of each on the other. The relayer
(``sen.services.relayer``) runs in this process over HTTP, as ``sen relay``
does. Packets are ``status-query`` questions from A about a revocation list
on B, sent by 20 senders with pre-signed transactions.

- **backlog**: ``packets`` are sent and committed on A first; then the relayer
  delivers and acknowledges all of them. Figure: packets settled per second
  (acknowledged on A), from the relayer's start to the last acknowledgement.
- **paced**: packets are sent at ``rate`` per second for ``seconds`` while the
  relayer runs; latency of each from its send block's time to the commit of
  its acknowledgement on A (p50, p99).
- **proofs**: 32 state proofs of packet commitment keys from A's state after
  the runs above, verified per second on one thread (``verify_state_proof``,
  what a chain does per packet), and the same proofs fetched over REST in
  batches of 32 (``POST /v1/interchain/proofs``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from sen.ledger.crypto import SigningKey
from sen.ledger.ibc import Packet, Payload, packet_commitment_key
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.ledger.tx import sign_tx
from sen.node.node import init_home
from sen.sdk.client import Client
from sen.sdk.interchain import Interchain, LightBlock, packet_args
from sen.services.relayer import End, Link, Relayer, RelayerMetrics
from senbench.conditions import machine, percentile
from senbench.workload import make_keys

SENDERS = 20
CLIENT = "sen-client-0"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _NodeProcess:
    def __init__(self, root: Path, chain_id: str) -> None:
        self.port = _free_port()
        self.home = root / chain_id
        init_home(self.home, chain_id=chain_id, port=self.port, block_interval=0.1)
        settings = self.home / "config" / "sen.toml"
        text = settings.read_text().replace(
            "create_empty_blocks = false", "create_empty_blocks = true"
        )
        settings.write_text(
            text.replace("empty_block_interval = 0.0", "empty_block_interval = 0.5")
        )
        self.log = (root / f"{chain_id}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "senbench._serve", str(self.home)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"node {chain_id} did not start; see {root}")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


def _latest(chain: Interchain) -> LightBlock:
    height = int(chain.sdk.status()["height"])
    block = chain.light_block(height) or chain.light_block(height - 1)
    assert block is not None
    return block


def _wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


class _Pair:
    def __init__(self, root: Path) -> None:
        self.a = _NodeProcess(root, "sen-lao-dong")
        self.b = _NodeProcess(root, "sen-giao-duc")
        self.ia = Interchain(Client.http(self.a.url))
        self.ib = Interchain(Client.http(self.b.url))
        admin = make_keys(1)[0]
        self.ia.create_client(admin, _latest(self.ib), 3600, max_clock_drift=60)
        self.ib.create_client(admin, _latest(self.ia), 3600, max_clock_drift=60)
        self.ia.register_counterparty(admin, CLIENT, CLIENT)
        self.ib.register_counterparty(admin, CLIENT, CLIENT)
        issuer_key = make_keys(1)[0]
        self.issuer = "did:key:" + encode_multikey(issuer_key.suite, issuer_key.public_key)
        listing = {"list": "bang-2025", "issuer": self.issuer, "purpose": "revocation"}
        self.ib.sdk.send(issuer_key, "status", "create_list", listing)
        revoke = {"list": "bang-2025", "issuer": self.issuer, "set": [7]}
        self.ib.sdk.send(issuer_key, "status", "update", revoke)
        self.senders = make_keys(SENDERS)
        self.nonces = [0] * SENDERS
        self.chain_id = self.ia.sdk.chain_id

    def signed_packets(self, count: int, timeout: int) -> list[bytes]:
        raws = []
        for n in range(count):
            who = n % SENDERS
            query = json.dumps({"issuer": self.issuer, "list": "bang-2025", "index": n % 16})
            payload = Payload(
                "status-query", "status-query", "sen-status-1", "application/json", query.encode()
            )
            args = {
                "source_client": CLIENT,
                "destination_client": CLIENT,
                "timeout_timestamp": timeout,
                "payloads": packet_args(Packet(0, CLIENT, CLIENT, timeout, (payload,)))["payloads"],
            }
            raws.append(self._sign(who, args))
        return raws

    def _sign(self, who: int, args: dict[str, Any]) -> bytes:
        key: SigningKey = self.senders[who]
        tx = sign_tx(
            key,
            chain_id=self.chain_id,
            nonce=self.nonces[who],
            module="interchain",
            action="send_packet",
            args=args,
        )
        self.nonces[who] += 1
        return tx.raw

    def relayer(self, metrics: RelayerMetrics) -> Relayer:
        key = make_keys(1)[0]
        link = Link(
            End("lao-dong", Interchain(Client.http(self.a.url)), key, CLIENT),
            End("giao-duc", Interchain(Client.http(self.b.url)), key, CLIENT),
            metrics=metrics,
        )
        return Relayer([link], interval=0.1, metrics=metrics)

    def pending(self) -> int:
        return len(self.ia.pending(CLIENT))

    def stop(self) -> None:
        self.a.stop()
        self.b.stop()


def _submit(client: Client, raws: list[bytes]) -> None:
    for start in range(0, len(raws), 500):
        client.submit_batch(raws[start : start + 500])


def run_interchain(
    *, packets: int = 1_000, rate: float = 20.0, seconds: float = 20.0
) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="sen-bench-interchain-"))
    pair = _Pair(root)
    try:
        timeout = int(time.time()) + 3600
        _submit(pair.ia.sdk, pair.signed_packets(packets, timeout))
        _wait(lambda: pair.pending() >= packets, 120, "the packets committed on A")
        metrics = RelayerMetrics()
        relayer = pair.relayer(metrics)
        cpu_before = (pair.a.cpu_seconds(), pair.b.cpu_seconds(), time.process_time())
        started = time.perf_counter()
        passes = 0
        while pair.pending() > 0:
            relayer.run_pass()
            passes += 1
        backlog_seconds = time.perf_counter() - started
        cpu = (
            pair.a.cpu_seconds() - cpu_before[0],
            pair.b.cpu_seconds() - cpu_before[1],
            time.process_time() - cpu_before[2],
        )
        backlog = {
            "packets": packets,
            "seconds": round(backlog_seconds, 2),
            "relayed_and_acknowledged_per_s": round(packets / backlog_seconds, 1),
            "passes": passes,
            "transactions": {
                "updates": relayer.totals.updates,
                "received": relayer.totals.received,
                "acknowledged": relayer.totals.acknowledged,
            },
            "cpu_seconds": {
                "node_a": round(cpu[0], 2),
                "node_b": round(cpu[1], 2),
                "relayer": round(cpu[2], 2),
            },
        }
        paced = _paced(pair, rate, seconds)
        proofs = _proofs(pair)
    finally:
        pair.stop()
    return {
        "conditions": {
            **machine(),
            "nodes": "two embedded nodes, each its own process (senbench._serve), fsync on, "
            "block interval 0.1 s, empty blocks every 0.5 s",
            "relayer": "sen.services.relayer in the benchmark process, over HTTP; 32 packets "
            "proved per snapshot",
            "packet": "status-query: one JSON payload (issuer did:key, list, index), "
            "acknowledged with the status bit",
        },
        "backlog": backlog,
        "paced": paced,
        "proofs": proofs,
        "targets": {"note": "issue 12 sets none; figures reported as measured"},
    }


def _paced(pair: _Pair, rate: float, seconds: float) -> dict[str, Any]:
    metrics = RelayerMetrics()
    relayer = pair.relayer(metrics)
    stop = threading.Event()
    thread = threading.Thread(target=relayer.run, args=(stop,))
    thread.start()
    sent = 0
    started = time.monotonic()
    try:
        while time.monotonic() - started < seconds:
            due = int((time.monotonic() - started) * rate) + 1
            if due > sent:
                raws = pair.signed_packets(due - sent, int(time.time()) + 3600)
                _submit(pair.ia.sdk, raws)
                sent = due
            time.sleep(0.02)
        _wait(lambda: pair.pending() == 0, 120, "the paced packets settled")
    finally:
        stop.set()
        thread.join(60)
    latencies = [latency for kind, latency in relayer.totals.latencies if kind == "ack"]
    return {
        "rate_per_s": rate,
        "seconds": seconds,
        "packets": sent,
        "acknowledged": len(latencies),
        "latency_send_to_ack_committed_s": {
            "p50": round(percentile(latencies, 0.5), 3),
            "p99": round(percentile(latencies, 0.99), 3),
            "max": round(max(latencies, default=0.0), 3),
        },
    }


def _proofs(pair: _Pair) -> dict[str, Any]:
    commitment_keys = [b"interchain/ibc/" + packet_commitment_key(CLIENT, s) for s in range(1, 33)]
    # settled packets: proofs of absence, as a timeout's; as deep as A's state makes them
    proved = pair.ia.prove(commitment_keys)
    items = []
    for key in commitment_keys:
        proof = proved.proofs[key]
        items.append(
            (
                key,
                proved.values[key],
                [bytes.fromhex(s) for s in proof["siblings"]],
                None if proof["leaf_path"] is None else bytes.fromhex(proof["leaf_path"]),
                None
                if proof["leaf_value_hash"] is None
                else bytes.fromhex(proof["leaf_value_hash"]),
            )
        )
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < 2.0:
        for key, value, siblings, leaf_path, leaf_value in items:
            verify_state_proof(proved.app_hash, key, value, siblings, leaf_path, leaf_value)
        done += len(items)
    verify_rate = done / (time.perf_counter() - started)
    fetched = 0
    started = time.perf_counter()
    while time.perf_counter() - started < 2.0:
        pair.ia.prove(commitment_keys)
        fetched += len(commitment_keys)
    fetch_rate = fetched / (time.perf_counter() - started)
    return {
        "proof_depth": round(sum(len(i[2]) for i in items) / len(items), 1),
        "verified_per_s_one_thread": round(verify_rate, 1),
        "fetched_over_rest_per_s_batches_of_32": round(fetch_rate, 1),
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--packets", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    arguments = parser.parse_args()
    result = run_interchain(
        packets=arguments.packets, rate=arguments.rate, seconds=arguments.seconds
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
