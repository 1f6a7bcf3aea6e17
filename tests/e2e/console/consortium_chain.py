"""A consortium chain for the console's administration pages, built with the development CA.

Three organisations at genesis, each with an admin (roles admin and writer), and in the
university three more members: one whose certificate is revoked on the chain, one whose
certificate expired yesterday (the genesis is two days old, when it was still valid), and one
valid writer. Governance then runs for real through the SDK, leaving a proposal of every
status: passed (a fourth organisation admitted), rejected, failed (admitting an organisation
that already exists), expired (a validator change nobody voted on in time) and open.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509

from sen.ledger.crypto import SigningKey, address_of
from sen.ledger.light.types import Timestamp
from sen.light.genesis import GenesisValidator, load_genesis, make_genesis
from sen.node.node import init_home
from sen.sdk import Client, generate_key
from sen.sdk.devca import (
    OrgAuthority,
    der,
    init_org_directory,
    issue_member_certificate,
    pem,
    public_key_for,
    utc_now,
)

CHAIN_ID = "sen-lien-minh"
UNIVERSITY = ("dhqg-hn", "Đại học Quốc gia Hà Nội")
MINISTRY = ("bo-gddt", "Bộ Giáo dục và Đào tạo")
BANK = ("nhnn", "Ngân hàng Nhà nước Việt Nam")
NEWCOMER = ("so-gddt-hcm", "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh")
ADMIN_NAMES = ("Nguyễn Thị Hoà", "Trần Quốc Tuấn", "Lê Văn Thịnh")
REVOKED = ("Đặng Thuỳ Trâm", 42)
EXPIRED = ("Phạm Ngọc Ánh", 43)
WRITER = ("Võ Nguyên Giáp", 44)


@dataclass
class Consortium:
    url: str
    home: Path
    admins: list[SigningKey]
    members: dict[str, str] = field(default_factory=dict)  # name -> address
    proposals: dict[str, int] = field(default_factory=dict)  # status -> id

    def client(self) -> Client:
        return Client.http(self.url)

    def address(self, key: SigningKey) -> str:
        return _address(key)


@dataclass
class Plan:
    """What the genesis holds, before the node runs."""

    admins: list[SigningKey]
    members: dict[str, str]
    newcomer_ca: bytes


def _certificate(
    authority: OrgAuthority,
    key: SigningKey,
    name: str,
    roles: list[str],
    serial: int,
    start: datetime.datetime,
    end: datetime.datetime,
) -> x509.Certificate:
    return issue_member_certificate(
        authority,
        public_key_for(key.suite, key.public_key),
        common_name=name,
        roles=roles,
        not_before=start,
        not_after=end,
        serial=serial,
    )


def write_home(home: Path, cas: Path, port: int) -> Plan:
    """A node home whose genesis (two days old) is the consortium described above."""
    config = init_home(home, chain_id=CHAIN_ID, port=port, block_interval=0.25)
    validator = load_genesis(config.genesis_path.read_bytes()).validators[0]
    now = utc_now()
    began = now - datetime.timedelta(days=3)
    authorities = [
        init_org_directory(cas / org_id, org_id, name, now=began)
        for org_id, name in (UNIVERSITY, MINISTRY, BANK)
    ]
    newcomer = init_org_directory(cas / NEWCOMER[0], *NEWCOMER, now=began)
    admins = [generate_key() for _ in authorities]
    certificates = [
        _certificate(
            ca, admin, name, ["admin", "writer"], 1, began, now + datetime.timedelta(days=365)
        )
        for ca, admin, name in zip(authorities, admins, ADMIN_NAMES, strict=True)
    ]
    members = {name: _address(admin) for name, admin in zip(ADMIN_NAMES, admins, strict=True)}
    university = authorities[0]
    for (name, serial), end in (
        (REVOKED, now + datetime.timedelta(days=365)),
        (EXPIRED, now - datetime.timedelta(days=1)),
        (WRITER, now + datetime.timedelta(days=365)),
    ):
        key = generate_key()
        certificates.append(_certificate(university, key, name, ["writer"], serial, began, end))
        members[name] = _address(key)
    membership = {
        "permissioned": True,
        "organisations": [
            {"id": ca.id, "name": ca.name, "ca": pem(ca.certificate)} for ca in authorities
        ],
        "members": [pem(c) for c in certificates],
    }
    genesis_time = now - datetime.timedelta(days=2)
    genesis = make_genesis(
        chain_id=CHAIN_ID,
        genesis_time=Timestamp(int(genesis_time.timestamp()), 0),
        validators=[GenesisValidator(validator.pub_key, 10, "nút-hà-nội")],
        membership=membership,
        governance={"voting_period": 50_000},
    )
    config.genesis_path.write_bytes(genesis)
    return Plan(admins=admins, members=members, newcomer_ca=der(newcomer.certificate))


def _address(key: SigningKey) -> str:
    return address_of(key.suite, key.public_key).hex()


def _propose(client: Client, key: SigningKey, args: dict[str, Any]) -> int:
    info = client.send(key, "governance", "propose", args)
    assert info.result is not None and info.result.data, info
    return int(info.result.data, 16)


def _vote(client: Client, key: SigningKey, proposal: int, choice: str) -> None:
    client.send(key, "governance", "vote", {"proposal": proposal, "choice": choice})


def govern(url: str, home: Path, plan: Plan) -> Consortium:
    """Real transactions: a revocation and proposals ending in every status."""
    consortium = Consortium(url=url, home=home, admins=plan.admins, members=plan.members)
    first, second, third = plan.admins
    with consortium.client() as client:
        client.send(
            first, "membership", "revoke", {"organisation": UNIVERSITY[0], "serial": REVOKED[1]}
        )
        admitted = _propose(
            client,
            first,
            {
                "kind": "admit_organisation",
                "title": f"Kết nạp {NEWCOMER[1]}",
                "payload": {
                    "id": NEWCOMER[0],
                    "name": NEWCOMER[1],
                    "ca": plan.newcomer_ca,
                    "roles": ["admin", "writer"],
                },
            },
        )
        for key in plan.admins:  # three of three organisations: more than 2/3
            _vote(client, key, admitted, "yes")
        rejected = _propose(
            client,
            second,
            {
                "kind": "add_role",
                "title": "Thêm vai trò kiểm định",
                "payload": {"role": "kiem-dinh"},
            },
        )
        _vote(client, first, rejected, "no")
        _vote(client, second, rejected, "no")  # 2 of 4 against: can no longer pass
        failed = _propose(
            client,
            third,
            {
                "kind": "admit_organisation",
                "title": "Kết nạp lại Đại học Quốc gia Hà Nội",
                "payload": {
                    "id": UNIVERSITY[0],
                    "name": UNIVERSITY[1],
                    "ca": plan.newcomer_ca,
                    "roles": ["writer"],
                },
            },
        )
        for key in plan.admins:  # passes (3 of 4), but the organisation exists
            _vote(client, key, failed, "yes")
        expired = _propose(
            client,
            first,
            {
                "kind": "set_validator",
                "title": "Thêm nút xác thực Đà Nẵng",
                "payload": {"pub_key": hashlib.sha256(b"da-nang").digest(), "power": 5},
                "voting_period": 1,
            },
        )
        opened = _propose(
            client,
            second,
            {
                "kind": "set_governance",
                "title": "Rút ngắn thời gian biểu quyết",
                "payload": {"voting_period": 40_000},
            },
        )
        _vote(client, first, opened, "yes")
        _vote(client, third, opened, "no")
        deadline = time.monotonic() + 30
        while client.proposal(expired)["status"] != "expired":
            assert time.monotonic() < deadline, "proposal did not expire"
            time.sleep(0.2)
    consortium.proposals = {
        "passed": admitted,
        "rejected": rejected,
        "failed": failed,
        "expired": expired,
        "open": opened,
    }
    return consortium
