from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.node.config import load_config
from sen.node.node import Node, init_home
from sen.sdk.privacy import consent_terms, did_key, latest_block_time, sign_consent
from sen.services.vault import SoftwareKek, SqliteVaultStore, Vault
from sen.services.vault.anchoring import AccessLogAnchorer

A, B = "did:sen:benh-vien-a", "did:sen:benh-vien-b"
PURPOSE, CATEGORY = "dpv:ServiceProvision", "pd:HealthRecord"


@pytest.fixture
def anchoring_world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A node where hospitals A and B have DIDs and the patient consented to B reading A's
    summaries; A's vault holding one summary; ``read()`` logs B's read; ``anchorer(key)``
    makes an anchorer of A's vault with that key ("a", "b", "patient", "mallory"), stopped
    at the end."""
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
    made: list[AccessLogAnchorer] = []

    def read() -> None:
        vault.read(
            stored.reference, consent=bytes(terms["id"]), reader=B, purpose=PURPOSE,
            state=node.app.store, at=latest_block_time(sdk),
        )  # fmt: skip

    def anchorer(key: str = "a") -> AccessLogAnchorer:
        made.append(AccessLogAnchorer(vault, lambda: in_process_client(node), keys[key], poll=0.05))
        return made[-1]

    yield {"node": node, "sdk": sdk, "vault": vault, "read": read, "patient": patient,
           "anchorer": anchorer, "keys": keys}  # fmt: skip
    for each in made:
        each.stop()
    store.close()
    sdk.close()
    node.close()
