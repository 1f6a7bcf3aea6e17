"""Membership: organisations admitted with their CA, members enrolled with certificates, roles.

An organisation is admitted (at genesis, later through governance) with its
X.509 CA certificate, optionally chained to a national root. A member is a
key bound to an organisation and to roles by a certificate that the
organisation's CA issued; roles are the certificate's Subject ``OU``
attributes. The key enrolls itself (``enroll``, signed by that key); an admin
of the organisation revokes certificates by serial number (``revoke``).

On a chain with ``permissioned`` set, every transaction but ``enroll`` must
come from an enrolled member of an active organisation whose certificate is
valid at the block time and not revoked, and that holds the role the action
needs (:mod:`sen.ledger.permissions`). Before a block, an ``enroll`` must pass
every one of its own checks too (``check_enrolment``, run by CheckTx and the
proposal checks), so a non-member's transaction never reaches a block. See
``docs/spec/membership.md``.
"""

from sen.ledger.modules.membership.actions import MODULE
from sen.ledger.modules.membership.records import BASE_ROLES, Member, Organisation
from sen.ledger.modules.membership.registry import (
    active_organisations,
    add_role,
    admit_organisation,
    is_admin_of,
    known_roles,
    load_member,
    load_organisation,
    remove_organisation,
    require_member,
    set_organisation_roles,
)

__all__ = [
    "BASE_ROLES",
    "MODULE",
    "Member",
    "Organisation",
    "active_organisations",
    "add_role",
    "admit_organisation",
    "is_admin_of",
    "known_roles",
    "load_member",
    "load_organisation",
    "remove_organisation",
    "require_member",
    "set_organisation_roles",
]
