"""Resolving did:sen from chain state: versions by time and number, deactivation, errors."""

from __future__ import annotations

import pytest
from identity_chain import IdentityChain, block_time, document, multikey

from sen.did import (
    DID_JSON,
    DidDeactivated,
    DidNotFound,
    InvalidDid,
    InvalidOptions,
    MethodNotAuthorized,
    MethodNotSupported,
    parse_version_time,
    resolve,
    resolve_verification_method,
    xml_datetime,
)


def _rotated(chain: IdentityChain) -> tuple[int, int]:
    """did:sen:moet with key 0 at block c, rotated to key 1 at block u; (c, u)."""
    chain.ok(chain.issuers[0], "create", document("moet", chain.keys[0]))
    created = chain.height
    chain.block()
    chain.block()
    chain.ok(chain.issuers[0], "update", document("moet", chain.keys[1]))
    return created, chain.height


def _key(result_document: dict[str, object]) -> str:
    methods = result_document["verificationMethod"]
    assert isinstance(methods, list)
    return str(methods[0]["publicKeyMultibase"])


def test_the_latest_version_with_its_metadata(chain: IdentityChain) -> None:
    created, updated = _rotated(chain)
    result = resolve("did:sen:moet", chain.store)
    assert result.error is None
    assert result.did_resolution_metadata == {"contentType": "application/did+ld+json"}
    assert result.did_document is not None and _key(result.did_document) == multikey(chain.keys[1])
    assert result.did_document_metadata == {
        "created": xml_datetime(block_time(created)),
        "updated": xml_datetime(block_time(updated)),
        "versionId": "2",
        "chainId": "gov-test",
    }
    body = result.to_json()
    assert body["@context"] == [
        "https://w3id.org/did-resolution/v1",
        {"chainId": "urn:sen:vocab:chainId"},
    ]
    assert body["didDocument"]["id"] == "did:sen:moet"


def test_version_time_before_and_after_an_update(chain: IdentityChain) -> None:
    created, updated = _rotated(chain)
    between = xml_datetime(block_time(updated) - 1)
    before = resolve("did:sen:moet", chain.store, version_time=between)
    assert before.did_document is not None
    assert _key(before.did_document) == multikey(chain.keys[0])
    assert before.did_document_metadata == {
        "created": xml_datetime(block_time(created)),
        "versionId": "1",
        "nextUpdate": xml_datetime(block_time(updated)),
        "nextVersionId": "2",
        "chainId": "gov-test",
    }
    at_update = resolve("did:sen:moet", chain.store, version_time=xml_datetime(block_time(updated)))
    assert at_update.did_document_metadata["versionId"] == "2"
    by_seconds = resolve("did:sen:moet", chain.store, version_time=block_time(created))
    assert by_seconds.did_document_metadata["versionId"] == "1"
    too_early = resolve(
        "did:sen:moet", chain.store, version_time=xml_datetime(block_time(created) - 1)
    )
    assert too_early.error == "notFound" and too_early.did_document is None
    assert "did not exist yet" in too_early.did_resolution_metadata["problemDetails"]["detail"]


def test_version_id(chain: IdentityChain) -> None:
    _rotated(chain)
    first = resolve("did:sen:moet", chain.store, version_id="1")
    assert first.did_document is not None and _key(first.did_document) == multikey(chain.keys[0])
    assert first.did_document_metadata["nextVersionId"] == "2"
    assert resolve("did:sen:moet", chain.store, version_id=3).error == "notFound"
    for bad in ("0", "01", "x", "-1"):
        assert resolve("did:sen:moet", chain.store, version_id=bad).error == "invalidOptions"


def test_a_deactivated_did(chain: IdentityChain) -> None:
    created, updated = _rotated(chain)
    chain.ok(chain.issuers[0], "deactivate", {"name": "moet"})
    result = resolve("did:sen:moet", chain.store)
    assert result.error is None and result.deactivated
    assert result.did_document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": "did:sen:moet",
    }
    assert result.did_document_metadata == {
        "created": xml_datetime(block_time(created)),
        "updated": xml_datetime(block_time(chain.height)),
        "deactivated": True,
        "versionId": "3",
        "chainId": "gov-test",
    }
    earlier = resolve("did:sen:moet", chain.store, version_time=block_time(updated))
    assert not earlier.deactivated and earlier.did_document_metadata["nextVersionId"] == "3"


