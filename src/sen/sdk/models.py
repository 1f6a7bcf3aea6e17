"""What the node answers, as frozen dataclasses (decoded once, at the edge)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sen.ledger.codes import describe
from sen.sdk.errors import SenError


def _int(value: object, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return default


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _object(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SenError(f"unexpected answer from the node: {what} is not a JSON object")
    return value


@dataclass(frozen=True, slots=True)
class TxResult:
    code: int
    code_name: str
    data: str
    log: str
    events: tuple[Mapping[str, Any], ...] = ()
    gas_wanted: int = 0  # a contract call's gas limit and the gas it used
    gas_used: int = 0

    @property
    def ok(self) -> bool:
        return self.code == 0

    def describe(self, language: str = "en") -> str:
        return describe(self.code, language)

    @classmethod
    def from_json(cls, value: object) -> TxResult:
        doc = _object(value, "result")
        events = doc.get("events") or []
        return cls(
            code=_int(doc.get("code")),
            code_name=_text(doc.get("code_name")),
            data=_text(doc.get("data")),
            log=_text(doc.get("log")),
            events=tuple(e for e in events if isinstance(e, Mapping)),
            gas_wanted=_int(doc.get("gas_wanted", 0)),
            gas_used=_int(doc.get("gas_used", 0)),
        )


@dataclass(frozen=True, slots=True)
class TxInfo:
    """A transaction as the node knows it: committed, pending (in the mempool) or unknown."""

    hash: str
    status: str
    height: int | None = None
    index: int | None = None
    result: TxResult | None = None
    tx: Mapping[str, Any] = field(default_factory=dict)

    @property
    def committed(self) -> bool:
        return self.status == "committed"

    @classmethod
    def from_json(cls, value: object) -> TxInfo:
        doc = _object(value, "transaction")
        result = doc.get("result")
        tx = doc.get("tx")
        height = doc.get("height")
        index = doc.get("index")
        return cls(
            hash=_text(doc.get("hash")),
            status=_text(doc.get("status")) or "unknown",
            height=None if height is None else _int(height),
            index=None if index is None else _int(index),
            result=TxResult.from_json(result) if isinstance(result, Mapping) else None,
            tx=tx if isinstance(tx, Mapping) else {},
        )


@dataclass(frozen=True, slots=True)
class Account:
    address: str
    nonce: int
    pending_nonce: int

    @classmethod
    def from_json(cls, value: object) -> Account:
        doc = _object(value, "account")
        nonce = _int(doc.get("nonce"))
        return cls(
            address=_text(doc.get("address")),
            nonce=nonce,
            pending_nonce=_int(doc.get("pending_nonce"), nonce),
        )


@dataclass(frozen=True, slots=True)
class Anchoring:
    """One anchoring of a digest (a digest may be anchored several times)."""

    height: int
    time: str
    tx_hash: str
    index: int
    leaf: int
    batch: bool
    title: str
    organisation: str
    reference: str
    sender: str

    @classmethod
    def from_json(cls, value: object) -> Anchoring:
        doc = _object(value, "anchoring")
        return cls(
            height=_int(doc.get("height")),
            time=_text(doc.get("time")),
            tx_hash=_text(doc.get("tx_hash")),
            index=_int(doc.get("index")),
            leaf=_int(doc.get("leaf")),
            batch=bool(doc.get("batch")),
            title=_text(doc.get("title")),
            organisation=_text(doc.get("organisation")),
            reference=_text(doc.get("reference")),
            sender=_text(doc.get("sender")),
        )


@dataclass(frozen=True, slots=True)
class Lookup:
    algorithm: str
    digest: str
    anchorings: tuple[Anchoring, ...]

    @property
    def anchored(self) -> bool:
        return bool(self.anchorings)

    @classmethod
    def from_json(cls, value: object) -> Lookup:
        doc = _object(value, "evidence")
        anchorings = doc.get("anchorings") or []
        return cls(
            algorithm=_text(doc.get("algorithm")),
            digest=_text(doc.get("digest")),
            anchorings=tuple(Anchoring.from_json(a) for a in anchorings),
        )


@dataclass(frozen=True, slots=True)
class Anchored:
    """What ``anchor``/``anchor_batch`` did: which digests went into which transaction."""

    algorithm: str
    digests: tuple[bytes, ...]
    tx: TxInfo

    @property
    def tx_hash(self) -> str:
        return self.tx.hash
