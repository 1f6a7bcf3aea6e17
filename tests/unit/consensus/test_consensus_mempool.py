"""The embedded engine's mempool: bounded, arrival-ordered, removal by hash."""

from __future__ import annotations

import pytest

from sen.consensus.embedded.mempool import Mempool


def filled(n: int, size: int = 10, max_txs: int = 100, max_bytes: int = 10_000) -> Mempool:
    pool = Mempool(max_txs, max_bytes)
    for i in range(n):
        pool.add(b"h%d" % i, bytes([i]) * size)
    return pool


@pytest.mark.parametrize(
    ("count", "size", "room"),
    [(1, 10, True), (2, 20, True), (3, 10, False), (1, 31, False), (2, 30, True)],
)
def test_room_is_bounded_by_count_and_bytes(count: int, size: int, room: bool) -> None:
    pool = filled(3, size=10, max_txs=5, max_bytes=60)
    assert pool.has_room(count, size) is room


def test_reap_keeps_arrival_order_and_does_not_remove() -> None:
    pool = filled(5)
    assert pool.reap(1000, 1000) == [bytes([i]) * 10 for i in range(5)]
    assert len(pool) == 5


@pytest.mark.parametrize(
    ("max_bytes", "max_txs", "expected"), [(25, 100, 2), (30, 100, 3), (1000, 2, 2), (9, 100, 0)]
)
def test_reap_stops_at_the_first_limit(max_bytes: int, max_txs: int, expected: int) -> None:
    assert len(filled(5).reap(max_bytes, max_txs)) == expected


def test_reap_does_not_skip_a_large_tx_to_take_later_ones() -> None:
    pool = Mempool(10, 10_000)
    pool.add(b"a", b"x" * 5)
    pool.add(b"b", b"y" * 50)
    pool.add(b"c", b"z" * 5)
    assert pool.reap(20, 10) == [b"x" * 5]  # order is kept: c never overtakes b


def test_remove_frees_count_and_bytes_and_ignores_unknown_hashes() -> None:
    pool = filled(4)
    pool.remove([b"h1", b"h3", b"nope"])
    assert len(pool) == 2
    assert pool.size_bytes == 20
    assert [h for h, _ in pool.items()] == [b"h0", b"h2"]
    assert b"h1" not in pool and b"h0" in pool


def test_adding_the_same_hash_twice_counts_once() -> None:
    pool = filled(1)
    pool.add(b"h0", bytes([0]) * 10)
    assert len(pool) == 1
    assert pool.size_bytes == 10


def test_removed_then_readded_goes_to_the_back() -> None:
    pool = filled(3)
    pool.remove([b"h0"])
    pool.add(b"h0", b"\x00" * 10)
    assert [h for h, _ in pool.items()] == [b"h1", b"h2", b"h0"]
