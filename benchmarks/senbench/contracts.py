"""Python contracts: token transfers committed per second by a node, and the runtime's own costs.

Issue 13's target is 1,000 Python transfers/s. Two parts:

- **node**: a real node, assembled as ``sen node init --contracts`` and
  ``sen node run`` assemble it (``init_home(home, contracts=True)``,
  ``Node.open``: the embedded engine, LMDB with fsync at every commit, the
  runtime loaded when a block first runs a contract). A small token contract
  (:data:`TOKEN`) is uploaded and instantiated with a balance for each of
  ``senders`` accounts. Then signed ``contracts/execute`` transactions, each a
  ``transfer`` of 1 from one account to the next (one transaction per sender
  per block, so nonces do not serialise), all signed before the clock starts,
  each with a gas limit of ``transfer_gas``. The chain's ``max_block_gas``
  counts gas limits and the engine's proposer does not, so the engine is told
  how many transfers fit in a block (``max_block_txs``). A transfer may fail
  only by running out of gas (counted; see the notes); any other failure
  stops the benchmark.

  * *saturating*: blocks of ``block_txs`` transfers, back to back, each
    submitted (``EmbeddedEngine.submit``: CheckTx, signatures in the verifier's
    threads) and then produced (``produce_block``: prepare, process, finalize
    with the contract calls, commit). Transfers committed per second, and a
    transfer's latency from its block's submission to its commit.
  * *paced*: the engine on its own thread as the node runs it (0.5 s block
    interval), offered ``paced_rate`` transfers/s for ``paced_seconds``: the
    committed rate, latency from submission to commit, block sizes.
  * gas used per transfer, from the committed results; and, with py-spy
    installed, a profile (``py-spy record`` of this process) of another
    saturating window: the top frames go into ``notes``.

- **runtime**: ``sen.vm.Runtime`` alone, in child processes so that their
  memory is theirs alone: the runtime component compiled with an empty cache
  directory, then loaded from the filled one; RSS before and after the load
  and per live instance; instantiation (a fresh instance loads and compiles
  the contract's source: the first in the process and the next ones, and the
  bare component without a source); transfers per second through
  ``Session.call`` with one warm instance and with a fresh session per call.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from sen.consensus.embedded.engine import CommittedBlock, EmbeddedEngine
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey, address_of
from sen.ledger.light.txs import tx_hash
from sen.ledger.modules.contracts.records import DEFAULT_MAX_BLOCK_GAS
from sen.ledger.tx import sign_tx
from sen.ledger.types import TxResult
from sen.light.genesis import load_genesis
from sen.node.node import Node, init_home
from sen.vm import CallStatus
from sen.vm.build import cached_runtime, user_cache
from senbench.conditions import machine, percentile
from senbench.workload import make_keys

Progress = Callable[[str, float, float], None]

TOKEN = b'''"""A token for the benchmark: holders named at instantiation, transfers between them."""
import sen_contract as sen

balances = sen.Map("balances")


@sen.instantiate
def init(holders, amount):
    for holder in holders:
        balances[holder] = amount


@sen.execute
def transfer(to, amount):
    sender = sen.env().sender
    have = balances.get(sender, 0)
    sen.require(0 < amount <= have, "insufficient balance")
    balances[sender] = have - amount
    balances[to] = balances.get(to, 0) + amount
    sen.emit("transfer", to=to, amount=amount)
    return {"balance": have - amount}


@sen.execute
def noop():
    return None


@sen.query
def balance(of):
    return balances.get(of, 0)
'''

RUST_TOKEN = Path(__file__).resolve().parents[1] / "rust-token"
"""TOKEN in Rust (benchmarks/rust-token), built into a component by cargo for the run."""


def rust_token() -> bytes:
    """The Rust token's component, built now (cargo; seconds once its crates are built)."""
    from sen.vm.build import build_component

    target = Path(__file__).resolve().parents[2] / ".bin" / "cargo-target"
    return build_component(RUST_TOKEN, target).read_bytes()


SUPPLY = 10**12  # each holder's balance: never runs out
INSTANTIATE_GAS = 150_000_000  # ~33,000 per holder written; the chain's default maximum is 200M
TRANSFER_GAS = (
    3_000_000  # about 4x the median: the first call in a block also pays its instance (~1.1M)
)
PACED_BLOCK_INTERVAL = 0.5  # `sen node init`'s default


