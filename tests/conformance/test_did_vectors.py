"""did:key vectors of the did:key specification, both ways (``did_key_vectors.json``).

Sen's Multikey codec (``sen.ledger.modules.identity.multikey``) must give the
specification's DIDs from the keys and the keys from the DIDs; did:key
resolution must return a document whose single Multikey method is that key.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from sen.did import did_key_for, resolve, resolve_verification_method
from sen.ledger.crypto import P256, EcdsaSuite, Ed25519Suite
from sen.ledger.modules.identity.multikey import base58btc_encode, decode_multikey
from sen.ledger.state import EmptyState

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "did_key_vectors.json").read_text(encoding="utf-8")
)


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.parametrize("vector", VECTORS["ed25519"], ids=lambda v: v["did"][8:20])
def test_ed25519_vectors(vector: dict[str, str]) -> None:
    key = Ed25519Suite().load_private(bytes.fromhex(vector["seed"]))
    assert base58btc_encode(key.public_key) == vector["publicKeyBase58"]
    assert did_key_for("ed25519", key.public_key) == vector["did"]
    assert decode_multikey(vector["did"][len("did:key:") :]) == ("ed25519", key.public_key)


@pytest.mark.parametrize("vector", VECTORS["p256"], ids=lambda v: v["did"][8:20])
def test_p256_vectors(vector: dict[str, str]) -> None:
    key = EcdsaSuite(P256).load_private(_b64url(vector["d"]))
    x, y = _b64url(vector["x"]), _b64url(vector["y"])
    assert key.public_key == bytes([2 + (y[-1] & 1)]) + x  # compressed SEC1
    assert did_key_for("ecdsa-p256", key.public_key) == vector["did"]
    assert decode_multikey(vector["did"][len("did:key:") :]) == ("ecdsa-p256", key.public_key)


@pytest.mark.parametrize(
    "did", [v["did"] for v in VECTORS["ed25519"] + VECTORS["p256"]], ids=lambda d: d[8:20]
)
def test_did_key_resolves_locally_to_its_one_key(did: str) -> None:
    result = resolve(did, EmptyState())
    assert result.error is None
    document = result.did_document
    assert document is not None
    multikey = did[len("did:key:") :]
    method_id = f"{did}#{multikey}"
    assert document["verificationMethod"] == [
        {"id": method_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
    ]
    for relationship in (
        "authentication",
        "assertionMethod",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
        assert document[relationship] == [method_id]
    suite, public_key, controller = resolve_verification_method(method_id, EmptyState())
    assert (suite, public_key, controller) == (*decode_multikey(multikey), did)
