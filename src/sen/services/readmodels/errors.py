"""Errors of the read models (explorer, queries, statistics, receipt building).

Their branch of :mod:`sen.services.errors`::

    ReadModelError
    ├── ReceiptUnavailable(kind)   no receipt can be made for an anchoring; ``kind``
    │                              (an :class:`Unprovable`) says why, and whether it
    │                              will be provable after the next block
    └── UnreadableQuery(text)      search text that is none of: a height, a hash or
                                   digest, an address, a DID
"""

from __future__ import annotations

from enum import StrEnum

from sen.services.errors import ServiceError

SEARCHABLE = (
    "a block height, a transaction hash or digest (hex), an address (40 hex characters) or a DID"
)
"""What a search text may be (the explorer's search box and ``GET /v1/search?q=``)."""


class ReadModelError(ServiceError):
    """Root of every error raised by ``sen.services.readmodels``."""


class Unprovable(StrEnum):
    """Why no receipt can be made for an anchoring."""

    NOT_ANCHORED = "not-anchored"  # the digest was never anchored on this chain
    NO_SUCH_ANCHORING = "no-such-anchoring"  # the digest has fewer anchorings than asked
    BLOCK_NOT_STORED = "block-not-stored"  # this node does not keep the anchoring's block
    RESULT_NOT_COMMITTED = "result-not-committed"  # the next block (the proof) is not yet in
    VALIDATORS_NOT_KNOWN = "validators-not-known"  # the next block's validator set is not yet

    @property
    def after_next_block(self) -> bool:
        """True when the receipt can be made once the next block is committed."""
        return self in (Unprovable.RESULT_NOT_COMMITTED, Unprovable.VALIDATORS_NOT_KNOWN)


class ReceiptUnavailable(ReadModelError):
    """No receipt can be made (yet): ``kind`` says why; ``field`` is ``digest`` or ``anchoring``."""

    def __init__(self, kind: Unprovable, message: str) -> None:
        self.kind = kind
        field = "digest" if kind is Unprovable.NOT_ANCHORED else "anchoring"
        super().__init__(message, field)


class UnreadableQuery(ReadModelError):
    """A search text that can name nothing: ``field`` is ``q``, the search text's name."""

    def __init__(self, text: str) -> None:
        self.text = text
        shown = repr(text) if len(text) <= 64 else repr(text[:61] + "...")
        super().__init__(f"q: expected {SEARCHABLE}", "q", expected=SEARCHABLE, got=shown)
