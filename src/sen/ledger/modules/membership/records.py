"""The membership records in state, their keys and their canonical encodings.

State layout (docs/spec/membership.md §2)::

    membership/roles                   [role, ...]               the known roles, sorted
    membership/roots                   [DER, ...]                national roots (may be empty)
    membership/organisations           [org_id, ...]             every organisation ever admitted
    membership/org/<org_id>            Organisation              map
    membership/member/<address>        Member                    map (address: 20 raw bytes)
    membership/revoked/<org>/<serial>  [height]                  serial in decimal
    chain/last_block_time              [seconds, nanos]          permissioned chains: what
                                                                 CheckTx judges certificates at

Certificate serial numbers are up to 20 octets (RFC 5280), beyond the
canonical encoding's 64-bit integers, so they are kept as decimal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.state import StateReader

ROLES_KEY = b"membership/roles"
ROOTS_KEY = b"membership/roots"
ORGANISATIONS_KEY = b"membership/organisations"
ORG_PREFIX = b"membership/org/"
MEMBER_PREFIX = b"membership/member/"
REVOKED_PREFIX = b"membership/revoked/"
LAST_BLOCK_TIME_KEY = b"chain/last_block_time"

BASE_ROLES = ("admin", "auditor", "issuer", "validator-operator", "writer")
ACTIVE = "active"
REMOVED = "removed"

IDENTIFIER = re.compile(r"^[a-z0-9-]{1,32}$")
"""Organisation ids and role names: 1 to 32 of a-z, 0-9 and '-'."""


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    ca: bytes  # DER of the organisation's CA certificate
    chain: tuple[bytes, ...]  # DER of the issuers above the CA, up to (and with) a root
    roles: tuple[str, ...]  # the roles its members may hold, sorted
    status: str  # "active" | "removed"
    admitted_height: int
    not_before: int  # the span in which the CA and every issuer above it are valid
    not_after: int
    removed_height: int | None = None

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def to_value(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "ca": self.ca,
            "chain": list(self.chain),
            "roles": list(self.roles),
            "status": self.status,
            "admitted_height": self.admitted_height,
            "not_before": self.not_before,
            "not_after": self.not_after,
            "removed_height": self.removed_height,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Organisation:
        return cls(
            id=value["id"],
            name=value["name"],
            ca=value["ca"],
            chain=tuple(value["chain"]),
            roles=tuple(value["roles"]),
            status=value["status"],
            admitted_height=value["admitted_height"],
            not_before=value["not_before"],
            not_after=value["not_after"],
            removed_height=value["removed_height"],
        )


@dataclass(frozen=True, slots=True)
class Member:
    org: str
    serial: str  # decimal
    cert_hash: bytes  # SHA-256 of the certificate's DER
    name: str  # the certificate's Subject CN (UTF-8, exactly as issued)
    roles: tuple[str, ...]  # from the certificate's Subject OUs, sorted
    not_before: int  # the span in which the certificate and any intermediates are valid
    not_after: int
    suite: str
    public_key: bytes

    def to_value(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "serial": self.serial,
            "cert_hash": self.cert_hash,
            "name": self.name,
            "roles": list(self.roles),
            "not_before": self.not_before,
            "not_after": self.not_after,
            "suite": self.suite,
            "public_key": self.public_key,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Member:
        return cls(
            org=value["org"],
            serial=value["serial"],
            cert_hash=value["cert_hash"],
            name=value["name"],
            roles=tuple(value["roles"]),
            not_before=value["not_before"],
            not_after=value["not_after"],
            suite=value["suite"],
            public_key=value["public_key"],
        )


def org_key(org_id: str) -> bytes:
    return ORG_PREFIX + org_id.encode()


def member_key(address: bytes) -> bytes:
    return MEMBER_PREFIX + address


def revoked_key(org_id: str, serial: str) -> bytes:
    return REVOKED_PREFIX + org_id.encode() + b"/" + serial.encode()


def load_list(state: StateReader, key: bytes) -> list[Any]:
    stored = state.get(key)
    if stored is None:
        return []
    value = encoding.decode(stored)
    assert isinstance(value, list)
    return value


def load_organisation_record(state: StateReader, org_id: str) -> Organisation | None:
    stored = state.get(org_key(org_id))
    return None if stored is None else Organisation.from_value(encoding.decode(stored))


def load_member_record(state: StateReader, address: bytes) -> Member | None:
    stored = state.get(member_key(address))
    return None if stored is None else Member.from_value(encoding.decode(stored))


def revoked_at(state: StateReader, org_id: str, serial: str) -> int | None:
    """The height at which ``serial`` of ``org_id`` was revoked, or None."""
    stored = state.get(revoked_key(org_id, serial))
    if stored is None:
        return None
    (height,) = encoding.decode(stored)
    assert isinstance(height, int)
    return height


def last_block_time_change(seconds: int, nanos: int) -> tuple[bytes, bytes]:
    """The state write recording a block time (for genesis, which has no overlay)."""
    return LAST_BLOCK_TIME_KEY, encoding.encode([seconds, nanos])
