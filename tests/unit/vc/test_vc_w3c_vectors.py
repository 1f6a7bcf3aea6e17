"""The W3C test vectors of each cryptosuite, reproduced step by step.

Sources (copied as data into ``vectors/``): Data Integrity EdDSA Cryptosuites
v1.0, Appendix B.1 (eddsa-rdfc-2022), B.3 (eddsa-jcs-2022) and B.5.3 (a proof
set and chain); Data Integrity ECDSA Cryptosuites v1.0, Appendix A.1
(ecdsa-rdfc-2019, P-256). EdDSA is deterministic, so the proof values must be
reproduced exactly; the ECDSA vectors used RFC 6979 deterministic nonces, so
they are too, by a signer that does not normalise S.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from vc_support import NOW, load_vector

from sen.ledger.crypto import P256, get_suite, normalize_low_s
from sen.ledger.modules.identity.multikey import base58btc_decode, decode_multikey
from sen.vc import (
    ErrorCode,
    default_loader,
    get_cryptosuite,
    resolve_did_key,
    sign_credential,
    verify_credential,
)
from sen.vc.canonical import canonicalize_jcs, canonicalize_rdfc

CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
VECTOR_FILES = ["eddsa-rdfc-2022.json", "eddsa-jcs-2022.json", "ecdsa-rdfc-2019-p256.json"]


def _secret(vector: dict[str, Any]) -> bytes:
    """The raw private key of a ``secretKeyMultibase`` (multicodec 0x1300 Ed25519, 0x1306 P-256)."""
    data = base58btc_decode(vector["keyPair"]["secretKeyMultibase"][1:])
    assert data[:2] in (b"\x80\x26", b"\x86\x26")
    return data[2:]


def _canonical_text(expected: str | list[str]) -> bytes:
    if isinstance(expected, list):  # N-Quads: one quad a line, each line ending in "\n"
        return "".join(line + "\n" for line in expected).encode()
    return expected.encode()


def _canonical(suite_name: str, document: dict[str, Any]) -> bytes:
    if get_cryptosuite(suite_name).canonicalization == "rdfc":
        return canonicalize_rdfc(document, default_loader()).encode()
    return canonicalize_jcs(document)


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_canonical_forms_and_hashes_match_the_spec(name: str) -> None:
    vector = load_vector(name)
    suite = vector["proofOptions"]["cryptosuite"]

    document = _canonical(suite, vector["unsigned"])
    options = _canonical(suite, vector["proofOptions"])

    assert document == _canonical_text(vector["canonicalDocument"])
    assert hashlib.sha256(document).hexdigest() == vector["documentHash"]
    assert options == _canonical_text(vector["canonicalProofOptions"])
    assert hashlib.sha256(options).hexdigest() == vector["proofOptionsHash"]
    combined = get_cryptosuite(suite).hash_data(
        vector["unsigned"], vector["proofOptions"], default_loader()
    )
    assert combined.hex() == vector["combinedHash"]  # proof options hash first


@pytest.mark.parametrize("name", ["eddsa-rdfc-2022.json", "eddsa-jcs-2022.json"])
def test_eddsa_proof_is_reproduced_exactly(name: str) -> None:
    vector = load_vector(name)
    key = get_suite("ed25519").load_private(_secret(vector))
    assert decode_multikey(vector["keyPair"]["publicKeyMultibase"]) == ("ed25519", key.public_key)

    signed = sign_credential(
        vector["unsigned"],
        key,
        vector["proofOptions"]["verificationMethod"],
        vector["proofOptions"]["cryptosuite"],
        CREATED,
    )

    assert signed == vector["signed"]
    assert base58btc_decode(signed["proof"]["proofValue"][1:]).hex() == vector["signature"]


class DeterministicP256:
    """ECDSA P-256 with RFC 6979 nonces, S left as it comes (as the vectors' signer did)."""

    def __init__(self, scalar: bytes) -> None:
        self._key = ec.derive_private_key(int.from_bytes(scalar, "big"), P256.curve)
        self.public_key = get_suite("ecdsa-p256").load_private(scalar).public_key

    def sign(self, message: bytes) -> bytes:
        der = self._key.sign(message, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def test_ecdsa_proof_is_reproduced_with_rfc6979_and_sen_signs_its_low_s_twin() -> None:
    vector = load_vector("ecdsa-rdfc-2019-p256.json")
    scalar = _secret(vector)
    method = vector["proofOptions"]["verificationMethod"]

    exact = sign_credential(
        vector["unsigned"], DeterministicP256(scalar), method, "ecdsa-rdfc-2019", CREATED
    )
    assert exact == vector["signed"]

    sen_key = get_suite("ecdsa-p256").load_private(scalar)
    low_s = sign_credential(vector["unsigned"], sen_key, method, "ecdsa-rdfc-2019", CREATED)
    signature = base58btc_decode(low_s["proof"]["proofValue"][1:])
    assert signature == normalize_low_s(bytes.fromhex(vector["signature"]), "ecdsa-p256")
    assert signature != bytes.fromhex(vector["signature"])  # the spec's S is the high one


@pytest.mark.parametrize(
    "name",
    [*VECTOR_FILES, "eddsa-rdfc-2022-proof-chain.json"],
)
def test_signed_vector_verifies_and_only_the_issuer_binding_is_reported(name: str) -> None:
    """Every proof verifies; the vectors' issuer (https://vc.example/...) is not the did:key that
    signed, which Sen reports, as a verifier must, as the one error."""
    vector = load_vector(name)

    result = verify_credential(vector["signed"], resolve_did_key, now=NOW)

    assert result.checks == ("dataModel", "proof", "proofPurpose", "validity")
    assert [problem.code for problem in result.errors] == [ErrorCode.ISSUER_MISMATCH]
    assert result.warnings == ()


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_signed_vector_verifies_when_the_issuer_is_the_signer(name: str) -> None:
    vector = load_vector(name)
    signed = dict(vector["signed"])
    method = signed["proof"]["verificationMethod"]
    # Re-issue under the signer's own DID: the proof must then be made again, and verify fully.
    unsigned = dict(vector["unsigned"], issuer=method.split("#")[0])
    secret = _secret(vector)
    key = (
        get_suite("ed25519").load_private(secret)
        if method.startswith("did:key:z6Mk")
        else get_suite("ecdsa-p256").load_private(secret)
    )

    reissued = sign_credential(unsigned, key, method, signed["proof"]["cryptosuite"], CREATED)
    result = verify_credential(reissued, resolve_did_key, now=NOW)

    assert result.verified, result.errors
    assert result.checks == ("dataModel", "proof", "proofPurpose", "controller", "validity")


def test_a_changed_proof_in_the_chain_breaks_the_proofs_that_depend_on_it() -> None:
    vector = load_vector("eddsa-rdfc-2022-proof-chain.json")
    signed = dict(vector["signed"])
    proofs = [dict(proof) for proof in signed["proof"]]
    proofs[0]["created"] = "2023-02-24T23:36:39Z"
    signed["proof"] = proofs

    result = verify_credential(signed, resolve_did_key, now=NOW)

    failed = {
        problem.path for problem in result.errors if problem.code == ErrorCode.INVALID_SIGNATURE
    }
    # the changed proof itself, and the chained proof that signed over it; not the independent one
    assert failed == {"$.proof[0].proofValue", "$.proof[2].proofValue"}
