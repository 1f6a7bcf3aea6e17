"""State sync through the four ABCI methods: a fresh node restores a peer's snapshot.

Peers are untrusted: every chunk is checked against the offered metadata and
the rebuilt state against the trusted app hash, and a snapshot that fails
leaves the fresh node's database exactly as empty as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from pathlib import Path

import pytest
from snapshot_harness import (
    GENESIS,
    Node,
    anchor,
    apply,
    apply_all,
    block_txs,
    chunks_of,
    fill,
    member,
    offer,
    snapshot_at,
    state_rows,
)

from sen.abci.types import (
    ApplySnapshotChunkResult,
    OfferSnapshotResult,
    RequestInfo,
    RequestLoadSnapshotChunk,
    RequestQuery,
    Snapshot,
)
from sen.consensus.snapshots import SnapshotSettings
from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.rules import account_key
from sen.store.snapshots import RESTORE_DIRECTORY, SnapshotMetadata, decode_chunk

ACCEPT = ApplySnapshotChunkResult.ACCEPT
RETRY = ApplySnapshotChunkResult.RETRY
REJECT_SNAPSHOT = ApplySnapshotChunkResult.REJECT_SNAPSHOT
ABORT = ApplySnapshotChunkResult.ABORT


def forge(snapshot: Snapshot, metadata: SnapshotMetadata) -> Snapshot:
    """A snapshot whose metadata was replaced (hash recomputed, so it is self-consistent)."""
    raw = metadata.encode()
    return dataclasses.replace(
        snapshot,
        chunks=len(metadata.chunk_hashes),
        hash=hashlib.sha256(raw).digest(),
        metadata=raw,
    )


def assert_untouched(node: Node) -> None:
    assert node.app.store.load_meta() is None
    assert state_rows(node.db) == 0
    assert (node.app.height, node.app.app_hash) == (0, bytes(32))
    assert not (node.db.path / "snapshots" / RESTORE_DIRECTORY).exists()


def test_a_fresh_node_restores_and_follows_the_chain(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 6)
    assert snapshot.chunks > 3  # the tiny chunk size spreads 151 keys over several chunks
    assert offer(fresh, snapshot, source.app_hashes[6]).result == OfferSnapshotResult.ACCEPT
    responses = apply_all(fresh, chunks_of(source, snapshot))
    assert [r.result for r in responses] == [ACCEPT] * snapshot.chunks

    info = fresh.app.info(RequestInfo())
    assert (info.last_block_height, info.last_block_app_hash) == (6, source.app_hashes[6])
    assert fresh.app.params == source.app.params

    nxt = [*block_txs(7), anchor(member(999), 0, "newcomer").raw, block_txs(1)[0]]
    on_source = source.run_block(nxt)
    on_fresh = fresh.run_block(nxt)
    assert on_fresh.app_hash == on_source.app_hash
    assert [r.code for r in on_fresh.tx_results] == [r.code for r in on_source.tx_results]
    assert on_fresh.tx_results[-1].code == ResultCode.NONCE_TOO_LOW  # nonces came across


def test_the_restored_state_is_durable_and_provable(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 6)
    offer(fresh, snapshot, source.app_hashes[6])
    apply_all(fresh, chunks_of(source, snapshot))
    fresh.reopen()
    assert (fresh.app.height, fresh.app.app_hash) == (6, source.app_hashes[6])
    key = account_key(anchor(member(0), 0, "x").sender)
    answer = fresh.app.query(RequestQuery("/state", key, prove=True))
    assert (answer.code, answer.height) == (0, 6)
    assert encoding.decode(answer.value) == [2]
    assert answer.proof["app_hash"] == source.app_hashes[6].hex()
    assert not (fresh.db.path / "snapshots" / RESTORE_DIRECTORY).exists()


def test_an_older_snapshot_restores_to_its_own_height(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 3)
    offer(fresh, snapshot, source.app_hashes[3])
    apply_all(fresh, chunks_of(source, snapshot))
    assert (fresh.app.height, fresh.app.app_hash) == (3, source.app_hashes[3])


def test_a_tampered_chunk_is_refetched_from_another_peer(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 6)
    chunks = chunks_of(source, snapshot)
    offer(fresh, snapshot, source.app_hashes[6])
    assert apply(fresh, 0, chunks[0]).result == ACCEPT
    tampered = chunks[1][:-1] + bytes([chunks[1][-1] ^ 1])
    response = apply(fresh, 1, tampered, sender="evil-peer")
    assert (response.result, response.refetch_chunks, response.reject_senders) == (
        RETRY,
        (1,),
        ("evil-peer",),
    )
    assert [apply(fresh, i, chunks[i]).result for i in range(1, len(chunks))] == [ACCEPT] * (
        len(chunks) - 1
    )
    assert (fresh.app.height, fresh.app.app_hash) == (6, source.app_hashes[6])


def test_a_wrong_trusted_app_hash_is_refused_at_the_offer(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 6)
    assert offer(fresh, snapshot, source.app_hashes[5]).result == OfferSnapshotResult.REJECT
    assert offer(fresh, snapshot, b"short").result == OfferSnapshotResult.REJECT
    assert_untouched(fresh)


def test_state_that_does_not_hash_to_the_trusted_app_hash_is_rejected(
    source: Node, fresh: Node
) -> None:
    # A peer lies consistently: its metadata claims the trusted hash, its chunks hold other state.
    snapshot = snapshot_at(source, 6)
    chunks = chunks_of(source, snapshot)
    trusted = hashlib.sha256(b"the chain's real app hash").digest()
    metadata = dataclasses.replace(SnapshotMetadata.decode(snapshot.metadata), app_hash=trusted)
    assert offer(fresh, forge(snapshot, metadata), trusted).result == OfferSnapshotResult.ACCEPT
    results = [r.result for r in apply_all(fresh, chunks)]
    assert results == [ACCEPT] * (len(chunks) - 1) + [REJECT_SNAPSHOT]
    assert_untouched(fresh)
    assert apply(fresh, 0, chunks[0]).result == ABORT  # nothing is being restored any more


def test_an_altered_value_with_matching_chunk_hashes_is_rejected(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 6)
    chunks = chunks_of(source, snapshot)
    pairs = decode_chunk(chunks[1])
    pairs[0] = (pairs[0][0], encoding.encode([1_000]))  # a member's nonce, raised
    chunks[1] = encoding.encode([list(pair) for pair in pairs])
    metadata = SnapshotMetadata.decode(snapshot.metadata)
    hashes = list(metadata.chunk_hashes)
    hashes[1] = hashlib.sha256(chunks[1]).digest()
    forged = forge(snapshot, dataclasses.replace(metadata, chunk_hashes=tuple(hashes)))
    assert offer(fresh, forged, source.app_hashes[6]).result == OfferSnapshotResult.ACCEPT
    assert [r.result for r in apply_all(fresh, chunks)][-1] == REJECT_SNAPSHOT
    assert_untouched(fresh)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"\xff", id="not CBOR"),
        pytest.param(encoding.encode([]), id="empty chunk"),
        pytest.param(encoding.encode([[b"k"]]), id="not a pair"),
        pytest.param(encoding.encode([[b"k", "text"]]), id="text value"),
        pytest.param(encoding.encode([[b"b", b"1"], [b"a", b"2"]]), id="keys out of order"),
        pytest.param(encoding.encode([[b"a", b"1"], [b"a", b"2"]]), id="duplicate key"),
    ],
)
def test_a_malformed_chunk_rejects_the_snapshot(source: Node, fresh: Node, payload: bytes) -> None:
    snapshot = snapshot_at(source, 6)
    chunks = chunks_of(source, snapshot)
    metadata = SnapshotMetadata.decode(snapshot.metadata)
    hashes = (hashlib.sha256(payload).digest(), *metadata.chunk_hashes[1:])
    forged = forge(snapshot, dataclasses.replace(metadata, chunk_hashes=hashes))
    assert offer(fresh, forged, source.app_hashes[6]).result == OfferSnapshotResult.ACCEPT
    assert apply(fresh, 0, payload).result == REJECT_SNAPSHOT
    assert apply(fresh, 1, chunks[1]).result == ABORT
    assert_untouched(fresh)


def test_keys_must_increase_across_chunks(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 6)
    chunks = chunks_of(source, snapshot)
    metadata = SnapshotMetadata.decode(snapshot.metadata)
    swapped = (metadata.chunk_hashes[1], metadata.chunk_hashes[0], *metadata.chunk_hashes[2:])
    forged = forge(snapshot, dataclasses.replace(metadata, chunk_hashes=swapped))
    offer(fresh, forged, source.app_hashes[6])
    assert apply(fresh, 0, chunks[1]).result == ACCEPT
    assert apply(fresh, 1, chunks[0]).result == REJECT_SNAPSHOT
    assert_untouched(fresh)


def test_a_snapshot_claiming_fewer_keys_is_rejected(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 6)
    metadata = SnapshotMetadata.decode(snapshot.metadata)
    forged = forge(snapshot, dataclasses.replace(metadata, keys=metadata.keys - 1))
    offer(fresh, forged, source.app_hashes[6])
    assert [r.result for r in apply_all(fresh, chunks_of(source, snapshot))][-1] == (
        REJECT_SNAPSHOT
    )
    assert_untouched(fresh)


def test_chunks_out_of_order_ask_for_the_next_one(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 6)
    chunks = chunks_of(source, snapshot)
    offer(fresh, snapshot, source.app_hashes[6])
    response = apply(fresh, 2, chunks[2])
    assert (response.result, response.refetch_chunks, response.reject_senders) == (RETRY, (0,), ())
    assert apply(fresh, 0, chunks[0]).result == ACCEPT
    assert apply(fresh, 0, chunks[0]).result == ACCEPT  # already applied: ignored
    assert apply(fresh, snapshot.chunks, b"").result == ABORT  # no such chunk
    assert [apply(fresh, i, chunks[i]).result for i in range(1, len(chunks))][-1] == ACCEPT
    assert (fresh.app.height, fresh.app.app_hash) == (6, source.app_hashes[6])


def test_a_new_offer_starts_the_restore_again(source: Node, fresh: Node) -> None:
    older, newer = snapshot_at(source, 3), snapshot_at(source, 6)
    offer(fresh, older, source.app_hashes[3])
    assert apply(fresh, 0, chunks_of(source, older)[0]).result == ACCEPT
    offer(fresh, newer, source.app_hashes[6])
    apply_all(fresh, chunks_of(source, newer))
    assert (fresh.app.height, fresh.app.app_hash) == (6, source.app_hashes[6])


def test_chunks_without_an_accepted_offer_abort(fresh: Node) -> None:
    assert apply(fresh, 0, b"anything").result == ABORT


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param({"format": 2}, OfferSnapshotResult.REJECT_FORMAT, id="unknown format"),
        pytest.param({"metadata": b"junk"}, OfferSnapshotResult.REJECT, id="metadata junk"),
        pytest.param({"hash": bytes(32)}, OfferSnapshotResult.REJECT, id="hash not of metadata"),
        pytest.param({"chunks": 1}, OfferSnapshotResult.REJECT, id="chunk count"),
        pytest.param({"height": 5}, OfferSnapshotResult.REJECT, id="height"),
    ],
)
def test_offers_that_contradict_themselves_are_refused(
    source: Node, fresh: Node, change: dict[str, object], expected: OfferSnapshotResult
) -> None:
    snapshot = dataclasses.replace(snapshot_at(source, 6), **change)  # type: ignore[arg-type]
    assert offer(fresh, snapshot, source.app_hashes[6]).result == expected
    assert_untouched(fresh)


def test_a_node_with_blocks_refuses_offers(source: Node, tmp_path: Path) -> None:
    snapshot = snapshot_at(source, 6)
    assert offer(source, snapshot, source.app_hashes[6]).result == OfferSnapshotResult.REJECT
    assert source.app.height == 6


def test_a_node_after_init_chain_can_restore(source: Node, tmp_path: Path) -> None:
    initialised = Node(tmp_path / "initialised")  # InitChain ran, no block yet
    try:
        snapshot = snapshot_at(source, 6)
        assert offer(initialised, snapshot, source.app_hashes[6]).result == (
            OfferSnapshotResult.ACCEPT
        )
        apply_all(initialised, chunks_of(source, snapshot))
        assert (initialised.app.height, initialised.app.app_hash) == (6, source.app_hashes[6])
        assert state_rows(initialised.db) == SnapshotMetadata.decode(snapshot.metadata).keys
    finally:
        initialised.close()


def test_missing_chunks_are_served_empty(source: Node) -> None:
    snapshot = snapshot_at(source, 6)

    def load(height: int, fmt: int, index: int) -> bytes:
        return source.app.load_snapshot_chunk(RequestLoadSnapshotChunk(height, fmt, index)).chunk

    assert load(6, 1, 0) != b""
    assert load(6, 1, snapshot.chunks) == b""
    assert load(6, 2, 0) == b""
    assert load(5, 1, 0) == b""
    assert load(6, 1, -1) == b""


def test_snapshots_are_taken_every_interval_and_pruned(tmp_path: Path) -> None:
    node = Node(tmp_path / "n", settings=SnapshotSettings(interval=2, keep=2, background=False))
    try:
        fill(node, blocks=1)
        assert node.app.list_snapshots().snapshots == ()
        fill(node, blocks=5)
        listed = node.app.list_snapshots().snapshots
        assert [s.height for s in listed] == [6, 4]  # 2 was pruned
        assert sorted(p.name for p in (node.db.path / "snapshots").iterdir()) == ["4", "6"]
        for snapshot in listed:
            metadata = SnapshotMetadata.decode(snapshot.metadata)
            assert metadata.app_hash == node.app_hashes[snapshot.height]
            assert snapshot.hash == hashlib.sha256(snapshot.metadata).digest()
            assert (snapshot.format, snapshot.chunks) == (1, len(metadata.chunk_hashes))
    finally:
        node.close()


def test_no_settings_means_no_snapshots(tmp_path: Path) -> None:
    node = Node(tmp_path / "n")
    try:
        fill(node, blocks=3)
        assert node.app.list_snapshots().snapshots == ()
        assert not (node.db.path / "snapshots").exists()
    finally:
        node.close()


def test_a_background_snapshot_holds_the_state_of_its_height(tmp_path: Path, fresh: Node) -> None:
    node = Node(tmp_path / "n", settings=SnapshotSettings(interval=3, chunk_size=512))
    try:
        fill(node, blocks=6)  # blocks 4-6 commit while the snapshot of 3 may still be written
        node.app.snapshots.wait()
        snapshot = snapshot_at(node, 3)
        offer(fresh, snapshot, node.app_hashes[3])
        apply_all(fresh, chunks_of(node, snapshot))
        assert (fresh.app.height, fresh.app.app_hash) == (3, node.app_hashes[3])
    finally:
        node.close()


def test_a_failed_snapshot_does_not_stop_the_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    node = Node(tmp_path / "n", settings=SnapshotSettings(interval=1, background=False))
    try:

        def disk_full(*args: object, **kwargs: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(node.app.snapshots.store, "save", disk_full)
        with caplog.at_level(logging.ERROR, logger="sen.snapshots"):
            fill(node, blocks=1)
        assert node.app.height == 1
        assert "snapshot at height 1 failed" in caplog.text
        assert node.app.list_snapshots().snapshots == ()
    finally:
        node.close()


def test_the_genesis_of_the_restoring_node_is_recorded(source: Node, fresh: Node) -> None:
    snapshot = snapshot_at(source, 6)
    offer(fresh, snapshot, source.app_hashes[6])
    apply_all(fresh, chunks_of(source, snapshot))
    meta = fresh.app.store.load_meta()
    assert meta is not None and meta.genesis_hash == GENESIS.hash
