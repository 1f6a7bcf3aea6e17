"""Shared helpers for the verifiable-credentials tests: vectors, a test issuer, a diploma."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sen.ledger.crypto import SigningKey
from sen.vc import DIPLOMA_V1, is_did_key, resolve_did_key

VECTORS = Path(__file__).parent / "vectors"
NOW = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
SIGNED_AT = datetime(2025, 6, 30, 9, 0, tzinfo=UTC)
ISSUER_DID = "did:sen:hust"
ED25519_METHOD = f"{ISSUER_DID}#key-ed25519"
P256_METHOD = f"{ISSUER_DID}#key-p256"
HOLDER_NAME = "Nguyễn Thị Minh Khai"


def load_vector(name: str) -> dict[str, Any]:
    vector: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return vector


@dataclass
class Issuer:
    """A DID with keys, and who may use them for what (a stand-in for the ledger's DID document)."""

    did: str
    keys: dict[str, SigningKey]
    relationships: dict[str, set[str]] = field(default_factory=dict)

    def resolve(self, method: str) -> tuple[str, bytes, str]:
        if is_did_key(method):
            return resolve_did_key(method)
        key = self.keys.get(method)
        if key is None:
            raise LookupError(f"no verification method {method!r}")
        return key.suite, key.public_key, self.did

    def is_authorized(self, method: str, purpose: str) -> bool:
        return is_did_key(method) or method in self.relationships.get(purpose, set())


def diploma(
    subject_id: str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
) -> dict[str, Any]:
    """A bachelor's diploma of Hanoi University of Science and Technology, under the Sen context."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", DIPLOMA_V1],
        "id": "urn:uuid:5a3c8f2e-1d7b-4c39-9e61-2b8f0d4a7c15",
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "issuer": {"id": ISSUER_DID, "name": "Đại học Bách khoa Hà Nội"},
        "name": "Bằng tốt nghiệp đại học",
        "validFrom": "2025-06-30T00:00:00+07:00",
        "credentialSubject": {
            "id": subject_id,
            "name": HOLDER_NAME,
            "birthDate": "2003-05-19",
            "diploma": {
                "type": "Diploma",
                "degreeName": "Cử nhân Khoa học Máy tính",
                "degreeType": "Cử nhân",
                "major": "Khoa học máy tính",
                "majorCode": "7480101",
                "classification": "Giỏi",
                "modeOfStudy": "Chính quy",
                "graduationYear": "2025",
                "diplomaNumber": "BK-2025-001234",
                "registryNumber": "QĐ 1234/ĐHBK",
            },
        },
    }
