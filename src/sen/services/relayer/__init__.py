"""The relayer: carries headers, packets, acknowledgements and timeouts between chains.

It holds no trust (``docs/adr/0012-interchain.md``): every header it carries is
verified by the receiving chain's light client, every packet by a state proof
against such a header. What it adds is liveness: it refreshes clients before
they expire even when no packet flows, clears pending packets at start and on
every pass, and compares what each client was told with the counterparty's own
blocks, submitting misbehaviour when they differ. Several relayers may run at
once: the chains refuse a duplicate relay without harm.

- :mod:`~sen.services.relayer.config`: the relay file (chains, keys, links);
- :mod:`~sen.services.relayer.link`: one link's passes (refresh, packets, watch);
- :mod:`~sen.services.relayer.service`: the loop over every link, and metrics.
"""

from sen.services.relayer.config import ChainConfig, LinkConfig, RelayConfig, load_relay_config
from sen.services.relayer.errors import (
    ChainUnreachable,
    ClientUnusable,
    NoHeaderYet,
    RelayerConfigError,
    RelayerError,
)
from sen.services.relayer.link import End, Link, PassReport
from sen.services.relayer.metrics import RelayerMetrics
from sen.services.relayer.service import Relayer

__all__ = [
    "ChainConfig",
    "ChainUnreachable",
    "ClientUnusable",
    "End",
    "Link",
    "LinkConfig",
    "NoHeaderYet",
    "PassReport",
    "RelayConfig",
    "Relayer",
    "RelayerConfigError",
    "RelayerError",
    "RelayerMetrics",
    "load_relay_config",
]
