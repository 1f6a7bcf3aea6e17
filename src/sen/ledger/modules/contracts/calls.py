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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import get_suite
from sen.ledger.errors import TxRejected, UnknownSuite
from sen.ledger.modules.base import Context
from sen.ledger.modules.contracts.records import Settings, load_instance, load_source, state_key
from sen.ledger.modules.identity.actions import DID_METHOD_PREFIX
from sen.ledger.modules.identity.records import load_did
from sen.ledger.modules.membership.registry import require_member
from sen.ledger.modules.status.bitstring import status_at
from sen.ledger.modules.status.records import load_bits, load_list
from sen.ledger.state import Overlay, StateReader
from sen.ledger.types import BlockInfo
from sen.vm import CallResult, CallStatus, RuntimeMissing

if TYPE_CHECKING:  # wasmtime is the server extra's
    from sen.vm.engine import Runtime, Session

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


def refuse_unaffordable(
    instance_price: int, settings: Settings, field: str, *, gas: int = 0
) -> None:
    """Code whose every new instance costs more than a transaction may spend could never run
    (and its compiled form would still be kept by every node): refused at upload, the upload
    paying ``gas`` (what it cost to check)."""
    if instance_price > settings.max_gas:
        raise TxRejected(
            ResultCode.CODE_TOO_LARGE,
            "a new instance of this code costs more gas than a transaction may use",
            field=field,
            expected=f"at most {settings.max_gas} gas an instance",
            got=f"{instance_price} gas (its compiled code is that large)",
            gas_wanted=gas,
            gas_used=gas,
        )


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


MAX_CALL_DEPTH = 4
"""Contracts in one call stack, the outermost included."""


@dataclass(slots=True)
class CallScope:
    """What the calls of one transaction (or one query) share: where writes go, the session,
    and the events of every contract called, in order."""

    state: StateReader
    writes: Overlay | None  # None for a query: nothing is kept
    session: Session
    chain_id: str
    block: BlockInfo
    sender: bytes
    events: list[tuple[bytes, CallResult]] = field(default_factory=list)


class StateReads:
    """The host's services to one call: its own state, the system modules, other contracts."""

    def __init__(
        self,
        scope: CallScope,
        address: bytes,
        stack: tuple[bytes, ...] = (),
        state: StateReader | None = None,
        events: list[tuple[bytes, CallResult]] | None = None,
    ) -> None:
        self.scope = scope
        if state is None:
            state = scope.state if scope.writes is None else scope.writes
        self.state = state
        # where the calls this one makes keep their events: the scope's for the outermost call
        self.events = scope.events if events is None else events
        self.address = address
        self.block = scope.block
        self.stack = (*stack, address)  # the contracts running, outermost first

    def state_get(self, key: bytes) -> bytes | None:
        return self.state.get(state_key(self.address, key))

    def state_scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        prefix = state_key(self.address, b"")
        upper = state_key(self.address, end) if end else prefix[:-1] + b"0"  # past "/"
        found = self.state.scan(prefix + start, upper, limit)
        return [(key[len(prefix) :], value) for key, value in found]

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
        reads = {
            "membership/member": self._member,
            "identity/did": self._did,
            "status/entry": self._status_entry,
        }
        found = reads.get(path)
        if found is None:
            return False, f"unknown system query {path[:80]!r}; known: {', '.join(reads)}"
        return found(args)

    def _did(self, args: dict[str, Any]) -> tuple[bool, str]:
        did = args.get("did")
        if not isinstance(did, str) or not did.startswith(DID_METHOD_PREFIX):
            return False, "identity/did needs did (did:sen:<name>)"
        record = load_did(self.state, did.removeprefix(DID_METHOD_PREFIX))
        if record is None:
            return True, "null"
        answer = {
            "active": not record.deactivated,
            "controllers": [c.hex() for c in record.controllers],
            "organisation": record.organisation,
            "version": record.version,
        }
        return True, _json(answer)

    def _status_entry(self, args: dict[str, Any]) -> tuple[bool, str]:
        issuer, name, index = args.get("issuer"), args.get("list"), args.get("index")
        if not isinstance(issuer, str) or not isinstance(name, str):
            return False, "status/entry needs issuer (a DID), list (its name) and index"
        if not isinstance(index, int) or isinstance(index, bool):
            return False, "status/entry: index must be an integer"
        found = load_list(self.state, issuer, name)
        bits = load_bits(self.state, issuer, name)
        if found is None or bits is None:
            return True, "null"
        try:
            status = status_at(bits, index)
        except IndexError:
            return False, f"status/entry: index {index} outside 0..{found.size - 1}"
        return True, _json({"purpose": found.purpose, "set": bool(status)})

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
        return True, _json(answer)

    def call_contract(
        self, contract: bytes, kind: str, entry: str, args: str, gas: int
    ) -> CallResult:
        """Another contract's entry, called by this one (re-entrancy refused, depth bounded)."""
        scope = self.scope
        refused = self._refuse_call(contract, kind, entry)
        if refused is not None:
            return CallResult(CallStatus.FAILED, 0, message=refused)
        record = load_instance(self.state, contract)
        source = None if record is None else load_source(self.state, record.code)
        if record is None or source is None:
            return CallResult(CallStatus.FAILED, 0, message=f"no contract at {contract.hex()}")
        env = environment(scope.chain_id, scope.block, contract, scope.sender, self.address)
        # The callee and the contracts it calls write into an overlay of their own, kept in
        # the caller's only if the callee succeeds; the caller's own is kept only if it does,
        # and so on up to the transaction: a call that fails leaves nothing of its subtree.
        below = self.state
        child = Overlay(below) if scope.writes is not None and isinstance(below, Overlay) else None
        kept: list[tuple[bytes, CallResult]] = []
        nested = StateReads(scope, contract, self.stack, below if child is None else child, kept)
        result = scope.session.call(
            contract + record.code, source, kind, entry, args, env, gas, nested
        )
        if result.ok and child is not None and isinstance(below, Overlay):
            apply_writes(child, contract, result)
            child.merge_into(below)
            self.events.extend(kept)
            self.events.append((contract, result))
        return result

    def _refuse_call(self, contract: bytes, kind: str, entry: str) -> str | None:
        if kind not in ("execute", "query"):
            return f"kind: expected execute or query, got {kind[:20]!r}"
        if kind == "execute" and self.scope.writes is None:
            return "a query may call only query entries"
        if not entry.isidentifier() or len(entry) > 64:
            return f"entry: not an entry point name: {entry[:80]!r}"
        if contract in self.stack:
            return f"re-entrancy refused: {contract.hex()} is already running in this call"
        if len(self.stack) >= MAX_CALL_DEPTH:
            return f"call depth: at most {MAX_CALL_DEPTH} contracts in one call stack"
        return None


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def apply_writes(state: Overlay, address: bytes, result: CallResult) -> None:
    """Keep a successful call's writes, under the contract's prefix."""
    for key, value in result.writes:
        if value is None:
            state.delete(state_key(address, key))
        else:
            state.set(state_key(address, key), value)
