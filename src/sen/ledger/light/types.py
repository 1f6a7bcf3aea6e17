"""CometBFT v0.38 block, validator and commit types as frozen dataclasses.

These mirror `tendermint.types` closely enough that every value here encodes
to exactly the bytes CometBFT hashes and signs (see `header`, `vote`,
`parts`). Construction checks ranges and lengths and raises `InvalidValue`;
`from_json` reads CometBFT's RPC JSON strictly and raises a `DecodeError`
naming the field at fault; `to_json` writes the same JSON back.

Times are integers (`Timestamp`), never floats or wall-clock readings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from . import _json
from ._proto import INT32_MAX, INT32_MIN, INT64_MAX, UINT32_MAX, UINT64_MAX
from .errors import InvalidField, InvalidValue
from .validators import validator_set_hash

__all__ = [
    "BLOCK_PROTOCOL",
    "GO_ZERO_TIME",
    "MAX_TOTAL_VOTING_POWER",
    "BlockID",
    "BlockIDFlag",
    "Commit",
    "CommitSig",
    "Header",
    "PartSetHeader",
    "SignedMsgType",
    "Timestamp",
    "Validator",
    "ValidatorSet",
    "Version",
]

BLOCK_PROTOCOL = 11
"""CometBFT v0.38's block protocol version (`version.BlockProtocol`)."""

MAX_TOTAL_VOTING_POWER = INT64_MAX // 8
"""CometBFT caps the total voting power so that 2/3 arithmetic never overflows."""

HASH_SIZE = 32
ADDRESS_SIZE = 20
ED25519_PUBLIC_KEY_SIZE = 32
ED25519_PUBKEY_TYPE = "tendermint/PubKeyEd25519"

_MIN_SECONDS = -62_135_596_800  # 0001-01-01T00:00:00Z
_MAX_SECONDS = 253_402_300_800  # 10000-01-01T00:00:00Z, exclusive


def _check_int(field: str, value: object, minimum: int, maximum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(field, f"expected int, got {type(value).__name__}")
    if not minimum <= value <= maximum:
        raise InvalidValue(field, f"{value} not in [{minimum}, {maximum}]")


def _check_bytes(field: str, value: object, lengths: tuple[int, ...] | None = None) -> None:
    if not isinstance(value, bytes):
        raise InvalidValue(field, f"expected bytes, got {type(value).__name__}")
    if lengths is not None and len(value) not in lengths:
        wanted = " or ".join(str(n) for n in lengths)
        raise InvalidValue(field, f"expected {wanted} bytes, got {len(value)}")


# ---------------------------------------------------------------- time


@dataclass(frozen=True, slots=True)
class Timestamp:
    """A point in time as protobuf's `google.protobuf.Timestamp` holds it (UTC)."""

    seconds: int
    nanos: int

    def __post_init__(self) -> None:
        _check_int("timestamp.seconds", self.seconds, _MIN_SECONDS, _MAX_SECONDS - 1)
        _check_int("timestamp.nanos", self.nanos, 0, 999_999_999)

    def to_rfc3339(self) -> str:
        return _json.format_time(self.seconds, self.nanos)

    @classmethod
    def from_rfc3339(cls, text: str, field: str = "time") -> Timestamp:
        seconds, nanos = _json.parse_time(text, field)
        if not _MIN_SECONDS <= seconds < _MAX_SECONDS:
            raise InvalidField(field, "time between years 1 and 9999", text)
        return cls(seconds, nanos)


GO_ZERO_TIME = Timestamp(_MIN_SECONDS, 0)
"""Go's zero `time.Time` (0001-01-01T00:00:00Z), used by absent commit signatures."""


# ---------------------------------------------------------------- block ids


@dataclass(frozen=True, slots=True)
class PartSetHeader:
    total: int
    hash: bytes

    def __post_init__(self) -> None:
        _check_int("part_set_header.total", self.total, 0, UINT32_MAX)
        _check_bytes("part_set_header.hash", self.hash, (0, HASH_SIZE))

    def is_zero(self) -> bool:
        return self.total == 0 and not self.hash


@dataclass(frozen=True, slots=True)
class BlockID:
    hash: bytes
    part_set_header: PartSetHeader

    def __post_init__(self) -> None:
        _check_bytes("block_id.hash", self.hash, (0, HASH_SIZE))
        if not isinstance(self.part_set_header, PartSetHeader):
            raise InvalidValue("block_id.part_set_header", "expected PartSetHeader")

    @classmethod
    def zero(cls) -> BlockID:
        """The empty block id: what a nil vote and the first block's parent use."""
        return cls(b"", PartSetHeader(0, b""))

    def is_zero(self) -> bool:
        return not self.hash and self.part_set_header.is_zero()

    def __str__(self) -> str:
        parts = self.part_set_header
        return f"{_json.to_hex(self.hash)}:{parts.total}:{_json.to_hex(parts.hash)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "hash": _json.to_hex(self.hash),
            "parts": {
                "total": self.part_set_header.total,
                "hash": _json.to_hex(self.part_set_header.hash),
            },
        }

    @classmethod
    def from_json(cls, value: object) -> BlockID:
        return _block_id_from_json(_json.load(value), "")


