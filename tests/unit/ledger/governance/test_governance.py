"""Governance rules, each with its exact outcome or rejection."""

from __future__ import annotations

from pathlib import Path

from consortium import Consortium, issue
from cryptography.hazmat.primitives import serialization

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.modules.governance.records import (
    Proposal,
    list_proposals,
    load_config,
    load_proposal,
    proposal_key,
)
from sen.ledger.modules.membership.registry import active_organisations
from sen.ledger.validators import load_validator_set

NEW_VALIDATOR = bytes([7]) * 32


def _der(cert) -> bytes:  # type: ignore[no-untyped-def]
    return cert.public_bytes(serialization.Encoding.DER)


def test_a_proposal_passes_at_the_deciding_vote_and_executes_then(consortium: Consortium) -> None:
    c = consortium
    pid = c.propose(c.admins[0], "set_validator", {"pub_key": NEW_VALIDATOR, "power": 5})
    assert c.vote(c.admins[0], pid).data == b"open"  # 1 of 3: not more than 2/3
    assert c.last_updates == ()
    assert c.vote(c.admins[1], pid).data == b"open"  # 2 of 3 = 2/3: still not more
    result = c.vote(c.admins[2], pid)  # 3 of 3: passes, executed in this very tx
    assert result.code == 0 and result.data == b"passed"
    assert [(u.pub_key, u.power) for u in c.last_updates] == [(NEW_VALIDATOR, 5)]
    assert any(v.pub_key == NEW_VALIDATOR for v in load_validator_set(c.app.store))
    proposal = load_proposal(c.app.store, pid)
    assert proposal is not None and proposal.decided_height == c.app.height
    assert [v.organisation for v in proposal.votes] == ["org-0", "org-1", "org-2"]


def test_a_proposal_fails_once_it_can_no_longer_pass(consortium: Consortium) -> None:
    c = consortium
    pid = c.propose(c.admins[0], "add_role", {"role": "notary"})
    assert c.vote(c.admins[0], pid, "no").data == b"rejected"  # 2 yes of 3 is not > 2/3
    assert c.vote(c.admins[1], pid).code == ResultCode.PROPOSAL_CLOSED


def test_a_lower_threshold_from_genesis(tmp_path: Path) -> None:
    c = Consortium(tmp_path / "db", governance={"threshold": [1, 2]})
    try:
        pid = c.propose(c.admins[0], "add_role", {"role": "notary"})
        assert c.vote(c.admins[0], pid).data == b"open"  # 1/3 is not > 1/2
        assert c.vote(c.admins[1], pid).data == b"passed"  # 2/3 > 1/2
        assert load_config(c.app.store).threshold == (1, 2)
    finally:
        c.close()


def test_a_vote_after_the_deadline_is_refused(consortium: Consortium) -> None:
    c = consortium
    pid = c.propose(c.admins[0], "add_role", {"role": "notary"}, voting_period=2)
    c.vote(c.admins[0], pid)
    c.block()  # deadline = created + 2
    late = c.vote(c.admins[1], pid)
    assert late.code == ResultCode.VOTING_CLOSED
    proposal = load_proposal(c.app.store, pid)
    assert proposal is not None and proposal.status_at(c.app.height) == "expired"


def test_a_double_vote_is_refused(consortium: Consortium) -> None:
    c = consortium
    pid = c.propose(c.admins[0], "add_role", {"role": "notary"})
    assert c.vote(c.admins[0], pid).code == 0
    again = c.vote(c.admins[0], pid, "no")
    assert again.code == ResultCode.DOUBLE_VOTE
    assert "org-0" in again.log


def test_only_admins_propose_and_vote(consortium: Consortium) -> None:
    c = consortium
    refused = c.run(
        c.writer, "governance", "propose", {"kind": "add_role", "payload": {"role": "x"}}
    )
    assert refused.code == ResultCode.ROLE_REQUIRED


def test_an_organisation_is_admitted_and_removed_by_governance(consortium: Consortium) -> None:
    c = consortium
    _, ca = c.cas[3]
    payload = {
        "id": "org-3",
        "name": "Bệnh viện Bạch Mai",
        "ca": _der(ca),
        "roles": ["admin", "writer"],
    }
    pid = c.propose(c.admins[0], "admit_organisation", payload)
    for admin in c.admins[:3]:
        last = c.vote(admin, pid)
    assert last.data == b"passed"
    assert "org-3" in active_organisations(c.app.store)
    # its admin enrolls and can now vote: 4 organisations, so 3 yes are needed
    cert = issue(c.cas[3][0], ca, c.admins[3], ["admin"], 7)
    assert c.run(c.admins[3], "membership", "enroll", {"certificate": _der(cert)}).code == 0
    pid = c.propose(c.admins[3], "remove_organisation", {"id": "org-1"})
    assert c.vote(c.admins[3], pid).data == b"open"
    assert c.vote(c.admins[0], pid).data == b"open"
    assert c.vote(c.admins[2], pid).data == b"passed"
    assert "org-1" not in active_organisations(c.app.store)
    # a removed organisation's members are refused from the next block on
    refused = c.run(
        c.admins[1], "governance", "propose", {"kind": "add_role", "payload": {"role": "y"}}
    )
    assert refused.code == ResultCode.ORGANISATION_REMOVED


def test_chain_parameters_change_from_the_next_block(consortium: Consortium) -> None:
    c = consortium
    pid = c.propose(
        c.admins[0], "set_params", {"allowed_suites": ["ed25519"], "disabled_modules": ["evidence"]}
    )
    for admin in c.admins[:3]:
        c.vote(admin, pid)
    assert c.app.params.disabled_modules == ("evidence",)
    refused = c.run(c.writer, "evidence", "anchor", {"digest": bytes(32)})
    assert refused.code == ResultCode.MODULE_DISABLED


