"""An outside reviewer's attacks (issue 14) on the vault anchoring its own access log
(``AccessLogAnchorer``, ``sen vault serve --anchor-key``).

The anchorer trusts an anchoring already on chain with the batch's root, its reference
(``vault-access-log/<n>``) and its own sender, so that a batch whose mark was lost is not
anchored twice. Can someone else's anchoring of the same root and reference be taken for
the vault's? Can a round anchor twice, or anchor something else?

Tests that pass show an attack refused. Each ``xfail(strict=True)`` test demonstrates a
weakness (its reason starts ``FINDING:``): it asserts what the system should do and fails
today, so the suite stays green until the weakness is fixed.
"""

from __future__ import annotations

from typing import Any

import pytest

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import address_of
from sen.sdk.errors import SenError
from sen.services.vault import ProvenAccess
from sen.services.vault.anchoring import batch_reference

A, B = "did:sen:benh-vien-a", "did:sen:benh-vien-b"
PURPOSE, CATEGORY = "dpv:ServiceProvision", "pd:HealthRecord"


@pytest.fixture
def world(anchoring_world: dict[str, Any]) -> dict[str, Any]:
    """The node, A's vault and B's logged read (``anchoring_world`` in conftest.py)."""
    return anchoring_world


def _sender(key: Any) -> str:
    return address_of(key.suite, key.public_key).hex()


def test_a_third_partys_anchoring_of_the_root_and_reference_is_not_taken(
    world: dict[str, Any],
) -> None:
    """Mallory learns a sealed batch's root (a data subject's who-read answer carries it
    before it is anchored) and anchors it first, under the vault's own reference. The
    anchorer does not take Mallory's anchoring for its own: it anchors with its key, and
    the batch is marked at the vault's anchoring."""
    sdk, vault, keys = world["sdk"], world["vault"], world["keys"]
    world["read"]()
    batch = vault.seal_access_batch()
    assert batch is not None
    [seen] = vault.who_read(world["patient"])
    assert isinstance(seen, ProvenAccess) and seen.batch.root == batch.root  # the root is out
    squat = sdk.send(keys["mallory"], "evidence", "anchor", {
        "digest": batch.root, "reference": batch_reference(batch.number),
    })  # fmt: skip
    [marked] = world["anchorer"]().run_once()
    anchorings = sdk.lookup(batch.root).anchorings
    assert [a.sender for a in anchorings] == [_sender(keys["mallory"]), _sender(keys["a"])]
    assert anchorings[0].tx_hash == squat.hash and anchorings[1].tx_hash != squat.hash
    assert marked.anchored_height == anchorings[1].height
    [again] = vault.who_read(world["patient"])
    assert isinstance(again, ProvenAccess)
    assert again.batch.anchored_height == anchorings[1].height


def test_an_anchoring_of_another_batch_or_reference_is_not_taken(world: dict[str, Any]) -> None:
    """The vault's own key anchored the root under another reference, or another root under
    this reference: neither counts as the batch's anchoring."""
    sdk, vault, keys = world["sdk"], world["vault"], world["keys"]
    world["read"]()
    batch = vault.seal_access_batch()
    assert batch is not None
    sdk.send(keys["a"], "evidence", "anchor", {"digest": batch.root, "reference": "other"})
    sdk.send(keys["a"], "evidence", "anchor", {
        "digest": bytes(32), "reference": batch_reference(batch.number),
    })  # fmt: skip
    [marked] = world["anchorer"]().run_once()
    mine = [
        a for a in sdk.lookup(batch.root).anchorings
        if a.reference == batch_reference(batch.number) and a.sender == _sender(keys["a"])
    ]  # fmt: skip
    assert [a.height for a in mine] == [marked.anchored_height]


def test_rounds_with_nothing_new_anchor_nothing(world: dict[str, Any]) -> None:
    sdk, vault = world["sdk"], world["vault"]
    anchorer = world["anchorer"]()
    world["read"]()
    [first] = anchorer.run_once()
    for _ in range(3):
        assert anchorer.run_once() == []
    assert len(sdk.lookup(first.root).anchorings) == 1
    assert vault.store.unanchored_batches() == []


def test_a_lost_mark_is_found_and_not_anchored_twice_even_by_a_second_anchorer(
    world: dict[str, Any],
) -> None:
    """Two anchorers on one store (a restart while the first was between anchor and mark):
    the second finds the first's anchoring."""
    sdk, vault = world["sdk"], world["vault"]
    world["read"]()
    batch = vault.seal_access_batch()
    assert batch is not None
    first = world["anchorer"]()
    height = first._anchor(in_process_client(world["node"]), batch)  # anchored, mark lost
    [marked] = world["anchorer"]().run_once()
    assert marked.anchored_height == height
    assert len(sdk.lookup(batch.root).anchorings) == 1


def test_the_anchorer_refuses_a_key_that_does_not_control_the_controller(
    world: dict[str, Any],
) -> None:
    sdk, vault = world["sdk"], world["vault"]
    world["read"]()
    try:
        done = world["anchorer"]("b").run_once()  # B's key: not a controller of A
    except (SenError, ValueError):
        done = []
    assert done == []
    pending = vault.store.unanchored_batches()
    assert all(not sdk.lookup(b.root).anchorings for b in pending)
