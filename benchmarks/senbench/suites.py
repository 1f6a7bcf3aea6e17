"""Signature suites compared: signed transactions per second through CheckTx, and raw speed.

For each suite a fresh application (its own LMDB directory, a genesis that
allows only that suite) receives pre-signed ``evidence.anchor`` transactions
from many senders through ``SenApp.check_txs`` in chunks of 1,000: decode,
envelope checks, signature verification (in the verifier's thread pool) and
nonce reservation, exactly the CheckTx path of the node. Signing happens
before the clock starts. Raw single-thread verify/s and sign/s are measured
on one key and one transaction's sign bytes. The suites take turns for three
rounds and each figure is the median of its rounds.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cryptography.hazmat.backends.openssl import backend
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sen.abci.types import RequestInitChain
from sen.consensus.app import SenApp
from sen.ledger.crypto import get_suite
from sen.ledger.light.types import Timestamp
from sen.ledger.tx import decode_tx
from sen.ledger.types import ChainParams
from sen.light.genesis import Genesis, GenesisValidator, load_genesis, make_genesis
from sen.node.keys import public_bytes
from sen.store.db import Database
from senbench.workload import anchor_txs

Progress = Callable[[str, float, float], None]

SUITES = ("ed25519", "ecdsa-p256", "ecdsa-secp256k1", "ml-dsa-65")
CHAIN_ID = "sen-bench-suites"
CHUNK = 1000


def run_suites(
    *,
    txs: int = 10_000,
    senders: int = 500,
    seconds: float = 3.0,
    rounds: int = 3,
    progress: Progress | None = None,
    names: tuple[str, ...] = SUITES,
) -> dict[str, Any]:
    """Every suite: CheckTx tx/s (a fresh app each time), raw verify/s and sign/s.

    The suites take turns, ``rounds`` times, and each figure is the median of
    its rounds: on a shared machine the load drifts, and interleaving spreads
    the drift over all suites instead of favouring whichever ran last.
    """
    load_before = os.getloadavg()
    workloads = {name: _Workload(name, txs, senders) for name in names}
    check: dict[str, list[float]] = {name: [] for name in SUITES}
    verify: dict[str, list[float]] = {name: [] for name in SUITES}
    sign: dict[str, list[float]] = {name: [] for name in SUITES}
    for round_number in range(rounds):
        for name, work in workloads.items():
            check[name].append(work.check_tx_rate())
            verify[name].append(_rate(work.verify_one, seconds / rounds))
            sign[name].append(_rate(work.sign_one, seconds / rounds))
            if progress is not None:
                done = round_number * len(names) + names.index(name) + 1
                progress("suites", done, rounds * len(names))
    results = {
        name: {
            "check_tx_per_s": round(statistics.median(check[name]), 1),
            "check_tx_per_s_rounds": [round(r, 1) for r in check[name]],
            "verifier_threads": work.workers,
            "verify_per_s_one_thread": round(statistics.median(verify[name]), 1),
            "sign_per_s_one_thread": round(statistics.median(sign[name]), 1),
            "tx_bytes_median": work.median_size,
            "public_key_bytes": work.suite.public_key_size,
            "signature_bytes": work.suite.signature_size,
        }
        for name, work in workloads.items()
    }
    return {
        "benchmark": "signature_suites",
        "path": "SenApp.check_txs: decode, envelope, signature (thread pool), nonce",
        "tx_type": "evidence.anchor (sha-256 digest, Vietnamese title and organisation)",
        "txs_per_suite": txs,
        "warm_up_txs": min(CHUNK, txs // 10),
        "senders": senders,
        "chunk": CHUNK,
        "rounds": rounds,
        "libraries": libraries(),
        "load_average_1m": {"before": load_before[0], "after": os.getloadavg()[0]},
        "suites": results,
    }


class _Workload:
    """One suite's senders and pre-signed transactions, and the measurements over them."""

    def __init__(self, name: str, count: int, senders: int) -> None:
        self.name = name
        self.suite = get_suite(name)
        self.keys = [self.suite.generate() for _ in range(senders)]
        self.raws = anchor_txs(CHAIN_ID, self.keys, count)
        self.median_size = sorted(len(raw) for raw in self.raws)[count // 2]
        self.genesis = _genesis(name)
        self.sample = decode_tx(self.raws[0]).sign_bytes
        self.signature = self.keys[0].sign(self.sample)
        self.workers = 0

    def check_tx_rate(self) -> float:
        """CheckTx tx/s on a fresh application (after an untimed warm-up chunk)."""
        home = Path(tempfile.mkdtemp(prefix=f"sen-bench-{self.name}-"))
        db = Database(home, sync=False)
        app = SenApp(db, self.genesis)
        warm_up = min(CHUNK, len(self.raws) // 10)
        try:
            app.init_chain(
                RequestInitChain(
                    time=self.genesis.genesis_time,
                    chain_id=CHAIN_ID,
                    validators=(),
                    app_state_bytes=self.genesis.app_state_bytes(),
                )
            )
            _check(app, self.name, self.raws[:warm_up])  # first calls fill caches
            started = time.perf_counter()
            for start in range(warm_up, len(self.raws), CHUNK):
                _check(app, self.name, self.raws[start : start + CHUNK])
            elapsed = time.perf_counter() - started
            self.workers = app.verifier.workers
        finally:
            app.verifier.close()
            db.close()
            shutil.rmtree(home, ignore_errors=True)
        return (len(self.raws) - warm_up) / elapsed

    def verify_one(self) -> object:
        return self.suite.verify(self.keys[0].public_key, self.sample, self.signature)

    def sign_one(self) -> object:
        return self.keys[0].sign(self.sample)


def _check(app: SenApp, name: str, raws: list[bytes]) -> None:
    refused = [r for r in app.check_txs(raws) if r.code != 0]
    if refused:
        raise RuntimeError(f"{name}: check_tx refused a transaction: {refused[0]}")


def _genesis(suite: str) -> Genesis:
    validator = Ed25519PrivateKey.from_private_bytes(bytes(32))
    return load_genesis(
        make_genesis(
            chain_id=CHAIN_ID,
            genesis_time=Timestamp(1_700_000_000, 0),
            validators=[GenesisValidator(public_bytes(validator), 10, "bench")],
            params=ChainParams(chain_id=CHAIN_ID, allowed_suites=(suite,)),
        )
    )


def _rate(action: Callable[[], object], seconds: float) -> float:
    started = time.perf_counter()
    done = 0
    while (elapsed := time.perf_counter() - started) < seconds:
        action()
        done += 1
    return done / elapsed


def libraries() -> dict[str, str]:
    """Versions of what does the cryptography: cryptography and its OpenSSL, PyNaCl."""

    def installed(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "unknown"

    return {
        "cryptography": installed("cryptography"),
        "openssl": backend.openssl_version_text(),
        "pynacl": installed("pynacl"),
    }
