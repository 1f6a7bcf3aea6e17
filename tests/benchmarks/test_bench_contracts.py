"""The contracts benchmark runs end to end at a tiny size (a node, the runtime's child processes)
and reports each figure with its conditions (no timing asserted)."""

from __future__ import annotations

import pytest
from senbench.contracts import profile_summary, run_contracts

from sen.vm import Runtime

pytestmark = pytest.mark.slow


def test_it_commits_every_transfer_and_reports_the_figures(
    contract_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the tests' runtime cache (built and compiled once per machine), for the node and children
    monkeypatch.setenv("SEN_RUNTIME_CACHE", str(contract_runtime.path.parent.parent))
    result = run_contracts(
        transfers=20, block_txs=10, senders=5, paced_rate=20.0, paced_seconds=0.5,
        calls=5, instances=2, profile_seconds=0,
    )  # fmt: skip
    saturating = result["node"]["saturating"]
    assert saturating["committed_transfers"] == 20 and saturating["blocks"] == 2
    assert saturating["committed_transfers_per_s"] > 0
    assert 0 < saturating["latency_p50_s"] <= saturating["latency_p99_s"]
    gas = saturating["gas_used_per_transfer"]
    assert gas["calls"] == 20 and 0 < gas["median"] <= gas["max"]
    paced = result["node"]["paced"]
    assert paced["committed_transfers"] == 10 and paced["blocks"] >= 1
    assert result["node"]["profile"] == {"skipped": "profile_seconds is 0"}
    filled = result["runtime"]["filled_cache"]
    assert filled["warm_instance"]["transfers_per_s"] > 0
    assert filled["fresh_session_per_call"]["transfers_per_s"] > 0
    assert filled["fuel_per_transfer"]["first_call_in_instance"] > 0
    assert filled["rss_after_load_mib"] > 0 and filled["instantiate_first_s"] > 0
    assert result["runtime"]["empty_cache"]["compiled_bytes"] > 0
    assert result["conditions"]["wasmtime"] == "50.0.1"
    assert any(note.startswith("saturating:") for note in result["notes"])
    rust = result["node_rust"]
    assert rust["code"] == "rust (wasm component)" and rust["code_bytes"] > 0
    assert rust["saturating"]["committed_transfers"] == 20
    assert rust["paced"]["committed_transfers"] == 10
    # the same token in Rust uses far less gas a transfer than the Python one
    assert rust["saturating"]["gas_used_per_transfer"]["median"] * 2 < gas["median"]
    assert any(note.startswith("rust:") for note in result["notes"])


def test_a_profile_is_summarised_by_category_and_frame() -> None:
    raw = "\n".join(
        [
            "main (senbench/contracts.py:1);EmbeddedEngine.produce_block (sen/consensus/"
            "embedded/engine.py:2);Session.call (sen/vm/engine.py:3);"
            "wasmtime_component_func_call (wasmtime/_bindings.py:4) 6",
            "Thread.run (threading.py:5);crypto_sign_open (nacl/bindings/crypto_sign.py:6) 3",
            "main (senbench/contracts.py:1);SenApp.commit (sen/consensus/app.py:7) 1",
        ]
    )
    summary = profile_summary(raw, top=2)
    assert summary["samples"] == 10
    assert summary["categories"] == {
        "contract call: inside WebAssembly (CPython in the runtime, wasmtime)": 0.6,
        "signature verification (libsodium, in the verifier's threads)": 0.3,
        "commit (state root, LMDB writes, fsync)": 0.1,
    }
    assert summary["top_self"][0] == {
        "frame": "wasmtime_component_func_call (wasmtime/_bindings.py)",
        "share": 0.6,
    }
    assert all("senbench" not in f["frame"] for f in summary["top_inclusive"])