# -- the node ---------------------------------------------------------------------------------


class _Senders:
    """Round-robin signers of transfers, each to the next account, nonces counted on."""

    def __init__(self, chain_id: str, keys: list[SigningKey], contract: bytes, gas: int) -> None:
        self.chain_id = chain_id
        self.keys = keys
        self.holders = [address_of(k.suite, k.public_key).hex() for k in keys]
        self.contract = contract
        self.gas = gas
        self.nonces = [0] * len(keys)
        self.cursor = 0

    def transfers(self, count: int) -> list[bytes]:
        raws = []
        for _ in range(count):
            who = self.cursor
            self.cursor = (who + 1) % len(self.keys)
            args = {
                "contract": self.contract,
                "entry": "transfer",
                "args": {"to": self.holders[(who + 1) % len(self.keys)], "amount": 1},
                "gas": self.gas,
            }
            tx = sign_tx(
                self.keys[who],
                chain_id=self.chain_id,
                nonce=self.nonces[who],
                module="contracts",
                action="execute",
                args=args,
            )
            self.nonces[who] += 1
            raws.append(tx.raw)
        return raws

    def rewind(self, count: int) -> None:
        """Forget the last ``count`` transfers signed (never submitted): reuse their nonces."""
        for _ in range(count):
            self.cursor = (self.cursor - 1) % len(self.keys)
            self.nonces[self.cursor] -= 1


def _submit(engine: EmbeddedEngine, raws: Sequence[bytes]) -> None:
    for response in engine.submit(raws):
        if response.code != 0:
            raise RuntimeError(f"CheckTx refused a transfer: {response.code} {response.log}")


TOLERATED = frozenset({ResultCode.OUT_OF_GAS})
"""A transfer may fail only by running out of gas (counted in the results; since the runtime
clears each call's namespace no call runs the cycle collector, which once cost several times
the median); any other failure stops the benchmark."""


def _results(
    node: Node, height: int, tolerated: frozenset[ResultCode] = frozenset()
) -> list[TxResult]:
    found = node.app.store.load_results(height)
    if found is None:
        raise RuntimeError(f"block {height} has no results")
    for result in found:
        if not result.ok and result.code not in tolerated:
            raise RuntimeError(
                f"a transaction failed at height {height}: {result.code.name} {result.log}"
            )
    return found


def _tally(node: Node, heights: Sequence[int]) -> tuple[list[TxResult], dict[str, int]]:
    """The successful results of these blocks, and the failures counted by code."""
    ok: list[TxResult] = []
    failed: Counter[str] = Counter()
    for height in heights:
        for result in _results(node, height, TOLERATED):
            if result.ok:
                ok.append(result)
            else:
                failed[result.code.name] += 1
    return ok, dict(failed)


def _one_block(
    node: Node, engine: EmbeddedEngine, raws: Sequence[bytes],
    tolerated: frozenset[ResultCode] = frozenset(),
) -> list[TxResult]:  # fmt: skip
    _submit(engine, raws)
    return _results(node, engine.produce_block().height, tolerated)


def _deploy(
    node: Node, engine: EmbeddedEngine, owner: SigningKey, holders: list[str], code: bytes
) -> bytes:
    chain_id = node.app.genesis.chain_id
    upload = sign_tx(
        owner, chain_id=chain_id, nonce=0, module="contracts", action="upload",
        args={"source": code},
    )  # fmt: skip
    (uploaded,) = _one_block(node, engine, [upload.raw])
    args = {
        "code": uploaded.data,
        "args": {"holders": holders, "amount": SUPPLY},
        "label": "senbench token",
        "gas": INSTANTIATE_GAS,
    }
    made = sign_tx(
        owner, chain_id=chain_id, nonce=1, module="contracts", action="instantiate", args=args
    )
    (instantiated,) = _one_block(node, engine, [made.raw])
    return instantiated.data


