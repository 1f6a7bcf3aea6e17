"""Module ``governance``: proposals voted by organisation admins, executed at the deciding vote."""

from sen.ledger.modules.governance.actions import MODULE

__all__ = ["MODULE"]
