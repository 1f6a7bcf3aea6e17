"""Module ``trust``: which issuers are trusted for which credentials, and the schemas they use.

Root authorities (a ministry: ``did:sen:moet``) are listed in genesis and
changed by governance (``set_trust_roots``). A root, or an issuer a root
accredited with ``may_accredit``, accredits issuers for credential types,
with an optional end of validity; accreditations can be revoked and are
never deleted, so :func:`accreditation_at` answers "was this issuer
accredited for this type at that time?" for any past time, with the path
of accreditations up to a root. Issuers also register the JSON Schemas of
their credentials (by URL and SHA-256). See ``docs/spec/trust-and-status.md``.
"""

from sen.ledger.modules.trust.actions import MAX_ACCREDITATIONS_PER_ISSUER, MODULE
from sen.ledger.modules.trust.paths import AccreditationPath, accreditation_at
from sen.ledger.modules.trust.records import (
    Accreditation,
    RootsVersion,
    SchemaRecord,
    accreditation_count,
    list_accreditations,
    list_grants,
    load_accreditation,
    load_roots,
    load_roots_version,
    load_schema,
    roots_at,
    schema_count,
    schema_id_at,
)
from sen.ledger.modules.trust.roots import TrustGenesisError, trust_changes

__all__ = [
    "MAX_ACCREDITATIONS_PER_ISSUER",
    "MODULE",
    "Accreditation",
    "AccreditationPath",
    "RootsVersion",
    "SchemaRecord",
    "TrustGenesisError",
    "accreditation_at",
    "accreditation_count",
    "list_accreditations",
    "list_grants",
    "load_accreditation",
    "load_roots",
    "load_roots_version",
    "load_schema",
    "roots_at",
    "schema_count",
    "schema_id_at",
    "trust_changes",
]
