"""Port blocks per node: layout, range checks, and detection of ports in use."""

from __future__ import annotations

import socket

import pytest

from sen.network.errors import PortsUnavailable
from sen.network.ports import (
    PORT_STRIDE,
    NodePorts,
    find_free_base,
    plan_ports,
    ports_in_use,
    require_free,
)


@pytest.mark.parametrize(
    ("base", "index", "expected"),
    [
        (26656, 0, NodePorts(p2p=26656, rpc=26657, api=26658, abci=26659)),
        (26656, 3, NodePorts(p2p=26686, rpc=26687, api=26688, abci=26689)),
        (40000, 1, NodePorts(p2p=40010, rpc=40011, api=40012, abci=40013)),
    ],
)
def test_node_i_gets_its_own_block_of_ports(base: int, index: int, expected: NodePorts) -> None:
    assert plan_ports(base, index) == expected


def test_no_two_nodes_share_a_port() -> None:
    ports = [p for i in range(64) for p in plan_ports(20000, i).all()]
    assert len(ports) == len(set(ports))
    assert PORT_STRIDE >= 4


@pytest.mark.parametrize(("base", "index"), [(80, 0), (65533, 0), (65000, 100), (30000, -1)])
def test_ports_outside_the_range_are_refused(base: int, index: int) -> None:
    with pytest.raises(PortsUnavailable, match="choose another --base-port"):
        plan_ports(base, index)


def test_a_bound_port_is_reported_in_use() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert ports_in_use([port]) == [port]
        with pytest.raises(PortsUnavailable, match=f"ports already in use on 127.0.0.1: {port}"):
            require_free([port])


def test_find_free_base_returns_a_block_that_is_free() -> None:
    base = find_free_base(3, start=25000)
    ports = [p for i in range(3) for p in plan_ports(base, i).all()]
    assert ports_in_use(ports) == []
