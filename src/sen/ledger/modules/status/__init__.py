"""Module ``status``: W3C Bitstring Status Lists on chain, to revoke and suspend credentials.

An issuer (through a controller of its did:sen DID, or the key of its did:key) creates a list of at
least 131,072 entries and sets or clears entries by index; each change is a
new version of the list, and the current bits can be proved against the app
hash, so an offline verifier holding a trusted header can check that the
``encodedList`` it was given is the current one. Signing the
``BitstringStatusListCredential`` is the credential service's job. See
``docs/spec/trust-and-status.md``.
"""

from sen.ledger.modules.status.actions import (
    LIST_NAME_PATTERN,
    MAX_INDEXES,
    MODULE,
    PURPOSES,
    issuer_problem,
)
from sen.ledger.modules.status.bitstring import (
    MAX_ENTRIES,
    MIN_ENTRIES,
    StatusListError,
    decode_list,
    encode_list,
    list_digest,
    status_at,
    with_changes,
)
from sen.ledger.modules.status.records import (
    StatusList,
    bits_key,
    list_key,
    list_names,
    load_bits,
    load_list,
)

__all__ = [
    "LIST_NAME_PATTERN",
    "MAX_ENTRIES",
    "MAX_INDEXES",
    "MIN_ENTRIES",
    "MODULE",
    "PURPOSES",
    "StatusList",
    "StatusListError",
    "bits_key",
    "decode_list",
    "encode_list",
    "issuer_problem",
    "list_digest",
    "list_key",
    "list_names",
    "load_bits",
    "load_list",
    "status_at",
    "with_changes",
]
