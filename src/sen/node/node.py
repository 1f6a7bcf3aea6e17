"""Assembling a node: database, application, engine (and, in the API, the HTTP server)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sen.consensus.app import SenApp
from sen.consensus.cometbft.engine import CometEngine, CometSettings
from sen.consensus.embedded.engine import EmbeddedEngine
from sen.consensus.engine import Engine
from sen.consensus.snapshots import SnapshotSettings
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.contracts import install_runtime_loader
from sen.light.genesis import Genesis, GenesisValidator, load_genesis, make_genesis
from sen.node.config import NodeConfig, load_config, write_settings
from sen.node.errors import ConfigError, NodeError
from sen.node.keys import load_validator_key, public_bytes, save_validator_key
from sen.node.pins import check_pins
from sen.store.blocks import BlockStore
from sen.store.db import Database
from sen.store.index import Index
from sen.vm import Runtime, RuntimeMismatch, RuntimeMissing
from sen.vm.build import cached_runtime, user_cache


def init_home(
    home: Path,
    *,
    chain_id: str = "sen-local",
    host: str = "127.0.0.1",
    port: int = 26680,
    block_interval: float = 0.5,
    overwrite: bool = False,
    contracts: bool = False,
    trace: dict[str, Any] | None = None,
) -> NodeConfig:
    """Create a single-validator node: key, genesis and settings.

    With ``contracts``, the contract runtime (built once per machine, about 10 s
    the first time) is copied into the home and named in genesis.
    """
    config = NodeConfig(home=home)
    if config.genesis_path.exists() and not overwrite:
        raise NodeError(f"{home} already holds a node (config/genesis.json exists)")
    if overwrite and config.data_dir.exists():
        shutil.rmtree(config.data_dir)  # a new genesis never meets the old chain's data
    config.config_dir.mkdir(parents=True, exist_ok=True)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    save_validator_key(config.validator_key_path, key)
    seconds = int(time.time())
    runtime = _copy_runtime(config) if contracts else None
    genesis = make_genesis(
        chain_id=chain_id,
        genesis_time=Timestamp(seconds, 0),
        validators=[GenesisValidator(public_bytes(key), 10, "validator-0")],
        contracts=None if runtime is None else {"runtime": runtime},
        trace=trace,
    )
    config.genesis_path.write_bytes(genesis)
    write_settings(config.settings_path, host=host, port=port, block_interval=block_interval)
    return load_config(home)


def _copy_runtime(config: NodeConfig) -> str:
    """The machine's contract runtime (built if need be) copied into the home; its SHA-256."""
    built = cached_runtime(user_cache())
    shutil.copyfile(built, config.contracts_runtime_path)
    return hashlib.sha256(config.contracts_runtime_path.read_bytes()).hexdigest()


def install_contracts_runtime(config: NodeConfig, genesis: Genesis) -> None:
    """Register the runtime the genesis names, loaded when a block first runs a contract.

    Checked now (present, with the genesis's SHA-256) so that a node that could
    not run the chain's contracts refuses to start rather than stop mid-chain.
    """
    if genesis.contracts is None:
        return
    digest = str(genesis.contracts.get("runtime", ""))
    path = config.contracts_runtime_path
    if not path.exists():
        raise NodeError(str(RuntimeMissing(digest, str(path))))
    found = hashlib.sha256(path.read_bytes()).hexdigest()
    if found != digest:
        raise NodeError(str(RuntimeMismatch(str(path), digest, found)))
    cache = user_cache() / "compiled"
    install_runtime_loader(digest, lambda: Runtime(path, expected_digest=digest, cache_dir=cache))


def _lock_home(data_dir: Path) -> int:
    """Hold an exclusive lock on the data directory for as long as this node runs.

    LMDB lets several processes open one database; two engines writing the
    same chain would corrupt it, so a second node on the same home is refused.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "node.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise NodeError(
            f"another node (pid {holder}) is already running on {data_dir.parent}; "
            "stop it first, or use another --home"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _snapshot_settings(config: NodeConfig) -> SnapshotSettings | None:
    """State-sync snapshots: only under CometBFT (the embedded engine has no peers)."""
    settings = config.consensus
    if settings.engine != "cometbft" or settings.snapshot_interval < 1:
        return None
    return SnapshotSettings(interval=settings.snapshot_interval, keep=settings.snapshot_keep)


def _comet_settings(config: NodeConfig) -> CometSettings:
    return CometSettings(
        abci_listen=config.abci_address,
        rpc_url=config.consensus.cometbft_rpc,
        block_interval=config.engine.block_interval,
        mempool_max_txs=config.engine.mempool_max_txs,
    )


@dataclass
class Node:
    config: NodeConfig
    db: Database
    app: SenApp
    engine: Engine
    index: Index
    lock_fd: int = -1

    @classmethod
    def open(cls, config: NodeConfig) -> Node:
        check_pins()  # a library at another version could fork this node off its network
        if not config.genesis_path.exists():
            raise ConfigError(str(config.genesis_path), "genesis file not found")
        genesis = load_genesis(config.genesis_path.read_bytes())
        install_contracts_runtime(config, genesis)
        embedded = config.consensus.engine == "embedded"
        key = load_validator_key(config.validator_key_path) if embedded else None
        lock_fd = _lock_home(config.data_dir)
        try:
            db = Database(config.data_dir, sync=config.sync)
            app = SenApp(db, genesis, snapshots=_snapshot_settings(config))
            engine: Engine
            if key is not None:
                engine = EmbeddedEngine(app, BlockStore(db), genesis, key, config.engine)
            else:
                engine = CometEngine(app, genesis, _comet_settings(config))
        except BaseException:
            os.close(lock_fd)
            raise
        return cls(config, db, app, engine, Index(db), lock_fd)

    def embedded(self) -> EmbeddedEngine:
        """The embedded engine (benchmarks and tools that drive blocks themselves)."""
        if not isinstance(self.engine, EmbeddedEngine):
            raise NodeError(f"{self.config.home} runs consensus on CometBFT, not embedded")
        return self.engine

    def start(self) -> None:
        self.engine.start()

    def close(self) -> None:
        try:
            self.engine.stop()
            self.app.verifier.close()
            self.app.snapshots.wait()  # a snapshot being written still reads the database
            self.db.close()
        finally:
            if self.lock_fd >= 0:
                os.close(self.lock_fd)  # releases the lock
                self.lock_fd = -1
