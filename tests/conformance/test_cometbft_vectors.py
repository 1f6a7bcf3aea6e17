"""Every `sen.light` function reproduces CometBFT v0.38's bytes, vector by vector.

The vectors in ``cometbft_v0.38.json`` are written by CometBFT's own Go code
(``tools/cometbft-vectors``); see that folder's README to regenerate them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sen.ledger.light import (
    BlockID,
    Commit,
    Header,
    InsufficientVotingPower,
    MerkleProof,
    SignedMsgType,
    Timestamp,
    Validator,
    ValidatorSet,
    canonical_vote_sign_bytes,
    commit_hash,
    commit_vote_sign_bytes,
    data_hash,
    encode_block,
    encode_header,
    exec_tx_result_bytes,
    hash_from_byte_slices,
    header_hash,
    part_set_header,
    proofs_from_byte_slices,
    result_proof,
    results_hash,
    sign_commit,
    tx_hash,
    tx_proof,
    validator_set_hash,
    verify_commit,
)
from sen.ledger.light._encode import encode_commit, encode_commit_sig
from sen.ledger.light.validators import encode_simple_validator

VECTORS_PATH = Path(__file__).with_name("cometbft_v0.38.json")
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))


def ids(cases: list[dict[str, Any]], key: str = "name") -> list[str]:
    return [str(case[key]) for case in cases]


def proof_from(vector: dict[str, Any]) -> MerkleProof:
    return MerkleProof(
        total=vector["total"],
        index=vector["index"],
        leaf_hash=bytes.fromhex(vector["leaf_hash"]),
        aunts=tuple(bytes.fromhex(a) for a in vector["aunts"]),
    )


def validator_set_named(name: str) -> ValidatorSet:
    (vector,) = [v for v in VECTORS["validator_sets"] if v["name"] == name]
    return ValidatorSet.from_json(vector["json"])


def private_keys() -> dict[bytes, Ed25519PrivateKey]:
    keys = {}
    for vector in VECTORS["validator_sets"]:
        for validator in vector["validators"]:
            key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(validator["seed"]))
            keys[bytes.fromhex(validator["address"])] = key
    return keys


def without_priorities(validator_set_json: dict[str, Any]) -> dict[str, Any]:
    return {
        "validators": [
            {k: v for k, v in val.items() if k != "proposer_priority"}
            for val in validator_set_json["validators"]
        ]
    }


def test_vectors_come_from_the_pinned_cometbft() -> None:
    assert VECTORS["cometbft_version"] == "v0.38.26"


# ---------------------------------------------------------------- merkle


@pytest.mark.parametrize("case", VECTORS["merkle"], ids=ids(VECTORS["merkle"], "root"))
def test_merkle_root_and_proofs(case: dict[str, Any]) -> None:
    items = [bytes.fromhex(item) for item in case["items"]]
    root = bytes.fromhex(case["root"])
    assert hash_from_byte_slices(items) == root
    computed_root, proofs = proofs_from_byte_slices(items)
    assert computed_root == root
    assert proofs == [proof_from(p) for p in case["proofs"]]
    for item, proof in zip(items, proofs, strict=True):
        assert proof.compute_root_hash() == root
        proof.verify(root, item)


# ---------------------------------------------------------------- validators


@pytest.mark.parametrize("case", VECTORS["validator_sets"], ids=ids(VECTORS["validator_sets"]))
def test_validator_set(case: dict[str, Any]) -> None:
    validators = []
    for vector in case["validators"]:
        key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["seed"]))
        validator = Validator(key.public_key().public_bytes_raw(), vector["voting_power"])
        assert validator.pub_key.hex() == vector["pub_key"]
        assert validator.address.hex() == vector["address"]
        assert encode_simple_validator(validator).hex() == vector["simple_validator_bytes"]
        validators.append(validator)
    # CometBFT sorts by power, then address; sorting shuffled input gives its order.
    expected = ValidatorSet(tuple(validators))
    assert ValidatorSet.sorted(reversed(validators)) == expected
    assert expected.hash().hex() == case["hash"]
    assert validator_set_hash(expected.validators).hex() == case["hash"]
    decoded = ValidatorSet.from_json(case["json"])
    assert decoded == expected
    assert decoded.to_json() == without_priorities(case["json"])


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize("case", VECTORS["headers"], ids=ids(VECTORS["headers"]))
def test_header(case: dict[str, Any]) -> None:
    header = Header.from_json(case["json"])
    assert header.time == Timestamp(case["time"]["seconds"], case["time"]["nanos"])
    assert header.time.to_rfc3339() == case["time"]["rfc3339"]
    assert header.to_json() == case["json"]
    assert encode_header(header).hex() == case["proto"]
    assert header_hash(header).hex() == case["hash"]


# ---------------------------------------------------------------- votes


@pytest.mark.parametrize("case", VECTORS["vote_sign_bytes"], ids=ids(VECTORS["vote_sign_bytes"]))
def test_vote_sign_bytes(case: dict[str, Any]) -> None:
    timestamp = Timestamp(case["timestamp"]["seconds"], case["timestamp"]["nanos"])
    assert Timestamp.from_rfc3339(case["timestamp"]["rfc3339"]) == timestamp
    sign_bytes = canonical_vote_sign_bytes(
        case["chain_id"],
        SignedMsgType(case["type"]),
        case["height"],
        case["round"],
        BlockID.from_json(case["block_id"]),
        timestamp,
    )
    assert sign_bytes.hex() == case["sign_bytes"]


# ---------------------------------------------------------------- commits


@pytest.mark.parametrize("case", VECTORS["commits"], ids=ids(VECTORS["commits"]))
def test_commit_encoding_and_hash(case: dict[str, Any]) -> None:
    commit = Commit.from_json(case["json"])
    assert commit.to_json() == case["json"]
    assert encode_commit(commit).hex() == case["proto"]
    assert [encode_commit_sig(s).hex() for s in commit.signatures] == case["commit_sig_protos"]
    assert commit_hash(commit).hex() == case["hash"]
    assert [
        commit_vote_sign_bytes(case["chain_id"], commit, i).hex()
        for i in range(len(commit.signatures))
    ] == case["vote_sign_bytes"]


@pytest.mark.parametrize("case", VECTORS["commits"], ids=ids(VECTORS["commits"]))
def test_verify_commit_agrees_with_cometbft(case: dict[str, Any]) -> None:
    commit = Commit.from_json(case["json"])
    validator_set = validator_set_named(case["validator_set"])
    if case["verify_error"]:
        assert "insufficient voting power" in case["verify_error"]
        with pytest.raises(InsufficientVotingPower) as raised:
            verify_commit(case["chain_id"], validator_set, commit.block_id, commit.height, commit)
        # CometBFT: "got N, needed more than M".
        assert (
            f"got {raised.value.signed}, needed more than {raised.value.needed}"
            in (case["verify_error"])
        )
    else:
        verify_commit(case["chain_id"], validator_set, commit.block_id, commit.height, commit)


@pytest.mark.parametrize("case", VECTORS["commits"], ids=ids(VECTORS["commits"]))
def test_sign_commit_reproduces_cometbft_signatures(case: dict[str, Any]) -> None:
    commit = Commit.from_json(case["json"])
    keys = private_keys()
    for sig in commit.signatures:
        if not sig.signature:
            continue
        signed = sign_commit(
            keys[sig.validator_address],
            case["chain_id"],
            commit.height,
            commit.round,
            commit.block_id,
            sig.timestamp,
            sig.block_id_flag,
        )
        assert signed == sig


# ---------------------------------------------------------------- txs


@pytest.mark.parametrize("case", VECTORS["txs"], ids=ids(VECTORS["txs"], "count"))
def test_txs(case: dict[str, Any]) -> None:
    txs = [bytes.fromhex(tx) for tx in case["txs"]]
    assert [tx_hash(tx).hex() for tx in txs] == case["tx_hashes"]
    assert data_hash(txs).hex() == case["data_hash"]
    for index, vector in enumerate(case["proofs"]):
        proof = tx_proof(txs, index)
        assert proof.root_hash.hex() == vector["root_hash"]
        assert proof.data.hex() == vector["data"]
        assert proof.proof == proof_from(vector["proof"])
        proof.verify(bytes.fromhex(case["data_hash"]))


# ---------------------------------------------------------------- results


@pytest.mark.parametrize("case", VECTORS["results"], ids=ids(VECTORS["results"]))
def test_results(case: dict[str, Any]) -> None:
    encoded = [
        exec_tx_result_bytes(r["code"], bytes.fromhex(r["data"]), r["gas_wanted"], r["gas_used"])
        for r in case["results"]
    ]
    assert [e.hex() for e in encoded] == case["bytes"]
    assert results_hash(encoded).hex() == case["hash"]
    for index, vector in enumerate(case["proofs"]):
        root, proof = result_proof(encoded, index)
        assert root.hex() == case["hash"]
        assert proof == proof_from(vector)
        proof.verify(root, encoded[index])


# ---------------------------------------------------------------- blocks


@pytest.mark.parametrize("case", VECTORS["blocks"], ids=ids(VECTORS["blocks"]))
def test_block_encoding_and_part_sets(case: dict[str, Any]) -> None:
    header = Header.from_json(case["header"])
    txs = [bytes.fromhex(tx) for tx in case["txs"]]
    last_commit = None if case["last_commit"] is None else Commit.from_json(case["last_commit"])
    encoded = encode_block(header, txs, last_commit)
    if "encoded" in case:
        assert encoded.hex() == case["encoded"]
    assert len(encoded) == case["encoded_len"]
    assert hashlib.sha256(encoded).hexdigest() == case["encoded_sha256"]
    for vector in case["part_sets"]:
        parts = part_set_header(encoded, vector["part_size"])
        assert (parts.total, parts.hash.hex()) == (vector["total"], vector["hash"])
    if txs:
        assert header.data_hash == data_hash(txs)
    if last_commit is not None and last_commit.signatures:
        assert header.last_commit_hash == commit_hash(last_commit)
