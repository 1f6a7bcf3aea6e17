"""A proof over RDF covers meaning, not spelling: core terms must be written by their name.

An attacker holding a revoked (or expired, or unaccredited) credential signed
with an RDFC cryptosuite cannot change its meaning, but could respell a
property so that the signature still verifies while a reader of the JSON no
longer finds it. Each respelling here keeps the signature valid and must fail
the data model with ``RESPELLED_TERM``, and none may be signed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from vc_support import NOW, SIGNED_AT

from sen.ledger.crypto import get_suite
from sen.vc import (
    ErrorCode,
    InvalidDocument,
    did_key,
    resolve_did_key,
    sign_credential,
    sign_presentation,
    verify_credential,
    verify_presentation,
)

V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
CRED = "https://www.w3.org/2018/credentials#"
KEY = get_suite("ed25519").generate()
DID, METHOD = did_key(KEY.suite, KEY.public_key)
STATUS = {
    "id": "https://vc.vnu.edu.vn/v1/status-lists/x/y/credential#94567",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": "https://vc.vnu.edu.vn/v1/status-lists/x/y/credential",
}


def signed() -> dict[str, Any]:
    return sign_credential(
        {
            "@context": [V2, EXAMPLES],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": DID,
            "validFrom": "2025-01-01T00:00:00Z",
            "validUntil": "2025-08-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:alice", "alumniOf": "VNU"},
            "credentialStatus": STATUS,
        },
        KEY,
        METHOD,
        "eddsa-rdfc-2022",
        created=SIGNED_AT,
    )


def _move(document: dict[str, Any], term: str, key: str, alias: bool = False) -> None:
    document[key] = document.pop(term)
    if alias:
        document["@context"] = [*document["@context"], {key: {"@id": CRED + term}}]


def full_iri_status(d: dict[str, Any]) -> None:
    _move(d, "credentialStatus", CRED + "credentialStatus")


def aliased_status(d: dict[str, Any]) -> None:
    _move(d, "credentialStatus", "cs", alias=True)


def aliased_expiry(d: dict[str, Any]) -> None:
    d["@context"] = [
        *d["@context"],
        {
            "until": {
                "@id": CRED + "validUntil",
                "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
            }
        },
    ]
    d["until"] = d.pop("validUntil")


def type_as_keyword(d: dict[str, Any]) -> None:
    d["type"] = ["VerifiableCredential"]
    d["@type"] = ["ExampleAlumniCredential"]


RESPELLINGS: list[Callable[[dict[str, Any]], None]] = [
    full_iri_status,
    aliased_status,
    aliased_expiry,
    type_as_keyword,
]


@pytest.mark.parametrize("respell", RESPELLINGS, ids=lambda f: f.__name__)
def test_a_respelled_credential_keeps_its_signature_but_fails(
    respell: Callable[[dict[str, Any]], None],
) -> None:
    document = signed()
    respell(document)
    result = verify_credential(document, resolve_did_key, now=NOW)
    codes = [p.code for p in result.errors]
    assert not result.verified
    assert ErrorCode.RESPELLED_TERM in codes
    assert ErrorCode.INVALID_SIGNATURE not in codes  # the attack: the proof still holds
    assert "proof" in result.checks
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    with pytest.raises(InvalidDocument) as refused:
        sign_credential(unsigned, KEY, METHOD, "eddsa-rdfc-2022")
    assert refused.value.problems[0].code == ErrorCode.RESPELLED_TERM


def test_a_second_value_under_an_alias_is_caught_too() -> None:
    """A term present *and* an alias holding more of its values: the reader sees only some."""
    document = copy.deepcopy(signed())
    document.pop("proof")
    document["@context"] = [*document["@context"], {"cs": {"@id": CRED + "credentialStatus"}}]
    document["cs"] = {**STATUS, "statusListIndex": "7", "id": STATUS["id"][:-5] + "7"}
    with pytest.raises(InvalidDocument) as refused:
        sign_credential(document, KEY, METHOD, "eddsa-rdfc-2022")
    assert [(p.code, p.path) for p in refused.value.problems] == [
        (ErrorCode.RESPELLED_TERM, "$.credentialStatus")
    ]


def test_a_presentation_cannot_hide_its_credentials_under_an_alias() -> None:
    holder = get_suite("ed25519").generate()
    holder_did, holder_method = did_key(holder.suite, holder.public_key)
    presentation = sign_presentation(
        {"@context": [V2], "type": ["VerifiablePresentation"], "holder": holder_did,
         "verifiableCredential": [signed()]},
        holder,
        holder_method,
        "eddsa-rdfc-2022",
        challenge="c",
        domain="d",
    )  # fmt: skip
    presentation["@context"] = [
        V2,
        {"vcs": {"@id": CRED + "verifiableCredential", "@type": "@id", "@container": "@graph"}},
    ]
    presentation["vcs"] = presentation.pop("verifiableCredential")
    result = verify_presentation(presentation, resolve_did_key, "c", "d", now=NOW)
    assert not result.verified
    assert ErrorCode.RESPELLED_TERM in [p.code for p in result.errors]


def test_the_credential_as_issued_verifies() -> None:
    result = verify_credential(signed(), resolve_did_key, now=NOW)
    assert [p.code for p in result.errors] == [ErrorCode.EXPIRED]  # validUntil 2025-08-01
