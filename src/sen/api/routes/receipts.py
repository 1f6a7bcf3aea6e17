"""Receipts: verify one on the node, with the same checks as ``sen verify``."""

from __future__ import annotations

from fastapi import APIRouter

from sen.api.deps import NodeDep
from sen.api.json_body import JsonRoute
from sen.api.parsing import parse_hex
from sen.api.problems import documented
from sen.api.receipt_checks import verification_view
from sen.api.report_schemas import ReceiptVerification, VerifyReceipt
from sen.light.errors import ReceiptInvalid
from sen.light.receipt import Check, ReceiptReport, verify_receipt

router = APIRouter(route_class=JsonRoute, tags=["evidence"])

MAX_DIGEST_BYTES = 64


@router.post(
    "/v1/receipts/verify",
    summary="Verify a receipt against this chain's genesis",
    description=(
        "Runs the checks of `sen verify` (format, chain, validators, commit, inclusion, result, "
        "transaction, evidence, document) against the genesis this node runs, and reports each "
        "one as passed or failed with its reason, in English and Vietnamese. A receipt that "
        "fails is still a 200 answer with `valid: false`; only a body that cannot be read is a "
        "problem. Verifying offline with `sen verify` and the genesis file needs no node at all."
        "\n\n*Kiểm tra biên nhận theo đúng các bước của `sen verify`.*"
    ),
    responses=documented(400, 408, 413, 422, 503),
)
def verify(body: VerifyReceipt, node: NodeDep) -> ReceiptVerification:
    digest = None
    if body.document_digest is not None:
        digest = parse_hex(body.document_digest, "document_digest", max_length=MAX_DIGEST_BYTES)
    failed: str | None = None
    try:
        report = verify_receipt(body.receipt, node.app.genesis, document_digest=digest)
    except ReceiptInvalid as exc:
        report = exc.report or ReceiptReport(checks=[Check(exc.check, False, exc.reason)])
        failed = exc.check
    return verification_view(report, failed, document_given=digest is not None)
