"""Canonical vote sign-bytes: field layout, nil block ids, length prefix."""

from __future__ import annotations

import pytest

from sen.ledger.light import (
    BlockID,
    PartSetHeader,
    SignedMsgType,
    Timestamp,
    canonical_vote_sign_bytes,
)

BLOCK_ID = BlockID(b"\x11" * 32, PartSetHeader(1, b"\x22" * 32))
TIME = Timestamp(1, 2)


def test_layout_of_a_precommit() -> None:
    sign_bytes = canonical_vote_sign_bytes("c", SignedMsgType.PRECOMMIT, 5, 0, BLOCK_ID, TIME)
    expected_body = (
        "0802"  # type = precommit
        + "110500000000000000"  # height as sfixed64
        # round 0 omitted
        + "2248"  # block_id, 72 bytes
        + "0a20"
        + "11" * 32
        + "12240801"
        + "1220"
        + "22" * 32
        + "2a0408011002"  # timestamp {seconds: 1, nanos: 2}
        + "320163"  # chain id "c"
    )
    assert sign_bytes.hex() == f"{len(expected_body) // 2:02x}" + expected_body


def test_nil_vote_omits_the_block_id() -> None:
    nil = canonical_vote_sign_bytes("c", 2, 5, 0, BlockID.zero(), TIME)
    assert "2248" not in nil.hex()
    assert nil.hex() == "140802110500000000000000" + "2a0408011002" + "320163"


@pytest.mark.parametrize(
    "block_id",
    [BlockID(b"\x11" * 32, PartSetHeader(0, b"")), BlockID(b"", PartSetHeader(1, b""))],
    ids=["hash-only", "parts-only"],
)
def test_partial_block_ids_are_not_nil(block_id: BlockID) -> None:
    sign_bytes = canonical_vote_sign_bytes("c", 2, 5, 0, block_id, TIME)
    assert sign_bytes != canonical_vote_sign_bytes("c", 2, 5, 0, BlockID.zero(), TIME)


def test_every_signed_field_matters() -> None:
    base = canonical_vote_sign_bytes("c", 2, 5, 1, BLOCK_ID, TIME)
    variants = [
        canonical_vote_sign_bytes("d", 2, 5, 1, BLOCK_ID, TIME),
        canonical_vote_sign_bytes("c", 1, 5, 1, BLOCK_ID, TIME),
        canonical_vote_sign_bytes("c", 2, 6, 1, BLOCK_ID, TIME),
        canonical_vote_sign_bytes("c", 2, 5, 2, BLOCK_ID, TIME),
        canonical_vote_sign_bytes("c", 2, 5, 1, BlockID.zero(), TIME),
        canonical_vote_sign_bytes("c", 2, 5, 1, BLOCK_ID, Timestamp(1, 3)),
    ]
    assert len({base, *variants}) == len(variants) + 1
