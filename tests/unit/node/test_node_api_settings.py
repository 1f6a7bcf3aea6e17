"""``[api]`` in sen.toml: the server's limits, with defaults, and refused when out of range."""

from __future__ import annotations

from pathlib import Path

import pytest

from sen.node.config import ApiSettings, load_config
from sen.node.errors import ConfigError
from sen.node.node import init_home


def home_with(tmp_path: Path, api_lines: str) -> Path:
    home = tmp_path / "node"
    init_home(home)
    settings = home / "config" / "sen.toml"
    text = settings.read_text().replace("[api]\n", "[api]\n" + api_lines, 1)
    settings.write_text(text)
    return home


def test_defaults(tmp_path: Path) -> None:
    assert load_config(home_with(tmp_path, "")).api == ApiSettings()
    assert ApiSettings() == ApiSettings(
        header_timeout=10.0,
        keep_alive_timeout=5,
        max_connections=512,
        max_header_bytes=16384,
        backlog=511,
        body_timeout=30.0,
        large_body_bytes=1 << 20,
        max_large_bodies=2,
    )


def test_settings_are_read(tmp_path: Path) -> None:
    home = home_with(
        tmp_path, "header_timeout = 2.5\nmax_connections = 100\nmax_large_bodies = 1\n"
    )
    api = load_config(home).api
    assert (api.header_timeout, api.max_connections, api.max_large_bodies) == (2.5, 100, 1)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("header_timeout = 0", "header_timeout"),
        ("body_timeout = 7200", "body_timeout"),
        ("max_connections = 0", "max_connections"),
        ("backlog = 1.5", "backlog"),
        ('max_large_bodies = "two"', "max_large_bodies"),
    ],
)
def test_out_of_range_settings_stop_the_node(tmp_path: Path, line: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(home_with(tmp_path, line + "\n"))
    assert key in str(caught.value)
