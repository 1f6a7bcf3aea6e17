"""Accreditation chains on a permissioned chain: who may accredit whom, for what, and when."""

from __future__ import annotations

from pathlib import Path

from trust_chain import DEGREE, TRANSCRIPT, TrustChain, address, block_time

from sen.ledger.codes import ResultCode
from sen.ledger.modules.trust import (
    accreditation_at,
    accreditation_count,
    list_accreditations,
    list_grants,
    load_accreditation,
)


def _university(chain: TrustChain) -> None:
    """did:sen:moet (root, issuers[0]) and did:sen:hust (issuers[1])."""
    chain.create_did(chain.issuers[0], "moet")
    chain.create_did(chain.issuers[1], "hust")


def _faculty_chain(chain: TrustChain) -> None:
    """moet → moet.dept (may accredit degrees and transcripts) → vnu.uet (degrees)."""
    _university(chain)
    chain.create_did(chain.issuers[0], "moet.dept")
    chain.create_did(chain.issuers[1], "vnu.uet")
    chain.accredit(
        chain.issuers[0], "did:sen:moet", "did:sen:moet.dept", DEGREE, TRANSCRIPT, may_accredit=True
    )
    chain.accredit(chain.issuers[0], "did:sen:moet.dept", "did:sen:vnu.uet", DEGREE)


def test_a_root_accredits_a_university(chain: TrustChain) -> None:
    _university(chain)
    result = chain.trust(
        chain.issuers[0],
        "accredit",
        {"accreditor": "did:sen:moet", "issuer": "did:sen:hust", "credential_types": [DEGREE]},
    )
    assert result.code == 0, result.log
    assert result.data == b"1"
    [event] = result.events
    assert event.type == "trust.accredit"
    assert {a.key: a.value for a in event.attributes} == {
        "issuer": "did:sen:hust",
        "accreditor": "did:sen:moet",
        "id": "1",
        "credential_types": DEGREE,
        "may_accredit": "false",
    }
    granted = load_accreditation(chain.store, "did:sen:hust", 1)
    assert granted is not None
    assert (granted.accreditor, granted.types, granted.may_accredit) == (
        "did:sen:moet",
        (DEGREE,),
        False,
    )
    assert (granted.from_height, granted.from_time, granted.until) == (
        chain.height,
        block_time(chain.height),
        None,
    )
    assert granted.sender == address(chain.issuers[0])
    assert list_grants(chain.store, "did:sen:moet") == [("did:sen:hust", 1)]

    check = accreditation_at(chain.store, "did:sen:hust", DEGREE, block_time(chain.height))
    assert check.ok and check.root == "did:sen:moet" and check.error == ""
    assert [(a.issuer, a.accreditor) for a in check.path] == [("did:sen:hust", "did:sen:moet")]


def test_a_root_is_accredited_for_everything_with_an_empty_path(chain: TrustChain) -> None:
    _university(chain)
    check = accreditation_at(chain.store, "did:sen:moet", "AnyCredential", block_time(chain.height))
    assert (check.ok, check.path, check.root) == (True, (), "did:sen:moet")


def test_delegation_root_to_department_to_faculty(chain: TrustChain) -> None:
    _faculty_chain(chain)
    now = block_time(chain.height)
    check = accreditation_at(chain.store, "did:sen:vnu.uet", DEGREE, now)
    assert check.ok, check.reason
    assert [(a.issuer, a.accreditor) for a in check.path] == [
        ("did:sen:vnu.uet", "did:sen:moet.dept"),
        ("did:sen:moet.dept", "did:sen:moet"),
    ]
    assert check.root == "did:sen:moet"
    # the faculty was not given may_accredit: it cannot accredit in turn
    chain.create_did(chain.issuers[1], "vnu.uet.lab")
    refused = chain.refuse(
        chain.issuers[1],
        "trust",
        "accredit",
        {
            "accreditor": "did:sen:vnu.uet",
            "issuer": "did:sen:vnu.uet.lab",
            "credential_types": [DEGREE],
        },
        ResultCode.NOT_ACCREDITED,
        "args.credential_types[0]",
    )
    assert "not_delegated" in refused.log
    assert accreditation_count(chain.store, "did:sen:vnu.uet.lab") == 0