def test_a_chain_declares_itself_pii_free_by_governance(consortium: Consortium) -> None:
    c = consortium
    titled = {"digest": bytes(32), "title": "Hồ sơ của CCCD 079201001234"}
    assert c.run(c.writer, "evidence", "anchor", titled).code == ResultCode.OK
    pid = c.propose(c.admins[0], "set_params", {"pii_free": True})
    for admin in c.admins[:3]:
        c.vote(admin, pid)
    assert c.app.params.pii_free
    refused = c.run(c.writer, "evidence", "anchor", {**titled, "digest": bytes([1]) * 32})
    assert refused.code == ResultCode.PERSONAL_DATA and "args.title" in refused.log
    pid = c.propose(c.admins[0], "set_params", {"pii_free": False})
    for admin in c.admins[:3]:
        c.vote(admin, pid)
    assert not c.app.params.pii_free
    again = c.run(c.writer, "evidence", "anchor", {**titled, "digest": bytes([2]) * 32})
    assert again.code == ResultCode.OK
    bad = c.run(
        c.admins[0], "governance", "propose", {"kind": "set_params", "payload": {"pii_free": 1}}
    )
    assert bad.code == ResultCode.INVALID_PROPOSAL and "pii_free" in bad.log


def test_a_failed_execution_is_recorded_and_changes_nothing(consortium: Consortium) -> None:
    c = consortium
    # removing a validator that does not exist: valid payload, refused when executed
    pid = c.propose(c.admins[0], "set_validator", {"pub_key": bytes([9]) * 32, "power": 0})
    for admin in c.admins[:3]:
        last = c.vote(admin, pid)
    assert last.code == 0 and last.data == b"failed"
    proposal = load_proposal(c.app.store, pid)
    # the proposal (state, hashed) keeps the refusal's code; its words are in the vote's log
    assert proposal is not None and proposal.outcome == ResultCode.INVALID_PROPOSAL
    assert "not a validator" in last.log and "args.payload.pub_key" in last.log
    assert c.last_updates == ()


def test_a_failed_proposal_is_stored_with_its_code_and_no_text(consortium: Consortium) -> None:
    c = consortium
    pid = c.propose(c.admins[0], "remove_organisation", {"id": "org-9"})
    for admin in c.admins[:3]:
        last = c.vote(admin, pid)
    assert last.data == b"failed" and "org-9" in last.log
    stored = c.app.store.get(proposal_key(pid))
    assert stored is not None
    value = encoding.decode(stored)
    assert value["outcome"] == int(ResultCode.UNKNOWN_ORGANISATION) == 141
    assert Proposal.from_value(value).outcome is ResultCode.UNKNOWN_ORGANISATION
    passed = c.propose(c.admins[0], "add_role", {"role": "notary"})
    for admin in c.admins[:3]:
        c.vote(admin, passed)
    found = load_proposal(c.app.store, passed)
    assert found is not None and found.to_value()["outcome"] == 0


def test_the_last_validator_cannot_be_removed(consortium: Consortium) -> None:
    c = consortium
    from consortium import VALIDATOR_KEY

    pid = c.propose(c.admins[0], "set_validator", {"pub_key": VALIDATOR_KEY, "power": 0})
    for admin in c.admins[:3]:
        last = c.vote(admin, pid)
    assert last.data == b"failed"
    assert len(load_validator_set(c.app.store)) == 1


def test_bad_proposals_are_refused_naming_the_field(consortium: Consortium) -> None:
    c = consortium
    cases = [
        ({"kind": "abolish_everything", "payload": {}}, "args.kind"),
        (
            {"kind": "set_validator", "payload": {"pub_key": b"short", "power": 1}},
            "args.payload.pub_key",
        ),
        (
            {"kind": "set_params", "payload": {"allowed_suites": ["rot13"]}},
            "args.payload.allowed_suites",
        ),
        (
            {"kind": "set_params", "payload": {"disabled_modules": ["governance"]}},
            "args.payload.disabled_modules",
        ),
        ({"kind": "set_governance", "payload": {"threshold": [1, 3]}}, "args.payload.threshold"),
    ]
    for args, field in cases:
        tx = c.tx(c.admins[0], "governance", "propose", args)
        (checked,) = c.app.check_txs([tx.raw])  # refused at CheckTx, naming the field
        assert checked.code == ResultCode.INVALID_PROPOSAL, (args, checked)
        assert checked.field == field, (field, checked)
        assert c.block(tx)[0].code == ResultCode.INVALID_PROPOSAL  # and in a block too
    assert list_proposals(c.app.store) == []


def test_the_history_is_auditable(consortium: Consortium) -> None:
    c = consortium
    pid = c.propose(c.admins[1], "add_role", {"role": "notary"}, title="Thêm vai trò công chứng")
    c.vote(c.admins[2], pid, "yes")
    c.vote(c.admins[0], pid, "yes")
    c.vote(c.admins[1], pid, "yes")
    proposal = load_proposal(c.app.store, pid)
    assert proposal is not None
    assert proposal.title == "Thêm vai trò công chứng"
    assert proposal.organisation == "org-1"
    assert [(v.organisation, v.choice) for v in proposal.votes] == [
        ("org-2", "yes"),
        ("org-0", "yes"),
        ("org-1", "yes"),
    ]
    assert proposal.created_height < proposal.votes[0].height < proposal.decided_height + 1
    assert proposal.status == "passed"
