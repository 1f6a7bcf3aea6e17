"""Trust state: root authorities, accreditations and credential schemas, as canonical CBOR.

State layout (docs/spec/trust-and-status.md §3)::

    trust/roots                          {version, roots}      the roots in force now
    trust/roots/v/<n:4>                  RootsVersion          every change of the roots
    trust/issuer/<did>                   n                     accreditations ever granted to <did>
    trust/acc/<did>/<n:4>                Accreditation         the n-th (1, 2, ...), never deleted
    trust/grants/<did>                   n                     accreditations <did> has granted
    trust/grant/<did>/<n:4>              [issuer, id]          the n-th of them (by accreditor)
    trust/schema/<id>                    SchemaRecord          a credential schema, by its URL
    trust/schemas                        n                     schemas ever registered
    trust/schemas/<n:8>                  id                    the n-th (for listing)

``<did>`` is the whole DID text (``did:sen:moet``); names have no ``/``, so
keys cannot collide. A revocation or deprecation updates its record in
place with the height and block time of the change: the grant stays
readable, so the record is its own history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.state import Overlay, StateReader

ROOTS_KEY = b"trust/roots"
ROOTS_VERSION_PREFIX = b"trust/roots/v/"
ISSUER_PREFIX = b"trust/issuer/"
ACCREDITATION_PREFIX = b"trust/acc/"
GRANTS_PREFIX = b"trust/grants/"
GRANT_PREFIX = b"trust/grant/"
SCHEMA_PREFIX = b"trust/schema/"
SCHEMA_COUNT_KEY = b"trust/schemas"
SCHEMA_SEQUENCE_PREFIX = b"trust/schemas/"


# -- roots ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RootsVersion:
    """The set of root authorities from a height on (version 1: genesis or the first change)."""

    version: int
    roots: tuple[str, ...]  # sorted DIDs
    height: int
    time_seconds: int

    def to_value(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "roots": list(self.roots),
            "height": self.height,
            "time": self.time_seconds,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> RootsVersion:
        return cls(
            version=int(value["version"]),
            roots=tuple(str(r) for r in value["roots"]),
            height=int(value["height"]),
            time_seconds=int(value["time"]),
        )


def roots_version_key(version: int) -> bytes:
    return ROOTS_VERSION_PREFIX + version.to_bytes(4, "big")


def load_roots(state: StateReader) -> RootsVersion | None:
    """The roots in force now (None: no roots were ever set on this chain)."""
    stored = state.get(ROOTS_KEY)
    if stored is None:
        return None
    return load_roots_version(state, int(encoding.decode(stored)["version"]))


def load_roots_version(state: StateReader, version: int) -> RootsVersion | None:
    if not 0 < version < 2**32:
        return None
    stored = state.get(roots_version_key(version))
    return None if stored is None else RootsVersion.from_value(encoding.decode(stored))


def roots_changes(version: RootsVersion) -> list[tuple[bytes, bytes]]:
    """The state writes that make ``version`` the roots in force."""
    current = {"version": version.version, "roots": list(version.roots)}
    return [
        (ROOTS_KEY, encoding.encode(current)),
        (roots_version_key(version.version), encoding.encode(version.to_value())),
    ]


def save_roots(state: Overlay, version: RootsVersion) -> None:
    for key, value in roots_changes(version):
        state.set(key, value)


def roots_at(state: StateReader, seconds: int) -> tuple[str, ...]:
    """The roots in force at unix time ``seconds``: those of the last change made by then."""
    current = load_roots(state)
    if current is None:
        return ()
    low, high = 1, current.version
    found: tuple[str, ...] = ()
    while low <= high:  # versions are in block order, and block times increase
        middle = (low + high) // 2
        version = load_roots_version(state, middle)
        if version is None:  # cannot happen in a consistent state
            return ()
        if version.time_seconds <= seconds:
            found, low = version.roots, middle + 1
        else:
            high = middle - 1
    return found


# -- accreditations ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Accreditation:
    """``accreditor`` vouches that ``issuer`` may issue credentials of ``types``."""

    issuer: str
    id: int  # 1, 2, ... per issuer
    accreditor: str
    types: tuple[str, ...]  # sorted
    may_accredit: bool  # the issuer may in turn accredit others for these types
    from_height: int
    from_time: int  # block time (unix seconds) of the grant
    until: int | None  # unix seconds, exclusive; None: no end
    sender: bytes  # the account that sent the grant
    revoked_height: int | None = None
    revoked_time: int | None = None
    revoked_by: str | None = None  # the DID on whose authority it was revoked
    revoked_sender: bytes | None = None

    def covers(self, credential_type: str) -> bool:
        return credential_type in self.types

    def state_at(self, seconds: int) -> str:
        """``valid``, ``not_yet_valid``, ``expired`` or ``revoked`` at unix time ``seconds``."""
        if seconds < self.from_time:
            return "not_yet_valid"
        if self.revoked_time is not None and self.revoked_time <= seconds:
            return "revoked"
        if self.until is not None and self.until <= seconds:
            return "expired"
        return "valid"

    def to_value(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "id": self.id,
            "accreditor": self.accreditor,
            "types": list(self.types),
            "may_accredit": self.may_accredit,
            "from": [self.from_height, self.from_time],
            "until": self.until,
            "sender": self.sender,
            "revoked": None
            if self.revoked_height is None
            else [self.revoked_height, self.revoked_time, self.revoked_by, self.revoked_sender],
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Accreditation:
        from_height, from_time = value["from"]
        revoked = value["revoked"]
        until = value["until"]
        return cls(
            issuer=str(value["issuer"]),
            id=int(value["id"]),
            accreditor=str(value["accreditor"]),
            types=tuple(str(t) for t in value["types"]),
            may_accredit=bool(value["may_accredit"]),
            from_height=int(from_height),
            from_time=int(from_time),
            until=None if until is None else int(until),
            sender=bytes(value["sender"]),
            revoked_height=None if revoked is None else int(revoked[0]),
            revoked_time=None if revoked is None else int(revoked[1]),
            revoked_by=None if revoked is None else str(revoked[2]),
            revoked_sender=None if revoked is None else bytes(revoked[3]),
        )


def _count(state: StateReader, key: bytes) -> int:
    stored = state.get(key)
    return 0 if stored is None else int(encoding.decode(stored))


def accreditation_key(issuer: str, number: int) -> bytes:
    return ACCREDITATION_PREFIX + issuer.encode() + b"/" + number.to_bytes(4, "big")


def accreditation_count(state: StateReader, issuer: str) -> int:
    return _count(state, ISSUER_PREFIX + issuer.encode())


def load_accreditation(state: StateReader, issuer: str, number: int) -> Accreditation | None:
    if not 0 < number < 2**32:
        return None
    stored = state.get(accreditation_key(issuer, number))
    return None if stored is None else Accreditation.from_value(encoding.decode(stored))


def list_accreditations(state: StateReader, issuer: str) -> list[Accreditation]:
    """Every accreditation ever granted to ``issuer``, oldest first."""
    found = (
        load_accreditation(state, issuer, n)
        for n in range(1, 1 + accreditation_count(state, issuer))
    )
    return [a for a in found if a is not None]


def save_accreditation(state: Overlay, accreditation: Accreditation) -> None:
    state.set(
        accreditation_key(accreditation.issuer, accreditation.id),
        encoding.encode(accreditation.to_value()),
    )


def add_accreditation(state: Overlay, accreditation: Accreditation) -> None:
    """Store a new grant (its ``id`` is the issuer's next number) and index it by accreditor."""
    state.set(ISSUER_PREFIX + accreditation.issuer.encode(), encoding.encode(accreditation.id))
    save_accreditation(state, accreditation)
    granted = _count(state, GRANTS_PREFIX + accreditation.accreditor.encode()) + 1
    state.set(GRANTS_PREFIX + accreditation.accreditor.encode(), encoding.encode(granted))
    state.set(
        GRANT_PREFIX + accreditation.accreditor.encode() + b"/" + granted.to_bytes(4, "big"),
        encoding.encode([accreditation.issuer, accreditation.id]),
    )


def list_grants(state: StateReader, accreditor: str) -> list[tuple[str, int]]:
    """``(issuer, id)`` of every accreditation ``accreditor`` granted, oldest first."""
    grants: list[tuple[str, int]] = []
    for number in range(1, 1 + _count(state, GRANTS_PREFIX + accreditor.encode())):
        stored = state.get(GRANT_PREFIX + accreditor.encode() + b"/" + number.to_bytes(4, "big"))
        if stored is not None:
            issuer, identifier = encoding.decode(stored)
            grants.append((str(issuer), int(identifier)))
    return grants


# -- schemas ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemaRecord:
    """A JSON Schema for credentials, identified by its URL and pinned by its SHA-256."""

    id: str  # https://...
    name: str
    version: str
    credential_type: str
    digest: bytes  # SHA-256 of the JSON Schema document's bytes
    issuer: str  # the DID that registered it
    sequence: int
    registered_height: int
    registered_time: int
    sender: bytes
    deprecated_height: int | None = None
    deprecated_time: int | None = None

    def to_value(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "credential_type": self.credential_type,
            "digest": self.digest,
            "issuer": self.issuer,
            "sequence": self.sequence,
            "registered": [self.registered_height, self.registered_time],
            "sender": self.sender,
            "deprecated": None
            if self.deprecated_height is None
            else [self.deprecated_height, self.deprecated_time],
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> SchemaRecord:
        height, seconds = value["registered"]
        deprecated = value["deprecated"]
        return cls(
            id=str(value["id"]),
            name=str(value["name"]),
            version=str(value["version"]),
            credential_type=str(value["credential_type"]),
            digest=bytes(value["digest"]),
            issuer=str(value["issuer"]),
            sequence=int(value["sequence"]),
            registered_height=int(height),
            registered_time=int(seconds),
            sender=bytes(value["sender"]),
            deprecated_height=None if deprecated is None else int(deprecated[0]),
            deprecated_time=None if deprecated is None else int(deprecated[1]),
        )


def schema_key(schema_id: str) -> bytes:
    return SCHEMA_PREFIX + schema_id.encode()


def load_schema(state: StateReader, schema_id: str) -> SchemaRecord | None:
    stored = state.get(schema_key(schema_id))
    return None if stored is None else SchemaRecord.from_value(encoding.decode(stored))


def save_schema(state: Overlay, schema: SchemaRecord) -> None:
    state.set(schema_key(schema.id), encoding.encode(schema.to_value()))


def schema_count(state: StateReader) -> int:
    return _count(state, SCHEMA_COUNT_KEY)


def register_schema_id(state: Overlay, schema_id: str) -> int:
    """Append ``schema_id`` to the registration order; its sequence number (1, 2, ...)."""
    sequence = schema_count(state) + 1
    state.set(SCHEMA_COUNT_KEY, encoding.encode(sequence))
    state.set(SCHEMA_SEQUENCE_PREFIX + sequence.to_bytes(8, "big"), encoding.encode(schema_id))
    return sequence


def schema_id_at(state: StateReader, sequence: int) -> str | None:
    stored = state.get(SCHEMA_SEQUENCE_PREFIX + sequence.to_bytes(8, "big"))
    return None if stored is None else str(encoding.decode(stored))