def test_delegation_is_scoped_to_each_type(chain: TrustChain) -> None:
    _faculty_chain(chain)
    chain.create_did(chain.issuers[1], "vnu.ulis")
    refused = chain.refuse(
        chain.issuers[0],
        "trust",
        "accredit",
        {
            "accreditor": "did:sen:moet.dept",
            "issuer": "did:sen:vnu.ulis",
            "credential_types": [DEGREE, "TeacherLicenceCredential"],
        },
        ResultCode.NOT_ACCREDITED,
        "args.credential_types[0]",  # types are sorted: Teacher... before University...
    )
    assert "TeacherLicenceCredential" in refused.log and "type_not_covered" in refused.log
    assert accreditation_count(chain.store, "did:sen:vnu.ulis") == 0


def test_scope_by_type(chain: TrustChain) -> None:
    _university(chain)
    chain.accredit(chain.issuers[0], "did:sen:moet", "did:sen:hust", DEGREE)
    now = block_time(chain.height)
    assert accreditation_at(chain.store, "did:sen:hust", DEGREE, now).ok
    other = accreditation_at(chain.store, "did:sen:hust", TRANSCRIPT, now)
    assert (other.ok, other.error) == (False, "type_not_covered")
    assert TRANSCRIPT in other.reason and "did:sen:hust accreditation 1" in other.reason
    nobody = accreditation_at(chain.store, "did:sen:moet.none", DEGREE, now)
    assert (nobody.ok, nobody.error) == (False, "unknown_did")
    bad = accreditation_at(chain.store, "did:web:example.com", DEGREE, now)
    assert (bad.ok, bad.error) == (False, "invalid_did")


def test_time_validity(chain: TrustChain) -> None:
    _university(chain)
    until = block_time(chain.height + 1) + 25  # between blocks +3 and +4
    chain.accredit(chain.issuers[0], "did:sen:moet", "did:sen:hust", DEGREE, valid_until=until)
    granted = block_time(chain.height)

    def check(at: int) -> tuple[bool, str]:
        answer = accreditation_at(chain.store, "did:sen:hust", DEGREE, at)
        return answer.ok, answer.error

    assert check(granted - 1) == (False, "not_yet_valid")
    assert check(granted) == (True, "")
    assert check(until - 1) == (True, "")
    assert check(until) == (False, "expired")  # valid_until is exclusive
    chain.refuse(
        chain.issuers[0],
        "trust",
        "accredit",
        {
            "accreditor": "did:sen:moet",
            "issuer": "did:sen:hust",
            "credential_types": [DEGREE],
            "valid_until": block_time(chain.height + 1),  # not after the next block's time
        },
        ResultCode.INVALID_VALIDITY,
        "args.valid_until",
    )


