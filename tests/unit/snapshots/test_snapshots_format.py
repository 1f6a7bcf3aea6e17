"""Format 1: metadata and chunks decode strictly; chunking round-trips and respects the size."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sen.ledger import encoding
from sen.store.smt import EMPTY, TreeUpdate
from sen.store.snapshots import (
    SnapshotInvalid,
    SnapshotMetadata,
    decode_chunk,
    encode_chunks,
)

HASH = hashlib.sha256(b"chunk").digest()
GOOD = {"format": 1, "height": 7, "app_hash": bytes(32), "keys": 3, "chunks": [HASH, HASH]}


def test_metadata_round_trips_and_hashes_its_encoding() -> None:
    metadata = SnapshotMetadata(7, bytes(32), 3, (HASH, HASH))
    raw = metadata.encode()
    assert raw == encoding.encode(GOOD)
    assert SnapshotMetadata.decode(raw) == metadata
    assert metadata.hash == hashlib.sha256(raw).digest()


@pytest.mark.parametrize(
    ("change", "part"),
    [
        ({"format": 2}, "metadata.format"),
        ({"format": True}, "metadata.format"),
        ({"height": 0}, "metadata.height"),
        ({"height": "7"}, "metadata.height"),
        ({"app_hash": bytes(31)}, "metadata.app_hash"),
        ({"chunks": []}, "metadata.chunks"),
        ({"chunks": [HASH[:31]]}, "metadata.chunks"),
        ({"chunks": [HASH.hex()]}, "metadata.chunks"),
        ({"keys": 1}, "metadata.keys"),
        ({"keys": False}, "metadata.keys"),
        ({"extra": 1}, "metadata"),
    ],
)
def test_metadata_rejections_name_the_field(change: dict[str, object], part: str) -> None:
    with pytest.raises(SnapshotInvalid) as caught:
        SnapshotMetadata.decode(encoding.encode({**GOOD, **change}))
    assert caught.value.part == part


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xa0\x00", id="trailing bytes"),
        pytest.param(encoding.encode([1, 2]), id="a list"),
        pytest.param(bytes.fromhex("b90000"), id="not canonical"),
    ],
)
def test_metadata_that_is_not_a_canonical_map_is_rejected(raw: bytes) -> None:
    with pytest.raises(SnapshotInvalid) as caught:
        SnapshotMetadata.decode(raw)
    assert caught.value.part == "metadata"


def test_a_chunk_continues_after_the_previous_key() -> None:
    raw = encoding.encode([[b"b", b"1"], [b"c", b""]])
    assert decode_chunk(raw, after=b"a") == [(b"b", b"1"), (b"c", b"")]
    with pytest.raises(SnapshotInvalid, match="strictly increasing"):
        decode_chunk(raw, after=b"b")


def test_a_pair_larger_than_the_chunk_size_goes_alone() -> None:
    pairs = [(b"a", b"x"), (b"big", b"y" * 500), (b"c", b"z")]
    chunks = list(encode_chunks(pairs, 100))
    assert [decode_chunk(c) for c in chunks] == [[pairs[0]], [pairs[1]], [pairs[2]]]


keys = st.lists(st.binary(min_size=1, max_size=40), unique=True, max_size=60).map(sorted)


@settings(max_examples=150, deadline=None)
@given(
    keys=keys,
    values=st.lists(st.binary(max_size=300), min_size=60, max_size=60),
    chunk_size=st.integers(min_value=64, max_value=2048),
)
def test_chunking_round_trips_within_the_size(
    keys: list[bytes], values: list[bytes], chunk_size: int
) -> None:
    pairs = list(zip(keys, values, strict=False))
    chunks = list(encode_chunks(pairs, chunk_size))
    restored: list[tuple[bytes, bytes]] = []
    last: bytes | None = None
    for chunk in chunks:
        decoded = decode_chunk(chunk, after=last)
        assert len(chunk) <= chunk_size or len(decoded) == 1
        restored.extend(decoded)
        last = decoded[-1][0]
    assert restored == pairs
    for chunk, following in itertools.pairwise(chunks):
        # greedy: the next chunk's first pair would not have fitted
        first = decode_chunk(following)[0]
        grown = encoding.encode([list(p) for p in [*decode_chunk(chunk), first]])
        assert len(grown) > chunk_size


def test_the_vector_in_the_spec() -> None:
    # docs/spec/snapshots.md, "Example"
    pairs = [(b"account/\x01", bytes.fromhex("8101")), (b"chain/params", bytes.fromhex("a0"))]
    chunks = list(encode_chunks(pairs, 24))
    assert [c.hex() for c in chunks] == [
        "8182496163636f756e742f01428101",
        "81824c636861696e2f706172616d7341a0",
    ]
    root = TreeUpdate(lambda position: None).apply(EMPTY, pairs)
    assert root.hex() == "1abf6bf8b4cc3446c84ca28826dbeee089bf5e8a50ce15bde2106e562c2836a0"
    metadata = SnapshotMetadata(1, root, 2, tuple(hashlib.sha256(c).digest() for c in chunks))
    assert metadata.encode().hex() == (
        "a5646b65797302666368756e6b73825820"
        "eef21b367debf86785bb631ae457ab1aa89f970a6917cdc5c797cf409825bcd9"
        "5820906ed0b0288fbf97a686efa4cd985670aafeacf6819c51fb9b7e52a18fbeeb4c"
        "66666f726d6174016668656967687401686170705f686173685820"
        "1abf6bf8b4cc3446c84ca28826dbeee089bf5e8a50ce15bde2106e562c2836a0"
    )
    assert metadata.hash.hex() == (
        "e17c517e2c86c29353f804705eb3fa3a802e760e95ea3d91e87d5edb1f0c0090"
    )
