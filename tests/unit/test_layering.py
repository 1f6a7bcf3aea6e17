"""What the import contracts cannot see is not written: no dynamic imports or exec in src/.

``lint-imports`` (``make lint``) checks every ``import`` statement against the
layers of docs/adr/0008-one-layering.md; ruff bans ``importlib.import_module``.
A call to ``__import__``, ``exec`` or ``eval`` would reach any module by name
unseen, so none may appear in the product's code. The exception is the contract
runtime's guest (``src/sen/vm/guest``): it runs inside the WebAssembly component,
never in the node, and runs contracts with ``exec`` by design (ADR 0013).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "sen"
FORBIDDEN_CALLS = {"__import__", "exec", "eval"}
GUEST = SRC / "vm" / "guest"


def _calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.name}:{node.lineno} {node.func.id}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FORBIDDEN_CALLS
    ]


def _sources() -> list[Path]:
    return sorted(
        p
        for p in SRC.rglob("*.py")
        if "proto" not in p.relative_to(SRC).parts and p.parent != GUEST
    )


def test_no_dynamic_import_or_exec_in_the_product() -> None:
    found = [call for path in _sources() for call in _calls(path)]
    assert found == []


@pytest.mark.parametrize("source", ["__import__('sen.api.app')", "exec('import sen.api')"])
def test_the_scan_finds_them(tmp_path: Path, source: str) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(source + "\n", encoding="utf-8")
    assert _calls(probe) != []
