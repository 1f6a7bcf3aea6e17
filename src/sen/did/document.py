"""Rendering DID documents (DID Core 1.0) from what the chain stores, deterministically.

The chain keeps typed fields, never free JSON; the document is built here the
same way every time: properties in a fixed order, methods and services in
the order the transaction gave them, relationships in the order of
:data:`~sen.ledger.modules.identity.records.RELATIONSHIPS`, verification
methods as ``Multikey`` with ``publicKeyMultibase``.

Two representations (DID Core §6): JSON-LD (``application/did+ld+json``)
carries ``@context``; plain JSON (``application/did+json``) does not.
"""

from __future__ import annotations

import datetime
from typing import Any

from sen.ledger.modules.identity.multikey import encode_multikey
from sen.ledger.modules.identity.records import RELATIONSHIPS, DocumentContent

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
DOCUMENT_CONTEXT = (DID_CONTEXT, MULTIKEY_CONTEXT)
MULTIKEY = "Multikey"


def xml_datetime(seconds: int) -> str:
    """An XML Schema dateTime in UTC without fractions, as DID Core's metadata wants."""
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_document(did: str, content: DocumentContent, *, json_ld: bool = True) -> dict[str, Any]:
    """The DID document of ``did`` with ``content`` (a deactivated version has none)."""
    document: dict[str, Any] = {}
    if json_ld:
        document["@context"] = list(DOCUMENT_CONTEXT)
    document["id"] = did
    if content.controller_dids:
        document["controller"] = list(content.controller_dids)
    if content.also_known_as:
        document["alsoKnownAs"] = list(content.also_known_as)
    if content.methods:
        document["verificationMethod"] = [
            {
                "id": f"{did}#{method.id}",
                "type": MULTIKEY,
                "controller": did,
                "publicKeyMultibase": encode_multikey(method.suite, method.public_key),
            }
            for method in content.methods
        ]
    for name in RELATIONSHIPS:
        ids = content.relationship(name)
        if ids:
            document[name] = [f"{did}#{fragment}" for fragment in ids]
    if content.services:
        document["service"] = [
            {"id": f"{did}#{service.id}", "type": service.type, "serviceEndpoint": service.endpoint}
            for service in content.services
        ]
    return document


def render_key_document(did: str, multikey: str, *, json_ld: bool = True) -> dict[str, Any]:
    """The did:key document (Multikey form): one key, listed for every signing purpose."""
    method_id = f"{did}#{multikey}"
    document: dict[str, Any] = {}
    if json_ld:
        document["@context"] = list(DOCUMENT_CONTEXT)
    document["id"] = did
    document["verificationMethod"] = [
        {"id": method_id, "type": MULTIKEY, "controller": did, "publicKeyMultibase": multikey}
    ]
    for name in RELATIONSHIPS:
        document[name] = [method_id]
    return document
