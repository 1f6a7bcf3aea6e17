"""CometBFT's Merkle tree: roots against a recursive reference, proofs, tampering."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sen.ledger.light import (
    LeafHashMismatch,
    MerkleProof,
    ProofAuntCountMismatch,
    ProofError,
    ProofIndexOutOfRange,
    RootHashMismatch,
    hash_from_byte_slices,
    proofs_from_byte_slices,
)
from sen.ledger.light.merkle import EMPTY_HASH, leaf_hash, proof_from_byte_slices, split_point


def reference_root(items: list[bytes]) -> bytes:
    """The recursive definition from CometBFT's crypto/merkle/tree.go."""
    if not items:
        return hashlib.sha256(b"").digest()
    if len(items) == 1:
        return hashlib.sha256(b"\x00" + items[0]).digest()
    k = split_point(len(items))
    left, right = reference_root(items[:k]), reference_root(items[k:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def make_items(n: int) -> list[bytes]:
    return [f"item-{i}".encode() * (i % 3) for i in range(n)]


@pytest.mark.parametrize(
    ("length", "split"),
    [(2, 1), (3, 2), (4, 2), (5, 4), (7, 4), (8, 4), (9, 8), (100, 64), (1 << 20, 1 << 19)],
)
def test_split_point_is_largest_power_of_two_below_length(length: int, split: int) -> None:
    assert split_point(length) == split


def test_split_point_rejects_trees_too_small_to_split() -> None:
    with pytest.raises(ValueError):
        split_point(1)


def test_empty_tree_is_sha256_of_nothing() -> None:
    assert hash_from_byte_slices([]) == EMPTY_HASH == hashlib.sha256(b"").digest()
    assert proofs_from_byte_slices([]) == (EMPTY_HASH, [])


@pytest.mark.parametrize("n", [*range(1, 34), 63, 64, 65, 100, 127, 128, 129, 1000, 1025])
def test_iterative_root_matches_recursive_definition(n: int) -> None:
    items = make_items(n)
    assert hash_from_byte_slices(items) == reference_root(items)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 13, 100])
def test_every_proof_verifies_and_single_proof_matches(n: int) -> None:
    items = make_items(n)
    root, proofs = proofs_from_byte_slices(items)
    assert root == reference_root(items)
    for index, (item, proof) in enumerate(zip(items, proofs, strict=True)):
        assert (proof.total, proof.index, proof.leaf_hash) == (n, index, leaf_hash(item))
        proof.verify(root, item)
        assert proof_from_byte_slices(items, index) == (root, proof)


def test_ten_thousand_items_hash_quickly() -> None:
    items = [i.to_bytes(4, "big") * 8 for i in range(10_000)]
    root, proofs = proofs_from_byte_slices(items)
    assert root == hash_from_byte_slices(items) == reference_root(items)
    assert len(proofs[0].aunts) == 14  # ceil(log2(10_000))
    for index in (0, 4_095, 8_191, 8_192, 9_999):
        proofs[index].verify(root, items[index])


# ---------------------------------------------------------------- tampering

ITEMS = make_items(7)
ROOT, PROOFS = proofs_from_byte_slices(ITEMS)
PROOF = PROOFS[5]


def flip(data: bytes, at: int = 0) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


