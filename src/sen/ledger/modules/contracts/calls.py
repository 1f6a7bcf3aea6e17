"""How the contracts module runs a contract: the runtime, the block's session, the host's reads.

The runtime component is large and compiled once per process, so the node
installs it (:func:`install_runtime`) when it starts, and the module finds
it by the SHA-256 the chain's settings name. A node without it cannot run the
chain's contracts and must stop rather than answer differently:
:func:`runtime_for` raises :class:`~sen.vm.RuntimeMissing`, which is no
transaction's refusal.

Instances live for one execution of one block (:class:`~sen.vm.Session`):
the module keys the session on the block's overlay, which each execution of a
block makes afresh.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sen.ledger.crypto import get_suite
from sen.ledger.errors import TxRejected, UnknownSuite
from sen.ledger.modules.base import Context
from sen.ledger.modules.contracts.records import state_key
from sen.ledger.modules.membership.registry import require_member
from sen.ledger.state import Overlay, StateReader
from sen.ledger.types import BlockInfo
from sen.vm import CallResult, Runtime, RuntimeMissing, Session

_RUNTIMES: dict[str, Runtime] = {}
_LOADERS: dict[str, Callable[[], Runtime]] = {}
_LOCK = threading.Lock()
_SESSIONS: weakref.WeakKeyDictionary[Overlay, Session] = weakref.WeakKeyDictionary()
_BLOCK_GAS: weakref.WeakKeyDictionary[Overlay, int] = weakref.WeakKeyDictionary()


def install_runtime(runtime: Runtime) -> None:
    """Make ``runtime`` available to the chain(s) this process runs (by its SHA-256)."""
    with _LOCK:
        _RUNTIMES[runtime.digest] = runtime


def install_runtime_loader(digest: str, loader: Callable[[], Runtime]) -> None:
    """Make the runtime ``digest`` available, loaded by ``loader`` when a block first needs it
    (compiling it takes seconds; a node that never runs a contract never pays)."""
    with _LOCK:
        if digest not in _RUNTIMES:
            _LOADERS[digest] = loader


def installed_runtimes() -> tuple[str, ...]:
    with _LOCK:
        return tuple(sorted({*_RUNTIMES, *_LOADERS}))


def runtime_for(digest: str) -> Runtime:
    with _LOCK:
        found = _RUNTIMES.get(digest)
        if found is None and digest in _LOADERS:
            found = _RUNTIMES[digest] = _LOADERS.pop(digest)()
    if found is None:
        raise RuntimeMissing(digest, "the runtimes this node installed at start")
    return found


def block_session(ctx: Context, runtime: Runtime) -> Session:
    """The session of this execution of this block (a fresh one outside a block)."""
    scope = ctx.block_state
    if scope is None:
        return runtime.session()
    with _LOCK:
        session = _SESSIONS.get(scope)
        if session is None or session.runtime is not runtime:
            session = _SESSIONS[scope] = runtime.session()
        return session


def reserve_block_gas(ctx: Context, gas: int, limit: int) -> bool:
    """Count ``gas`` against this block's limit; False if the block has no room left for it.

    Every contract call's gas limit counts, whether the call succeeds or not, in
    the order the block runs them, so every validator refuses the same ones.
    """
    scope = ctx.block_state
    if scope is None:
        return True
    with _LOCK:
        used = _BLOCK_GAS.get(scope, 0)
        if used + gas > limit:
            return False
        _BLOCK_GAS[scope] = used + gas
        return True


def environment(
    chain_id: str, block: BlockInfo, contract: bytes, sender: bytes, caller: bytes
) -> str:
    """The call's environment as the contract sees it (``sen.env()``), canonical JSON."""
    return json.dumps(
        {
            "chain_id": chain_id,
            "height": block.height,
            "time": block.time_seconds,
            "contract": contract.hex(),
            "sender": sender.hex(),
            "caller": caller.hex(),
        },
        sort_keys=True,
        separators=(",", ":"),
    )


class StateReads:
    """The host's reads for one call: the contract's own prefix and the system modules."""

    def __init__(self, state: StateReader, address: bytes, block: BlockInfo) -> None:
        self.state = state
        self.address = address
        self.block = block

    def state_get(self, key: bytes) -> bytes | None:
        return self.state.get(state_key(self.address, key))

    def verify_signature(
        self, suite: str, public_key: bytes, message: bytes, signature: bytes
    ) -> bool:
        try:
            checked = get_suite(suite)
        except UnknownSuite:
            return False
        if checked.check_public_key(public_key) is not None:
            return False
        return checked.verify(public_key, message, signature)

    def system_query(self, path: str, args: dict[str, Any]) -> tuple[bool, str]:
        if path == "membership/member":
            return self._member(args)
        return False, f"unknown system query {path!r}; known: membership/member"

    def _member(self, args: dict[str, Any]) -> tuple[bool, str]:
        address = args.get("address")
        if not isinstance(address, str):
            return False, "membership/member needs address (hex)"
        try:
            raw = bytes.fromhex(address)
        except ValueError:
            return False, "address is not hex"
        try:
            member = require_member(self.state, raw, self.block)
        except TxRejected as refusal:  # not enrolled, revoked, expired, organisation removed
            answer: dict[str, Any] = {"active": False, "reason": refusal.code.name.lower()}
        else:
            answer = {"active": True, "organisation": member.org, "roles": list(member.roles)}
        return True, json.dumps(answer, sort_keys=True, separators=(",", ":"))


def apply_writes(state: Overlay, address: bytes, result: CallResult) -> None:
    """Keep a successful call's writes, under the contract's prefix."""
    for key, value in result.writes:
        if value is None:
            state.delete(state_key(address, key))
        else:
            state.set(state_key(address, key), value)
