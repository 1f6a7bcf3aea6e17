"""Loopback ports for the nodes of a local network.

Node ``i`` gets the block of :data:`PORT_STRIDE` ports starting at
``base + PORT_STRIDE * i``: P2P at +0, CometBFT RPC at +1, the Sen API at +2 and,
when the ABCI connection uses TCP instead of a unix socket, ABCI at +3.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass

from sen.network.errors import PortsUnavailable

PORT_STRIDE = 10
DEFAULT_BASE_PORT = 26656
LOWEST_PORT = 1024
HIGHEST_PORT = 65535


@dataclass(frozen=True, slots=True)
class NodePorts:
    p2p: int
    rpc: int
    api: int
    abci: int

    def all(self) -> tuple[int, ...]:
        return (self.p2p, self.rpc, self.api, self.abci)


def plan_ports(base: int, index: int) -> NodePorts:
    """The ports of node ``index`` (0-based) in a network whose first port is ``base``."""
    first = base + PORT_STRIDE * index
    if index < 0 or base < LOWEST_PORT or first + 3 > HIGHEST_PORT:
        raise PortsUnavailable(
            f"node {index} would use ports {first}-{first + 3}, outside "
            f"{LOWEST_PORT}-{HIGHEST_PORT}; choose another --base-port"
        )
    return NodePorts(p2p=first, rpc=first + 1, api=first + 2, abci=first + 3)


def ports_in_use(ports: Iterable[int], host: str = "127.0.0.1") -> list[int]:
    """Those of ``ports`` that cannot be bound on ``host`` right now."""
    taken = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                taken.append(port)
    return taken


def require_free(ports: Iterable[int]) -> None:
    """PortsUnavailable naming every port in ``ports`` that is taken."""
    taken = ports_in_use(ports)
    if taken:
        raise PortsUnavailable(
            f"ports already in use on 127.0.0.1: {', '.join(map(str, taken))} "
            "(another network or program uses them; choose another --base-port)"
        )


def find_free_base(nodes: int, start: int = 30000, stop: int = 60000) -> int:
    """A base port whose blocks for ``nodes`` nodes are all free now (for tests and scripts)."""
    for base in range(start, stop - PORT_STRIDE * nodes, PORT_STRIDE * nodes + PORT_STRIDE):
        ports = [p for i in range(nodes) for p in plan_ports(base, i).all()]
        if not ports_in_use(ports):
            return base
    raise PortsUnavailable(f"no free block of {nodes * PORT_STRIDE} ports in {start}-{stop}")
