"""A load generator for a network of nodes: batches in order per lane, commits followed on one node.

The same code drives Sen (``POST /v1/txs/batch`` on each node's REST API) and
CometBFT's built-in kvstore (a JSON-RPC batch of ``broadcast_tx_sync`` on each
node's RPC), so the two runs differ only in where the batches go:

- request bodies are built before the clock starts (transactions signed,
  base64 and JSON done), so the generator spends its time sending;
- each *lane* is one thread with one connection to one node; it posts its
  batches in order, one request at a time, so a sender's nonces reach a node
  in order. A lane keeps at most ``window`` of its transactions in flight
  (sent, not yet committed) and, if ``offered_rate`` is set, paces itself
  to its share of it. A "try later" (HTTP 503, or CometBFT's "mempool is full")
  is retried after :data:`RETRY_PAUSE`;
- a :class:`CommitFollower` polls one node's ``/abci_info`` and, each time the
  application's height moves, reads the new blocks (``/block``) and marks
  their transactions (SHA-256, as CometBFT hashes them) committed at that
  moment: committed means executed and committed by that node's application.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

RETRY_PAUSE = 0.05
POLL_INTERVAL = 0.02
REQUEST_TIMEOUT = 120.0


class Protocol(StrEnum):
    """Where a lane posts its batches."""

    sen_api = "sen_api"  # POST {api}/v1/txs/batch {"txs": [base64]}, 202 when all admitted
    cometbft_rpc = "cometbft_rpc"  # POST {rpc}/ [broadcast_tx_sync, ...] (JSON-RPC batch)


class LoadFailed(RuntimeError):
    """A node refused a batch for a reason other than "try later"."""


@dataclass(slots=True)
class Batch:
    txs: list[bytes]
    hashes: list[bytes]
    body: bytes
    submitted_at: float = 0.0  # start of the first request
    accepted_at: float = 0.0  # answer of the request that admitted the last of it
    retries: int = 0


def encode_body(protocol: Protocol, txs: Sequence[bytes]) -> bytes:
    texts = [base64.b64encode(tx).decode() for tx in txs]
    if protocol is Protocol.sen_api:
        return json.dumps({"txs": texts}, separators=(",", ":")).encode()
    calls = [
        {"jsonrpc": "2.0", "id": i, "method": "broadcast_tx_sync", "params": {"tx": text}}
        for i, text in enumerate(texts)
    ]
    return json.dumps(calls, separators=(",", ":")).encode()


def make_batches(protocol: Protocol, txs: Sequence[bytes], batch_size: int) -> list[Batch]:
    """``txs`` cut into batches of ``batch_size``, in order, with their request bodies."""
    batches = []
    for i in range(0, len(txs), batch_size):
        part = list(txs[i : i + batch_size])
        hashes = [hashlib.sha256(tx).digest() for tx in part]
        batches.append(Batch(part, hashes, encode_body(protocol, part)))
    return batches


@dataclass(frozen=True, slots=True)
class Refused:
    """Part of a batch to send again later, and why (a name of :data:`RETRYABLE`)."""

    indices: list[int]
    reason: str
    detail: str = ""


# Answers that mean "not now" rather than "never": the node admitted nothing
# (Sen's batches are all or nothing) or only some (kvstore: the others are in).
RETRYABLE = ("mempool_full", "api_unavailable", "nonce_ahead_of_check_state")
RETRY_LIMIT_S = 30.0


def post_batch(
    client: httpx.Client, protocol: Protocol, url: str, body: bytes, count: int
) -> Refused | None:
    """Post one batch of ``count``: None when all is admitted, what to retry, or LoadFailed."""
    headers = {"content-type": "application/json"}
    if protocol is Protocol.sen_api:
        response = client.post(f"{url}/v1/txs/batch", content=body, headers=headers)
        if response.status_code == 202:
            return None
        if response.status_code == 503:
            slug = str(response.json().get("type", ""))
            reason = "mempool_full" if slug.endswith("mempool-full") else "api_unavailable"
            return Refused(list(range(count)), reason, response.text[:300])
        if response.status_code == 422 and response.json().get("code_name") == "NONCE_TOO_HIGH":
            # The API checks nonces against the check state, which CometBFT's recheck
            # rebuilds after each commit: a nonce can look "ahead" for a moment.
            return Refused(list(range(count)), "nonce_ahead_of_check_state", response.text[:300])
        raise LoadFailed(f"{url}: HTTP {response.status_code}: {response.text[:400]}")
    response = client.post(f"{url}/", content=body, headers=headers)
    if response.status_code != 200:
        raise LoadFailed(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
    answers = response.json()
    if isinstance(answers, dict):
        answers = [answers]
    again = []
    for answer in answers:
        error = answer.get("error")
        result = answer.get("result") or {}
        if error is not None:
            text = str(error.get("data") or error.get("message"))
            if "mempool is full" in text:
                again.append(int(answer["id"]))
                continue
            raise LoadFailed(f"{url}: broadcast_tx_sync: {text[:300]}")
        if int(result.get("code", 0)) != 0:
            raise LoadFailed(f"{url}: CheckTx code {result.get('code')}: {result.get('log')}")
    return Refused(sorted(again), "mempool_full") if again else None


class Tally:
    """What has been committed, per lane; lanes wait here for room in their window."""

    def __init__(self, lanes: int) -> None:
        self.lane_of: dict[bytes, int] = {}
        self.committed_at: dict[bytes, float] = {}
        self.sent = [0] * lanes
        self.committed = [0] * lanes
        self.changed = threading.Condition()

    def in_flight(self, lane: int) -> int:
        return self.sent[lane] - self.committed[lane]

    def record_block(self, hashes: Sequence[bytes], seen_at: float) -> None:
        with self.changed:
            for tx_hash in hashes:
                lane = self.lane_of.get(tx_hash)
                if lane is not None and tx_hash not in self.committed_at:
                    self.committed_at[tx_hash] = seen_at
                    self.committed[lane] += 1
            self.changed.notify_all()


@dataclass(frozen=True, slots=True)
class BlockSeen:
    height: int
    seen_at: float
    txs: int
    bytes: int


class CommitFollower(threading.Thread):
    """Follows the committed height of one node's application; reads each new block."""

    def __init__(self, rpc_url: str, tally: Tally, *, poll: float = POLL_INTERVAL) -> None:
        super().__init__(name="commit-follower", daemon=True)
        self.rpc_url = rpc_url
        self.tally = tally
        self.poll = poll
        self.blocks: list[BlockSeen] = []
        self.error: BaseException | None = None
        self._stopping = threading.Event()
        self._height = 0

    def start_from(self, height: int) -> None:
        self._height = height

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.rpc_url, timeout=30, trust_env=False) as client:
                while not self._stopping.is_set():
                    height = _app_height(client)
                    seen_at = time.monotonic()
                    for h in range(self._height + 1, height + 1):
                        self._read_block(client, h, seen_at)
                    self._height = max(self._height, height)
                    self._stopping.wait(self.poll)
        except BaseException as exc:
            self.error = exc

    def _read_block(self, client: httpx.Client, height: int, seen_at: float) -> None:
        answer = client.get("/block", params={"height": str(height)}).json()
        txs = (answer["result"]["block"]["data"].get("txs")) or []
        raws = [base64.b64decode(t) for t in txs]
        self.tally.record_block([hashlib.sha256(raw).digest() for raw in raws], seen_at)
        self.blocks.append(BlockSeen(height, seen_at, len(raws), sum(map(len, raws))))


