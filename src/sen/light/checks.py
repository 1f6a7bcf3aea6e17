"""The receipt checks' catalogue: their order, names and explanations in English and Vietnamese.

One place below both the CLI (``sen verify``) and the API (the console's
verification portal), so the two name each check of
:func:`sen.light.receipt.verify_receipt` the same way. Text only: nothing here
is hashed or signed.
"""

from __future__ import annotations

CHECK_NAMES: dict[str, tuple[str, str]] = {
    "format": ("format", "định dạng"),
    "chain": ("chain", "chuỗi khối"),
    "validators": ("validators", "tập nút xác thực"),
    "commit": ("block signatures", "chữ ký của khối"),
    "headers": ("block headers", "tiêu đề khối"),
    "inclusion": ("inclusion in the block", "giao dịch nằm trong khối"),
    "result": ("transaction result", "kết quả giao dịch"),
    "transaction": ("transaction signature", "chữ ký giao dịch"),
    "evidence": ("anchored digest", "giá trị băm được ghi nhận"),
    "document": ("document", "tài liệu"),
    # packet receipts (sen.light.packet_receipt)
    "chains": ("chains", "hai chuỗi khối"),
    "source-header": ("sending chain's block", "khối của chuỗi gửi"),
    "destination-header": ("receiving chain's block", "khối của chuỗi nhận"),
    "sent": ("packet sent", "gói tin đã được gửi"),
    "client": ("light client", "light client của chuỗi gửi"),
    "received": ("packet received and acknowledged", "gói tin đã được nhận và xác nhận"),
    # privacy receipts (sen.light.privacy_receipt)
    "header": ("signed block", "khối đã được ký"),
    "state": ("record in the chain's state", "bản ghi trong trạng thái chuỗi"),
    "record": ("consent or erasure record", "bản ghi đồng ý hoặc xóa"),
    # event receipts (sen.light.event_receipt)
    "event": ("EPCIS event and its hash", "sự kiện EPCIS và giá trị băm của nó"),
    "capture": ("place in the capture job", "vị trí trong lô sự kiện đã ghi nhận"),
    "entitlement": ("GS1 prefixes of the capturer", "mã doanh nghiệp GS1 của bên ghi nhận"),
}

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
EVENT_CHECK_ORDER = (
    "format",
    "chain",
    "validators",
    "commit",
    "inclusion",
    "result",
    "transaction",
    "event",
    "capture",
    "entitlement",
)
"""The checks of an EPCIS event receipt (:mod:`sen.light.event_receipt`), in order."""
# a check reported under another name belongs to this step ("headers" is part of "commit")
STEP_OF = {"headers": "commit"}

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
EXPLANATIONS.update(
    {
        "event": (
            (
                "The event is exactly the one captured: its CBV 2.0 hash is the receipt's.",
                "Sự kiện đúng là sự kiện đã được ghi nhận: giá trị băm CBV 2.0 khớp với biên nhận.",
            ),
            (
                "The event was changed, or its hash is not the receipt's.",
                "Sự kiện đã bị thay đổi, hoặc giá trị băm không khớp với biên nhận.",
            ),
        ),
        "capture": (
            (
                "The event is one of the capture job the chain recorded.",
                "Sự kiện thuộc lô sự kiện mà chuỗi đã ghi nhận.",
            ),
            (
                "The event is not proven to be in the recorded capture job.",
                "Không chứng minh được sự kiện thuộc lô sự kiện đã ghi nhận.",
            ),
        ),
        "entitlement": (
            (
                "Every GS1 key the event speaks for belongs to its capturer's prefixes.",
                "Mọi mã GS1 mà sự kiện nói đến đều thuộc mã doanh nghiệp của bên ghi nhận.",
            ),
            (
                "The event speaks for a GS1 key its capturer does not hold.",
                "Sự kiện nói đến một mã GS1 không thuộc quyền của bên ghi nhận.",
            ),
        ),
    }
)
NO_DOCUMENT = (
    "No document given: only the receipt was checked.",
    "Chưa cung cấp tài liệu: mới chỉ kiểm tra biên nhận.",
)
