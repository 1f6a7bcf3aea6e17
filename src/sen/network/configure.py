"""What ``sen network`` writes into each node's home: CometBFT settings and Sen's ``sen.toml``.

One directory per node is both the CometBFT home and the Sen home (their file
names do not clash): CometBFT's ``config/config.toml`` is edited in place (see
:mod:`sen.network.tomledit`), Sen's ``config/sen.toml`` is written from
:data:`SEN_TEMPLATE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sen.network.manifest import LOOPBACK, NetworkNode
from sen.network.tomledit import Edits, TomlValue, edit_toml, render_value

MEMPOOL_SIZE = 50_000
MEMPOOL_MAX_TXS_BYTES = 1 << 30
MEMPOOL_CACHE_SIZE = 100_000
RPC_MAX_BODY_BYTES = 100_000_000  # a batch JSON-RPC request of many transactions
RPC_MAX_REQUEST_BATCH_SIZE = 10_000
RPC_MAX_OPEN_CONNECTIONS = 2_000
TRUST_PERIOD = "168h0m0s"
UNIX_SOCKET_PATH_MAX = 107  # sun_path is 108 bytes on Linux, including the final NUL

SEN_TEMPLATE = """\
# Sen settings of node {name} in a CometBFT network (written by `sen network`).
# CometBFT runs separately: `cometbft start --home {home}`.

[api]
host = "{api_host}"   # listen address of the REST API and console
port = {api_port}

[consensus]
engine = "cometbft"
abci_listen = {abci_listen}    # CometBFT's proxy_app connects here
cometbft_rpc = {cometbft_rpc}  # the API submits transactions and reads blocks here

[snapshots]
interval = {snapshot_interval}   # take a state-sync snapshot every N blocks (0 = never)
keep = {snapshot_keep}

[storage]
sync = true   # fsync at every commit
"""


@dataclass(frozen=True, slots=True)
class StateSync:
    """Where a new node gets a snapshot and which block it trusts (CometBFT's light client)."""

    rpc_servers: tuple[str, ...]
    trust_height: int
    trust_hash: str
    trust_period: str = TRUST_PERIOD
    discovery_time: str = "5s"  # how long to gather snapshot offers (CometBFT's minimum)


def go_duration(seconds: float) -> str:
    """``seconds`` as a Go duration string (``0.5`` -> ``"500ms"``)."""
    millis = round(seconds * 1000)
    return f"{millis // 1000}s" if millis % 1000 == 0 else f"{millis}ms"


def cometbft_edits(
    node: NetworkNode,
    *,
    peers: list[str],
    block_interval: float,
    max_tx_bytes: int,
    state_sync: StateSync | None = None,
    empty_blocks_interval: float = 0.0,
) -> Edits:
    """The ``config.toml`` settings of one node of a local network."""
    edits: dict[tuple[str | None, str], TomlValue] = {
        (None, "moniker"): node.name,
        (None, "proxy_app"): node.proxy_app,
        (None, "log_level"): "info",
        (None, "log_format"): "plain",
        ("rpc", "laddr"): f"tcp://{LOOPBACK}:{node.ports.rpc}",
        ("rpc", "pprof_laddr"): "",
        ("rpc", "max_body_bytes"): RPC_MAX_BODY_BYTES,
        ("rpc", "max_request_batch_size"): RPC_MAX_REQUEST_BATCH_SIZE,
        ("rpc", "max_open_connections"): RPC_MAX_OPEN_CONNECTIONS,
        ("p2p", "laddr"): f"tcp://{LOOPBACK}:{node.ports.p2p}",
        ("p2p", "persistent_peers"): ",".join(peers),
        ("p2p", "addr_book_strict"): False,
        ("p2p", "allow_duplicate_ip"): True,
        ("mempool", "size"): MEMPOOL_SIZE,
        ("mempool", "max_txs_bytes"): MEMPOOL_MAX_TXS_BYTES,
        ("mempool", "cache_size"): MEMPOOL_CACHE_SIZE,
        ("mempool", "max_tx_bytes"): max_tx_bytes,
        ("consensus", "timeout_commit"): go_duration(block_interval),
        # Only blocks with transactions (and the one after, which proves their results),
        # unless the chain is linked to others: their light clients need fresh headers
        # even while it is idle (docs/guides/interchain.md).
        ("consensus", "create_empty_blocks"): empty_blocks_interval > 0,
        ("consensus", "create_empty_blocks_interval"): go_duration(empty_blocks_interval),
        ("tx_index", "indexer"): "null",  # Sen keeps its own index
        ("instrumentation", "prometheus"): False,
    }
    if state_sync is not None:
        edits.update(
            {
                ("statesync", "enable"): True,
                ("statesync", "rpc_servers"): ",".join(state_sync.rpc_servers),
                ("statesync", "trust_height"): state_sync.trust_height,
                ("statesync", "trust_hash"): state_sync.trust_hash,
                ("statesync", "trust_period"): state_sync.trust_period,
                ("statesync", "discovery_time"): state_sync.discovery_time,
            }
        )
    return edits


def configure_cometbft(node: NetworkNode, edits: Edits) -> None:
    path = node.home / "config" / "config.toml"
    path.write_text(edit_toml(path.read_text(), edits, where=str(path)))


def render_sen_settings(
    node: NetworkNode, *, snapshot_interval: int, snapshot_keep: int, api_host: str = LOOPBACK
) -> str:
    return SEN_TEMPLATE.format(
        name=node.name,
        home=node.home,
        api_host=api_host,
        api_port=node.ports.api,
        abci_listen=render_value(node.abci_listen),
        cometbft_rpc=render_value(node.rpc_url),
        snapshot_interval=snapshot_interval,
        snapshot_keep=snapshot_keep,
    )


def write_sen_settings(node: NetworkNode, *, snapshot_interval: int, snapshot_keep: int) -> Path:
    path = node.home / "config" / "sen.toml"
    path.write_text(
        render_sen_settings(node, snapshot_interval=snapshot_interval, snapshot_keep=snapshot_keep)
    )
    return path
