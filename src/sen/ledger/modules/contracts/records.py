"""Contracts state: settings, code, instances and each contract's own state, as canonical CBOR.

State layout (docs/spec/contracts.md)::

    contracts/settings               Settings            runtime, who uploads, limits
    contracts/code/<sha256:32>       CodeRecord          who uploaded it, when, its size
    contracts/source/<sha256:32>     bytes               the Python source, UTF-8
    contracts/instance/<address:20>  InstanceRecord      code, admin, label, creator
    contracts/state/<address:20>/<key>  bytes            the contract's own state

A contract's state lives under its own prefix in the state tree, so each of
its keys is proved like any other (``GET /v1/state/...``) and covered by
receipts. The runtime hands the contract keys relative to that prefix; the
contract can name no other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sen.ledger import encoding
from sen.ledger.state import Overlay, StateReader

SETTINGS_KEY = b"contracts/settings"
CODE_PREFIX = b"contracts/code/"
SOURCE_PREFIX = b"contracts/source/"
INSTANCE_PREFIX = b"contracts/instance/"
STATE_PREFIX = b"contracts/state/"


class IncompatibleState(Exception):
    """Stored contract records of a shape this version does not read (a node stops on it)."""


UPLOAD_POLICIES = ("anyone", "governance")
DEFAULT_MAX_CODE_BYTES = 256 * 1024
"""A Rust contract's component is about 100 KB; Python source is held to about 66 KB by the
price of compiling it (``fuel.upload_cost``) under the default ``max_gas``."""
DEFAULT_MAX_GAS = 200_000_000
DEFAULT_MAX_BLOCK_GAS = 4_000_000_000


@dataclass(frozen=True, slots=True)
class Settings:
    """The chain's contract settings (``app_state.contracts``): no settings, no contracts."""

    runtime: str  # SHA-256 (hex) of the runtime component every validator runs
    upload: str = "anyone"  # or "governance": code is uploaded by proposal only
    max_code_bytes: int = DEFAULT_MAX_CODE_BYTES
    max_gas: int = DEFAULT_MAX_GAS  # per transaction
    max_block_gas: int = DEFAULT_MAX_BLOCK_GAS  # the gas limits of a block's calls, summed

    def to_value(self) -> list[object]:
        return [self.runtime, self.upload, self.max_code_bytes, self.max_gas, self.max_block_gas]

    @classmethod
    def from_value(cls, value: object) -> Settings:
        shapes = (str, str, int, int, int)
        if not (
            isinstance(value, list)
            and len(value) == len(shapes)
            and all(isinstance(v, t) for v, t in zip(value, shapes, strict=True))
        ):
            got = f"{len(value)} fields" if isinstance(value, list) else type(value).__name__
            raise IncompatibleState(
                "contracts/settings: expected [runtime, upload, max_code_bytes, max_gas, "
                f"max_block_gas], got {got}: the chain's state was written by another version "
                "of Sen; run the version that made it"
            )
        runtime, upload, max_code_bytes, max_gas, max_block_gas = value
        return cls(runtime, upload, max_code_bytes, max_gas, max_block_gas)


@dataclass(frozen=True, slots=True)
class CodeRecord:
    uploader: bytes
    height: int
    size: int
    runtime: str  # the runtime it was checked against

    def to_value(self) -> list[object]:
        return [self.uploader, self.height, self.size, self.runtime]

    @classmethod
    def from_value(cls, value: object) -> CodeRecord:
        assert isinstance(value, list) and len(value) == 4
        uploader, height, size, runtime = value
        assert isinstance(uploader, bytes) and isinstance(runtime, str)
        assert isinstance(height, int) and isinstance(size, int)
        return cls(uploader, height, size, runtime)


@dataclass(frozen=True, slots=True)
class InstanceRecord:
    code: bytes  # SHA-256 of the source
    admin: bytes  # who may migrate; empty: nobody (immutable)
    label: str
    creator: bytes
    height: int

    def to_value(self) -> list[object]:
        return [self.code, self.admin, self.label, self.creator, self.height]

    @classmethod
    def from_value(cls, value: object) -> InstanceRecord:
        assert isinstance(value, list) and len(value) == 5
        code, admin, label, creator, height = value
        assert isinstance(code, bytes) and isinstance(admin, bytes)
        assert isinstance(label, str) and isinstance(creator, bytes)
        assert isinstance(height, int)
        return cls(code, admin, label, creator, height)


def code_hash(source: bytes) -> bytes:
    return hashlib.sha256(source).digest()


def contract_address(tx_hash: bytes) -> bytes:
    """A new instance's address: from the hash of the transaction that made it."""
    return hashlib.sha256(b"sen/contract/v1\x00" + tx_hash).digest()[:20]


def state_key(address: bytes, key: bytes) -> bytes:
    return STATE_PREFIX + address + b"/" + key


def load_settings(state: StateReader) -> Settings | None:
    raw = state.get(SETTINGS_KEY)
    return None if raw is None else Settings.from_value(encoding.decode(raw))


def load_code(state: StateReader, digest: bytes) -> CodeRecord | None:
    raw = state.get(CODE_PREFIX + digest)
    return None if raw is None else CodeRecord.from_value(encoding.decode(raw))


def load_source(state: StateReader, digest: bytes) -> bytes | None:
    return state.get(SOURCE_PREFIX + digest)


def save_code(state: Overlay, digest: bytes, record: CodeRecord, source: bytes) -> None:
    state.set(CODE_PREFIX + digest, encoding.encode(record.to_value()))
    state.set(SOURCE_PREFIX + digest, source)


def load_instance(state: StateReader, address: bytes) -> InstanceRecord | None:
    raw = state.get(INSTANCE_PREFIX + address)
    return None if raw is None else InstanceRecord.from_value(encoding.decode(raw))


def save_instance(state: Overlay, address: bytes, record: InstanceRecord) -> None:
    state.set(INSTANCE_PREFIX + address, encoding.encode(record.to_value()))
