"""The registry governance drives: admitting, removing and re-roling organisations, roles, roots."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from membership_pki import (
    NOT_BEFORE,
    T0,
    address,
    at,
    authority,
    member_certificate,
    member_key,
)

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.membership import (
    BASE_ROLES,
    Organisation,
    active_organisations,
    add_role,
    admit_organisation,
    is_admin_of,
    known_roles,
    load_organisation,
    remove_organisation,
    set_organisation_roles,
)
from sen.ledger.modules.membership.registry import (
    load_roots,
    member_from_certificate,
    save_member,
    set_roots,
)
from sen.ledger.state import EmptyState, Overlay
from sen.sdk.devca import OrgAuthority, der

UNI = authority("uni-hanoi", "Đại học Quốc gia Hà Nội", 1)
BANK = authority("bank-a", "Ngân hàng A", 2)
ROOT = authority("root", "Ban Cơ yếu Chính phủ", 3)
UNDER_ROOT = authority("moet", "Bộ Giáo dục và Đào tạo", 4, issuer=ROOT)


def fresh() -> Overlay:
    return Overlay(EmptyState())


def refusal(call: object, *args: object, **kwargs: object) -> TxRejected:
    assert callable(call)
    with pytest.raises(TxRejected) as info:
        call(*args, **kwargs)
    return info.value


def admit(state: Overlay, org: OrgAuthority, roles: list[str], **kwargs: Any) -> Organisation:
    return admit_organisation(state, org.id, org.name, der(org.certificate), roles, [], 5, **kwargs)


def test_admit_writes_the_record_and_lists_it() -> None:
    state = fresh()
    record = admit_organisation(
        state, "uni-hanoi", UNI.name, der(UNI.certificate), ["writer", "admin"], [], 5
    )
    assert load_organisation(state, "uni-hanoi") == record
    assert record.name == "Đại học Quốc gia Hà Nội"
    assert record.roles == ("admin", "writer")
    assert (record.status, record.admitted_height) == ("active", 5)
    assert record.not_before == int(NOT_BEFORE.timestamp())
    admit(state, BANK, ["writer"])
    assert active_organisations(state) == ["bank-a", "uni-hanoi"]


@pytest.mark.parametrize(
    ("org_id", "name", "roles", "code", "field"),
    [
        ("Uni_Hanoi", "x", ["admin"], ResultCode.INVALID_ARGUMENT, "id"),
        ("", "x", ["admin"], ResultCode.INVALID_ARGUMENT, "id"),
        ("a" * 33, "x", ["admin"], ResultCode.INVALID_ARGUMENT, "id"),
        ("uni", "", ["admin"], ResultCode.INVALID_ARGUMENT, "name"),
        ("uni", "x", ["minister"], ResultCode.UNKNOWN_ROLE, "roles[0]"),
        ("uni", "x", ["admin", "admin"], ResultCode.INVALID_ARGUMENT, "roles[1]"),
    ],
)
def test_admission_refusals_name_the_field(
    org_id: str, name: str, roles: list[str], code: ResultCode, field: str
) -> None:
    state = fresh()
    error = refusal(admit_organisation, state, org_id, name, der(UNI.certificate), roles, [], 1)
    assert (error.code, error.field) == (code, field)
    assert active_organisations(state) == []


def test_an_active_organisation_cannot_be_admitted_twice() -> None:
    state = fresh()
    admit(state, UNI, ["admin"])
    error = refusal(admit, state, UNI, ["admin"])
    assert (error.code, error.field) == (ResultCode.ORGANISATION_EXISTS, "id")


def test_a_member_certificate_cannot_be_an_organisation_ca() -> None:
    member = member_certificate(UNI, member_key(1), ["admin"], serial=9)
    error = refusal(admit_organisation, fresh(), "x", "X", member, ["admin"], [], 1)
    assert (error.code, error.field) == (ResultCode.BAD_CERTIFICATE, "ca")


def test_an_expired_ca_is_refused_at_the_block_time() -> None:
    old = authority(
        "old",
        "Cũ",
        8,
        not_before=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
        not_after=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC),
    )
    error = refusal(admit, fresh(), old, ["admin"], block_time=at(T0))
    assert (error.code, error.field) == (ResultCode.CERTIFICATE_EXPIRED, "ca")


def test_with_national_roots_an_org_ca_must_chain_to_one() -> None:
    state = fresh()
    set_roots(state, [der(ROOT.certificate)])
    assert load_roots(state) == (der(ROOT.certificate),)
    error = refusal(admit, state, UNI, ["admin"])
    assert (error.code, error.field) == (ResultCode.WRONG_CA, "ca")
    record = admit(state, UNDER_ROOT, ["admin"], block_time=at(T0))
    assert record is not None
    assert active_organisations(state) == ["moet"]


def test_an_issuer_chain_must_link() -> None:
    state = fresh()
    error = refusal(
        admit_organisation,
        state,
        "moet",
        UNDER_ROOT.name,
        der(UNDER_ROOT.certificate),
        ["admin"],
        [der(BANK.certificate)],
        1,
    )
    assert (error.code, error.field) == (ResultCode.WRONG_CA, "ca")
    ok = admit_organisation(
        state,
        "moet",
        UNDER_ROOT.name,
        der(UNDER_ROOT.certificate),
        ["admin"],
        [der(ROOT.certificate)],
        1,
    )
    assert ok.chain == (der(ROOT.certificate),)


def test_remove_and_readmit() -> None:
    state = fresh()
    admit(state, UNI, ["admin"])
    removed = remove_organisation(state, "uni-hanoi", 9)
    assert (removed.status, removed.removed_height) == ("removed", 9)
    assert active_organisations(state) == []
    again = refusal(remove_organisation, state, "uni-hanoi", 10)
    assert again.code == ResultCode.ORGANISATION_REMOVED
    unknown = refusal(remove_organisation, state, "nobody", 10)
    assert (unknown.code, unknown.field) == (ResultCode.UNKNOWN_ORGANISATION, "organisation")
    admit(state, UNI, ["writer"])
    assert active_organisations(state) == ["uni-hanoi"]


def test_roles_can_be_added_and_organisation_roles_changed() -> None:
    state = fresh()
    assert known_roles(state) == BASE_ROLES
    admit(state, UNI, ["admin"])
    refused = refusal(set_organisation_roles, state, "uni-hanoi", ["notary"])
    assert (refused.code, refused.field) == (ResultCode.UNKNOWN_ROLE, "roles[0]")
    assert add_role(state, "notary") == tuple(sorted((*BASE_ROLES, "notary")))
    duplicate = refusal(add_role, state, "notary")
    assert (duplicate.code, duplicate.field) == (ResultCode.INVALID_ARGUMENT, "role")
    updated = set_organisation_roles(state, "uni-hanoi", ["notary", "admin"])
    assert updated.roles == ("admin", "notary")


def test_is_admin_of_needs_the_role_the_organisation_and_a_valid_certificate() -> None:
    state = fresh()
    admit(state, UNI, ["admin", "writer"])
    admit(state, BANK, ["admin", "writer"])
    admin = member_key(1)
    writer = member_key(2)
    for key, roles, serial in ((admin, ["admin"], 1), (writer, ["writer"], 2)):
        raw = member_certificate(UNI, key, roles, serial=serial)
        member = member_from_certificate(state, raw, [], at(T0))
        save_member(state, address(key), member)
    assert is_admin_of(state, address(admin), "uni-hanoi", at(T0))
    assert not is_admin_of(state, address(admin), "bank-a", at(T0))
    assert not is_admin_of(state, address(writer), "uni-hanoi", at(T0))
    assert not is_admin_of(state, address(admin), "uni-hanoi", at(2_000_000_000))
    set_organisation_roles(state, "uni-hanoi", ["writer"])
    assert not is_admin_of(state, address(admin), "uni-hanoi", at(T0))
