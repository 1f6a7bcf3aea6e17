"""``did:key`` for Ed25519 (``z6Mk…``) and P-256 (``zDn…``) keys: Sen's one implementation.

A ``did:key`` *is* its public key (W3C did:key v0.9): the method-specific id
is the key's Multikey text, and the document has one verification method,
``did:key:<mb>#<mb>``, listed under every verification relationship. So it
resolves with no ledger and no network, which is what holders (who are never
registered on chain) use to sign presentations.

:func:`resolve_did_key` has the shape :mod:`sen.vc` expects of a key resolver:
``(suite, raw public key, controller DID)``. Errors are those of
:mod:`sen.did.errors`: :class:`InvalidDid` for anything that is not a did:key
Sen supports, :class:`DidNotFound` for a fragment the document does not have.
"""

from __future__ import annotations

from sen.did.errors import DidNotFound, InvalidDid
from sen.did.syntax import ParsedDid, parse_did_url
from sen.ledger.modules.identity.multikey import MultikeyError, encode_multikey

__all__ = [
    "DID_KEY_PREFIX",
    "did_key",
    "did_key_for",
    "did_key_method",
    "is_did_key",
    "resolve_did_key",
]

DID_KEY_PREFIX = "did:key:"


def did_key(suite: str, public_key: bytes) -> tuple[str, str]:
    """``(did, verification method URL)`` of a Sen ``ed25519`` or ``ecdsa-p256`` public key."""
    try:
        multikey = encode_multikey(suite, public_key)
    except MultikeyError as exc:
        raise InvalidDid(f"no did:key for a {suite} key: {exc.reason}", field="suite") from None
    did = DID_KEY_PREFIX + multikey
    return did, f"{did}#{multikey}"


def did_key_for(suite: str, public_key: bytes) -> str:
    """The did:key of a public key (Ed25519 or P-256)."""
    return did_key(suite, public_key)[0]


def is_did_key(url: str) -> bool:
    return url.startswith(DID_KEY_PREFIX)


def did_key_method(parsed: ParsedDid, fragment: str) -> tuple[str, bytes, str]:
    """``(suite, raw public key, controller DID)`` of method ``#fragment`` of a parsed did:key."""
    if fragment != parsed.identifier:
        raise DidNotFound(
            f"a did:key document has one method, #{parsed.identifier}",
            field="verification_method",
        )
    return parsed.suite, parsed.public_key, parsed.did


def resolve_did_key(verification_method: str) -> tuple[str, bytes, str]:
    """``(suite, raw public key, controller DID)`` of ``did:key:<mb>#<mb>``."""
    if not is_did_key(verification_method):
        raise InvalidDid(
            f"{verification_method[:80]!r} is not a did:key URL", field="verification_method"
        )
    parsed, fragment = parse_did_url(verification_method)
    return did_key_method(parsed, fragment)
