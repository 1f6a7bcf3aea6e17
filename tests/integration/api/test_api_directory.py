"""The chain directory over REST: entries, datasets and record types, each with a state proof.

The node is a hub: a permissioned chain with one organisation (``mic``) whose
admin proposes and, alone, passes directory entries. Every answer's proof is
checked over the answer's own ``value``, which must decode to what the JSON
says: a reader that trusts nothing but the app hash gets the same entry.
"""

from __future__ import annotations

import datetime
import hashlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import BLOCK_INTERVAL, assert_problem
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from sen.api import create_app
from sen.api.inprocess import in_process_client
from sen.ledger import encoding
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.light.types import Timestamp
from sen.light.genesis import GenesisValidator, make_genesis
from sen.node.config import load_config
from sen.node.keys import load_validator_key, public_bytes
from sen.node.node import Node, init_home
from sen.sdk.devca import (
    OrgAuthority,
    issue_ca_certificate,
    issue_member_certificate,
    pem,
    public_key_for,
    utc_now,
)

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "ledger" / "directory"))
from directory_entries import entry

HUB = "vn-hub"
DAY = datetime.timedelta(days=1)


def _authority() -> OrgAuthority:
    key = ec.generate_private_key(ec.SECP256R1())
    name = "Bộ Thông tin và Truyền thông"
    now = utc_now()
    certificate = issue_ca_certificate(
        key, common_name=f"{name} CA", organisation=name, not_before=now - DAY, not_after=now + DAY
    )
    return OrgAuthority("mic", name, certificate, key)


MIC = _authority()
ADMIN: SigningKey = get_suite("ed25519").generate()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A hub whose directory lists vn-edu and vn-moit (vn-labour registered, then removed)."""
    now = utc_now()
    certificate = issue_member_certificate(
        MIC,
        public_key_for(ADMIN.suite, ADMIN.public_key),
        common_name="Quản trị viên",
        roles=["admin"],
        not_before=now - DAY,
        not_after=now + DAY,
        serial=1,
    )
    config = init_home(
        tmp_path_factory.mktemp("hub") / "home", chain_id=HUB, block_interval=BLOCK_INTERVAL
    )
    validator = load_validator_key(config.validator_key_path)
    genesis = make_genesis(
        chain_id=HUB,
        genesis_time=Timestamp(int(time.time()), 0),
        validators=[GenesisValidator(public_bytes(validator), 10, "v0")],
        membership={
            "permissioned": True,
            "organisations": [{"id": MIC.id, "name": MIC.name, "ca": pem(MIC.certificate)}],
            "members": [pem(certificate)],
        },
    )
    config.genesis_path.write_bytes(genesis)
    node = Node.open(load_config(config.home))
    node.start()
    sdk = in_process_client(node)
    for kind, payload in (
        ("register_chain", entry("vn-edu", operator="mic")),
        ("register_chain", entry("vn-labour", operator="mic", links=[])),
        ("register_chain", entry("vn-moit", operator="mic", sector="trade")),
        ("remove_chain", {"chain_id": "vn-labour"}),
    ):
        _pass(sdk, kind, payload)
    sdk.close()
    yield node
    node.close()


def _pass(sdk: Any, kind: str, payload: dict[str, Any]) -> None:
    proposed = sdk.send(ADMIN, "governance", "propose", {"kind": kind, "payload": payload})
    proposal = int(proposed.result.data, 16)
    voted = sdk.send(ADMIN, "governance", "vote", {"proposal": proposal, "choice": "yes"})
    assert bytes.fromhex(voted.result.data) == b"passed", voted.result.log


@pytest.fixture(scope="module")
def api(hub: Node) -> Iterator[TestClient]:
    with TestClient(create_app(hub)) as client:
        yield client


def _proved(body: dict[str, Any]) -> Any:
    """Verify ``body``'s proof over its ``value``; the decoded value (None: proved absent)."""
    value = None if body["value"] is None else bytes.fromhex(body["value"])
    proof = body["proof"]
    assert proof["app_hash"] == body["app_hash"]
    verify_state_proof(
        bytes.fromhex(body["app_hash"]),
        bytes.fromhex(body["key"]),
        value,
        [bytes.fromhex(s) for s in proof["siblings"]],
        bytes.fromhex(proof["leaf_path"]) if proof["leaf_path"] else None,
        bytes.fromhex(proof["leaf_value_hash"]) if proof["leaf_value_hash"] else None,
    )
    return None if value is None else encoding.decode(value)


