"""Write ``docs/spec/vectors/state-proof-vectors.json``: state proofs of the tree, with bytes.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python scripts/make-state-proof-vectors.py          # rewrite the file
    PYTHONPATH=src .venv/bin/python scripts/make-state-proof-vectors.py --check  # exit 1 if stale

One tree of fixed entries (``"key-0"`` … ``"key-9"`` → ``"value-0"`` … , the
tree of ``docs/spec/encoding.md``'s vector table) is built with the node's own
tree (``sen.store.smt``); for chosen keys the node's proofs are written in the
JSON shape the API returns (``siblings`` root first, ``leaf_path``,
``leaf_value_hash``), with every node hash recomputed on the way up and, for
proofs of presence, the same proof as an ICS-23 ``ExistenceProof`` under
Sen's ``ProofSpec`` (leaf op, inner ops leaf first). Absence proofs of both
kinds are included (the walk ends in an empty subtree, or at another key's
leaf), and tampered proofs with the reason they must fail, each verdict taken
from Sen's verifier (``sen.ledger.light.state_proof``). The format is
``docs/spec/state-proofs.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof
from sen.store.smt import EMPTY, Proof, TreeUpdate, bit, key_path, prove

OUT = Path(__file__).resolve().parents[1] / "docs" / "spec" / "vectors" / "state-proof-vectors.json"
ENTRIES = [(f"key-{n}".encode(), f"value-{n}".encode()) for n in range(10)]
PRESENT = [b"key-0", b"key-3", b"key-7"]
ABSENT = [b"key-10", b"missing", b"sen", b"chain/params"]


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _tree() -> tuple[bytes, dict[bytes, bytes]]:
    nodes: dict[bytes, bytes] = {}
    update = TreeUpdate(nodes.get)
    root = update.apply(EMPTY, ENTRIES)
    for position, node in update.writes.items():
        if node is not None:
            nodes[position] = node
    return root, nodes


def _proof_json(app_hash: bytes, proof: Proof) -> dict[str, Any]:
    return {
        "app_hash": app_hash.hex(),
        "siblings": [s.hex() for s in proof.siblings],
        "leaf_path": None if proof.leaf_path is None else proof.leaf_path.hex(),
        "leaf_value_hash": None if proof.leaf_value_hash is None else proof.leaf_value_hash.hex(),
    }


def _walk(key: bytes, proof: Proof) -> list[str]:
    """The node hashes from the end of the walk up to the root (the last is the app hash)."""
    path = key_path(key)
    if proof.leaf_path is None:
        node = EMPTY
    else:
        assert proof.leaf_value_hash is not None
        node = _sha(b"\x00" + proof.leaf_path + proof.leaf_value_hash)
    hashes = [node.hex()]
    for depth in range(len(proof.siblings) - 1, -1, -1):
        sibling = proof.siblings[depth]
        node = (
            _sha(b"\x01" + sibling + node) if bit(path, depth) else _sha(b"\x01" + node + sibling)
        )
        hashes.append(node.hex())
    return hashes


def _ics23(key: bytes, value: bytes, proof: Proof) -> dict[str, Any]:
    """The presence proof as an ICS-23 ExistenceProof (inner ops from the leaf up)."""
    path = key_path(key)
    ops = []
    for depth in range(len(proof.siblings) - 1, -1, -1):
        sibling = proof.siblings[depth]
        if bit(path, depth):  # the child is on the right: hash(0x01 ‖ sibling ‖ child)
            ops.append({"hash": "SHA256", "prefix": (b"\x01" + sibling).hex(), "suffix": ""})
        else:  # on the left: hash(0x01 ‖ child ‖ sibling)
            ops.append({"hash": "SHA256", "prefix": "01", "suffix": sibling.hex()})
    return {
        "key": key.hex(),
        "value": value.hex(),
        "leaf": {
            "hash": "SHA256",
            "prehash_key": "SHA256",
            "prehash_value": "SHA256",
            "length": "NO_PREFIX",
            "prefix": "00",
        },
        "path": ops,
    }


def _verdict(app_hash: bytes, key: bytes, value: bytes | None, proof: dict[str, Any]) -> str:
    """Sen's verifier on a (maybe tampered) proof: "valid" or its reason."""
    try:
        verify_state_proof(
            app_hash,
            key,
            value,
            [bytes.fromhex(s) for s in proof["siblings"]],
            None if proof["leaf_path"] is None else bytes.fromhex(proof["leaf_path"]),
            None if proof["leaf_value_hash"] is None else bytes.fromhex(proof["leaf_value_hash"]),
        )
    except StateProofError as exc:
        return str(exc)
    return "valid"


