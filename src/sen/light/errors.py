"""Errors of reading genesis files, verifying evidence receipts and hashing EPCIS events.

They extend :class:`sen.ledger.light.errors.LightError` (the formats' and
verifiers' errors)::

    LightError
    ├── GenesisError(field, reason)   a genesis file that cannot be read (names the field)
    ├── ReceiptInvalid(check, reason, report)
    │                                 an evidence receipt fails a named check; ``report``
    │                                 lists the checks run up to and including it
    └── EventHashError(field, expected, got)
                                      an EPCIS event the CBV 2.0 event hash cannot be
                                      computed for (also a ValueError): names the field
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sen.ledger.light.errors import LightError

if TYPE_CHECKING:
    from sen.light.receipt import ReceiptReport

__all__ = ["EventHashError", "GenesisError", "ReceiptInvalid"]


class GenesisError(LightError):
    """A genesis file that cannot be read: ``field`` names the value at fault."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"genesis {field}: {reason}")


class ReceiptInvalid(LightError):
    """A receipt failed a check: ``check`` names it, ``reason`` says what did not match."""

    def __init__(self, check: str, reason: str, report: ReceiptReport | None = None) -> None:
        self.check = check
        self.reason = reason
        self.report = report
        super().__init__(f"{check}: {reason}")


class EventHashError(LightError, ValueError):
    """An EPCIS event the CBV 2.0 event hash cannot be computed for.

    ``field`` is where in the event (``sensorElementList[0].sensorReport[1].value``),
    ``expected`` what the algorithm needs there and ``got`` what the event holds.
    """

    def __init__(self, field: str, expected: str, got: str) -> None:
        self.field = field
        self.expected = expected
        self.got = got
        super().__init__(f"{field}: expected {expected}, got {got}")
