"""Module ``identity``: decentralized identifiers ``did:sen:<name>`` for organisations and issuers.

An organisation's ``issuer`` member creates a DID with its verification
methods (Multikey: Ed25519 or P-256), verification relationships, services
and controllers; a controller updates it (key rotation is an update with a new
method set) or deactivates it. Every change is a new version, kept in state,
so the document valid at any past time can be resolved. People are never
registered on chain: holders use ``did:key``. See ``docs/spec/did-sen.md``;
resolution is :mod:`sen.did`.
"""

from sen.ledger.modules.identity.actions import DID_METHOD_PREFIX, MODULE
from sen.ledger.modules.identity.multikey import (
    MultikeyError,
    base58btc_decode,
    base58btc_encode,
    decode_multikey,
    encode_multikey,
)
from sen.ledger.modules.identity.records import (
    RELATIONSHIPS,
    DidRecord,
    DidVersion,
    DocumentContent,
    Service,
    VerificationMethod,
    list_names,
    load_did,
    load_version,
    version_at_time,
)

__all__ = [
    "DID_METHOD_PREFIX",
    "MODULE",
    "RELATIONSHIPS",
    "DidRecord",
    "DidVersion",
    "DocumentContent",
    "MultikeyError",
    "Service",
    "VerificationMethod",
    "base58btc_decode",
    "base58btc_encode",
    "decode_multikey",
    "encode_multikey",
    "list_names",
    "load_did",
    "load_version",
    "version_at_time",
]
