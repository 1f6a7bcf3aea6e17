"""The optional [operator] table of sen.toml: declared name and location, or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from sen.node.errors import ConfigError
from sen.node.operator import Operator, load_operator


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Operator()),
        ("[api]\nport = 1\n", Operator()),
        ('[operator]\nname = "Sở TT&TT Huế"\n', Operator(name="Sở TT&TT Huế")),
        (
            '[operator]\nname = "Bộ Y tế"\nlocation = "Hà Nội, Việt Nam"\n',
            Operator("Bộ Y tế", "Hà Nội, Việt Nam"),
        ),
    ],
)
def test_declared_or_empty(tmp_path: Path, text: str, expected: Operator) -> None:
    settings = tmp_path / "sen.toml"
    settings.write_text(text, encoding="utf-8")
    assert load_operator(settings) == expected


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_operator(tmp_path / "none.toml") == Operator()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("operator = 5\n", "[operator]"),
        ("[operator]\nname = 5\n", "[operator] name"),
        ('[operator]\nlocation = "' + "x" * 201 + '"\n', "[operator] location"),
        ("[operator\n", "cannot read"),
    ],
)
def test_wrong_declarations_are_refused(tmp_path: Path, text: str, where: str) -> None:
    settings = tmp_path / "sen.toml"
    settings.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_operator(settings)
    assert where in str(raised.value)
