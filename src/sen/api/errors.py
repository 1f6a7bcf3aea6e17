"""Errors of the REST API: each one is an RFC 9457 problem with the field at fault.

They subclass Starlette's ``HTTPException`` so that FastAPI passes them
through unchanged even when raised while the request body is read.
:mod:`sen.api.problems` renders every one as ``application/problem+json``.

::

    ApiError                  (status, title, detail, field, expected, got, code)
    ├── BadRequest            400  a path, query or body value cannot be read
    ├── NotFound              404  no such transaction, block, anchoring or route
    ├── Conflict              409  the transaction is already known
    ├── NotYetAvailable       409  a receipt cannot be proved until the next block
    ├── PayloadTooLarge       413  a body, transaction or batch over its limit
    ├── Unprocessable         422  well-formed, but refused (e.g. by CheckTx)
    └── Unavailable           503  try later (mempool full, engine stopped)
"""

from __future__ import annotations

from starlette.exceptions import HTTPException

from sen.ledger.codes import ResultCode

RETRY_AFTER = {"Retry-After": "1"}
"""The header of every answer that asks to try again (503, and 409 not-yet-provable)."""


class ApiError(HTTPException):
    """Root of every error raised by ``sen.api``."""

    status = 500
    slug = "internal-error"
    title = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        expected: str | None = None,
        got: str | None = None,
        code: ResultCode | None = None,
        slug: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(self.status, detail, headers)
        self.field = field
        self.expected = expected
        self.got = got
        self.code = code
        if slug is not None:
            self.slug = slug
        if title is not None:
            self.title = title


class BadRequest(ApiError):
    status = 400
    slug = "bad-request"
    title = "Bad request"


class NotFound(ApiError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(ApiError):
    status = 409
    slug = "duplicate-transaction"
    title = "Transaction already known"


class NotYetAvailable(ApiError):
    status = 409
    slug = "not-yet-provable"
    title = "Not provable yet; retry after the next block"


class PayloadTooLarge(ApiError):
    status = 413
    slug = "payload-too-large"
    title = "Payload too large"


class Unprocessable(ApiError):
    status = 422
    slug = "transaction-rejected"
    title = "Transaction rejected"


class Unavailable(ApiError):
    status = 503
    slug = "unavailable"
    title = "Service unavailable; try again later"
