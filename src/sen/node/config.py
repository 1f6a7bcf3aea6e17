"""A node's home directory and its settings file (``config/sen.toml``).

Layout (the CometBFT names are kept so that a CometBFT network can share it)::

    <home>/config/genesis.json            the chain's genesis (CometBFT format)
    <home>/config/priv_validator_key.json this node's validator key (CometBFT format)
    <home>/config/sen.toml                Sen settings (below)
    <home>/data/                          the LMDB database
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sen.consensus.embedded.engine import EngineConfig
from sen.node.errors import ConfigError, NotInitialised

DEFAULT_HOME = Path(".sen")
DEFAULT_API_HOST = "127.0.0.1"
DEFAULT_API_PORT = 26680

TEMPLATE = """\
# Sen node settings. Units: seconds, bytes, counts.

[api]
host = "{host}"        # listen address of the REST API and console
port = {port}
# header_timeout = 10          # seconds for a request's line and headers to arrive
# keep_alive_timeout = 5       # seconds an idle kept-alive connection stays open
# max_connections = 512        # open connections; more are answered 503 (kept under ulimit -n)
# max_header_bytes = 16384     # request line and headers at most
# backlog = 511                # connections waiting to be accepted
# body_timeout = 30            # seconds a request body may pause between chunks (408)
# large_body_bytes = 1048576   # bodies over this size are "large" ...
# max_large_bodies = 2         # ... and at most this many are read at once (more: 503)

[engine]
block_interval = {block_interval}   # seconds between blocks while transactions wait (<= 1)
create_empty_blocks = false          # true: produce blocks while idle too
empty_block_interval = 0.0
mempool_max_txs = 100000             # a full mempool answers "try later" (HTTP 503)
mempool_max_bytes = 268435456
max_block_txs = 20000

[storage]
sync = true   # fsync at every commit; false only for throwaway benchmarks

# [consensus]
# engine = "embedded"                     # "embedded" (one validator, in-process) or "cometbft"
# abci_listen = "unix://data/abci.sock"   # with cometbft: where CometBFT's proxy_app connects
# cometbft_rpc = "http://127.0.0.1:26657" # with cometbft: this node's CometBFT RPC
#
# [snapshots]
# interval = 0   # with cometbft: a state-sync snapshot every N blocks (0: none)
# keep = 2
"""

ENGINES = ("embedded", "cometbft")
DEFAULT_ABCI_LISTEN = "unix://data/abci.sock"  # relative unix paths are under the home
DEFAULT_COMETBFT_RPC = "http://127.0.0.1:26657"


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Limits of the REST API server (``[api]`` in sen.toml; ``docs/guides/operator.md``)."""

    header_timeout: float = 10.0
    keep_alive_timeout: int = 5
    max_connections: int = 512
    max_header_bytes: int = 16 * 1024
    backlog: int = 511
    body_timeout: float = 30.0
    large_body_bytes: int = 1024 * 1024
    max_large_bodies: int = 2


@dataclass(frozen=True, slots=True)
class ConsensusSettings:
    engine: str = "embedded"
    abci_listen: str = DEFAULT_ABCI_LISTEN
    cometbft_rpc: str = DEFAULT_COMETBFT_RPC
    snapshot_interval: int = 0
    snapshot_keep: int = 2


@dataclass(frozen=True, slots=True)
class NodeConfig:
    home: Path
    api_host: str = DEFAULT_API_HOST
    api_port: int = DEFAULT_API_PORT
    api: ApiSettings = field(default_factory=ApiSettings)
    engine: EngineConfig = field(default_factory=EngineConfig)
    sync: bool = True
    consensus: ConsensusSettings = field(default_factory=ConsensusSettings)

    @property
    def abci_address(self) -> str:
        """``abci_listen`` with a relative unix socket path resolved under the home."""
        listen = self.consensus.abci_listen
        if listen.startswith("unix://") and not listen.startswith("unix:///"):
            return "unix://" + str((self.home / listen.removeprefix("unix://")).resolve())
        return listen

    @property
    def config_dir(self) -> Path:
        return self.home / "config"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def genesis_path(self) -> Path:
        return self.config_dir / "genesis.json"

    @property
    def contracts_runtime_path(self) -> Path:
        """The contract runtime component this chain's genesis names (by SHA-256)."""
        return self.config_dir / "contracts-runtime.wasm"

    @property
    def validator_key_path(self) -> Path:
        return self.config_dir / "priv_validator_key.json"

    @property
    def settings_path(self) -> Path:
        return self.config_dir / "sen.toml"


