"""Status list state: each list's description, and its bits, as two keys.

State layout (docs/spec/trust-and-status.md §6)::

    status/list/<issuer did>/<name>    StatusList    purpose, size, version, created, updated
    status/bits/<issuer did>/<name>    raw bytes     the bitstring, size/8 bytes
    status/lists/<issuer did>          n             lists the issuer has created
    status/lists/<issuer did>/<n:4>    name          the n-th of them

The bits are kept raw, not compressed, so that an update is a few bit
operations and the state proof of ``status/bits/...`` commits directly to
the bitstring (its ``leaf_value_hash`` is the list's SHA-256).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.state import Overlay, StateReader

LIST_PREFIX = b"status/list/"
BITS_PREFIX = b"status/bits/"
INDEX_PREFIX = b"status/lists/"


@dataclass(frozen=True, slots=True)
class StatusList:
    issuer: str  # did:sen:...
    name: str
    purpose: str  # "revocation" | "suspension"
    size: int  # entries (bits)
    version: int  # 1 at creation, +1 per update
    created_height: int
    created_time: int
    updated_height: int
    updated_time: int

    def to_value(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "name": self.name,
            "purpose": self.purpose,
            "size": self.size,
            "version": self.version,
            "created": [self.created_height, self.created_time],
            "updated": [self.updated_height, self.updated_time],
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> StatusList:
        created_height, created_time = value["created"]
        updated_height, updated_time = value["updated"]
        return cls(
            issuer=str(value["issuer"]),
            name=str(value["name"]),
            purpose=str(value["purpose"]),
            size=int(value["size"]),
            version=int(value["version"]),
            created_height=int(created_height),
            created_time=int(created_time),
            updated_height=int(updated_height),
            updated_time=int(updated_time),
        )


def _suffix(issuer: str, name: str) -> bytes:
    return issuer.encode() + b"/" + name.encode()


def list_key(issuer: str, name: str) -> bytes:
    return LIST_PREFIX + _suffix(issuer, name)


def bits_key(issuer: str, name: str) -> bytes:
    """The state key of a list's bitstring: the key whose proof a verifier checks."""
    return BITS_PREFIX + _suffix(issuer, name)


def load_list(state: StateReader, issuer: str, name: str) -> StatusList | None:
    stored = state.get(list_key(issuer, name))
    return None if stored is None else StatusList.from_value(encoding.decode(stored))


def save_list(state: Overlay, record: StatusList) -> None:
    state.set(list_key(record.issuer, record.name), encoding.encode(record.to_value()))


def load_bits(state: StateReader, issuer: str, name: str) -> bytes | None:
    return state.get(bits_key(issuer, name))


def save_bits(state: Overlay, issuer: str, name: str, bits: bytes) -> None:
    state.set(bits_key(issuer, name), bits)


def list_count(state: StateReader, issuer: str) -> int:
    stored = state.get(INDEX_PREFIX + issuer.encode())
    return 0 if stored is None else int(encoding.decode(stored))


def add_to_index(state: Overlay, issuer: str, name: str) -> None:
    number = list_count(state, issuer) + 1
    state.set(INDEX_PREFIX + issuer.encode(), encoding.encode(number))
    state.set(
        INDEX_PREFIX + issuer.encode() + b"/" + number.to_bytes(4, "big"), encoding.encode(name)
    )


def list_names(state: StateReader, issuer: str) -> list[str]:
    """The names of the issuer's lists, oldest first."""
    names = []
    for number in range(1, list_count(state, issuer) + 1):
        stored = state.get(INDEX_PREFIX + issuer.encode() + b"/" + number.to_bytes(4, "big"))
        if stored is not None:
            names.append(str(encoding.decode(stored)))
    return names
