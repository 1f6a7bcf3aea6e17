"""An outside reviewer's attacks (issue 14) on privacy receipts (``sen verify``,
``sen.light.privacy_receipt.verify_privacy_receipt``) and their REST routes.

A forger has every public thing: the chain's genesis, real receipts of other records, the
REST API's state proofs, and a chain of its own (same software, its own validator). It
wants ``sen verify`` to accept a consent or an erasure the chain never signed.

Tests that pass show an attack refused.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import assert_problem, b64, open_node
from fastapi.testclient import TestClient

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.modules.identity import encode_multikey
from sen.ledger.modules.privacy import ConsentTerms, consent_message
from sen.ledger.modules.privacy.records import consent_key, erasure_key, request_key
from sen.ledger.tx import sign_tx
from sen.light.errors import ReceiptInvalid
from sen.light.genesis import Genesis
from sen.light.privacy_receipt import verify_privacy_receipt
from sen.node.node import Node
from sen.sdk.client import Client
from sen.sdk.privacy import new_consent_id, new_request_id, privacy_receipt
from sen.services.readmodels.interchain import (
    PacketReceiptUnavailable,
    carrying_block,
    prove_keys,
    state_proof_json,
)

A, B = "did:sen:benh-vien-a", "did:sen:benh-vien-b"


def _did_key(key: SigningKey) -> str:
    return "did:key:" + encode_multikey(key.suite, key.public_key)


def _terms(patient: SigningKey, **changes: Any) -> dict[str, Any]:
    terms = {
        "id": new_consent_id(_did_key(patient), A), "subject": _did_key(patient), "controller": A,
        "recipients": [B], "purposes": ["dpv:ServiceProvision"],
        "categories": ["pd:HealthRecord"], "legal_basis": "dpv:ExplicitlyExpressedConsent",
        "decision": "given", "expires": 4_000_000_000,
    }  # fmt: skip
    terms.update(changes)
    return terms


def _populate(node: Node) -> dict[str, Any]:
    """Hospital A's DID, a patient's consent, an erasure, a request and a vault on ``node``."""
    hospital = get_suite("ed25519").generate()
    patient = get_suite("ed25519").generate()
    sdk = in_process_client(node)
    method = encode_multikey(hospital.suite, hospital.public_key)
    for name in ("benh-vien-a", "benh-vien-b"):
        sdk.send(hospital, "identity", "create", {
            "name": name, "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
            "relationships": {"assertionMethod": ["key-1"]},
        })  # fmt: skip
    terms = _terms(patient)
    message = consent_message(node.app.genesis.chain_id, ConsentTerms.from_value(terms))
    sdk.send(hospital, "privacy", "record_consent", {**terms, "signature": patient.sign(message)})
    subject_ref = secrets.token_bytes(16)
    now = int(node.engine.last.header.time.seconds) if node.engine.last else 0
    sdk.send(hospital, "privacy", "record_erasure", {
        "controller": A, "subject_ref": subject_ref,
        "records": [[secrets.token_bytes(16), secrets.token_bytes(32)]], "erased_at": now,
    })  # fmt: skip
    request_id = new_request_id(_did_key(patient), A)
    sdk.send(patient, "privacy", "file_request", {
        "id": request_id, "controller": A, "subject": _did_key(patient), "kind": "access",
    })  # fmt: skip
    sdk.send(hospital, "privacy", "declare_vault", {
        "controller": A, "name": "main", "jurisdiction": "VN-HN",
    })  # fmt: skip
    return {
        "sdk": sdk, "hospital": hospital, "patient": patient, "consent": bytes(terms["id"]),
        "subject_ref": subject_ref, "request": request_id,
    }  # fmt: skip


def _receipt(sdk: Client, kind: str, world: dict[str, Any]) -> dict[str, Any]:
    if kind == "consent":
        return privacy_receipt(sdk, f"/v1/privacy/consents/{world['consent'].hex()}/receipt")
    path = f"/v1/privacy/erasures/{A}/{world['subject_ref'].hex()}/receipt"
    return privacy_receipt(sdk, path)


def _proved(node: Node, key: bytes) -> dict[str, Any]:
    """A receipt-shaped proof of any state key (present or absent), with the header that
    signs it, as a forger assembles from public answers."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # wait for the condition: a block signs that state
        proved = prove_keys(node, [key])
        try:
            block = carrying_block(node, proved)
        except PacketReceiptUnavailable:
            time.sleep(0.01)
            continue
        ((_, value, proof),) = proved.values
        return {
            "key": key.hex(), "value": None if value is None else value.hex(),
            "proof": state_proof_json(proof),
            "signed_header": {
                "header": block.header, "commit": block.commit, "validators": block.validators,
            },
        }  # fmt: skip
    raise AssertionError("no block signed the state")


