"""Who runs a node and where: the optional ``[operator]`` table of ``config/sen.toml``.

Declared by the operator for data-residency oversight and shown, as declared,
by ``GET /v1/node`` and the console::

    [operator]
    name = "Sở Thông tin và Truyền thông Hà Nội"
    location = "Hà Nội, Việt Nam"

Nothing checks the declaration; it is what the operator states. A missing
table or key is an empty string; a value that is not text is refused.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from sen.node.errors import ConfigError

MAX_TEXT_CHARS = 200


@dataclass(frozen=True, slots=True)
class Operator:
    name: str = ""
    location: str = ""


def load_operator(settings: Path) -> Operator:
    """The ``[operator]`` table of a settings file (empty if the file or table is absent)."""
    try:
        doc = tomllib.loads(settings.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Operator()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(settings), f"cannot read the [operator] table: {exc}") from None
    table = doc.get("operator", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{settings} [operator]", "expected a table")
    return Operator(
        name=_text(table, "name", settings), location=_text(table, "location", settings)
    )


def _text(table: dict[str, object], key: str, where: Path) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or len(value) > MAX_TEXT_CHARS:
        raise ConfigError(
            f"{where} [operator] {key}", f"expected text of at most {MAX_TEXT_CHARS} characters"
        )
    return value
