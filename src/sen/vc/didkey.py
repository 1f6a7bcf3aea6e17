"""``did:key`` for Ed25519 (``z6Mk…``) and P-256 (``zDn…``) keys, resolved locally.

A ``did:key`` *is* its public key (W3C did:key v0.9): the method-specific id
is the key's Multikey text, and the document has one verification method,
``did:key:<mb>#<mb>``, listed under every verification relationship. So it
resolves with no ledger and no network, which is what holders (who are never
registered on chain) use to sign presentations.

:func:`resolve_did_key` has the shape :mod:`sen.vc` expects of a key resolver:
``(suite, raw public key, controller DID)``.
"""

from __future__ import annotations

from sen.ledger.modules.identity.multikey import MultikeyError, decode_multikey, encode_multikey

__all__ = ["DID_KEY_PREFIX", "DidKeyError", "did_key", "is_did_key", "resolve_did_key"]

DID_KEY_PREFIX = "did:key:"


class DidKeyError(ValueError):
    """A verification method URL that is not a ``did:key`` Sen can resolve."""


def did_key(suite: str, public_key: bytes) -> tuple[str, str]:
    """``(did, verification method URL)`` of a Sen ``ed25519`` or ``ecdsa-p256`` public key."""
    try:
        multikey = encode_multikey(suite, public_key)
    except MultikeyError as exc:
        raise DidKeyError(exc.reason) from None
    did = DID_KEY_PREFIX + multikey
    return did, f"{did}#{multikey}"


def is_did_key(url: str) -> bool:
    return url.startswith(DID_KEY_PREFIX)


def resolve_did_key(verification_method: str) -> tuple[str, bytes, str]:
    """``(suite, raw public key, controller DID)`` of ``did:key:<mb>#<mb>``."""
    if not is_did_key(verification_method):
        raise DidKeyError(f"{verification_method!r} is not a did:key URL")
    did, hash_sign, fragment = verification_method.partition("#")
    multikey = did[len(DID_KEY_PREFIX) :]
    if not hash_sign or fragment != multikey:
        raise DidKeyError(
            f"a did:key verification method is did:key:<key>#<key>, got {verification_method!r}"
        )
    try:
        suite, public_key = decode_multikey(multikey)
    except MultikeyError as exc:
        raise DidKeyError(f"{verification_method!r}: {exc.reason}") from None
    return suite, public_key, did
