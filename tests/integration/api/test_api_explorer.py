"""The explorer's reads: recent blocks and transactions, an account's history, search,
validators, the node's description and the result codes."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from api_support import Signer, assert_problem, b64, digest, settle
from fastapi.testclient import TestClient

import sen
from sen.ledger.codes import ResultCode
from sen.ledger.modules import MODULES
from sen.node.node import Node
from sen.vc import did_key


def anchor(client: TestClient, signer: Signer, count: int) -> list[str]:
    hashes = []
    for _ in range(count):
        tx = signer.tx(args={"digest": digest(signer.next_nonce), "organisation": "Bộ Y tế"})
        response = client.post("/v1/txs", json={"tx": b64(tx.raw)})
        assert response.status_code == 202, response.text
        hashes.append(tx.hash.hex())
    for tx_hash in hashes:
        assert client.get(f"/v1/txs/{tx_hash}", params={"wait": 10}).json()["status"] == "committed"
    return hashes


def test_recent_blocks_newest_first_and_paged(
    client: TestClient, node: Node, signer: Signer
) -> None:
    anchor(client, signer, 3)
    settle(node)
    body = client.get("/v1/blocks", params={"limit": 3}).json()
    assert body["height"] == node.app.height
    heights = [b["height"] for b in body["blocks"]]
    assert heights == [node.app.height, node.app.height - 1, node.app.height - 2]
    latest = client.get("/v1/blocks/latest").json()
    assert body["blocks"][0]["block_id"] == latest["block_id"]
    assert body["blocks"][0]["time"] == latest["header"]["time"]
    assert body["blocks"][0]["txs"] == len(latest["txs"])
    older = client.get("/v1/blocks", params={"limit": 100, "before": 2}).json()
    assert [b["height"] for b in older["blocks"]] == [1]
    assert (
        sum(b["txs"] for b in client.get("/v1/blocks", params={"limit": 100}).json()["blocks"]) == 3
    )


def test_recent_transactions_newest_first(client: TestClient, signer: Signer) -> None:
    hashes = anchor(client, signer, 3)
    body = client.get("/v1/txs", params={"limit": 2}).json()
    assert [t["hash"] for t in body["txs"]] == hashes[::-1][:2]
    first = body["txs"][0]
    assert first["module"] == "evidence" and first["action"] == "anchor"
    assert first["sender"] == signer.address.hex()
    assert (first["code"], first["code_name"]) == (0, "OK")


def test_account_history_newest_first(client: TestClient, signer: Signer) -> None:
    hashes = anchor(client, signer, 3)
    other = Signer(signer.chain_id)
    anchor(client, other, 1)
    body = client.get(f"/v1/accounts/{signer.address.hex()}/txs").json()
    assert [t["hash"] for t in body["txs"]] == hashes[::-1]
    limited = client.get(f"/v1/accounts/{signer.address.hex()}/txs", params={"limit": 1}).json()
    assert [t["hash"] for t in limited["txs"]] == hashes[-1:]
    unknown = Signer(signer.chain_id).address.hex()
    assert client.get(f"/v1/accounts/{unknown}/txs").json() == {"txs": []}


@pytest.mark.parametrize(
    ("path", "params", "field", "expected"),
    [
        ("/v1/blocks", {"limit": 0}, "limit", ">= 1"),
        ("/v1/blocks", {"limit": 101}, "limit", "<= 100"),
        ("/v1/blocks", {"before": 0}, "before", ">= 1"),
        ("/v1/txs", {"limit": "many"}, "limit", "int"),
        ("/v1/accounts/abcd/txs", {}, "address", "40 hex characters"),
        ("/v1/accounts/" + "zz" * 20 + "/txs", {}, "address", "hex (an even number of 0-9, a-f)"),
    ],
)
def test_bad_list_parameters_are_400(
    client: TestClient, path: str, params: dict[str, Any], field: str, expected: str
) -> None:
    assert_problem(client.get(path, params=params), 400, field, expected=expected)


def test_search_finds_each_kind(client: TestClient, node: Node, signer: Signer) -> None:
    (tx_hash,) = anchor(client, signer, 1)
    height = client.get(f"/v1/txs/{tx_hash}").json()["height"]
    validator = node.app.genesis.validator_set().validators[0].address.hex()
    key_did, _ = did_key(signer.key.suite, signer.key.public_key)
    cases = {
        str(height): [{"kind": "block", "id": str(height), "algorithm": None}],
        tx_hash.upper(): [{"kind": "transaction", "id": tx_hash, "algorithm": None}],
        digest(0).hex(): [{"kind": "evidence", "id": digest(0).hex(), "algorithm": "sha-256"}],
        "0x" + signer.address.hex(): [
            {"kind": "account", "id": signer.address.hex(), "algorithm": None}
        ],
        validator: [{"kind": "validator", "id": validator, "algorithm": None}],
        key_did: [{"kind": "did", "id": key_did, "algorithm": None}],  # resolves from itself
    }
    for query, matches in cases.items():
        body = client.get("/v1/search", params={"q": f"  {query} "}).json()
        assert body == {"query": query, "matches": matches}, query


@pytest.mark.parametrize(
    "query",
    [
        "999999",
        "0",
        hashlib.sha256(b"never anchored").hexdigest(),
        hashlib.sha512(b"never anchored").hexdigest(),
        "ab" * 20,  # an address that never sent anything
        "did:sen:bo-y-te",  # not on this chain
        "did:key:z6Mnot-a-key",
    ],
)
def test_search_without_a_match_is_an_empty_list(client: TestClient, query: str) -> None:
    assert client.get("/v1/search", params={"q": query}).json() == {"query": query, "matches": []}


@pytest.mark.parametrize(
    ("query", "got"),
    [
        ("xin chào", "'xin chào'"),
        ("abc", "'abc'"),
        ("ab" * 10, "'" + "ab" * 10 + "'"),
        ("", "0 characters"),
        ("1" * 300, "300 characters"),
    ],
)
def test_search_text_that_names_nothing_is_400(client: TestClient, query: str, got: str) -> None:
    body = assert_problem(client.get("/v1/search", params={"q": query}), 400, "q", got=got)
    assert body["expected"].startswith("a block height, a transaction hash or digest")


def test_search_needs_q(client: TestClient) -> None:
    assert_problem(client.get("/v1/search"), 400, "q", expected="a value")


def test_validators_from_genesis(client: TestClient, node: Node) -> None:
    body = client.get("/v1/validators").json()
    (only,) = node.app.genesis.validators
    assert body["chain_id"] == node.app.genesis.chain_id
    assert body["source"] == "state"  # the genesis set, kept in state for governance
    assert body["total_power"] == only.power
    assert body["validators"] == [
        {
            "address": hashlib.sha256(only.pub_key).digest()[:20].hex(),
            "public_key": only.pub_key.hex(),
            "power": only.power,
            "name": only.name,
        }
    ]


def test_node_describes_itself(client: TestClient, node: Node) -> None:
    body = client.get("/v1/node").json()
    assert body["chain_id"] == node.app.genesis.chain_id
    assert body["version"] == sen.__version__
    assert body["genesis_hash"] == hashlib.sha256(node.app.genesis.raw).hexdigest()
    assert body["consensus"] == "embedded" and body["peers"] == []
    modules = {m["name"]: m["actions"] for m in body["modules"]}
    assert modules == {name: sorted(m.actions) for name, m in MODULES.items()}
    assert modules["evidence"] == ["anchor", "anchor_batch"]
    available = {f["name"]: f["available"] for f in body["features"]}
    planned = ("evidence", "membership", "governance", "identity", "credentials")
    consortium = {"membership", "governance"}  # this chain has no organisations
    assert available == {name: name in MODULES and name not in consortium for name in planned}
    assert body["operator"] == {"name": "", "location": ""}


def test_node_shows_the_declared_operator(client: TestClient, node: Node) -> None:
    settings = node.config.settings_path
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + '\n[operator]\nname = "Sở TT&TT Đà Nẵng"\nlocation = "Đà Nẵng, Việt Nam"\n',
        encoding="utf-8",
    )
    body = client.get("/v1/node").json()
    assert body["operator"] == {"name": "Sở TT&TT Đà Nẵng", "location": "Đà Nẵng, Việt Nam"}


def test_a_wrong_operator_declaration_is_not_shown(client: TestClient, node: Node) -> None:
    settings = node.config.settings_path
    settings.write_text(
        settings.read_text(encoding="utf-8") + "\n[operator]\nname = 5\n", encoding="utf-8"
    )
    response = client.get("/v1/node")
    assert response.status_code == 200
    assert response.json()["operator"] == {"name": "", "location": ""}


def test_codes_with_their_meaning(client: TestClient) -> None:
    codes = {c["code"]: c for c in client.get("/v1/codes").json()["codes"]}
    assert set(codes) == {int(c) for c in ResultCode}
    assert codes[7] == {
        "code": 7,
        "name": "BAD_SIGNATURE",
        "en": "signature does not verify",
        "vi": "chữ ký không hợp lệ",
    }
