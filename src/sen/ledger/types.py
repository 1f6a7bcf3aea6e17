"""Domain types of the ledger: block context, chain parameters, events and results."""

from __future__ import annotations

from dataclasses import dataclass, field

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import InvalidParams

DEFAULT_MAX_TX_BYTES = 512 * 1024
DEFAULT_MAX_BLOCK_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_BATCH_DIGESTS = 10_000

PARAMS_KEY = b"chain/params"  # the state key of the chain parameters (canonical map)


@dataclass(frozen=True, slots=True)
class ChainParams:
    """Consensus parameters of a chain, fixed in genesis (changeable by governance later)."""

    chain_id: str
    max_tx_bytes: int = DEFAULT_MAX_TX_BYTES
    max_block_bytes: int = DEFAULT_MAX_BLOCK_BYTES
    allowed_suites: tuple[str, ...] = ("ed25519",)
    max_batch_digests: int = DEFAULT_MAX_BATCH_DIGESTS
    # Every transaction but membership.enroll must come from an enrolled member
    # (docs/spec/membership.md). Written only when true, so that the parameters
    # (and so the genesis and app hashes) of open chains stay as they were.
    permissioned: bool = False
    # Modules whose transactions are refused (governance sets it; written only when set).
    disabled_modules: tuple[str, ...] = ()
    # Transaction arguments that look like personal data are refused (sen.ledger.pii);
    # written only when true, like permissioned.
    pii_free: bool = False

    def to_json(self) -> dict[str, object]:
        document: dict[str, object] = {
            "chain_id": self.chain_id,
            "max_tx_bytes": self.max_tx_bytes,
            "max_block_bytes": self.max_block_bytes,
            "allowed_suites": list(self.allowed_suites),
            "max_batch_digests": self.max_batch_digests,
        }
        if self.permissioned:
            document["permissioned"] = True
        if self.disabled_modules:
            document["disabled_modules"] = list(self.disabled_modules)
        if self.pii_free:
            document["pii_free"] = True
        return document

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ChainParams:
        """Read parameters back; raises :class:`InvalidParams` naming the key at fault."""
        if "chain_id" not in data:
            raise InvalidParams("chain_id", "missing")
        suites = data.get("allowed_suites", ["ed25519"])
        if not isinstance(suites, list) or not all(isinstance(s, str) for s in suites):
            raise InvalidParams("allowed_suites", "expected a list of suite names")
        permissioned = data.get("permissioned", False)
        if not isinstance(permissioned, bool):
            raise InvalidParams("permissioned", f"expected true or false, got {permissioned!r}")
        pii_free = data.get("pii_free", False)
        if not isinstance(pii_free, bool):
            raise InvalidParams("pii_free", f"expected true or false, got {pii_free!r}")
        return cls(
            chain_id=str(data["chain_id"]),
            max_tx_bytes=_int(data, "max_tx_bytes", DEFAULT_MAX_TX_BYTES),
            max_block_bytes=_int(data, "max_block_bytes", DEFAULT_MAX_BLOCK_BYTES),
            allowed_suites=tuple(suites),
            max_batch_digests=_int(data, "max_batch_digests", DEFAULT_MAX_BATCH_DIGESTS),
            permissioned=permissioned,
            disabled_modules=_names(data, "disabled_modules"),
            pii_free=pii_free,
        )


def _names(data: dict[str, object], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidParams(key, f"expected a list of names, got {value!r}")
    return tuple(value)


def _int(data: dict[str, object], key: str, default: int) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidParams(key, f"expected a positive integer, got {value!r}")
    return value


BlockTime = tuple[int, int]
"""A block time as (unix seconds, nanoseconds): what the rules compare validity against."""


@dataclass(frozen=True, slots=True)
class BlockInfo:
    """What a transaction may know about the block it runs in (block time, never wall clock)."""

    height: int
    time_seconds: int
    time_nanos: int
    proposer: bytes


@dataclass(frozen=True, slots=True)
class EventAttribute:
    key: str
    value: str
    index: bool = True


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    attributes: tuple[EventAttribute, ...] = ()

    def to_value(self) -> list[object]:
        return [self.type, [[a.key, a.value, a.index] for a in self.attributes]]

    @classmethod
    def from_value(cls, value: list[object]) -> Event:
        kind, attrs = value
        assert isinstance(kind, str) and isinstance(attrs, list)
        return cls(kind, tuple(EventAttribute(str(k), str(v), bool(i)) for k, v, i in attrs))


@dataclass(frozen=True, slots=True)
class ValidatorChange:
    """A change to the consensus validator set (CometBFT ValidatorUpdate; power 0 removes)."""

    pub_key_type: str  # "ed25519"
    pub_key: bytes
    power: int


@dataclass(frozen=True, slots=True)
class TxResult:
    """Exactly one per transaction in a block. ``code`` and ``data`` are hashed; ``log`` is not."""

    code: ResultCode
    data: bytes = b""
    log: str = ""
    events: tuple[Event, ...] = field(default=())
    gas_wanted: int = 0
    gas_used: int = 0
    # not stored or hashed: handed to consensus by the block that made them
    validator_updates: tuple[ValidatorChange, ...] = ()

    @property
    def ok(self) -> bool:
        return self.code == ResultCode.OK

    def encode(self) -> bytes:
        """Storage form (the hashed form is ExecTxResult, in sen.ledger.light.results)."""
        return encoding.encode_unchecked(
            [
                int(self.code),
                self.data,
                self.log,
                [e.to_value() for e in self.events],
                self.gas_wanted,
                self.gas_used,
            ]
        )

    @classmethod
    def decode(cls, data: bytes) -> TxResult:
        code, payload, log, events, wanted, used = encoding.decode_unchecked(data)
        return cls(
            ResultCode(code),
            payload,
            log,
            tuple(Event.from_value(e) for e in events),
            wanted,
            used,
        )