def _flip(hex_text: str) -> str:
    data = bytearray(bytes.fromhex(hex_text))
    data[-1] ^= 0x01
    return data.hex()


def _tampered(root: bytes, nodes: dict[bytes, bytes]) -> list[dict[str, Any]]:
    key, value = b"key-3", b"value-3"
    good = _proof_json(root, prove(nodes.get, root, key))
    cases: list[tuple[str, bytes, bytes | None, dict[str, Any]]] = [
        (
            "a sibling changed",
            key,
            value,
            {**good, "siblings": [_flip(good["siblings"][0]), *good["siblings"][1:]]},
        ),
        ("a sibling dropped", key, value, {**good, "siblings": good["siblings"][1:]}),
        ("another value claimed", key, b"value-4", good),
        (
            "the value hash changed",
            key,
            value,
            {**good, "leaf_value_hash": _flip(good["leaf_value_hash"])},
        ),
        ("absence claimed of a present key", key, None, good),
        ("another key's proof", b"key-0", value, good),
        (
            "a sibling of 31 bytes",
            key,
            value,
            {**good, "siblings": [good["siblings"][0][:62], *good["siblings"][1:]]},
        ),
    ]
    absent = b"missing"
    empty_end = _proof_json(root, prove(nodes.get, root, absent))
    cases.append(("presence claimed of an absent key", absent, b"x", empty_end))
    out = []
    for name, k, v, proof in cases:
        verdict = _verdict(root, k, v, proof)
        assert verdict != "valid", name
        out.append(
            {
                "name": name,
                "key": k.hex(),
                "value": None if v is None else v.hex(),
                "proof": proof,
                "error": verdict,
            }
        )
    return out


def render() -> str:
    root, nodes = _tree()
    present = []
    for key in PRESENT:
        value = dict(ENTRIES)[key]
        proof = prove(nodes.get, root, key)
        as_json = _proof_json(root, proof)
        assert _verdict(root, key, value, as_json) == "valid"
        present.append(
            {
                "key": key.hex(),
                "key_text": key.decode(),
                "value": value.hex(),
                "path": key_path(key).hex(),
                "proof": as_json,
                "walk": _walk(key, proof),
                "ics23": _ics23(key, value, proof),
            }
        )
    absent = []
    for key in ABSENT:
        proof = prove(nodes.get, root, key)
        as_json = _proof_json(root, proof)
        assert _verdict(root, key, None, as_json) == "valid"
        absent.append(
            {
                "key": key.hex(),
                "key_text": key.decode(),
                "path": key_path(key).hex(),
                "ends": "empty" if proof.leaf_path is None else "another leaf",
                "proof": as_json,
                "walk": _walk(key, proof),
            }
        )
    assert {a["ends"] for a in absent} == {"empty", "another leaf"}, "both absence kinds"
    document = {
        "about": "Sen state proofs (docs/spec/state-proofs.md), written by "
        "scripts/make-state-proof-vectors.py",
        "entries": [[k.hex(), v.hex()] for k, v in ENTRIES],
        "app_hash": root.hex(),
        "present": present,
        "absent": absent,
        "tampered": _tampered(root, nodes),
    }
    return json.dumps(document, indent=2) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale: run scripts/make-state-proof-vectors.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
