"""Run every benchmark and write one JSON file with their conditions."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from senbench.conditions import machine
from senbench.reference import ed25519_verify_rate, reference_of, throughput_ratios

Progress = Callable[[str, float, float], None]

PACED_RATE = 3000  # tx/s offered in the latency run: about half of what saturates this machine


def run_all(
    *,
    duration: float = 60.0,
    out: Path = Path("benchmarks/results"),
    quick: bool = False,
    progress: Progress | None = None,
    only: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Run the benchmarks (``quick``: shorter and smaller, for a smoke run) and save JSON."""
    from senbench.contracts import run_contracts
    from senbench.credentials import run_credentials
    from senbench.directory import run_directory
    from senbench.history import run_history
    from senbench.interchain import run_interchain
    from senbench.receipts import run_receipts
    from senbench.suites import run_suites
    from senbench.throughput import run_throughput
    from senbench.traceability import run_traceability
    from senbench.vault import run_vault

    report: dict[str, Any] = {"conditions": machine(), "quick": quick, "results": {}}
    samples = [ed25519_verify_rate()]  # the same-run reference, again after each benchmark
    plan: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        (
            "rest_throughput",
            lambda: run_throughput(duration=10 if quick else duration, progress=progress),
        ),
        (
            "rest_latency_paced",
            lambda: run_throughput(
                duration=10 if quick else 30, offered_rate=PACED_RATE, progress=progress
            ),
        ),
        ("receipt_verification", lambda: run_receipts(seconds=2 if quick else 5)),
        (
            "credentials",
            lambda: run_credentials(count=30 if quick else 300, dids=100 if quick else 2_000),
        ),
        (
            "directory_lookups",
            lambda: run_directory(chains=50 if quick else 1_000, seconds=1 if quick else 3),
        ),
        (
            "interchain",
            lambda: run_interchain(
                packets=100 if quick else 1_000,
                rate=10.0 if quick else 20.0,
                seconds=5.0 if quick else 20.0,
            ),
        ),
        (
            "suites",
            lambda: run_suites(
                txs=2_000 if quick else 10_000, seconds=1 if quick else 3, progress=progress
            ),
        ),
        (
            "contracts",
            lambda: run_contracts(
                transfers=2_000 if quick else 20_000,
                paced_seconds=5 if quick else 30,
                calls=300 if quick else 3_000,
                instances=5 if quick else 20,
                profile_seconds=4 if quick else 15,
                progress=progress,
            ),
        ),
        (
            "vault",
            lambda: run_vault(
                records=500 if quick else 5_000,
                reads=500 if quick else 5_000,
                batch=200 if quick else 1_000,
            ),
        ),
        (
            "traceability",
            lambda: run_traceability(
                documents=2 if quick else 10,
                stored=50_000 if quick else 1_000_000,
                queries=50 if quick else 300,
                receipts=50 if quick else 200,
            ),
        ),
        (
            "throughput_vs_history",
            lambda: run_history(
                large=100_000 if quick else 1_000_000,
                window=10_000 if quick else 20_000,
                progress=progress,
            ),
        ),
    ]
    for name, action in plan:
        if only and name not in only:
            continue
        report["results"][name] = action()
        samples.append(ed25519_verify_rate())
    reference = reference_of(samples)
    report["reference"] = reference
    for result in report["results"].values():
        result["ratios_to_reference"] = throughput_ratios(result, reference["value"])
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = out / f"bench-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    report["path"] = str(path)
    return report
