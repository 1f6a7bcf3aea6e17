"""The vault anchors its own access log (``AccessLogAnchorer``): at each new block the reads
logged since the last batch are sealed and their root anchored with ``evidence.anchor``; a
batch whose anchor committed but whose mark was lost is not anchored twice; and the loop
does it with no one calling it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from sen.services.vault import Access, ProvenAccess
from sen.services.vault.anchoring import batch_reference

A, B = "did:sen:benh-vien-a", "did:sen:benh-vien-b"
PURPOSE, CATEGORY = "dpv:ServiceProvision", "pd:HealthRecord"


@pytest.fixture
def world(anchoring_world: dict[str, Any]) -> dict[str, Any]:
    """The node, A's vault and B's logged read (``anchoring_world`` in conftest.py)."""
    return anchoring_world


def test_each_round_anchors_the_reads_logged_since_the_last(world: dict[str, Any]) -> None:
    anchorer, vault, sdk = world["anchorer"](), world["vault"], world["sdk"]
    assert anchorer.run_once() == []  # nothing logged: nothing anchored
    world["read"]()
    world["read"]()
    [first] = anchorer.run_once()
    assert first.number == 1 and (first.first, first.last) == (1, 2)
    [anchoring] = sdk.lookup(first.root).anchorings
    assert anchoring.reference == batch_reference(1) == "vault-access-log/1"
    assert anchoring.height == first.anchored_height
    world["read"]()
    [second] = anchorer.run_once()
    assert second.number == 2 and (second.first, second.last) == (3, 3)
    reads = vault.who_read(world["patient"])
    assert [type(r) for r in reads] == [ProvenAccess] * 3
    for proven in reads:
        assert isinstance(proven, ProvenAccess)
        proven.verify()
        assert sdk.lookup(proven.batch.root).anchorings[0].height == proven.batch.anchored_height


def test_a_batch_anchored_before_its_mark_was_lost_is_not_anchored_twice(
    world: dict[str, Any],
) -> None:
    anchorer, vault, sdk = world["anchorer"](), world["vault"], world["sdk"]
    world["read"]()
    batch = vault.seal_access_batch()  # sealed, anchored, then the process died
    assert batch is not None
    info = sdk.send(world["keys"]["a"], "evidence", "anchor", {
        "digest": batch.root, "reference": batch_reference(batch.number),
    })  # fmt: skip
    [marked] = anchorer.run_once()
    assert (marked.number, marked.anchored_height) == (batch.number, info.height)
    assert len(sdk.lookup(batch.root).anchorings) == 1
    assert vault.store.unanchored_batches() == []


def test_a_sealed_batch_waiting_for_the_node_is_anchored_next_round(
    world: dict[str, Any],
) -> None:
    anchorer, vault = world["anchorer"](), world["vault"]
    world["read"]()
    waiting = vault.seal_access_batch()  # the node was away when it was sealed
    world["read"]()
    done = anchorer.run_once()
    assert [b.number for b in done] == [1, 2]
    assert waiting is not None and done[0].root == waiting.root
    assert all(b.anchored_height for b in done)


def test_the_loop_anchors_new_reads_by_itself(world: dict[str, Any]) -> None:
    anchorer, vault = world["anchorer"](), world["vault"]
    anchorer.start()
    world["read"]()
    deadline = time.monotonic() + 30
    reads: list[ProvenAccess | Access] = []
    while time.monotonic() < deadline:  # wait for the condition: the read is proven
        reads = vault.who_read(world["patient"])
        if reads and all(isinstance(r, ProvenAccess) and r.batch.anchored_height for r in reads):
            break
        time.sleep(0.05)
    assert reads and isinstance(reads[0], ProvenAccess), reads
    anchorer.stop()
