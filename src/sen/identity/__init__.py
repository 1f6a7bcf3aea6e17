"""Decentralized identifiers: resolve ``did:sen`` (from chain state) and ``did:key`` (locally).

::

    from sen.identity import resolve, resolve_verification_method

    result = resolve("did:sen:moet", node.app.store)
    suite, public_key, controller = resolve_verification_method("did:sen:moet#key-1", store)

The method is specified in ``docs/spec/did-sen.md``; the ledger side (create,
update, deactivate) is :mod:`sen.ledger.modules.identity`.
"""

from sen.identity.document import render_document, render_key_document, xml_datetime
from sen.identity.errors import (
    DidDeactivated,
    DidNotFound,
    InvalidDid,
    InvalidOptions,
    MethodNotAuthorized,
    MethodNotSupported,
    RepresentationNotSupported,
    ResolutionError,
)
from sen.identity.resolver import (
    DID_JSON,
    DID_LD_JSON,
    ResolutionResult,
    did_key_for,
    parse_version_time,
    resolve,
    resolve_verification_method,
)
from sen.identity.syntax import ParsedDid, parse_did, parse_did_url

__all__ = [
    "DID_JSON",
    "DID_LD_JSON",
    "DidDeactivated",
    "DidNotFound",
    "InvalidDid",
    "InvalidOptions",
    "MethodNotAuthorized",
    "MethodNotSupported",
    "ParsedDid",
    "RepresentationNotSupported",
    "ResolutionError",
    "ResolutionResult",
    "did_key_for",
    "parse_did",
    "parse_did_url",
    "parse_version_time",
    "render_document",
    "render_key_document",
    "resolve",
    "resolve_verification_method",
    "xml_datetime",
]
