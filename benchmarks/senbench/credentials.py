"""Credentials issued/s and verified/s per cryptosuite, and did:sen resolutions/s.

Issuing signs a diploma credential (the Sen diploma context, Vietnamese text)
with a Data Integrity proof; verifying runs every check of
``sen.vc.verify_credential`` (data model, JSON-LD safe mode, canonicalization,
proof) with a did:key issuer, so the figures are the cost of the cryptosuite,
not of a chain lookup. Resolutions read did:sen documents from a state of
``dids`` identities, through the same resolver the REST endpoint uses.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sen.did.resolver import resolve
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.modules.base import Context
from sen.ledger.modules.identity.actions import MODULE as IDENTITY
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.ledger.state import EmptyState, Overlay
from sen.ledger.types import BlockInfo, ChainParams
from sen.vc import did_key, resolve_did_key, sign_credential, verify_credential
from sen.vc.loader import default_loader

Progress = Callable[[str, float, float], None]

CRYPTOSUITES = (
    ("eddsa-rdfc-2022", "ed25519"),
    ("eddsa-jcs-2022", "ed25519"),
    ("ecdsa-rdfc-2019", "ecdsa-p256"),
)
DIPLOMA_CONTEXT = "https://sen.gov.vn/contexts/diploma/v1"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _diploma(issuer: str, n: int) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", DIPLOMA_CONTEXT],
        "id": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "issuer": {"id": issuer, "name": "Đại học Bách khoa Hà Nội"},
        "validFrom": "2025-06-30T00:00:00+07:00",
        "credentialSubject": {
            "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "name": f"Nguyễn Thị Minh Khai {n}",
            "diploma": {
                "type": "Diploma",
                "degreeName": "Cử nhân Khoa học Máy tính",
                "classification": "Giỏi",
                "graduationYear": "2025",
                "diplomaNumber": f"BK-2025-{n:06d}",
            },
        },
    }


def _key(suite: str) -> SigningKey:
    return get_suite(suite).load_private(hashlib.sha256(suite.encode()).digest())


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


def _cryptosuite(name: str, suite: str, count: int) -> dict[str, Any]:
    key = _key(suite)
    issuer, method = did_key(suite, key.public_key)
    default_loader()  # contexts loaded and hashed once, outside the timing
    unsigned = [_diploma(issuer, n) for n in range(count)]
    started = time.perf_counter()
    signed = [sign_credential(c, key, method, name, created=NOW) for c in unsigned]
    issue_seconds = time.perf_counter() - started
    started = time.perf_counter()
    results = [verify_credential(c, resolve_did_key, now=NOW) for c in signed]
    verify_seconds = time.perf_counter() - started
    failed = sum(1 for r in results if not r.verified)
    if failed:
        raise RuntimeError(f"{failed} of {count} {name} credentials did not verify")
    return {
        "cryptosuite": name,
        "key_suite": suite,
        "credentials": count,
        "issued_per_s": _rate(count, issue_seconds),
        "verified_per_s": _rate(count, verify_seconds),
    }


def _identity_state(dids: int) -> Overlay:
    state = Overlay(EmptyState())
    create = IDENTITY.actions["create"]
    params = ChainParams(chain_id="bench")
    for n in range(dids):
        key = (
            _key("ed25519")
            if n == 0
            else get_suite("ed25519").load_private(
                hashlib.sha256(b"did" + n.to_bytes(4, "big")).digest()
            )
        )
        args = {
            "name": f"org-{n}",
            "verification_methods": [
                {"id": "key-1", "public_key_multibase": encode_multikey("ed25519", key.public_key)}
            ],
            "relationships": {"assertionMethod": ["key-1"], "authentication": ["key-1"]},
        }
        call = create.check(args, params)
        block = BlockInfo(1 + n, 1_767_225_600 + n, 0, bytes(20))
        sender = hashlib.sha256(key.public_key).digest()[:20]
        call.execute(Context(state, block, params, bytes(32), 0, sender))
    return state


def _resolutions(dids: int, lookups: int) -> dict[str, Any]:
    state = _identity_state(dids)
    names = [f"did:sen:org-{(n * 7919) % dids}" for n in range(lookups)]
    started = time.perf_counter()
    for did in names:
        result = resolve(did, state)
        if result.error:
            raise RuntimeError(f"{did} did not resolve: {result.error}")
    seconds = time.perf_counter() - started
    return {"dids_in_state": dids, "lookups": lookups, "resolutions_per_s": _rate(lookups, seconds)}


def run_credentials(
    *, count: int = 200, dids: int = 1_000, progress: Progress | None = None
) -> dict[str, Any]:
    """One JSON-ready result: per cryptosuite issue/verify rates, and DID resolutions/s."""
    suites = []
    for i, (name, suite) in enumerate(CRYPTOSUITES):
        if progress is not None:
            progress("credentials", i, len(CRYPTOSUITES) + 1)
        suites.append(_cryptosuite(name, suite, count))
    if progress is not None:
        progress("credentials", len(CRYPTOSUITES), len(CRYPTOSUITES) + 1)
    resolution = _resolutions(dids, max(count * 5, 100))
    if progress is not None:
        progress("credentials", len(CRYPTOSUITES) + 1, len(CRYPTOSUITES) + 1)
    return {
        "what": "W3C diploma credentials signed and verified per cryptosuite (one thread); did:sen "
        "resolutions from ledger state",
        "credential": "Sen diploma context, Vietnamese text, did:key issuer and subject",
        "cryptosuites": suites,
        "did_resolution": resolution,
    }
