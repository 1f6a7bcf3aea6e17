"""Errors of the layers below the API become problem+json once, in sen.api.problems.

Each row raises one error from a route and checks the whole answer: status,
problem type, title, detail, field, expected, got, and Retry-After.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sen.api import problems
from sen.consensus.errors import EngineStopped, MempoolFull, OutOfOrder
from sen.ledger.codes import ResultCode
from sen.ledger.errors import EncodingError, TxRejected
from sen.services.credentials.errors import (
    ChainRefused,
    CommitTimeout,
    CredentialExists,
    InvalidCredential,
    IssuerConfigError,
    IssuerUnavailable,
    NotAccredited,
    SourceError,
    StatusRefused,
    UnknownCredential,
    UnknownIssuer,
)
from sen.services.readmodels.errors import (
    SEARCHABLE,
    ReceiptUnavailable,
    Unprovable,
    UnreadableQuery,
)

D = "sha-256 digest 00 has not been anchored"

ROWS: list[tuple[Exception, int, str, str, dict[str, Any], bool]] = [
    # error, status, type, title, other fields of the body, Retry-After
    (
        ReceiptUnavailable(Unprovable.NOT_ANCHORED, D),
        404,
        "not-found",
        "Not found",
        {"detail": D, "field": "digest"},
        False,
    ),
    (
        ReceiptUnavailable(Unprovable.NO_SUCH_ANCHORING, "anchoring 3 does not exist"),
        404,
        "not-found",
        "Not found",
        {"field": "anchoring"},
        False,
    ),
    (
        ReceiptUnavailable(Unprovable.BLOCK_NOT_STORED, "block 4 is not stored on this node"),
        404,
        "not-found",
        "Not found",
        {"field": "anchoring"},
        False,
    ),
    (
        ReceiptUnavailable(Unprovable.RESULT_NOT_COMMITTED, "block 5 is not committed yet"),
        409,
        "not-yet-provable",
        "Not provable yet; retry after the next block",
        {"field": "anchoring", "detail": "block 5 is not committed yet"},
        True,
    ),
    (
        ReceiptUnavailable(Unprovable.VALIDATORS_NOT_KNOWN, "the validator set ... retry"),
        409,
        "not-yet-provable",
        "Not provable yet; retry after the next block",
        {"field": "anchoring"},
        True,
    ),
    (
        UnreadableQuery("zz"),
        400,
        "bad-request",
        "Bad request",
        {
            "detail": f"q: expected {SEARCHABLE}",
            "field": "q",
            "expected": SEARCHABLE,
            "got": "'zz'",
        },
        False,
    ),
    (
        InvalidCredential("bad", "credential.id", [{"code": "X", "message": "m", "path": "$"}]),
        422,
        "invalid-credential",
        "The credential cannot be issued",
        {"field": "credential.id", "errors": [{"code": "X", "message": "m", "path": "$"}]},
        False,
    ),
    (
        NotAccredited("did:sen:a", "Diploma", "not_accredited: none"),
        422,
        "issuer-not-accredited",
        "The issuer is not accredited",
        {
            "detail": "did:sen:a is not accredited for Diploma: not_accredited: none",
            "field": "credential.type",
            "expected": "an accreditation for Diploma",
            "got": "not_accredited: none",
        },
        False,
    ),
    (
        UnknownIssuer("did:sen:b is not configured", "credential.issuer"),
        400,
        "unknown-issuer",
        "Issuer not configured here",
        {"field": "credential.issuer"},
        False,
    ),
    (
        UnknownCredential("no credential urn:x", "credentialId"),
        404,
        "unknown-credential",
        "Credential not found",
        {"field": "credentialId"},
        False,
    ),
    (
        CredentialExists("urn:x was issued already", "credential.id"),
        409,
        "credential-exists",
        "Credential already issued",
        {"field": "credential.id"},
        False,
    ),
    (
        StatusRefused("revocation is final", "status"),
        409,
        "status-refused",
        "Status cannot change so",
        {"field": "status"},
        False,
    ),
    (
        ChainRefused("status.update refused", code_name="NOT_AUTHORIZED", field="status_list"),
        422,
        "transaction-rejected",
        "The chain refused the transaction",
        {"field": "status_list", "got": "NOT_AUTHORIZED"},
        False,
    ),
    (
        CommitTimeout("status.update was not committed within 30 s", field="status_list"),
        503,
        "not-committed",
        "Not committed in time",
        {"field": "status_list", "got": None},
        True,
    ),
    (
        IssuerUnavailable("cannot open the issuer key 'k'", "key"),
        503,
        "issuer-unavailable",
        "The issuer cannot sign now",
        {"field": "key"},
        False,
    ),
    (
        IssuerConfigError("sen.toml [vc]", "expected a table"),
        503,
        "vc-misconfigured",
        "VC-API not configured",
        {"detail": "sen.toml [vc]: expected a table", "field": "sen.toml [vc]"},
        False,
    ),
    (
        SourceError("a verifier's error, never planned for the API"),
        500,
        "internal-error",
        "Internal error",
        {"detail": "a verifier's error, never planned for the API"},
        False,
    ),
    (
        MempoolFull(10, 10),
        503,
        "mempool-full",
        "Mempool full",
        {"detail": "mempool is full (10 of 10 transactions); try again later", "field": None},
        True,
    ),
    (
        EngineStopped("the engine is stopped"),
        503,
        "engine-stopped",
        "Service unavailable; try again later",
        {"detail": "the engine is stopped"},
        True,
    ),
    (
        OutOfOrder("commit without a finalized block"),
        500,
        "internal-error",
        "Internal error",
        {"detail": "the node failed to answer"},
        False,
    ),
    (
        TxRejected(ResultCode.TX_TOO_LARGE, "too large", field="tx", expected=10, got=11),
        413,
        "transaction-rejected",
        None,
        {"field": "tx", "expected": "10", "got": "11", "code_name": "TX_TOO_LARGE"},
        False,
    ),
    (
        EncodingError("not canonical"),
        500,
        "internal-error",
        "Internal error",
        {"detail": "the node failed to answer"},
        False,
    ),
]


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    problems.install(app)
    raised: dict[str, Exception] = {}

    @app.get("/raise/{row}")
    def fail(row: str) -> None:
        raise raised[row]

    app.state.raised = raised
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("error", "status", "slug", "title", "fields", "retry"),
    ROWS,
    ids=[f"{type(r[0]).__name__}-{i}" for i, r in enumerate(ROWS)],
)
def test_each_error_below_the_api_has_one_answer(
    client: TestClient,
    error: Exception,
    status: int,
    slug: str,
    title: str | None,
    fields: dict[str, Any],
    retry: bool,
) -> None:
    row = str(id(error))
    client.app.state.raised[row] = error  # type: ignore[attr-defined]
    answer = client.get(f"/raise/{row}")
    assert answer.status_code == status
    assert answer.headers["content-type"] == problems.PROBLEM_MEDIA_TYPE
    body = answer.json()
    assert body["type"] == f"urn:sen:problem:{slug}"
    assert body["status"] == status
    if title is not None:
        assert body["title"] == title
    for name, value in fields.items():
        assert body[name] == value, name
    assert answer.headers.get("retry-after") == ("1" if retry else None)