def _saturating(
    node: Node, engine: EmbeddedEngine, senders: _Senders, transfers: int, block_txs: int,
    progress: Progress | None,
) -> dict[str, Any]:  # fmt: skip
    blocks = max(1, transfers // block_txs)
    chunks = [senders.transfers(block_txs) for _ in range(blocks)]
    checks: list[float] = []
    produced: list[float] = []
    latencies: list[float] = []
    heights: list[int] = []
    cpu_before = time.process_time()
    started = time.perf_counter()
    for n, chunk in enumerate(chunks):
        submitted = time.perf_counter()
        _submit(engine, chunk)
        checked = time.perf_counter()
        heights.append(engine.produce_block().height)
        committed = time.perf_counter()
        checks.append(checked - submitted)
        produced.append(committed - checked)
        latencies.extend([committed - submitted] * len(chunk))
        if progress:
            progress("contracts: saturating blocks", n + 1, blocks)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    first_in_block = [_results(node, h, TOLERATED)[0].gas_used for h in heights]
    ok, failed = _tally(node, heights)
    return {
        "blocks": blocks,
        "block_txs": block_txs,
        "committed_transfers": len(ok),
        "failed_transfers": failed,
        "seconds": round(elapsed, 2),
        "committed_transfers_per_s": round(len(ok) / elapsed, 1),
        "latency_p50_s": round(percentile(latencies, 0.5), 3),
        "latency_p99_s": round(percentile(latencies, 0.99), 3),
        "latency_definition": "a block's submission (CheckTx) to its commit; no queue",
        "per_block_s": {
            "check_tx_median": round(statistics.median(checks), 4),
            "produce_block_median": round(statistics.median(produced), 4),
        },
        "cpu_seconds_this_process": round(cpu, 2),
        "cpu_cores_used": round(cpu / elapsed, 2),
        "gas_used_per_transfer": {
            **fuel_figures([r.gas_used for r in ok]),
            "first_in_block_median": int(statistics.median(first_in_block)),
        },
    }


def fuel_figures(values: Sequence[int]) -> dict[str, int]:
    """Fuel (gas) used per call: a few calls use several times the median (see notes)."""
    middle = statistics.median(values)
    return {
        "calls": len(values),
        "median": int(middle),
        "p99": int(percentile([float(v) for v in values], 0.99)),
        "max": max(values),
        "calls_above_twice_the_median": sum(1 for v in values if v > 2 * middle),
    }


def _paced(
    node: Node, engine: EmbeddedEngine, senders: _Senders, rate: float, seconds: float,
    progress: Progress | None,
) -> dict[str, Any]:  # fmt: skip
    count = max(1, int(rate * seconds))
    raws = senders.transfers(count)
    hashes = [tx_hash(raw) for raw in raws]
    committed_at: dict[bytes, float] = {}
    block_sizes: list[int] = []
    heights: list[int] = []
    lock = threading.Lock()

    def on_commit(block: CommittedBlock) -> None:
        now = time.monotonic()
        with lock:
            for hashed in block.tx_hashes:
                committed_at[hashed] = now
            if block.tx_hashes:
                block_sizes.append(len(block.tx_hashes))
                heights.append(block.height)

    engine.listeners.append(on_commit)
    engine.start()
    submitted_at = [0.0] * count
    sent = 0
    started = time.monotonic()
    while sent < count:
        due = min(count, int((time.monotonic() - started) * rate) + 1)
        if due > sent:
            now = time.monotonic()
            _submit(engine, raws[sent:due])
            submitted_at[sent:due] = [now] * (due - sent)
            sent = due
            if progress:
                progress("contracts: paced transfers", sent, count)
        time.sleep(0.01)
    deadline = time.monotonic() + 120 + seconds
    while True:
        with lock:
            done = len(committed_at)
        if done >= count or engine.error is not None:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {done} of {count} paced transfers committed in time")
        time.sleep(0.02)
    if engine.error is not None:
        raise RuntimeError(f"the engine stopped: {engine.error}")
    last = max(committed_at[h] for h in hashes)
    latencies = [committed_at[h] - at for h, at in zip(hashes, submitted_at, strict=True)]
    ok, failed = _tally(node, heights)
    return {
        "offered_rate": rate,  # transfers per second (not a measured figure: no ratio)
        "offered_seconds": seconds,
        "block_interval_s": engine.config.block_interval,
        "committed_transfers": len(ok),
        "failed_transfers": failed,
        "committed_transfers_per_s": round(len(ok) / (last - started), 1),
        "latency_p50_s": round(percentile(latencies, 0.5), 3),
        "latency_p99_s": round(percentile(latencies, 0.99), 3),
        "latency_definition": "submission (CheckTx) of a transfer to its block's commit",
        "blocks": len(block_sizes),
        "mean_block_txs": round(sum(block_sizes) / max(1, len(block_sizes)), 1),
        "max_block_txs": max(block_sizes, default=0),
    }


def _max_block_gas(genesis_path: Path) -> int:
    """The chain's ``app_state.contracts.max_block_gas`` (its default if absent)."""
    section = load_genesis(genesis_path.read_bytes()).contracts or {}
    return int(section.get("max_block_gas", DEFAULT_MAX_BLOCK_GAS))


def _py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def _profiled(
    engine: EmbeddedEngine, senders: _Senders, block_txs: int, seconds: float, rate: float,
    workdir: Path,
) -> dict[str, Any]:  # fmt: skip
    """Saturating blocks while py-spy samples this process for ``seconds``; the top frames."""
    spy = _py_spy()
    if spy is None:
        return {"skipped": "py-spy is not installed (.venv/bin/pip install py-spy)"}
    blocks = max(2, int(rate * (seconds + 3) / block_txs) + 1)
    chunks = [senders.transfers(block_txs) for _ in range(blocks)]
    output = workdir / "profile.txt"
    command = [
        spy, "record", "--pid", str(os.getpid()), "--rate", "100", "--duration",
        str(max(1, round(seconds))), "--format", "raw", "--nonblocking", "--output", str(output),
    ]  # fmt: skip
    spying = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)  # let it attach
    produced = 0
    for chunk in chunks:
        if spying.poll() is not None:
            break
        _submit(engine, chunk)
        engine.produce_block()
        produced += 1
    _, errors = spying.communicate(timeout=60)
    senders.rewind((blocks - produced) * block_txs)  # signed, never submitted
    if spying.returncode != 0 or not output.exists():
        text = errors.decode(errors="replace").strip()[-500:]
        return {"skipped": f"py-spy failed ({spying.returncode}): {text}"}
    report = profile_summary(output.read_text())
    report["blocks_during_profile"] = produced
    return report


