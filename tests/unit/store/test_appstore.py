"""AppStore: one LMDB transaction per block holds state, tree, results, index and meta."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.ledger.codes import ResultCode
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.types import Event, EventAttribute, TxResult
from sen.store.appstore import AppMeta, AppStore
from sen.store.db import Database
from sen.store.smt import EMPTY, TreeUpdate

GENESIS = b"\x42" * 32


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AppStore]:
    db = Database(tmp_path / "db", sync=False)
    yield AppStore(db)
    db.close()


def commit(
    store: AppStore,
    height: int,
    changes: list[tuple[bytes, bytes | None]],
    results: list[TxResult] | None = None,
    index_entries: list[tuple[str, bytes, bytes, bool]] | None = None,
) -> bytes:
    meta = store.load_meta()
    root, writes = store.compute_root(meta.app_hash if meta else EMPTY, sorted(changes))
    store.save_commit(
        height=height,
        app_hash=root,
        genesis_hash=GENESIS,
        changes=sorted(changes),
        tree_writes=writes,
        results=results or [],
        index_entries=index_entries or [],
    )
    return root


def memory_root(state: dict[bytes, bytes]) -> bytes:
    nodes: dict[bytes, bytes] = {}
    return TreeUpdate(nodes.get).apply(EMPTY, sorted(state.items()))


def test_fresh_store_has_no_meta(store: AppStore) -> None:
    assert store.load_meta() is None
    assert store.get(b"k") is None
    assert store.load_results(1) is None


def test_commit_writes_state_meta_and_results_together(store: AppStore) -> None:
    results = [
        TxResult(ResultCode.OK, b"data", "log", (Event("e", (EventAttribute("k", "v"),)),)),
        TxResult(ResultCode.NONCE_TOO_LOW, log="nonce already used"),
    ]
    root = commit(store, 1, [(b"a", b"1"), (b"b", b"2")], results)
    assert store.load_meta() == AppMeta(1, root, GENESIS)
    assert (store.get(b"a"), store.get(b"b")) == (b"1", b"2")
    assert store.load_results(1) == results
    assert root == memory_root({b"a": b"1", b"b": b"2"})


def test_deletions_remove_state_and_change_the_root(store: AppStore) -> None:
    commit(store, 1, [(b"a", b"1"), (b"b", b"2")])
    root = commit(store, 2, [(b"a", None)])
    assert store.get(b"a") is None
    assert root == memory_root({b"b": b"2"})
    assert commit(store, 3, [(b"b", None)]) == EMPTY


def test_root_after_many_blocks_equals_a_fresh_build(store: AppStore) -> None:
    state: dict[bytes, bytes] = {}
    root = EMPTY
    for height in range(1, 21):
        changes: list[tuple[bytes, bytes | None]] = []
        for i in range(height, height + 7):
            key = b"key-%d" % (i * 7 % 23)
            if (i + height) % 4 == 0:
                changes.append((key, None))
                state.pop(key, None)
            else:
                value = b"v%d-%d" % (height, i)
                changes.append((key, value))
                state[key] = value
        root = commit(store, height, list(dict(changes).items()))
    assert root == memory_root(state)


def test_failed_commit_leaves_nothing_behind(store: AppStore) -> None:
    before = commit(store, 1, [(b"a", b"1")])
    root, writes = store.compute_root(before, [(b"a", b"2"), (b"b", b"3")])
    with pytest.raises(KeyError):
        store.save_commit(
            height=2,
            app_hash=root,
            genesis_hash=GENESIS,
            changes=[(b"a", b"2"), (b"b", b"3")],
            tree_writes=writes,
            results=[TxResult(ResultCode.OK)],
            index_entries=[("no-such-table", b"k", b"v", True)],  # fails after state was written
        )
    assert store.load_meta() == AppMeta(1, before, GENESIS)
    assert (store.get(b"a"), store.get(b"b")) == (b"1", None)
    assert store.load_results(2) is None
    assert commit(store, 2, [(b"a", b"2"), (b"b", b"3")]) == root  # tree nodes untouched too


def test_compute_root_writes_nothing(store: AppStore) -> None:
    root = commit(store, 1, [(b"a", b"1")])
    store.compute_root(root, [(b"a", b"changed")])
    assert store.load_meta() == AppMeta(1, root, GENESIS)
    _, _, value, proof = store.prove(b"a")
    assert value == b"1"
    verify_state_proof(root, b"a", b"1", proof.siblings, proof.leaf_path, proof.leaf_value_hash)


def test_proofs_of_presence_and_absence_verify_against_the_stored_root(store: AppStore) -> None:
    root = commit(store, 1, [(b"k%d" % i, b"v%d" % i) for i in range(50)])
    height, app_hash, value, proof = store.prove(b"k7")
    assert (height, app_hash, value) == (1, root, b"v7")
    verify_state_proof(root, b"k7", b"v7", proof.siblings, proof.leaf_path, proof.leaf_value_hash)
    _, _, missing, absent = store.prove(b"absent")
    assert missing is None
    verify_state_proof(
        root, b"absent", None, absent.siblings, absent.leaf_path, absent.leaf_value_hash
    )


def test_index_entries_land_in_their_tables(store: AppStore) -> None:
    commit(store, 1, [(b"a", b"1")], index_entries=[("tx", b"\x01" * 32, b"where", True)])
    with store.db.read() as txn:
        assert txn.get(b"\x01" * 32, db=store.db.table("tx")) == b"where"
