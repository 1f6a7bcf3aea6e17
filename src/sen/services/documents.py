"""Write or check a generated document committed to the repository (an OpenAPI document):
the one ``--write``/``--check`` command both ``python -m sen.api.openapi`` and
``python -m sen.services.vault.openapi`` are."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def write_or_check(
    argv: list[str] | None,
    *,
    module: str,
    description: str | None,
    render: Callable[[], str],
    default_path: Path,
    changed: str,
) -> int:
    """``--write`` the text ``render`` gives to ``--path``, or ``--check`` it is there and
    current (exit 1, naming the fix, if not); ``changed`` says what a stale one means."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=description)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write the document")
    mode.add_argument("--check", action="store_true", help="fail if the document is stale")
    parser.add_argument("--path", type=Path, default=default_path, help="default: %(default)s")
    args = parser.parse_args(argv)
    text = render()
    path: Path = args.path
    if args.write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return 0
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if current != text:
        reason = "is missing" if current is None else f"is stale: {changed}"
        print(f"{path} {reason}; regenerate it with: python -m {module} --write", file=sys.stderr)
        return 1
    return 0
