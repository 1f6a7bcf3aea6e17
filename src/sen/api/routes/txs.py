"""Transactions: submit one, submit a batch (all or nothing), look one up."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from sen.api.deps import MetricsDep, NodeDep
from sen.api.errors import NotFound, PayloadTooLarge
from sen.api.json_body import JsonRoute
from sen.api.parsing import HASH_BYTES, HASH_PATTERN, parse_base64, parse_hex, pattern
from sen.api.problems import documented
from sen.api.schemas import MAX_BATCH_TXS, BatchSubmitted, SubmitBatch, Submitted, SubmitTx, TxView
from sen.api.submission import submit_all, submit_one
from sen.api.views import tx_view
from sen.node.node import Node
from sen.services.readmodels.queries import find_tx

router = APIRouter(route_class=JsonRoute, tags=["transactions"])

POLL_SECONDS = 0.1


@router.post(
    "/v1/txs",
    status_code=202,
    summary="Submit a transaction",
    description=(
        "CheckTx, then the mempool. 202 once admitted; follow it with "
        "`GET /v1/txs/{hash}?wait=10`.\n\n*Gửi một giao dịch đã ký vào mempool.*"
    ),
    responses=documented(400, 408, 409, 413, 422, 503),
)
def submit_tx(body: SubmitTx, node: NodeDep, metrics: MetricsDep) -> Submitted:
    raw = parse_base64(body.tx, "tx")
    tx_hash = submit_one(node, metrics, raw)
    return Submitted(hash=tx_hash.hex(), code=0)


@router.post(
    "/v1/txs/batch",
    status_code=202,
    summary="Submit a batch of transactions, all or nothing",
    description=(
        f"1 to {MAX_BATCH_TXS} transactions (body at most 64 MiB). If any is refused, "
        "the answer names it as `txs[i]` and nothing is admitted."
        "\n\n*Gửi một lô giao dịch: nhận tất cả hoặc không nhận giao dịch nào.*"
    ),
    responses=documented(400, 408, 409, 413, 422, 503),
)
def submit_batch(body: SubmitBatch, node: NodeDep, metrics: MetricsDep) -> BatchSubmitted:
    if len(body.txs) > MAX_BATCH_TXS:
        raise PayloadTooLarge(
            f"txs: a batch holds at most {MAX_BATCH_TXS} transactions",
            field="txs",
            expected=f"at most {MAX_BATCH_TXS} transactions",
            got=f"{len(body.txs)} transactions",
        )
    raws = [parse_base64(text, f"txs[{i}]") for i, text in enumerate(body.txs)]
    hashes = submit_all(node, metrics, raws)
    return BatchSubmitted(hashes=[h.hex() for h in hashes])


@router.get(
    "/v1/txs/{hash}",
    summary="Look up a transaction",
    description=(
        "Committed (with its result) or pending (in the mempool). With `wait`, a pending "
        "transaction is waited for until committed or the time is up."
        "\n\n*Tra cứu giao dịch theo mã băm.*"
    ),
    responses=documented(400, 404),
)
async def show_tx(
    hash: Annotated[
        str, Path(description="64 hex characters.", json_schema_extra=pattern(HASH_PATTERN))
    ],
    node: NodeDep,
    wait: Annotated[
        float, Query(ge=0, le=60, description="Seconds to wait for a pending transaction.")
    ] = 0,
) -> TxView:
    tx_hash = parse_hex(hash, "hash", length=HASH_BYTES)
    if wait > 0:
        await _wait_while_pending(node, tx_hash, wait)
    record = await run_in_threadpool(find_tx, node, tx_hash)
    if record is None:
        raise NotFound(f"transaction {tx_hash.hex()} is not known to this node", field="hash")
    return tx_view(record)


async def _wait_while_pending(node: Node, tx_hash: bytes, seconds: float) -> None:
    """Return once the transaction is committed, no longer waiting, or the time is up.

    Waiting holds no thread: each check is an index lookup and a mempool membership test.
    """
    deadline = time.monotonic() + seconds
    pause = min(max(node.engine.config.block_interval / 2, 0.01), POLL_SECONDS)
    while node.index.locate_tx(tx_hash) is None and tx_hash in node.engine.mempool:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        await asyncio.sleep(min(pause, left))
