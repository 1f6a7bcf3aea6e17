"""Does throughput depend on how much history is stored? (10k vs 1M stored txs)

In-process and single-threaded (check_tx, then blocks of up to 10,000 txs
through prepare/process/finalize/commit): the same work at two store sizes.
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sen.consensus.embedded.engine import EngineConfig
from sen.node.node import Node, init_home
from senbench.workload import anchor_txs, make_keys

Progress = Callable[[str, float, float], None]


def run_history(
    *,
    small: int = 10_000,
    large: int = 1_000_000,
    window: int = 20_000,
    repeats: int = 3,
    progress: Progress | None = None,
) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="sen-bench-history-"))
    config = init_home(home)
    config = dataclasses.replace(
        config, engine=EngineConfig(mempool_max_txs=50_000, max_block_txs=10_000)
    )
    node = Node.open(config)
    engine = node.embedded()
    engine.handshake()
    engine.produce_block()
    keys = make_keys(500)
    nonce = 0
    stored = 0

    def push(count: int, label: str) -> float:
        nonlocal nonce, stored
        chunk = 10_000
        spent = 0.0
        done = 0
        while done < count:
            n = min(chunk, count - done)
            txs = anchor_txs(node.app.genesis.chain_id, keys, n, first_nonce=nonce)
            nonce += n // len(keys)
            started = time.perf_counter()
            for i in range(0, n, 1000):
                responses = engine.submit(txs[i : i + 1000])
                if any(r.code for r in responses):
                    raise RuntimeError(f"rejected during {label}: {responses[0]}")
            while len(engine.mempool):
                engine.produce_block()
            spent += time.perf_counter() - started
            done += n
            stored += n
            if progress:
                progress(label, done, count)
        return spent

    def measure(label: str) -> tuple[float, list[float]]:
        """Median of ``repeats`` windows (the machine is shared; one window is noisy)."""
        rates = [window / push(window, f"{label} ({i + 1}/{repeats})") for i in range(repeats)]
        return statistics.median(rates), [round(r, 1) for r in rates]

    results: dict[str, Any] = {}
    try:
        push(small, f"filling to {small:,} txs")
        median, rates = measure(f"measuring at {small:,}")
        results[f"tx_per_s_at_{small}"] = round(median, 1)
        results[f"windows_at_{small}"] = rates
        push(large - stored, f"filling to {large:,} txs")
        median, rates = measure(f"measuring at {large:,}")
        results[f"tx_per_s_at_{large}"] = round(median, 1)
        results[f"windows_at_{large}"] = rates
        size = node.db.size_bytes()
    finally:
        node.close()
    ratio = results[f"tx_per_s_at_{large}"] / results[f"tx_per_s_at_{small}"]
    return {
        "benchmark": "throughput_vs_history",
        "mode": "in-process, one thread for state transition; signatures verified in parallel",
        "tx_type": "evidence.anchor (ed25519)",
        "window_txs": window,
        "windows_per_point": repeats,
        "statistic": "median of the windows",
        "stored_txs_small": small,
        "stored_txs_large": large,
        **results,
        "ratio_large_over_small": round(ratio, 3),
        "storage_bytes_at_end": size,
        "storage_bytes_per_tx": round(size / stored, 1),
        "targets": {"ratio_large_over_small": 0.9},
    }
