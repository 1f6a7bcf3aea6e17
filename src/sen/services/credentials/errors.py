"""Errors of the node's credential service (issuing, status, stored credentials).

Verification never raises for a bad credential: it answers with a report
whose errors name what failed. The issuing side raises, one root::

    VcApiError(message, field)
    ├── IssuerConfigError        sen.toml [vc] / [[vc.issuers]] is wrong (names the key)
    ├── IssuerUnavailable        the issuer's key cannot be opened (passphrase, HSM)
    ├── InvalidCredential        the credential cannot be issued as given (lists every problem)
    ├── UnknownIssuer            the credential's issuer is not configured on this node
    ├── NotAccredited            the trust registry does not accredit the issuer for a type
    ├── UnknownCredential        no credential with that id was issued here
    ├── CredentialExists         a credential with that id was issued here already
    ├── StatusRefused            a status change that cannot be made (revocation is final)
    └── ChainRefused             the chain refused or did not commit a transaction in time

The REST routes translate each into problem+json once (``sen.api.routes.vc_api``);
the CLI into one line and an exit code.
"""

from __future__ import annotations


class VcApiError(Exception):
    """Root of every error raised by :mod:`sen.services.credentials`."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


class IssuerConfigError(VcApiError):
    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class IssuerUnavailable(VcApiError):
    pass


class InvalidCredential(VcApiError):
    def __init__(
        self, message: str, field: str | None = None, problems: list[dict[str, str]] | None = None
    ) -> None:
        self.problems = problems or []
        super().__init__(message, field)


class UnknownIssuer(VcApiError):
    pass


class NotAccredited(VcApiError):
    def __init__(self, issuer: str, credential_type: str, reason: str) -> None:
        self.issuer = issuer
        self.credential_type = credential_type
        self.reason = reason
        super().__init__(
            f"{issuer} is not accredited for {credential_type}: {reason}", "credential.type"
        )


class UnknownCredential(VcApiError):
    pass


class CredentialExists(VcApiError):
    pass


class StatusRefused(VcApiError):
    pass


class ChainRefused(VcApiError):
    def __init__(self, message: str, code_name: str = "", field: str | None = None) -> None:
        self.code_name = code_name
        super().__init__(message, field)
