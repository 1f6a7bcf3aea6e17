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
from sen.ledger import encoding
from sen.node.node import Node
from sen.sdk.client import Client

sys.path.insert(0, str(Path(__file__).parents[1] / "directory"))
from hub import make_hub, propose_and_pass

URLS = {
    "a": "http://lao-dong.test",
    "b": "http://giao-duc.test",
    "hub": "http://hub.test",
    "liar": "http://liar.test",  # the hub's node, answering with a made-up entry
}


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
    made = make_hub(tmp_path / "hub", lambda argv: ok(argv, capsys), empty_block_interval=0.2)
    nodes = {URLS["a"]: lambda: chains.a, URLS["b"]: lambda: chains.b, URLS["hub"]: lambda: made}

    def http(url: str, *, timeout: float = 30.0, chain_id: str | None = None) -> Client:
        if url == URLS["liar"]:
            return _lying(in_process_client(made, chain_id=chain_id))
        return in_process_client(nodes[url](), chain_id=chain_id)

    monkeypatch.setattr(Client, "http", staticmethod(http))
    monkeypatch.setattr(Settings, "client", lambda self: in_process_client(made))
    yield made
    made.close()


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _lying(client: Client) -> Client:
    """The hub's node, but its directory lists one more chain, proved under a made-up root."""
    honest = client.transport.request

    def request(method: str, path: str, **kwargs: Any) -> Any:
        status, body = honest(method, path, **kwargs)
        if path == "/v1/directory/chains" and status == 200 and body["chains"]:
            made_up = dict(encoding.decode(bytes.fromhex(body["chains"][0]["value"])))
            made_up.update(chain_id="sen-gia-mao", links=[])
            value = encoding.encode(made_up)
            key = b"directory/chain/sen-gia-mao"
            root = _sha(b"\x00" + _sha(key) + _sha(value))  # a one-leaf tree
            body["chains"].append(
                {
                    **body["chains"][0],
                    "chain_id": "sen-gia-mao",
                    "key": key.hex(),
                    "value": value.hex(),
                    "app_hash": root.hex(),
                    "proof": {
                        "siblings": [],
                        "leaf_path": _sha(key).hex(),
                        "leaf_value_hash": _sha(value).hex(),
                    },
                }
            )
        return status, body

    client.transport.request = request  # type: ignore[method-assign]
    return client


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
    hub_genesis = tmp_path / "hub-genesis.json"
    hub_genesis.write_bytes(hub.app.genesis.raw)
    checked = ["relay", "--directory", URLS["hub"], "--key", "relayer", "--once"]
    assert "note: the hub's answers" not in ok(
        [*checked, "--hub-genesis", str(hub_genesis)], capsys
    )
    lied = ["relay", "--directory", URLS["liar"], "--key", "relayer", "--once"]
    code, refused = run([*lied, "--hub-genesis", str(hub_genesis)], capsys)
    assert code == 1 and "no signed header of the hub carries the state" in refused
    # without the hub's genesis the made-up entry passes: the hub node is trusted, and said so
    told = ok(lied, capsys)
    assert "note: the hub's answers are checked against the app hash the hub gives" in told
    code, refused = run(["relay", "--directory", URLS["hub"]], capsys)
    assert code == 2 and "--directory needs --key" in refused
    code, refused = run(["relay"], capsys)
    assert code == 2 and "either --config FILE or --directory" in refused
    assert sequence == 1
