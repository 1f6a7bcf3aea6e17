"""The membership registry: organisations, roles and members, and who may do what.

These functions are the membership rules' whole surface for other modules.
Governance admits and removes organisations and changes roles only through
:func:`admit_organisation`, :func:`remove_organisation`,
:func:`set_organisation_roles` and :func:`add_role`; the permission check
(:mod:`sen.ledger.permissions`) asks :func:`require_member`. Every function
is deterministic: time is a block time passed in, never the clock, and a
refusal is a :class:`~sen.ledger.errors.TxRejected` naming the field at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cryptography import x509

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    nothing,
    require_at_most,
    require_new,
    require_one_of,
    require_text,
    require_utf8_size,
    text_or_type_name,
)
from sen.ledger.modules.membership.certificates import (
    BlockTime,
    bad_certificate,
    certificate_hash,
    check_ca_profile,
    check_issued_by,
    check_member_profile,
    check_window,
    common_name,
    der_of,
    is_issued_by,
    parse_certificate,
    roles_of,
    suite_and_key,
    validity,
    window_of,
)
from sen.ledger.modules.membership.records import (
    ACTIVE,
    BASE_ROLES,
    IDENTIFIER,
    ORGANISATIONS_KEY,
    REMOVED,
    ROLES_KEY,
    ROOTS_KEY,
    Member,
    Organisation,
    load_list,
    load_member_record,
    load_organisation_record,
    member_key,
    org_key,
    revoked_at,
    revoked_key,
)
from sen.ledger.state import Overlay, StateReader
from sen.ledger.types import BlockInfo

MAX_NAME_BYTES = 256
MAX_CHAIN = 4


def block_time_of(block: BlockInfo) -> BlockTime:
    return (block.time_seconds, block.time_nanos)


def _time(block_time: BlockTime | BlockInfo) -> BlockTime:
    return block_time_of(block_time) if isinstance(block_time, BlockInfo) else block_time


# -- roles ----------------------------------------------------------------------


def known_roles(state: StateReader) -> tuple[str, ...]:
    """The roles members may hold on this chain (the base roles until governance adds any)."""
    stored = load_list(state, ROLES_KEY)
    return tuple(stored) if stored else BASE_ROLES


def add_role(state: Overlay, role: str, *, field: str = "role") -> tuple[str, ...]:
    """Make ``role`` known (governance); returns the new role set."""
    name = identifier(role, field, "role name")
    roles = known_roles(state)
    if name in roles:
        raise TxRejected(ResultCode.INVALID_ARGUMENT, "role already exists", field=field, got=name)
    updated = tuple(sorted((*roles, name)))
    state.set(ROLES_KEY, encoding.encode(list(updated)))
    return updated


def set_known_roles(state: Overlay, roles: Sequence[str], *, field: str = "roles") -> None:
    """Replace the role set (genesis)."""
    checked = _role_list(roles, field, known=None)
    if not checked:
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT, "at least one role is needed", field=field, got="[]"
        )
    state.set(ROLES_KEY, encoding.encode(list(checked)))


# -- roots ----------------------------------------------------------------------


def load_roots(state: StateReader) -> tuple[bytes, ...]:
    return tuple(load_list(state, ROOTS_KEY))


def set_roots(state: Overlay, roots: Sequence[bytes], *, field: str = "roots") -> None:
    """The national roots organisation CAs must chain to (none: each org CA is an anchor)."""
    for index, der in enumerate(roots):
        where = f"{field}[{index}]"
        root = parse_certificate(der, where)
        check_ca_profile(root, where)
        if root.issuer == root.subject and not is_issued_by(root, root):
            raise bad_certificate(where, "root's self-signature does not verify")
    state.set(ROOTS_KEY, encoding.encode(list(roots)))


# -- organisations --------------------------------------------------------------


def organisations(state: StateReader) -> list[str]:
    """Every organisation ever admitted (active or removed), sorted."""
    return sorted(load_list(state, ORGANISATIONS_KEY))


def active_organisations(state: StateReader) -> list[str]:
    """The ids of the active organisations, sorted."""
    found = []
    for org_id in organisations(state):
        record = load_organisation_record(state, org_id)
        if record is not None and record.active:
            found.append(org_id)
    return found


def load_organisation(state: StateReader, org_id: str) -> Organisation | None:
    return load_organisation_record(state, org_id)


def admit_organisation(
    state: Overlay,
    org_id: str,
    name: str,
    ca_der: bytes,
    roles: Sequence[str],
    chain: Sequence[bytes],
    height: int,
    *,
    block_time: BlockTime | BlockInfo | None = None,
    prefix: str = "",
) -> Organisation:
    """Admit an organisation with its CA certificate (and the issuers above it, nearest first).

    With national roots in state, the CA (or the last certificate of ``chain``)
    must be a root or be issued by one; without, the CA is a trust anchor
    itself. With ``block_time``, every certificate must be valid then (it is
    checked again at every use in any case). A removed organisation may be
    admitted again; an active one may not. ``prefix`` is put before the field
    names in refusals (e.g. ``"args."``).
    """
    ca_field, chain_field = f"{prefix}ca", f"{prefix}chain"
    checked_id = identifier(org_id, f"{prefix}id", "organisation id")
    _require_not_already_active(state, checked_id, f"{prefix}id")
    checked_name = _name(name, f"{prefix}name")
    checked_roles = _role_list(roles, f"{prefix}roles", known=known_roles(state))
    _check_chain_length(chain, chain_field)
    ca = parse_certificate(ca_der, ca_field)
    check_ca_profile(ca, ca_field)
    path, fields = _path_above(ca, ca_field, chain, chain_field)
    _check_links(path, fields)
    anchor = _anchor(state, path[-1], fields[-1])
    not_before, not_after = window_of([*path, *anchor])
    if block_time is not None:
        check_window(not_before, not_after, _time(block_time), ca_field)
    record = Organisation(
        id=checked_id,
        name=checked_name,
        ca=bytes(ca_der),
        chain=tuple(bytes(d) for d in chain),
        roles=checked_roles,
        status=ACTIVE,
        admitted_height=height,
        not_before=not_before,
        not_after=not_after,
    )
    _save_organisation(state, record)
    return record


def _require_not_already_active(state: StateReader, org_id: str, field: str) -> None:
    """A removed organisation may be admitted again; an active one may not."""
    existing = load_organisation_record(state, org_id)
    if existing is not None and existing.active:
        raise TxRejected(
            ResultCode.ORGANISATION_EXISTS, "organisation already exists", field=field, got=org_id
        )


def _anchor(state: StateReader, top: x509.Certificate, field: str) -> list[x509.Certificate]:
    """The root above ``top`` (empty when ``top`` is itself the anchor)."""
    roots = [x509.load_der_x509_certificate(der) for der in load_roots(state)]
    if not roots:
        if top.issuer == top.subject and not is_issued_by(top, top):
            raise bad_certificate(field, "self-signature does not verify")
        return []
    top_der = der_of(top)
    for root in roots:
        if der_of(root) == top_der:
            return []
    for root in roots:
        if is_issued_by(top, root):
            return [root]
    raise TxRejected(
        ResultCode.WRONG_CA,
        "not issued by a national root of this chain",
        field=field,
        expected="issued by one of membership.roots",
        got=top.issuer.rfc4514_string(),
    )


def remove_organisation(
    state: Overlay, org_id: str, height: int, *, field: str = "organisation"
) -> Organisation:
    """Mark an organisation removed: from the next block its members can do nothing."""
    record = _require_organisation(state, org_id, field)
    if not record.active:
        raise TxRejected(
            ResultCode.ORGANISATION_REMOVED,
            "organisation already removed",
            field=field,
            got=org_id,
        )
    updated = replace(record, status=REMOVED, removed_height=height)
    _save_organisation(state, updated)
    return updated


def set_organisation_roles(
    state: Overlay, org_id: str, roles: Sequence[str], *, field: str = "roles"
) -> Organisation:
    """Change which roles an organisation's members may hold (each must be a known role)."""
    record = _require_organisation(state, org_id, "organisation")
    checked = _role_list(roles, field, known=known_roles(state))
    updated = replace(record, roles=checked)
    _save_organisation(state, updated)
    return updated


