"""A receipt verification report for people: each check named and explained in en and vi.

The checks and their names are those of :func:`sen.light.receipt.verify_receipt`
(and so of ``sen verify``, whose check labels are reused); the verifier's
own reason stays as it is, as the technical detail.
"""

from __future__ import annotations

from sen.api.report_schemas import Localized, ReceiptCheckView, ReceiptVerification
from sen.light.checks import CHECK_NAMES, CHECK_ORDER, EXPLANATIONS, NO_DOCUMENT, STEP_OF
from sen.light.receipt import Check, ReceiptReport


def check_view(check: Check, *, document_given: bool) -> ReceiptCheckView:
    english, vietnamese = CHECK_NAMES.get(check.name, (check.name, check.name))
    passed, failed = EXPLANATIONS.get(check.name, ((check.detail, check.detail),) * 2)
    text = passed if check.ok else failed
    if check.name == "document" and check.ok and not document_given:
        text = NO_DOCUMENT
    return ReceiptCheckView(
        name=check.name,
        ok=check.ok,
        label=Localized(en=english, vi=vietnamese),
        explanation=Localized(en=text[0], vi=text[1]),
        detail=check.detail,
    )


def not_reached(failed: str | None, order: tuple[str, ...] = CHECK_ORDER) -> list[str]:
    """The steps of ``order`` after the one that failed (none when every check ran)."""
    if failed is None:
        return []
    step = STEP_OF.get(failed, failed)
    if step not in order:
        return []
    return list(order[order.index(step) + 1 :])


def verification_view(
    report: ReceiptReport, failed: str | None, *, document_given: bool
) -> ReceiptVerification:
    return ReceiptVerification(
        valid=failed is None and report.valid,
        failed_check=failed,
        checks=[check_view(c, document_given=document_given) for c in report.checks],
        not_run=not_reached(failed),
        chain_id=report.chain_id,
        algorithm=report.algorithm,
        digest=report.digest,
        height=report.height,
        time=report.time,
        tx_hash=report.tx_hash,
        sender=_sender(report),
        title=report.title,
        organisation=report.organisation,
        reference=report.reference,
        document_checked=document_given and any(c.name == "document" for c in report.checks),
    )


def _sender(report: ReceiptReport) -> str:
    for check in report.checks:
        if check.name == "transaction" and check.ok and check.detail.startswith("signed by "):
            return check.detail.removeprefix("signed by ").split(" ")[0]
    return ""