def test_one_chain_with_a_proof_of_its_entry(api: TestClient) -> None:
    shown = api.get("/v1/directory/chains/vn-edu")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    decoded = _proved(body)
    assert body["key"] == b"directory/chain/vn-edu".hex()
    assert (body["chain_id"], body["operator"], body["sector"]) == ("vn-edu", "mic", "education")
    assert body["genesis_hash"] == decoded["genesis_hash"].hex()
    assert body["genesis_hash"] == hashlib.sha256(b"genesis of vn-edu").hexdigest()
    assert [e["kind"] for e in body["endpoints"]] == ["rest", "p2p"]
    assert body["links"] == [
        {
            "counterparty": "vn-labour",
            "client_id": "sen-client-0",
            "counterparty_client_id": "sen-client-3",
        }
    ]
    assert [d["uri"] for d in body["datasets"]] == [d["uri"] for d in decoded["datasets"]]
    assert body["datasets"][1]["schema_digest"] is None
    assert body["sequence"] == 1 and body["updated_height"] == body["registered_height"]


def test_the_list_pages_in_registration_order_each_entry_proved(api: TestClient) -> None:
    first = api.get("/v1/directory/chains", params={"limit": 1}).json()
    assert [c["chain_id"] for c in first["chains"]] == ["vn-edu"]
    assert (first["total"], first["next"]) == (2, 1)
    rest = api.get("/v1/directory/chains", params={"after": first["next"]}).json()
    assert [c["chain_id"] for c in rest["chains"]] == ["vn-moit"]  # vn-labour was removed
    assert rest["next"] is None
    for view in [*first["chains"], *rest["chains"]]:
        assert _proved(view)["chain_id"] == view["chain_id"]


def test_datasets_by_uri_and_by_record_type(api: TestClient) -> None:
    found = api.get("/v1/directory/datasets/sen://vn-edu/evidence/diploma")
    assert found.status_code == 200, found.text
    body = found.json()
    assert _proved(body)["module"] == "evidence"
    assert body["dataset"] == {
        "uri": "sen://vn-edu/evidence/diploma",
        "chain_id": "vn-edu",
        "record_type": "diploma",
        "module": "evidence",
        "schema_digest": hashlib.sha256(b"diploma schema").hexdigest(),
        "jurisdiction": None,
    }
    typed = api.get("/v1/directory/datasets", params={"type": "diploma"}).json()
    assert typed["uris"] == ["sen://vn-edu/evidence/diploma", "sen://vn-moit/evidence/diploma"]
    assert _proved(typed) == typed["uris"]
    none = api.get("/v1/directory/datasets", params={"type": "carbon-credit"}).json()
    assert (none["uris"], none["value"]) == ([], None)
    assert _proved(none) is None  # a proof that no chain holds the type


def test_a_removed_chain_and_its_datasets_are_gone(api: TestClient) -> None:
    assert_problem(api.get("/v1/directory/chains/vn-labour"), 404, "chain_id")
    gone = api.get("/v1/directory/datasets/sen%3A%2F%2Fvn-labour%2Fevidence%2Fdiploma")
    assert_problem(gone, 404, "uri")


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/v1/directory/chains/vn edu", {}, 400, "chain_id"),
        ("/v1/directory/chains/" + "x" * 51, {}, 400, "chain_id"),
        ("/v1/directory/chains/vn-nowhere", {}, 404, "chain_id"),
        ("/v1/directory/chains", {"limit": 0}, 400, "limit"),
        ("/v1/directory/chains", {"limit": 201}, 400, "limit"),
        ("/v1/directory/chains", {"after": -1}, 400, "after"),
        ("/v1/directory/chains", {"after": "x"}, 400, "after"),
        ("/v1/directory/datasets", {}, 400, "type"),
        ("/v1/directory/datasets", {"type": "bad type!"}, 400, "type"),
        ("/v1/directory/datasets/https://vn-edu/evidence/diploma", {}, 400, "uri"),
        ("/v1/directory/datasets/sen://vn-edu/evidence", {}, 400, "uri"),
        ("/v1/directory/datasets/sen://vn-edu/evidence/thesis", {}, 404, "uri"),
    ],
)
def test_bad_input_is_400_and_unknown_is_404(
    api: TestClient, path: str, params: dict[str, Any], status: int, field: str
) -> None:
    body = assert_problem(api.get(path, params=params), status, field)
    if status == 400:
        assert body["expected"]
        assert (body["got"] is None) == (params == {} and path.endswith("datasets"))
