"""Errors of DID resolution, each carrying its DID Resolution error keyword.

One root (STYLE.md §4)::

    ResolutionError              error: the keyword DID Resolution reports
    ├── InvalidDid               invalidDid: not a DID (or DID URL) of valid syntax
    ├── InvalidOptions           invalidOptions: a bad versionTime / versionId / purpose
    ├── MethodNotSupported       methodNotSupported: a method other than did:sen, did:key
    ├── DidNotFound              notFound: no such DID, version, or method in the document
    ├── RepresentationNotSupported
    │                            representationNotSupported: an unknown media type was asked
    ├── DidDeactivated           deactivated: the DID (at the time asked) is deactivated
    └── MethodNotAuthorized      verificationMethodNotAuthorized: the method is not listed
                                 under the verification relationship asked (e.g. assertionMethod)

:func:`sen.did.resolver.resolve` reports them in ``didResolutionMetadata``;
:func:`sen.did.resolver.resolve_verification_method` raises them.
"""

from __future__ import annotations


class ResolutionError(Exception):
    """Root of every error raised by ``sen.did``."""

    error = "internalError"

    def __init__(self, detail: str, *, field: str = "did") -> None:
        self.detail = detail
        self.field = field
        super().__init__(detail)


class InvalidDid(ResolutionError):
    error = "invalidDid"


class InvalidOptions(ResolutionError):
    error = "invalidOptions"


class MethodNotSupported(ResolutionError):
    error = "methodNotSupported"


class DidNotFound(ResolutionError):
    error = "notFound"


class RepresentationNotSupported(ResolutionError):
    error = "representationNotSupported"


class DidDeactivated(ResolutionError):
    error = "deactivated"


class MethodNotAuthorized(ResolutionError):
    error = "verificationMethodNotAuthorized"
