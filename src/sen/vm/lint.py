"""What ``sen contract build`` can tell from a contract's source before it runs.

The runtime refuses these only when a call reaches them (an import of a
module contracts may not use fails the call that runs it); a developer wants
to hear at build time. The list of modules is read from the runtime's own
loader (``guest/sen_runtime.py``), so the two cannot disagree.
"""

from __future__ import annotations

import ast
from functools import cache

from sen.vm.build import GUEST

ENTRY_KINDS = ("instantiate", "execute", "query", "migrate")


def _loader_strings(name: str) -> frozenset[str]:
    """The strings of the set or tuple the runtime's loader assigns to ``name``."""
    tree = ast.parse((GUEST / "sen_runtime.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            continue
        value = node.value
        if isinstance(value, ast.Call) and value.args:  # frozenset({...})
            value = value.args[0]
        if isinstance(value, ast.Set | ast.Tuple):
            return frozenset(
                element.value
                for element in value.elts
                if isinstance(element, ast.Constant) and isinstance(element.value, str)
            )
    raise RuntimeError(f"the runtime's loader has no {name}")


@cache
def allowed_modules() -> frozenset[str]:
    """The modules a contract may import, as the runtime's loader lists them."""
    return _loader_strings("ALLOWED")


@cache
def blocked_builtins() -> frozenset[str]:
    """The builtins the runtime takes away from contracts (``open``, ``eval``...)."""
    return _loader_strings("_BLOCKED_BUILTINS")


def problems(source: str) -> list[str]:
    """What would fail when called (line: problem), and a contract without entries.

    Raises SyntaxError for source that does not parse (the runtime's compile says more).
    """
    tree = ast.parse(source)
    allowed = allowed_modules()
    found: list[str] = []
    entries = 0
    defined = {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Store)
    } | {
        node.name for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
    }  # fmt: skip
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in blocked_builtins()
            and node.func.id not in defined
        ):
            found.append(
                f"line {node.lineno}: {node.func.id}(): not available to contracts (no files, "
                "no input, no code from text)"
            )
        names: list[str] = []
        line = 0
        if isinstance(node, ast.Import):
            names, line = [alias.name for alias in node.names], node.lineno
        elif isinstance(node, ast.ImportFrom):
            names, line = ["." * node.level + (node.module or "")], node.lineno
        for name in names:
            if name.startswith(".") or name.partition(".")[0] not in allowed:
                found.append(
                    f"line {line}: import {name}: not available to contracts "
                    f"(available: {', '.join(sorted(allowed))})"
                )
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Attribute) and decorator.attr in ENTRY_KINDS:
                    entries += 1
    if entries == 0:
        found.append(
            "no entry points: decorate functions with @sen.instantiate, @sen.execute, "
            "@sen.query or @sen.migrate (import sen_contract as sen)"
        )
    return found
