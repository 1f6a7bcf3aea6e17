"""Snapshot files: written crash-safely, listed only when complete, pruned, scratch cleaned."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from snapshot_harness import Node

from sen.consensus.snapshots import SnapshotSettings
from sen.store.snapshots import (
    SnapshotError,
    SnapshotMetadata,
    SnapshotStore,
    decode_chunk,
)

PAIRS = [(f"key/{i:03d}".encode(), bytes([i]) * 40) for i in range(50)]
APP_HASH = hashlib.sha256(b"root").digest()


def test_a_saved_snapshot_is_listed_with_its_chunks(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    metadata = store.save(5, APP_HASH, PAIRS, chunk_size=256)
    assert store.heights() == [5]
    raw = store.load_metadata(5)
    assert raw is not None and SnapshotMetadata.decode(raw) == metadata
    assert metadata.keys == len(PAIRS)
    chunks = [store.load_chunk(5, i) for i in range(len(metadata.chunk_hashes))]
    assert [hashlib.sha256(c or b"").digest() for c in chunks] == list(metadata.chunk_hashes)
    assert [pair for c in chunks for pair in decode_chunk(c or b"")] == PAIRS


def test_a_crash_while_writing_leaves_nothing_listed(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)

    def dying() -> Iterator[tuple[bytes, bytes]]:
        yield from PAIRS[:30]
        raise OSError(5, "Input/output error")

    with pytest.raises(OSError):
        store.save(5, APP_HASH, dying(), chunk_size=256)
    assert store.heights() == []
    assert list(tmp_path.iterdir()) == []


def test_an_empty_state_or_an_existing_height_is_refused(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    with pytest.raises(SnapshotError, match="empty"):
        store.save(5, APP_HASH, [], chunk_size=256)
    store.save(5, APP_HASH, PAIRS)
    with pytest.raises(SnapshotError, match="already exists"):
        store.save(5, APP_HASH, PAIRS)


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    for height in (3, 10, 7, 12):
        store.save(height, APP_HASH, PAIRS)
    assert store.prune(2) == [3, 7]
    assert store.heights() == [10, 12]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["10", "12"]


def test_leftovers_of_a_crash_are_ignored_then_cleaned_at_startup(tmp_path: Path) -> None:
    node = Node(tmp_path / "n", settings=SnapshotSettings(interval=3, background=False))
    try:
        for _ in range(3):
            node.run_block([])
        root = node.db.path / "snapshots"
        (root / ".tmp-6").mkdir()
        (root / ".tmp-6" / "chunk-0").write_bytes(b"half")
        (root / ".tmp-3-deleted").mkdir()
        (root / ".restore").mkdir()
        (root / ".restore" / "data.mdb").write_bytes(b"stale")
        (root / "9").mkdir()  # no metadata: never written by us, never listed
        assert [s.height for s in node.app.list_snapshots().snapshots] == [3]
        node.reopen()
        assert sorted(p.name for p in root.iterdir()) == ["3", "9"]
        assert [s.height for s in node.app.list_snapshots().snapshots] == [3]
    finally:
        node.close()


def test_a_height_already_snapshotted_is_not_taken_again(tmp_path: Path) -> None:
    node = Node(tmp_path / "n", settings=SnapshotSettings(interval=1, keep=5, background=False))
    try:
        node.run_block([])
        before = (node.db.path / "snapshots" / "1" / "metadata").stat().st_mtime_ns
        node.app.snapshots.after_commit(1, node.app.app_hash)  # e.g. a replayed commit
        after = (node.db.path / "snapshots" / "1" / "metadata").stat().st_mtime_ns
        assert before == after
    finally:
        node.close()


@pytest.mark.parametrize(
    "kwargs",
    [{"interval": 0}, {"interval": 1, "keep": 0}, {"interval": 1, "chunk_size": 10}],
)
def test_settings_are_checked(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        SnapshotSettings(**kwargs)