def _frame(text: str) -> str:
    """``name (path:line)`` as ``name (last/three/parts)``."""
    name, _, where = text.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({'/'.join(path.split('/')[-3:])})" if path else name


def _category(frames: Sequence[str]) -> str:
    """What one sampled stack was doing (outermost frame first)."""

    def has(*needles: str) -> bool:
        return any(needle in frame for frame in frames for needle in needles)

    leaf = frames[-1]
    if has("nacl/"):
        return "signature verification (libsodium, in the verifier's threads)"
    if has("Session._new_instance"):
        return "a new instance per contract per block (Session._new_instance)"
    if has("Runtime._state_get", "Runtime._charge", "Runtime._sha256", "Runtime._verify"):
        return "host functions (sen.vm.engine's and the ledger's Python)"
    if has("Session.call "):
        if leaf.startswith("wasmtime_component_func_call "):
            return "contract call: inside WebAssembly (CPython in the runtime, wasmtime)"
        if has("wasmtime/"):
            return "contract call: wasmtime-py's Python (types, values lifted and lowered)"
        return "contract call: sen.vm.engine (fuel, the answer's JSON, writes, events)"
    if has("EmbeddedEngine.submit"):
        return "CheckTx (decode, nonces; signatures counted above)"
    if has("SenApp.finalize_block"):
        return "finalize_block outside the contract call (decode, events, state writes)"
    if has("SenApp.commit"):
        return "commit (state root, LMDB writes, fsync)"
    if has("produce_block"):
        return "block assembly (proposal, headers, block store)"
    return "other"


_OUTER = ("senbench/", "<module>", "runpy", "threading.py", "concurrent/", "typer/", "sen/cli/")


