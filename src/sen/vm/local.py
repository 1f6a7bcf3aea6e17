"""A contract on the author's machine: run its entries in the real runtime, without a node.

::

    from sen.vm.local import LocalContract

    token = LocalContract.from_file("token.py")
    token.instantiate(sender="alice", supply=100)
    token.execute("transfer", sender="alice", to="bob", amount=5)   # {"balance": 95}
    assert token.query("balance", of="bob") == 5

The same runtime component and fuel accounting as a node, and the same
rule: a call that fails writes nothing (:class:`CallFailed` says why, with
the status a node would give). State is a dict of the contract's own keys.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sen.vm.build import cached_runtime, user_cache
from sen.vm.engine import Runtime
from sen.vm.results import CallResult, CallStatus

DEFAULT_GAS = 10_000_000
_RUNTIME: list[Runtime] = []


def local_runtime() -> Runtime:
    """This machine's runtime (built once, about 10 s; compiled once, about 8 s)."""
    if not _RUNTIME:
        cache = user_cache()
        _RUNTIME.append(Runtime(cached_runtime(cache), cache_dir=cache / "compiled"))
    return _RUNTIME[0]


CODE_NAMES = {
    CallStatus.REFUSED: "CONTRACT_REFUSED",
    CallStatus.FAILED: "CONTRACT_FAILED",
    CallStatus.NO_ENTRY: "NO_SUCH_ENTRY",
    CallStatus.BAD_ARGUMENTS: "INVALID_ARGUMENT",
    CallStatus.INVALID_CODE: "INVALID_CODE",
    CallStatus.OUT_OF_FUEL: "OUT_OF_GAS",
    CallStatus.TRAPPED: "CONTRACT_TRAPPED",
    CallStatus.BAD_ANSWER: "CONTRACT_BAD_ANSWER",
}
"""The result code a node gives each failure (docs/spec/contracts.md §4)."""


class CallFailed(Exception):
    """A call that failed: ``code_name`` is what a node would give (``CONTRACT_REFUSED``,
    ``OUT_OF_GAS``...), ``status`` the runtime's own name for it."""

    def __init__(self, result: CallResult) -> None:
        self.result = result
        self.status = result.status
        self.code_name = CODE_NAMES.get(result.status, result.status.value.upper())
        super().__init__(result.message or result.status.value)


class DictReads:
    """The host's reads from a dict of a contract's keys (relative to its prefix): no
    signatures, no system modules, no other contracts. For tests and benchmarks."""

    def __init__(self, state: dict[bytes, bytes] | None = None) -> None:
        self.state: dict[bytes, bytes] = {} if state is None else state

    def state_get(self, key: bytes) -> bytes | None:
        return self.state.get(key)

    def state_scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        keys = sorted(k for k in self.state if k >= start and (not end or k < end))
        return [(k, self.state[k]) for k in keys[:limit]]

    def verify_signature(
        self, suite: str, public_key: bytes, message: bytes, signature: bytes
    ) -> bool:
        return False

    def system_query(self, path: str, args: dict[str, Any]) -> tuple[bool, str]:
        return False, "no system modules here"

    def call_contract(
        self, contract: bytes, kind: str, entry: str, args: str, gas: int
    ) -> CallResult:
        return CallResult(CallStatus.FAILED, 0, message="no other contracts here")

    def keep(self, writes: Sequence[tuple[bytes, bytes | None]]) -> None:
        """Apply a successful call's writes, as a chain would keep them."""
        for key, value in writes:
            if value is None:
                self.state.pop(key, None)
            else:
                self.state[key] = value


class _Reads(DictReads):
    def __init__(self, contract: LocalContract, caller: str, stack: tuple[str, ...]) -> None:
        super().__init__(contract.state)
        self.contract = contract
        self.members = contract.members
        self.caller = caller
        self.stack = (*stack, contract.address)

    def call_contract(
        self, contract: bytes, kind: str, entry: str, args: str, gas: int
    ) -> CallResult:
        """Another local contract, from ``LocalContract(..., contracts={address: other})``."""
        address = contract.hex()
        other = self.contract.contracts.get(address)
        if other is None:
            return CallResult(CallStatus.FAILED, 0, message=f"no contract at {address}")
        if address in self.stack:
            return CallResult(CallStatus.FAILED, 0, message=f"re-entrancy refused: {address}")
        return other._run(kind, entry, self.contract.address, gas, args, self.stack, self.caller)

    def verify_signature(
        self, suite: str, public_key: bytes, message: bytes, signature: bytes
    ) -> bool:
        if suite != "ed25519":
            return False
        from nacl.exceptions import BadSignatureError
        from nacl.signing import VerifyKey

        try:
            VerifyKey(public_key).verify(message, signature)
        except (BadSignatureError, ValueError, TypeError):
            return False
        return True

    def system_query(self, path: str, args: dict[str, Any]) -> tuple[bool, str]:
        """``membership/member`` from the members given to :class:`LocalContract`."""
        if path != "membership/member":
            return False, f"unknown system query {path!r}; known: membership/member"
        found = self.members.get(str(args.get("address")))
        if found is None:
            answer: dict[str, Any] = {"active": False, "reason": "unknown_signer"}
        else:
            answer = {
                "active": True,
                "organisation": found["organisation"],
                "roles": found["roles"],
            }
        return True, json.dumps(answer, sort_keys=True, separators=(",", ":"))


