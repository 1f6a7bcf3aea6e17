"""The registry of ledger modules: the state transition dispatches through it.

A module plugs in by being listed here: its actions, its genesis hook and its
declared dependencies are all on its :class:`~sen.ledger.modules.base.Module`.
"""

from __future__ import annotations

from sen.ledger.modules.base import AnyAction, Module
from sen.ledger.modules.contracts import MODULE as CONTRACTS
from sen.ledger.modules.directory import MODULE as DIRECTORY
from sen.ledger.modules.evidence import MODULE as EVIDENCE
from sen.ledger.modules.governance import MODULE as GOVERNANCE
from sen.ledger.modules.identity import MODULE as IDENTITY
from sen.ledger.modules.interchain import MODULE as INTERCHAIN
from sen.ledger.modules.membership import MODULE as MEMBERSHIP
from sen.ledger.modules.privacy import MODULE as PRIVACY
from sen.ledger.modules.status import MODULE as STATUS
from sen.ledger.modules.trace import MODULE as TRACE
from sen.ledger.modules.trust import MODULE as TRUST

MODULES: dict[str, Module] = {
    m.name: m
    for m in (
        EVIDENCE,
        GOVERNANCE,
        IDENTITY,
        TRUST,
        STATUS,
        MEMBERSHIP,
        INTERCHAIN,
        DIRECTORY,
        CONTRACTS,
        PRIVACY,
        TRACE,
    )
}
"""Every module by name. ``init_chain`` runs the genesis hooks in this order (governance,
trust, membership): of several problems in a genesis file, the first found is reported."""


def find_action(module: str, action: str) -> AnyAction | None:
    found = MODULES.get(module)
    return None if found is None else found.actions.get(action)
