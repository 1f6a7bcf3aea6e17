"""Receipts: verify one on the node, with the same checks as ``sen verify``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sen.api.deps import NodeDep
from sen.api.json_body import JsonRoute
from sen.api.parsing import parse_hex
from sen.api.problems import documented
from sen.api.receipt_checks import check_view, not_reached, verification_view
from sen.api.report_schemas import ReceiptVerification, VerifyReceipt
from sen.light.checks import EVENT_CHECK_ORDER
from sen.light.errors import ReceiptInvalid
from sen.light.event_receipt import FORMAT as EVENT_FORMAT
from sen.light.event_receipt import EventReceiptReport, verify_event_receipt
from sen.light.receipt import Check, ReceiptReport, verify_receipt

router = APIRouter(route_class=JsonRoute, tags=["evidence"])

MAX_DIGEST_BYTES = 64


@router.post(
    "/v1/receipts/verify",
    summary="Verify a receipt against this chain's genesis",
    description=(
        "Runs the checks of `sen verify` (format, chain, validators, commit, inclusion, result, "
        "transaction, evidence, document; for an EPCIS event receipt, `format` "
        "`sen-event-receipt`: event, capture, entitlement instead of evidence and document) "
        "against the genesis this node runs, and reports each "
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
    if isinstance(body.receipt, dict) and body.receipt.get("format") == EVENT_FORMAT:
        return _verify_event(body.receipt, node)
    failed: str | None = None
    try:
        report = verify_receipt(body.receipt, node.app.genesis, document_digest=digest)
    except ReceiptInvalid as exc:
        report = exc.report or ReceiptReport(checks=[Check(exc.check, False, exc.reason)])
        failed = exc.check
    return verification_view(report, failed, document_given=digest is not None)


def _verify_event(receipt: dict[str, Any], node: NodeDep) -> ReceiptVerification:
    """An EPCIS event receipt, reported in the evidence report's shape: ``algorithm``
    ``cbv2.0``, ``digest`` the event hash, ``title`` the event type, ``organisation`` the
    capturing DID and ``reference`` the eventID."""
    failed: str | None = None
    try:
        report = verify_event_receipt(receipt, node.app.genesis)
    except ReceiptInvalid as exc:
        found = exc.report
        report = found if isinstance(found, EventReceiptReport) else EventReceiptReport()
        if not report.checks or report.checks[-1].name != exc.check:
            report.checks.append(Check(exc.check, False, exc.reason))
        failed = exc.check
    return ReceiptVerification(
        valid=failed is None and report.valid, failed_check=failed,
        checks=[check_view(c, document_given=False) for c in report.checks],
        not_run=not_reached(failed, EVENT_CHECK_ORDER), chain_id=report.chain_id,
        algorithm="cbv2.0", digest=report.event_hash, height=report.height, time=report.time,
        tx_hash=report.tx_hash, sender="", title=report.event_type,
        organisation=report.capturer, reference=report.event_id, document_checked=False,
    )  # fmt: skip