def profile_summary(raw: str, top: int = 15) -> dict[str, Any]:
    """py-spy's raw (collapsed) stacks: shares of samples by category, by frame (inclusive,
    the benchmark's own and threads' outer frames left out) and by innermost frame (self).
    Every share is of all active samples of all threads."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not stack_text or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame(f) for f in stack_text.split(";")]
        total += count
        own[frames[-1]] += count
        categories[_category(frames)] += count
        for frame in set(frames):
            if not any(outer in frame for outer in _OUTER):
                inclusive[frame] += count

    def shares(counter: Counter[str]) -> list[dict[str, Any]]:
        return [
            {"frame": frame, "share": round(n / total, 3)} for frame, n in counter.most_common(top)
        ]

    return {
        "samples": total,
        "categories": {k: round(v / total, 3) for k, v in categories.most_common()},
        "top_inclusive": shares(inclusive),
        "top_self": shares(own),
    }


def _node_part(
    *, transfers: int, block_txs: int, senders: int, transfer_gas: int, paced_rate: float,
    paced_seconds: float, profile_seconds: float, progress: Progress | None,
    code: bytes = TOKEN,
) -> dict[str, Any]:  # fmt: skip
    home = Path(tempfile.mkdtemp(prefix="sen-bench-contracts-"))
    try:
        config = init_home(home, contracts=True, block_interval=PACED_BLOCK_INTERVAL)
        # A block runs calls whose gas limits add up to at most the chain's max_block_gas;
        # the engine's proposer does not count gas, so it is told how many transfers fit.
        block_gas = _max_block_gas(config.genesis_path)
        fitting = min(config.engine.max_block_txs, block_gas // transfer_gas)
        if block_txs > fitting:
            raise ValueError(f"{block_txs} transfers of {transfer_gas:,} gas exceed the block's")
        config = dataclasses.replace(
            config,
            engine=dataclasses.replace(
                config.engine, mempool_max_txs=200_000, max_block_txs=fitting
            ),
        )
        node = Node.open(config)
        try:
            engine = node.embedded()
            engine.handshake()
            engine.produce_block()
            keys = make_keys(senders)
            owner = make_keys(1)[0]
            holders = [address_of(k.suite, k.public_key).hex() for k in keys]
            started = time.perf_counter()
            contract = _deploy(node, engine, owner, holders, code)
            deploy_seconds = time.perf_counter() - started
            signer = _Senders(node.app.genesis.chain_id, keys, contract, transfer_gas)
            warm_up = signer.transfers(min(block_txs, transfers))
            _one_block(node, engine, warm_up, TOLERATED)
            rss_before = _memory()["VmRSS"]
            saturating = _saturating(node, engine, signer, transfers, block_txs, progress)
            rss_after = _memory()["VmRSS"]
            profile: dict[str, Any] = {"skipped": "profile_seconds is 0"}
            if profile_seconds > 0:
                rate = saturating["committed_transfers_per_s"]
                profile = _profiled(engine, signer, block_txs, profile_seconds, rate, home)
                profile["seconds"] = profile_seconds
            paced = _paced(node, engine, signer, paced_rate, paced_seconds, progress)
            rss_end = _memory()["VmRSS"]
            sync = config.sync
        finally:
            node.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return {
        "node": "init_home(contracts=True) + Node.open: the embedded engine, in this process",
        "code": "python" if code == TOKEN else "rust (wasm component)",
        "code_bytes": len(code),
        "storage_sync": sync,
        "senders": senders,
        "transfer_gas": transfer_gas,
        "max_block_gas": block_gas,
        "max_block_txs": fitting,
        "deploy_seconds": round(deploy_seconds, 2),
        "deploy_note": "upload and instantiate blocks, including the runtime's first load "
        "(compiled, or read from the compiled cache)",
        "saturating": saturating,
        "rss_mib": {
            "before_saturating": _mib(rss_before),
            "after_saturating": _mib(rss_after),
            "after_paced": _mib(rss_end),
            "note": "this whole process (LMDB's pages, the signed transactions, the mempool); "
            "each block makes an instance (about 8 MiB while alive): growth far below that "
            "per block means they are dropped",
        },
        "paced": paced,
        "profile": profile,
    }


# -- the runtime alone, in child processes --------------------------------------------------------


def _memory() -> dict[str, int]:
    """This process's resident set size now and at its peak, in bytes."""
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) * 1024
    return found


def _mib(n: float) -> float:
    return round(n / 2**20, 1)


def _environment(sender: str) -> str:
    document = {
        "chain_id": "senbench", "height": 2, "time": 1_700_000_000, "contract": "00" * 20,
        "sender": sender, "caller": sender,
    }  # fmt: skip
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _compile_child(path: Path, cache_dir: Path) -> dict[str, Any]:
    from sen.vm import Runtime

    before = _memory()
    started = time.perf_counter()
    Runtime(path, cache_dir=cache_dir)
    seconds = time.perf_counter() - started
    after = _memory()
    (compiled,) = cache_dir.glob("*.cwasm")
    return {
        "compile_and_cache_s": round(seconds, 3),
        "compiled_bytes": compiled.stat().st_size,
        "rss_peak_mib": _mib(after["VmHWM"]),
        "rss_before_mib": _mib(before["VmRSS"]),
    }


