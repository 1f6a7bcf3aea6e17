"""Targeted TOML edits: the right line in the right section, comments kept, misses named."""

from __future__ import annotations

import tomllib

import pytest

from sen.network.errors import ConfigEditError
from sen.network.tomledit import edit_toml, render_value

SAMPLE = """\
# top comment
proxy_app = "tcp://127.0.0.1:26658"
moniker = "vm"

[rpc]
# the RPC listen address
laddr = "tcp://127.0.0.1:26657"
max_open_connections = 900

[p2p]
persistent_peers = ""
addr_book_strict = true

[instrumentation]
max_open_connections = 3
"""


def test_sets_top_level_and_section_keys_and_keeps_comments() -> None:
    edited = edit_toml(
        SAMPLE,
        {
            (None, "moniker"): "node0",
            ("rpc", "laddr"): "tcp://127.0.0.1:30001",
            ("p2p", "addr_book_strict"): False,
            ("p2p", "persistent_peers"): "a@127.0.0.1:1,b@127.0.0.1:2",
        },
    )
    doc = tomllib.loads(edited)
    assert doc["moniker"] == "node0"
    assert doc["rpc"]["laddr"] == "tcp://127.0.0.1:30001"
    assert doc["p2p"]["addr_book_strict"] is False
    assert doc["p2p"]["persistent_peers"] == "a@127.0.0.1:1,b@127.0.0.1:2"
    assert "# the RPC listen address" in edited
    assert "# top comment" in edited
    assert len(edited.splitlines()) == len(SAMPLE.splitlines())


def test_same_key_in_two_sections_is_edited_only_where_asked() -> None:
    edited = edit_toml(SAMPLE, {("rpc", "max_open_connections"): 2000})
    doc = tomllib.loads(edited)
    assert doc["rpc"]["max_open_connections"] == 2000
    assert doc["instrumentation"]["max_open_connections"] == 3


def test_top_level_key_is_not_confused_with_a_section_key() -> None:
    with pytest.raises(ConfigEditError, match=r"no setting laddr to edit"):
        edit_toml(SAMPLE, {(None, "laddr"): "x"})


def test_missing_keys_are_all_named_and_nothing_is_returned() -> None:
    with pytest.raises(ConfigEditError) as raised:
        edit_toml(SAMPLE, {("rpc", "nope"): 1, ("statesync", "enable"): True}, where="c.toml")
    assert str(raised.value).startswith("c.toml: no setting [rpc] nope, [statesync] enable")


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (True, "true"),
        (False, "false"),
        (100_000_000, "100000000"),
        ("500ms", '"500ms"'),
        ('quote " and \\ backslash', '"quote \\" and \\\\ backslash"'),
        ("Nút Hà Nội", '"Nút Hà Nội"'),
    ],
)
def test_values_render_as_toml_that_reads_back(value: str | int | bool, literal: str) -> None:
    assert render_value(value) == literal
    assert tomllib.loads(f"x = {literal}")["x"] == value
