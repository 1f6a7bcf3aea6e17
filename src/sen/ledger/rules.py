"""The state transition: how a block of transactions changes the ledger.

Read this module as the specification. It is pure: no I/O, no clock, no
logging. Speed-ups (caches of decoded transactions, parallel signature
verification) live in :mod:`sen.consensus.app` and feed their answers in as
arguments; their answers equal what the rules here would compute.

A transaction is processed in this order:

1. ``check_envelope``: decodes; size, chain id, suite, public key, module,
   action and arguments are checked without state.
2. signature: ``verify_signature`` over the transaction's sign bytes.
3. nonce: must equal the sender's next nonce.
4. permission (permissioned chains): the sender may run the action, judged on
   the state at the start of the block (:mod:`sen.ledger.permissions`); a
   refusal consumes no nonce.
5. the nonce is consumed even if the action fails, so an included transaction
   can never be replayed; the action runs in its own overlay, kept only if it
   succeeds.

Every transaction of a block gets exactly one :class:`TxResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import get_suite
from sen.ledger.errors import TxRejected, UnknownSuite
from sen.ledger.modules import MODULES, find_action
from sen.ledger.modules.base import AnyAction, Call, Context
from sen.ledger.permissions import check_permission, save_last_block_time
from sen.ledger.pii import find_personal_data
from sen.ledger.state import Overlay, StateReader
from sen.ledger.tx import Tx, decode_tx
from sen.ledger.types import BlockInfo, ChainParams, TxResult

ACCOUNT_PREFIX = b"account/"


@dataclass(frozen=True, slots=True)
class CheckedTx:
    """A transaction that passed every stateless check, its action bound to its parsed arguments."""

    tx: Tx
    call: Call

    @property
    def action(self) -> AnyAction:
        return self.call.action


def account_key(address: bytes) -> bytes:
    return ACCOUNT_PREFIX + address


def load_nonce(state: StateReader, address: bytes) -> int:
    """The next nonce the account must use (0 for an account never seen)."""
    stored = state.get(account_key(address))
    if stored is None:
        return 0
    (nonce,) = encoding.decode(stored)
    assert isinstance(nonce, int)
    return nonce


def save_nonce(state: Overlay, address: bytes, nonce: int) -> None:
    state.set(account_key(address), encoding.encode([nonce]))


def check_envelope(raw: bytes, params: ChainParams) -> CheckedTx:
    tx = decode_tx(raw, max_bytes=params.max_tx_bytes)
    if tx.chain_id != params.chain_id:
        raise TxRejected(
            ResultCode.WRONG_CHAIN,
            "transaction is for another chain",
            field="chain_id",
            expected=params.chain_id,
            got=tx.chain_id,
        )
    try:
        suite = get_suite(tx.suite)
    except UnknownSuite as exc:
        raise TxRejected(
            ResultCode.UNKNOWN_SUITE,
            "unknown signature suite",
            field="suite",
            expected=f"one of {', '.join(exc.known)}",
            got=tx.suite,
        ) from None
    if tx.suite not in params.allowed_suites:
        raise TxRejected(
            ResultCode.SUITE_NOT_ALLOWED,
            "signature suite not allowed on this chain",
            field="suite",
            expected=f"one of {', '.join(params.allowed_suites)}",
            got=tx.suite,
        )
    problem = suite.check_public_key(tx.public_key)
    if problem is not None:
        raise TxRejected(ResultCode.BAD_PUBLIC_KEY, problem, field="public_key")
    if tx.module in params.disabled_modules:
        raise TxRejected(
            ResultCode.MODULE_DISABLED,
            "module disabled on this chain (by governance)",
            field="module",
            expected=f"a module not in {', '.join(params.disabled_modules)}",
            got=tx.module,
        )
    if params.pii_free:
        found = find_personal_data(tx.args)
        if found is not None:  # the value itself is not repeated: it would reach the logs
            raise TxRejected(
                ResultCode.PERSONAL_DATA,
                f"{found.field} looks like {found.kind}",
                field=found.field,
                expected="no personal data: this chain is pii_free (keep it in a vault)",
                got=found.kind,
            )
    action = find_action(tx.module, tx.action)
    if action is None:
        if tx.module not in MODULES:
            raise TxRejected(
                ResultCode.UNKNOWN_MODULE, "unknown module", field="module", got=tx.module
            )
        raise TxRejected(
            ResultCode.UNKNOWN_ACTION,
            "unknown action",
            field="action",
            got=f"{tx.module}.{tx.action}",
        )
    return CheckedTx(tx, action.check(tx.args, params))


def verify_signature(tx: Tx) -> bool:
    return get_suite(tx.suite).verify(tx.public_key, tx.sign_bytes, tx.signature)


def check_nonce(tx: Tx, expected: int) -> None:
    if tx.nonce < expected:
        raise TxRejected(
            ResultCode.NONCE_TOO_LOW,
            "nonce already used",
            field="nonce",
            expected=expected,
            got=tx.nonce,
        )
    if tx.nonce > expected:
        raise TxRejected(
            ResultCode.NONCE_TOO_HIGH,
            "nonce is in the future",
            field="nonce",
            expected=expected,
            got=tx.nonce,
        )


def apply_tx(
    state: Overlay,
    checked: CheckedTx | TxRejected,
    signature_ok: bool,
    block: BlockInfo,
    params: ChainParams,
    index: int,
    committed: StateReader | None = None,
) -> TxResult:
    """Apply one transaction to the block overlay; always returns its one result.

    ``committed`` is the state at the start of the block, which decides who may
    act (:mod:`sen.ledger.permissions`); it defaults to ``state``.
    """
    if isinstance(checked, TxRejected):
        return TxResult(checked.code, log=checked.log_text)
    tx = checked.tx
    if not signature_ok:
        return TxResult(ResultCode.BAD_SIGNATURE, log="signature does not verify")
    sender = tx.sender
    try:
        check_nonce(tx, load_nonce(state, sender))
    except TxRejected as exc:
        return TxResult(exc.code, log=exc.log_text)
    start = committed if committed is not None else state
    try:
        check_permission(start, tx, checked.action, params, (block.time_seconds, block.time_nanos))
    except TxRejected as exc:  # refused before it runs: the nonce is not consumed
        return TxResult(exc.code, log=exc.log_text)
    save_nonce(state, sender, tx.nonce + 1)
    scratch = Overlay(state)
    ctx = Context(
        scratch, block, params, tx.hash, index, sender, committed=start, block_state=state
    )
    try:
        outcome = checked.call.execute(ctx)
    except TxRejected as exc:
        return TxResult(
            exc.code, log=exc.log_text, gas_wanted=exc.gas_wanted, gas_used=exc.gas_used
        )
    scratch.merge_into(state)
    return TxResult(
        ResultCode.OK,
        data=outcome.data,
        log=outcome.log,
        events=outcome.events,
        gas_wanted=outcome.gas_wanted,
        gas_used=outcome.gas_used,
        validator_updates=outcome.validator_updates,
    )


def execute_block(
    state: StateReader,
    checked: Sequence[CheckedTx | TxRejected],
    signatures_ok: Sequence[bool],
    block: BlockInfo,
    params: ChainParams,
) -> tuple[Overlay, list[TxResult]]:
    """Run a block's transactions in order over one overlay of ``state``."""
    overlay = Overlay(state)
    results = [
        apply_tx(overlay, item, ok, block, params, index, state)
        for index, (item, ok) in enumerate(zip(checked, signatures_ok, strict=True))
    ]
    if params.permissioned:  # CheckTx judges certificates against the last block's time
        save_last_block_time(overlay, block)
    return overlay, results


def precheck(raw: bytes, params: ChainParams) -> CheckedTx | TxRejected:
    """``check_envelope`` with the rejection returned rather than raised.

    The rejection is returned bare (no traceback, cause or context): callers keep
    it (the mempool's check cache), and a traceback's frames would keep the
    caller's locals alive with it, a whole batch of transactions among them.
    """
    try:
        return check_envelope(raw, params)
    except TxRejected as exc:
        exc.__cause__ = exc.__context__ = None
        return exc.with_traceback(None)
