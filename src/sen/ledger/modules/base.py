"""What a ledger module is: named actions that parse their arguments and change state.

Modules are registered in :mod:`sen.ledger.modules`; the state transition
dispatches on ``(tx.module, tx.action)`` through that registry. Each action
declares ``permission`` (the role it needs) so that the membership rules,
when they land, check every action through one mechanism.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.state import Overlay, StateReader
from sen.ledger.types import BlockInfo, ChainParams, Event, ValidatorChange


@dataclass(slots=True)
class Context:
    """Everything an action may read or write while it runs."""

    state: Overlay
    block: BlockInfo
    params: ChainParams
    tx_hash: bytes
    tx_index: int
    sender: bytes
    # The state at the start of the block: who may act is decided by it, so that
    # membership changes take effect from the next block.
    committed: StateReader | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    data: bytes = b""
    events: tuple[Event, ...] = ()
    validator_updates: tuple[ValidatorChange, ...] = ()
    log: str = ""  # human text for the result's log, which is never hashed


class Action(Protocol):
    name: str
    permission: str | None

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> object:
        """Stateless argument checks; raise TxRejected naming the field."""

    def execute(self, ctx: Context, parsed: Any) -> Outcome: ...


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    actions: Mapping[str, Action]


def reject_unknown_fields(args: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for key in sorted(args):
        if key not in allowed:
            raise TxRejected(
                ResultCode.INVALID_ARGUMENT,
                "unknown argument",
                field=f"args.{key}",
                expected=f"one of {', '.join(sorted(allowed))}",
                got=key,
            )


def optional_text(args: Mapping[str, Any], key: str, max_bytes: int) -> str:
    value = args.get(key, "")
    if not isinstance(value, str):
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT,
            "wrong type",
            field=f"args.{key}",
            expected="text",
            got=type(value).__name__,
        )
    size = len(value.encode())
    if size > max_bytes:
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT,
            "text too long",
            field=f"args.{key}",
            expected=f"at most {max_bytes} bytes of UTF-8",
            got=f"{size} bytes",
        )
    return value
