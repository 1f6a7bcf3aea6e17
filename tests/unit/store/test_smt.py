"""The sparse Merkle tree: history independence, proofs of presence and absence."""

from __future__ import annotations

import random

import pytest

from sen.ledger.light.state_proof import StateProofError, verify_state_proof
from sen.store.smt import EMPTY, TreeUpdate, prove


class MemoryTree:
    def __init__(self) -> None:
        self.nodes: dict[bytes, bytes] = {}
        self.root = EMPTY

    def apply(self, changes: list[tuple[bytes, bytes | None]]) -> bytes:
        update = TreeUpdate(self.nodes.get)
        self.root = update.apply(self.root, changes)
        for pos, node in update.writes.items():
            if node is None:
                self.nodes.pop(pos, None)
            else:
                self.nodes[pos] = node
        return self.root


def fresh_root(state: dict[bytes, bytes]) -> tuple[bytes, int]:
    tree = MemoryTree()
    tree.apply(sorted(state.items()))
    return tree.root, len(tree.nodes)


def test_empty_tree_root_is_zero() -> None:
    assert MemoryTree().apply([]) == EMPTY


@pytest.mark.parametrize("seed", range(8))
def test_root_depends_only_on_contents(seed: int) -> None:
    rng = random.Random(seed)
    tree = MemoryTree()
    state: dict[bytes, bytes] = {}
    for _ in range(30):
        changes: dict[bytes, bytes | None] = {}
        for _ in range(rng.randint(1, 40)):
            key = b"k%d" % rng.randint(0, 120)
            if rng.random() < 0.3:
                changes[key] = None
            else:
                changes[key] = b"v%d" % rng.randint(0, 10**6)
        tree.apply(list(changes.items()))
        for key, value in changes.items():
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
        expected_root, expected_nodes = fresh_root(state)
        assert tree.root == expected_root
        assert len(tree.nodes) == expected_nodes  # no garbage left behind


def test_proofs_of_presence_and_absence() -> None:
    tree = MemoryTree()
    state = {b"key-%d" % i: b"value-%d" % i for i in range(200)}
    tree.apply(list(state.items()))
    for key, value in state.items():
        proof = prove(tree.nodes.get, tree.root, key)
        verify_state_proof(
            tree.root, key, value, proof.siblings, proof.leaf_path, proof.leaf_value_hash
        )
        with pytest.raises(StateProofError):
            verify_state_proof(
                tree.root, key, b"other", proof.siblings, proof.leaf_path, proof.leaf_value_hash
            )
    for i in range(200, 260):
        key = b"key-%d" % i
        proof = prove(tree.nodes.get, tree.root, key)
        verify_state_proof(
            tree.root, key, None, proof.siblings, proof.leaf_path, proof.leaf_value_hash
        )
        with pytest.raises(StateProofError):
            verify_state_proof(
                tree.root, key, b"x", proof.siblings, proof.leaf_path, proof.leaf_value_hash
            )


def test_tampered_sibling_fails() -> None:
    tree = MemoryTree()
    tree.apply([(b"a", b"1"), (b"b", b"2"), (b"c", b"3")])
    proof = prove(tree.nodes.get, tree.root, b"a")
    assert proof.siblings
    bad = (bytes([proof.siblings[0][0] ^ 1]) + proof.siblings[0][1:], *proof.siblings[1:])
    with pytest.raises(StateProofError, match="does not match app hash"):
        verify_state_proof(tree.root, b"a", b"1", bad, proof.leaf_path, proof.leaf_value_hash)
