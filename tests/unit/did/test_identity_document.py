"""DID documents are rendered from stored fields, the same bytes every time."""

from __future__ import annotations

import json

from sen.did import render_document, xml_datetime
from sen.ledger.crypto import P256, EcdsaSuite, Ed25519Suite
from sen.ledger.modules.identity import DocumentContent, Service, VerificationMethod

ED = Ed25519Suite().load_private(bytes(32)).public_key
P = EcdsaSuite(P256).load_private(bytes([9]) * 32).public_key
CONTENT = DocumentContent(
    methods=(VerificationMethod("key-1", "ed25519", ED), VerificationMethod("p", "ecdsa-p256", P)),
    relationships=(("authentication", ("key-1",)), ("assertionMethod", ("p", "key-1"))),
    services=(Service("web", "LinkedDomains", "https://moet.gov.vn/"),),
    also_known_as=("https://moet.gov.vn/",),
    controller_dids=("did:sen:gov",),
)
ED_MULTIKEY = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


def test_the_rendered_document() -> None:
    document = render_document("did:sen:moet", CONTENT)
    p_multikey = document["verificationMethod"][1]["publicKeyMultibase"]
    assert p_multikey.startswith("zDn")
    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": "did:sen:moet",
        "controller": ["did:sen:gov"],
        "alsoKnownAs": ["https://moet.gov.vn/"],
        "verificationMethod": [
            {
                "id": "did:sen:moet#key-1",
                "type": "Multikey",
                "controller": "did:sen:moet",
                "publicKeyMultibase": ED_MULTIKEY,
            },
            {
                "id": "did:sen:moet#p",
                "type": "Multikey",
                "controller": "did:sen:moet",
                "publicKeyMultibase": p_multikey,
            },
        ],
        "authentication": ["did:sen:moet#key-1"],
        "assertionMethod": ["did:sen:moet#p", "did:sen:moet#key-1"],
        "service": [
            {
                "id": "did:sen:moet#web",
                "type": "LinkedDomains",
                "serviceEndpoint": "https://moet.gov.vn/",
            }
        ],
    }


def test_rendering_is_deterministic_byte_for_byte() -> None:
    first = json.dumps(render_document("did:sen:moet", CONTENT))
    again = DocumentContent.from_value(CONTENT.to_value())  # as it comes back from state
    assert json.dumps(render_document("did:sen:moet", again)) == first


def test_plain_json_has_no_context_and_a_deactivated_version_only_its_id() -> None:
    assert "@context" not in render_document("did:sen:moet", CONTENT, json_ld=False)
    assert render_document("did:sen:moet", DocumentContent(), json_ld=False) == {
        "id": "did:sen:moet"
    }


def test_xml_datetime_is_utc_without_fractions() -> None:
    assert xml_datetime(1_800_000_000) == "2027-01-15T08:00:00Z"
    assert xml_datetime(0) == "1970-01-01T00:00:00Z"
