"""State sync for the Sen application: taking, serving and restoring snapshots.

CometBFT's state sync (ABCI 2.0, v0.38) lets a new node start from a recent
height instead of replaying every block: peers list their snapshots
(``ListSnapshots``), the new node offers one to its application with the app
hash its light client trusts for that height (``OfferSnapshot``), then fetches
chunks from peers (``LoadSnapshotChunk`` on their side) and applies them in
order (``ApplySnapshotChunk``); at the end it checks ``Info`` against the
snapshot's height and the trusted app hash.

Everything a peer sends is untrusted. Each chunk is checked against the
chunk hashes in the offered metadata (a bad chunk is refetched from someone
else), and the rebuilt tree's root must equal the trusted app hash before
anything is written to the node's database. The format is in
``docs/spec/snapshots.md``; the files and the staging area are in
:mod:`sen.store.snapshots`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sen.abci.types import (
    ApplySnapshotChunkResult,
    OfferSnapshotResult,
    RequestApplySnapshotChunk,
    RequestLoadSnapshotChunk,
    RequestOfferSnapshot,
    ResponseApplySnapshotChunk,
    ResponseListSnapshots,
    ResponseLoadSnapshotChunk,
    ResponseOfferSnapshot,
    Snapshot,
)
from sen.store.db import Database
from sen.store.snapshots import (
    DEFAULT_CHUNK_SIZE,
    FORMAT,
    HASH_SIZE,
    RestoreStaging,
    SnapshotInvalid,
    SnapshotMetadata,
    SnapshotStore,
    decode_chunk,
    iterate_state,
    sha256,
)

log = logging.getLogger("sen.snapshots")

DEFAULT_KEEP = 2


@dataclass(frozen=True, slots=True)
class SnapshotSettings:
    """When to take snapshots and how many to keep."""

    interval: int  # a snapshot at every height that is a multiple of this
    keep: int = DEFAULT_KEEP  # the newest snapshots kept; older ones are deleted
    chunk_size: int = DEFAULT_CHUNK_SIZE  # bytes per chunk (a larger single pair goes alone)
    background: bool = True  # write files in a thread, so commit is not slowed

    def __post_init__(self) -> None:
        if self.interval < 1:
            raise ValueError(f"snapshot interval must be at least 1, got {self.interval}")
        if self.keep < 1:
            raise ValueError(f"snapshots to keep must be at least 1, got {self.keep}")
        if self.chunk_size < 64:
            raise ValueError(
                f"snapshot chunk size must be at least 64 bytes, got {self.chunk_size}"
            )


@dataclass(frozen=True, slots=True)
class Restored:
    """A restore that completed: the height and app hash the database is now at."""

    height: int
    app_hash: bytes


class _Restore:
    """A restore in progress (between an accepted offer and its last chunk)."""

    def __init__(self, metadata: SnapshotMetadata, trusted_app_hash: bytes, path: Path) -> None:
        self.metadata = metadata
        self.trusted_app_hash = trusted_app_hash
        self.staging = RestoreStaging(path)
        self.next_index = 0
        self.last_key: bytes | None = None


def _apply(
    result: ApplySnapshotChunkResult,
    refetch: tuple[int, ...] = (),
    reject: tuple[str, ...] = (),
) -> ResponseApplySnapshotChunk:
    return ResponseApplySnapshotChunk(result, refetch_chunks=refetch, reject_senders=reject)


def _offer(result: OfferSnapshotResult) -> ResponseOfferSnapshot:
    return ResponseOfferSnapshot(result)


class Snapshots:
    """The application's snapshots: taken after commits, served to peers, restored from them.

    Restoring works whatever the settings (a node that takes no snapshots can
    still state-sync); with ``settings=None`` none are taken.
    """

    def __init__(self, db: Database, settings: SnapshotSettings | None = None) -> None:
        self._db = db
        self.settings = settings
        self.store = SnapshotStore.for_database(db)
        self.store.clean_scratch()
        self._writer: threading.Thread | None = None
        self._restore: _Restore | None = None

    # -- taking -----------------------------------------------------------------
    def after_commit(self, height: int, app_hash: bytes) -> None:
        """Called right after a commit is written (under the application's lock).

        The read transaction begun here sees exactly the state just committed;
        the files are written from it, in a thread unless the settings say not.
        """
        settings = self.settings
        if settings is None or height % settings.interval != 0 or self.store.has(height):
            return
        if self._writer is not None and self._writer.is_alive():
            log.warning(
                "snapshot at height %d skipped: the previous one is still being written", height
            )
            return
        txn = self._db.read()
        if not settings.background:
            self._write(txn, height, app_hash, settings)
            return
        self._writer = threading.Thread(
            target=self._write,
            args=(txn, height, app_hash, settings),
            name=f"sen-snapshot-{height}",
            daemon=True,
        )
        self._writer.start()

    def _write(self, txn: Any, height: int, app_hash: bytes, settings: SnapshotSettings) -> None:
        try:
            try:
                metadata = self.store.save(
                    height, app_hash, iterate_state(self._db, txn), settings.chunk_size
                )
            finally:
                txn.abort()
            pruned = self.store.prune(settings.keep)
        except Exception:
            # A snapshot is a convenience for other nodes: the chain goes on without it.
            log.exception("snapshot at height %d failed", height)
            return
        log.info(
            "snapshot at height %d: %d keys in %d chunks%s",
            height,
            metadata.keys,
            len(metadata.chunk_hashes),
            f", deleted {pruned}" if pruned else "",
        )

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a snapshot being written; call before closing the database."""
        writer = self._writer
        if writer is not None:
            writer.join(timeout)

    # -- serving ----------------------------------------------------------------
    def list_snapshots(self) -> ResponseListSnapshots:
        found = []
        for height in reversed(self.store.heights()):
            raw = self.store.load_metadata(height)
            if raw is None:
                continue  # pruned meanwhile
            try:
                metadata = SnapshotMetadata.decode(raw)
            except SnapshotInvalid as exc:
                log.warning("snapshot at height %d is unreadable, not listed: %s", height, exc)
                continue
            found.append(
                Snapshot(
                    height=height,
                    format=FORMAT,
                    chunks=len(metadata.chunk_hashes),
                    hash=sha256(raw),
                    metadata=raw,
                )
            )
        return ResponseListSnapshots(tuple(found))

    def load_chunk(self, request: RequestLoadSnapshotChunk) -> ResponseLoadSnapshotChunk:
        """A chunk for a peer; empty if we do not have it (any more)."""
        if request.format != FORMAT:
            return ResponseLoadSnapshotChunk()
        chunk = self.store.load_chunk(request.height, request.chunk)
        return ResponseLoadSnapshotChunk(chunk or b"")

    # -- restoring --------------------------------------------------------------
    def offer(self, request: RequestOfferSnapshot, *, has_blocks: bool) -> ResponseOfferSnapshot:
        """Accept a snapshot to restore, or say why not; a new offer drops any restore begun."""
        snapshot = request.snapshot
        if snapshot.format != FORMAT:
            log.info("snapshot at height %d refused: format %d", snapshot.height, snapshot.format)
            return _offer(OfferSnapshotResult.REJECT_FORMAT)
        if has_blocks:
            log.warning("snapshot at height %d refused: this node has state", snapshot.height)
            return _offer(OfferSnapshotResult.REJECT)
        try:
            metadata = SnapshotMetadata.decode(snapshot.metadata)
        except SnapshotInvalid as exc:
            log.warning("snapshot at height %d refused: %s", snapshot.height, exc)
            return _offer(OfferSnapshotResult.REJECT)
        problem = _mismatch(snapshot, metadata, request.app_hash)
        if problem:
            log.warning("snapshot at height %d refused: %s", snapshot.height, problem)
            return _offer(OfferSnapshotResult.REJECT)
        self.abandon()
        self._restore = _Restore(metadata, request.app_hash, self.store.restore_path)
        log.info(
            "restoring snapshot at height %d (%d chunks, %d keys)",
            metadata.height,
            len(metadata.chunk_hashes),
            metadata.keys,
        )
        return _offer(OfferSnapshotResult.ACCEPT)

    def abandon(self) -> None:
        """Drop a restore in progress and its staging area."""
        restore, self._restore = self._restore, None
        if restore is not None:
            restore.staging.discard()

    def apply_chunk(
        self, request: RequestApplySnapshotChunk, *, genesis_hash: bytes
    ) -> tuple[ResponseApplySnapshotChunk, Restored | None]:
        """Check and stage one chunk; after the last one, verify and write the state."""
        restore = self._restore
        if restore is None:
            log.warning("chunk %d applied with no snapshot accepted", request.index)
            return _apply(ApplySnapshotChunkResult.ABORT), None
        hashes = restore.metadata.chunk_hashes
        index = request.index
        if not 0 <= index < len(hashes):
            log.warning("chunk %d applied, the snapshot has %d", index, len(hashes))
            return _apply(ApplySnapshotChunkResult.ABORT), None
        if index < restore.next_index:
            return _apply(ApplySnapshotChunkResult.ACCEPT), None  # already applied and verified
        if index > restore.next_index:
            wanted = (restore.next_index,)
            return _apply(ApplySnapshotChunkResult.RETRY, refetch=wanted), None
        if sha256(request.chunk) != hashes[index]:
            log.warning("chunk %d from %r does not match its hash", index, request.sender)
            senders = (request.sender,) if request.sender else ()
            return _apply(ApplySnapshotChunkResult.RETRY, refetch=(index,), reject=senders), None
        try:
            pairs = decode_chunk(request.chunk, after=restore.last_key)
        except SnapshotInvalid as exc:
            return self._reject(f"chunk {index}: {exc}"), None
        if restore.staging.keys + len(pairs) > restore.metadata.keys:
            return self._reject(f"chunk {index} holds more keys than the metadata says"), None
        restore.staging.add(pairs)
        restore.next_index = index + 1
        restore.last_key = pairs[-1][0]
        if restore.next_index < len(hashes):
            return _apply(ApplySnapshotChunkResult.ACCEPT), None
        return self._finish(restore, genesis_hash)

    def _finish(
        self, restore: _Restore, genesis_hash: bytes
    ) -> tuple[ResponseApplySnapshotChunk, Restored | None]:
        metadata = restore.metadata
        if restore.staging.keys != metadata.keys:
            return self._reject(
                f"{restore.staging.keys} keys restored, the metadata says {metadata.keys}"
            ), None
        if restore.staging.root != restore.trusted_app_hash:
            return self._reject(
                f"restored state hashes to {restore.staging.root.hex()}, "
                f"the trusted app hash is {restore.trusted_app_hash.hex()}"
            ), None
        try:
            restore.staging.save_into(
                self._db,
                height=metadata.height,
                app_hash=restore.trusted_app_hash,
                genesis_hash=genesis_hash,
            )
        finally:
            self.abandon()  # written or not (the write is atomic), this restore is over
        log.info("restored snapshot at height %d", metadata.height)
        return _apply(ApplySnapshotChunkResult.ACCEPT), Restored(
            metadata.height, restore.trusted_app_hash
        )

    def _reject(self, reason: str) -> ResponseApplySnapshotChunk:
        log.warning("snapshot rejected: %s", reason)
        self.abandon()
        return _apply(ApplySnapshotChunkResult.REJECT_SNAPSHOT)


def _mismatch(snapshot: Snapshot, metadata: SnapshotMetadata, trusted_app_hash: bytes) -> str:
    """Why an offered snapshot contradicts its own metadata or the trusted app hash ("" if not)."""
    if snapshot.hash != sha256(snapshot.metadata):
        return "its hash is not the SHA-256 of its metadata"
    if metadata.height != snapshot.height:
        return f"its metadata is for height {metadata.height}"
    if len(metadata.chunk_hashes) != snapshot.chunks:
        return f"it has {snapshot.chunks} chunks, its metadata lists {len(metadata.chunk_hashes)}"
    if len(trusted_app_hash) != HASH_SIZE:
        return f"the trusted app hash is {len(trusted_app_hash)} bytes, not {HASH_SIZE}"
    if metadata.app_hash != trusted_app_hash:
        return "its app hash is not the trusted one"
    return ""
