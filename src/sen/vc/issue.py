"""Signing: a credential (proof purpose ``assertionMethod``) or a presentation (``authentication``).

Before anything is signed the document must pass every VCDM 2.0 rule (1.1's for a
1.1 document) and
JSON-LD processing in safe mode, whichever cryptosuite is used: an issuer
never signs a credential whose meaning a verifier would read differently
(or not at all). Problems raise :class:`~sen.vc.errors.InvalidDocument`,
listing all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sen.vc.canonical import DocumentLoader, expand, respelled_terms
from sen.vc.cryptosuites import Signer
from sen.vc.datamodel import check_credential, check_presentation, data_model_version
from sen.vc.errors import InvalidDocument
from sen.vc.loader import DATA_INTEGRITY_V2, ContextLoader, default_loader
from sen.vc.proofs import ProofOptions, create_proof

__all__ = ["sign_credential", "sign_presentation"]

DATA_INTEGRITY_CONTEXTS = frozenset(
    {"https://w3id.org/security/data-integrity/v1", DATA_INTEGRITY_V2}
)

ASSERTION_METHOD = "assertionMethod"
AUTHENTICATION = "authentication"


def sign_credential(
    credential: Mapping[str, Any],
    key: Signer,
    verification_method: str,
    cryptosuite: str,
    created: datetime | None = None,
    *,
    loader: ContextLoader | DocumentLoader | None = None,
) -> dict[str, Any]:
    """``credential`` with a Data Integrity proof by ``key`` (joining any proof it has)."""
    problems = check_credential(credential)
    if problems:
        raise InvalidDocument(problems)
    options = ProofOptions(cryptosuite, verification_method, ASSERTION_METHOD, _moment(created))
    return _sign(credential, key, options, loader)


def sign_presentation(
    presentation: Mapping[str, Any],
    key: Signer,
    verification_method: str,
    cryptosuite: str,
    *,
    challenge: str,
    domain: str,
    created: datetime | None = None,
    loader: ContextLoader | DocumentLoader | None = None,
) -> dict[str, Any]:
    """``presentation`` with an ``authentication`` proof bound to a challenge and a domain."""
    problems = check_presentation(presentation)
    if problems:
        raise InvalidDocument(problems)
    options = ProofOptions(
        cryptosuite,
        verification_method,
        AUTHENTICATION,
        _moment(created),
        challenge=challenge,
        domain=domain,
    )
    return _sign(presentation, key, options, loader)


def _sign(
    document: Mapping[str, Any],
    key: Signer,
    options: ProofOptions,
    loader: ContextLoader | DocumentLoader | None,
) -> dict[str, Any]:
    loader = loader if loader is not None else default_loader()
    document = _with_proof_terms(document)
    # unknown contexts and dropped terms, whatever the suite; and core terms written otherwise
    respelled = respelled_terms(document, expand(document, loader))
    if respelled:
        raise InvalidDocument(respelled)
    proof = create_proof(document, key, options, loader)
    signed = dict(document)
    existing = signed.get("proof")
    if existing is None:
        signed["proof"] = proof
    else:
        signed["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return signed


def _with_proof_terms(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """A VCDM 1.1 document with the Data Integrity context appended, if it lacks one.

    1.1's context does not define ``DataIntegrityProof``, ``cryptosuite`` or
    ``proofValue``; without their context a JSON-LD processor drops the proof's
    terms (Data Integrity 1.0 §4.2 asks the issuer to add it). 2.0's context defines
    them.
    """
    context = document.get("@context")
    if data_model_version(document) != 1 or not isinstance(context, list):
        return document
    if any(isinstance(item, str) and item in DATA_INTEGRITY_CONTEXTS for item in context):
        return document
    return {**document, "@context": [*context, DATA_INTEGRITY_V2]}


def _moment(created: datetime | None) -> datetime:
    return created if created is not None else datetime.now(UTC).replace(microsecond=0)
