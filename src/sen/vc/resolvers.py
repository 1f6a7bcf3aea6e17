"""Keys for verification from a Sen chain's state: ``did:sen`` from the ledger, ``did:key`` locally.

:func:`ledger_resolvers` adapts :func:`sen.did.resolve_verification_method`
to what :func:`~sen.vc.verify_credential` takes::

    resolve_key, is_authorized = ledger_resolvers(node.app.store, at=issued_at)
    result = verify_credential(vc, resolve_key, is_authorized=is_authorized)

``at`` (unix seconds) reads the DID documents in effect then, so a credential
signed before a key rotation still verifies; None reads the latest. Which time
to use, and whether a later deactivation matters, is the verifier's policy
(``docs/spec/did-sen.md`` §9.3).
"""

from __future__ import annotations

from sen.did import MethodNotAuthorized, resolve_verification_method
from sen.ledger.state import StateReader
from sen.vc.proofs import KeyResolver
from sen.vc.verify import Authorizer

__all__ = ["ledger_resolvers"]


def ledger_resolvers(reader: StateReader, at: int | None = None) -> tuple[KeyResolver, Authorizer]:
    """``(resolve_key, is_authorized)`` over ``reader``'s DID documents."""

    def resolve_key(method: str) -> tuple[str, bytes, str]:
        return resolve_verification_method(method, reader, at)

    def is_authorized(method: str, purpose: str) -> bool:
        try:
            resolve_verification_method(method, reader, at, purpose=purpose)
        except MethodNotAuthorized:
            return False
        return True

    return resolve_key, is_authorized
