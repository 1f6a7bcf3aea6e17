"""Errors of the relayer, in this branch of :mod:`sen.services.errors`::

    RelayerError(message, field)
    ├── RelayerConfigError     the relay file is wrong (names the key at fault)
    ├── ChainUnreachable       a chain's node does not answer (the relayer retries)
    ├── LinkMisconfigured      an end's client does not follow the chain the other end's
    │                          URL serves, or is not paired with the other end's client
    ├── UntrustedNode          a node served something that does not verify (a header
    │                          its validators did not sign, a proof of another value)
    ├── ClientUnusable         a client is frozen or expired: only governance can
    │                          recover it (``recover_client``); the relayer stops
    │                          relaying through it and says so
    └── NoHeaderYet            no header carries the state just read (the chain made
        │                      no block since); the pass is retried
        └── ClientMovedOn      another relayer updated the client past the header a
                               snapshot needs; the batch is proved again at once

A duplicate relay (another relayer was first) is not an error: the chain
refuses it harmlessly and the relayer counts it.
"""

from __future__ import annotations

from sen.services.errors import ServiceError


class RelayerError(ServiceError):
    """Root of every error raised by :mod:`sen.services.relayer`."""


class RelayerConfigError(RelayerError):
    def __init__(self, where: str, reason: str, expected: str | None = None) -> None:
        told = f"{where}: {reason}" + (f"; expected {expected}" if expected else "")
        super().__init__(told, where, expected=expected)


class ChainUnreachable(RelayerError):
    pass


class ClientUnusable(RelayerError):
    pass


class LinkMisconfigured(RelayerError):
    pass


class UntrustedNode(RelayerError):
    pass


class NoHeaderYet(RelayerError):
    pass


class ClientMovedOn(NoHeaderYet):
    pass