def test_revocation_is_kept_in_history_and_judged_by_time(chain: TrustChain) -> None:
    _university(chain)
    chain.accredit(chain.issuers[0], "did:sen:moet", "did:sen:hust", DEGREE)
    issued_at = block_time(chain.height) + 5  # a diploma signed between two blocks
    chain.block()
    revoked = chain.ok(
        chain.issuers[0], "trust", "revoke_accreditation", {"issuer": "did:sen:hust", "id": 1}
    )
    assert revoked.data == b"1"
    assert {a.key: a.value for a in revoked.events[0].attributes} == {
        "issuer": "did:sen:hust",
        "id": "1",
        "by": "did:sen:moet",
    }
    record = load_accreditation(chain.store, "did:sen:hust", 1)
    assert record is not None
    assert (record.revoked_height, record.revoked_time, record.revoked_by) == (
        chain.height,
        block_time(chain.height),
        "did:sen:moet",
    )
    assert record.revoked_sender == address(chain.issuers[0])
    assert record.from_height == chain.height - 2  # the grant is still there
    before = accreditation_at(chain.store, "did:sen:hust", DEGREE, issued_at)
    assert before.ok  # issued before the revocation: the accreditation held then
    after = accreditation_at(chain.store, "did:sen:hust", DEGREE, block_time(chain.height))
    assert (after.ok, after.error) == (False, "revoked")
    assert "was revoked at" in after.reason

    for number, code in (
        (1, ResultCode.ACCREDITATION_REVOKED),
        (2, ResultCode.UNKNOWN_ACCREDITATION),
    ):
        args = {"issuer": "did:sen:hust", "id": number}
        chain.refuse(chain.issuers[0], "trust", "revoke_accreditation", args, code, "args.id")
    # a new grant is a new record; the history shows both
    chain.accredit(chain.issuers[0], "did:sen:moet", "did:sen:hust", DEGREE)
    history = list_accreditations(chain.store, "did:sen:hust")
    assert [(a.id, a.revoked_height is not None) for a in history] == [(1, True), (2, False)]
    assert accreditation_at(chain.store, "did:sen:hust", DEGREE, block_time(chain.height)).ok


def test_revoking_a_link_breaks_the_chain_below_it(chain: TrustChain) -> None:
    _faculty_chain(chain)
    chain.ok(
        chain.issuers[0], "trust", "revoke_accreditation", {"issuer": "did:sen:moet.dept", "id": 1}
    )
    check = accreditation_at(chain.store, "did:sen:vnu.uet", DEGREE, block_time(chain.height))
    assert (check.ok, check.error) == (False, "revoked")
    assert "granted by did:sen:moet.dept" in check.reason


def test_who_may_revoke(chain: TrustChain) -> None:
    _faculty_chain(chain)  # vnu.uet accreditation 1 was granted by moet.dept (issuers[0])
    chain.refuse(
        chain.issuers[1],
        "trust",
        "revoke_accreditation",
        {"issuer": "did:sen:vnu.uet", "id": 1},
        ResultCode.NOT_DID_CONTROLLER,
        "sender",
    )
    chain.refuse(
        chain.issuers[1],
        "trust",
        "revoke_accreditation",
        {"issuer": "did:sen:vnu.uet", "id": 1, "by": "did:sen:hust"},
        ResultCode.NOT_ACCREDITOR,
        "args.by",
    )
    record = load_accreditation(chain.store, "did:sen:vnu.uet", 1)
    assert record is not None and record.revoked_height is None
    by_root = chain.ok(
        chain.issuers[0],
        "trust",
        "revoke_accreditation",
        {"issuer": "did:sen:vnu.uet", "id": 1, "by": "did:sen:moet"},
    )
    assert by_root.code == 0
    record = load_accreditation(chain.store, "did:sen:vnu.uet", 1)
    assert record is not None and record.revoked_by == "did:sen:moet"


def test_only_a_controller_of_the_accreditor_may_accredit(chain: TrustChain) -> None:
    _university(chain)
    before = chain.store.get(b"trust/issuer/did:sen:hust")
    refused = chain.refuse(
        chain.issuers[1],
        "trust",
        "accredit",
        {"accreditor": "did:sen:moet", "issuer": "did:sen:hust", "credential_types": [DEGREE]},
        ResultCode.NOT_DID_CONTROLLER,
        "sender",
    )
    assert address(chain.issuers[1]).hex() in refused.log
    assert chain.store.get(b"trust/issuer/did:sen:hust") == before is None


def test_the_accreditor_needs_the_issuer_role(chain: TrustChain) -> None:
    _university(chain)
    refused = chain.trust(
        chain.admins[0],
        "accredit",
        {"accreditor": "did:sen:moet", "issuer": "did:sen:hust", "credential_types": [DEGREE]},
    )
    assert refused.code == ResultCode.ROLE_REQUIRED


