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

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import address_of, get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.node.config import load_config
from sen.node.node import Node, init_home
from sen.sdk.errors import SenError
from sen.sdk.privacy import consent_terms, did_key, latest_block_time, sign_consent
from sen.services.vault import ProvenAccess, SoftwareKek, SqliteVaultStore, Vault
from sen.services.vault.anchoring import AccessLogAnchorer, batch_reference

A, B = "did:sen:benh-vien-a", "did:sen:benh-vien-b"
PURPOSE, CATEGORY = "dpv:ServiceProvision", "pd:HealthRecord"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    config = init_home(tmp_path / "home", chain_id="vn-health", block_interval=0.05)
    node = Node.open(load_config(config.home))
    node.start()
    keys = {name: get_suite("ed25519").generate() for name in ("a", "b", "patient", "mallory")}
    sdk = in_process_client(node)
    for name, did in (("a", A), ("b", B)):
        method = encode_multikey(keys[name].suite, keys[name].public_key)
        sdk.send(keys[name], "identity", "create", {
            "name": did.removeprefix("did:sen:"),
            "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
            "relationships": {"assertionMethod": ["key-1"]},
        })  # fmt: skip
    terms = consent_terms(
        keys["patient"], controller=A, recipients=[B], purposes=[PURPOSE], categories=[CATEGORY],
        expires=latest_block_time(sdk) + 86_400,
    )  # fmt: skip
    sdk.send(
        keys["a"], "privacy", "record_consent", sign_consent(keys["patient"], "vn-health", terms)
    )
    store = SqliteVaultStore(tmp_path / "vault.db", "VN-HN")
    vault = Vault(store, SoftwareKek(bytes(range(32))), b"p" * 32, controller=A)
    patient = did_key(keys["patient"])
    stored = vault.put(patient, CATEGORY, "Tóm tắt bệnh án".encode())

    def read() -> None:
        vault.read(
            stored.reference, consent=bytes(terms["id"]), reader=B, purpose=PURPOSE,
            state=node.app.store, at=latest_block_time(sdk),
        )  # fmt: skip

    def anchorer(key: str = "a") -> AccessLogAnchorer:
        return AccessLogAnchorer(vault, lambda: in_process_client(node), keys[key], poll=0.05)

    yield {"node": node, "sdk": sdk, "vault": vault, "read": read, "patient": patient,
           "anchorer": anchorer, "keys": keys}  # fmt: skip
    store.close()
    sdk.close()
    node.close()


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
