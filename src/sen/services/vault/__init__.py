"""The personal-data vault (issue 14, ADR 0014): records encrypted per data subject off chain,
salted commitments for the chain, erasure by destroying keys. First slice: the cryptographic
core and the embedded SQLite store; the ledger's consent and request records, PostgreSQL,
the HSM key wrapper and the API come next."""

from sen.services.vault.crypto import SoftwareKek, VaultCryptoError, opens
from sen.services.vault.store import SqliteVaultStore, VaultStoreError
from sen.services.vault.vault import (
    ErasureStatement,
    Opening,
    RecordErased,
    Stored,
    UnknownRecord,
    Vault,
    VaultError,
    subject_ref,
)

__all__ = [
    "ErasureStatement",
    "Opening",
    "RecordErased",
    "SoftwareKek",
    "SqliteVaultStore",
    "Stored",
    "UnknownRecord",
    "Vault",
    "VaultCryptoError",
    "VaultError",
    "VaultStoreError",
    "opens",
    "subject_ref",
]