def _require_organisation(state: StateReader, org_id: str, field: str) -> Organisation:
    record = load_organisation_record(state, org_id) if isinstance(org_id, str) else None
    if record is None:
        raise TxRejected(
            ResultCode.UNKNOWN_ORGANISATION, "unknown organisation", field=field, got=org_id
        )
    return record


def _save_organisation(state: Overlay, record: Organisation) -> None:
    state.set(org_key(record.id), encoding.encode(record.to_value()))
    ids = organisations(state)
    if record.id not in ids:
        state.set(ORGANISATIONS_KEY, encoding.encode(sorted([*ids, record.id])))


# -- certificate paths ----------------------------------------------------------


def _check_chain_length(chain: Sequence[bytes], field: str) -> None:
    require_at_most(
        chain,
        field,
        MAX_CHAIN,
        reason="chain too long",
        expected=f"at most {MAX_CHAIN} certificates",
    )


def _path_above(
    first: x509.Certificate, first_field: str, chain: Sequence[bytes], chain_field: str
) -> tuple[list[x509.Certificate], list[str]]:
    """``first`` and the CA certificates of ``chain`` above it (nearest first), each with
    the field that names it in refusals."""
    issuers = [parse_certificate(der, f"{chain_field}[{i}]") for i, der in enumerate(chain)]
    for i, issuer in enumerate(issuers):
        check_ca_profile(issuer, f"{chain_field}[{i}]")
    fields = [first_field, *(f"{chain_field}[{i}]" for i in range(len(issuers)))]
    return [first, *issuers], fields


