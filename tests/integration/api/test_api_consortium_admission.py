"""A consortium chain behind the REST API: a non-member's transaction is never committed.

The security review's finding (issue 10): anyone who can reach the API took a
member certificate from the public genesis, signed ``membership.enroll`` with
a fresh key and got it committed as ``KEY_MISMATCH``, costing a block entry, a
nonce and an app-hash change. Now CheckTx refuses it with the refusal
execution would give, and nothing is written; a member's own enrolment still
goes through end to end.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import BLOCK_INTERVAL, assert_problem, b64, digest, settle, snapshot
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from sen.api import create_app
from sen.ledger.crypto import SigningKey, address_of, get_suite
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.membership import load_member
from sen.ledger.rules import load_nonce
from sen.ledger.tx import sign_tx
from sen.light.genesis import GenesisValidator, make_genesis
from sen.node.config import load_config
from sen.node.keys import load_validator_key, public_bytes
from sen.node.node import Node, init_home
from sen.sdk.devca import (
    OrgAuthority,
    der,
    issue_ca_certificate,
    issue_member_certificate,
    pem,
    public_key_for,
    utc_now,
)

CHAIN_ID = "vn-edu"
DAY = datetime.timedelta(days=1)


def _authority() -> OrgAuthority:
    key = ec.generate_private_key(ec.SECP256R1())
    name = "Đại học Quốc gia Hà Nội"
    now = utc_now()
    certificate = issue_ca_certificate(
        key, common_name=f"{name} CA", organisation=name, not_before=now - DAY, not_after=now + DAY
    )
    return OrgAuthority("uni-hanoi", name, certificate, key)


UNI = _authority()


def _certificate(signer: SigningKey, serial: int) -> x509.Certificate:
    now = utc_now()
    return issue_member_certificate(
        UNI,
        public_key_for(signer.suite, signer.public_key),
        common_name=f"Thành viên {serial}",
        roles=["writer"],
        not_before=now - DAY,
        not_after=now + DAY,
        serial=serial,
    )


def _address(signer: SigningKey) -> bytes:
    return address_of(signer.suite, signer.public_key)


def _tx(signer: SigningKey, nonce: int, module: str, action: str, **args: object) -> bytes:
    return sign_tx(
        signer, chain_id=CHAIN_ID, nonce=nonce, module=module, action=action, args=args
    ).raw


MEMBER = get_suite("ed25519").generate()
MEMBER_CERTIFICATE = _certificate(MEMBER, 1)


@pytest.fixture
def consortium(tmp_path: Path) -> Iterator[Node]:
    """A running node (blocks every 0.05 s) whose genesis admits one organisation and member."""
    config = init_home(tmp_path / "home", chain_id=CHAIN_ID, block_interval=BLOCK_INTERVAL)
    validator = load_validator_key(config.validator_key_path)
    section = {
        "permissioned": True,
        "organisations": [{"id": UNI.id, "name": UNI.name, "ca": pem(UNI.certificate)}],
        "members": [pem(MEMBER_CERTIFICATE)],
    }
    genesis = make_genesis(
        chain_id=CHAIN_ID,
        genesis_time=Timestamp(int(time.time()), 0),
        validators=[GenesisValidator(public_bytes(validator), 10, "v0")],
        membership=section,
    )
    config.genesis_path.write_bytes(genesis)
    node = Node.open(load_config(config.home))
    node.start()
    yield node
    node.close()


@pytest.fixture
def client(consortium: Node) -> Iterator[TestClient]:
    with TestClient(create_app(consortium)) as test_client:
        yield test_client


def test_a_genesis_certificate_with_a_fresh_key_is_refused_and_nothing_is_written(
    consortium: Node, client: TestClient
) -> None:
    stranger = get_suite("ed25519").generate()
    stolen = _tx(stranger, 0, "membership", "enroll", certificate=der(MEMBER_CERTIFICATE))
    settle(consortium)
    before = snapshot(consortium, [_address(stranger)])
    response = client.post("/v1/txs", json={"tx": b64(stolen)})
    assert_problem(
        response,
        422,
        "args.certificate",
        code="KEY_MISMATCH",
        expected=f"a certificate for the signer {_address(stranger).hex()}",
        got=f"a certificate for {_address(MEMBER).hex()}",
    )
    time.sleep(4 * BLOCK_INTERVAL)  # a block would have followed an admitted transaction
    # mempool, height, app hash and the stranger's next nonce are all unchanged
    assert snapshot(consortium, [_address(stranger)]) == before
    assert load_nonce(consortium.app.store, _address(stranger)) == 0
    assert load_member(consortium.app.store, _address(stranger)) is None
    assert client.get(f"/v1/membership/members/{_address(stranger).hex()}").status_code == 404


def test_a_non_members_other_transactions_are_refused_too(
    consortium: Node, client: TestClient
) -> None:
    stranger = get_suite("ed25519").generate()
    settle(consortium)
    before = snapshot(consortium, [_address(stranger)])
    anchor = _tx(stranger, 0, "evidence", "anchor", digest=digest(1))
    response = client.post("/v1/txs", json={"tx": b64(anchor)})
    assert_problem(response, 422, "sender", code="UNKNOWN_SIGNER", got=_address(stranger).hex())
    time.sleep(4 * BLOCK_INTERVAL)
    assert snapshot(consortium, [_address(stranger)]) == before


def test_a_members_own_enrolment_still_goes_through_end_to_end(
    consortium: Node, client: TestClient
) -> None:
    newcomer = get_suite("ed25519").generate()
    refused = _tx(newcomer, 0, "membership", "enroll", certificate=der(MEMBER_CERTIFICATE))
    assert client.post("/v1/txs", json={"tx": b64(refused)}).status_code == 422
    own = _tx(newcomer, 0, "membership", "enroll", certificate=der(_certificate(newcomer, 2)))
    submitted = client.post("/v1/txs", json={"tx": b64(own)})
    assert submitted.status_code == 202, submitted.text
    shown = client.get(f"/v1/txs/{submitted.json()['hash']}", params={"wait": 10}).json()
    assert (shown["status"], shown["result"]["code_name"]) == ("committed", "OK")
    member = client.get(f"/v1/membership/members/{_address(newcomer).hex()}").json()
    assert (member["organisation"], member["roles"], member["serial"]) == (
        "uni-hanoi",
        ["writer"],
        "2",
    )
    anchor = _tx(newcomer, 1, "evidence", "anchor", digest=digest(2))
    submitted = client.post("/v1/txs", json={"tx": b64(anchor)})
    assert submitted.status_code == 202, submitted.text
    shown = client.get(f"/v1/txs/{submitted.json()['hash']}", params={"wait": 10}).json()
    assert (shown["status"], shown["result"]["code_name"]) == ("committed", "OK")
