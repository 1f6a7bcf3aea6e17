"""The registry of ledger modules: the state transition dispatches through it."""

from __future__ import annotations

from sen.ledger.modules.base import Action, Module
from sen.ledger.modules.evidence import MODULE as EVIDENCE
from sen.ledger.modules.governance import MODULE as GOVERNANCE
from sen.ledger.modules.identity import MODULE as IDENTITY
from sen.ledger.modules.membership import MODULE as MEMBERSHIP
from sen.ledger.modules.status import MODULE as STATUS
from sen.ledger.modules.trust import MODULE as TRUST

MODULES: dict[str, Module] = {
    m.name: m for m in (EVIDENCE, MEMBERSHIP, GOVERNANCE, IDENTITY, TRUST, STATUS)
}


def find_action(module: str, action: str) -> Action | None:
    found = MODULES.get(module)
    return None if found is None else found.actions.get(action)