class LocalContract:
    """One contract instance with its own state, on this machine."""

    def __init__(
        self,
        source: bytes,
        *,
        runtime: Runtime | None = None,
        address: str = "00" * 20,
        chain_id: str = "local",
        members: dict[str, dict[str, Any]] | None = None,
        contracts: dict[str, LocalContract] | None = None,
    ) -> None:
        """``members``: address -> {"organisation": id, "roles": [...]}, what
        ``sen.system("membership/member", address=...)`` answers for active members;
        ``contracts``: address (hex) -> another LocalContract that ``sen.call`` reaches."""
        if not isinstance(source, bytes):
            raise TypeError(
                f"LocalContract takes the code as bytes (Path(...).read_bytes(), or "
                f"LocalContract.from_file), got {type(source).__name__}"
            )
        self.source = source
        self.runtime = runtime or local_runtime()
        self.address = address
        self.chain_id = chain_id
        self.members = dict(members or {})
        self.contracts: dict[str, LocalContract] = dict(contracts or {})
        self.state: dict[bytes, bytes] = {}
        self.events: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.height = 0
        self.time = 1_700_000_000
        self._next_block: tuple[int, int] | None = None
        self.last: CallResult | None = None
        problem = self.runtime.session().check_source(source)
        if problem is not None:
            raise CallFailed(CallResult(CallStatus.INVALID_CODE, 0, message=problem))

    @classmethod
    def from_file(cls, path: str | Path, **options: Any) -> LocalContract:
        return cls(Path(path).read_bytes(), **options)

    def instantiate(self, *, sender: str = "alice", gas: int = DEFAULT_GAS, **args: Any) -> Any:
        return self._call("instantiate", "", sender, gas, args)

    def execute(
        self, entry: str, *, sender: str = "alice", gas: int = DEFAULT_GAS, **args: Any
    ) -> Any:
        return self._call("execute", entry, sender, gas, args)

    def migrate(
        self, source: bytes, *, sender: str = "alice", gas: int = DEFAULT_GAS, **args: Any
    ) -> Any:
        """Move to new code and run its migrate entry; as on a chain, the contract keeps its
        old code if the new one does not load or its migrate entry fails."""
        problem = self.runtime.session().check_source(source)
        if problem is not None:
            raise CallFailed(CallResult(CallStatus.INVALID_CODE, 0, message=problem))
        old, self.source = self.source, source
        try:
            return self._call("migrate", "", sender, gas, args)
        except CallFailed:
            self.source = old
            raise

    def query(self, entry: str, *, gas: int = DEFAULT_GAS, **args: Any) -> Any:
        return self._call("query", entry, "", gas, args)

    def at_block(self, height: int, time: int) -> LocalContract:
        """Run the next transaction in the block at ``height`` with BFT time ``time`` (Unix
        seconds), e.g. ``contract.at_block(100, deadline + 1).execute("close")``; each
        transaction otherwise runs one block (and 5 s) after the previous one."""
        if height < 1 or time < 0:
            raise ValueError(f"at_block: expected height >= 1 and time >= 0, got {height}, {time}")
        self._next_block = (height, time)
        return self

    def _call(self, kind: str, entry: str, sender: str, gas: int, args: dict[str, Any]) -> Any:
        if kind != "query":
            if self._next_block is not None:
                (self.height, self.time), self._next_block = self._next_block, None
            else:
                self.height += 1
                self.time += 5
        arguments = json.dumps(args, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        result = self._run(kind, entry, sender, gas, arguments, (), sender)
        self.last = result
        if not result.ok:
            raise CallFailed(result)
        return json.loads(result.answer)

    def _run(
        self,
        kind: str,
        entry: str,
        caller: str,
        gas: int,
        arguments: str,
        stack: tuple[str, ...],
        sender: str,
    ) -> CallResult:
        env = json.dumps(
            {
                "chain_id": self.chain_id,
                "height": self.height,
                "time": self.time,
                "contract": self.address,
                "sender": sender,
                "caller": caller,
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        session = self.runtime.session()
        result = session.call(
            bytes.fromhex(self.address), self.source, kind, entry, arguments, env, gas,
            _Reads(self, sender, stack),
        )  # fmt: skip
        if result.ok:
            for key, value in result.writes:
                if value is None:
                    self.state.pop(key, None)
                else:
                    self.state[key] = value
            self.events.extend(result.events)
        return result
