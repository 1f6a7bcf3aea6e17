"""Turning node records into response bodies (bytes as hex, codes with their names)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sen.api.schemas import (
    AnchoringView,
    BlockResultView,
    BlockView,
    DecodedTx,
    EventAttributeView,
    EventView,
    ResultView,
    TxView,
)
from sen.consensus.engine import EngineOutcome
from sen.ledger.codes import ResultCode
from sen.ledger.tx import Tx
from sen.ledger.types import TxResult
from sen.services.readmodels.queries import Anchoring, BlockRecord, TxRecord


def jsonable(value: object) -> Any:
    """A decoded ledger value as JSON: bytes become lowercase hex."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def code_name(code: int) -> str:
    for codes in (ResultCode, EngineOutcome):
        try:
            return codes(code).name
        except ValueError:
            continue
    return f"CODE_{code}"


def result_view(result: TxResult) -> ResultView:
    return ResultView(
        code=int(result.code),
        code_name=code_name(result.code),
        data=result.data.hex(),
        log=result.log,
        events=[
            EventView(
                type=event.type,
                attributes=[
                    EventAttributeView(key=a.key, value=a.value, index=a.index)
                    for a in event.attributes
                ],
            )
            for event in result.events
        ],
        gas_wanted=result.gas_wanted,
        gas_used=result.gas_used,
    )


def decoded_tx_view(tx: Tx) -> DecodedTx:
    return DecodedTx(
        chain_id=tx.chain_id,
        suite=tx.suite,
        public_key=tx.public_key.hex(),
        sender=tx.sender.hex(),
        nonce=tx.nonce,
        module=tx.module,
        action=tx.action,
        args=jsonable(tx.args),
    )


def tx_view(record: TxRecord) -> TxView:
    decoded = record.decoded()
    return TxView(
        hash=record.hash.hex(),
        status=record.status,
        height=record.height,
        index=record.index,
        result=None if record.result is None else result_view(record.result),
        tx=None if decoded is None else decoded_tx_view(decoded),
    )


def block_view(record: BlockRecord) -> BlockView:
    return BlockView(
        height=record.height,
        block_id=record.block_hash.hex(),
        header=record.block.header,
        txs=[hashlib.sha256(raw).hexdigest() for raw in record.block.txs],
        commit=record.commit,
        results=[
            BlockResultView(code=int(r.code), code_name=code_name(r.code), log=r.log)
            for r in record.results
        ],
    )


def anchoring_view(anchoring: Anchoring) -> AnchoringView:
    return AnchoringView(
        height=anchoring.height,
        time=anchoring.time,
        tx_hash=anchoring.tx_hash.hex(),
        index=anchoring.index,
        leaf=anchoring.leaf,
        batch=anchoring.batch,
        title=anchoring.title,
        organisation=anchoring.organisation,
        reference=anchoring.reference,
        sender=anchoring.sender.hex(),
    )
