"""Module ``privacy``: consent records, data-subject requests on their 72-hour clocks,
erasure tombstones, breach notifications and impact-assessment dossiers (ADR 0014,
``docs/spec/privacy.md``).

Personal data never comes here: it lives in the vault (``sen.services.vault``). The chain
holds what lets a third party check, offline, that the law was kept — who consented to
what and until when (signed by the data subject's pairwise ``did:key``), when a request
was filed and answered, that an erasure happened and which commitments it made unopenable
— and nothing that names a person.
"""

from sen.ledger.modules.privacy.actions import (
    ASSESSMENT_KINDS,
    MAX_OPEN_REQUESTS,
    MODULE,
    OUTCOMES,
    REQUEST_KINDS,
    erasure_digest,
)
from sen.ledger.modules.privacy.queries import ConsentRefused, consent_allows
from sen.ledger.modules.privacy.records import (
    CLOCK_SECONDS,
    Assessment,
    Breach,
    Consent,
    ConsentTerms,
    Erasure,
    Request,
    VaultDeclaration,
    consent_id_prefix,
    consent_message,
    controller_requests,
    erasure_key,
    load_assessment,
    load_breach,
    load_consent,
    load_erasure,
    load_request,
    load_vault,
    request_id_prefix,
    subject_consents,
)

__all__ = [
    "ASSESSMENT_KINDS",
    "CLOCK_SECONDS",
    "MAX_OPEN_REQUESTS",
    "MODULE",
    "OUTCOMES",
    "REQUEST_KINDS",
    "Assessment",
    "Breach",
    "Consent",
    "ConsentRefused",
    "ConsentTerms",
    "Erasure",
    "Request",
    "VaultDeclaration",
    "consent_allows",
    "consent_id_prefix",
    "consent_message",
    "controller_requests",
    "erasure_digest",
    "erasure_key",
    "load_assessment",
    "load_breach",
    "load_consent",
    "load_erasure",
    "load_request",
    "load_vault",
    "request_id_prefix",
    "subject_consents",
]
