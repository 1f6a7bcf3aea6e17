"""Write or check the committed OpenAPI document, ``docs/api/openapi.json``.

::

    python -m sen.api.openapi --write    # regenerate it
    python -m sen.api.openapi --check    # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sen.api.app import build_app

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"


def render() -> str:
    """The OpenAPI document: sorted keys, indent 2, trailing newline."""
    document = build_app(None).openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sen.api.openapi", description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write the document")
    mode.add_argument("--check", action="store_true", help="fail if the document is stale")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="default: %(default)s")
    args = parser.parse_args(argv)
    text = render()
    path: Path = args.path
    if args.write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return 0
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if current != text:
        reason = "is missing" if current is None else "is stale: the API changed"
        print(
            f"{path} {reason}; regenerate it with: python -m sen.api.openapi --write",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
