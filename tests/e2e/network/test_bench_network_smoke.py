"""`make bench-network` in miniature: both 4-validator networks, 5 s each, one JSON file.

No timing is asserted (the figures depend on the machine); only that both runs
committed transactions and that the report has the shape README and the
reference files rely on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from senbench.network import Settings, run_network_bench

pytestmark = pytest.mark.slow


def test_a_short_benchmark_commits_on_both_networks_and_writes_its_report(
    tmp_path: Path,
) -> None:
    settings = Settings(
        duration=5.0,
        warmup=2.0,
        drain=20.0,
        lanes_per_node=1,
        batch_size=100,
        window=300,
        senders=16,
        sen_max_rate=1500,
        kvstore_max_rate=3000,
    )
    lines: list[str] = []
    report = run_network_bench(settings, out=tmp_path, progress=lines.append)

    saved = json.loads(Path(report["path"]).read_text())
    assert Path(report["path"]).parent == tmp_path
    assert saved["benchmark"] == "network_4_validators"
    conditions = saved["conditions"]
    assert conditions["validators"] == 4 and conditions["cometbft_version"].startswith("0.38.")
    assert conditions["block_interval"] == 1.0
    assert conditions["cometbft_settings"]["rpc.timeout_broadcast_tx_commit"] == "30s"
    assert conditions["kvstore_cometbft_settings"]["proxy_app"] == "kvstore"
    for name in ("sen", "kvstore"):
        run = saved[name]
        assert run["committed_txs"] > 0, name
        assert run["latency_samples"] > 0 and run["latency_p99_s"] >= run["latency_p50_s"] > 0
        assert run["cpu"]["cometbft_s"] > 0
        assert set(run["cpu"]["per_node"]) == {"node0", "node1", "node2", "node3"}
        assert run["cpu"]["ms_per_committed_tx"]["all_benchmark_processes"] > 0
    assert saved["sen"]["cpu"]["sen_app_s"] > 0
    assert "sen_app_s" not in saved["kvstore"]["cpu"]
    assert saved["ratio_sen_over_kvstore"] > 0
    assert set(saved["targets"]) == {"committed_tx_per_s", "latency_p99_s", "ratio_of_kvstore"}
    assert all(isinstance(t["met"], bool) for t in saved["targets"].values())
    assert any(line.startswith("sen: measuring") for line in lines)
    assert any(line.startswith("kvstore: measuring") for line in lines)
