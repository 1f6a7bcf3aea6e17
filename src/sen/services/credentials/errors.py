"""Errors of the node's credential service (issuing, status, stored credentials, sources).

Verification never raises for a bad credential: it answers with a report
whose errors name what failed. The rest raises, in this branch of
:mod:`sen.services.errors`::

    CredentialError(message, field)
    ├── IssuerConfigError        sen.toml [vc] / [[vc.issuers]] is wrong (names the key)
    ├── IssuerUnavailable        the issuer's key cannot be opened (passphrase, HSM)
    ├── InvalidCredential        the credential cannot be issued as given (lists every problem)
    ├── UnknownIssuer            the credential's issuer is not configured on this node
    ├── IssuerNotPermitted       the caller's token is for another issuer
    ├── NotAccredited            the trust registry does not accredit the issuer for a type
    ├── UnknownCredential        no credential with that id was issued here
    ├── CredentialExists         a credential with that id was issued here already
    ├── StatusRefused            a status change that cannot be made (revocation is final)
    ├── ChainRefused             the chain refused a transaction (``code_name`` says why)
    │   └── CommitTimeout        ... or did not commit it in time
    ├── SourceError              a verifier away from the chain (``sen vc verify``) could
    │                            not read a DID, a status list or an accreditation
    └── StatusListUnavailable    a status list exists but cannot be trusted (its credential
                                 does not verify, or differs from the chain's list)

The REST API translates each into problem+json once (:mod:`sen.api.problems`);
the CLI into one line and an exit code.
"""

from __future__ import annotations

from sen.services.errors import ServiceError


class CredentialError(ServiceError):
    """Root of every error raised by :mod:`sen.services.credentials`."""


class IssuerConfigError(CredentialError):
    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}", where)


class IssuerUnavailable(CredentialError):
    pass


class InvalidCredential(CredentialError):
    def __init__(
        self, message: str, field: str | None = None, problems: list[dict[str, str]] | None = None
    ) -> None:
        self.problems = problems or []
        super().__init__(message, field)


class UnknownIssuer(CredentialError):
    pass


class IssuerNotPermitted(CredentialError):
    """The caller acts for one issuer (its VC-API token's) and asked to act for another."""

    def __init__(self, allowed: str, asked: str, field: str) -> None:
        self.allowed = allowed
        self.asked = asked
        super().__init__(
            f"this token is for {allowed}; it cannot act for {asked}",
            field,
            expected=allowed,
            got=asked,
        )


class NotAccredited(CredentialError):
    def __init__(self, issuer: str, credential_type: str, reason: str) -> None:
        self.issuer = issuer
        self.credential_type = credential_type
        self.reason = reason
        super().__init__(
            f"{issuer} is not accredited for {credential_type}: {reason}",
            "credential.type",
            expected=f"an accreditation for {credential_type}",
            got=reason,
        )


class UnknownCredential(CredentialError):
    pass


class CredentialExists(CredentialError):
    pass


class StatusRefused(CredentialError):
    pass


class ChainRefused(CredentialError):
    def __init__(self, message: str, code_name: str = "", field: str | None = None) -> None:
        self.code_name = code_name
        super().__init__(message, field, got=code_name or None)


class CommitTimeout(ChainRefused):
    """The transaction was admitted but not committed in time (it may still be)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, "TIMEOUT", field)
        self.got = None  # nothing was refused: there is no result code to show


class SourceError(CredentialError):
    """A DID, a status list or an accreditation could not be had from a node or saved material."""


class StatusListUnavailable(CredentialError):
    """A status list exists but cannot be used (its credential does not verify, ...)."""
