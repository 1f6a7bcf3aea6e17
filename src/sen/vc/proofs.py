"""Data Integrity proofs (W3C VC Data Integrity 1.0 §4): adding one, and checking one.

A proof is a ``DataIntegrityProof`` object::

    {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
     "created": "2025-06-01T08:00:00Z",
     "verificationMethod": "did:sen:hust#key-1", "proofPurpose": "assertionMethod",
     "proofValue": "z…"}            # multibase base58-btc of the signature

Presentations add ``challenge`` and ``domain`` (``proofPurpose``
``authentication``). ``eddsa-jcs-2022`` proofs also carry the document's
``@context``. A document may carry a proof *set* (an array); a proof naming
``previousProof`` ids is part of a *chain* and signs the document together
with those proofs.

:func:`check_proof` returns problems instead of raising: the codes are
``MALFORMED_PROOF``, ``UNSUPPORTED_CRYPTOSUITE``, ``INVALID_DATE``,
``UNKNOWN_VERIFICATION_METHOD``, ``KEY_MISMATCH``, ``CONTEXT_MISMATCH``,
``INVALID_SIGNATURE``, ``PROOF_EXPIRED``, ``INVALID_CHALLENGE``,
``INVALID_DOMAIN``, and those of JSON-LD processing (``UNKNOWN_CONTEXT``,
``TERM_DROPPED``, ...).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sen.ledger.modules.identity.multikey import base58btc_decode, base58btc_encode
from sen.vc.canonical import DocumentLoader
from sen.vc.cryptosuites import PROOF_TYPE, Cryptosuite, Signer, get_cryptosuite
from sen.vc.datamodel import is_url
from sen.vc.dates import format_datetime_stamp, parse_datetime_stamp
from sen.vc.errors import (
    ErrorCode,
    InvalidDocument,
    Problem,
    SigningError,
    UnsupportedCryptosuite,
    VcError,
)
from sen.vc.loader import ContextLoader

__all__ = [
    "KeyResolver",
    "ProofCheck",
    "ProofOptions",
    "check_proof",
    "create_proof",
    "proofs_of",
]

KeyResolver = Callable[[str], tuple[str, bytes, str]]
"""``resolve_key(verification method URL) -> (Sen suite, raw public key, controller DID)``."""

MULTIBASE_BASE58BTC = "z"
SIGNATURE_SIZE = 64


@dataclass(frozen=True, slots=True)
class ProofOptions:
    cryptosuite: str
    verification_method: str
    proof_purpose: str
    created: datetime | None = None
    challenge: str | None = None
    domain: str | None = None


@dataclass(frozen=True, slots=True)
class ProofCheck:
    """What checking one proof found; ``controller`` is set once its key resolved."""

    path: str
    problems: tuple[Problem, ...]
    purpose: str | None = None
    verification_method: str | None = None
    controller: str | None = None


def create_proof(
    document: Mapping[str, Any],
    key: Signer,
    options: ProofOptions,
    loader: ContextLoader | DocumentLoader,
) -> dict[str, Any]:
    """A proof over ``document`` (any proof it has is left out), signed by ``key``."""
    suite = get_cryptosuite(options.cryptosuite)
    if not is_url(options.verification_method):
        raise VcError(
            ErrorCode.MALFORMED_PROOF,
            f"verificationMethod must be a URL, got {options.verification_method!r}",
            "$.proof.verificationMethod",
        )
    _check_key(suite, key)
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    proof: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": suite.name}
    if options.created is not None:
        proof["created"] = format_datetime_stamp(options.created)
    proof["verificationMethod"] = options.verification_method
    proof["proofPurpose"] = options.proof_purpose
    if options.challenge is not None:
        proof["challenge"] = options.challenge
    if options.domain is not None:
        proof["domain"] = options.domain
    if suite.canonicalization == "jcs" and "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    config = _proof_config(proof, unsecured)
    hash_data = suite.hash_data(unsecured, config, loader)
    signature = key.sign(hash_data)
    if not suite.verify(key.public_key, hash_data, signature):
        raise SigningError(
            f"the key returned a signature that does not verify under {suite.name} "
            "with its own public key (a wrong key type, or a faulty signer)"
        )
    proof["proofValue"] = MULTIBASE_BASE58BTC + base58btc_encode(signature)
    return proof


def proofs_of(document: Mapping[str, Any]) -> list[tuple[str, object]]:
    """``(path, proof)`` for each proof of ``document`` (one, or each of a proof set)."""
    value = document.get("proof")
    if isinstance(value, list):
        return [(f"$.proof[{index}]", item) for index, item in enumerate(value)]
    return [] if value is None else [("$.proof", value)]


def check_proof(
    document: Mapping[str, Any],
    path: str,
    proof: object,
    resolve_key: KeyResolver,
    loader: ContextLoader | DocumentLoader,
    now: datetime,
    *,
    challenge: str | None = None,
    domain: str | None = None,
) -> ProofCheck:
    """Check one proof of ``document`` (found at ``path``): shape, key, signature, expiry."""
    if not isinstance(proof, dict):
        return ProofCheck(
            path, (Problem(ErrorCode.MALFORMED_PROOF, "a proof is a JSON object", path),)
        )
    purpose = proof.get("proofPurpose") if isinstance(proof.get("proofPurpose"), str) else None
    method = proof.get("verificationMethod") if is_url(proof.get("verificationMethod")) else None
    problems = _shape_problems(proof, path)
    problems += _expectations(proof, path, now, challenge, domain)
    if problems or method is None:
        return ProofCheck(path, tuple(problems), purpose, method)
    suite = get_cryptosuite(proof["cryptosuite"])
    try:
        key_suite, public_key, controller = resolve_key(method)
    except Exception as exc:  # the resolver is the caller's: any failure means "no key"
        problem = Problem(
            ErrorCode.UNKNOWN_VERIFICATION_METHOD,
            f"cannot resolve {method!r}: {exc}",
            f"{path}.verificationMethod",
        )
        return ProofCheck(path, (problem,), purpose, method)
    if key_suite != suite.key_suite:
        problem = Problem(
            ErrorCode.KEY_MISMATCH,
            f"{method!r} is a {key_suite} key; {suite.name} needs a {suite.key_suite} key",
            f"{path}.verificationMethod",
        )
        return ProofCheck(path, (problem,), purpose, method, controller)
    problems = _signature_problems(document, path, proof, suite, public_key, loader)
    return ProofCheck(path, tuple(problems), purpose, method, controller)


def _check_key(suite: Cryptosuite, key: Signer) -> None:
    key_suite = getattr(key, "suite", None)
    if key_suite is not None and key_suite != suite.key_suite:
        raise SigningError(
            f"{suite.name} signs with {suite.key_suite} keys; this key is {key_suite}"
        )


def _proof_config(options: Mapping[str, Any], unsecured: Mapping[str, Any]) -> dict[str, Any]:
    config = {name: value for name, value in options.items() if name != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return config


def _shape_problems(proof: Mapping[str, Any], path: str) -> list[Problem]:
    problems: list[Problem] = []

    def malformed(field: str, message: str) -> None:
        problems.append(Problem(ErrorCode.MALFORMED_PROOF, message, f"{path}.{field}"))

    if proof.get("type") != PROOF_TYPE:
        malformed("type", f"proof type must be {PROOF_TYPE!r}, got {proof.get('type')!r}")
    try:
        get_cryptosuite(proof.get("cryptosuite"))
    except UnsupportedCryptosuite as exc:
        problems.append(Problem(exc.code, exc.message, f"{path}.cryptosuite"))
    if not is_url(proof.get("verificationMethod")):
        malformed("verificationMethod", "verificationMethod must be a URL")
    if not isinstance(proof.get("proofPurpose"), str):
        malformed("proofPurpose", "proofPurpose is required (a string)")
    if "id" in proof and not is_url(proof["id"]):
        malformed("id", f"a proof id must be a URL, got {proof['id']!r}")
    for field in ("created", "expires"):
        if field in proof:
            try:
                parse_datetime_stamp(proof[field])
            except ValueError as exc:
                problems.append(
                    Problem(ErrorCode.INVALID_DATE, f"'{field}': {exc}", f"{path}.{field}")
                )
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith(MULTIBASE_BASE58BTC):
        malformed("proofValue", "proofValue must be a multibase base58-btc string (starting 'z')")
    else:
        try:
            size = len(base58btc_decode(value[1:]))
        except ValueError as exc:
            malformed("proofValue", f"proofValue is not base58-btc: {exc}")
        else:
            if size != SIGNATURE_SIZE:
                malformed(
                    "proofValue",
                    f"proofValue is {size} bytes; signatures here are {SIGNATURE_SIZE}",
                )
    return problems


def _expectations(
    proof: Mapping[str, Any],
    path: str,
    now: datetime,
    challenge: str | None,
    domain: str | None,
) -> list[Problem]:
    problems: list[Problem] = []
    if "expires" in proof:
        try:
            expires = parse_datetime_stamp(proof["expires"])
        except ValueError:
            pass  # reported as INVALID_DATE
        else:
            if expires < now:
                problems.append(
                    Problem(
                        ErrorCode.PROOF_EXPIRED,
                        f"the proof expired at {proof['expires']}",
                        f"{path}.expires",
                    )
                )
    if challenge is not None and proof.get("challenge") != challenge:
        problems.append(
            Problem(
                ErrorCode.INVALID_CHALLENGE,
                f"the proof's challenge is {proof.get('challenge')!r}, expected {challenge!r}",
                f"{path}.challenge",
            )
        )
    if domain is not None:
        got = proof.get("domain")
        domains = got if isinstance(got, list) else [got]
        if domain not in domains:
            problems.append(
                Problem(
                    ErrorCode.INVALID_DOMAIN,
                    f"the proof's domain is {got!r}, expected {domain!r}",
                    f"{path}.domain",
                )
            )
    return problems


def _signature_problems(
    document: Mapping[str, Any],
    path: str,
    proof: Mapping[str, Any],
    suite: Cryptosuite,
    public_key: bytes,
    loader: ContextLoader | DocumentLoader,
) -> list[Problem]:
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    chained = _previous_proofs(document, proof, path)
    if isinstance(chained, Problem):
        return [chained]
    if chained:
        unsecured["proof"] = chained
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in options:
        signed_context = _as_list(options["@context"])
        if _as_list(document.get("@context"))[: len(signed_context)] != signed_context:
            return [
                Problem(
                    ErrorCode.CONTEXT_MISMATCH,
                    "the document's @context does not start with the proof's @context",
                    f"{path}.@context",
                )
            ]
        unsecured["@context"] = options["@context"]
    config = _proof_config(options, unsecured)
    try:
        config_bytes = suite.canonicalize(config, loader)
    except InvalidDocument as exc:
        return [Problem(p.code, p.message, path + p.path[1:]) for p in exc.problems]
    try:
        document_bytes = suite.canonicalize(unsecured, loader)
    except InvalidDocument as exc:
        return list(exc.problems)
    hash_data = hashlib.sha256(config_bytes).digest() + hashlib.sha256(document_bytes).digest()
    signature = base58btc_decode(str(proof["proofValue"])[1:])
    if suite.verify(public_key, hash_data, signature):
        return []
    return [
        Problem(
            ErrorCode.INVALID_SIGNATURE,
            "the signature does not verify: the document or its proof changed after signing, "
            "or another key signed it",
            f"{path}.proofValue",
        )
    ]


def _previous_proofs(
    document: Mapping[str, Any], proof: Mapping[str, Any], path: str
) -> list[Any] | Problem:
    previous = proof.get("previousProof")
    if previous is None:
        return []
    wanted = _as_list(previous)
    if not all(isinstance(item, str) for item in wanted):
        return Problem(
            ErrorCode.MALFORMED_PROOF,
            "previousProof must be a string or strings",
            f"{path}.previousProof",
        )
    others = [item for _, item in proofs_of(document) if isinstance(item, dict)]
    matching = [item for item in others if item.get("id") in wanted]
    if len(matching) != len(set(wanted)):
        return Problem(
            ErrorCode.MALFORMED_PROOF,
            f"previousProof names {wanted}, but the document has no proof with each of those ids",
            f"{path}.previousProof",
        )
    return matching


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
