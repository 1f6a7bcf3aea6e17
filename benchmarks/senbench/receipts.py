"""Receipts verified per second, offline (the verifier `sen verify` uses)."""

from __future__ import annotations

import json
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sen.ledger.tx import sign_tx
from sen.light.genesis import load_genesis
from sen.light.receipt import ReceiptVerifier, verify_receipt
from sen.node.node import Node, init_home
from sen.services.readmodels.receipts import build_receipt
from senbench.workload import make_keys

BATCH_SIZE = 200


def run_receipts(*, receipts: int = 200, seconds: float = 5.0) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="sen-bench-receipts-"))
    config = init_home(home, block_interval=0.05)
    node = Node.open(config)
    node.start()
    try:
        key = make_keys(1)[0]
        digests = [os.urandom(32) for _ in range(receipts)]
        txs = [
            sign_tx(
                key,
                chain_id=node.app.genesis.chain_id,
                nonce=i,
                module="evidence",
                action="anchor",
                args={"digest": d, "title": f"Hồ sơ {i}", "organisation": "Bệnh viện Bạch Mai"},
            ).raw
            for i, d in enumerate(digests)
        ]
        class_of_diplomas = [os.urandom(32) for _ in range(BATCH_SIZE)]
        txs.append(
            sign_tx(
                key,
                chain_id=node.app.genesis.chain_id,
                nonce=len(txs),
                module="evidence",
                action="anchor_batch",
                args={"digests": class_of_diplomas, "organisation": "Đại học Cần Thơ"},
            ).raw
        )
        node.engine.submit(txs)
        while len(node.engine.mempool) or node.embedded()._last_had_txs:
            time.sleep(0.05)
        texts = [json.dumps(build_receipt(node, "sha-256", d)) for d in digests]
        batch_texts = [json.dumps(build_receipt(node, "sha-256", d)) for d in class_of_diplomas]
    finally:
        node.close()
    genesis = load_genesis(config.genesis_path.read_bytes())

    def verify_one(text: str) -> None:
        verify_receipt(json.loads(text), genesis)

    single = _rate(lambda i: verify_one(texts[i % len(texts)]), seconds)
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(
        workers, initializer=_worker_setup, initargs=(config.genesis_path.read_bytes(), texts)
    ) as pool:
        list(pool.map(_worker_verify, [0.1] * workers))  # warm up every worker
        started = time.perf_counter()
        counts = list(pool.map(_worker_verify, [seconds] * workers))
        parallel = sum(counts) / (time.perf_counter() - started)
    bulk = ReceiptVerifier(genesis)
    bulk_rate = _rate(lambda i: bulk.verify(json.loads(batch_texts[i % BATCH_SIZE])), seconds)
    return {
        "benchmark": "receipt_verification",
        "receipt_bytes": len(texts[0]),
        "checks_per_receipt": (
            "JSON parse, 2 headers, 1 commit (ed25519), tx signature, 2 Merkle proofs"
        ),
        "receipts_per_s_one_process": round(single, 1),
        "receipts_per_s_all_cores": round(parallel, 1),
        "processes": workers,
        "note": "each receipt verified from scratch: no cache of already-verified commits",
        "bulk_receipts_per_s_one_process": round(bulk_rate, 1),
        "bulk_scenario": (
            f"{BATCH_SIZE} receipts of one anchor_batch (a class of diplomas) through one "
            "ReceiptVerifier, which checks their shared headers, commit and transaction once"
        ),
        "bulk_receipt_bytes": len(batch_texts[0]),
        "targets": {"receipts_per_s": 5000},
    }


_WORKER: dict[str, Any] = {}


def _worker_setup(genesis_bytes: bytes, texts: list[str]) -> None:
    _WORKER["genesis"] = load_genesis(genesis_bytes)
    _WORKER["texts"] = texts


def _worker_verify(seconds: float) -> int:
    genesis, texts = _WORKER["genesis"], _WORKER["texts"]
    started = time.perf_counter()
    done = 0
    while time.perf_counter() - started < seconds:
        verify_receipt(json.loads(texts[done % len(texts)]), genesis)
        done += 1
    return done


def _rate(action: Any, seconds: float) -> float:
    started = time.perf_counter()
    done = 0
    while time.perf_counter() - started < seconds:
        action(done)
        done += 1
    return done / (time.perf_counter() - started)
