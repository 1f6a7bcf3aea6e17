"""Consent as the data subject's wallet makes it, and the privacy module's reads.

::

    terms = consent_terms(patient_key, controller="did:sen:benh-vien-a",
                          recipients=["did:sen:benh-vien-b"], purposes=["dpv:ServiceProvision"],
                          categories=["pd:HealthRecord"], expires=now + 30 * 86400)
    signed = sign_consent(patient_key, client.chain_id, terms)   # the patient signs, offline
    client.send(hospital_key, "privacy", "record_consent", signed)  # the controller records it

The subject is the wallet key's ``did:key`` (a key made for this one controller: pairwise).
What the signature covers is :func:`sen.ledger.modules.privacy.consent_message`
(``docs/spec/privacy.md`` §3.1).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sen.ledger.crypto import SigningKey
from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.ledger.modules.privacy import (
    ConsentTerms,
    consent_id_prefix,
    consent_message,
    request_id_prefix,
)
from sen.sdk.client import Client

EXPLICIT_CONSENT = "dpv:ExplicitlyExpressedConsent"


def did_key(key: SigningKey) -> str:
    """The ``did:key`` of a wallet key (Ed25519 or P-256)."""
    return "did:key:" + encode_multikey(key.suite, key.public_key)


def consent_terms(
    subject_key: SigningKey,
    *,
    controller: str,
    recipients: Sequence[str],
    purposes: Sequence[str],
    categories: Sequence[str],
    expires: int,
    legal_basis: str = EXPLICIT_CONSENT,
    refuse: bool = False,
    consent_id: bytes | None = None,
) -> dict[str, Any]:
    """The arguments of ``privacy.record_consent`` but the signature, with a fresh id of
    this subject and controller (:func:`new_consent_id`)."""
    subject = did_key(subject_key)
    return {
        "id": consent_id or new_consent_id(subject, controller),
        "subject": subject,
        "controller": controller,
        "recipients": list(recipients),
        "purposes": list(purposes),
        "categories": list(categories),
        "legal_basis": legal_basis,
        "decision": "refused" if refuse else "given",
        "expires": expires,
    }


def new_consent_id(subject: str, controller: str) -> bytes:
    """A consent id: 8 bytes bound to the subject and the controller, 8 random."""
    return consent_id_prefix(subject, controller) + secrets.token_bytes(8)


def new_request_id(subject: str, controller: str) -> bytes:
    """A data-subject request id: 8 bytes bound to the subject and the controller, 8 random."""
    return request_id_prefix(subject, controller) + secrets.token_bytes(8)


def sign_consent(subject_key: SigningKey, chain_id: str, terms: dict[str, Any]) -> dict[str, Any]:
    """``terms`` with the subject's signature for chain ``chain_id``: what the controller sends."""
    message = consent_message(chain_id, ConsentTerms.from_value(terms))
    return {**terms, "signature": subject_key.sign(message)}


def to_json(signed: dict[str, Any]) -> dict[str, Any]:
    """A signed consent as JSON (bytes as ``hex:...``, as ``sen tx send --args`` reads them)."""
    return {k: f"hex:{v.hex()}" if isinstance(v, bytes) else v for k, v in signed.items()}


def from_json(document: dict[str, Any]) -> dict[str, Any]:
    """The arguments back from :func:`to_json`."""
    return {
        k: bytes.fromhex(v[4:]) if isinstance(v, str) and v.startswith("hex:") else v
        for k, v in document.items()
    }


class ChainStateError(Exception):
    """The node's answer about a state key did not verify, or could not be had."""


class ChainState:
    """The chain's state as the vault reads it over a node's REST API: every value comes with
    its state proof, checked against the app hash the node states (or against
    ``trusted_app_hash``, from a verified header, when given). A ``StateReader`` for
    :func:`sen.ledger.modules.privacy.consent_allows` and ``Vault.read``::

        state = ChainState(client)
        vault.read(reference, consent=consent_id, reader=..., purpose=...,
                   state=state, at=latest_block_time(client))
    """

    def __init__(self, client: Client, trusted_app_hash: bytes | None = None) -> None:
        self.client = client
        self.trusted_app_hash = trusted_app_hash
        self.height = 0  # of the last value read

    def get(self, key: bytes) -> bytes | None:
        body = self.client.get(f"/v1/state/{key.hex()}", {"prove": "true"})
        try:
            value = None if body["value"] is None else base64.b64decode(body["value"])
            proof = body["proof"]
            app_hash = self.trusted_app_hash or bytes.fromhex(str(body["app_hash"]))
            verify_state_proof(
                app_hash, key, value, [bytes.fromhex(s) for s in proof["siblings"]],
                bytes.fromhex(proof["leaf_path"]) if proof["leaf_path"] else None,
                bytes.fromhex(proof["leaf_value_hash"]) if proof["leaf_value_hash"] else None,
            )  # fmt: skip
        except (StateProofError, KeyError, TypeError, ValueError) as exc:
            raise ChainStateError(f"state key {key.hex()}: the node's answer: {exc}") from None
        self.height = int(body.get("height", 0))
        return value

    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        raise ChainStateError("a range of state keys cannot be read with proofs over REST")


def latest_block_time(client: Client) -> int:
    """The last committed block's time, in seconds: the time a consent is judged at."""
    found = client.status().get("latest_block_time")
    if not isinstance(found, str):
        raise ChainStateError("the node has no block yet: no time to judge a consent at")
    return int(datetime.fromisoformat(found.replace("Z", "+00:00")).timestamp())


def privacy_receipt(client: Client, path: str, timeout: float = 30.0) -> dict[str, Any]:
    """A privacy receipt (``/v1/privacy/erasures/{controller}/{subject_ref}/receipt`` or
    ``/v1/privacy/consents/{id}/receipt``), waiting for the block that signs its state;
    ``sen verify`` checks it offline with the genesis file."""
    return client.get_receipt(path, timeout=timeout)