def test_a_non_root_without_accreditation_may_not_accredit(chain: TrustChain) -> None:
    _university(chain)
    chain.create_did(chain.issuers[1], "hust.soict")
    refused = chain.trust(
        chain.issuers[1],
        "accredit",
        {
            "accreditor": "did:sen:hust",
            "issuer": "did:sen:hust.soict",
            "credential_types": [DEGREE],
        },
    )
    assert refused.code == ResultCode.NOT_ACCREDITED and "not_accredited" in refused.log


def test_dids_must_exist_and_be_active(tmp_path: Path) -> None:
    chain = TrustChain(tmp_path / "db", roots=["did:sen:moet", "did:sen:mic"])
    try:
        _university(chain)  # did:sen:mic is a root from genesis, yet not created
        chain.refuse(
            chain.issuers[1],
            "trust",
            "accredit",
            {"accreditor": "did:sen:mic", "issuer": "did:sen:hust", "credential_types": [DEGREE]},
            ResultCode.UNKNOWN_DID,
            "args.accreditor",
        )
        chain.refuse(
            chain.issuers[0],
            "trust",
            "accredit",
            {
                "accreditor": "did:sen:moet",
                "issuer": "did:sen:nobody",
                "credential_types": [DEGREE],
            },
            ResultCode.UNKNOWN_DID,
            "args.issuer",
        )
        chain.create_did(chain.issuers[1], "mic")
        chain.accredit(chain.issuers[1], "did:sen:mic", "did:sen:hust", "PressCardCredential")
        chain.ok(chain.issuers[1], "identity", "deactivate", {"name": "hust"})
        deactivated_at = chain.height
        chain.refuse(
            chain.issuers[0],
            "trust",
            "accredit",
            {"accreditor": "did:sen:moet", "issuer": "did:sen:hust", "credential_types": [DEGREE]},
            ResultCode.DID_DEACTIVATED,
            "args.issuer",
        )
        check = accreditation_at(
            chain.store, "did:sen:hust", "PressCardCredential", block_time(chain.height)
        )
        assert (check.ok, check.error) == (False, "did_deactivated")
        earlier = accreditation_at(
            chain.store, "did:sen:hust", "PressCardCredential", block_time(deactivated_at) - 1
        )
        assert earlier.ok  # before the deactivation
    finally:
        chain.close()


def test_a_cycle_of_delegations_ends(chain: TrustChain) -> None:
    """moet → a → b → a: once moet's grant to a is revoked, the loop a ↔ b proves nothing."""
    _university(chain)
    chain.create_did(chain.issuers[0], "a")
    chain.create_did(chain.issuers[0], "b")
    chain.accredit(chain.issuers[0], "did:sen:moet", "did:sen:a", DEGREE, may_accredit=True)
    chain.accredit(chain.issuers[0], "did:sen:a", "did:sen:b", DEGREE, may_accredit=True)
    chain.accredit(chain.issuers[0], "did:sen:b", "did:sen:a", DEGREE, may_accredit=True)
    chain.accredit(chain.issuers[0], "did:sen:b", "did:sen:hust", DEGREE)
    now = block_time(chain.height)
    assert accreditation_at(chain.store, "did:sen:hust", DEGREE, now).ok
    chain.ok(chain.issuers[0], "trust", "revoke_accreditation", {"issuer": "did:sen:a", "id": 1})
    later = block_time(chain.height)
    for did in ("did:sen:a", "did:sen:b", "did:sen:hust"):
        check = accreditation_at(chain.store, did, DEGREE, later)
        assert not check.ok and check.error in ("cycle", "revoked"), (did, check)
    assert accreditation_at(chain.store, "did:sen:hust", DEGREE, now).ok  # before: still
