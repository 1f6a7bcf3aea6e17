"""The relay file: which chains, which keys sign there, which client pairs to relay.

::

    interval = 1.0                   # seconds between passes (default 1)
    refresh_fraction = 3             # refresh a client once it is trusting_period/3 old
    metrics = "127.0.0.1:9464"       # optional: Prometheus metrics here

    [[chains]]
    name = "giao-duc"                # a label for logs and metrics
    url = "http://127.0.0.1:26680"   # the node's REST API
    key = "relayer"                  # a key name in the keyring, or a pkcs11: URI

    [[links]]
    a = "giao-duc"
    a_client = "sen-client-0"        # giao-duc's client of lao-dong
    b = "lao-dong"
    b_client = "sen-client-0"        # lao-dong's client of giao-duc

The key of each chain must belong to a member (any role): relaying is open to
members, and a relayer's transactions only carry what the chains verify.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sen.services.relayer.errors import RelayerConfigError

CLIENT_ID = re.compile(r"sen-client-(0|[1-9][0-9]{0,18})")
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MAX_INTERVAL = 3600.0


@dataclass(frozen=True, slots=True)
class ChainConfig:
    name: str
    url: str
    key: str


@dataclass(frozen=True, slots=True)
class LinkConfig:
    a: str
    a_client: str
    b: str
    b_client: str

    @property
    def label(self) -> str:
        return f"{self.a}/{self.a_client}<->{self.b}/{self.b_client}"


@dataclass(frozen=True, slots=True)
class RelayConfig:
    chains: tuple[ChainConfig, ...]
    links: tuple[LinkConfig, ...]
    interval: float = 1.0
    refresh_fraction: int = 3
    metrics: tuple[str, int] | None = None

    def chain(self, name: str) -> ChainConfig:
        return next(c for c in self.chains if c.name == name)


def load_relay_config(path: Path) -> RelayConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RelayerConfigError(str(path), f"cannot read: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RelayerConfigError(str(path), f"not TOML: {exc}") from None
    return parse_relay_config(raw)


def _text(table: Mapping[str, Any], key: str, where: str, pattern: re.Pattern[str] | None) -> str:
    value = table.get(key)
    if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
        expected = "text" if pattern is None else f"text matching {pattern.pattern}"
        raise RelayerConfigError(f"{where}.{key}", f"got {value!r}", expected)
    return value


def _only(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in sorted(table):
        if key not in allowed:
            near = difflib.get_close_matches(key, sorted(allowed), n=1)
            reason = f"unknown setting (did you mean {near[0]!r}?)" if near else "unknown setting"
            raise RelayerConfigError(
                f"{where}.{key}" if where else key, reason, ", ".join(sorted(allowed))
            )


def parse_relay_config(raw: Mapping[str, Any]) -> RelayConfig:
    _only(raw, {"interval", "refresh_fraction", "metrics", "chains", "links"}, "")
    chains = []
    for n, table in enumerate(_tables(raw, "chains")):
        where = f"chains[{n}]"
        _only(table, {"name", "url", "key"}, where)
        url = _text(table, "url", where, None)
        if not url.startswith(("http://", "https://")):
            raise RelayerConfigError(f"{where}.url", f"got {url!r}", "an http(s):// URL")
        chains.append(
            ChainConfig(_text(table, "name", where, NAME), url, _text(table, "key", where, None))
        )
    names = [c.name for c in chains]
    if len(set(names)) != len(names):
        raise RelayerConfigError("chains", "two chains have the same name", "distinct names")
    links = []
    for n, table in enumerate(_tables(raw, "links")):
        where = f"links[{n}]"
        _only(table, {"a", "a_client", "b", "b_client"}, where)
        link = LinkConfig(
            _text(table, "a", where, NAME),
            _text(table, "a_client", where, CLIENT_ID),
            _text(table, "b", where, NAME),
            _text(table, "b_client", where, CLIENT_ID),
        )
        for side in ("a", "b"):
            if getattr(link, side) not in names:
                raise RelayerConfigError(
                    f"{where}.{side}", f"no chain named {getattr(link, side)!r}", ", ".join(names)
                )
        if link.a == link.b:
            raise RelayerConfigError(f"{where}.b", "a link joins two different chains")
        links.append(link)
    if not links:
        raise RelayerConfigError("links", "nothing to relay", "at least one [[links]] table")
    interval = raw.get("interval", 1.0)
    if isinstance(interval, bool) or not isinstance(interval, int | float):
        raise RelayerConfigError("interval", f"got {interval!r}", "seconds, e.g. 1.0")
    if not 0.05 <= interval <= MAX_INTERVAL:
        raise RelayerConfigError("interval", f"got {interval}", f"0.05 to {MAX_INTERVAL:g} s")
    fraction = raw.get("refresh_fraction", 3)
    if isinstance(fraction, bool) or not isinstance(fraction, int) or not 2 <= fraction <= 100:
        raise RelayerConfigError("refresh_fraction", f"got {fraction!r}", "an integer 2 to 100")
    metrics = raw.get("metrics")
    return RelayConfig(
        tuple(chains),
        tuple(links),
        float(interval),
        fraction,
        None if metrics is None else parse_listen(metrics, "metrics"),
    )


def parse_listen(value: object, where: str) -> tuple[str, int]:
    text = value if isinstance(value, str) else ""
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise RelayerConfigError(where, f"got {value!r}", "host:port, e.g. 127.0.0.1:9464")
    return host, int(port)


def _tables(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise RelayerConfigError(key, "expected tables", f"[[{key}]] tables")
    return value
