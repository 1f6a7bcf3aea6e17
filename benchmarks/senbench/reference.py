"""The same-run reference: Ed25519 signatures this machine verifies per second on two threads.

A throughput figure alone says as much about the machine's load that minute
as about Sen (the same code gave 5,485 and 3,095 tx/s on two days). So every
run measures this reference too, before and after its benchmarks, and each
throughput figure is also reported as a ratio to it: the ratio moves when Sen
changes, far less when the machine does. libsodium's verify (PyNaCl releases
the GIL around it) is what a node spends most of its CPU on, and two threads
use both cores as the node does.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Mapping
from typing import Any

from nacl.signing import SigningKey

REFERENCE_NAME = "ed25519_verify_per_s_two_threads"
THREADS = 2
MESSAGES = 256


def ed25519_verify_rate(seconds: float = 2.0, threads: int = THREADS) -> float:
    """Verifications per second of 256 distinct signed 300-byte messages, on ``threads``."""
    key = SigningKey(bytes(range(32)))
    verify_key = key.verify_key
    signed = [key.sign(i.to_bytes(4, "big") * 75) for i in range(MESSAGES)]
    counts = [0] * threads
    stop = threading.Event()

    def work(slot: int) -> None:
        done = 0
        while not stop.is_set():
            for message in signed:
                verify_key.verify(message)
            done += len(signed)
        counts[slot] = done

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    stop.wait(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def reference_of(samples: list[float]) -> dict[str, Any]:
    """The reference of a run: the median of its samples, with every sample kept."""
    return {
        "name": REFERENCE_NAME,
        "value": round(statistics.median(samples), 1),
        "samples": [round(s, 1) for s in samples],
    }


def throughput_ratios(result: Mapping[str, Any], reference: float) -> dict[str, float]:
    """Every ``*_per_s`` figure of a result (nested ones as ``a.b``) divided by the reference."""
    ratios: dict[str, float] = {}

    def walk(value: Mapping[str, Any], prefix: str) -> None:
        for key in sorted(value):
            item = value[key]
            name = f"{prefix}{key}"
            if key == "targets":
                continue
            if isinstance(item, Mapping):
                walk(item, f"{name}.")
            elif key.endswith("_per_s") and isinstance(item, int | float) and reference > 0:
                ratios[name] = round(item / reference, 4)

    walk(result, "")
    return ratios
