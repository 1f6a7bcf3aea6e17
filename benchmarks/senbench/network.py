"""Four validators on one machine: Sen through its REST API, then CometBFT's kvstore, side by side.

``make bench-network`` (or ``python -m senbench.network``) runs, in one go:

1. **Sen**: ``sen.network`` makes 4 validators on loopback (each a Sen process
   serving ABCI and the REST API, plus a CometBFT process); ``evidence.anchor``
   transactions from many senders, signed before the clock starts, are posted
   to ``POST /v1/txs/batch`` round-robin over the 4 APIs (each sender always to
   the same node, nonces in order) by the load generator of
   :mod:`senbench.loadgen`;
2. **kvstore**: the same 4-validator topology (the same genesis, ports and
   CometBFT settings) with CometBFT's built-in ``kvstore`` application instead,
   and ``key=value`` transactions of the same size posted by the same load
   generator as JSON-RPC batches of ``broadcast_tx_sync`` to each node's RPC.

Both runs warm up, then are measured for ``--duration`` seconds: committed
tx/s, submit-to-commit latency per transaction, block sizes, and the CPU
seconds of every CometBFT process, every Sen process and the load generator.
One JSON file (``benchmarks/results/network-<UTC time>.json``) holds the
conditions, every CometBFT setting that differs from ``cometbft init``'s,
both runs, the ratio Sen/kvstore and the targets, met or not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from sen.ledger.crypto import get_suite
from sen.network.cometbft import cometbft_version, find_cometbft, run_cometbft
from sen.network.configure import configure_cometbft
from sen.network.create import NetworkPlan, init_network
from sen.network.manifest import NetworkManifest
from sen.network.network import Network
from sen.network.ports import find_free_base
from sen.network.processes import Service
from sen.network.rpc import api_healthy, chain_status, peer_count
from sen.network.tomledit import TomlValue
from senbench.conditions import machine
from senbench.loadgen import Batch, LoadPlan, Process, Protocol, make_batches, run_load
from senbench.workload import anchor_txs

Progress = Callable[[str], None]

CHAIN_ID = "sen-local"
READY_TIMEOUT = 120.0
TARGETS = {"committed_tx_per_s": 2500, "latency_p99_s": 3.0, "ratio_of_kvstore": 0.5}

# CometBFT settings of this benchmark, on top of those `sen network init` writes (both
# runs). The JSON records the full difference from `cometbft init`'s config.toml.
BENCHMARK_SETTINGS: dict[tuple[str | None, str], TomlValue] = {
    ("p2p", "send_rate"): 20_480_000,  # bytes/s per peer (default 5,120,000)
    ("p2p", "recv_rate"): 20_480_000,
    # The RPC server closes a connection whose answer takes longer than this + 1 s; a
    # JSON-RPC batch of broadcast_tx_sync (what Sen's API sends) can, under full load.
    ("rpc", "timeout_broadcast_tx_commit"): "30s",
}


@dataclass(frozen=True)
class Settings:
    duration: float = 60.0  # seconds measured, per run
    warmup: float = 10.0  # seconds of load before the measured window
    drain: float = 30.0  # seconds to wait for the last transactions to commit
    validators: int = 4
    lanes_per_node: int = 8  # threads (one connection each) posting to each node
    batch_size: int = 100
    window: int = 1000  # transactions in flight (sent, not yet committed) per lane
    senders: int = 256
    block_interval: float = 1.0  # CometBFT timeout_commit: bigger blocks amortise more
    offered_rate: float | None = None  # None: as fast as the window allows
    sen_max_rate: int = 4000  # tx/s the pre-signed pool can feed for the whole run
    kvstore_max_rate: int = 10000

    @property
    def lanes(self) -> int:
        return self.validators * self.lanes_per_node

    def pool_size(self, rate: int) -> int:
        """Transactions per lane to prepare so that ``rate`` tx/s lasts the whole run."""
        per_lane = rate * (self.warmup + self.duration) / self.lanes
        return max(1, int(per_lane) // self.batch_size + 1) * self.batch_size


def run_network_bench(
    settings: Settings,
    *,
    out: Path,
    progress: Progress,
    keep: bool = False,
    runs: tuple[str, ...] = ("sen", "kvstore"),
) -> dict[str, Any]:
    """Both runs (or those named in ``runs``), one JSON file in ``out``; the report."""
    binary = find_cometbft()
    progress(f"CometBFT {cometbft_version(binary)} at {binary}")
    workdir = Path(tempfile.mkdtemp(prefix="sen-bench-net-"))
    try:
        # without the Sen run, a few signed transactions still give the size to match
        sen_lanes = sign_lanes(
            settings if "sen" in runs else replace(settings, sen_max_rate=1), progress
        )
        tx_size = round(sum(len(tx) for lane in sen_lanes for tx in lane) / _count(sen_lanes))
        sen_batches = [
            make_batches(Protocol.sen_api, lane, settings.batch_size) for lane in sen_lanes
        ]
        del sen_lanes
        sen = None
        if "sen" in runs:
            sen = run_sen(settings, workdir / "sen", binary, sen_batches, progress)
        del sen_batches
        kvstore = None
        if "kvstore" not in runs:
            return _save(assemble(settings, binary, tx_size, sen, kvstore), out)
        kv_lanes = kvstore_lanes(settings, tx_size)
        kv_batches = [
            make_batches(Protocol.cometbft_rpc, lane, settings.batch_size) for lane in kv_lanes
        ]
        del kv_lanes
        kvstore = run_kvstore(settings, workdir / "kv", binary, kv_batches, progress)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return _save(assemble(settings, binary, tx_size, sen, kvstore), out)


def _save(report: dict[str, Any], out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = out / f"network-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    report["path"] = str(path)
    return report


# -- transactions -------------------------------------------------------------------------------


def sign_lanes(settings: Settings, progress: Progress) -> list[list[bytes]]:
    """Signed anchors per lane; each lane has its own senders, nonces in order."""
    per_lane = settings.pool_size(settings.sen_max_rate)
    seeds = [os.urandom(32) for _ in range(settings.senders)]
    jobs = [seeds[lane :: settings.lanes] for lane in range(settings.lanes)]
    if any(not job for job in jobs):
        raise ValueError(f"need at least one sender per lane ({settings.lanes} lanes)")
    progress(
        f"signing {per_lane * settings.lanes:,} evidence.anchor transactions "
        f"({settings.senders} senders, before the clock starts)"
    )
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        return list(pool.map(_sign_lane, [CHAIN_ID] * len(jobs), jobs, [per_lane] * len(jobs)))


def _sign_lane(chain_id: str, seeds: list[bytes], count: int) -> list[bytes]:
    suite = get_suite("ed25519")
    return anchor_txs(chain_id, [suite.load_private(seed) for seed in seeds], count)


def kvstore_lanes(settings: Settings, size: int) -> list[list[bytes]]:
    """``key=value`` transactions of ``size`` bytes, unique keys, no ':' (kvstore's format)."""
    per_lane = settings.pool_size(settings.kvstore_max_rate)
    run = os.urandom(4).hex()
    lanes = []
    for lane in range(settings.lanes):
        txs = []
        for i in range(per_lane):
            key = f"bench-{run}-{lane:02d}-{i:09d}="
            txs.append((key + "v" * max(1, size - len(key))).encode())
        lanes.append(txs)
    return lanes


def _count(lanes: list[list[bytes]]) -> int:
    return sum(len(lane) for lane in lanes)


# -- the two networks ---------------------------------------------------------------------------


def make_network(settings: Settings, directory: Path, binary: Path, progress: Progress) -> Network:
    plan = NetworkPlan(
        directory=directory,
        validators=settings.validators,
        base_port=find_free_base(settings.validators, start=30000 + 1000 * (os.getpid() % 25)),
        block_interval=settings.block_interval,
        snapshot_interval=0,  # no state-sync snapshots during the benchmark
    )
    manifest = init_network(plan, binary, progress=lambda _: None)
    for node in manifest.nodes:
        configure_cometbft(node, BENCHMARK_SETTINGS)
    progress(f"{settings.validators} validators in {directory} (base port {plan.base_port})")
    return Network(manifest, cometbft=str(binary))


def run_sen(
    settings: Settings,
    directory: Path,
    binary: Path,
    lane_batches: list[list[Batch]],
    progress: Progress,
) -> dict[str, Any]:
    network = make_network(settings, directory, binary, progress)
    manifest = network.manifest
    try:
        n = settings.validators
        progress(f"sen: starting {n} Sen applications and {n} CometBFT processes")
        network.up()
        _wait_ready(manifest, progress, apis=True)
        processes = [
            Process(group, node.name, pid)
            for node in manifest.nodes
            for group, service in (("cometbft", "cometbft"), ("sen_app", "sen"))
            if (pid := Service(service, node.home).pid()) is not None
        ]
        plan = LoadPlan(
            protocol=Protocol.sen_api,
            urls=[node.api_url for node in manifest.nodes],
            follow_url=manifest.nodes[0].rpc_url,
            window=settings.window,
            warmup=settings.warmup,
            duration=settings.duration,
            drain=settings.drain,
            offered_rate=settings.offered_rate,
        )
        result = run_load(plan, lane_batches, processes, label="sen", progress=progress)
        result["cometbft_settings"] = config_differences(binary, manifest)
        result["sen_settings"] = tomllib.loads(
            (manifest.nodes[0].home / "config" / "sen.toml").read_text()
        )
    finally:
        network.down()
    _report(progress, "sen", result)
    return result


def run_kvstore(
    settings: Settings,
    directory: Path,
    binary: Path,
    lane_batches: list[list[Batch]],
    progress: Progress,
) -> dict[str, Any]:
    network = make_network(settings, directory, binary, progress)
    manifest = network.manifest
    services = [Service("cometbft", node.home) for node in manifest.nodes]
    try:
        for node in manifest.nodes:
            configure_cometbft(node, {(None, "proxy_app"): "kvstore"})
        progress(
            f"kvstore: starting {settings.validators} CometBFT processes "
            "with the built-in kvstore application"
        )
        for service in services:
            service.start([str(binary), "start", "--home", str(service.home)])
        _wait_ready(manifest, progress, apis=False)
        processes = [
            Process("cometbft", node.name, pid)
            for node, service in zip(manifest.nodes, services, strict=True)
            if (pid := service.pid()) is not None
        ]
        plan = LoadPlan(
            protocol=Protocol.cometbft_rpc,
            urls=[node.rpc_url for node in manifest.nodes],
            follow_url=manifest.nodes[0].rpc_url,
            window=settings.window,
            warmup=settings.warmup,
            duration=settings.duration,
            drain=settings.drain,
            offered_rate=settings.offered_rate,
        )
        result = run_load(plan, lane_batches, processes, label="kvstore", progress=progress)
        result["cometbft_settings"] = config_differences(binary, manifest)
    finally:
        for service in services:
            service.stop()
    _report(progress, "kvstore", result)
    return result


def _wait_ready(manifest: NetworkManifest, progress: Progress, *, apis: bool) -> None:
    """Every node at height 1 or more with all its peers (and, for Sen, its API healthy)."""
    deadline = time.monotonic() + READY_TIMEOUT
    want_peers = len(manifest.nodes) - 1
    for node in manifest.nodes:
        while True:
            try:
                ready = (
                    chain_status(node.rpc_url).height >= 1
                    and peer_count(node.rpc_url) >= want_peers
                    and (not apis or api_healthy(node.api_url))
                )
            except Exception:
                ready = False
            if ready:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{node.name} was not ready within {READY_TIMEOUT:g} s")
            time.sleep(0.2)
    progress("all nodes at height ≥ 1 with every peer connected")


def config_differences(binary: Path, manifest: NetworkManifest) -> dict[str, Any]:
    """Every setting of node0's config.toml that differs from a fresh ``cometbft init``."""
    with tempfile.TemporaryDirectory(prefix="sen-bench-default-") as home:
        run_cometbft(binary, ["init", "--home", home])
        default = _flatten(tomllib.loads((Path(home) / "config" / "config.toml").read_text()))
    node = manifest.nodes[0]
    ours = _flatten(tomllib.loads((node.home / "config" / "config.toml").read_text()))
    per_node = ("moniker", "proxy_app", "laddr", "persistent_peers", "home")
    differences: dict[str, Any] = {}
    for key in sorted(ours):
        if ours[key] == default.get(key):
            continue
        value = ours[key]
        if key.rsplit(".", 1)[-1] in per_node and value != "kvstore":
            value = f"(per node; node0: {value})"
        differences[key] = value
    return differences


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _report(progress: Progress, label: str, result: dict[str, Any]) -> None:
    cpu = result["cpu"]
    progress(
        f"{label}: {result['committed_tx_per_s']:,.0f} tx/s committed over "
        f"{result['window_s']:g} s; latency p50 {result['latency_p50_s']} s, "
        f"p99 {result['latency_p99_s']} s; CPU cometbft {cpu.get('cometbft_s', 0)} s, "
        f"sen {cpu.get('sen_app_s', 0)} s, load generator {cpu.get('load_generator_s', 0)} s"
    )


# -- the report ---------------------------------------------------------------------------------


def assemble(
    settings: Settings,
    binary: Path,
    tx_size: int,
    sen: dict[str, Any] | None,
    kvstore: dict[str, Any] | None,
) -> dict[str, Any]:
    ratio = cost_ratio = None
    if sen is not None and kvstore is not None:
        ratio = round(sen["committed_tx_per_s"] / max(kvstore["committed_tx_per_s"], 1e-9), 3)
        sen_ms = sen["cpu"]["ms_per_committed_tx"]["all_benchmark_processes"]
        kvstore_ms = kvstore["cpu"]["ms_per_committed_tx"]["all_benchmark_processes"]
        cost_ratio = round(kvstore_ms / sen_ms, 3) if sen_ms else None
    measured = {
        "committed_tx_per_s": None if sen is None else sen["committed_tx_per_s"],
        "latency_p99_s": None if sen is None else sen["latency_p99_s"],
        "ratio_of_kvstore": ratio,
    }
    targets = {name: _verdict(name, target, measured[name]) for name, target in TARGETS.items()}
    settings_by_run = {
        name: run.pop("cometbft_settings")
        for name, run in (("sen", sen), ("kvstore", kvstore))
        if run is not None
    }
    common = settings_by_run.get("sen") or settings_by_run.get("kvstore") or {}
    return {
        "benchmark": "network_4_validators",
        "conditions": {
            **machine(),
            "cometbft_version": cometbft_version(binary),
            "validators": settings.validators,
            "topology": "all validators and the load generator on this one machine, loopback",
            "sen_tx": f"evidence.anchor (ed25519), {settings.senders} senders, mean {tx_size} B",
            "kvstore_tx": f"key=value, {tx_size} B, unique keys, in-memory kvstore",
            "tx_size_bytes": tx_size,
            "latency_definition": (
                "start of the batch request to the moment node0's application reports a "
                "height that includes the tx (CometBFT /abci_info, polled every 20 ms)"
            ),
            "load_generator": (
                f"one process; {settings.lanes_per_node} lanes per node (threads, one "
                "keep-alive connection each) posting pre-built batches in order, one request "
                f"at a time, at most {settings.window} txs in flight per lane; a 503, mempool "
                "full or (Sen) nonce ahead of the check state is retried after 50 ms"
            ),
            **{k: v for k, v in asdict(settings).items() if not k.endswith("_max_rate")},
            "lanes": settings.lanes,
            "cometbft_settings": common,
            "kvstore_cometbft_settings": {
                k: v
                for k, v in settings_by_run.get("kvstore", {}).items()
                if common.get(k) != v or "sen" not in settings_by_run
            },
        },
        "sen": sen,
        "kvstore": kvstore,
        "ratio_sen_over_kvstore": ratio,
        # the same ratio from CPU time per committed tx (less sensitive to others' load)
        "ratio_sen_over_kvstore_from_cpu_per_tx": cost_ratio,
        "targets": targets,
    }


def _verdict(name: str, target: float, measured: float | None) -> dict[str, Any]:
    at_most = name == "latency_p99_s"
    met = None if measured is None else (measured <= target if at_most else measured >= target)
    return {"target": f"{'≤' if at_most else '≥'} {target}", "measured": measured, "met": met}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m senbench.network",
        description="4 validators on this machine: Sen through its API vs CometBFT's kvstore.",
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="10 s per run (a smoke run)")
    parser.add_argument("--batch-size", type=int, default=Settings.batch_size)
    parser.add_argument("--lanes-per-node", type=int, default=Settings.lanes_per_node)
    parser.add_argument("--senders", type=int, default=Settings.senders)
    parser.add_argument("--window", type=int, default=Settings.window, help="txs in flight/lane")
    parser.add_argument("--block-interval", type=float, default=Settings.block_interval)
    parser.add_argument("--rate", type=float, default=None, help="offered tx/s (default: open)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--keep", action="store_true", help="keep the network directories")
    parser.add_argument(
        "--only", choices=("sen", "kvstore"), default=None, help="run only one side (tuning)"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    settings = Settings(
        duration=10.0 if quick else args.duration,
        warmup=5.0 if quick else args.warmup,
        drain=15.0 if quick else Settings.drain,
        batch_size=args.batch_size,
        lanes_per_node=args.lanes_per_node,
        window=args.window,
        senders=args.senders,
        block_interval=args.block_interval,
        offered_rate=args.rate,
    )
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    runs = (args.only,) if args.only else ("sen", "kvstore")
    report = run_network_bench(settings, out=args.out, progress=progress, keep=args.keep, runs=runs)
    for name, target in report["targets"].items():
        verdict = {True: "met", False: "NOT met", None: "not measured"}[target["met"]]
        print(f"{name}: {target['measured']} (target {target['target']}): {verdict}")
    print(f"Results written to {report['path']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