def _block_id_from_json(value: object, path: str) -> BlockID:
    obj = _json.read_object(value, path, ("hash", "parts"))
    parts_path = _json.join(path, "parts")
    parts = _json.read_object(obj["parts"], parts_path, ("total", "hash"))
    return BlockID(
        hash=_json.read_hex(obj, "hash", path, (0, HASH_SIZE)),
        part_set_header=PartSetHeader(
            total=_json.read_int_number(parts, "total", parts_path, 0, UINT32_MAX),
            hash=_json.read_hex(parts, "hash", parts_path, (0, HASH_SIZE)),
        ),
    )


# ---------------------------------------------------------------- header


@dataclass(frozen=True, slots=True)
class Version:
    """`tendermint.version.Consensus`: block and app protocol versions."""

    block: int = BLOCK_PROTOCOL
    app: int = 0

    def __post_init__(self) -> None:
        _check_int("version.block", self.block, 0, UINT64_MAX)
        _check_int("version.app", self.app, 0, UINT64_MAX)


@dataclass(frozen=True, slots=True)
class Header:
    """A CometBFT block header: the 14 fields `Header.Hash()` commits to."""

    version: Version
    chain_id: str
    height: int
    time: Timestamp
    last_block_id: BlockID
    last_commit_hash: bytes
    data_hash: bytes
    validators_hash: bytes
    next_validators_hash: bytes
    consensus_hash: bytes
    app_hash: bytes
    last_results_hash: bytes
    evidence_hash: bytes
    proposer_address: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.version, Version):
            raise InvalidValue("version", "expected Version")
        if not isinstance(self.chain_id, str):
            raise InvalidValue("chain_id", "expected str")
        _check_int("height", self.height, 0, INT64_MAX)
        if not isinstance(self.time, Timestamp):
            raise InvalidValue("time", "expected Timestamp")
        if not isinstance(self.last_block_id, BlockID):
            raise InvalidValue("last_block_id", "expected BlockID")
        for name in _HEADER_HASH_FIELDS:
            _check_bytes(name, getattr(self, name))

    def to_json(self) -> dict[str, Any]:
        version: dict[str, str] = {}
        if self.version.block:
            version["block"] = str(self.version.block)
        if self.version.app:
            version["app"] = str(self.version.app)
        out: dict[str, Any] = {
            "version": version,
            "chain_id": self.chain_id,
            "height": str(self.height),
            "time": self.time.to_rfc3339(),
            "last_block_id": self.last_block_id.to_json(),
        }
        for name in _HEADER_HASH_FIELDS:
            out[name] = _json.to_hex(getattr(self, name))
        return out

    @classmethod
    def from_json(cls, value: object) -> Header:
        obj = _json.read_object(
            _json.load(value),
            "",
            ("version", "chain_id", "height", "time", "last_block_id", *_HEADER_HASH_FIELDS),
        )
        # CometBFT omits zero versions ("omitempty"), so both keys are optional.
        version = _json.read_object(obj["version"], "version", (), ("block", "app"))
        block, app = (
            _json.read_int_string(version, key, "version", 0, UINT64_MAX) if key in version else 0
            for key in ("block", "app")
        )
        hashes = {name: _json.read_hex(obj, name, "") for name in _HEADER_HASH_FIELDS}
        return cls(
            version=Version(block, app),
            chain_id=_json.read_str(obj, "chain_id", ""),
            height=_json.read_int_string(obj, "height", "", 0, INT64_MAX),
            time=Timestamp.from_rfc3339(_json.read_str(obj, "time", ""), "time"),
            last_block_id=_block_id_from_json(obj["last_block_id"], "last_block_id"),
            **hashes,
        )