@pytest.fixture
def world(node: Node) -> Iterator[dict[str, Any]]:
    made = _populate(node)
    yield made
    made["sdk"].close()


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Node]:
    """The forger's own chain: the same software and chain id, its own validator."""
    running = open_node(tmp_path / "forger")
    running.start()
    yield running
    running.close()


def _fails(receipt: Any, genesis: Genesis, check: str) -> str:
    with pytest.raises(ReceiptInvalid) as caught:
        verify_privacy_receipt(receipt, genesis)
    assert caught.value.check == check, caught.value.reason
    return caught.value.reason


# --- forging ----------------------------------------------------------------------------


def test_a_receipt_from_the_forgers_own_chain_is_refused(
    node: Node, world: dict[str, Any], other: Node
) -> None:
    """Same chain id, same software, the forger's validator: its consent and erasure
    receipts are real ones of another chain. Named as ours (genesis hash swapped, or the
    history of validators), they still fail."""
    genesis = node.app.genesis
    assert other.app.genesis.chain_id == genesis.chain_id
    assert other.app.genesis.hash != genesis.hash
    forged_world = _populate(other)
    try:
        for kind in ("consent", "erasure"):
            forged = _receipt(forged_world["sdk"], kind, forged_world)
            assert verify_privacy_receipt(forged, other.app.genesis).valid  # real, elsewhere
            _fails(forged, genesis, "chain")
            renamed = {**forged, "genesis_hash": genesis.hash.hex()}
            _fails(renamed, genesis, "header")
            ours = _receipt(world["sdk"], kind, world)
            signed = ours["signed_header"]
            hop = {"header": signed["header"], "commit": signed["commit"],
                   "next_validators": forged["signed_header"]["validators"]}  # fmt: skip
            mixed = {**renamed, "validator_history": [hop]}
            _fails(mixed, genesis, "header")  # a genuine header cannot name the forger's set
    finally:
        forged_world["sdk"].close()


def test_our_header_over_the_forgers_state_is_refused(
    node: Node, world: dict[str, Any], other: Node
) -> None:
    """The forger's record and state proof, under one of our genuinely signed headers."""
    genesis = node.app.genesis
    forged_world = _populate(other)
    try:
        forged = _receipt(forged_world["sdk"], "consent", forged_world)
        ours = _receipt(world["sdk"], "consent", world)
        spliced = {**forged, "genesis_hash": genesis.hash.hex(),
                   "signed_header": ours["signed_header"]}  # fmt: skip
        _fails(spliced, genesis, "state")
    finally:
        forged_world["sdk"].close()


def test_an_absence_proof_dressed_as_a_record_is_refused(node: Node, world: dict[str, Any]) -> None:
    """A consent id never recorded: the chain proves its absence (ending at a neighbour's
    leaf). The forger claims the neighbour's value, or a real consent's, under that key."""
    genesis = node.app.genesis
    real = _receipt(world["sdk"], "consent", world)
    missing = consent_key(new_consent_id(_did_key(world["patient"]), A))
    absent = _proved(node, missing)
    assert absent["value"] is None
    for value in (real["value"], "a0", ""):
        forged = {**real, **absent, "value": value}
        _fails(forged, genesis, "state")
    proof = absent["proof"]
    real_path = hashlib.sha256(bytes.fromhex(real["key"])).hexdigest()
    if proof["leaf_path"] not in (None, real_path):  # the leaf it ends at is a neighbour's
        # (when that neighbour is the real consent itself, the proof is a true one of it)
        moved = {**real, **absent, "key": real["key"], "value": real["value"]}  # real record,
        # with another key's absence proof
        _fails(moved, genesis, "state")


