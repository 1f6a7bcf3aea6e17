"""Fixtures for the verifiable-credentials tests.

Every test here runs with the network cut: opening a socket fails the test,
so a JSON-LD context fetched by accident cannot pass unnoticed.

``issuer``: a university with a ``did:sen`` DID and two keys (Ed25519 and
P-256) listed under ``assertionMethod``; it resolves them (and ``did:key``)
the way ``sen.did`` does from the ledger.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

# the ledger tests' permissioned chain with issuers (for verifying did:sen credentials on chain)
sys.path.insert(0, str(Path(__file__).parents[1] / "ledger" / "governance"))
sys.path.insert(0, str(Path(__file__).parents[1] / "ledger" / "identity"))

from vc_support import ED25519_METHOD, ISSUER_DID, P256_METHOD, Issuer

from sen.ledger.crypto import SigningKey, get_suite


class NetworkUsed(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed(f"a test in tests/unit/vc used the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="session")
def issuer() -> Issuer:
    keys = {
        ED25519_METHOD: get_suite("ed25519").load_private(bytes(range(32))),
        P256_METHOD: get_suite("ecdsa-p256").load_private(bytes(range(1, 33))),
    }
    return Issuer(ISSUER_DID, keys, {"assertionMethod": set(keys)})


@pytest.fixture
def holder_key() -> SigningKey:
    return get_suite("ed25519").load_private(bytes(range(100, 132)))
