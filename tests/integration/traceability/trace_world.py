"""A permissioned chain where a Sơn La mango cooperative and a packer hold GS1 Company
Prefixes, and the cooperative's EPCIS repository beside it: the ``world`` fixture of this
folder's conftest, and of tests elsewhere that put this folder on ``sys.path`` (the EPCIS
conformance tests keep one world per module)."""

from __future__ import annotations

import datetime
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.identity import encode_multikey
from sen.light.genesis import GenesisValidator, load_genesis, make_genesis
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
from sen.services.traceability.chain import RemoteChain
from sen.services.traceability.repository import Repository
from sen.services.traceability.service import create_epcis_app
from sen.services.traceability.store import SqliteEventStore

CHAIN = "vn-agri"
COOPERATIVE = "did:sen:htx-xoai-son-la"
PACKER = "did:sen:dong-goi-moc-chau"
COOPERATIVE_PREFIX = "8935678"
PACKER_PREFIX = "893999"
DAY = datetime.timedelta(days=1)


def _member(authority: OrgAuthority, key: SigningKey, roles: list[str], serial: int) -> str:
    now = utc_now()
    certificate = issue_member_certificate(
        authority, public_key_for(key.suite, key.public_key), common_name=f"member {serial}",
        roles=roles, not_before=now - DAY, not_after=now + DAY, serial=serial,
    )  # fmt: skip
    return pem(certificate)


def _pass(sdk: Any, admin: SigningKey, kind: str, payload: dict[str, Any]) -> None:
    proposed = sdk.send(admin, "governance", "propose", {"kind": kind, "payload": payload})
    proposal = int(proposed.result.data, 16)
    voted = sdk.send(admin, "governance", "vote", {"proposal": proposal, "choice": "yes"})
    assert bytes.fromhex(voted.result.data) == b"passed", voted.result.log


class World:
    def __init__(self, node: Node, keys: dict[str, SigningKey], tmp: Path) -> None:
        self.node, self.keys, self.tmp = node, keys, tmp
        self.sdk = in_process_client(node)
        self.genesis = load_genesis(node.config.genesis_path.read_bytes())
        self.token = secrets.token_hex(24)
        self.store = SqliteEventStore(tmp / "epcis.db")
        chain = RemoteChain(lambda: in_process_client(node), keys["cooperative"])
        self.repository = Repository(self.store, chain, COOPERATIVE)
        self.api = TestClient(create_epcis_app(self.repository, token=self.token))
        self.auth = {"Authorization": f"Bearer {self.token}"}

    def grant(self, prefix: str, holder: str) -> None:
        _pass(
            self.sdk, self.keys["admin"], "grant_gs1_prefix", {"prefix": prefix, "holder": holder}
        )

    def revoke(self, prefix: str) -> None:
        _pass(self.sdk, self.keys["admin"], "revoke_gs1_prefix", {"prefix": prefix})

    def capture(self, document: dict[str, Any]) -> Any:
        return self.api.post("/epcis/capture", json=document, headers=self.auth)

    def wait_for_block_after(self, height: int, timeout: float = 20.0) -> None:
        """Until the node has committed a block above ``height`` (receipts need it)."""
        deadline = time.monotonic() + timeout
        while self.node.app.height <= height:
            if time.monotonic() > deadline:
                raise AssertionError(f"no block after {height} in {timeout} s")
            self.sdk.send(
                self.keys["admin"], "evidence", "anchor", {"digest": secrets.token_bytes(32)}
            )

    def close(self) -> None:
        self.api.close()
        self.store.close()
        self.sdk.close()


@contextmanager
def open_world(tmp_path: Path) -> Iterator[World]:
    """The chain (one validator, blocks every 50 ms) with both DIDs made and their prefixes
    granted, and the cooperative's repository over it; everything under ``tmp_path``."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = utc_now()
    name = "Bộ Nông nghiệp và Môi trường"
    ca = issue_ca_certificate(
        key, common_name=f"{name} CA", organisation=name, not_before=now - DAY, not_after=now + DAY
    )
    authority = OrgAuthority("mae", name, ca, key)
    suite = get_suite("ed25519")
    keys = {name: suite.generate() for name in ("admin", "cooperative", "packer")}
    members = [
        _member(authority, keys["admin"], ["admin", "writer"], 1),
        _member(authority, keys["cooperative"], ["issuer", "writer"], 2),
        _member(authority, keys["packer"], ["issuer", "writer"], 3),
    ]
    config = init_home(tmp_path / "home", chain_id=CHAIN, block_interval=0.05)
    validator = load_validator_key(config.validator_key_path)
    genesis = make_genesis(
        chain_id=CHAIN,
        genesis_time=Timestamp(int(time.time()), 0),
        validators=[GenesisValidator(public_bytes(validator), 10, "v0")],
        membership={
            "permissioned": True,
            "organisations": [{"id": authority.id, "name": name, "ca": pem(ca)}],
            "members": members,
        },
    )
    config.genesis_path.write_bytes(genesis)
    node = Node.open(load_config(config.home))
    node.start()
    made = World(node, keys, tmp_path)
    try:
        for who, did in (("cooperative", COOPERATIVE), ("packer", PACKER)):
            method = encode_multikey(keys[who].suite, keys[who].public_key)
            made.sdk.send(keys[who], "identity", "create", {
                "name": did.removeprefix("did:sen:"),
                "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
                "relationships": {"assertionMethod": ["key-1"]},
            })  # fmt: skip
        made.grant(COOPERATIVE_PREFIX, COOPERATIVE)
        made.grant(PACKER_PREFIX, PACKER)
        yield made
    finally:
        made.close()
        node.close()


def document(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-06-05T08:00:00.000+07:00",
        "epcisBody": {"eventList": list(events)},
    }


LOT = "urn:epc:class:lgtin:8935678.101234.L2026-06"
FARM = "urn:epc:id:sgln:8935678.00001.0"


def harvest(lot: str = LOT, at: str = FARM, kg: int = 500, minute: int = 0) -> dict[str, Any]:
    """The cooperative harvests a lot of mangoes at its farm."""
    return {
        "type": "ObjectEvent",
        "eventTime": f"2026-06-05T07:{minute:02d}:00.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "disposition": "active",
        "quantityList": [{"epcClass": lot, "quantity": kg, "uom": "KGM"}],
        "readPoint": {"id": at},
        "bizLocation": {"id": at},
    }
