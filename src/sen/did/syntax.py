"""The syntax of the DIDs Sen resolves: ``did:sen:<name>`` and ``did:key:<multikey>``.

DID Core 1.0 §3.1: ``did = "did:" method-name ":" method-specific-id``. A
did:sen method-specific id is a name (1-64 of ``a-z``, ``0-9``, with ``.``
and ``-`` inside); a did:key one is the Multikey of an Ed25519 or P-256 key.
A DID URL here is a DID with a fragment (``did:sen:moet#key-1``): the id of
a verification method or service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sen.did.errors import InvalidDid, MethodNotSupported
from sen.ledger.modules.identity.multikey import MultikeyError, decode_multikey
from sen.ledger.modules.identity.parsing import FRAGMENT_PATTERN, NAME_PATTERN

GENERIC_DID = re.compile(r"^did:([a-z0-9]+):((?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}|:)+)$")
SUPPORTED_METHODS = ("sen", "key")
MAX_DID_CHARS = 2048


@dataclass(frozen=True, slots=True)
class ParsedDid:
    did: str
    method: str  # "sen" | "key"
    identifier: str  # the did:sen name, or the did:key multikey
    suite: str = ""  # did:key only: the key's Sen suite
    public_key: bytes = b""  # did:key only


def parse_did(did: str) -> ParsedDid:
    """A did:sen or did:key DID; :class:`InvalidDid` / :class:`MethodNotSupported` otherwise."""
    if len(did) > MAX_DID_CHARS:
        raise InvalidDid(f"a DID of at most {MAX_DID_CHARS} characters, got {len(did)}")
    match = GENERIC_DID.fullmatch(did)
    if match is None or match.group(2).endswith(":"):
        raise InvalidDid(f"{did[:80]!r} is not a DID (did:<method>:<method-specific-id>)")
    method, identifier = match.group(1), match.group(2)
    if method == "sen":
        if NAME_PATTERN.fullmatch(identifier) is None:
            raise InvalidDid(
                f"{did[:80]!r}: a did:sen name is 1-64 of a-z, 0-9, with '.' or '-' inside"
            )
        return ParsedDid(did, method, identifier)
    if method == "key":
        try:
            suite, public_key = decode_multikey(identifier)
        except MultikeyError as exc:
            raise InvalidDid(f"{did[:80]!r}: not a did:key Sen supports: {exc.reason}") from None
        return ParsedDid(did, method, identifier, suite, public_key)
    raise MethodNotSupported(
        f"did:{method} is not resolved here; supported: "
        + ", ".join(f"did:{m}" for m in SUPPORTED_METHODS)
    )


def parse_did_url(url: str) -> tuple[ParsedDid, str]:
    """``(DID, fragment)`` of a DID URL such as ``did:sen:moet#key-1``."""
    did, hash_sign, fragment = url.partition("#")
    if not hash_sign or FRAGMENT_PATTERN.fullmatch(fragment) is None:
        raise InvalidDid(
            f"{url[:80]!r} is not a verification method id (a DID, '#', and a fragment)",
            field="verification_method",
        )
    try:
        return parse_did(did), fragment
    except InvalidDid as exc:
        raise InvalidDid(exc.detail, field="verification_method") from None
