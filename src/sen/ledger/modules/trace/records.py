"""The trace module's state: who speaks for which GS1 Company Prefix, and capture jobs.

Keys (values in the ledger's canonical encoding; no human text, ADR 0009):

- ``trace/prefix/<digits>``: a :class:`PrefixGrant`, the DID that speaks for every
  GS1 key (GTIN, GLN, SSCC, GRAI, GIAI...) whose digits start with the prefix;
- ``trace/holder/<did>\\x00<digits>``: the same grant, listed by its holder;
- ``trace/capture/<16 bytes>``: a :class:`CaptureRecord`, one EPCIS capture job's
  Merkle root and where it was recorded.

A capture job's leaves (:func:`capture_leaf`) are what an event receipt proves
(``docs/spec/traceability.md``): the event's CBV 2.0 hash, the SHA-256 of the event
exactly as stored, its record time, the capture id and the capturing DID.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.state import Overlay, StateReader, prefix_end

PREFIX_KEY = b"trace/prefix/"
HOLDER_KEY = b"trace/holder/"
CAPTURE_KEY = b"trace/capture/"
CAPTURE_ID_BYTES = 16
MIN_PREFIX_DIGITS = 4
MAX_PREFIX_DIGITS = 12
LEAF_DOMAIN = "sen/trace/leaf/v1"


@dataclass(frozen=True, slots=True)
class PrefixGrant:
    prefix: str  # 4 to 12 decimal digits: a GS1 Company Prefix
    holder: str  # the did:sen DID that speaks for it
    height: int  # granted at

    def to_value(self) -> dict[str, Any]:
        return {"prefix": self.prefix, "holder": self.holder, "height": self.height}

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> PrefixGrant:
        return cls(prefix=value["prefix"], holder=value["holder"], height=value["height"])


@dataclass(frozen=True, slots=True)
class CaptureRecord:
    capture: bytes  # the capture job's id, 16 bytes
    capturer: str  # the DID the job speaks for
    root: bytes  # RFC 6962 root over the job's leaves
    count: int  # leaves
    prefixes: tuple[str, ...]  # the capturer's prefixes its events claim, sorted
    height: int
    index: int  # the transaction's position in its block

    def to_value(self) -> dict[str, Any]:
        return {
            "capture": self.capture,
            "capturer": self.capturer,
            "root": self.root,
            "count": self.count,
            "prefixes": list(self.prefixes),
            "height": self.height,
            "index": self.index,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> CaptureRecord:
        return cls(
            capture=value["capture"],
            capturer=value["capturer"],
            root=value["root"],
            count=value["count"],
            prefixes=tuple(value["prefixes"]),
            height=value["height"],
            index=value["index"],
        )


def capture_leaf(
    event_hash: bytes, content: bytes, record_time_ms: int, capture: bytes, capturer: str
) -> bytes:
    """One leaf of a capture job's tree: what an event receipt's path starts from.

    ``event_hash`` is the 32 bytes of the event's CBV 2.0 hash, ``content`` the SHA-256
    of the event's stored JSON bytes, ``record_time_ms`` the repository's record time in
    milliseconds since the Unix epoch (UTC).
    """
    return encoding.encode(
        {
            "domain": LEAF_DOMAIN,
            "event": event_hash,
            "content": content,
            "record_time": record_time_ms,
            "capture": capture,
            "capturer": capturer,
        }
    )


def prefix_key(prefix: str) -> bytes:
    return PREFIX_KEY + prefix.encode()


def holder_key(holder: str, prefix: str) -> bytes:
    return HOLDER_KEY + holder.encode() + b"\x00" + prefix.encode()


def capture_key(capture: bytes) -> bytes:
    return CAPTURE_KEY + capture


def _load(state: StateReader, key: bytes) -> dict[str, Any] | None:
    raw = state.get(key)
    if raw is None:
        return None
    value = encoding.decode(raw)
    assert isinstance(value, dict)
    return value


def load_grant(state: StateReader, prefix: str) -> PrefixGrant | None:
    value = _load(state, prefix_key(prefix))
    return None if value is None else PrefixGrant.from_value(value)


def holder_of(state: StateReader, digits: str) -> PrefixGrant | None:
    """The grant whose prefix starts ``digits`` (a GS1 key's digits), if any.

    Grants never overlap (:func:`overlapping`), so at most one prefix matches.
    """
    for length in range(MIN_PREFIX_DIGITS, min(MAX_PREFIX_DIGITS, len(digits)) + 1):
        grant = load_grant(state, digits[:length])
        if grant is not None:
            return grant
    return None


def overlapping(state: StateReader, prefix: str) -> PrefixGrant | None:
    """A grant that is ``prefix``, starts it, or starts with it: GS1 keys they would share."""
    above = holder_of(state, prefix)
    if above is not None:
        return above
    start = prefix_key(prefix)
    below = state.scan(start, prefix_end(start), 1)
    if below:
        return PrefixGrant.from_value(encoding.decode(below[0][1]))
    return None


def prefixes_of(state: StateReader, holder: str, limit: int = 10_000) -> tuple[PrefixGrant, ...]:
    """Every prefix ``holder`` speaks for, in digit order."""
    start = HOLDER_KEY + holder.encode() + b"\x00"
    found = []
    for key, _ in state.scan(start, prefix_end(start), limit):
        grant = load_grant(state, key[len(start) :].decode())
        if grant is not None:
            found.append(grant)
    return tuple(found)


def save_grant(state: Overlay, grant: PrefixGrant) -> None:
    state.set(prefix_key(grant.prefix), encoding.encode(grant.to_value()))
    state.set(holder_key(grant.holder, grant.prefix), encoding.encode(grant.height))


def delete_grant(state: Overlay, grant: PrefixGrant) -> None:
    state.delete(prefix_key(grant.prefix))
    state.delete(holder_key(grant.holder, grant.prefix))


def load_capture(state: StateReader, capture: bytes) -> CaptureRecord | None:
    value = _load(state, capture_key(capture))
    return None if value is None else CaptureRecord.from_value(value)


def save_capture(state: Overlay, record: CaptureRecord) -> None:
    state.set(capture_key(record.capture), encoding.encode(record.to_value()))


def sorted_prefixes(prefixes: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(prefixes))
