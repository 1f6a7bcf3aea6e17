"""Relay between the chains a hub's directory lists, along the links it records.

``sen relay --directory HUB_URL --key NAME`` reads every entry of the hub's
chain directory (``docs/spec/directory.md``; each entry's state proof checked
by the caller), and relays every link two listed chains record: entry X's
link ``{counterparty: Y, client_id: c, counterparty_client_id: d}`` is the
pair (X, c) <-> (Y, d). A chain is reached at its first ``rest`` endpoint. A
link recorded by both of its chains is relayed once.

What the directory says is checked where it can be: a chain whose node
serves a genesis file with another hash than the one registered is left out
(with a warning), since its endpoint does not lead to the registered chain.
Nothing else needs trust: the chains verify what the relayer carries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from sen.services.relayer.config import ChainConfig, LinkConfig, RelayConfig
from sen.services.relayer.errors import RelayerConfigError

log = logging.getLogger("sen.relayer")


def rest_endpoint(entry: Mapping[str, Any]) -> str | None:
    for endpoint in entry.get("endpoints", []):
        if endpoint.get("kind") == "rest":
            return str(endpoint["url"])
    return None


def relay_config_from_directory(
    entries: Iterable[Mapping[str, Any]],
    key: str,
    *,
    only: frozenset[str] = frozenset(),
    interval: float = 1.0,
    refresh_fraction: int = 3,
) -> RelayConfig:
    """The relay settings for every link between two listed chains that have a REST endpoint
    (only links touching a chain of ``only``, when given); every chain signed for by ``key``."""
    listed = {str(e["chain_id"]): e for e in entries}
    urls = {name: rest_endpoint(entry) for name, entry in listed.items()}
    links: dict[frozenset[tuple[str, str]], LinkConfig] = {}
    for name in sorted(listed):
        for link in listed[name].get("links", []):
            other = str(link["counterparty"])
            if only and name not in only and other not in only:
                continue
            if other not in listed or urls[name] is None or urls[other] is None:
                log.warning(
                    "directory: link %s/%s -> %s not relayed: %s",
                    name,
                    link["client_id"],
                    other,
                    "the counterparty is not listed" if other not in listed else "no REST endpoint",
                )
                continue
            ends = frozenset(
                {(name, str(link["client_id"])), (other, str(link["counterparty_client_id"]))}
            )
            if ends not in links:
                links[ends] = LinkConfig(
                    name, str(link["client_id"]), other, str(link["counterparty_client_id"])
                )
    if not links:
        raise RelayerConfigError(
            "--directory", "the directory records no link between two reachable chains"
        )
    used = sorted({c for link in links.values() for c in (link.a, link.b)})
    chains = tuple(ChainConfig(name, str(urls[name]), key) for name in used)
    return RelayConfig(chains, tuple(links.values()), interval, refresh_fraction)
