"""Evidence: anchor document digests, list their anchorings, fetch receipts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from sen.api.deps import MetricsDep, NodeDep
from sen.api.errors import NotFound, Unprocessable
from sen.api.json_body import JsonRoute
from sen.api.parsing import (
    MAX_ID,
    Algorithm,
    Digest,
    parse_algorithm,
    parse_base64,
    parse_digest,
)
from sen.api.problems import documented
from sen.api.schemas import AnchorSubmitted, EvidenceView, SubmitTx
from sen.api.submission import submit_one
from sen.api.views import anchoring_view
from sen.ledger.modules.evidence.actions import ANCHOR, ANCHOR_BATCH
from sen.ledger.tx import decode_tx
from sen.services.readmodels.queries import find_anchorings
from sen.services.readmodels.receipts import build_receipt

router = APIRouter(route_class=JsonRoute, tags=["evidence"])

EVIDENCE_MODULE = "evidence"
ANCHOR_ACTIONS = ("anchor", "anchor_batch")


@router.post(
    "/v1/evidence/anchors",
    status_code=202,
    summary="Anchor one digest or a batch of digests",
    description=(
        "Like `POST /v1/txs`, but only for `evidence.anchor` and `evidence.anchor_batch` "
        "transactions (anything else is 422 naming `module` or `action`)."
        "\n\n*Neo giá trị băm của tài liệu lên chuỗi.*"
    ),
    responses=documented(400, 408, 409, 413, 422, 503),
)
def submit_anchor(body: SubmitTx, node: NodeDep, metrics: MetricsDep) -> AnchorSubmitted:
    raw = parse_base64(body.tx, "tx")
    tx = decode_tx(raw, max_bytes=node.app.params.max_tx_bytes)  # TxRejected: as CheckTx
    if tx.module != EVIDENCE_MODULE:
        raise _not_an_anchor("module", EVIDENCE_MODULE, tx.module)
    if tx.action not in ANCHOR_ACTIONS:
        raise _not_an_anchor("action", " or ".join(ANCHOR_ACTIONS), tx.action)
    tx_hash = submit_one(node, metrics, raw)
    if tx.action == ANCHOR.name:
        anchor = ANCHOR.parse(tx.args, node.app.params)
        algorithm, digests = anchor.algorithm, [anchor.digest]
    else:
        batch = ANCHOR_BATCH.parse(tx.args, node.app.params)
        algorithm, digests = batch.algorithm, list(batch.digests)
    return AnchorSubmitted(
        hash=tx_hash.hex(), digests=[d.hex() for d in digests], algorithm=algorithm
    )


def _not_an_anchor(field: str, expected: str, got: str) -> Unprocessable:
    return Unprocessable(
        f"{field}: this route takes evidence anchoring transactions only; "
        "submit others to POST /v1/txs",
        field=field,
        expected=expected,
        got=got,
        slug="not-an-anchoring",
        title="Not an anchoring transaction",
    )


@router.get(
    "/v1/evidence/{algorithm}/{digest}",
    summary="Every anchoring of a digest, oldest first",
    description="*Tra cứu các lần neo của một giá trị băm, cũ nhất trước.*",
    responses=documented(400, 404),
)
def show_evidence(algorithm: Algorithm, digest: Digest, node: NodeDep) -> EvidenceView:
    name = parse_algorithm(algorithm)
    value = parse_digest(digest, name)
    found = find_anchorings(node, name, value)
    if not found:
        raise NotFound(f"{name} digest {value.hex()} has not been anchored", field="digest")
    return EvidenceView(
        algorithm=name, digest=value.hex(), anchorings=[anchoring_view(a) for a in found]
    )


@router.get(
    "/v1/evidence/{algorithm}/{digest}/receipt",
    summary="A receipt proving one anchoring",
    description=(
        "A self-contained receipt (format `sen-evidence-receipt`) that proves the "
        "`anchoring`-th anchoring (oldest first) from headers and the genesis alone. "
        "409 with `Retry-After` until the next block commits the result."
        "\n\n*Biên nhận chứng minh một lần neo, kiểm tra được ngoại tuyến.*"
    ),
    responses=documented(400, 404, 409),
)
def show_receipt(
    algorithm: Algorithm,
    digest: Digest,
    node: NodeDep,
    anchoring: Annotated[
        int, Query(ge=0, le=MAX_ID, description="Which anchoring, 0 = oldest.")
    ] = 0,
) -> dict[str, Any]:
    name = parse_algorithm(algorithm)
    value = parse_digest(digest, name)
    return build_receipt(node, name, value, anchoring)  # ReceiptUnavailable: 404, or 409
