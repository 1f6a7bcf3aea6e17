"""Identity state: each ``did:sen`` name, and every version of its document, as canonical CBOR.

State layout (docs/spec/did-sen.md §4)::

    identity/did/<name>            DidRecord     the current state of the DID
    identity/did/<name>/v/<n:4>    DidVersion    version n (1, 2, ...): content, height, block time
    identity/count                 n             how many DIDs were ever created
    identity/seq/<n:8>             name          the n-th DID created (for listing)

A DID document is never stored as JSON: the content is kept as typed fields
and the document is rendered from them (:mod:`sen.did.document`).
Deactivation is a version too, with no keys and no services, so the history
reads create → updates → deactivate and every version stays resolvable.
Names are never reused, even after deactivation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sen.ledger import encoding
from sen.ledger.state import Overlay, StateReader

DID_PREFIX = b"identity/did/"
COUNT_KEY = b"identity/count"
SEQ_PREFIX = b"identity/seq/"

RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)
"""Verification relationships a did:sen document may hold, in the order they are rendered."""


@dataclass(frozen=True, slots=True)
class VerificationMethod:
    id: str  # the fragment, without '#'
    suite: str  # "ed25519" | "ecdsa-p256"
    public_key: bytes  # raw: 32 bytes, or the 33-byte compressed point


@dataclass(frozen=True, slots=True)
class Service:
    id: str  # the fragment, without '#'
    type: str
    endpoint: str  # an absolute http(s) URL


@dataclass(frozen=True, slots=True)
class DocumentContent:
    """What a version of a DID document says (everything but its id and its metadata)."""

    methods: tuple[VerificationMethod, ...] = ()
    relationships: tuple[tuple[str, tuple[str, ...]], ...] = ()  # in RELATIONSHIPS order
    services: tuple[Service, ...] = ()
    also_known_as: tuple[str, ...] = ()
    controller_dids: tuple[str, ...] = ()

    def relationship(self, name: str) -> tuple[str, ...]:
        for relationship, ids in self.relationships:
            if relationship == name:
                return ids
        return ()

    def method(self, fragment: str) -> VerificationMethod | None:
        for method in self.methods:
            if method.id == fragment:
                return method
        return None

    def to_value(self) -> dict[str, Any]:
        return {
            "methods": [[m.id, m.suite, m.public_key] for m in self.methods],
            "relationships": {name: list(ids) for name, ids in self.relationships},
            "services": [[s.id, s.type, s.endpoint] for s in self.services],
            "also_known_as": list(self.also_known_as),
            "controller_dids": list(self.controller_dids),
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> DocumentContent:
        relationships = value["relationships"]
        return cls(
            methods=tuple(
                VerificationMethod(str(i), str(s), bytes(k)) for i, s, k in value["methods"]
            ),
            relationships=tuple(
                (name, tuple(relationships[name]))
                for name in RELATIONSHIPS
                if name in relationships
            ),
            services=tuple(Service(str(i), str(t), str(e)) for i, t, e in value["services"]),
            also_known_as=tuple(value["also_known_as"]),
            controller_dids=tuple(value["controller_dids"]),
        )


@dataclass(frozen=True, slots=True)
class DidVersion:
    """One version of a DID document, as written by one transaction."""

    version: int
    height: int
    time_seconds: int
    time_nanos: int
    content: DocumentContent
    controllers: tuple[bytes, ...]  # the Sen accounts that could change the DID after this version
    sender: bytes
    deactivated: bool = False

    def to_value(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "height": self.height,
            "time": [self.time_seconds, self.time_nanos],
            "content": self.content.to_value(),
            "controllers": list(self.controllers),
            "sender": self.sender,
            "deactivated": self.deactivated,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> DidVersion:
        seconds, nanos = value["time"]
        return cls(
            version=int(value["version"]),
            height=int(value["height"]),
            time_seconds=int(seconds),
            time_nanos=int(nanos),
            content=DocumentContent.from_value(value["content"]),
            controllers=tuple(bytes(c) for c in value["controllers"]),
            sender=bytes(value["sender"]),
            deactivated=bool(value["deactivated"]),
        )


@dataclass(frozen=True, slots=True)
class DidRecord:
    """The current state of a DID: who controls it, its latest version, when it changed."""

    name: str
    version: int  # the latest version number
    controllers: tuple[bytes, ...]  # 20-byte Sen account addresses
    organisation: str  # the creator's organisation ("" on a chain without membership)
    created_height: int
    created_seconds: int
    updated_height: int
    updated_seconds: int
    deactivated: bool = False
    sequence: int = field(default=0)  # the order of creation on this chain (1, 2, ...)

    def to_value(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "controllers": list(self.controllers),
            "organisation": self.organisation,
            "created": [self.created_height, self.created_seconds],
            "updated": [self.updated_height, self.updated_seconds],
            "deactivated": self.deactivated,
            "sequence": self.sequence,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> DidRecord:
        created_height, created_seconds = value["created"]
        updated_height, updated_seconds = value["updated"]
        return cls(
            name=str(value["name"]),
            version=int(value["version"]),
            controllers=tuple(bytes(c) for c in value["controllers"]),
            organisation=str(value["organisation"]),
            created_height=int(created_height),
            created_seconds=int(created_seconds),
            updated_height=int(updated_height),
            updated_seconds=int(updated_seconds),
            deactivated=bool(value["deactivated"]),
            sequence=int(value["sequence"]),
        )


def did_key(name: str) -> bytes:
    return DID_PREFIX + name.encode()


def version_key(name: str, version: int) -> bytes:
    return DID_PREFIX + name.encode() + b"/v/" + version.to_bytes(4, "big")


def sequence_key(sequence: int) -> bytes:
    return SEQ_PREFIX + sequence.to_bytes(8, "big")


def load_did(state: StateReader, name: str) -> DidRecord | None:
    stored = state.get(did_key(name))
    return None if stored is None else DidRecord.from_value(encoding.decode(stored))


def save_did(state: Overlay, record: DidRecord) -> None:
    state.set(did_key(record.name), encoding.encode(record.to_value()))


def load_version(state: StateReader, name: str, version: int) -> DidVersion | None:
    if not 0 < version < 2**32:
        return None
    stored = state.get(version_key(name, version))
    return None if stored is None else DidVersion.from_value(encoding.decode(stored))


def save_version(state: Overlay, name: str, version: DidVersion) -> None:
    state.set(version_key(name, version.version), encoding.encode(version.to_value()))


def did_count(state: StateReader) -> int:
    stored = state.get(COUNT_KEY)
    return 0 if stored is None else int(encoding.decode(stored))


def register_name(state: Overlay, name: str) -> int:
    """Append ``name`` to the creation order; its sequence number (1, 2, ...)."""
    sequence = did_count(state) + 1
    state.set(COUNT_KEY, encoding.encode(sequence))
    state.set(sequence_key(sequence), encoding.encode(name))
    return sequence


def name_at(state: StateReader, sequence: int) -> str | None:
    stored = state.get(sequence_key(sequence))
    return None if stored is None else str(encoding.decode(stored))


def list_names(state: StateReader, *, newest_first: bool = True) -> list[str]:
    """Every DID name ever created on this chain."""
    order = range(did_count(state), 0, -1) if newest_first else range(1, did_count(state) + 1)
    return [name for name in (name_at(state, n) for n in order) if name is not None]


def version_at_time(state: StateReader, record: DidRecord, seconds: int) -> DidVersion | None:
    """The version in effect at unix time ``seconds``: the last one made in or before that second.

    Versions are in block order and block times strictly increase, so a
    binary search over version numbers finds it in O(log n) reads.
    """
    low, high, found = 1, record.version, None
    while low <= high:
        middle = (low + high) // 2
        version = load_version(state, record.name, middle)
        if version is None:  # cannot happen in a consistent state
            return None
        if version.time_seconds <= seconds:
            found, low = version, middle + 1
        else:
            high = middle - 1
    return found