def _check_links(path: Sequence[x509.Certificate], fields: Sequence[str]) -> None:
    """Each certificate of ``path`` is issued by the next one."""
    for i in range(len(path) - 1):
        check_issued_by(path[i], path[i + 1], fields[i])


# -- members --------------------------------------------------------------------


def load_member(state: StateReader, address: bytes) -> Member | None:
    """The member record of ``address`` (20 bytes), or None if it never enrolled."""
    return load_member_record(state, address)


def save_member(state: Overlay, address: bytes, member: Member) -> None:
    state.set(member_key(address), encoding.encode(member.to_value()))


def member_from_certificate(
    state: StateReader,
    certificate_der: bytes,
    chain: Sequence[bytes],
    block_time: BlockTime | BlockInfo,
    *,
    field: str = "args.certificate",
    chain_field: str = "args.chain",
) -> Member:
    """Check a member certificate (and intermediates below its org's CA) at ``block_time``.

    Returns the member record it would make. Refusals, in order: a malformed
    or mis-profiled certificate (BAD_CERTIFICATE), a key with no suite
    (UNSUPPORTED_KEY), no admitted organisation's CA above it (WRONG_CA), the
    organisation removed (ORGANISATION_REMOVED), a link that does not verify
    (WRONG_CA), a certificate not valid at the block time
    (CERTIFICATE_NOT_YET_VALID / CERTIFICATE_EXPIRED), a role unknown to the
    chain (UNKNOWN_ROLE) or not allowed for the organisation (ROLE_NOT_ALLOWED),
    and a revoked serial (CERTIFICATE_REVOKED).
    """
    at = _time(block_time)
    certificate = parse_certificate(certificate_der, field)
    check_member_profile(certificate, field)
    suite, public_key = suite_and_key(certificate, field)
    _check_chain_length(chain, chain_field)
    path, fields = _path_above(certificate, field, chain, chain_field)
    organisation = _issuing_organisation(state, path[-1], fields[-1])
    _require_active_issuer(organisation, fields[-1])
    _check_links(path, fields)
    for item, where in zip(path, fields, strict=True):
        check_window(*validity(item), at, where)
    check_window(organisation.not_before, organisation.not_after, at, f"{field} (organisation CA)")
    roles = roles_of(certificate)
    _check_roles(roles, known_roles(state), organisation, f"{field}.subject.OU")
    serial = str(certificate.serial_number)
    _require_not_revoked(state, organisation.id, serial, field)
    not_before, not_after = window_of(path)
    return Member(
        org=organisation.id,
        serial=serial,
        cert_hash=certificate_hash(certificate),
        name=common_name(certificate),
        roles=tuple(sorted(roles)),
        not_before=not_before,
        not_after=not_after,
        suite=suite,
        public_key=public_key,
    )


def _require_active_issuer(organisation: Organisation, field: str) -> None:
    if not organisation.active:
        raise TxRejected(
            ResultCode.ORGANISATION_REMOVED,
            "the issuing organisation has been removed",
            field=field,
            expected="an active organisation",
            got=organisation.id,
        )


def _check_roles(
    roles: Sequence[str], known: tuple[str, ...], organisation: Organisation, field: str
) -> None:
    """Each role is known to the chain and allowed for the organisation."""
    for role in roles:
        if role not in known:
            raise TxRejected(
                ResultCode.UNKNOWN_ROLE,
                "certificate carries an unknown role (Subject OU)",
                field=field,
                expected=f"one of {', '.join(known)}",
                got=role,
            )
        if role not in organisation.roles:
            raise TxRejected(
                ResultCode.ROLE_NOT_ALLOWED,
                "role not allowed for the organisation",
                field=field,
                expected=f"one of {', '.join(organisation.roles)} ({organisation.id})",
                got=role,
            )


def _require_not_revoked(state: StateReader, org_id: str, serial: str, field: str) -> None:
    revoked = revoked_at(state, org_id, serial)
    if revoked is not None:
        raise TxRejected(
            ResultCode.CERTIFICATE_REVOKED,
            "certificate is revoked",
            field=field,
            got=f"serial {serial} of {org_id}, revoked at height {revoked}",
        )