@pytest.mark.parametrize(
    ("name", "proof", "error"),
    [
        ("wrong index", replace(PROOF, index=4), RootHashMismatch),
        ("wrong index, shallower leaf", replace(PROOF, index=6), ProofAuntCountMismatch),
        ("wrong index, other side", replace(PROOF, index=1), RootHashMismatch),
        ("index past total", replace(PROOF, index=7), ProofIndexOutOfRange),
        ("negative index", replace(PROOF, index=-1), ProofIndexOutOfRange),
        ("wrong total (fewer levels)", replace(PROOF, total=6), ProofAuntCountMismatch),
        ("wrong total (more levels)", replace(PROOF, total=9), ProofAuntCountMismatch),
        ("zero total", replace(PROOF, total=0), ProofIndexOutOfRange),
        (
            "flipped first aunt",
            replace(PROOF, aunts=(flip(PROOF.aunts[0]), *PROOF.aunts[1:])),
            RootHashMismatch,
        ),
        (
            "flipped last aunt",
            replace(PROOF, aunts=(*PROOF.aunts[:-1], flip(PROOF.aunts[-1]))),
            RootHashMismatch,
        ),
        ("missing aunt", replace(PROOF, aunts=PROOF.aunts[:-1]), ProofAuntCountMismatch),
        (
            "extra aunt",
            replace(PROOF, aunts=(*PROOF.aunts, PROOF.aunts[0])),
            ProofAuntCountMismatch,
        ),
        ("swapped aunts", replace(PROOF, aunts=PROOF.aunts[::-1]), RootHashMismatch),
        ("flipped leaf hash", replace(PROOF, leaf_hash=flip(PROOF.leaf_hash)), LeafHashMismatch),
    ],
)
def test_tampered_proof_fails(name: str, proof: MerkleProof, error: type[ProofError]) -> None:
    with pytest.raises(error):
        proof.verify(ROOT, ITEMS[5])


def test_proof_for_a_different_leaf_fails() -> None:
    with pytest.raises(LeafHashMismatch) as raised:
        PROOF.verify(ROOT, ITEMS[4])
    assert raised.value.expected == leaf_hash(ITEMS[4])
    assert raised.value.got == PROOF.leaf_hash


def test_proof_against_a_different_root_fails_naming_both_roots() -> None:
    other = flip(ROOT, 31)
    with pytest.raises(RootHashMismatch) as raised:
        PROOF.verify(other, ITEMS[5])
    assert (raised.value.expected, raised.value.got) == (other, ROOT)


def test_aunt_count_error_says_how_many_were_needed() -> None:
    with pytest.raises(ProofAuntCountMismatch) as raised:
        replace(PROOF, aunts=()).compute_root_hash()
    assert (raised.value.expected, raised.value.got) == (3, 0)


# ---------------------------------------------------------------- properties

item_lists = st.lists(st.binary(max_size=48), min_size=1, max_size=70)


@settings(max_examples=150, deadline=None)
@given(items=item_lists)
def test_property_every_proof_verifies(items: list[bytes]) -> None:
    root, proofs = proofs_from_byte_slices(items)
    assert root == reference_root(items)
    for item, proof in zip(items, proofs, strict=True):
        proof.verify(root, item)


@settings(max_examples=150, deadline=None)
@given(items=item_lists, data=st.data())
def test_property_flipping_any_byte_breaks_the_proof(
    items: list[bytes], data: st.DataObject
) -> None:
    root, proofs = proofs_from_byte_slices(items)
    index = data.draw(st.integers(0, len(items) - 1), label="index")
    proof = proofs[index]
    # Every byte that the verification depends on: leaf, each aunt, the root, the item.
    targets: list[str] = ["leaf_hash", "root"] + [f"aunt{i}" for i in range(len(proof.aunts))]
    if items[index]:
        targets.append("item")
    target = data.draw(st.sampled_from(targets), label="target")
    item, checked_root = items[index], root
    if target == "leaf_hash":
        at = data.draw(st.integers(0, 31))
        proof = replace(proof, leaf_hash=flip(proof.leaf_hash, at))
    elif target == "root":
        checked_root = flip(root, data.draw(st.integers(0, 31)))
    elif target == "item":
        item = flip(item, data.draw(st.integers(0, len(item) - 1)))
    else:
        which = int(target.removeprefix("aunt"))
        aunts = list(proof.aunts)
        aunts[which] = flip(aunts[which], data.draw(st.integers(0, 31)))
        proof = replace(proof, aunts=tuple(aunts))
    with pytest.raises(ProofError):
        proof.verify(checked_root, item)
