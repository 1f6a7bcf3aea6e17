"""Errors of the off-chain services: one root for every service package (STYLE.md §4).

An error says what went wrong in the service's own terms: a sentence
(``message``), the value at fault (``field``) and, where it helps, what was
expected and what was found. None carries an HTTP status: the REST API maps
each class once, in :mod:`sen.api.problems`; the CLI prints the message and
an exit code. Each package draws its own branch in its ``errors.py``::

    ServiceError(message, field, expected, got)
    ├── ReadModelError                 sen.services.readmodels.errors
    │   ├── ReceiptUnavailable(kind)   no receipt can be made (yet); ``kind`` says why
    │   └── UnreadableQuery(text)      search text that can name nothing on a chain
    └── CredentialError                sen.services.credentials.errors
        ├── IssuerConfigError          sen.toml [vc] / [[vc.issuers]] is wrong (names the key)
        ├── IssuerUnavailable          the issuer's key cannot be opened (passphrase, HSM)
        ├── InvalidCredential          the credential cannot be issued as given
        ├── UnknownIssuer              the credential's issuer is not configured here
        ├── IssuerNotPermitted         the caller's token is for another issuer
        ├── NotAccredited              the trust registry does not accredit the issuer
        ├── UnknownCredential          no credential with that id was issued here
        ├── CredentialExists           a credential with that id was issued here already
        ├── StatusRefused              a status change that cannot be made
        ├── ChainRefused               the chain refused a transaction
        │   └── CommitTimeout          ... or did not commit it in time
        ├── SourceError                a verifier away from the chain could not read a
        │                              DID, a status list or an accreditation
        └── StatusListUnavailable      a status list exists but cannot be trusted
"""

from __future__ import annotations


class ServiceError(Exception):
    """Root of every error raised by ``sen.services``."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        expected: str | None = None,
        got: str | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.expected = expected
        self.got = got
        super().__init__(message)