def _issuing_organisation(state: StateReader, top: x509.Certificate, field: str) -> Organisation:
    """The first organisation (by id) whose CA issued ``top``."""
    for org_id in organisations(state):
        record = load_organisation_record(state, org_id)
        if record is None:
            continue
        ca = x509.load_der_x509_certificate(record.ca)
        if is_issued_by(top, ca):
            return record
    raise TxRejected(
        ResultCode.WRONG_CA,
        "not issued by the CA of an admitted organisation",
        field=field,
        expected="issued by an organisation's CA",
        got=top.issuer.rfc4514_string(),
    )


def require_member(
    state: StateReader,
    address: bytes,
    block_time: BlockTime | BlockInfo,
    role: str | None = None,
    *,
    field: str = "sender",
) -> Member:
    """The member ``address`` if it may act at ``block_time`` (holding ``role`` if given).

    Refusals, in order: UNKNOWN_SIGNER, ORGANISATION_REMOVED,
    CERTIFICATE_REVOKED, CERTIFICATE_NOT_YET_VALID / CERTIFICATE_EXPIRED (the
    member's certificate or its organisation's CA chain), ROLE_REQUIRED.
    """
    at = _time(block_time)
    member = load_member_record(state, address)
    if member is None:
        raise TxRejected(
            ResultCode.UNKNOWN_SIGNER,
            "the signer is not an enrolled member (enroll with membership.enroll first)",
            field=field,
            expected="an enrolled member",
            got=address.hex(),
        )
    organisation = load_organisation_record(state, member.org)
    if organisation is None or not organisation.active:
        raise TxRejected(
            ResultCode.ORGANISATION_REMOVED,
            "the signer's organisation has been removed",
            field=field,
            expected="a member of an active organisation",
            got=member.org,
        )
    revoked = revoked_at(state, member.org, member.serial)
    if revoked is not None:
        raise TxRejected(
            ResultCode.CERTIFICATE_REVOKED,
            "the signer's certificate is revoked",
            field=field,
            got=f"serial {member.serial} of {member.org}, revoked at height {revoked}",
        )
    check_window(member.not_before, member.not_after, at, field)
    check_window(organisation.not_before, organisation.not_after, at, f"{field} (organisation CA)")
    if role is not None and not (role in member.roles and role in organisation.roles):
        held = [r for r in member.roles if r in organisation.roles]
        raise TxRejected(
            ResultCode.ROLE_REQUIRED,
            "the signer lacks the role this action needs",
            field=field,
            expected=role,
            got=", ".join(held) or "no roles",
        )
    return member


def is_admin_of(
    state: StateReader, address: bytes, org_id: str, block_time: BlockTime | BlockInfo
) -> bool:
    """Whether ``address`` may act now as an ``admin`` of organisation ``org_id``."""
    try:
        member = require_member(state, address, block_time, "admin")
    except TxRejected:
        return False
    return member.org == org_id


def revoke(state: Overlay, org_id: str, serial: str, height: int) -> None:
    """Revoke certificate ``serial`` of ``org_id`` from the next block on."""
    if revoked_at(state, org_id, serial) is not None:
        raise TxRejected(
            ResultCode.ALREADY_REVOKED,
            "certificate was already revoked",
            field="args.serial",
            got=f"serial {serial} of {org_id}",
        )
    state.set(revoked_key(org_id, serial), encoding.encode([height]))


# -- value checks ---------------------------------------------------------------


def identifier(value: object, field: str, what: str) -> str:
    return require_text(
        value,
        field,
        reason=f"bad {what}",
        expected="1 to 32 characters of a-z, 0-9 and '-'",
        pattern=IDENTIFIER,
        got=text_or_type_name,
    )


def _name(value: object, field: str) -> str:
    name = require_text(
        value, field, reason="a name is needed", expected="text", non_blank=True, got=nothing
    )
    return require_utf8_size(name, field, MAX_NAME_BYTES, reason="name too long")


def _role_list(
    roles: Sequence[str], field: str, *, known: tuple[str, ...] | None
) -> tuple[str, ...]:
    if isinstance(roles, str | bytes) or not isinstance(roles, Sequence):
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT,
            "wrong type",
            field=field,
            expected="a list of role names",
            got=type(roles).__name__,
        )
    checked = [identifier(r, f"{field}[{i}]", "role name") for i, r in enumerate(roles)]
    for i, role in enumerate(checked):
        require_new(role, checked[:i], f"{field}[{i}]", reason="role repeated")
        if known is not None:
            require_one_of(
                role,
                f"{field}[{i}]",
                known,
                code=ResultCode.UNKNOWN_ROLE,
                reason="unknown role",
                expected=f"one of {', '.join(known)}",
            )
    return tuple(sorted(checked))
