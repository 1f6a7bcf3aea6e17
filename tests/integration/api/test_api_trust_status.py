"""The trust registry and status lists over REST: roots, accreditations, checks, schemas, proofs."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from api_support import BLOCK_INTERVAL, assert_problem
from fastapi.testclient import TestClient

from sen.api import create_app
from sen.api.inprocess import in_process_client
from sen.did import xml_datetime
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.modules.identity import encode_multikey
from sen.ledger.modules.status import bits_key, decode_list
from sen.node.node import Node, init_home

DEGREE = "UniversityDegreeCredential"
SCHEMA_ID = "https://schemas.moet.gov.vn/degree/1.0.json"


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    """An open chain whose genesis makes did:sen:moet a trust root."""
    config = init_home(tmp_path / "node", block_interval=BLOCK_INTERVAL)
    genesis = json.loads(config.genesis_path.read_text(encoding="utf-8"))
    genesis["app_state"]["trust"] = {"roots": ["did:sen:moet"]}
    config.genesis_path.write_text(json.dumps(genesis, indent=2), encoding="utf-8")
    running = Node.open(dataclasses.replace(config, sync=False))
    running.start()
    yield running
    running.close()


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(node)) as test_client:
        yield test_client


@pytest.fixture
def registry(node: Node) -> dict[str, Any]:
    """moet (root) accredits hust for degrees; a schema; a revocation list with entry 42 set."""
    owner: SigningKey = get_suite("ed25519").generate()
    key = encode_multikey(owner.suite, owner.public_key)
    sdk = in_process_client(node)
    for name in ("moet", "hust"):
        document = {
            "name": name,
            "verification_methods": [{"id": "key-1", "public_key_multibase": key}],
            "relationships": {"assertionMethod": ["key-1"]},
        }
        sdk.send(owner, "identity", "create", document)
    granted = sdk.send(
        owner,
        "trust",
        "accredit",
        {"accreditor": "did:sen:moet", "issuer": "did:sen:hust", "credential_types": [DEGREE]},
    )
    schema = {
        "id": SCHEMA_ID,
        "name": "Bằng đại học",
        "version": "1.0",
        "credential_type": DEGREE,
        "digest": hashlib.sha256(b"{}").digest(),
        "issuer": "did:sen:moet",
    }
    sdk.send(owner, "trust", "register_schema", schema)
    list_args = {"list": "degrees-2027", "issuer": "did:sen:hust"}
    sdk.send(owner, "status", "create_list", {**list_args, "purpose": "revocation"})
    sdk.send(owner, "status", "update", {**list_args, "set": [42]})
    sdk.close()
    return {"granted": granted.height}


def test_roots(client: TestClient, registry: dict[str, Any]) -> None:
    body = client.get("/v1/trust/roots").json()
    assert (body["roots"], body["version"]) == (["did:sen:moet"], 1)
    assert [(v["version"], v["height"]) for v in body["history"]] == [(1, 0)]


def test_issuer_history_and_the_check(client: TestClient, registry: dict[str, Any]) -> None:
    hust = client.get("/v1/trust/issuers/did:sen:hust").json()
    [accreditation] = hust["accreditations"]
    assert accreditation["accreditor"] == "did:sen:moet"
    assert accreditation["credential_types"] == [DEGREE]
    assert (accreditation["from_height"], accreditation["revoked_height"]) == (
        registry["granted"],
        None,
    )
    moet = client.get("/v1/trust/issuers/did:sen:moet").json()
    assert moet["accreditations"] == [] and moet["granted"] == [accreditation]

    ok = client.get("/v1/trust/check", params={"issuer": "did:sen:hust", "type": DEGREE}).json()
    assert (ok["ok"], ok["root"], ok["error"]) == (True, "did:sen:moet", "")
    assert [a["accreditor"] for a in ok["path"]] == ["did:sen:moet"]
    other = client.get(
        "/v1/trust/check", params={"issuer": "did:sen:hust", "type": "TranscriptCredential"}
    ).json()
    assert (other["ok"], other["error"]) == (False, "type_not_covered")
    early = client.get(
        "/v1/trust/check",
        params={"issuer": "did:sen:hust", "type": DEGREE, "at": "2001-01-01T00:00:00Z"},
    ).json()
    assert (early["ok"], early["at_seconds"]) == (False, 978307200)
    seconds = client.get(
        "/v1/trust/check",
        params={"issuer": "did:sen:hust", "type": DEGREE, "at": str(ok["at_seconds"])},
    ).json()
    assert seconds["ok"] and seconds["at"] == xml_datetime(ok["at_seconds"])


def test_bad_queries_are_problems(client: TestClient, registry: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/trust/issuers/hust"), 400, "did")
    assert_problem(
        client.get("/v1/trust/check", params={"issuer": "hust", "type": DEGREE}), 400, "issuer"
    )
    assert_problem(
        client.get("/v1/trust/check", params={"issuer": "did:sen:hust", "type": "a b"}),
        400,
        "type",
    )
    assert_problem(
        client.get(
            "/v1/trust/check", params={"issuer": "did:sen:hust", "type": DEGREE, "at": "soon"}
        ),
        400,
        "at",
    )


def test_schemas(client: TestClient, registry: dict[str, Any]) -> None:
    listed = client.get("/v1/trust/schemas").json()
    assert listed["total"] == 1 and [s["id"] for s in listed["schemas"]] == [SCHEMA_ID]
    assert client.get("/v1/trust/schemas", params={"type": "Other"}).json()["schemas"] == []
    assert (
        client.get("/v1/trust/schemas", params={"issuer": "did:sen:hust"}).json()["schemas"] == []
    )
    for path in (SCHEMA_ID, quote(SCHEMA_ID, safe="")):
        one = client.get(f"/v1/trust/schemas/{path}")
        assert one.status_code == 200, one.text
        body = one.json()
        assert (body["name"], body["deprecated"]) == ("Bằng đại học", False)
        assert body["digest"] == hashlib.sha256(b"{}").hexdigest()
    assert_problem(client.get("/v1/trust/schemas/https://nowhere.vn/x"), 404, "schema_id")


def test_a_status_list_and_its_proof(client: TestClient, registry: dict[str, Any]) -> None:
    body = client.get("/v1/status-lists/did:sen:hust/degrees-2027").json()
    assert (body["purpose"], body["size"], body["version"]) == ("revocation", 131_072, 2)
    bits = decode_list(body["encodedList"])
    assert len(bits) == 16_384 and bits[5] == 0x20  # entry 42: byte 5, bit 2 from the left
    assert body["statusListDigest"] == hashlib.sha256(bits).hexdigest()
    key = bytes.fromhex(body["key"])
    assert key == bits_key("did:sen:hust", "degrees-2027")
    proof = body["proof"]
    verify_state_proof(
        bytes.fromhex(body["app_hash"]),
        key,
        bits,
        [bytes.fromhex(s) for s in proof["siblings"]],
        bytes.fromhex(proof["leaf_path"]),
        bytes.fromhex(proof["leaf_value_hash"]),
    )
    assert proof["leaf_value_hash"] == body["statusListDigest"]
    assert proof["app_hash"] == body["app_hash"]

    entry = client.get("/v1/status-lists/did:sen:hust/degrees-2027/42").json()
    assert (entry["status"], entry["purpose"], entry["version"]) == (1, "revocation", 2)
    assert client.get("/v1/status-lists/did:sen:hust/degrees-2027/43").json()["status"] == 0


def test_status_list_problems(client: TestClient, registry: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/status-lists/did:sen:hust/degrees-2027/131072"), 400, "index")
    assert_problem(client.get("/v1/status-lists/did:sen:hust/nothing"), 404, "list")
    assert_problem(client.get("/v1/status-lists/did:sen:hust/nothing/1"), 404, "list")
    assert_problem(client.get("/v1/status-lists/hust/degrees-2027"), 400, "issuer")
    assert_problem(client.get("/v1/status-lists/did:sen:hust/Bad_Name"), 400, "list")
