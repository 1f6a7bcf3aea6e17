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

[engine]
block_interval = {block_interval}   # seconds between blocks while transactions wait (<= 1)
create_empty_blocks = false          # true: produce blocks while idle too
empty_block_interval = 0.0
mempool_max_txs = 100000             # a full mempool answers "try later" (HTTP 503)
mempool_max_bytes = 268435456
max_block_txs = 20000

[storage]
sync = true   # fsync at every commit; false only for throwaway benchmarks
"""


@dataclass(frozen=True, slots=True)
class NodeConfig:
    home: Path
    api_host: str = DEFAULT_API_HOST
    api_port: int = DEFAULT_API_PORT
    engine: EngineConfig = field(default_factory=EngineConfig)
    sync: bool = True

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
    interval = _number(engine, "block_interval", 0.5, settings)
    if not 0 < interval <= 60:
        raise ConfigError(
            f"{settings} [engine] block_interval", f"expected 0 < s <= 60, got {interval}"
        )
    return NodeConfig(
        home=home,
        api_host=str(api.get("host", DEFAULT_API_HOST)),
        api_port=int(_number(api, "port", DEFAULT_API_PORT, settings)),
        engine=EngineConfig(
            block_interval=interval,
            create_empty_blocks=bool(engine.get("create_empty_blocks", False)),
            empty_block_interval=_number(engine, "empty_block_interval", 0.0, settings),
            mempool_max_txs=int(_number(engine, "mempool_max_txs", 100_000, settings)),
            mempool_max_bytes=int(_number(engine, "mempool_max_bytes", 256 << 20, settings)),
            max_block_txs=int(_number(engine, "max_block_txs", 20_000, settings)),
        ),
        sync=bool(storage.get("sync", True)),
    )


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
