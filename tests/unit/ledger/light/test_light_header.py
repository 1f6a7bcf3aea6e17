"""Header hashing: every field counts, empty validators hash means no hash."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from sen.ledger.light import (
    BlockID,
    Header,
    PartSetHeader,
    Timestamp,
    Version,
    encode_header,
    header_hash,
)
from sen.ledger.light.header import header_hash_leaves

HASH = bytes(range(32))


def make_header(**changes: Any) -> Header:
    header = Header(
        version=Version(11, 1),
        chain_id="sen-test",
        height=10,
        time=Timestamp(1_700_000_000, 5),
        last_block_id=BlockID(HASH, PartSetHeader(1, HASH)),
        last_commit_hash=HASH,
        data_hash=HASH,
        validators_hash=HASH,
        next_validators_hash=HASH,
        consensus_hash=HASH,
        app_hash=b"app",
        last_results_hash=HASH,
        evidence_hash=HASH,
        proposer_address=HASH[:20],
    )
    return replace(header, **changes)


BASE = make_header()
OTHER = bytes(reversed(HASH))


@pytest.mark.parametrize(
    "changes",
    [
        {"version": Version(11, 2)},
        {"version": Version(12, 1)},
        {"chain_id": "sen-tesT"},
        {"chain_id": ""},
        {"height": 11},
        {"time": Timestamp(1_700_000_000, 6)},
        {"time": Timestamp(1_700_000_001, 5)},
        {"last_block_id": BlockID(OTHER, PartSetHeader(1, HASH))},
        {"last_block_id": BlockID(HASH, PartSetHeader(2, HASH))},
        {"last_block_id": BlockID(HASH, PartSetHeader(1, OTHER))},
        {"last_commit_hash": OTHER},
        {"data_hash": OTHER},
        {"data_hash": b""},
        {"validators_hash": OTHER},
        {"next_validators_hash": OTHER},
        {"consensus_hash": OTHER},
        {"app_hash": b"apq"},
        {"last_results_hash": OTHER},
        {"evidence_hash": OTHER},
        {"proposer_address": OTHER[:20]},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_tampering_any_field_changes_the_hash(changes: dict[str, Any]) -> None:
    tampered = make_header(**changes)
    assert header_hash(tampered) != header_hash(BASE)
    assert encode_header(tampered) != encode_header(BASE)


def test_hash_is_32_bytes_and_deterministic() -> None:
    assert len(header_hash(BASE)) == 32
    assert header_hash(BASE) == header_hash(make_header())


def test_header_without_validators_hash_has_no_hash() -> None:
    assert header_hash(make_header(validators_hash=b"")) == b""


def test_hash_leaves_wrap_values_and_drop_empty_ones() -> None:
    leaves = header_hash_leaves(make_header(chain_id="", app_hash=b"", height=0))
    assert len(leaves) == 14
    assert leaves[1] == b""  # empty chain id: no StringValue at all
    assert leaves[2] == b""  # zero height: no Int64Value
    assert leaves[10] == b""  # empty app hash: no BytesValue
    assert leaves[7] == b"\x0a\x20" + HASH  # BytesValue{value: validators_hash}
    assert leaves[0] == b"\x08\x0b\x10\x01"  # Consensus{block: 11, app: 1}


def test_json_round_trip() -> None:
    assert Header.from_json(BASE.to_json()) == BASE
    assert BASE.to_json()["time"] == "2023-11-14T22:13:20.000000005Z"
    assert BASE.to_json()["last_commit_hash"] == HASH.hex().upper()