_HEADER_HASH_FIELDS = (
    "last_commit_hash",
    "data_hash",
    "validators_hash",
    "next_validators_hash",
    "consensus_hash",
    "app_hash",
    "last_results_hash",
    "evidence_hash",
    "proposer_address",
)


# ---------------------------------------------------------------- validators


@dataclass(frozen=True, slots=True)
class Validator:
    """An Ed25519 validator and its voting power."""

    pub_key: bytes
    voting_power: int

    def __post_init__(self) -> None:
        _check_bytes("validator.pub_key", self.pub_key, (ED25519_PUBLIC_KEY_SIZE,))
        _check_int("validator.voting_power", self.voting_power, 1, MAX_TOTAL_VOTING_POWER)

    @property
    def address(self) -> bytes:
        """CometBFT's Ed25519 address: the first 20 bytes of sha256(pub_key)."""
        return hashlib.sha256(self.pub_key).digest()[:ADDRESS_SIZE]


@dataclass(frozen=True, slots=True)
class ValidatorSet:
    """Validators in CometBFT's canonical order (power descending, then address).

    The order given is the order hashed and the order commit signatures follow;
    use `ValidatorSet.sorted` to put arbitrary validators into canonical order.
    """

    validators: tuple[Validator, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.validators, tuple) or not all(
            isinstance(v, Validator) for v in self.validators
        ):
            raise InvalidValue("validators", "expected a tuple of Validator")
        seen: set[bytes] = set()
        total = 0
        for validator in self.validators:
            if validator.address in seen:
                raise InvalidValue("validators", f"duplicate {_json.to_hex(validator.address)}")
            seen.add(validator.address)
            total += validator.voting_power
        if total > MAX_TOTAL_VOTING_POWER:
            raise InvalidValue("validators", f"total voting power {total} exceeds maximum")

    @classmethod
    def sorted(cls, validators: Iterable[Validator]) -> ValidatorSet:
        return cls(tuple(sorted(validators, key=lambda v: (-v.voting_power, v.address))))

    def total_voting_power(self) -> int:
        return sum(v.voting_power for v in self.validators)

    def hash(self) -> bytes:
        """Merkle root of the validators' `SimpleValidator` encodings."""
        return validator_set_hash(self.validators)

    def to_json(self) -> dict[str, Any]:
        return {
            "validators": [
                {
                    "address": _json.to_hex(v.address),
                    "pub_key": {"type": ED25519_PUBKEY_TYPE, "value": _json.to_base64(v.pub_key)},
                    "voting_power": str(v.voting_power),
                }
                for v in self.validators
            ]
        }

    @classmethod
    def from_json(cls, value: object) -> ValidatorSet:
        """Read ``{"validators": [...]}`` as RPC ``/validators`` lists them.

        `proposer_priority` is accepted and ignored: it is not hashed.
        """
        obj = _json.read_object(_json.load(value), "", ("validators",))
        items = _json.read_list(obj, "validators", "") or []
        return cls(
            tuple(_validator_from_json(item, f"validators[{i}]") for i, item in enumerate(items))
        )


def _validator_from_json(value: object, path: str) -> Validator:
    obj = _json.read_object(
        value, path, ("address", "pub_key", "voting_power"), ("proposer_priority",)
    )
    key_path = _json.join(path, "pub_key")
    key = _json.read_object(obj["pub_key"], key_path, ("type", "value"))
    key_type = _json.read_str(key, "type", key_path)
    if key_type != ED25519_PUBKEY_TYPE:
        raise InvalidField(_json.join(key_path, "type"), ED25519_PUBKEY_TYPE, key_type)
    pub_key = _json.read_base64(key, "value", key_path, nullable=False)
    if len(pub_key) != ED25519_PUBLIC_KEY_SIZE:
        raise InvalidField(_json.join(key_path, "value"), "32-byte key", f"{len(pub_key)} bytes")
    if "proposer_priority" in obj:
        _json.read_int_string(obj, "proposer_priority", path, -INT64_MAX - 1, INT64_MAX)
    power = _json.read_int_string(obj, "voting_power", path, 1, MAX_TOTAL_VOTING_POWER)
    validator = Validator(pub_key, power)
    address = _json.read_hex(obj, "address", path, (ADDRESS_SIZE,))
    if address != validator.address:
        raise InvalidField(
            _json.join(path, "address"), _json.to_hex(validator.address), _json.to_hex(address)
        )
    return validator


