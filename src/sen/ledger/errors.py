"""Errors of the deterministic ledger core.

One root per layer (see STYLE.md §4)::

    LedgerError
    ├── EncodingError            bytes are not in Sen's canonical encoding
    │   └── NonCanonical         decodable, but not the one canonical form
    ├── TxRejected               a transaction fails a rule; carries a ResultCode
    ├── UnknownSuite             a signature suite name that is not registered
    └── InvalidParams            chain parameters (genesis app_state.params, or as
                                 stored) that are missing or out of range (names the key)

Consensus code never puts the text of these errors into anything hashed: a
rejection becomes a :class:`~sen.ledger.codes.ResultCode` plus a log line.
"""

from __future__ import annotations

from sen.ledger.codes import ResultCode


class LedgerError(Exception):
    """Root of every error raised by ``sen.ledger``."""


class EncodingError(LedgerError):
    """The bytes are not a value of Sen's canonical encoding."""

    def __init__(self, reason: str, *, field: str = "") -> None:
        self.reason = reason
        self.field = field
        super().__init__(f"{field}: {reason}" if field else reason)


class NonCanonical(EncodingError):
    """The bytes decode, but are not the single canonical encoding of their value."""


class UnknownSuite(LedgerError):
    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown signature suite {name!r}; known: {', '.join(known)}")


class InvalidParams(LedgerError):
    """Chain parameters that cannot be read: ``field`` names the key, ``reason`` what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class TxRejected(LedgerError):
    """A transaction breaks a ledger rule.

    ``code`` goes into consensus; ``field``, ``expected`` and ``got`` are for the
    log and for API error bodies only.
    """

    def __init__(
        self,
        code: ResultCode,
        reason: str,
        *,
        field: str = "",
        expected: object = None,
        got: object = None,
        gas_wanted: int = 0,
        gas_used: int = 0,
    ) -> None:
        self.code = code
        # a contract call that failed after running: the gas it was given and burnt
        self.gas_wanted = gas_wanted
        self.gas_used = gas_used
        self.reason = reason
        self.field = field
        self.expected = expected
        self.got = got
        parts = [reason]
        if expected is not None:
            parts.append(f"expected {expected}")
        if got is not None:
            parts.append(f"got {got}")
        super().__init__("; ".join(parts))

    @property
    def log_text(self) -> str:
        """The result log of a refusal in a block: the field at fault first (a committed
        result has no other place for it; the log is not hashed)."""
        return f"{self.field}: {self}" if self.field else str(self)
