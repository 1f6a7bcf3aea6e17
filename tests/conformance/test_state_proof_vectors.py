"""State proofs against docs/spec/state-proofs.md, with a verifier written from it alone.

The verifier here (:func:`check`) follows §3 of the specification step by
step and imports nothing from Sen; Sen's verifier must agree with it on every
vector, the ICS-23 form (§4) must compute the same root, and the vector file
must be what ``scripts/make-state-proof-vectors.py`` writes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from script_loader import load

from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof

ROOT = Path(__file__).resolve().parents[2]
VECTORS_PATH = ROOT / "docs" / "spec" / "vectors" / "state-proof-vectors.json"
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
APP_HASH = bytes.fromhex(VECTORS["app_hash"])
EMPTY = bytes(32)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def bit_of(path: bytes, d: int) -> int:
    return (path[d // 8] >> (7 - d % 8)) & 1


def check(app_hash: bytes, key: bytes, value: bytes | None, proof: dict[str, Any]) -> list[str]:
    """§3: the node hashes from the start up to the root; raises ValueError if it fails."""
    p = sha(key)
    siblings = [bytes.fromhex(s) for s in proof["siblings"]]
    if len(siblings) > 256 or any(len(s) != 32 for s in siblings):
        raise ValueError("malformed")
    leaf_path = None if proof["leaf_path"] is None else bytes.fromhex(proof["leaf_path"])
    value_hash = (
        None if proof["leaf_value_hash"] is None else bytes.fromhex(proof["leaf_value_hash"])
    )
    if value is not None:
        if leaf_path != p or value_hash != sha(value):
            raise ValueError("not this key's leaf, or not this value")
        node = sha(b"\x00" + p + value_hash)
    elif leaf_path is None:
        node = EMPTY
    else:
        n = len(siblings)
        if leaf_path == p:
            raise ValueError("present")
        if any(bit_of(leaf_path, d) != bit_of(p, d) for d in range(n)):
            raise ValueError("leaf off the path")
        assert value_hash is not None
        node = sha(b"\x00" + leaf_path + value_hash)
    walk = [node.hex()]
    for d in range(len(siblings) - 1, -1, -1):
        pair = siblings[d] + node if bit_of(p, d) else node + siblings[d]
        node = sha(b"\x01" + pair)
        walk.append(node.hex())
    if node != app_hash:
        raise ValueError("root mismatch")
    return walk


def sen_accepts(key: bytes, value: bytes | None, proof: dict[str, Any]) -> bool:
    try:
        verify_state_proof(
            bytes.fromhex(proof["app_hash"]),
            key,
            value,
            [bytes.fromhex(s) for s in proof["siblings"]],
            None if proof["leaf_path"] is None else bytes.fromhex(proof["leaf_path"]),
            None if proof["leaf_value_hash"] is None else bytes.fromhex(proof["leaf_value_hash"]),
        )
    except (StateProofError, ValueError):
        return False
    return True


def test_the_app_hash_is_the_root_of_encoding_md() -> None:
    assert VECTORS["app_hash"].startswith("e1e7f656")
    assert len(VECTORS["entries"]) == 10


@pytest.mark.parametrize("case", VECTORS["present"], ids=lambda c: c["key_text"])
def test_presence(case: dict[str, Any]) -> None:
    key, value = bytes.fromhex(case["key"]), bytes.fromhex(case["value"])
    assert case["path"] == sha(key).hex()
    assert check(APP_HASH, key, value, case["proof"]) == case["walk"]
    assert sen_accepts(key, value, case["proof"])


@pytest.mark.parametrize("case", VECTORS["present"], ids=lambda c: c["key_text"])
def test_the_ics23_form_computes_the_same_root(case: dict[str, Any]) -> None:
    """ICS-23 ExistenceProof calculation: the leaf op, then each inner op, leaf first."""
    ics = case["ics23"]
    leaf = ics["leaf"]
    assert (leaf["hash"], leaf["prehash_key"], leaf["prehash_value"]) == ("SHA256",) * 3
    assert (leaf["length"], leaf["prefix"]) == ("NO_PREFIX", "00")
    key, value = bytes.fromhex(ics["key"]), bytes.fromhex(ics["value"])
    node = sha(bytes.fromhex(leaf["prefix"]) + sha(key) + sha(value))
    for op in ics["path"]:
        prefix, suffix = bytes.fromhex(op["prefix"]), bytes.fromhex(op["suffix"])
        # the spec's InnerSpec: a 1-byte prefix besides the sibling hashes, 32-byte children
        assert prefix[:1] == b"\x01" and len(prefix) + len(suffix) == 33
        node = sha(prefix + node + suffix)
    assert node == APP_HASH
    assert len(ics["path"]) == len(case["proof"]["siblings"])


@pytest.mark.parametrize("case", VECTORS["absent"], ids=lambda c: c["key_text"])
def test_absence(case: dict[str, Any]) -> None:
    key = bytes.fromhex(case["key"])
    assert check(APP_HASH, key, None, case["proof"]) == case["walk"]
    assert sen_accepts(key, None, case["proof"])
    assert (case["proof"]["leaf_path"] is None) == (case["ends"] == "empty")
    with pytest.raises(ValueError):
        check(APP_HASH, key, b"anything", case["proof"])


def test_both_kinds_of_absence_are_covered() -> None:
    assert {c["ends"] for c in VECTORS["absent"]} == {"empty", "another leaf"}


@pytest.mark.parametrize("case", VECTORS["tampered"], ids=lambda c: c["name"])
def test_tampered_proofs_fail_for_both_verifiers(case: dict[str, Any]) -> None:
    key = bytes.fromhex(case["key"])
    value = None if case["value"] is None else bytes.fromhex(case["value"])
    with pytest.raises(ValueError):
        check(APP_HASH, key, value, case["proof"])
    assert not sen_accepts(key, value, case["proof"])
    assert case["error"]


def test_the_file_is_what_the_script_writes() -> None:
    script = load("make_state_proof_vectors", ROOT / "scripts" / "make-state-proof-vectors.py")
    assert script.render() == VECTORS_PATH.read_text(encoding="utf-8"), (
        "docs/spec/vectors/state-proof-vectors.json is stale: "
        "run scripts/make-state-proof-vectors.py"
    )
