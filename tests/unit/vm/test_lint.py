"""``sen contract build``'s static checks agree with the runtime's own import list."""

from __future__ import annotations

import pytest

from sen.vm.lint import allowed_modules, problems


def test_the_list_is_the_runtimes() -> None:
    assert {"json", "decimal", "sen_contract"} <= allowed_modules()
    assert "os" not in allowed_modules() and "sys" not in allowed_modules()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import os\n", "line 1: import os: not available"),
        ("from socket import socket\n", "import socket"),
        ("from . import x\n", "import .: not available"),
        ("import sen_contract as sen\nX = 1\n", "no entry points"),
        ("x = open('f')\n", "line 1: open(): not available to contracts"),
        ("def f():\n    return eval('1')\n", "line 2: eval(): not available"),
    ],
)
def test_problems_are_named(source: str, expected: str) -> None:
    assert any(expected in problem for problem in problems(source)), problems(source)


def test_a_plain_contract_has_none() -> None:
    source = "import json\nimport sen_contract as sen\n\n@sen.query\ndef q():\n    return 1\n"
    assert problems(source) == []


def test_a_function_of_its_own_named_like_a_blocked_builtin_is_fine() -> None:
    source = (
        "import sen_contract as sen\n\ndef open(x):\n    return x\n\n"
        "@sen.query\ndef q():\n    return open(1)\n"
    )
    assert problems(source) == []
