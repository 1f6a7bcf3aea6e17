"""A permissioned test chain with issuers, for the identity module and the resolver.

Builds on the governance tests' consortium (organisations ``org-0`` …, an
admin each, a writer in org-0) and enrolls an ``issuer`` in org-0 and in
org-1. Blocks are ten seconds apart: block *h* has time GENESIS + 10·h.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consortium import GENESIS_SECONDS, Consortium, issue, key
from cryptography.hazmat.primitives import serialization

from sen.ledger.crypto import SigningKey, address_of
from sen.ledger.modules.identity import encode_multikey
from sen.ledger.types import TxResult


def address(signer: SigningKey) -> bytes:
    return address_of(signer.suite, signer.public_key)


def multikey(signer: SigningKey) -> str:
    return encode_multikey(signer.suite, signer.public_key)


def block_time(height: int) -> int:
    return GENESIS_SECONDS + 10 * height


def document(name: str, *keys: SigningKey, **extra: Any) -> dict[str, Any]:
    """``identity.create``/``update`` arguments: key-1, key-2, ... under assertionMethod."""
    methods = [
        {"id": f"key-{i + 1}", "public_key_multibase": multikey(k)} for i, k in enumerate(keys)
    ]
    ids = [m["id"] for m in methods]
    return {
        "name": name,
        "verification_methods": methods,
        "relationships": {"assertionMethod": ids, "authentication": ids[:1]},
        **extra,
    }


class IdentityChain:
    """The consortium with two issuers: ``issuers[0]`` in org-0, ``issuers[1]`` in org-1."""

    def __init__(self, path: Path) -> None:
        self.consortium = Consortium(path)
        self.issuers = [key(60), key(61)]
        self.keys = [key(70 + n) for n in range(4)]  # signing keys named in documents
        for n, issuer in enumerate(self.issuers):
            ca_key, ca = self.consortium.cas[n]
            certificate = issue(ca_key, ca, issuer, ["issuer"], 600 + n, f"Issuer {n}")
            der = certificate.public_bytes(serialization.Encoding.DER)
            result = self.run(issuer, "membership", "enroll", {"certificate": der})
            assert result.code == 0, result.log

    @property
    def store(self) -> Any:
        return self.consortium.app.store

    @property
    def height(self) -> int:
        return int(self.consortium.app.height)

    @property
    def admins(self) -> list[SigningKey]:
        return list(self.consortium.admins)

    @property
    def writer(self) -> SigningKey:
        return self.consortium.writer

    def run(self, signer: SigningKey, module: str, action: str, args: dict[str, Any]) -> TxResult:
        return self.consortium.run(signer, module, action, args)

    def identity(self, signer: SigningKey, action: str, args: dict[str, Any]) -> TxResult:
        return self.run(signer, "identity", action, args)

    def ok(self, signer: SigningKey, action: str, args: dict[str, Any]) -> TxResult:
        result = self.identity(signer, action, args)
        assert result.code == 0, result.log
        return result

    def block(self) -> None:
        self.consortium.block()

    def close(self) -> None:
        self.consortium.close()
