"""Who may send what: the one permission mechanism of a permissioned chain.

On a chain whose ``ChainParams.permissioned`` is set, every transaction but
``membership.enroll`` must come from an enrolled member whose organisation is
active, whose certificate is not revoked and is valid at the block time, and
that holds the role the action declares (``Action.permission``), if any.

The check reads the state as of the start of the block (the committed state),
so membership changes take effect from the next block. It runs in three
places with the same answer: CheckTx (against the last committed block time),
proposal checks (against the proposed block's time), and
:func:`sen.ledger.rules.apply_tx` (against the block's own time), where a
refusal is a result code that consumes no nonce.

Before a block, CheckTx and the proposal checks ask more
(:func:`check_admission`): a transaction from a non-member is taken only if its
action is open to non-members and passes every check of that action the
committed state can judge (``Action.admit``; for ``enroll``, all of them). So a
non-member's transaction is never admitted to the mempool nor accepted in a
proposal; at block time the same checks run again, on the block's state.
"""

from __future__ import annotations

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.base import AnyAction, Call
from sen.ledger.modules.membership.records import LAST_BLOCK_TIME_KEY as LAST_BLOCK_TIME_KEY
from sen.ledger.modules.membership.records import load_member_record
from sen.ledger.modules.membership.registry import require_member
from sen.ledger.state import Overlay, StateReader
from sen.ledger.tx import Tx
from sen.ledger.types import BlockInfo, BlockTime, ChainParams

OPEN_ACTIONS = frozenset(
    {
        ("membership", "enroll"),
        ("privacy", "withdraw_consent"),
        ("privacy", "file_request"),
    }
)
"""Actions a key that is not (yet) a member may send."""


def check_permission(
    committed: StateReader, tx: Tx, action: AnyAction, params: ChainParams, at: BlockTime
) -> None:
    """Raise :class:`~sen.ledger.errors.TxRejected` unless ``tx``'s sender may run ``action``."""
    if not params.permissioned or (tx.module, tx.action) in OPEN_ACTIONS:
        return
    require_member(committed, tx.sender, at, action.permission)


def check_admission(
    committed: StateReader,
    tx: Tx,
    call: Call,
    params: ChainParams,
    at: BlockTime,
    committed_nonce: int,
) -> None:
    """Raise :class:`~sen.ledger.errors.TxRejected` unless ``tx`` may be taken before its block.

    What CheckTx and the proposal checks ask of a transaction on a
    permissioned chain: the permission check, and for an action open to
    non-members, that action's own checks on the committed state at ``at``
    (``Action.admit``), with the refusal its execution would give.
    """
    check_permission(committed, tx, call.action, params, at)
    if params.permissioned and (tx.module, tx.action) in OPEN_ACTIONS:
        if load_member_record(committed, tx.sender) is None and tx.nonce != committed_nonce:
            # admit judges each transaction on the committed state alone: a second one
            # queued behind it would be judged without the first's effect, and refused
            # only in the block. So a non-member has one transaction in flight at a time.
            raise TxRejected(
                ResultCode.NONCE_TOO_HIGH,
                "a key that is not a member sends one transaction per block: send the next "
                "once this one is committed",
                field="nonce",
                expected=str(committed_nonce),
                got=tx.nonce,
            )
        call.admit(committed, tx.sender, at)


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
