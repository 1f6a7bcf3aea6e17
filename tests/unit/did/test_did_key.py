"""did:key for Ed25519 and P-256: the W3C vectors' keys, round trips, and refusals."""

from __future__ import annotations

import pytest

from sen.did import ResolutionError
from sen.ledger.crypto import get_suite
from sen.vc import did_key, is_did_key, resolve_did_key

ED25519_MULTIKEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
P256_MULTIKEY = "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"


@pytest.mark.parametrize(
    ("multikey", "suite", "size"),
    [(ED25519_MULTIKEY, "ed25519", 32), (P256_MULTIKEY, "ecdsa-p256", 33)],
)
def test_w3c_vector_keys_resolve(multikey: str, suite: str, size: int) -> None:
    method = f"did:key:{multikey}#{multikey}"

    resolved_suite, public_key, controller = resolve_did_key(method)

    assert (resolved_suite, len(public_key), controller) == (suite, size, f"did:key:{multikey}")
    assert did_key(suite, public_key) == (f"did:key:{multikey}", method)


@pytest.mark.parametrize("suite", ["ed25519", "ecdsa-p256"])
def test_sen_keys_round_trip(suite: str) -> None:
    key = get_suite(suite).generate()
    did, method = did_key(suite, key.public_key)

    assert is_did_key(method)
    assert resolve_did_key(method) == (suite, key.public_key, did)


@pytest.mark.parametrize(
    "method",
    [
        f"did:key:{ED25519_MULTIKEY}",  # no fragment
        f"did:key:{ED25519_MULTIKEY}#key-1",  # fragment is not the key
        f"did:key:{ED25519_MULTIKEY}#{P256_MULTIKEY}",
        "did:key:z0OIl#z0OIl",  # not base58
        "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme#zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
        "did:sen:hust#key-1",
    ],
)
def test_anything_else_is_refused(method: str) -> None:
    with pytest.raises(ResolutionError):
        resolve_did_key(method)


def test_ml_dsa_keys_have_no_did_key_here() -> None:
    with pytest.raises(ResolutionError):
        did_key("ml-dsa-65", bytes(1952))
