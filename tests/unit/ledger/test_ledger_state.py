"""State overlays: buffered writes that are kept or thrown away whole."""

from __future__ import annotations

from sen.ledger.state import EmptyState, Overlay


class Base:
    def __init__(self, values: dict[bytes, bytes]) -> None:
        self.values = values

    def get(self, key: bytes) -> bytes | None:
        return self.values.get(key)


def test_reads_fall_through_to_the_parent_until_written() -> None:
    overlay = Overlay(Base({b"a": b"1"}))
    assert overlay.get(b"a") == b"1"
    overlay.set(b"a", b"2")
    assert overlay.get(b"a") == b"2"


def test_deleting_hides_the_parent_value() -> None:
    overlay = Overlay(Base({b"a": b"1"}))
    overlay.delete(b"a")
    assert overlay.get(b"a") is None
    assert overlay.changes() == [(b"a", None)]


def test_writes_never_reach_the_parent() -> None:
    base = Base({b"a": b"1"})
    overlay = Overlay(base)
    overlay.set(b"a", b"2")
    overlay.set(b"b", b"3")
    assert base.values == {b"a": b"1"}


def test_child_is_discarded_unless_merged() -> None:
    parent = Overlay(EmptyState())
    child = Overlay(parent)
    child.set(b"k", b"v")
    assert parent.get(b"k") is None
    assert len(parent) == 0
    child.merge_into(parent)
    assert parent.get(b"k") == b"v"


def test_merged_child_overrides_and_deletes_in_parent() -> None:
    parent = Overlay(Base({b"gone": b"x"}))
    parent.set(b"a", b"1")
    child = Overlay(parent)
    child.set(b"a", b"2")
    child.delete(b"gone")
    child.merge_into(parent)
    assert parent.changes() == [(b"a", b"2"), (b"gone", None)]


def test_changes_are_in_key_order_whatever_the_write_order() -> None:
    overlay = Overlay(EmptyState())
    for key in (b"c", b"a", b"b", b"a\x00", b"B"):
        overlay.set(key, key)
    assert [k for k, _ in overlay.changes()] == [b"B", b"a", b"a\x00", b"b", b"c"]
    assert len(overlay) == 5


def test_empty_state_has_nothing() -> None:
    assert EmptyState().get(b"anything") is None
