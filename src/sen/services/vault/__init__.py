"""The personal-data vault (issue 14, ADR 0014): records encrypted per data subject off chain,
salted commitments for the chain, erasure by destroying keys, reads checked against the
chain's consent and logged in an anchored access log. Stores: the embedded SQLite one
(:class:`SqliteVaultStore`) and PostgreSQL's (``sen.services.vault.postgres``, with its keys
in a keyring file); the KEK in software or in an HSM (``sen.services.vault.hsm``)."""

from sen.services.vault.crypto import SoftwareKek, VaultCryptoError, opens
from sen.services.vault.store import SqliteVaultStore, VaultStore, VaultStoreError
from sen.services.vault.vault import (
    Access,
    ConsentMissing,
    ErasureStatement,
    Opening,
    ProvenAccess,
    RecordErased,
    Stored,
    UnknownRecord,
    Vault,
    VaultError,
    subject_ref,
)

__all__ = [
    "Access",
    "ConsentMissing",
    "ErasureStatement",
    "Opening",
    "ProvenAccess",
    "RecordErased",
    "SoftwareKek",
    "SqliteVaultStore",
    "Stored",
    "UnknownRecord",
    "Vault",
    "VaultCryptoError",
    "VaultError",
    "VaultStore",
    "VaultStoreError",
    "opens",
    "subject_ref",
]
