"""Result codes: the only form in which a transaction's outcome enters consensus.

Codes are stable forever once a network has used them: add new ones, never
renumber. Human-readable text lives in logs and in :data:`DESCRIPTIONS`, which
is not hashed.
"""

from __future__ import annotations

from enum import IntEnum


class ResultCode(IntEnum):
    OK = 0
    # envelope (1-29)
    MALFORMED = 1
    NON_CANONICAL = 2
    TX_TOO_LARGE = 3
    WRONG_CHAIN = 4
    UNKNOWN_SUITE = 5
    BAD_PUBLIC_KEY = 6
    BAD_SIGNATURE = 7
    NONCE_TOO_LOW = 8
    NONCE_TOO_HIGH = 9
    UNKNOWN_MODULE = 10
    UNKNOWN_ACTION = 11
    INVALID_ARGUMENT = 12
    SUITE_NOT_ALLOWED = 13
    # evidence module (100-129)
    UNKNOWN_DIGEST_ALGORITHM = 100
    WRONG_DIGEST_LENGTH = 101
    BATCH_EMPTY = 102
    BATCH_TOO_LARGE = 103
    DUPLICATE_IN_BATCH = 104


DESCRIPTIONS: dict[ResultCode, tuple[str, str]] = {
    # code: (English, Vietnamese)
    ResultCode.OK: ("ok", "thành công"),
    ResultCode.MALFORMED: ("transaction cannot be decoded", "không giải mã được giao dịch"),
    ResultCode.NON_CANONICAL: (
        "transaction is not canonically encoded",
        "giao dịch không ở dạng mã hoá chuẩn",
    ),
    ResultCode.TX_TOO_LARGE: ("transaction too large", "giao dịch quá lớn"),
    ResultCode.WRONG_CHAIN: ("transaction is for another chain", "giao dịch dành cho chuỗi khác"),
    ResultCode.UNKNOWN_SUITE: ("unknown signature suite", "bộ chữ ký không xác định"),
    ResultCode.BAD_PUBLIC_KEY: ("invalid public key", "khoá công khai không hợp lệ"),
    ResultCode.BAD_SIGNATURE: ("signature does not verify", "chữ ký không hợp lệ"),
    ResultCode.NONCE_TOO_LOW: (
        "nonce already used (replay)",
        "nonce đã được dùng (phát lại)",
    ),
    ResultCode.NONCE_TOO_HIGH: ("nonce is in the future", "nonce vượt trước"),
    ResultCode.UNKNOWN_MODULE: ("unknown module", "mô-đun không xác định"),
    ResultCode.UNKNOWN_ACTION: ("unknown action", "hành động không xác định"),
    ResultCode.INVALID_ARGUMENT: ("invalid argument", "tham số không hợp lệ"),
    ResultCode.SUITE_NOT_ALLOWED: (
        "signature suite not allowed on this chain",
        "bộ chữ ký không được phép trên chuỗi này",
    ),
    ResultCode.UNKNOWN_DIGEST_ALGORITHM: (
        "unknown digest algorithm",
        "thuật toán băm không xác định",
    ),
    ResultCode.WRONG_DIGEST_LENGTH: (
        "digest length does not match its algorithm",
        "độ dài giá trị băm không khớp thuật toán",
    ),
    ResultCode.BATCH_EMPTY: ("batch has no digests", "lô không có giá trị băm nào"),
    ResultCode.BATCH_TOO_LARGE: ("batch has too many digests", "lô có quá nhiều giá trị băm"),
    ResultCode.DUPLICATE_IN_BATCH: (
        "batch repeats a digest",
        "lô có giá trị băm trùng lặp",
    ),
}


def describe(code: int, language: str = "en") -> str:
    """Human text for a code (never hashed)."""
    try:
        english, vietnamese = DESCRIPTIONS[ResultCode(code)]
    except (ValueError, KeyError):
        return f"code {code}"
    return vietnamese if language == "vi" else english
