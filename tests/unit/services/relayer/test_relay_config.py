"""The relay settings: the relay file's checks, and links read from a hub's directory."""

from __future__ import annotations

from typing import Any

import pytest

from sen.services.relayer.config import parse_relay_config
from sen.services.relayer.directory import relay_config_from_directory
from sen.services.relayer.errors import RelayerConfigError

CHAINS = [
    {"name": "lao-dong", "url": "http://127.0.0.1:26680", "key": "relayer"},
    {"name": "giao-duc", "url": "http://127.0.0.1:26690", "key": "relayer"},
]
LINK = {"a": "lao-dong", "a_client": "sen-client-0", "b": "giao-duc", "b_client": "sen-client-0"}


def test_a_relay_file_is_read() -> None:
    read = parse_relay_config({"interval": 0.5, "chains": CHAINS, "links": [LINK]})
    assert read.interval == 0.5 and read.refresh_fraction == 3 and read.metrics is None
    assert [c.name for c in read.chains] == ["lao-dong", "giao-duc"]
    assert read.links[0].label == "lao-dong/sen-client-0<->giao-duc/sen-client-0"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"interval": 0}, "interval"),
        ({"interval": True}, "interval"),
        ({"refresh_fraction": 1}, "refresh_fraction"),
        ({"metrics": "9464"}, "metrics"),
        ({"relay": 1}, "relay"),
        ({"links": []}, "links"),
        ({"links": [{**LINK, "b": "y-te"}]}, "links[0].b"),
        ({"links": [{**LINK, "a_client": "client-0"}]}, "links[0].a_client"),
        ({"links": [{**LINK, "b": "lao-dong"}]}, "links[0].b"),
        ({"chains": [CHAINS[0], {**CHAINS[1], "url": "127.0.0.1:26690"}]}, "chains[1].url"),
        ({"chains": [CHAINS[0], {**CHAINS[1], "name": "lao-dong"}]}, "chains"),
        ({"chains": [{**CHAINS[0], "password": "x"}, CHAINS[1]]}, "chains[0].password"),
    ],
)
def test_a_wrong_relay_file_names_the_setting(change: dict[str, Any], where: str) -> None:
    with pytest.raises(RelayerConfigError) as refused:
        parse_relay_config({"chains": CHAINS, "links": [LINK], **change})
    assert refused.value.field == where, refused.value.message


def _entry(chain: str, port: int, *links: tuple[str, str, str]) -> dict[str, Any]:
    return {
        "chain_id": chain,
        "endpoints": [
            {"kind": "rpc", "url": f"http://127.0.0.1:{port + 1}"},
            {"kind": "rest", "url": f"http://127.0.0.1:{port}"},
        ],
        "links": [
            {"counterparty": other, "client_id": mine, "counterparty_client_id": theirs}
            for other, mine, theirs in links
        ],
    }


def test_links_from_a_directory_are_relayed_once_each() -> None:
    entries = [
        _entry("sen-lao-dong", 26680, ("sen-giao-duc", "sen-client-0", "sen-client-0")),
        _entry(
            "sen-giao-duc",
            26690,
            ("sen-lao-dong", "sen-client-0", "sen-client-0"),  # the same link, seen from B
            ("sen-y-te", "sen-client-1", "sen-client-4"),
        ),
        _entry("sen-y-te", 26700),
        {"chain_id": "sen-tai-chinh", "endpoints": [], "links": []},
    ]
    read = relay_config_from_directory(entries, "relayer")
    assert sorted(link.label for link in read.links) == [
        "sen-giao-duc/sen-client-0<->sen-lao-dong/sen-client-0",
        "sen-giao-duc/sen-client-1<->sen-y-te/sen-client-4",
    ]
    assert [(c.name, c.url, c.key) for c in read.chains] == [
        ("sen-giao-duc", "http://127.0.0.1:26690", "relayer"),
        ("sen-lao-dong", "http://127.0.0.1:26680", "relayer"),
        ("sen-y-te", "http://127.0.0.1:26700", "relayer"),
    ]
    only = relay_config_from_directory(entries, "relayer", only=frozenset({"sen-y-te"}))
    assert [link.label for link in only.links] == [
        "sen-giao-duc/sen-client-1<->sen-y-te/sen-client-4"
    ]


def test_a_directory_without_a_relayable_link_is_refused() -> None:
    entries = [
        _entry("sen-lao-dong", 26680, ("sen-khong-co", "sen-client-0", "sen-client-0")),
        {"chain_id": "sen-tai-chinh", "endpoints": [], "links": []},
    ]
    with pytest.raises(RelayerConfigError) as refused:
        relay_config_from_directory(entries, "relayer")
    assert refused.value.field == "--directory"
