"""The bundled JSON-LD contexts: pinned, offline, and the only ones a credential may use."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
from pathlib import Path

import pytest
from vc_support import ED25519_METHOD, NOW, SIGNED_AT, Issuer, diploma

from sen.vc import (
    CREDENTIALS_V2,
    DIPLOMA_V1,
    ContextIntegrityError,
    ContextLoader,
    ErrorCode,
    InvalidDocument,
    UnknownContext,
    default_loader,
    sign_credential,
    verify_credential,
)
from sen.vc.canonical import canonicalize_rdfc, expand

CONTEXTS = Path(__file__).parents[3] / "src" / "sen" / "vc" / "contexts"
EXPECTED_URLS = {
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/undefined-terms/v2",
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/did/v1",
    "https://sen.gov.vn/contexts/diploma/v1",
    "https://sen.gov.vn/contexts/consent/v1",
    "https://sen.gov.vn/contexts/certification/v1",
}


def test_the_manifest_pins_every_bundled_file_by_sha256() -> None:
    manifest = json.loads((CONTEXTS / "manifest.json").read_text())

    assert set(manifest) == EXPECTED_URLS
    for entry in manifest.values():
        assert (
            hashlib.sha256((CONTEXTS / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
        )
    listed = {entry["file"] for entry in manifest.values()} | {"manifest.json"}
    assert {path.name for path in CONTEXTS.iterdir()} == listed


@pytest.mark.parametrize("url", sorted(EXPECTED_URLS))
def test_every_bundled_context_processes(url: str) -> None:
    document = {"@context": url, "@id": "urn:example:thing"}
    assert expand(document, default_loader()) == []  # a node with only an id expands to nothing


def test_the_loader_answers_only_bundled_urls() -> None:
    loader = default_loader()
    assert loader(CREDENTIALS_V2, {})["document"]["@context"]["@protected"] is True
    with pytest.raises(UnknownContext) as raised:
        loader("https://example.com/contexts/v1", {})
    assert raised.value.code == ErrorCode.UNKNOWN_CONTEXT


def test_an_unknown_context_is_rejected_without_any_network_use(issuer: Issuer) -> None:
    credential = diploma()
    credential["@context"] = [*credential["@context"], "https://schema.org/"]

    with pytest.raises(InvalidDocument) as raised:
        sign_credential(
            credential, issuer.keys[ED25519_METHOD], ED25519_METHOD, "eddsa-rdfc-2022", SIGNED_AT
        )
    assert raised.value.problems[0].code == ErrorCode.UNKNOWN_CONTEXT
    assert "https://schema.org/" in raised.value.problems[0].message

    result = verify_credential(
        credential, issuer.resolve, now=NOW, is_authorized=issuer.is_authorized
    )
    assert ErrorCode.UNKNOWN_CONTEXT in [problem.code for problem in result.errors]


def test_an_unknown_context_nested_inside_the_document_is_rejected_too() -> None:
    credential = diploma()
    credential["credentialSubject"]["@context"] = "https://evil.example/ctx"

    with pytest.raises(InvalidDocument) as raised:
        canonicalize_rdfc(credential, default_loader())
    assert raised.value.problems[0].code == ErrorCode.UNKNOWN_CONTEXT


def test_the_network_guard_works() -> None:
    with pytest.raises(AssertionError, match="used the network"):
        socket.create_connection(("www.w3.org", 443))


def test_a_tampered_context_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "contexts"
    shutil.copytree(CONTEXTS, copy)
    path = copy / "credentials-v2.json"
    path.write_text(
        path.read_text().replace("https://schema.org/name", "https://evil.example/name")
    )

    with pytest.raises(ContextIntegrityError) as raised:
        ContextLoader(copy)
    assert raised.value.code == ErrorCode.CONTEXT_INTEGRITY
    assert "credentials-v2.json" in raised.value.message


def test_a_missing_context_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "contexts"
    shutil.copytree(CONTEXTS, copy)
    (copy / "did-v1.json").unlink()

    with pytest.raises(ContextIntegrityError, match=r"did-v1\.json"):
        ContextLoader(copy)


def test_the_loader_hands_out_copies() -> None:
    loader = default_loader()
    loader(DIPLOMA_V1, {})["document"]["@context"]["diploma"] = "https://evil.example/diploma"
    assert (
        loader(DIPLOMA_V1, {})["document"]["@context"]["diploma"]
        == "https://sen.gov.vn/vocab#diploma"
    )


def test_the_diploma_context_is_protected() -> None:
    credential = diploma()
    credential["@context"] = [*credential["@context"], {"diploma": "https://evil.example/diploma"}]

    with pytest.raises(InvalidDocument) as raised:
        expand(credential, default_loader())
    assert raised.value.problems[0].code == ErrorCode.MALFORMED_JSON_LD
    assert "protected term redefinition" in raised.value.problems[0].message