@pytest.mark.parametrize(
    ("did", "options", "error", "field"),
    [
        ("did:sen:nobody", {}, "notFound", "did"),
        ("did:sen:MOET", {}, "invalidDid", "did"),
        ("did:sen:moet:extra", {}, "invalidDid", "did"),
        ("moet", {}, "invalidDid", "did"),
        ("did:web:moet.gov.vn", {}, "methodNotSupported", "did"),
        ("did:sen:moet", {"version_time": "yesterday"}, "invalidOptions", "versionTime"),
        ("did:sen:moet", {"version_time": "2027-02-30T00:00:00Z"}, "invalidOptions", "versionTime"),
        (
            "did:sen:moet",
            {"version_time": 1_800_000_100, "version_id": "1"},
            "invalidOptions",
            "versionId",
        ),
        ("did:sen:moet", {"accept": "text/html"}, "representationNotSupported", "accept"),
    ],
)
def test_errors(
    chain: IdentityChain, did: str, options: dict[str, object], error: str, field: str
) -> None:
    chain.ok(chain.issuers[0], "create", document("moet", chain.keys[0]))
    result = resolve(did, chain.store, **options)  # type: ignore[arg-type]
    assert result.error == error
    assert result.did_document is None and result.did_document_metadata == {}
    details = result.did_resolution_metadata["problemDetails"]
    assert details["field"] == field and details["detail"]
    assert details["type"].startswith("https://www.w3.org/ns/did#")


def test_plain_json_representation(chain: IdentityChain) -> None:
    chain.ok(chain.issuers[0], "create", document("moet", chain.keys[0]))
    result = resolve("did:sen:moet", chain.store, accept=DID_JSON)
    assert result.did_resolution_metadata == {"contentType": DID_JSON}
    assert result.did_document is not None and "@context" not in result.did_document


def test_version_times() -> None:
    assert parse_version_time("2027-01-15T08:00:00Z") == 1_800_000_000
    assert parse_version_time("2027-01-15T15:00:00+07:00") == 1_800_000_000
    assert parse_version_time("2027-01-15T08:00:00.999Z") == 1_800_000_000
    assert parse_version_time(1_800_000_000) == 1_800_000_000
    for bad in ("2027-01-15", "2027-01-15T08:00:00", "15/01/2027"):
        with pytest.raises(InvalidOptions):
            parse_version_time(bad)


# -- resolve_verification_method: what verifiers call ----------------------------------


def test_a_verification_method_now_and_at_a_past_time(chain: IdentityChain) -> None:
    created, updated = _rotated(chain)
    suite, public_key, controller = resolve_verification_method("did:sen:moet#key-1", chain.store)
    assert (suite, public_key, controller) == ("ed25519", chain.keys[1].public_key, "did:sen:moet")
    old = resolve_verification_method(
        "did:sen:moet#key-1", chain.store, at=block_time(updated) - 1, purpose="assertionMethod"
    )
    assert old == ("ed25519", chain.keys[0].public_key, "did:sen:moet")
    with pytest.raises(DidNotFound, match="did not exist yet"):
        resolve_verification_method("did:sen:moet#key-1", chain.store, at=block_time(created) - 1)


def test_a_verification_method_must_exist_and_serve_the_purpose(chain: IdentityChain) -> None:
    args = document("moet", chain.keys[0], chain.keys[1])
    args["relationships"] = {"assertionMethod": ["key-1"], "authentication": ["key-2"]}
    chain.ok(chain.issuers[0], "create", args)
    assert resolve_verification_method(
        "did:sen:moet#key-2", chain.store, purpose="authentication"
    ) == ("ed25519", chain.keys[1].public_key, "did:sen:moet")
    with pytest.raises(MethodNotAuthorized, match="not listed under assertionMethod"):
        resolve_verification_method("did:sen:moet#key-2", chain.store, purpose="assertionMethod")
    with pytest.raises(DidNotFound, match="no verification method #key-3"):
        resolve_verification_method("did:sen:moet#key-3", chain.store)
    with pytest.raises(InvalidOptions):
        resolve_verification_method("did:sen:moet#key-1", chain.store, purpose="keyAgreement")
    with pytest.raises(InvalidDid):
        resolve_verification_method("did:sen:moet", chain.store)
    with pytest.raises(MethodNotSupported):
        resolve_verification_method("did:web:moet.gov.vn#key-1", chain.store)
    with pytest.raises(DidNotFound):
        resolve_verification_method("did:sen:nobody#key-1", chain.store)


def test_a_deactivated_did_verifies_nothing_after_but_still_before(chain: IdentityChain) -> None:
    chain.ok(chain.issuers[0], "create", document("moet", chain.keys[0]))
    active_at = block_time(chain.height)
    chain.ok(chain.issuers[0], "deactivate", {"name": "moet"})
    with pytest.raises(DidDeactivated):
        resolve_verification_method("did:sen:moet#key-1", chain.store)
    assert resolve_verification_method("did:sen:moet#key-1", chain.store, at=active_at)[1] == (
        chain.keys[0].public_key
    )


def test_did_key_methods_resolve_without_state(chain: IdentityChain) -> None:
    holder = chain.keys[3]
    did = "did:key:" + multikey(holder)
    assert resolve_verification_method(f"{did}#{multikey(holder)}", chain.store) == (
        "ed25519",
        holder.public_key,
        did,
    )
    with pytest.raises(DidNotFound):
        resolve_verification_method(f"{did}#key-1", chain.store)