def write_settings(path: Path, *, host: str, port: int, block_interval: float) -> None:
    path.write_text(TEMPLATE.format(host=host, port=port, block_interval=block_interval))


def load_config(home: Path) -> NodeConfig:
    settings = home / "config" / "sen.toml"
    if not settings.exists():
        raise NotInitialised(
            f"no node in {home} (missing {settings}); create one with: sen node init --home {home}"
        )
    try:
        doc = tomllib.loads(settings.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(settings), f"not valid TOML: {exc}") from None
    api = _table(doc, "api", settings)
    engine = _table(doc, "engine", settings)
    storage = _table(doc, "storage", settings)
    consensus = _consensus(doc, settings)
    interval = _number(engine, "block_interval", 0.5, settings)
    if not 0 < interval <= 60:
        raise ConfigError(
            f"{settings} [engine] block_interval", f"expected 0 < s <= 60, got {interval}"
        )
    return NodeConfig(
        home=home,
        api_host=str(api.get("host", DEFAULT_API_HOST)),
        api_port=int(_number(api, "port", DEFAULT_API_PORT, settings)),
        api=_api_settings(api, settings),
        engine=EngineConfig(
            block_interval=interval,
            create_empty_blocks=bool(engine.get("create_empty_blocks", False)),
            empty_block_interval=_number(engine, "empty_block_interval", 0.0, settings),
            mempool_max_txs=int(_number(engine, "mempool_max_txs", 100_000, settings)),
            mempool_max_bytes=int(_number(engine, "mempool_max_bytes", 256 << 20, settings)),
            max_block_txs=int(_number(engine, "max_block_txs", 20_000, settings)),
        ),
        sync=bool(storage.get("sync", True)),
        consensus=consensus,
    )


def _api_settings(table: dict[str, Any], settings: Path) -> ApiSettings:
    defaults = ApiSettings()

    def seconds(key: str) -> float:
        value = _number(table, key, getattr(defaults, key), settings)
        if not 0 < value <= 3600:
            raise ConfigError(f"{settings} [api] {key}", f"expected 0 < s <= 3600, got {value}")
        return value

    def count(key: str) -> int:
        value = _number(table, key, getattr(defaults, key), settings)
        if value < 1 or value != int(value):
            raise ConfigError(
                f"{settings} [api] {key}", f"expected a whole number >= 1, got {value}"
            )
        return int(value)

    return ApiSettings(
        header_timeout=seconds("header_timeout"),
        keep_alive_timeout=count("keep_alive_timeout"),
        max_connections=count("max_connections"),
        max_header_bytes=count("max_header_bytes"),
        backlog=count("backlog"),
        body_timeout=seconds("body_timeout"),
        large_body_bytes=count("large_body_bytes"),
        max_large_bodies=count("max_large_bodies"),
    )


def _consensus(doc: dict[str, Any], settings: Path) -> ConsensusSettings:
    table = _table(doc, "consensus", settings)
    snapshots = _table(doc, "snapshots", settings)
    engine = table.get("engine", "embedded")
    if engine not in ENGINES:
        raise ConfigError(
            f"{settings} [consensus] engine",
            f"expected one of {', '.join(ENGINES)}, got {engine!r}",
        )
    listen = str(table.get("abci_listen", DEFAULT_ABCI_LISTEN))
    if not listen.startswith(("unix://", "tcp://")):
        raise ConfigError(
            f"{settings} [consensus] abci_listen",
            f"expected unix://PATH or tcp://HOST:PORT, got {listen!r}",
        )
    rpc = str(table.get("cometbft_rpc", DEFAULT_COMETBFT_RPC))
    if not rpc.startswith(("http://", "https://")):
        raise ConfigError(
            f"{settings} [consensus] cometbft_rpc", f"expected an http:// URL, got {rpc!r}"
        )
    interval = _number(snapshots, "interval", 0, settings)
    keep = _number(snapshots, "keep", 2, settings)
    if interval < 0 or interval != int(interval) or keep < 1 or keep != int(keep):
        raise ConfigError(
            f"{settings} [snapshots]",
            f"expected interval >= 0 and keep >= 1 (whole numbers), got {interval}, {keep}",
        )
    return ConsensusSettings(str(engine), listen, rpc, int(interval), int(keep))


def _table(doc: dict[str, Any], name: str, where: Path) -> dict[str, Any]:
    value = doc.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where} [{name}]", "expected a table")
    return value


def _number(table: dict[str, Any], key: str, default: float, where: Path) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where} {key}", f"expected a number, got {value!r}")
    return value