# ---------------------------------------------------------------- commits


class BlockIDFlag(IntEnum):
    """How a validator voted in a commit (`tendermint.types.BlockIDFlag`)."""

    ABSENT = 1
    COMMIT = 2
    NIL = 3


class SignedMsgType(IntEnum):
    """`tendermint.types.SignedMsgType`: what a signature is over."""

    UNKNOWN = 0
    PREVOTE = 1
    PRECOMMIT = 2
    PROPOSAL = 32


@dataclass(frozen=True, slots=True)
class CommitSig:
    """One validator's precommit inside a commit.

    An absent validator has an empty address and signature and `GO_ZERO_TIME`.
    """

    block_id_flag: BlockIDFlag
    validator_address: bytes
    timestamp: Timestamp
    signature: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.block_id_flag, BlockIDFlag):
            raise InvalidValue("block_id_flag", f"expected BlockIDFlag, got {self.block_id_flag!r}")
        _check_bytes("validator_address", self.validator_address)
        if not isinstance(self.timestamp, Timestamp):
            raise InvalidValue("timestamp", "expected Timestamp")
        _check_bytes("signature", self.signature)

    @classmethod
    def absent(cls) -> CommitSig:
        return cls(BlockIDFlag.ABSENT, b"", GO_ZERO_TIME, b"")

    def to_json(self) -> dict[str, Any]:
        return {
            "block_id_flag": int(self.block_id_flag),
            "validator_address": _json.to_hex(self.validator_address),
            "timestamp": self.timestamp.to_rfc3339(),
            "signature": _json.to_base64(self.signature) if self.signature else None,
        }


def _commit_sig_from_json(value: object, path: str) -> CommitSig:
    obj = _json.read_object(
        value, path, ("block_id_flag", "validator_address", "timestamp", "signature")
    )
    flag = _json.read_int_number(obj, "block_id_flag", path, 1, 3)
    stamp_path = _json.join(path, "timestamp")
    return CommitSig(
        block_id_flag=BlockIDFlag(flag),
        validator_address=_json.read_hex(obj, "validator_address", path, (0, ADDRESS_SIZE)),
        timestamp=Timestamp.from_rfc3339(_json.read_str(obj, "timestamp", path), stamp_path),
        signature=_json.read_base64(obj, "signature", path, nullable=True),
    )


@dataclass(frozen=True, slots=True)
class Commit:
    """+2/3 precommits for one block, one `CommitSig` per validator, in set order."""

    height: int
    round: int
    block_id: BlockID
    signatures: tuple[CommitSig, ...]

    def __post_init__(self) -> None:
        _check_int("commit.height", self.height, 0, INT64_MAX)
        _check_int("commit.round", self.round, INT32_MIN, INT32_MAX)
        if not isinstance(self.block_id, BlockID):
            raise InvalidValue("commit.block_id", "expected BlockID")
        if not isinstance(self.signatures, tuple) or not all(
            isinstance(s, CommitSig) for s in self.signatures
        ):
            raise InvalidValue("commit.signatures", "expected a tuple of CommitSig")

    def to_json(self) -> dict[str, Any]:
        return {
            "height": str(self.height),
            "round": self.round,
            "block_id": self.block_id.to_json(),
            # Go writes an empty signature slice as null.
            "signatures": [s.to_json() for s in self.signatures] if self.signatures else None,
        }

    @classmethod
    def from_json(cls, value: object) -> Commit:
        obj = _json.read_object(
            _json.load(value), "", ("height", "round", "block_id", "signatures")
        )
        items = _json.read_list(obj, "signatures", "") or []
        return cls(
            height=_json.read_int_string(obj, "height", "", 0, INT64_MAX),
            round=_json.read_int_number(obj, "round", "", INT32_MIN, INT32_MAX),
            block_id=_block_id_from_json(obj["block_id"], "block_id"),
            signatures=tuple(
                _commit_sig_from_json(item, f"signatures[{i}]") for i, item in enumerate(items)
            ),
        )
