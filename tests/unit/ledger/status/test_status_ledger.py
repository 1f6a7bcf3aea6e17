"""Status lists on a permissioned chain: create, set and clear, refusals, proofs of the bits."""

from __future__ import annotations

from typing import Any

import pytest
from trust_chain import TrustChain, block_time

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.light.state_proof import StateProofError, verify_state_proof
from sen.ledger.modules import find_action
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.ledger.modules.status import (
    MIN_ENTRIES,
    bits_key,
    decode_list,
    encode_list,
    list_digest,
    list_names,
    load_bits,
    load_list,
    status_at,
)
from sen.ledger.types import ChainParams

ISSUER = "did:sen:moet"


def _create(chain: TrustChain, name: str = "degrees-2027", **extra: Any) -> None:
    args = {"list": name, "issuer": ISSUER, "purpose": "revocation", **extra}
    result = chain.ok(chain.issuers[0], "status", "create_list", args)
    assert result.data == b"1"


def _update(chain: TrustChain, name: str, **changes: list[int]) -> Any:
    args = {"list": name, "issuer": ISSUER, **changes}
    return chain.run(chain.issuers[0], "status", "update", args)


def test_create_a_list(chain: TrustChain) -> None:
    _create(chain)
    record = load_list(chain.store, ISSUER, "degrees-2027")
    assert record is not None
    assert (record.purpose, record.size, record.version) == ("revocation", MIN_ENTRIES, 1)
    assert (record.created_height, record.updated_time) == (chain.height, block_time(chain.height))
    assert load_bits(chain.store, ISSUER, "degrees-2027") == bytes(MIN_ENTRIES // 8)
    assert list_names(chain.store, ISSUER) == ["degrees-2027"]
    chain.refuse(
        chain.issuers[0],
        "status",
        "create_list",
        {"list": "degrees-2027", "issuer": ISSUER, "purpose": "suspension"},
        ResultCode.STATUS_LIST_EXISTS,
        "args.list",
    )


def test_set_and_clear_on_a_suspension_list(chain: TrustChain) -> None:
    _create(chain, "licences", purpose="suspension", size=MIN_ENTRIES * 2)
    result = _update(chain, "licences", set=[0, 7, 94567, MIN_ENTRIES * 2 - 1])
    assert result.code == 0, result.log
    assert result.data == b"2"
    [event] = result.events
    assert event.type == "status.update"
    assert {a.key: a.value for a in event.attributes} == {
        "issuer": ISSUER,
        "list": "licences",
        "version": "2",
        "count": "4",
    }
    bits = load_bits(chain.store, ISSUER, "licences")
    assert bits is not None and len(bits) == MIN_ENTRIES * 2 // 8
    assert bits[0] == 0x81 and bits[-1] == 0x01
    assert [status_at(bits, i) for i in (0, 1, 7, 94567, 94568)] == [1, 0, 1, 1, 0]
    assert decode_list(encode_list(bits), max_bytes=len(bits)) == bits

    cleared = _update(chain, "licences", set=[5], clear=[7, 94567])
    assert cleared.code == 0, cleared.log
    bits = load_bits(chain.store, ISSUER, "licences")
    assert bits is not None
    assert [status_at(bits, i) for i in (0, 5, 7, 94567)] == [1, 1, 0, 0]
    record = load_list(chain.store, ISSUER, "licences")
    assert record is not None
    assert (record.version, record.updated_height) == (3, chain.height)
    assert record.created_height < record.updated_height


def test_refused_updates_change_nothing(chain: TrustChain) -> None:
    _create(chain)
    _create(chain, "suspended", purpose="suspension")
    before = load_bits(chain.store, ISSUER, "degrees-2027")
    name = {"list": "degrees-2027", "issuer": ISSUER}
    cases: list[tuple[Any, dict[str, Any], ResultCode, str]] = [
        (
            chain.issuers[0],
            {**name, "set": [1, MIN_ENTRIES]},
            ResultCode.STATUS_INDEX_OUT_OF_RANGE,
            "args.set[1]",
        ),
        (
            chain.issuers[0],
            {**name, "clear": [MIN_ENTRIES + 8]},
            ResultCode.STATUS_INDEX_OUT_OF_RANGE,
            "args.clear[0]",
        ),
        (
            chain.issuers[0],
            {**name, "set": [3], "clear": [3]},
            ResultCode.STATUS_INDEX_CONFLICT,
            "args.clear[0]",
        ),
        (chain.issuers[0], {**name, "clear": [3]}, ResultCode.STATUS_IRREVERSIBLE, "args.clear"),
        (chain.issuers[1], {**name, "set": [3]}, ResultCode.NOT_DID_CONTROLLER, "sender"),
        (
            chain.issuers[0],
            {**name, "list": "nothing", "set": [3]},
            ResultCode.UNKNOWN_STATUS_LIST,
            "args.list",
        ),
    ]
    for signer, args, code, field in cases:
        chain.refuse(signer, "status", "update", args, code, field)
    assert load_bits(chain.store, ISSUER, "degrees-2027") == before
    record = load_list(chain.store, ISSUER, "degrees-2027")
    assert record is not None and record.version == 1
    # out of range for this list, in range for a bigger one: found when it runs
    chain.refuse(
        chain.issuers[0],
        "status",
        "update",
        {"list": "suspended", "issuer": ISSUER, "set": [MIN_ENTRIES]},
        ResultCode.STATUS_INDEX_OUT_OF_RANGE,
        "args.set[0]",
    )


def test_only_a_controller_with_the_issuer_role_creates(chain: TrustChain) -> None:
    args = {"list": "x", "issuer": ISSUER, "purpose": "revocation"}
    chain.refuse(
        chain.issuers[1], "status", "create_list", args, ResultCode.NOT_DID_CONTROLLER, "sender"
    )
    assert chain.run(chain.admins[0], "status", "create_list", args).code == (
        ResultCode.ROLE_REQUIRED
    )
    missing = {**args, "issuer": "did:sen:nobody"}
    chain.refuse(
        chain.issuers[0], "status", "create_list", missing, ResultCode.UNKNOWN_DID, "args.issuer"
    )
    assert load_list(chain.store, ISSUER, "x") is None


PARAMS = ChainParams(chain_id="status-test")
CREATE = {"list": "l", "issuer": ISSUER, "purpose": "revocation"}
UPDATE = {"list": "l", "issuer": ISSUER}


@pytest.mark.parametrize(
    ("action", "args", "code", "field"),
    [
        (
            "create_list",
            {**CREATE, "list": "Bad_Name"},
            ResultCode.INVALID_STATUS_LIST_NAME,
            "args.list",
        ),
        (
            "create_list",
            {**CREATE, "list": "a" * 65},
            ResultCode.INVALID_STATUS_LIST_NAME,
            "args.list",
        ),
        (
            "create_list",
            {**CREATE, "purpose": "message"},
            ResultCode.INVALID_STATUS_PURPOSE,
            "args.purpose",
        ),
        (
            "create_list",
            {**CREATE, "size": MIN_ENTRIES - 8},
            ResultCode.INVALID_STATUS_LIST_SIZE,
            "args.size",
        ),
        (
            "create_list",
            {**CREATE, "size": MIN_ENTRIES + 4},
            ResultCode.INVALID_STATUS_LIST_SIZE,
            "args.size",
        ),
        (
            "create_list",
            {**CREATE, "size": 2**21 + 8},
            ResultCode.INVALID_STATUS_LIST_SIZE,
            "args.size",
        ),
        ("create_list", {**CREATE, "issuer": "moet"}, ResultCode.INVALID_DID, "args.issuer"),
        ("update", UPDATE, ResultCode.INVALID_ARGUMENT, "args.set"),
        ("update", {**UPDATE, "set": 5}, ResultCode.INVALID_ARGUMENT, "args.set"),
        ("update", {**UPDATE, "set": [1, "2"]}, ResultCode.INVALID_ARGUMENT, "args.set[1]"),
        ("update", {**UPDATE, "set": [True]}, ResultCode.INVALID_ARGUMENT, "args.set[0]"),
        ("update", {**UPDATE, "set": [-1]}, ResultCode.STATUS_INDEX_OUT_OF_RANGE, "args.set[0]"),
        ("update", {**UPDATE, "set": [2**21]}, ResultCode.STATUS_INDEX_OUT_OF_RANGE, "args.set[0]"),
        ("update", {**UPDATE, "set": [4, 4]}, ResultCode.STATUS_INDEX_CONFLICT, "args.set[1]"),
        (
            "update",
            {**UPDATE, "set": [1, 2], "clear": [9, 2]},
            ResultCode.STATUS_INDEX_CONFLICT,
            "args.clear[1]",
        ),
        (
            "update",
            {**UPDATE, "set": list(range(10_001))},
            ResultCode.TOO_MANY_STATUS_INDEXES,
            "args.set",
        ),
        (
            "update",
            {**UPDATE, "set": list(range(6000)), "clear": list(range(6000, 12_000))},
            ResultCode.TOO_MANY_STATUS_INDEXES,
            "args.set",
        ),
        ("update", {**UPDATE, "flip": [1]}, ResultCode.INVALID_ARGUMENT, "args.flip"),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(
    action: str, args: dict[str, Any], code: ResultCode, field: str
) -> None:
    found = find_action("status", action)
    assert found is not None
    with pytest.raises(TxRejected) as refused:
        found.parse(args, PARAMS)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.expected is not None and refused.value.got is not None


def test_the_bits_are_proved_against_the_app_hash(chain: TrustChain) -> None:
    _create(chain)
    assert _update(chain, "degrees-2027", set=[42]).code == 0
    key = bits_key(ISSUER, "degrees-2027")
    height, app_hash, value, proof = chain.store.prove(key)
    assert (height, app_hash) == (chain.height, chain.app.app_hash)
    assert value is not None and status_at(value, 42) == 1
    assert decode_list(encode_list(value)) == value
    verify_state_proof(app_hash, key, value, proof.siblings, proof.leaf_path, proof.leaf_value_hash)
    assert proof.leaf_value_hash == list_digest(value)  # statusListDigest is the leaf's hash
    stale = bytes(len(value))  # the list before the update does not verify any more
    with pytest.raises(StateProofError):
        verify_state_proof(
            app_hash, key, stale, proof.siblings, proof.leaf_path, proof.leaf_value_hash
        )


def test_a_did_key_issuer_keeps_lists_with_its_own_key(chain: TrustChain) -> None:
    """A did:key is its key: only that key (a member with the issuer role) acts for it."""
    signer = chain.issuers[0]
    issuer = "did:key:" + encode_multikey(signer.suite, signer.public_key)
    args = {"list": "interop", "issuer": issuer, "purpose": "revocation"}
    assert chain.ok(signer, "status", "create_list", args).data == b"1"
    assert chain.ok(signer, "status", "update", {"list": "interop", "issuer": issuer, "set": [9]})
    bits = load_bits(chain.store, issuer, "interop")
    assert bits is not None and status_at(bits, 9) == 1
    assert list_names(chain.store, issuer) == ["interop"]
    chain.refuse(
        chain.issuers[1],
        "status",
        "update",
        {"list": "interop", "issuer": issuer, "set": [10]},
        ResultCode.NOT_DID_CONTROLLER,
        "sender",
    )
    for bad in ("did:key:z6Mkxyz", "did:key:", "did:web:example.com", "did:key:zQ3s" + "1" * 40):
        chain.refuse(
            signer,
            "status",
            "create_list",
            {**args, "issuer": bad, "list": "other"},
            ResultCode.INVALID_DID,
            "args.issuer",
        )
