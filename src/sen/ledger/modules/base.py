"""What a ledger module is: named actions that parse their arguments and change state.

Modules are registered in :mod:`sen.ledger.modules`; the state transition
dispatches on ``(tx.module, tx.action)`` through that registry, and a module
plugs in by registration alone. A module declares:

- ``actions``: each an :class:`Action` generic over its parsed arguments,
  with the role it needs (``permission``), its stateless ``parse``, its
  ``execute`` over those same arguments, optionally ``index_keys`` (the
  query-index entries of a successful transaction) and, for an action a
  non-member may send, ``admit`` (the checks of ``execute`` that CheckTx and
  the proposal checks run first, so that a non-member's transaction that
  would be refused never reaches a block);
- ``depends_on``: the other modules it may import (checked against the
  import contract in ``pyproject.toml`` by a unit test);
- ``genesis``: optionally, the state it writes from its genesis section,
  ``app_state.<module name>``, all with one signature (:data:`GenesisHook`).

The registry holds actions of different argument types, so the state
transition sees each one as an :class:`AnyAction`: ``check`` parses and binds
the arguments to the action (:class:`Call`), which runs and indexes them with
their own type.

How to write one, step by step, with the rules that keep validators in step:
``docs/guides/modules.md``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sen.ledger.modules.arguments import optional_text as optional_text
from sen.ledger.modules.arguments import reject_unknown_fields as reject_unknown_fields
from sen.ledger.state import Overlay, StateReader
from sen.ledger.types import BlockInfo, BlockTime, ChainParams, Event, ValidatorChange

ArgsT = TypeVar("ArgsT")

IndexKey = tuple[str, bytes, int]
"""An index entry of a successful transaction: (table, key prefix, leaf)."""

StateChange = tuple[bytes, bytes | None]
"""A state write: (key, value), a value of None deleting the key."""


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
    # The block's own overlay: made afresh for each execution of a block, it names
    # that execution for what lives as long as it (the contracts' instances).
    block_state: Overlay | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    data: bytes = b""
    events: tuple[Event, ...] = ()
    validator_updates: tuple[ValidatorChange, ...] = ()
    log: str = ""  # human text for the result's log, which is never hashed
    gas_wanted: int = 0  # a contract call's gas limit and the gas it used (hashed)
    gas_used: int = 0


class Call(Protocol):
    """An action with its checked arguments: what the state transition runs and indexes."""

    @property
    def action(self) -> AnyAction: ...

    def admit(self, committed: StateReader, sender: bytes, at: BlockTime) -> None: ...

    def execute(self, ctx: Context) -> Outcome: ...

    def block_gas(self, committed: StateReader) -> int: ...

    def index_keys(self) -> Sequence[IndexKey]: ...


class AnyAction(ABC):
    """An action as the registry holds it, whatever the type of its parsed arguments."""

    name: str
    permission: str | None

    @abstractmethod
    def check(self, args: Mapping[str, Any], params: ChainParams) -> Call:
        """Parse ``args`` (raising TxRejected naming the field) and bind them to the action."""


class Action(AnyAction, Generic[ArgsT]):
    """One action of a module, over its parsed arguments ``ArgsT``."""

    @abstractmethod
    def parse(self, args: Mapping[str, Any], params: ChainParams) -> ArgsT:
        """Stateless argument checks; raise TxRejected naming the field."""

    @abstractmethod
    def execute(self, ctx: Context, parsed: ArgsT) -> Outcome: ...

    def admit(self, committed: StateReader, sender: bytes, parsed: ArgsT, at: BlockTime) -> None:
        """The checks of ``execute`` that the committed state can judge before the block.

        Run, on a permissioned chain, for an action a non-member may send
        (:data:`sen.ledger.permissions.OPEN_ACTIONS`) by CheckTx (at the last
        block's time) and by the proposal checks (at the proposed block's time),
        raising the refusal ``execute`` would raise on that state at that time.
        Call the same functions ``execute`` calls, never a copy of them. None
        unless the action declares them.
        """

    def index_keys(self, parsed: ArgsT) -> Sequence[IndexKey]:
        """The query-index entries of a successful transaction (none unless declared)."""
        return ()

    def block_gas(self, committed: StateReader, parsed: ArgsT) -> int:
        """The gas this transaction will count against its block's limit (contract calls),
        judged on the committed state: proposers pack blocks by it. 0 unless declared."""
        return 0

    def check(self, args: Mapping[str, Any], params: ChainParams) -> Call:
        return BoundCall(self, self.parse(args, params))


@dataclass(frozen=True, slots=True)
class BoundCall(Generic[ArgsT]):
    """An action bound to arguments it parsed: it runs and indexes them with their own type."""

    action: Action[ArgsT]
    args: ArgsT

    def admit(self, committed: StateReader, sender: bytes, at: BlockTime) -> None:
        self.action.admit(committed, sender, self.args, at)

    def execute(self, ctx: Context) -> Outcome:
        return self.action.execute(ctx, self.args)

    def block_gas(self, committed: StateReader) -> int:
        return self.action.block_gas(committed, self.args)

    def index_keys(self) -> Sequence[IndexKey]:
        return self.action.index_keys(self.args)


@dataclass(frozen=True, slots=True)
class GenesisContext:
    """What a module's genesis hook may read besides its own section."""

    params: ChainParams
    time_seconds: int  # the genesis time
    time_nanos: int
    height: int  # the height before the first block (initial height - 1)


GenesisHook = Callable[[object, GenesisContext], list[StateChange]]
"""``hook(section, genesis)``: the state a module writes at genesis from its section
``app_state.<module name>`` (None when absent), raising on the first problem."""


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    actions: Mapping[str, AnyAction]
    depends_on: tuple[str, ...] = ()
    """The modules this one may import (pyproject's import contract says the same)."""
    genesis: GenesisHook | None = None