def _app_height(client: httpx.Client) -> int:
    response = client.get("/abci_info").json()["result"]["response"]
    return int(response.get("last_block_height", 0))


def app_height(rpc_url: str) -> int:
    with httpx.Client(base_url=rpc_url, timeout=10, trust_env=False) as client:
        return _app_height(client)


@dataclass(slots=True)
class Lane:
    """One thread, one connection, one node: batches posted in order."""

    index: int
    url: str
    batches: list[Batch]
    sent: list[Batch] = field(default_factory=list)
    retries: dict[str, int] = field(default_factory=dict)
    exhausted_at: float | None = None


class LoadGenerator:
    """Drives every lane until ``stop_at``; see the module docstring."""

    def __init__(
        self,
        protocol: Protocol,
        lanes: list[Lane],
        tally: Tally,
        *,
        window: int,
        offered_rate: float | None = None,
    ) -> None:
        self.protocol = protocol
        self.lanes = lanes
        self.tally = tally
        self.window = window
        self.offered_rate = offered_rate
        self.errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []
        self._stop_at = 0.0
        self._started = 0.0

    def start(self, stop_at: float) -> None:
        self._stop_at = stop_at
        self._started = time.monotonic()
        for lane in self.lanes:
            for batch in lane.batches:
                for tx_hash in batch.hashes:
                    self.tally.lane_of[tx_hash] = lane.index
        self._threads = [
            threading.Thread(target=self._guarded, args=(lane,), name=f"lane-{lane.index}")
            for lane in self.lanes
        ]
        for thread in self._threads:
            thread.start()

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def join(self) -> None:
        for thread in self._threads:
            thread.join()
        if self.errors:
            raise LoadFailed(f"the load generator failed: {self.errors[0]}") from self.errors[0]

    def in_flight(self) -> int:
        return sum(self.tally.in_flight(lane.index) for lane in self.lanes)

    def _guarded(self, lane: Lane) -> None:
        try:
            self._drive(lane)
        except BaseException as exc:
            self.errors.append(exc)
            with self.tally.changed:
                self.tally.changed.notify_all()

    def _drive(self, lane: Lane) -> None:
        share = None if self.offered_rate is None else self.offered_rate / len(self.lanes)
        with httpx.Client(timeout=REQUEST_TIMEOUT, trust_env=False) as client:
            for number, batch in enumerate(lane.batches):
                if not self._wait_for_room(lane, len(batch.txs)):
                    return
                if share is not None:
                    due = self._started + number * len(batch.txs) / share
                    if (pause := due - time.monotonic()) > 0:
                        time.sleep(pause)
                if time.monotonic() >= self._stop_at or self.errors:
                    return
                self._send(client, lane, batch)
            lane.exhausted_at = time.monotonic()

    def _wait_for_room(self, lane: Lane, size: int) -> bool:
        with self.tally.changed:
            while self.tally.in_flight(lane.index) + size > self.window:
                left = self._stop_at - time.monotonic()
                if left <= 0 or self.errors:
                    return False
                self.tally.changed.wait(min(left, 0.5))
        return True

    def _send(self, client: httpx.Client, lane: Lane, batch: Batch) -> None:
        batch.submitted_at = time.monotonic()
        with self.tally.changed:
            self.tally.sent[lane.index] += len(batch.txs)
        body = batch.body
        pending = list(range(len(batch.txs)))
        refusals: list[Refused] = []
        while True:
            try:
                refused = post_batch(client, self.protocol, lane.url, body, len(pending))
            except LoadFailed as exc:
                if refusals:
                    raise LoadFailed(f"{exc}; first refused with: {refusals[0].detail}") from None
                raise
            if refused is None:
                break
            if time.monotonic() - batch.submitted_at > RETRY_LIMIT_S:
                raise LoadFailed(f"{lane.url}: still refused after {RETRY_LIMIT_S:g} s: {refused}")
            refusals.append(refused)
            batch.retries += 1
            lane.retries[refused.reason] = lane.retries.get(refused.reason, 0) + 1
            if len(refused.indices) < len(pending):  # kvstore: only those refused
                pending = [pending[i] for i in refused.indices]
                body = encode_body(self.protocol, [batch.txs[i] for i in pending])
            time.sleep(RETRY_PAUSE)
        batch.accepted_at = time.monotonic()
        lane.sent.append(batch)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` so far (0 if it has exited)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:9]]
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(values)
    idle = values[3] + values[4]
    return (total - idle) / ticks, total / ticks


# -- one timed run ------------------------------------------------------------------------------

REPORT_EVERY = 5.0
RATE_WINDOW = 5.0

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class LoadPlan:
    protocol: Protocol
    urls: list[str]  # one per node; lane i posts to urls[i % len(urls)]
    follow_url: str  # the CometBFT RPC of the node whose commits are followed
    window: int  # transactions in flight per lane, at most
    warmup: float
    duration: float
    drain: float  # seconds to wait, after the last submission, for what is still in flight
    offered_rate: float | None = None  # tx/s for all lanes together; None: as the window allows


@dataclass(frozen=True, slots=True)
class Process:
    group: str  # "cometbft", "sen_app"
    node: str
    pid: int


def run_load(
    plan: LoadPlan,
    lane_batches: list[list[Batch]],
    processes: list[Process],
    *,
    label: str,
    progress: Progress,
) -> dict[str, Any]:
    """Warm up, measure for ``plan.duration`` seconds, drain; the figures of the window."""
    tally = Tally(len(lane_batches))
    lanes = [
        Lane(i, plan.urls[i % len(plan.urls)], batches) for i, batches in enumerate(lane_batches)
    ]
    follower = CommitFollower(plan.follow_url, tally)
    follower.start_from(app_height(plan.follow_url))
    generator = LoadGenerator(
        plan.protocol, lanes, tally, window=plan.window, offered_rate=plan.offered_rate
    )
    follower.start()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    started = time.monotonic()
    window_start = started + plan.warmup
    window_end = window_start + plan.duration
    generator.start(stop_at=window_end)
    watch = _Watch(label, started, follower, generator, progress)
    try:
        watch.until(window_start, "warming up")
        cpu_before = _cpu_sample(processes)
        watch.until(window_end, "measuring")
        cpu_after = _cpu_sample(processes)
        generator.join()
        drain_end = time.monotonic() + plan.drain
        while generator.in_flight() > 0 and time.monotonic() < drain_end:
            watch.tick("draining")
            time.sleep(0.1)
    finally:
        follower.stop()
        follower.join(timeout=30)
        generator.errors.append(RuntimeError("stopped"))  # lanes still waiting give up
    if follower.error is not None:
        raise LoadFailed(f"following commits failed: {follower.error}") from follower.error
    exhausted = [lane.exhausted_at for lane in lanes if lane.exhausted_at is not None]
    measured_end = min([cpu_after.at, *exhausted])
    figures = _figures(lanes, tally, follower.blocks, window_start, measured_end)
    cpu = _cpu_summary(cpu_before, cpu_after, processes)
    cpu.update(_cpu_per_tx(cpu, figures["committed_txs"]))
    return {
        **figures,
        "load_average_at_start": load_at_start,
        "exhausted_early": bool(exhausted) and min(exhausted) < window_end,
        "retried_requests": {
            reason: sum(lane.retries.get(reason, 0) for lane in lanes) for reason in RETRYABLE
        },
        "cpu": cpu,
    }


def _cpu_per_tx(cpu: dict[str, Any], committed: int) -> dict[str, Any]:
    """CPU milliseconds per committed transaction, and what that allows on every core.

    Steadier than tx/s on a shared machine: other processes take CPU time from
    the benchmark, but not CPU time per transaction (to a first approximation).
    """
    groups = cpu["share_of_benchmark_processes"]
    per_tx = {g: round(1000 * cpu[f"{g}_s"] / max(1, committed), 3) for g in groups}
    total = sum(per_tx.values())
    return {
        "ms_per_committed_tx": {**per_tx, "all_benchmark_processes": round(total, 3)},
        "tx_per_s_if_cpu_bound_on_all_cores": round(cpu["cores"] * 1000 / total, 1)
        if total
        else None,
    }


class _Watch:
    """Progress lines while a run goes on; stops waiting if the generator fails."""

    def __init__(
        self,
        label: str,
        started: float,
        follower: CommitFollower,
        generator: LoadGenerator,
        progress: Progress,
    ) -> None:
        self.label = label
        self.started = started
        self.follower = follower
        self.generator = generator
        self.progress = progress
        self.next_report = started + REPORT_EVERY

    def until(self, moment: float, phase: str) -> None:
        while (left := moment - time.monotonic()) > 0:
            if self.generator.errors or self.follower.error:
                return
            self.tick(phase)
            time.sleep(min(left, 0.1))

    def tick(self, phase: str) -> None:
        now = time.monotonic()
        if now < self.next_report:
            return
        self.next_report = now + REPORT_EVERY
        recent = [b for b in self.follower.blocks if b.seen_at >= now - RATE_WINDOW]
        rate = sum(b.txs for b in recent) / RATE_WINDOW
        height = self.follower.blocks[-1].height if self.follower.blocks else 0
        self.progress(
            f"{self.label}: {phase:<10} {now - self.started:5.0f} s  committed {rate:7,.0f} tx/s "
            f"(last {RATE_WINDOW:g} s)  in flight {self.generator.in_flight():6,}  "
            f"height {height}"
        )


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _figures(
    lanes: list[Lane], tally: Tally, blocks: list[BlockSeen], start: float, end: float
) -> dict[str, Any]:
    span = max(end - start, 1e-9)
    batches = [b for lane in lanes for b in lane.sent if start <= b.submitted_at < end]
    latencies: list[float] = []
    missing = 0
    for batch in batches:
        for tx_hash in batch.hashes:
            committed = tally.committed_at.get(tx_hash)
            if committed is None:
                missing += 1
            else:
                latencies.append(committed - batch.submitted_at)
    in_window = [b for b in blocks if start <= b.seen_at < end]
    committed = sum(b.txs for b in in_window)
    requests = [b.accepted_at - b.submitted_at for b in batches]
    filled = [b for b in in_window if b.txs]
    gaps = [later.seen_at - earlier.seen_at for earlier, later in itertools.pairwise(blocks)]
    window_gaps = [g for g, b in zip(gaps, blocks[1:], strict=True) if start <= b.seen_at < end]
    return {
        "window_s": round(span, 2),
        "committed_txs": committed,
        "committed_tx_per_s": round(committed / span, 1),
        "submitted_txs": sum(len(b.txs) for b in batches),
        "submitted_tx_per_s": round(sum(len(b.txs) for b in batches) / span, 1),
        "latency_p50_s": round(percentile(latencies, 0.50), 3),
        "latency_p90_s": round(percentile(latencies, 0.90), 3),
        "latency_p99_s": round(percentile(latencies, 0.99), 3),
        "latency_max_s": round(max(latencies, default=0.0), 3),
        "latency_samples": len(latencies),
        "not_committed_after_drain": missing,
        "batch_request_p50_s": round(percentile(requests, 0.50), 3),
        "batch_request_p99_s": round(percentile(requests, 0.99), 3),
        "blocks": len(in_window),
        "blocks_with_txs": len(filled),
        "mean_block_txs": round(committed / max(1, len(filled)), 1),
        "max_block_txs": max((b.txs for b in in_window), default=0),
        "mean_block_bytes": round(sum(b.bytes for b in filled) / max(1, len(filled))),
        "mean_block_interval_s": round(sum(window_gaps) / max(1, len(window_gaps)), 3),
    }


@dataclass(frozen=True, slots=True)
class _CpuSample:
    at: float
    processes: dict[int, float]
    own: float
    machine_busy: float


def _cpu_sample(processes: list[Process]) -> _CpuSample:
    busy, _ = machine_cpu_seconds()
    return _CpuSample(
        at=time.monotonic(),
        processes={p.pid: cpu_seconds(p.pid) for p in processes},
        own=cpu_seconds(os.getpid()),
        machine_busy=busy,
    )


def _cpu_summary(before: _CpuSample, after: _CpuSample, processes: list[Process]) -> dict[str, Any]:
    """CPU seconds over the window per group of processes, and their shares."""
    elapsed = after.at - before.at
    cores = os.cpu_count() or 1
    spent: dict[str, float] = {}
    nodes: dict[str, dict[str, float]] = {}
    for p in processes:
        seconds = after.processes[p.pid] - before.processes[p.pid]
        spent[p.group] = spent.get(p.group, 0.0) + seconds
        nodes.setdefault(p.node, {})[f"{p.group}_s"] = round(seconds, 2)
    spent["load_generator"] = after.own - before.own
    ours = sum(spent.values())
    busy = after.machine_busy - before.machine_busy
    return {
        "window_s": round(elapsed, 2),
        "cores": cores,
        "machine_busy_s": round(busy, 2),
        "machine_utilisation": round(busy / (cores * elapsed), 3),
        **{f"{group}_s": round(seconds, 2) for group, seconds in spent.items()},
        "other_processes_s": round(busy - ours, 2),  # not the benchmark's: others' load
        "share_of_benchmark_processes": {
            group: round(seconds / ours, 3) if ours else 0.0 for group, seconds in spent.items()
        },
        "per_node": nodes,
    }
