"""Sustained throughput and latency of signed evidence transactions through the REST API.

A node runs in its own process (`senbench._serve`, the same code as
`sen node run`); this process is the load generator. Transactions are signed
before the clock starts, then posted in batches to ``/v1/txs/batch`` by
several connections as fast as the node accepts them (a 503 "try later" is
retried after a short pause). For each batch, the time from starting the
submission to seeing its last transaction committed is its latency.
"""

from __future__ import annotations

import base64
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import lmdb

from sen.ledger.tx import decode_tx
from sen.node.node import init_home
from senbench.conditions import percentile
from senbench.workload import anchor_txs, make_keys

Progress = Callable[[str, float, float], None]


@dataclass(slots=True)
class Batch:
    txs: list[bytes]
    submitted_at: float = 0.0
    accepted_at: float = 0.0
    committed_at: float = 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def run_throughput(
    *,
    duration: float = 60.0,
    batch_size: int = 500,
    connections: int = 4,
    senders: int = 200,
    expected_rate: int = 9000,
    block_interval: float = 0.5,
    offered_rate: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Saturating load by default; with ``offered_rate`` (tx/s), a paced load instead."""
    if offered_rate is not None:
        expected_rate = offered_rate
    workdir = Path(tempfile.mkdtemp(prefix="sen-bench-"))
    port = free_port()
    init_home(workdir, port=port, block_interval=block_interval)
    chain_id = "sen-local"
    count = int(expected_rate * duration * 1.3) // batch_size * batch_size
    keys = make_keys(senders)
    done = 0

    def signed(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("signing transactions", done, count)

    # Each connection has its own senders, so its batches carry consecutive nonces
    # and arrive in order, as a real client's would.
    per_connection = count // connections // batch_size * batch_size
    lanes: list[queue.SimpleQueue[Batch]] = []
    tx_size = 0
    for lane in range(connections):
        txs = anchor_txs(chain_id, keys[lane::connections], per_connection, progress=signed)
        tx_size = len(txs[0])
        lane_queue: queue.SimpleQueue[Batch] = queue.SimpleQueue()
        for i in range(0, per_connection, batch_size):
            lane_queue.put(Batch(txs[i : i + batch_size]))
        lanes.append(lane_queue)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "senbench._serve", str(workdir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "node.log", "wb"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server)
        start_height = int(httpx.get(f"{base}/v1/status").json()["height"])
        cpu_node_before = _cpu_seconds(server.pid)
        cpu_self_before = time.process_time()
        finished: list[Batch] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + duration
        retries = 0

        accepted: queue.SimpleQueue[Batch | None] = queue.SimpleQueue()

        errors: list[BaseException] = []

        def submitter(batches: queue.SimpleQueue[Batch]) -> None:
            try:
                submit_lane(batches)
            except BaseException as exc:
                errors.append(exc)

        def submit_lane(batches: queue.SimpleQueue[Batch]) -> None:
            nonlocal retries
            with httpx.Client(base_url=base, timeout=60) as client:
                sent = 0
                while time.monotonic() < stop_at and not errors:
                    if offered_rate is not None:
                        # this lane's share of the offered rate, one batch at a time
                        due = started + sent * batch_size * connections / offered_rate
                        if (pause := due - time.monotonic()) > 0:
                            time.sleep(pause)
                    sent += 1
                    try:
                        batch = batches.get_nowait()
                    except queue.Empty:
                        return
                    body = {"txs": [base64.b64encode(tx).decode() for tx in batch.txs]}
                    batch.submitted_at = time.monotonic()
                    while True:
                        response = client.post("/v1/txs/batch", json=body)
                        if response.status_code != 503:
                            break
                        retries += 1
                        time.sleep(0.02)
                    if response.status_code != 202:
                        raise RuntimeError(
                            f"batch rejected: {response.status_code} {response.text[:300]}"
                        )
                    batch.accepted_at = time.monotonic()
                    accepted.put(batch)

        def confirmer() -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                while (batch := accepted.get()) is not None:
                    last = decode_tx(batch.txs[-1]).hash.hex()
                    while True:
                        record = client.get(f"/v1/txs/{last}", params={"wait": 30}).json()
                        if record.get("status") == "committed":
                            break
                    batch.committed_at = time.monotonic()
                    with lock:
                        finished.append(batch)

        threads = [threading.Thread(target=submitter, args=(lane,)) for lane in lanes]
        confirmers = [threading.Thread(target=confirmer) for _ in range(connections)]
        started = time.monotonic()
        for thread in threads + confirmers:
            thread.start()
        while any(t.is_alive() for t in threads):
            time.sleep(0.5)
            if progress:
                progress(
                    "submitting through the REST API",
                    min(time.monotonic() - started, duration),
                    duration,
                )
        for thread in threads:
            thread.join()
        for _ in confirmers:
            accepted.put(None)
        for thread in confirmers:
            thread.join()
        if errors:
            raise RuntimeError(f"the load generator failed: {errors[0]}")
        ended = max(b.committed_at for b in finished)
        cpu_node = _cpu_seconds(server.pid) - cpu_node_before
        cpu_self = time.process_time() - cpu_self_before
        status = httpx.get(f"{base}/v1/status").json()
        end_height = int(status["height"])
        blocks = [
            httpx.get(f"{base}/v1/blocks/{h}").json()
            for h in range(start_height + 1, end_height + 1)
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    committed = sum(len(b.txs) for b in finished)
    elapsed = ended - started
    latencies: list[float] = []
    for batch in finished:
        latencies.extend([batch.committed_at - batch.submitted_at] * len(batch.txs))
    block_sizes = [len(b["txs"]) for b in blocks if b["txs"]]
    size = _database_bytes(workdir / "data")
    return {
        "benchmark": "rest_throughput",
        "load": "saturating" if offered_rate is None else f"paced at {offered_rate} tx/s",
        "tx_type": "evidence.anchor (ed25519, sha-256, Vietnamese title and organisation)",
        "tx_size_bytes": tx_size,
        "batch_size": batch_size,
        "connections": connections,
        "senders": senders,
        "block_interval_s": block_interval,
        "storage_sync": True,
        "duration_s": round(elapsed, 2),
        "committed_txs": committed,
        "committed_tx_per_s": round(committed / elapsed, 1),
        "latency_p50_s": round(percentile(latencies, 0.50), 3),
        "latency_p99_s": round(percentile(latencies, 0.99), 3),
        "latency_definition": "submit of a batch to its last tx seen committed (long-poll)",
        "blocks": len(blocks),
        "mean_block_txs": round(sum(block_sizes) / max(1, len(block_sizes)), 1),
        "max_block_txs": max(block_sizes, default=0),
        "retries_on_503": retries,
        "cpu_seconds_node_process": round(cpu_node, 2),
        "cpu_seconds_load_generator": round(cpu_self, 2),
        "storage_bytes": size,
        "storage_bytes_per_tx": round(size / max(1, committed), 1),
        "targets": {
            "committed_tx_per_s": 10000,
            "latency_p99_s": 1.0,
            "storage_bytes_per_tx": 1024,
        },
    }


def _database_bytes(path: Path) -> int:
    env = lmdb.open(str(path), readonly=True, lock=False, max_dbs=32)
    try:
        info = env.info()
        return int((info["last_pgno"] + 1) * env.stat()["psize"])
    finally:
        env.close()


def _wait_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the node process exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the node did not become healthy within 30 s")
