"""Choosing what a new node trusts when it joins by state sync.

CometBFT's light client needs one block it trusts (``trust_height`` and
``trust_hash``) from which it verifies the snapshot's headers; the node asks
two RPC servers (``rpc_servers``) for them. Here both come from nodes of the
network that are running: a block a few heights below the tip, so that every
server already has it.
"""

from __future__ import annotations

from sen.network.configure import StateSync
from sen.network.errors import NoRunningNode, RpcFailed
from sen.network.manifest import NetworkManifest
from sen.network.rpc import ChainStatus, block_hash, chain_status

TRUST_BACK = 2  # trust a block this many heights below the latest one


def trust_from_network(manifest: NetworkManifest, *, back: int = TRUST_BACK) -> StateSync:
    answering: list[tuple[str, ChainStatus]] = []
    for node in manifest.nodes:
        try:
            status = chain_status(node.rpc_url)
        except RpcFailed:
            continue
        if not status.catching_up and status.height > 0:
            answering.append((node.rpc_url, status))
    if not answering:
        raise NoRunningNode(
            "state sync needs a running, caught-up node of the network to take the trusted "
            f"block from, and none answered; start it with: sen network up --dir "
            f"{manifest.directory}"
        )
    rpc_url, tip = max(answering, key=lambda pair: pair[1].height)
    height = max(1, tip.height - back)
    servers = [url for url, _ in answering][:2]
    if len(servers) < 2:
        servers.append(servers[0])  # CometBFT wants two entries; one server may serve both
    return StateSync(
        rpc_servers=tuple(servers),
        trust_height=height,
        trust_hash=block_hash(rpc_url, height),
    )
