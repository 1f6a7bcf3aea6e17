"""Decentralized identifiers: resolve ``did:sen`` (from chain state) and ``did:key`` (locally).

::

    from sen.did import resolve, resolve_verification_method

    result = resolve("did:sen:moet", node.app.store)
    suite, public_key, controller = resolve_verification_method("did:sen:moet#key-1", store)

The method is specified in ``docs/spec/did-sen.md``; the ledger side (create,
update, deactivate) is :mod:`sen.ledger.modules.identity`.
"""

from sen.did.document import render_document, render_key_document, xml_datetime
from sen.did.errors import (
    DidDeactivated,
    DidNotFound,
    InvalidDid,
    InvalidOptions,
    MethodNotAuthorized,
    MethodNotSupported,
    RepresentationNotSupported,
    ResolutionError,
)
from sen.did.key import (
    DID_KEY_PREFIX,
    did_key,
    did_key_for,
    is_did_key,
    resolve_did_key,
)
from sen.did.resolver import (
    DID_JSON,
    DID_LD_JSON,
    ResolutionResult,
    parse_version_time,
    resolve,
    resolve_verification_method,
)
from sen.did.syntax import ParsedDid, parse_did, parse_did_url

__all__ = [
    "DID_JSON",
    "DID_KEY_PREFIX",
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
    "did_key",
    "did_key_for",
    "is_did_key",
    "parse_did",
    "parse_did_url",
    "parse_version_time",
    "render_document",
    "render_key_document",
    "resolve",
    "resolve_did_key",
    "resolve_verification_method",
    "xml_datetime",
]