@pytest.mark.parametrize(
    ("kind", "record"),
    [
        ("consent", "request"),
        ("erasure", "request"),
        ("consent", "vault"),
        ("erasure", "vault"),
        ("erasure", "consent"),
        ("consent", "erasure"),
    ],
)
def test_another_proven_record_dressed_as_this_kind_is_refused(
    node: Node, world: dict[str, Any], kind: str, record: str
) -> None:
    """A real, signed, proven privacy record of another kind (a data-subject request, a vault
    declaration, ...) presented as a consent or a tombstone."""
    genesis = node.app.genesis
    keys = {
        "request": request_key(world["request"]),
        "vault": b"privacy/vault/" + A.encode() + b"/main",
        "consent": consent_key(world["consent"]),
        "erasure": erasure_key(A, world["subject_ref"]),
    }
    proved = _proved(node, keys[record])
    assert proved["value"] is not None
    base = _receipt(world["sdk"], kind, world)
    forged = {**base, **proved, "kind": kind}
    _fails(forged, genesis, "record")


def test_a_real_record_under_another_key_is_refused(node: Node, world: dict[str, Any]) -> None:
    genesis = node.app.genesis
    real = _receipt(world["sdk"], "consent", world)
    other_id = new_consent_id(_did_key(world["patient"]), A)
    _fails({**real, "key": consent_key(other_id).hex()}, genesis, "state")
    tombstone = _receipt(world["sdk"], "erasure", world)
    moved = erasure_key(A, secrets.token_bytes(16)).hex()
    _fails({**tombstone, "key": moved}, genesis, "state")


def test_a_tampered_header_commit_or_validator_set_is_refused(
    node: Node, world: dict[str, Any]
) -> None:
    genesis = node.app.genesis
    real = _receipt(world["sdk"], "erasure", world)
    height = int(real["signed_header"]["header"]["height"])

    def tampered(edit: Any) -> dict[str, Any]:
        made = copy.deepcopy(real)
        edit(made["signed_header"])
        return made

    cases = [
        lambda s: s["header"].update(app_hash="00" * 32),
        lambda s: s["header"].update(height=str(height + 1)),
        lambda s: s["commit"].update(height=str(height + 1)),
        lambda s: s["commit"].update(signatures=[]),
        lambda s: s.update(validators={**s["validators"], "validators": []}),
        lambda s: s["header"].update(chain_id="vn-other"),
    ]
    for edit in cases:
        with pytest.raises(ReceiptInvalid) as caught:
            verify_privacy_receipt(tampered(edit), genesis)
        assert caught.value.check in ("format", "chain", "header"), caught.value.reason


def test_an_old_receipt_says_which_block_it_is_of(node: Node, world: dict[str, Any]) -> None:
    """A receipt of a consent that was withdrawn later stays valid (it proves what was given),
    and says the height: it is no proof of the consent now."""
    genesis = node.app.genesis
    given = _receipt(world["sdk"], "consent", world)
    world["sdk"].send(
        world["patient"], "privacy", "withdraw_consent", {"consent": world["consent"]}
    )
    later = _receipt(world["sdk"], "consent", world)
    old, new = verify_privacy_receipt(given, genesis), verify_privacy_receipt(later, genesis)
    assert (old.record["state"], new.record["state"]) == ("given", "withdrawn")
    assert old.height < new.height


def _nested(depth: int) -> dict[str, Any]:
    inner: dict[str, Any] = {}
    for _ in range(depth):
        inner = {"header": inner}
    return inner


def test_malformed_and_huge_receipts_are_format_refusals(node: Node, world: dict[str, Any]) -> None:
    genesis = node.app.genesis
    real = _receipt(world["sdk"], "consent", world)
    signed = real["signed_header"]
    cases: list[Any] = [
        None, [], "receipt", {**real, "version": True}, {**real, "version": 2},
        {**real, "kind": None}, {**real, "genesis_hash": None}, {**real, "key": "zz"},
        {**real, "value": 7}, {**real, "proof": {"siblings": ["00"] * 3}},
        {**real, "proof": {**real["proof"], "siblings": ["00" * 32] * 257}},
        {**real, "validator_history": {}}, {**real, "signed_header": _nested(50_000)},
        {**real, "validator_history": [_nested(50_000)]},
        {**real, "signed_header": {**signed, "header": {**signed["header"], "height": str(2**80)}}},
    ]  # fmt: skip
    for receipt in cases:
        with pytest.raises(ReceiptInvalid) as caught:
            verify_privacy_receipt(receipt, genesis)
        assert caught.value.check in ("format", "state", "header"), caught.value.reason


