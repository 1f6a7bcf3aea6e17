"""Submitting transactions to the engine and translating refusals into problems.

Statuses (documented in ``docs/api/README.md``):

* CheckTx refused → 422 with the ledger code, field, expected and got;
* ``TX_TOO_LARGE`` → 413 (still carrying the code, so clients see both);
* already in the mempool or committed → 409;
* mempool full → 503 with ``Retry-After: 1``; nothing was admitted.

A refused request admits nothing: single submissions are one transaction,
and batches go through ``engine.submit(..., all_or_nothing=True)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sen.abci.types import ResponseCheckTx
from sen.api.errors import (
    RETRY_AFTER,
    ApiError,
    Conflict,
    PayloadTooLarge,
    Unavailable,
    Unprocessable,
)
from sen.api.metrics import ApiMetrics
from sen.api.views import code_name
from sen.consensus.engine import EngineOutcome
from sen.consensus.errors import EngineStopped, MempoolFull
from sen.ledger.codes import ResultCode, describe
from sen.ledger.errors import TxRejected
from sen.node.node import Node
from sen.services.readmodels.queries import is_known_tx


def submit_one(node: Node, metrics: ApiMetrics, raw: bytes) -> bytes:
    """Admit one transaction to the mempool; return its hash or raise an ApiError."""
    [response] = _submit(node, metrics, [raw], all_or_nothing=False)
    tx_hash = hashlib.sha256(raw).digest()
    if response.code != 0:
        error = _refusal(node, response, tx_hash, field_prefix=None)
        metrics.txs_rejected.labels(_reason(error)).inc()
        raise error
    metrics.txs_accepted.inc()
    return tx_hash


def submit_all(node: Node, metrics: ApiMetrics, raws: Sequence[bytes]) -> list[bytes]:
    """Admit every transaction or none; return the hashes or raise for the first refusal."""
    responses = _submit(node, metrics, raws, all_or_nothing=True)
    hashes = [hashlib.sha256(raw).digest() for raw in raws]
    refusals = [
        (i, _refusal(node, response, hashes[i], field_prefix=f"txs[{i}]"))
        for i, response in enumerate(responses)
        if response.code != 0
    ]
    if refusals:
        for _, error in refusals:
            metrics.txs_rejected.labels(_reason(error)).inc()
        admitted = [h for h, r in zip(hashes, responses, strict=True) if r.admitted is True]
        _, first = refusals[0]
        if admitted:  # under CometBFT, its own CheckTx can refuse one after the checks here
            metrics.txs_accepted.inc(len(admitted))
            first.detail = (
                f"{len(admitted)} of {len(raws)} were admitted all the same (consensus "
                f"refused the others): {first.detail}"
            )
        else:
            metrics.txs_rejected.labels("BATCH_REFUSED").inc(len(raws) - len(refusals))
            first.detail = f"nothing was admitted: {first.detail}"
        raise first
    metrics.txs_accepted.inc(len(raws))
    return hashes


def _submit(
    node: Node, metrics: ApiMetrics, raws: Sequence[bytes], *, all_or_nothing: bool
) -> list[ResponseCheckTx]:
    metrics.txs_submitted.inc(len(raws))
    try:
        return node.engine.submit(raws, all_or_nothing=all_or_nothing)
    except MempoolFull:  # counted here; answered (503) by sen.api.problems
        metrics.txs_rejected.labels("MEMPOOL_FULL").inc(len(raws))
        raise
    except EngineStopped:
        metrics.txs_rejected.labels("ENGINE_STOPPED").inc(len(raws))
        raise


def _refusal(
    node: Node, response: ResponseCheckTx, tx_hash: bytes, field_prefix: str | None
) -> ApiError:
    field = _within(field_prefix, response.field)
    if response.code == EngineOutcome.DUPLICATE or (
        response.code == ResultCode.NONCE_TOO_LOW and is_known_tx(node, tx_hash)
    ):
        return Conflict(
            f"transaction {tx_hash.hex()} is already in the mempool or committed",
            field=field_prefix or "tx",
            got=tx_hash.hex(),
        )
    if response.code == EngineOutcome.MEMPOOL_FULL:
        return Unavailable(response.log, slug="mempool-full", headers=RETRY_AFTER)
    return ledger_refusal(
        response.code, response.log, field, response.expected or None, response.got or None
    )


def rejected(exc: TxRejected, field_prefix: str | None = None) -> ApiError:
    """A ledger rejection raised before submission, as the same problem CheckTx would give."""
    return ledger_refusal(
        int(exc.code),
        str(exc),
        _within(field_prefix, exc.field),
        None if exc.expected is None else str(exc.expected),
        None if exc.got is None else str(exc.got),
    )


def ledger_refusal(
    code: int, log: str, field: str, expected: str | None, got: str | None
) -> ApiError:
    try:
        result = ResultCode(code)
    except ValueError:
        result = None
    name = code_name(code)
    reason = log or describe(code)
    kind = PayloadTooLarge if result == ResultCode.TX_TOO_LARGE else Unprocessable
    return kind(
        f"{name}: {reason}",
        field=field,
        expected=expected,
        got=got,
        code=result,
        slug="transaction-rejected",
        title=f"Transaction rejected: {describe(code)}",
    )


def _within(prefix: str | None, field: str) -> str:
    """The field at fault, inside the request: ``txs[3].signature``; the whole tx as ``tx``."""
    if prefix is None:
        return field or "tx"
    if not field or field == "tx":
        return prefix
    return prefix + "." + field.removeprefix("tx.")


def _reason(error: ApiError) -> str:
    if error.code is not None:
        return error.code.name
    return "DUPLICATE" if isinstance(error, Conflict) else error.slug.upper()
