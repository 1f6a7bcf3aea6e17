"""Local multi-validator networks on CometBFT v0.38: create, start, stop, inspect.

``sen network init`` makes one home per node (the CometBFT home is also the Sen
home) sharing one genesis; ``up``/``down``/``status`` manage the processes; the
same operations are available here for tests and scripts::

    from sen.network import Network
    network = Network.load(Path("net"))
    network.up()
    print(network.heights())
    network.down()
"""

from __future__ import annotations

from sen.network.cometbft import find_cometbft
from sen.network.configure import StateSync
from sen.network.create import AbciTransport, NetworkPlan, add_full_node, init_network
from sen.network.errors import NetworkError
from sen.network.manifest import NetworkManifest, NetworkNode, Role, load_manifest
from sen.network.network import Network, NodeStatus
from sen.network.ports import NodePorts, find_free_base, plan_ports
from sen.network.statesync import trust_from_network

__all__ = [
    "AbciTransport",
    "Network",
    "NetworkError",
    "NetworkManifest",
    "NetworkNode",
    "NetworkPlan",
    "NodePorts",
    "NodeStatus",
    "Role",
    "StateSync",
    "add_full_node",
    "find_cometbft",
    "find_free_base",
    "init_network",
    "load_manifest",
    "plan_ports",
    "trust_from_network",
]