def test_a_long_bogus_validator_history_is_refused_at_its_first_hop(
    node: Node, world: dict[str, Any]
) -> None:
    genesis = node.app.genesis
    real = _receipt(world["sdk"], "consent", world)
    hop = {"header": real["signed_header"]["header"], "commit": real["signed_header"]["commit"],
           "next_validators": real["signed_header"]["validators"]}  # fmt: skip
    reason = _fails({**real, "validator_history": [hop] * 20_000}, genesis, "header")
    assert "validator_history[0]" in reason


# --- the REST routes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v1/privacy/consents/{x}/receipt".format(x="A" * 32),
        "/v1/privacy/consents/{x}/receipt".format(x="0" * 31),
        "/v1/privacy/consents/{x}/receipt".format(x="0" * 33),
        "/v1/privacy/consents/{x}/receipt".format(x="0" * 20_000),
        "/v1/privacy/consents/{x}/receipt".format(x="đ" * 32),
        "/v1/privacy/consents/%00%00/receipt",
        f"/v1/privacy/erasures/{A}/{'g' * 32}/receipt",
        f"/v1/privacy/erasures/did:sen:{'a' * 70}/{'0' * 32}/receipt",
        f"/v1/privacy/erasures/did:sen:BENH/{'0' * 32}/receipt",
        f"/v1/privacy/erasures/did:sen:a%2Fb/{'0' * 32}/receipt",
        f"/v1/privacy/erasures/did:key:z6Mk/{'0' * 32}/receipt",
        f"/v1/privacy/erasures/{'x' * 20_000}/{'0' * 32}/receipt",
        "/v1/privacy/controllers/did:sen:a%00/vaults",
        f"/v1/privacy/controllers/did:sen:{'a' * 20_000}/vaults",
    ],
)
def test_bad_receipt_and_vault_paths_are_400_never_5xx(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404), (response.status_code, response.text[:200])
    assert response.headers["content-type"].startswith("application/problem+json")


def test_receipt_routes_for_records_of_another_kind_are_404(
    client: TestClient, world: dict[str, Any]
) -> None:
    """The erasure route never serves the consent under that id, nor the consent route a
    request: each route builds its own key."""
    as_ref = world["consent"].hex()
    assert_problem(client.get(f"/v1/privacy/erasures/{A}/{as_ref}/receipt"), 404, "subject_ref")
    assert_problem(client.get(f"/v1/privacy/consents/{world['request'].hex()}/receipt"), 404, "id")
    assert_problem(client.get(f"/v1/privacy/erasures/{B}/{world['subject_ref'].hex()}/receipt"),
                   404, "subject_ref")  # fmt: skip


def test_a_receipt_is_409_until_its_state_is_signed(
    idle_client: TestClient, idle_node: Node
) -> None:
    """Asked right after the block that records the consent: 409 with Retry-After, then the
    receipt once the next block signs that state; never a receipt that does not verify."""
    hospital, patient = get_suite("ed25519").generate(), get_suite("ed25519").generate()
    chain_id = idle_node.app.genesis.chain_id
    method = encode_multikey(hospital.suite, hospital.public_key)
    create = sign_tx(hospital, chain_id=chain_id, nonce=0, module="identity", action="create",
                     args={"name": "benh-vien-a", "relationships": {"assertionMethod": ["key-1"]},
                           "verification_methods": [{"id": "key-1",
                                                     "public_key_multibase": method}]})  # fmt: skip
    assert idle_client.post("/v1/txs", json={"tx": b64(create.raw)}).status_code == 202
    idle_node.engine.produce_block()
    terms = _terms(patient)
    message = consent_message(chain_id, ConsentTerms.from_value(terms))
    record = sign_tx(hospital, chain_id=chain_id, nonce=1, module="privacy",
                     action="record_consent",
                     args={**terms, "signature": patient.sign(message)})  # fmt: skip
    assert idle_client.post("/v1/txs", json={"tx": b64(record.raw)}).status_code == 202
    idle_node.engine.produce_block()
    url = f"/v1/privacy/consents/{bytes(terms['id']).hex()}/receipt"
    early = idle_client.get(url)
    assert early.status_code == 409, early.text
    assert early.headers["retry-after"] == "1"
    idle_node.engine.produce_block()
    late = idle_client.get(url)
    assert late.status_code == 200, late.text
    assert verify_privacy_receipt(late.json(), idle_node.app.genesis).valid