def _runtime_child(path: Path, cache_dir: Path, calls: int, instances: int) -> dict[str, Any]:
    import wasmtime

    from sen.vm import Runtime
    from sen.vm.engine import LOAD_FUEL

    before = _memory()
    started = time.perf_counter()
    runtime = Runtime(path, cache_dir=cache_dir)
    load_seconds = time.perf_counter() - started
    loaded = _memory()

    def timed(action: Callable[[], object]) -> float:
        began = time.perf_counter()
        action()
        return time.perf_counter() - began

    def check() -> None:
        problem = runtime.session().check_source(TOKEN)
        if problem is not None:
            raise RuntimeError(f"the token does not load: {problem}")

    def bare() -> None:  # the component alone, as Session makes it, without a contract
        store = wasmtime.Store(runtime.engine)
        store.set_limits(memory_size=runtime.memory_limit)
        store.set_fuel(LOAD_FUEL)
        runtime.arm(store)
        runtime.linker.instantiate(store, runtime.component)

    first_instance = timed(check)
    after_first = _memory()
    repeats = max(3, min(20, calls // 10))
    next_instances = [timed(check) for _ in range(repeats)]
    bare_instances = [timed(bare) for _ in range(repeats)]

    from sen.vm.local import DictReads  # the runtime's child only: it imports wasmtime

    reads = DictReads()
    alice, bob = "a1" * 20, "b0" * 20
    contract = b"\x01" * 20
    transfer = json.dumps({"amount": 1, "to": bob}, sort_keys=True, separators=(",", ":"))
    env = _environment(alice)

    def call(session: Any, entry: str = "transfer") -> int:
        arguments = transfer if entry == "transfer" else "{}"
        result = session.call(contract, TOKEN, "execute", entry, arguments, env, 10**7, reads)
        if result.status is not CallStatus.OK:
            raise RuntimeError(f"{entry} failed: {result.status} {result.message}")
        reads.keep(result.writes)
        return int(result.fuel_used)

    holders = json.dumps({"amount": SUPPLY, "holders": [alice, bob]}, sort_keys=True)
    made = runtime.session().call(
        contract, TOKEN, "instantiate", "", holders, env, 10**8, reads
    )  # fmt: skip
    reads.keep(made.writes)

    warm = runtime.session()
    first_call_fuel = call(warm)
    started = time.perf_counter()
    fuels = [call(warm) for _ in range(calls)]
    warm_rate = calls / (time.perf_counter() - started)
    middle = statistics.median(fuels)
    spikes = [n for n, used in enumerate(fuels) if used > 2 * middle]
    gaps = [b - a for a, b in pairwise(spikes)]
    started = time.perf_counter()
    noop_fuels = [call(warm, "noop") for _ in range(calls)]
    noop_rate = calls / (time.perf_counter() - started)

    fresh_calls = max(2, calls // 5)
    started = time.perf_counter()
    for _ in range(fresh_calls):
        call(runtime.session())
    fresh_rate = fresh_calls / (time.perf_counter() - started)

    del warm
    held_before = _memory()
    held = []
    for _ in range(instances):
        session = runtime.session()
        call(session)
        held.append(session)
    held_after = _memory()
    return {
        "runtime_bytes": path.stat().st_size,
        "load_from_cache_s": round(load_seconds, 3),
        "rss_before_load_mib": _mib(before["VmRSS"]),
        "rss_after_load_mib": _mib(loaded["VmRSS"]),
        "rss_after_first_instance_mib": _mib(after_first["VmRSS"]),
        "rss_per_live_instance_mib": _mib(
            (held_after["VmRSS"] - held_before["VmRSS"]) / max(1, instances)
        ),
        "live_instances": instances,
        "rss_peak_mib": _mib(held_after["VmHWM"]),
        "instantiate_first_s": round(first_instance, 4),
        "instantiate_next_median_s": round(statistics.median(next_instances), 4),
        "instantiate_component_only_median_s": round(statistics.median(bare_instances), 4),
        "instantiate_note": "an instance of the runtime component, then the token's source "
        "loaded and compiled in it (Session.check_source); component only: without a source",
        "warm_instance": {"calls": calls, "transfers_per_s": round(warm_rate, 1)},
        "warm_instance_empty_entry": {
            "what": "an entry that does nothing (noop): the fixed cost of a call",
            "calls": calls,
            "calls_per_s": round(noop_rate, 1),
            "fuel_median": int(statistics.median(noop_fuels)),
        },
        "fresh_session_per_call": {
            "calls": fresh_calls,
            "transfers_per_s": round(fresh_rate, 1),
        },
        "fuel_per_transfer": {
            "first_call_in_instance": first_call_fuel,
            **fuel_figures(fuels),
            "calls_between_those_above_twice_the_median": statistics.median(gaps) if gaps else 0,
        },
    }


def _child(arguments: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "senbench.contracts", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"senbench.contracts {arguments[:2]} failed ({done.returncode}): "
            f"{done.stderr.strip()[-2000:]}"
        )
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def _runtime_part(*, calls: int, instances: int, progress: Progress | None) -> dict[str, Any]:
    path = cached_runtime(user_cache())
    cache = Path(tempfile.mkdtemp(prefix="sen-bench-vm-cache-"))
    try:
        if progress:
            progress("contracts: compiling the runtime", 0, 2)
        compiled = _child(["--child", "compile", "--runtime", str(path), "--cache", str(cache)])
        if progress:
            progress("contracts: runtime calls", 1, 2)
        measured = _child(
            [
                "--child", "runtime", "--runtime", str(path), "--cache", str(cache),
                "--calls", str(calls), "--instances", str(instances),
            ]
        )  # fmt: skip
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {
        "runtime": "the runtime built from this checkout (sen.vm.build.cached_runtime)",
        "processes": "each figure set in a fresh child process",
        "empty_cache": compiled,
        "filled_cache": measured,
    }


# -- the benchmark --------------------------------------------------------------------------------


def run_contracts(
    *,
    transfers: int = 20_000,
    block_txs: int = 500,
    senders: int = 500,
    transfer_gas: int = TRANSFER_GAS,
    paced_rate: float = 1_000.0,
    paced_seconds: float = 30.0,
    calls: int = 3_000,
    instances: int = 20,
    profile_seconds: float = 15.0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Both parts; ``profile_seconds`` 0 skips the py-spy profile."""
    conditions = machine()
    runtime = _runtime_part(calls=calls, instances=instances, progress=progress)
    node = _node_part(
        transfers=transfers, block_txs=block_txs, senders=senders, transfer_gas=transfer_gas,
        paced_rate=paced_rate, paced_seconds=paced_seconds, profile_seconds=profile_seconds,
        progress=progress,
    )  # fmt: skip
    rust_code = rust_token()
    rust = _node_part(
        transfers=transfers, block_txs=block_txs, senders=senders, transfer_gas=transfer_gas,
        paced_rate=paced_rate, paced_seconds=paced_seconds, profile_seconds=profile_seconds,
        progress=progress, code=rust_code,
    )  # fmt: skip
    notes = _notes(node, runtime)
    notes.append(_rust_note(node, rust))
    return {
        "benchmark": "contracts",
        "conditions": {
            **conditions,
            "contract": "a token: transfer reads two balances, writes two, emits one event "
            "(senbench.contracts.TOKEN; node_rust: the same in Rust, benchmarks/rust-token)",
            "tx_type": f"contracts.execute (ed25519), entry transfer, gas limit {transfer_gas:,}",
            "commit": _source_commit(),
            "wasmtime": _version("wasmtime"),
            "componentize_py": _version("componentize-py"),
        },
        "node": node,
        "node_rust": rust,
        "runtime": runtime,
        "notes": notes,
        "targets": {
            "committed_transfers_per_s": 1000,
            "rust_committed_transfers_per_s": 3000,
        },
    }


def _source_commit() -> str:
    """The checkout's commit, and whether its sources differ from it ("unknown" outside git)."""
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        changed = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with changes to src" if changed else "")


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "missing"


def _rust_note(python: dict[str, Any], rust: dict[str, Any]) -> str:
    fast, slow = rust["saturating"], python["saturating"]
    produce = fast["per_block_s"]["produce_block_median"]
    ratio = fast["committed_transfers_per_s"] / max(slow["committed_transfers_per_s"], 1e-9)
    return (
        f"rust: {fast['committed_transfers_per_s']:,} transfers/s committed ({ratio:.1f}x the "
        f"Python token in the same run), a block of {fast['block_txs']} produced in "
        f"{produce:.3f} s, CheckTx {fast['per_block_s']['check_tx_median']:.3f} s; gas per "
        f"transfer median {fast['gas_used_per_transfer']['median']:,} "
        f"(first in a block {fast['gas_used_per_transfer']['first_in_block_median']:,}); "
        f"component {rust['code_bytes']:,} bytes"
    )


def _notes(node: dict[str, Any], runtime: dict[str, Any]) -> list[str]:
    notes = []
    saturating = node["saturating"]
    produce = saturating["per_block_s"]["produce_block_median"]
    notes.append(
        f"saturating: {saturating['committed_transfers_per_s']:,} transfers/s committed in "
        f"blocks of {saturating['block_txs']}; a block is produced in {produce:.3f} s "
        f"({produce / saturating['block_txs'] * 1e6:.0f} µs a transfer), CheckTx takes "
        f"{saturating['per_block_s']['check_tx_median']:.3f} s"
    )
    filled = runtime["filled_cache"]
    notes.append(
        f"runtime alone: {filled['warm_instance']['transfers_per_s']:,} transfers/s in one warm "
        f"instance, {filled['fresh_session_per_call']['transfers_per_s']:,}/s with a fresh "
        f"session per call; a new instance costs {filled['instantiate_next_median_s'] * 1e3:.1f}"
        f" ms ({filled['instantiate_component_only_median_s'] * 1e3:.1f} ms of it the bare "
        "component)"
    )
    gas = saturating["gas_used_per_transfer"]
    fuel = filled["fuel_per_transfer"]
    failed = sum(saturating["failed_transfers"].values()) + sum(
        node["paced"]["failed_transfers"].values()
    )
    spikes = fuel["calls_above_twice_the_median"]
    spread = (
        f"in one instance {spikes} of {fuel['calls']:,} calls used more than twice the median "
        f"(max {fuel['max']:,})"
    )
    if spikes:
        spread += (
            f", one every {fuel['calls_between_those_above_twice_the_median']} calls or so "
            "(the interpreter's cycle collector, if the runtime stopped clearing namespaces)"
        )
    notes.append(
        f"gas per transfer: median {gas['median']:,}, {gas['first_in_block_median']:,} for the "
        f"first in a block (it pays for a new instance); {spread}; with a limit of "
        f"{node['transfer_gas']:,}, {failed} transfers failed out of gas"
    )
    profile = node["profile"]
    if "categories" in profile:
        top = ", ".join(f"{name} {share:.0%}" for name, share in profile["categories"].items())
        notes.append(f"py-spy, share of active samples of all threads: {top}")
        frames = ", ".join(f"{f['frame']} {f['share']:.0%}" for f in profile["top_self"][:8])
        notes.append(f"py-spy, innermost frames: {frames}")
    else:
        notes.append(f"no profile: {profile.get('skipped')}")
    return notes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--transfers", type=int, default=20_000)
    parser.add_argument("--block-txs", type=int, default=500)
    parser.add_argument("--senders", type=int, default=500)
    parser.add_argument("--transfer-gas", type=int, default=TRANSFER_GAS)
    parser.add_argument("--paced-rate", type=float, default=1_000.0)
    parser.add_argument("--paced-seconds", type=float, default=30.0)
    parser.add_argument("--calls", type=int, default=3_000)
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--profile-seconds", type=float, default=15.0)
    # the runtime part's child processes
    parser.add_argument("--child", choices=("compile", "runtime"), help=argparse.SUPPRESS)
    parser.add_argument("--runtime", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child == "compile":
        result = _compile_child(arguments.runtime, arguments.cache)
    elif arguments.child == "runtime":
        result = _runtime_child(
            arguments.runtime, arguments.cache, arguments.calls, arguments.instances
        )
    else:
        result = run_contracts(
            transfers=arguments.transfers, block_txs=arguments.block_txs,
            senders=arguments.senders, transfer_gas=arguments.transfer_gas,
            paced_rate=arguments.paced_rate,
            paced_seconds=arguments.paced_seconds, calls=arguments.calls,
            instances=arguments.instances, profile_seconds=arguments.profile_seconds,
        )  # fmt: skip
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
