"""A receipt verification report for people: each check named and explained in en and vi.

The checks and their names are those of :func:`sen.light.receipt.verify_receipt`
(and so of ``sen verify``, whose check labels are reused); the verifier's
own reason stays as it is, as the technical detail.
"""

from __future__ import annotations

from sen.api.report_schemas import Localized, ReceiptCheckView, ReceiptVerification
from sen.cli._i18n import CHECK_NAMES
from sen.light.receipt import Check, ReceiptReport

CHECK_ORDER = (
    "format",
    "chain",
    "validators",
    "commit",
    "inclusion",
    "result",
    "transaction",
    "evidence",
    "document",
)
# a check reported under another name belongs to this step ("headers" is part of "commit")
_STEP_OF = {"headers": "commit"}

# name -> ((passed en, passed vi), (failed en, failed vi))
EXPLANATIONS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "format": (
        ("The receipt is well formed.", "Biên nhận đúng định dạng."),
        ("This is not a valid Sen receipt.", "Đây không phải là biên nhận Sen hợp lệ."),
    ),
    "chain": (
        (
            "The receipt belongs to this chain and its genesis file.",
            "Biên nhận thuộc về chuỗi này và tệp genesis của chuỗi.",
        ),
        (
            "The receipt is for another chain or another genesis file.",
            "Biên nhận thuộc chuỗi khác hoặc tệp genesis khác.",
        ),
    ),
    "validators": (
        (
            "The validators are exactly those of the genesis file.",
            "Các nút xác thực đúng như trong tệp genesis.",
        ),
        (
            "The validator set does not match the genesis file.",
            "Tập nút xác thực không khớp với tệp genesis.",
        ),
    ),
    "commit": (
        (
            "The block is signed by more than 2/3 of the voting power.",
            "Khối được ký bởi hơn 2/3 tổng quyền biểu quyết.",
        ),
        ("The block's signatures do not verify.", "Chữ ký của khối không hợp lệ."),
    ),
    "headers": (
        ("The block headers are linked by hash.", "Các tiêu đề khối liên kết đúng theo mã băm."),
        ("The block headers do not link together.", "Các tiêu đề khối không liên kết với nhau."),
    ),
    "inclusion": (
        ("The transaction is included in the block.", "Giao dịch nằm trong khối."),
        (
            "The transaction is not proven to be in the block.",
            "Không chứng minh được giao dịch nằm trong khối.",
        ),
    ),
    "result": (
        (
            "The transaction succeeded, as the next block proves.",
            "Giao dịch đã thành công, được khối tiếp theo chứng minh.",
        ),
        (
            "The transaction failed, or its result is not proven.",
            "Giao dịch không thành công hoặc kết quả không được chứng minh.",
        ),
    ),
    "transaction": (
        (
            "The transaction carries its sender's valid signature.",
            "Giao dịch có chữ ký hợp lệ của người gửi.",
        ),
        (
            "The transaction's signature or content is wrong.",
            "Chữ ký hoặc nội dung của giao dịch không hợp lệ.",
        ),
    ),
    "evidence": (
        (
            "The transaction anchors this document digest.",
            "Giao dịch ghi nhận đúng giá trị băm của tài liệu này.",
        ),
        (
            "The transaction does not anchor this digest.",
            "Giao dịch không ghi nhận giá trị băm này.",
        ),
    ),
    "document": (
        (
            "The document is exactly the anchored one.",
            "Tài liệu trùng khớp chính xác với tài liệu đã được ghi nhận.",
        ),
        (
            "The document is not the anchored one: it was changed, or it is another file.",
            "Tài liệu không phải tài liệu đã được ghi nhận: đã bị thay đổi hoặc là tệp khác.",
        ),
    ),
}
_NO_DOCUMENT = (
    "No document given: only the receipt was checked.",
    "Chưa cung cấp tài liệu: mới chỉ kiểm tra biên nhận.",
)


def check_view(check: Check, *, document_given: bool) -> ReceiptCheckView:
    english, vietnamese = CHECK_NAMES.get(check.name, (check.name, check.name))
    passed, failed = EXPLANATIONS.get(check.name, ((check.detail, check.detail),) * 2)
    text = passed if check.ok else failed
    if check.name == "document" and check.ok and not document_given:
        text = _NO_DOCUMENT
    return ReceiptCheckView(
        name=check.name,
        ok=check.ok,
        label=Localized(en=english, vi=vietnamese),
        explanation=Localized(en=text[0], vi=text[1]),
        detail=check.detail,
    )


def not_reached(failed: str | None) -> list[str]:
    """The steps after the one that failed (none when every check ran)."""
    if failed is None:
        return []
    step = _STEP_OF.get(failed, failed)
    if step not in CHECK_ORDER:
        return []
    return list(CHECK_ORDER[CHECK_ORDER.index(step) + 1 :])


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
