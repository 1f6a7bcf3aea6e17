"""The governance section of a genesis file: ``app_state.governance`` (all optional).

::

    {"threshold": [2, 3], "voting_period": 100, "max_voting_period": 100000}

Absent, the defaults apply (more than 2/3 of organisations, 100 blocks) and
nothing is written to state, so chains without it keep their genesis hash.
"""

from __future__ import annotations

from typing import Any

from sen.ledger import encoding
from sen.ledger.errors import LedgerError, TxRejected
from sen.ledger.modules.base import GenesisContext, StateChange
from sen.ledger.modules.governance.kinds import parse_governance_settings
from sen.ledger.modules.governance.records import CONFIG_KEY, GovernanceConfig


class GovernanceGenesisError(LedgerError, ValueError):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"genesis {field}: {reason}")


def governance_changes(document: object) -> list[tuple[bytes, bytes | None]]:
    if document is None:
        return []
    if not isinstance(document, dict):
        raise GovernanceGenesisError("app_state.governance", "expected an object")
    try:
        parsed: dict[str, Any] = parse_governance_settings(document)
    except TxRejected as exc:
        where = exc.field.replace("args.payload.", "app_state.governance.")
        raise GovernanceGenesisError(where, str(exc)) from None
    defaults = GovernanceConfig()
    config = GovernanceConfig(
        threshold=tuple(parsed.get("threshold", defaults.threshold)),
        voting_period=parsed.get("voting_period", defaults.voting_period),
        max_voting_period=parsed.get("max_voting_period", defaults.max_voting_period),
    )
    if config.voting_period > config.max_voting_period:
        raise GovernanceGenesisError(
            "app_state.governance.voting_period", "longer than max_voting_period"
        )
    return [(CONFIG_KEY, encoding.encode(config.to_value()))]


def governance_genesis(section: object, genesis: GenesisContext) -> list[StateChange]:
    """The module's genesis hook: the state of ``app_state.governance``."""
    return governance_changes(section)
