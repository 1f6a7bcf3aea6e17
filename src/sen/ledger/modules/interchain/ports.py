"""Applications on top of packets: a port per application, with its callbacks.

An application registers a :class:`Port` under its name. Packets name the
source and destination port of each payload; the module calls the
destination port's ``on_recv`` when a packet arrives (its return value is the
application's acknowledgement), and the source port's ``on_acknowledge`` or
``on_timeout`` when the packet's fate is proved. Callbacks run inside
consensus: deterministic, block time only, and they raise
:class:`~sen.ledger.errors.TxRejected` to refuse.
"""

from __future__ import annotations

from typing import Protocol

from sen.ledger.ibc import Packet, Payload
from sen.ledger.modules.base import Context

__all__ = ["PORTS", "Port", "register_port"]


class Port(Protocol):
    name: str
    version: str
    encoding: str

    def on_send(self, ctx: Context, packet: Packet, payload: Payload, field: str) -> None:
        """Check (and escrow what needs escrowing) before the packet is committed; ``packet``
        has its sequence (as IBC v2's ``OnSendPacket``); a refusal names ``field`` (the
        payload's place in the arguments) and undoes the whole send."""
        ...

    def on_recv(self, ctx: Context, packet: Packet, payload: Payload) -> bytes:
        """Act on an arriving payload; the return value is the application acknowledgement
        (:data:`sen.ledger.ibc.ERROR_ACKNOWLEDGEMENT` for a refusal)."""
        ...

    def on_acknowledge(self, ctx: Context, packet: Packet, payload: Payload, ack: bytes) -> None:
        """The destination's acknowledgement, proved: record the answer, release escrow."""
        ...

    def on_timeout(self, ctx: Context, packet: Packet, payload: Payload) -> None:
        """The packet was proved never received before its timeout: undo ``on_send``."""
        ...


PORTS: dict[str, Port] = {}


def register_port(port: Port) -> Port:
    if port.name in PORTS:
        raise ValueError(f"port {port.name!r} is registered twice")
    PORTS[port.name] = port
    return port
