"""Targeted edits of a TOML file that keep its comments and layout.

CometBFT's ``config.toml`` is a long, commented file; re-rendering it would lose
the comments operators read. Instead each edit replaces the one line
``key = ...`` inside its ``[section]`` (or before the first section, for
top-level keys), and the result is parsed back with :mod:`tomllib` to check
that every value took.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from typing import Any

from sen.network.errors import ConfigEditError

TomlValue = str | int | bool
Edits = Mapping[tuple[str | None, str], TomlValue]
"""``{(section or None for top level, key): value}``."""

_SECTION = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^(\s*)([A-Za-z0-9_\-]+)\s*=")


def render_value(value: TomlValue) -> str:
    """A TOML literal for ``value`` (strings as basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def edit_toml(text: str, edits: Edits, *, where: str = "config.toml") -> str:
    """``text`` with each ``(section, key)`` set to its value; every key must already exist."""
    lines = text.splitlines(keepends=True)
    pending = dict(edits)
    section: str | None = None
    for i, line in enumerate(lines):
        header = _SECTION.match(line)
        if header:
            section = header.group(1)
            continue
        key = _KEY.match(line)
        if key is None or (section, key.group(2)) not in pending:
            continue
        value = pending.pop((section, key.group(2)))
        ending = "\n" if line.endswith("\n") else ""
        lines[i] = f"{key.group(1)}{key.group(2)} = {render_value(value)}{ending}"
    if pending:
        missing = ", ".join(_name(s, k) for s, k in pending)
        raise ConfigEditError(where, f"no setting {missing} to edit (not a CometBFT v0.38 file?)")
    result = "".join(lines)
    _check(result, edits, where)
    return result


def _check(text: str, edits: Edits, where: str) -> None:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigEditError(where, f"not valid TOML after editing: {exc}") from None
    for (section, key), value in edits.items():
        table: Any = doc if section is None else doc.get(section, {})
        if not isinstance(table, dict) or table.get(key) != value:
            raise ConfigEditError(where, f"{_name(section, key)} did not take the value {value!r}")


def _name(section: str | None, key: str) -> str:
    return key if section is None else f"[{section}] {key}"
