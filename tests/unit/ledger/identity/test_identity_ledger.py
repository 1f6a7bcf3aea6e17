"""The identity module on a permissioned chain: create, update, rotate, deactivate, who may."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from identity_chain import IdentityChain, address, block_time, document

from sen.did import render_document
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.errors import TxRejected
from sen.ledger.modules import find_action
from sen.ledger.modules.base import Context
from sen.ledger.modules.identity import list_names, load_did, load_version
from sen.ledger.modules.identity.records import COUNT_KEY, did_key, sequence_key, version_key
from sen.ledger.state import Overlay
from sen.ledger.types import BlockInfo, ChainParams


def test_an_issuer_creates_a_did_for_its_organisation(chain: IdentityChain) -> None:
    issuer = chain.issuers[0]
    result = chain.ok(issuer, "create", document("moet", chain.keys[0]))
    assert result.data == b"did:sen:moet"
    [event] = result.events
    assert event.type == "identity.create"
    assert {a.key: a.value for a in event.attributes} == {
        "did": "did:sen:moet",
        "version": "1",
        "organisation": "org-0",
    }
    record = load_did(chain.store, "moet")
    assert record is not None
    assert (record.version, record.organisation, record.deactivated) == (1, "org-0", False)
    assert record.controllers == (address(issuer),)
    assert (record.created_height, record.created_seconds) == (
        chain.height,
        block_time(chain.height),
    )
    version = load_version(chain.store, "moet", 1)
    assert version is not None and version.sender == address(issuer)
    assert [m.public_key for m in version.content.methods] == [chain.keys[0].public_key]


def test_create_needs_the_issuer_role_and_a_refusal_writes_nothing(chain: IdentityChain) -> None:
    for signer in (chain.writer, chain.admins[0]):  # writer; admin+writer
        refused = chain.identity(signer, "create", document("moet", chain.keys[0]))
        assert refused.code == ResultCode.ROLE_REQUIRED
        assert "expected issuer" in refused.log
    assert load_did(chain.store, "moet") is None
    assert list_names(chain.store) == []


def test_one_organisation_may_own_several_dids_listed_newest_first(chain: IdentityChain) -> None:
    chain.ok(chain.issuers[0], "create", document("moet", chain.keys[0]))
    chain.ok(chain.issuers[0], "create", document("moet.dept-1", chain.keys[1]))
    chain.ok(chain.issuers[1], "create", document("vnu.uet", chain.keys[2]))
    assert list_names(chain.store) == ["vnu.uet", "moet.dept-1", "moet"]
    records = [load_did(chain.store, n) for n in list_names(chain.store)]
    assert [r.organisation for r in records if r] == ["org-1", "org-0", "org-0"]


def test_a_name_is_taken_for_good(chain: IdentityChain) -> None:
    chain.ok(chain.issuers[0], "create", document("moet", chain.keys[0]))
    again = chain.identity(chain.issuers[1], "create", document("moet", chain.keys[1]))
    assert again.code == ResultCode.DID_EXISTS and "moet, created at height" in again.log
    chain.ok(chain.issuers[0], "deactivate", {"name": "moet"})
    after = chain.identity(chain.issuers[0], "create", document("moet", chain.keys[1]))
    assert after.code == ResultCode.DID_EXISTS
    record = load_did(chain.store, "moet")
    assert record is not None and record.version == 2 and record.deactivated


def test_key_rotation_is_an_update_and_old_versions_stay(chain: IdentityChain) -> None:
    issuer = chain.issuers[0]
    chain.ok(issuer, "create", document("moet", chain.keys[0]))
    created_at = chain.height
    rotated = chain.ok(issuer, "update", document("moet", chain.keys[1]))
    assert rotated.data == b"2"
    assert [a.value for a in rotated.events[0].attributes][:2] == ["did:sen:moet", "2"]
    record = load_did(chain.store, "moet")
    assert record is not None
    assert (record.version, record.created_height, record.updated_height) == (
        2,
        created_at,
        chain.height,
    )
    first, second = (load_version(chain.store, "moet", n) for n in (1, 2))
    assert first is not None and second is not None
    assert first.content.methods[0].public_key == chain.keys[0].public_key
    assert second.content.methods[0].public_key == chain.keys[1].public_key
    assert (first.time_seconds, second.time_seconds) == (
        block_time(created_at),
        block_time(chain.height),
    )


def test_only_a_controller_updates_or_deactivates(chain: IdentityChain) -> None:
    chain.ok(chain.issuers[0], "create", document("moet", chain.keys[0]))
    for action, args in (
        ("update", document("moet", chain.keys[1])),
        ("deactivate", {"name": "moet"}),
    ):
        refused = chain.identity(chain.issuers[1], action, args)
        assert refused.code == ResultCode.NOT_DID_CONTROLLER
        assert address(chain.issuers[0]).hex() in refused.log
        assert address(chain.issuers[1]).hex() in refused.log
    record = load_did(chain.store, "moet")
    assert record is not None and record.version == 1 and not record.deactivated


def test_controllers_are_named_at_creation_and_handed_over_by_update(chain: IdentityChain) -> None:
    issuer, admin = chain.issuers[0], chain.admins[1]
    chain.ok(issuer, "create", document("moet", chain.keys[0], controllers=[address(admin)]))
    assert chain.identity(issuer, "update", document("moet")).code != 0  # no keys: refused
    refused = chain.identity(issuer, "update", document("moet", chain.keys[1]))
    assert refused.code == ResultCode.NOT_DID_CONTROLLER  # the creator is not a controller
    handed = document("moet", chain.keys[1], controllers=[address(chain.writer)])
    chain.ok(admin, "update", handed)  # any member may control; no role needed
    assert chain.identity(admin, "deactivate", {"name": "moet"}).code == (
        ResultCode.NOT_DID_CONTROLLER
    )
    chain.ok(chain.writer, "deactivate", {"name": "moet"})
    history = [load_version(chain.store, "moet", n) for n in (1, 2, 3)]
    assert [v.controllers for v in history if v] == [
        (address(admin),),
        (address(chain.writer),),
        (address(chain.writer),),
    ]


def test_a_deactivated_did_cannot_change(chain: IdentityChain) -> None:
    issuer = chain.issuers[0]
    chain.ok(issuer, "create", document("moet", chain.keys[0]))
    assert chain.ok(issuer, "deactivate", {"name": "moet"}).data == b"2"
    for action, args in (
        ("update", document("moet", chain.keys[1])),
        ("deactivate", {"name": "moet"}),
    ):
        refused = chain.identity(issuer, action, args)
        assert refused.code == ResultCode.DID_DEACTIVATED
        assert "deactivated at height" in refused.log
    last = load_version(chain.store, "moet", 2)
    assert last is not None and last.deactivated and last.content.methods == ()
    assert load_version(chain.store, "moet", 3) is None


def test_an_unknown_did_cannot_be_updated_or_deactivated(chain: IdentityChain) -> None:
    for action, args in (
        ("update", document("nobody", chain.keys[0])),
        ("deactivate", {"name": "nobody"}),
    ):
        refused = chain.identity(chain.issuers[0], action, args)
        assert refused.code == ResultCode.UNKNOWN_DID and "did:sen:nobody" in refused.log


def test_a_malformed_document_is_refused_and_writes_nothing(chain: IdentityChain) -> None:
    bad = document("moet", chain.keys[0])
    bad["relationships"] = {"assertionMethod": ["key-9"]}
    refused = chain.identity(chain.issuers[0], "create", bad)
    assert refused.code == ResultCode.INVALID_RELATIONSHIP
    assert "expected one of key-1; got 'key-9'" in refused.log
    assert load_did(chain.store, "moet") is None


def test_the_document_renders_the_same_from_state_every_time(chain: IdentityChain) -> None:
    args = document(
        "moet",
        chain.keys[0],
        chain.keys[1],
        services=[
            {"id": "web", "type": "LinkedDomains", "service_endpoint": "https://moet.gov.vn"}
        ],
        also_known_as=["https://moet.gov.vn"],
    )
    chain.ok(chain.issuers[0], "create", args)
    version = load_version(chain.store, "moet", 1)
    assert version is not None
    first = render_document("did:sen:moet", version.content)
    again = load_version(chain.store, "moet", 1)
    assert again is not None
    assert render_document("did:sen:moet", again.content) == first
    assert list(first) == [
        "@context",
        "id",
        "alsoKnownAs",
        "verificationMethod",
        "authentication",
        "assertionMethod",
        "service",
    ]
    assert first["assertionMethod"] == ["did:sen:moet#key-1", "did:sen:moet#key-2"]


def test_the_same_transactions_write_the_same_identity_state(tmp_path: Path) -> None:
    # (The consortium's certificates carry fresh ECDSA signatures, so whole app hashes differ.)
    keys = [
        did_key("moet"),
        *(version_key("moet", n) for n in (1, 2, 3, 4)),
        COUNT_KEY,
        sequence_key(1),
    ]
    states = []
    for run in ("a", "b"):
        chain = IdentityChain(tmp_path / run)
        try:
            chain.ok(chain.issuers[0], "create", document("moet", chain.keys[0]))
            chain.ok(chain.issuers[0], "update", document("moet", chain.keys[1], chain.keys[2]))
            chain.identity(chain.issuers[1], "deactivate", {"name": "moet"})  # refused
            chain.ok(chain.issuers[0], "deactivate", {"name": "moet"})
            states.append([chain.store.get(k) for k in keys])
        finally:
            chain.close()
    assert states[0] == states[1]
    assert states[0][4] is None and all(v is not None for i, v in enumerate(states[0]) if i != 4)


def _refusal(chain: IdentityChain, signer: SigningKey, action: str, args: dict[str, Any]) -> Any:
    """Run an action's checks against the committed state; the TxRejected it raises."""
    found = find_action("identity", action)
    assert found is not None
    params = ChainParams(chain_id="gov-test")
    block = BlockInfo(chain.height + 1, block_time(chain.height + 1), 0, bytes(20))
    ctx = Context(Overlay(chain.store), block, params, bytes(32), 0, address(signer), chain.store)
    with pytest.raises(TxRejected) as refused:
        found.execute(ctx, found.parse(args, params))
    return refused.value


def test_each_refusal_names_its_field_with_expected_and_got(chain: IdentityChain) -> None:
    issuer, other = chain.issuers
    chain.ok(issuer, "create", document("moet", chain.keys[0]))
    chain.ok(issuer, "create", document("old", chain.keys[0]))
    chain.ok(issuer, "deactivate", {"name": "old"})
    cases = [
        (issuer, "create", document("moet", chain.keys[1]), ResultCode.DID_EXISTS, "args.name"),
        (issuer, "update", document("nobody", chain.keys[1]), ResultCode.UNKNOWN_DID, "args.name"),
        (issuer, "deactivate", {"name": "old"}, ResultCode.DID_DEACTIVATED, "args.name"),
        (other, "update", document("moet", chain.keys[1]), ResultCode.NOT_DID_CONTROLLER, "sender"),
    ]
    for signer, action, args, code, field in cases:
        refused = _refusal(chain, signer, action, args)
        assert (refused.code, refused.field) == (code, field)
        assert refused.expected and refused.got
