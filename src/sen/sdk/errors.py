"""Errors raised by the Sen SDK.

One root, so that ``except SenError`` catches everything the SDK raises::

    SenError
    ├── ApiError(status, problem)      the node answered with an RFC 9457 problem
    │   ├── NotFound                   404: no such transaction, block, digest, ...
    │   ├── NotYetProvable             409: anchored, but provable only after the next block
    │   └── TryLater(retry_after)      503: the mempool is full; submit again later
    ├── Rejected(code, field, expected, got)
    │                                  a transaction was refused by CheckTx, or was
    │                                  committed with a non-zero result code
    ├── Unreachable                    no answer from the node (connection refused, DNS, ...)
    ├── Timeout                        waited longer than asked (commit, receipt)
    ├── KeyFileError                   a key file is missing, damaged, or the passphrase is wrong
    ├── BadAnswer                      the node answered 200 with something the API does not
    │                                  promise (a field missing, a page that does not move on)
    ├── InvalidInput                   a caller-supplied value is unusable (bad hex, bad JSON args)
    │   └── WeakPassphrase             a new key's passphrase breaks the rule (12+ characters, ...)
    └── VerificationFailed(check, reason)
                                       a receipt does not verify (wraps sen.light's ReceiptInvalid)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sen.ledger.codes import ResultCode, describe
from sen.light.receipt import ReceiptReport


class SenError(Exception):
    """Root of every error raised by ``sen.sdk``."""


class ApiError(SenError):
    """The node answered with an error status; ``problem`` is its problem+json body."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        self.status = status
        self.problem = dict(problem)
        self.title = str(problem.get("title") or f"HTTP {status}")
        self.detail = str(problem.get("detail") or "")
        self.field = str(problem.get("field") or "")
        super().__init__(_problem_text(status, self.problem))


class NotFound(ApiError):
    pass


class NotYetProvable(ApiError):
    pass


class TryLater(ApiError):
    def __init__(
        self, status: int, problem: Mapping[str, Any], retry_after: float | None = None
    ) -> None:
        super().__init__(status, problem)
        self.retry_after = retry_after


class Rejected(SenError):
    """A transaction was refused (``committed`` False) or failed in a block (True)."""

    def __init__(
        self,
        code: int,
        *,
        field: str = "",
        expected: object = None,
        got: object = None,
        detail: str = "",
        committed: bool = False,
        tx_hash: str = "",
        code_name: str = "",
    ) -> None:
        self.code = code
        self._code_name = code_name
        self.field = field
        self.expected = expected
        self.got = got
        self.detail = detail
        self.committed = committed
        self.tx_hash = tx_hash
        super().__init__(self.describe())

    @property
    def code_name(self) -> str:
        if self._code_name:
            return self._code_name
        try:
            return ResultCode(self.code).name
        except ValueError:
            return f"CODE_{self.code}"

    def describe(self, language: str = "en") -> str:
        text = describe(self.code, language)
        if text == f"code {self.code}" and self.detail:
            text = self.detail
        parts = [f"{self.code_name}: {text}"]
        if self.field:
            parts.append(f"field {self.field}")
        if self.expected is not None:
            parts.append(f"expected {self.expected}")
        if self.got is not None:
            parts.append(f"got {self.got}")
        if self.detail and not self.field:
            parts.append(self.detail)
        return "; ".join(parts)


class Unreachable(SenError):
    pass


class BadAnswer(SenError):
    """A node's answer is not what its API promises: it is faulty or lying."""


class Timeout(SenError):
    pass


class KeyFileError(SenError):
    pass


class InvalidInput(SenError):
    pass


class WeakPassphrase(InvalidInput):
    """A passphrase too weak to encrypt a new key file with (the message states the rule)."""


class VerificationFailed(SenError):
    """``report`` lists the checks run up to and including the failed one."""

    def __init__(self, check: str, reason: str, report: ReceiptReport | None = None) -> None:
        self.check = check
        self.reason = reason
        self.report = report
        super().__init__(f"{check}: {reason}")


def _problem_text(status: int, problem: Mapping[str, Any]) -> str:
    text = str(problem.get("title") or f"HTTP {status}")
    detail = problem.get("detail")
    if detail:
        text += f": {detail}"
    extras = [
        f"{name} {problem[name]}"
        for name in ("field", "expected", "got")
        if problem.get(name) not in (None, "")
    ]
    if extras:
        text += f" ({', '.join(extras)})"
    return text
