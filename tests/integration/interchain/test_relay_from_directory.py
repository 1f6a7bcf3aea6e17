"""``sen relay --directory``: relay the links a hub's chain directory records.

The hub (a permissioned chain, ``tests/integration/directory/hub.py``) lists
the two linked chains by governance, with their genesis hashes, REST
endpoints and client pairs, and a third entry whose endpoint serves another
chain's genesis. ``sen relay --directory HUB --key relayer --once`` reads the
directory (checking each entry's proof), leaves out the impostor, and relays
the link: a status question sent before is delivered. The nodes are reached
in-process: each URL maps to one node.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from two_chains import TwoChains, wait_until
from two_chains import ok_cli as ok
from two_chains import run_cli as run

from sen.api.inprocess import in_process_client
from sen.cli._context import Settings
from sen.node.node import Node
from sen.sdk.client import Client

sys.path.insert(0, str(Path(__file__).parents[1] / "directory"))
from hub import make_hub, propose_and_pass

URLS = {"a": "http://lao-dong.test", "b": "http://giao-duc.test", "hub": "http://hub.test"}


@pytest.fixture
def hub(
    chains: TwoChains,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Node]:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("SEN_LANG", raising=False)
    made = make_hub(tmp_path / "hub", lambda argv: ok(argv, capsys))
    nodes = {URLS["a"]: lambda: chains.a, URLS["b"]: lambda: chains.b, URLS["hub"]: lambda: made}

    def http(url: str, *, timeout: float = 30.0, chain_id: str | None = None) -> Client:
        return in_process_client(nodes[url](), chain_id=chain_id)

    monkeypatch.setattr(Client, "http", staticmethod(http))
    monkeypatch.setattr(Settings, "client", lambda self: in_process_client(made))
    yield made
    made.close()


def _entry(node: Node, url: str, *links: tuple[str, str, str]) -> dict[str, Any]:
    header = node.engine.blocks.load_block(node.app.height)
    assert header is not None
    return {
        "chain_id": node.app.genesis.chain_id,
        "genesis_hash": hashlib.sha256(node.app.genesis.raw).hexdigest(),
        "operator": "mic",
        "sector": "labour" if "lao" in url else "education",
        "endpoints": [{"kind": "rest", "url": url}],
        "validators_hash": header.header["validators_hash"].lower(),
        "links": [
            {"counterparty": other, "client_id": mine, "counterparty_client_id": theirs}
            for other, mine, theirs in links
        ],
    }


def test_the_links_a_directory_records_are_relayed(
    chains: TwoChains, hub: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = ("sen-giao-duc", chains.a_client, chains.b_client)
    entries = [
        _entry(chains.a, URLS["a"], link),
        _entry(chains.b, URLS["b"]),
        {  # registered with B's genesis hash, but its endpoint leads to A
            **_entry(chains.b, URLS["a"], ("sen-lao-dong", "sen-client-5", "sen-client-6")),
            "chain_id": "sen-y-te",
        },
    ]
    for n, entry in enumerate(entries):
        file = tmp_path / f"entry-{n}.json"
        file.write_text(json.dumps(entry), encoding="utf-8")
        propose_and_pass(
            ["directory", "propose-register", "--file", str(file), "--key", "alice"],
            lambda argv: ok(argv, capsys),
        )
    issuer = chains.revocation_list(revoked=[2])
    [sequence] = [chains.ask(issuer, 2, int(time.time()) + 600)]
    ok(["keys", "new", "relayer"], capsys)

    def relayed() -> bool:
        output = ok(["relay", "--directory", URLS["hub"], "--key", "relayer", "--once"], capsys)
        assert "sen-y-te: not relayed, http://lao-dong.test serves another chain's genesis" in (
            output
        )
        return not chains.ic("a").pending(chains.a_client)

    wait_until(relayed, 60, "the packet settled by relays from the directory")
    code, refused = run(["relay", "--directory", URLS["hub"]], capsys)
    assert code == 2 and "--directory needs --key" in refused
    code, refused = run(["relay"], capsys)
    assert code == 2 and "either --config FILE or --directory" in refused
    assert sequence == 1
