"""The membership section of a genesis file, checked at genesis time and written to state.

``app_state.membership`` (docs/spec/membership.md §5)::

    {
      "permissioned": true,
      "roots": ["-----BEGIN CERTIFICATE-----...", ...],          national roots (optional)
      "roles": ["admin", "auditor", ...],                         default: the base roles
      "organisations": [
        {"id": "uni-hanoi", "name": "Đại học Quốc gia Hà Nội",
         "ca": "PEM: the org CA, then any issuers above it",
         "roles": ["admin", "writer"]},                           default: every known role
        ...
      ],
      "members": ["PEM: a member certificate, then any intermediates", ...]
    }

Everything is checked exactly as a transaction would be, at the genesis time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from sen.ledger.crypto import address_of
from sen.ledger.errors import LedgerError, TxRejected
from sen.ledger.modules.base import GenesisContext, StateChange
from sen.ledger.modules.membership.certificates import BlockTime
from sen.ledger.modules.membership.records import BASE_ROLES, last_block_time_change
from sen.ledger.modules.membership.registry import (
    admit_organisation,
    known_roles,
    load_member,
    member_from_certificate,
    save_member,
    set_known_roles,
    set_roots,
)
from sen.ledger.state import EmptyState, Overlay

SECTION = "app_state.membership"
_T = TypeVar("_T")
_TOP_FIELDS = frozenset({"permissioned", "roots", "roles", "organisations", "members"})
_ORG_FIELDS = frozenset({"id", "name", "ca", "roles"})


class MembershipGenesisError(LedgerError, ValueError):
    """The genesis membership section is invalid; ``field`` names the entry at fault."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"genesis {field}: {reason}")


@dataclass(frozen=True, slots=True)
class GenesisOrganisation:
    index: int  # its place in the file's list, for naming it in problems
    id: str
    name: str
    ca: bytes
    chain: tuple[bytes, ...]
    roles: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class GenesisMember:
    index: int
    certificate: bytes
    chain: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class MembershipGenesis:
    permissioned: bool
    roots: tuple[bytes, ...] = ()
    roles: tuple[str, ...] | None = None
    organisations: tuple[GenesisOrganisation, ...] = ()
    members: tuple[GenesisMember, ...] = ()


@dataclass(slots=True)
class GenesisReport:
    """What building the genesis membership state found: the state and every problem."""

    state: Overlay
    problems: list[MembershipGenesisError] = field(default_factory=list)
    admitted: list[str] = field(default_factory=list)
    enrolled: list[tuple[str, str, bytes]] = field(default_factory=list)  # (org, name, address)


def pem_certificates(text: object, where: str) -> tuple[bytes, ...]:
    """The DER of every certificate in a PEM text (at least one)."""
    if not isinstance(text, str):
        raise MembershipGenesisError(where, f"expected PEM text, got {type(text).__name__}")
    try:
        found = x509.load_pem_x509_certificates(text.encode())
    except ValueError as exc:
        raise MembershipGenesisError(where, f"not a PEM certificate: {exc}") from None
    return tuple(c.public_bytes(serialization.Encoding.DER) for c in found)


def read_membership_genesis(
    document: object, problems: list[MembershipGenesisError] | None = None
) -> MembershipGenesis:
    """Shape-check the section and decode its PEM (no certificate rules yet).

    With ``problems``, an entry that cannot be read is recorded there and left
    out, so that every bad entry is reported; without, the first one raises.
    """
    if not isinstance(document, dict):
        raise MembershipGenesisError(SECTION, "expected an object")
    for key in sorted(document):
        if key not in _TOP_FIELDS:
            raise MembershipGenesisError(f"{SECTION}.{key}", "unknown field")
    permissioned = document.get("permissioned", False)
    if not isinstance(permissioned, bool):
        raise MembershipGenesisError(f"{SECTION}.permissioned", "expected true or false")
    roles = document.get("roles")
    if roles is not None and (
        not isinstance(roles, list) or not all(isinstance(r, str) for r in roles)
    ):
        raise MembershipGenesisError(f"{SECTION}.roles", "expected a list of role names")

    def each(key: str, read: Callable[[Any, int], _T]) -> list[_T]:
        found = []
        for index, entry in enumerate(_list(document, key)):
            try:
                found.append(read(entry, index))
            except MembershipGenesisError as exc:
                if problems is None:
                    raise
                problems.append(exc)
        return found

    roots = each("roots", lambda text, i: pem_certificates(text, f"{SECTION}.roots[{i}]"))
    members = each("members", _member)
    return MembershipGenesis(
        permissioned=permissioned,
        roots=tuple(der for bundle in roots for der in bundle),
        roles=None if roles is None else tuple(roles),
        organisations=tuple(each("organisations", _organisation)),
        members=tuple(members),
    )


