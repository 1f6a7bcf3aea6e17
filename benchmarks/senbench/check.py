"""``make bench-check``: a short run that fails when Sen got slower relative to this machine.

It measures, in one run, the REST throughput of a node (a short saturating
run) and CheckTx throughput of Ed25519 transactions, each as a ratio to the
machine's Ed25519 two-thread verify rate measured around them
(:mod:`senbench.reference`), and compares each ratio with the one recorded in
``benchmarks/reference/check.json``. A ratio more than 15% below its record
fails the check (exit 1), naming the figure, the recorded ratio and today's.
``--record`` writes the file from this run instead (do that on a quiet
machine, from the code whose speed is the new floor, and commit it).

    python -m senbench.check [--record] [--reference PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from senbench.conditions import machine
from senbench.reference import ed25519_verify_rate, reference_of

TOLERANCE = 0.15  # a ratio may fall at most this far below its record
REFERENCE_FILE = Path("benchmarks/reference/check.json")


@dataclass(frozen=True, slots=True)
class Verdict:
    figure: str
    recorded: float
    measured: float

    @property
    def floor(self) -> float:
        return self.recorded * (1 - TOLERANCE)

    @property
    def ok(self) -> bool:
        return self.measured >= self.floor

    def line(self) -> str:
        change = (self.measured / self.recorded - 1) * 100 if self.recorded else 0.0
        state = "ok" if self.ok else "SLOWER"
        return (
            f"{state:6} {self.figure}: ratio {self.measured:.4f} "
            f"(recorded {self.recorded:.4f}, floor {self.floor:.4f}, {change:+.1f}%)"
        )


def measure(duration: float) -> dict[str, Any]:
    """The check's figures, each a ratio to the same-run reference."""
    from senbench.suites import run_suites
    from senbench.throughput import run_throughput

    samples = [ed25519_verify_rate()]
    rest = run_throughput(duration=duration)
    samples.append(ed25519_verify_rate())
    suites = run_suites(txs=4_000, seconds=1.0, rounds=3, names=("ed25519",))
    samples.append(ed25519_verify_rate())
    reference = reference_of(samples)
    figures = {
        "rest_throughput.committed_tx_per_s": float(rest["committed_tx_per_s"]),
        "suites.ed25519.check_tx_per_s": float(suites["suites"]["ed25519"]["check_tx_per_s"]),
    }
    return {
        "conditions": machine(),
        "duration_s": duration,
        "reference": reference,
        "figures": figures,
        "ratios": {k: round(v / reference["value"], 4) for k, v in figures.items()},
    }


def compare(recorded: Mapping[str, float], measured: Mapping[str, float]) -> list[Verdict]:
    missing = sorted(set(recorded) - set(measured))
    if missing:
        raise KeyError(f"the run did not measure {', '.join(missing)}")
    return [Verdict(name, recorded[name], measured[name]) for name in sorted(recorded)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m senbench.check", description=__doc__)
    parser.add_argument("--record", action="store_true", help="write the reference from this run")
    parser.add_argument("--reference", type=Path, default=REFERENCE_FILE)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of REST load")
    args = parser.parse_args(argv)
    if not args.record and not args.reference.is_file():
        print(f"no reference at {args.reference}: run with --record first", file=sys.stderr)
        return 2
    run = measure(args.duration)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (args.out / f"check-{stamp}.json").write_text(json.dumps(run, indent=2) + "\n")
    print(f"reference {run['reference']['name']}: {run['reference']['value']:,.0f}/s")
    if args.record:
        args.reference.write_text(json.dumps(run, indent=2) + "\n")
        print(f"recorded {args.reference}")
        return 0
    recorded = json.loads(args.reference.read_text())["ratios"]
    verdicts = compare(recorded, run["ratios"])
    for verdict in verdicts:
        print(verdict.line())
    return 0 if all(v.ok for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
