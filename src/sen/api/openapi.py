"""Write or check the committed OpenAPI document, ``docs/api/openapi.json``.

::

    python -m sen.api.openapi --write    # regenerate it
    python -m sen.api.openapi --check    # exit 1 if it is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sen.api.app import build_app
from sen.services.documents import write_or_check

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"


def render() -> str:
    """The OpenAPI document: sorted keys, indent 2, trailing newline."""
    document = build_app(None).openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    return write_or_check(
        argv, module="sen.api.openapi", description=__doc__, render=render,
        default_path=DEFAULT_PATH, changed="the API changed",
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