def _list(document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise MembershipGenesisError(f"{SECTION}.{key}", "expected a list")
    return value


def _member(text: object, index: int) -> GenesisMember:
    certificates = pem_certificates(text, f"{SECTION}.members[{index}]")
    return GenesisMember(index, certificates[0], certificates[1:])


def _organisation(entry: object, index: int) -> GenesisOrganisation:
    where = f"{SECTION}.organisations[{index}]"
    if not isinstance(entry, dict):
        raise MembershipGenesisError(where, "expected an object")
    for key in sorted(entry):
        if key not in _ORG_FIELDS:
            raise MembershipGenesisError(f"{where}.{key}", "unknown field")
    for key in ("id", "name"):
        if not isinstance(entry.get(key), str):
            raise MembershipGenesisError(f"{where}.{key}", "expected text")
    certificates = pem_certificates(entry.get("ca"), f"{where}.ca")
    roles = entry.get("roles")
    if roles is not None and (
        not isinstance(roles, list) or not all(isinstance(r, str) for r in roles)
    ):
        raise MembershipGenesisError(f"{where}.roles", "expected a list of role names")
    return GenesisOrganisation(
        index=index,
        id=entry["id"],
        name=entry["name"],
        ca=certificates[0],
        chain=certificates[1:],
        roles=None if roles is None else tuple(roles),
    )


def build_membership_state(genesis: MembershipGenesis, at: BlockTime, height: int) -> GenesisReport:
    """Admit the organisations and enroll the members into a fresh overlay, at genesis time.

    Every entry is tried, so that :attr:`GenesisReport.problems` lists all that fail.
    """
    report = GenesisReport(Overlay(EmptyState()))
    state = report.state

    def attempt(where: str, step: Any) -> bool:
        try:
            step()
        except TxRejected as exc:
            field = f"{where}.{exc.field}" if exc.field else where
            report.problems.append(MembershipGenesisError(field, str(exc)))
            return False
        return True

    attempt(SECTION, lambda: set_known_roles(state, genesis.roles or BASE_ROLES))
    if genesis.roots:
        attempt(SECTION, lambda: set_roots(state, genesis.roots))
    if genesis.permissioned and not genesis.organisations:
        report.problems.append(
            MembershipGenesisError(
                f"{SECTION}.organisations",
                "a permissioned chain needs at least one organisation, or no one can ever act",
            )
        )
    for org in genesis.organisations:
        where = f"{SECTION}.organisations[{org.index}]"
        roles = org.roles if org.roles is not None else known_roles(state)
        if attempt(
            where,
            lambda org=org, roles=roles: admit_organisation(
                state, org.id, org.name, org.ca, roles, org.chain, height, block_time=at
            ),
        ):
            report.admitted.append(org.id)
    for entry in genesis.members:
        where = f"{SECTION}.members[{entry.index}]"

        def enroll(entry: GenesisMember = entry, where: str = where) -> None:
            member = member_from_certificate(
                state, entry.certificate, entry.chain, at, field="certificate", chain_field="chain"
            )
            address = address_of(member.suite, member.public_key)
            if load_member(state, address) is not None:
                report.problems.append(
                    MembershipGenesisError(where, f"key {address.hex()} is already a member")
                )
                return
            save_member(state, address, member)
            report.enrolled.append((member.org, member.name, address))

        attempt(where, enroll)
    return report


def membership_changes(
    document: object, at: BlockTime, height: int
) -> list[tuple[bytes, bytes | None]]:
    """The state a genesis membership section makes (raising on the first problem)."""
    genesis = read_membership_genesis(document)
    report = build_membership_state(genesis, at, height)
    if report.problems:
        raise report.problems[0]
    return report.state.changes()


def genesis_changes(
    document: object, permissioned: bool, at: BlockTime, height: int
) -> list[tuple[bytes, bytes | None]]:
    """What ``init_chain`` writes for membership: the section's state, and on a
    permissioned chain the genesis time as the last block time (for CheckTx)."""
    changes = [] if document is None else membership_changes(document, at, height)
    if permissioned:
        changes.append(last_block_time_change(*at))
    return sorted(changes)


def membership_genesis(section: object, genesis: GenesisContext) -> list[StateChange]:
    """The module's genesis hook: :func:`genesis_changes` at the genesis time."""
    at = (genesis.time_seconds, genesis.time_nanos)
    return genesis_changes(section, genesis.params.permissioned, at, genesis.height)


def membership_document(
    *,
    organisations: Sequence[tuple[str, str, str, Sequence[str] | None]],
    members: Sequence[str] = (),
    roots: Sequence[str] = (),
    roles: Sequence[str] | None = None,
    permissioned: bool = True,
) -> dict[str, Any]:
    """An ``app_state.membership`` section: organisations as (id, name, CA PEM, roles or None)."""
    document: dict[str, Any] = {"permissioned": permissioned}
    if roots:
        document["roots"] = list(roots)
    if roles is not None:
        document["roles"] = list(roles)
    entries = []
    for org_id, name, ca_pem, org_roles in organisations:
        entry: dict[str, Any] = {"id": org_id, "name": name, "ca": ca_pem}
        if org_roles is not None:
            entry["roles"] = list(org_roles)
        entries.append(entry)
    document["organisations"] = entries
    document["members"] = list(members)
    return document
