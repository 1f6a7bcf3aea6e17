"""Who may send what: the one permission mechanism of a permissioned chain.

On a chain whose ``ChainParams.permissioned`` is set, every transaction but
``membership.enroll`` must come from an enrolled member whose organisation is
active, whose certificate is not revoked and is valid at the block time, and
that holds the role the action declares (``Action.permission``), if any.

The check reads the state as of the start of the block (the committed state),
so membership changes take effect from the next block. It runs in three
places with the same answer: CheckTx (against the last committed block time),
proposal checks, and :func:`sen.ledger.rules.apply_tx` (against the block's
own time), where a refusal is a result code that consumes no nonce.
"""

from __future__ import annotations

from sen.ledger import encoding
from sen.ledger.modules.base import AnyAction
from sen.ledger.modules.membership.certificates import BlockTime
from sen.ledger.modules.membership.records import LAST_BLOCK_TIME_KEY as LAST_BLOCK_TIME_KEY
from sen.ledger.modules.membership.registry import require_member
from sen.ledger.state import Overlay, StateReader
from sen.ledger.tx import Tx
from sen.ledger.types import BlockInfo, ChainParams

OPEN_ACTIONS = frozenset({("membership", "enroll")})
"""Actions a key that is not (yet) a member may send."""


def check_permission(
    committed: StateReader, tx: Tx, action: AnyAction, params: ChainParams, at: BlockTime
) -> None:
    """Raise :class:`~sen.ledger.errors.TxRejected` unless ``tx``'s sender may run ``action``."""
    if not params.permissioned or (tx.module, tx.action) in OPEN_ACTIONS:
        return
    require_member(committed, tx.sender, at, action.permission)


def load_last_block_time(state: StateReader) -> BlockTime | None:
    """The time of the last committed block (kept on permissioned chains only)."""
    stored = state.get(LAST_BLOCK_TIME_KEY)
    if stored is None:
        return None
    seconds, nanos = encoding.decode(stored)
    assert isinstance(seconds, int) and isinstance(nanos, int)
    return seconds, nanos


def save_last_block_time(state: Overlay, block: BlockInfo) -> None:
    state.set(LAST_BLOCK_TIME_KEY, encoding.encode([block.time_seconds, block.time_nanos]))
