"""The genesis membership section: checked at genesis time, every problem named by its entry."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from cryptography import x509
from membership_pki import T0, address, authority, member_certificate, member_key

from sen.ledger.crypto import SigningKey
from sen.ledger.modules.membership import active_organisations, known_roles, load_member
from sen.ledger.modules.membership.genesis import (
    MembershipGenesisError,
    build_membership_state,
    genesis_changes,
    membership_changes,
    read_membership_genesis,
)
from sen.ledger.permissions import LAST_BLOCK_TIME_KEY
from sen.sdk.devca import OrgAuthority, pem

UNI = authority("uni-hanoi", "Đại học Quốc gia Hà Nội", 1)
BANK = authority("bank-a", "Ngân hàng A", 2)
STRANGER = authority("stranger", "Không rõ", 3)
ADMIN = member_key(1)
OPERATOR = member_key(2)


def certificate_pem(
    org: OrgAuthority, key: SigningKey, roles: list[str], serial: int, **kw: Any
) -> str:
    raw = member_certificate(org, key, roles, serial=serial, **kw)
    return pem(x509.load_der_x509_certificate(raw))


def document(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "permissioned": True,
        "roles": ["admin", "auditor", "issuer", "validator-operator", "writer"],
        "organisations": [
            {"id": "uni-hanoi", "name": UNI.name, "ca": pem(UNI.certificate)},
            {
                "id": "bank-a",
                "name": BANK.name,
                "ca": pem(BANK.certificate),
                "roles": ["admin", "validator-operator"],
            },
        ],
        "members": [
            certificate_pem(UNI, ADMIN, ["admin"], 1),
            certificate_pem(BANK, OPERATOR, ["validator-operator"], 2),
        ],
    }
    doc.update(changes)
    return doc


def test_a_valid_section_admits_and_enrolls() -> None:
    report = build_membership_state(read_membership_genesis(document()), (T0, 0), 0)
    assert report.problems == []
    state = report.state
    assert active_organisations(state) == ["bank-a", "uni-hanoi"]
    assert known_roles(state) == ("admin", "auditor", "issuer", "validator-operator", "writer")
    member = load_member(state, address(OPERATOR))
    assert member is not None and (member.org, member.roles) == ("bank-a", ("validator-operator",))
    assert report.enrolled[0] == ("uni-hanoi", "Nguyễn Văn A", address(ADMIN))


def test_the_genesis_writes_the_last_block_time_when_permissioned() -> None:
    changes = dict(genesis_changes(document(), True, (T0, 5), 0))
    assert LAST_BLOCK_TIME_KEY in changes
    assert genesis_changes(None, False, (T0, 0), 0) == []


def test_every_problem_is_listed_with_its_entry() -> None:
    late = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    doc = document(
        members=[
            certificate_pem(UNI, ADMIN, ["admin"], 1, not_before=late, not_after=late),
            certificate_pem(STRANGER, OPERATOR, ["admin"], 2),
            certificate_pem(BANK, member_key(3), ["writer"], 3),
        ]
    )
    report = build_membership_state(read_membership_genesis(doc), (T0, 0), 0)
    fields = [(p.field, type(p).__name__) for p in report.problems]
    assert [f for f, _ in fields] == [
        "app_state.membership.members[0].certificate",
        "app_state.membership.members[1].certificate",
        "app_state.membership.members[2].certificate.subject.OU",
    ]
    assert "not yet valid" in str(report.problems[0])


def test_the_first_problem_stops_init_chain() -> None:
    doc = document(organisations=[{"id": "Bad Id", "name": "x", "ca": pem(UNI.certificate)}])
    with pytest.raises(MembershipGenesisError) as info:
        membership_changes(doc, (T0, 0), 0)
    assert info.value.field == "app_state.membership.organisations[0].id"


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"permissioned": "yes"}, "app_state.membership.permissioned"),
        ({"organisations": {}}, "app_state.membership.organisations"),
        ({"organisations": [{"id": "x", "name": "x", "ca": "nope"}]}, "organisations[0].ca"),
        ({"members": ["-----BEGIN CERTIFICATE-----"]}, "app_state.membership.members[0]"),
        ({"validators": []}, "app_state.membership.validators"),
    ],
)
def test_shape_errors_name_the_entry(doc: dict[str, Any], field: str) -> None:
    with pytest.raises(MembershipGenesisError) as info:
        read_membership_genesis(doc)
    assert info.value.field.endswith(field)


def test_a_permissioned_chain_needs_an_organisation() -> None:
    report = build_membership_state(read_membership_genesis({"permissioned": True}), (T0, 0), 0)
    assert [p.field for p in report.problems] == ["app_state.membership.organisations"]


def test_a_repeated_member_is_a_problem() -> None:
    doc = document(members=[certificate_pem(UNI, ADMIN, ["admin"], n) for n in (1, 2)])
    report = build_membership_state(read_membership_genesis(doc), (T0, 0), 0)
    assert [p.field for p in report.problems] == ["app_state.membership.members[1]"]
