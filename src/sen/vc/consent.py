"""Consent receipts: a verifiable credential the controller gives the data subject when it
records the subject's consent on chain (ISO/IEC TS 27560 consent record, W3C DPV terms).

The credential states what the chain holds — the consent's id, chain, state key, terms and
state — so that the subject holds a signed copy and anyone can check it against the chain
(the record at ``recordKey``, with its state proof; ``sen consent verify-receipt``). It is
signed by the controller's DID, as any Sen credential (``sign_credential``); its context is
bundled (``https://sen.gov.vn/contexts/consent/v1``)::

    receipt = consent_receipt(consent, chain_id="vn-health", height=42)
    signed = sign_credential(receipt, key, "did:sen:benh-vien-a#key-1", "eddsa-rdfc-2022")
"""

from __future__ import annotations

from typing import Any

from sen.did import xml_datetime
from sen.ledger.modules.privacy import Consent
from sen.ledger.modules.privacy.records import consent_key
from sen.vc.loader import CREDENTIALS_V2

CONSENT_V1 = "https://sen.gov.vn/contexts/consent/v1"
RECEIPT_TYPE = "ConsentReceipt"


def consent_receipt(consent: Consent, *, chain_id: str) -> dict[str, Any]:
    """The unsigned receipt of ``consent`` as recorded on chain ``chain_id``."""
    terms = consent.terms
    return {
        "@context": [CREDENTIALS_V2, CONSENT_V1],
        "type": ["VerifiableCredential", RECEIPT_TYPE],
        "issuer": terms.controller,
        "validFrom": xml_datetime(consent.recorded[1]),
        "validUntil": xml_datetime(terms.expires),
        "credentialSubject": {
            "id": terms.subject,
            "consent": {
                "type": "ConsentRecord",
                "consentId": terms.id.hex(),
                "chainId": chain_id,
                "recordKey": consent_key(terms.id).hex(),
                "recordedAtHeight": consent.recorded[0],
                "dataController": terms.controller,
                "recipients": list(terms.recipients),
                "purposes": list(terms.purposes),
                "personalDataCategories": list(terms.categories),
                "legalBasis": terms.legal_basis,
                "consentStatus": terms.decision,
            },
        },
    }


def receipt_differences(receipt: dict[str, Any], consent: Consent, chain_id: str) -> list[str]:
    """Where a receipt says other than the chain's record (empty: it says the same), field
    by field; the record's later withdrawal is not a difference but its state, said apart."""
    expected = consent_receipt(consent, chain_id=chain_id)
    differences = []
    for field in ("issuer", "validFrom", "validUntil"):
        if receipt.get(field) != expected[field]:
            differences.append(f"{field}: {receipt.get(field)!r} on the receipt, "
                               f"{expected[field]!r} on chain")  # fmt: skip
    subject = receipt.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    if subject.get("id") != expected["credentialSubject"]["id"]:
        differences.append("credentialSubject.id: not the consent's subject")
    given = subject.get("consent")
    given = given if isinstance(given, dict) else {}
    for field, value in expected["credentialSubject"]["consent"].items():
        if given.get(field) != value:
            differences.append(f"credentialSubject.consent.{field}: {given.get(field)!r} on "
                               f"the receipt, {value!r} on chain")  # fmt: skip
    return differences
