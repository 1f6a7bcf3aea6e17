"""wasmtime, configured for consensus, and the calls it runs for the contracts module.

A :class:`Runtime` is the compiled runtime component (compiled once, the
result kept on disk by its SHA-256 and wasmtime's version). A
:class:`Session` holds the instances of one execution of one block: each
contract gets its own instance the first time the block calls it, and keeps
it for the rest of the block, unless a call traps (then the next call gets a
fresh one). Every validator runs a block's calls in the same order from the
same fresh instances, so reuse within a block is deterministic; no instance
outlives its block. Each call runs the contract's module body in a fresh
namespace (``guest/sen_runtime.py``), so Python globals never carry over.

What enters a result, and so consensus: the status, the answer, the writes,
the events and the fuel used. Fuel is wasmtime's count of the WebAssembly
executed plus the host's charges (:mod:`sen.vm.fuel`), never time.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import wasmtime
from wasmtime import component

from sen.vm import fuel
from sen.vm.code import WASM_MAGIC, is_component
from sen.vm.errors import BackstopTripped, RuntimeMismatch, VmError
from sen.vm.results import CallResult, CallStatus, HostReads
from sen.vm.shape import ShapeError, shape

WASMTIME_VERSION = "50.0.1"
HOST_INTERFACE = "sen:contract/host@0.1.0"

MEMORY_LIMIT = 256 * 1024 * 1024
"""Linear memory a contract's instance may use, in bytes (the runtime itself takes about 40 MiB)."""

LOAD_FUEL = 1_000_000_000
"""Fuel for compiling a contract's source: enough for ``max_code_bytes`` (64 KiB) of dense
code (about 7,600 fuel a byte). The upload pays for it by its size (:func:`fuel.upload_cost`),
a new instance by :func:`fuel.instance_cost`; the fuel a compile uses is never in a result."""

MAX_ANSWER_BYTES = 65_536
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024
"""The most the runtime may hand back from a call (answer, writes and events, as JSON)."""
MAX_MESSAGE_CHARS = 1_000
"""A failed call's message is cut to this many characters (it goes to the log)."""
MAX_JSON_DEPTH = 64
MAX_NUMBER_DIGITS = 600
"""Below CPython's smallest integer-string limit (640), so no node setting changes a result."""
MAX_EVENTS = 64
MAX_KEY_BYTES = 256
MAX_SCAN = 200
"""The most keys one state scan returns."""
MAX_EVENT_VALUE_BYTES = 512
_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


KEPT_COMPILED_BYTES = 256 * 1024 * 1024
"""Compiled code a runtime keeps in memory (base64 text); the rest is read back from disk."""

KEPT_COMPONENTS = 64
"""Contracts' own components (compiled) a runtime keeps in memory; the rest are read back from
the disk cache, or compiled again."""

MAX_FUNCTION_LOCALS = 5_000
"""Locals one function of a component may declare (Rust's have a few, at most hundreds)."""

COMPONENT_START_FUEL = 10_000_000
"""Fuel a contract's component may use being instantiated (its start functions); what it uses
is charged to the call that made the instance."""

COMPONENT_MEMORY_LIMIT = 32 * 1024 * 1024
"""Linear memory of a contract's own component, in bytes, in its one memory: a Rust contract
uses 1-2 MiB; the bound also bounds what the host copies of an answer before charging it."""

COMPONENT_TABLE_ELEMENTS = 100_000
COMPONENT_INSTANCES = 16
"""Limits of a contract component's store beyond its memory: table entries, core instances
(and as many tables), one memory, so a component cannot ask the node for more."""

MAX_LIVE_INSTANCES = 8
"""Instances a block keeps at once (each holds its memory, up to ``MEMORY_LIMIT``): beyond
this, the one used least recently is dropped, and its contract's next call in the block
pays for a new instance. Which one is dropped depends only on the block's calls."""


def _out_of_gas(limit: int, why: str = "") -> CallResult:
    """Out of gas, all of it used; the message (for the log) says how much and what to do."""
    cause = f"; {why}" if why else ""
    return CallResult(
        CallStatus.OUT_OF_FUEL,
        limit,
        message=f"out of gas: the call used all {limit:,} it was given{cause}; send it with more",
    )


BACKSTOP_SECONDS = 120
"""Wall-clock seconds after which a call stops the node (never a result): fuel bounds every
call far below this on a working machine, so reaching it means the node cannot keep up."""

MAX_WASM_STACK = 512 * 1024
"""Native stack a call may use (wasmtime's default, set so a new default changes nothing)."""

ENGINE_TAG = "fuel-nan-epoch"  # the settings below, in the compiled cache's file names


def make_engine() -> wasmtime.Engine:
    """The engine every validator configures alike: fuel, canonical NaNs, no threads."""
    config = wasmtime.Config()
    config.consume_fuel = True
    config.cranelift_nan_canonicalization = True
    config.wasm_threads = False
    config.wasm_relaxed_simd = False  # its results may differ between CPUs
    config.epoch_interruption = True  # the wall-clock backstop (BACKSTOP_SECONDS)
    config.max_wasm_stack = MAX_WASM_STACK
    return wasmtime.Engine(config)


class _Ticker:
    """Advances an engine's epoch once a second, from a daemon thread started on first use."""

    def __init__(self, engine: wasmtime.Engine) -> None:
        self._engine = engine
        self._started = False
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name="sen-vm-epoch", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(1.0)  # the backstop only: no result depends on it
            self._engine.increment_epoch()


class _OutOfFuel(Exception):
    """Raised in a host function when its charge exceeds the fuel left: traps the call."""


class Runtime:
    """The runtime component, compiled, with the host functions linked."""

    def __init__(
        self,
        path: Path,
        *,
        expected_digest: str | None = None,
        cache_dir: Path | None = None,
        memory_limit: int = MEMORY_LIMIT,
        backstop_seconds: int = BACKSTOP_SECONDS,
    ) -> None:
        data = path.read_bytes()
        self.digest = hashlib.sha256(data).hexdigest()
        if expected_digest is not None and expected_digest != self.digest:
            raise RuntimeMismatch(str(path), expected_digest, self.digest)
        self.path = path
        self.memory_limit = memory_limit
        self.backstop_seconds = backstop_seconds
        self.engine = make_engine()
        self._ticker = _Ticker(self.engine)
        self.component = _compiled(self.engine, data, self.digest, cache_dir)
        # the calls running on each thread, innermost last (a contract may call another)
        self._frames = threading.local()
        self.linker = component.Linker(self.engine)
        self._link_host()
        # compiled contract code by its source's SHA-256, most recently used last
        self.cache_dir = cache_dir
        self._compiled_code: OrderedDict[bytes, str] = OrderedDict()
        self._compiled_bytes = 0
        self._compiled_lock = threading.Lock()
        # contracts' own components, compiled, by their SHA-256, most recently used last
        self._components: OrderedDict[bytes, component.Component] = OrderedDict()
        # the WIT types a contract's component must match: the runtime's own import of the
        # host and its export run (both worlds of src/sen/vm/wit/contract.wit)
        self.host_types, self.run_type = _contract_types(self.engine, self.component)

    def session(self) -> Session:
        return Session(self)

    def compiled_code(self, digest: bytes) -> str | None:
        """The code this runtime compiled for the source of SHA-256 ``digest``, if kept: in
        memory, else on disk (checked against the checksum written with it)."""
        with self._compiled_lock:
            code = self._compiled_code.get(digest)
            if code is not None:
                self._compiled_code.move_to_end(digest)
                return code
        path = self._code_path(digest)
        if path is None:
            return None
        try:
            stored = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            return None
        checksum, _, code = stored.partition("\n")
        if hashlib.sha256(code.encode()).hexdigest() != checksum:
            path.unlink(missing_ok=True)  # torn or damaged: compiled again
            return None
        self._remember(digest, code)
        return code

    def keep_compiled(self, digest: bytes, code: str) -> None:
        """Keep compiled code in memory and, with a cache folder, on disk (so a restart or an
        eviction does not compile it again)."""
        self._remember(digest, code)
        path = self._code_path(digest)
        if path is None or path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
        partial.write_text(hashlib.sha256(code.encode()).hexdigest() + "\n" + code, "ascii")
        os.replace(partial, path)

    def _remember(self, digest: bytes, code: str) -> None:
        with self._compiled_lock:
            if digest in self._compiled_code:
                return
            self._compiled_code[digest] = code
            self._compiled_bytes += len(code)
            while self._compiled_bytes > KEPT_COMPILED_BYTES and len(self._compiled_code) > 1:
                _, dropped = self._compiled_code.popitem(last=False)
                self._compiled_bytes -= len(dropped)

    def _code_path(self, digest: bytes) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / "code" / self.digest[:16] / f"{digest.hex()}.b64"

    @staticmethod
    def same_type(got: Any, want: component.FuncType) -> bool:
        """Whether ``got`` is a function type equal to ``want`` (names and types)."""
        return (
            isinstance(got, component.FuncType)
            and got.params == want.params
            and got.result == want.result
        )

    def wrong_host_import(self, imported: Any) -> str | None:
        """Why a component's import of the host interface differs from the host's own
        functions (the runtime component imports them with their WIT types), or None: each
        function a component imports must have exactly the host's type."""
        if not isinstance(imported, component.ComponentInstanceType):
            return f"the component imports {HOST_INTERFACE} as something other than an instance"
        for name, item in imported.exports(self.engine).items():
            want = self.host_types.get(name)
            if want is None:
                return f"the component imports {HOST_INTERFACE}#{name[:64]}, which the host lacks"
            if not self.same_type(item.ty, want):
                return (
                    f"the component imports {HOST_INTERFACE}#{name} with another type than "
                    "the host's (src/sen/vm/wit/contract.wit)"
                )
        return None

    def contract_component(self, code: bytes) -> component.Component:
        """A contract's own component, compiled by Cranelift (kept in memory and, with a
        cache folder, on disk). Raises ``wasmtime.WasmtimeError`` for what does not compile."""
        digest = hashlib.sha256(code).digest()
        with self._compiled_lock:
            found = self._components.get(digest)
            if found is not None:
                self._components.move_to_end(digest)
                return found
        folder = None if self.cache_dir is None else self.cache_dir / "components"
        compiled = _compiled(self.engine, code, digest.hex(), folder)
        with self._compiled_lock:
            self._components[digest] = compiled
            while len(self._components) > KEPT_COMPONENTS:
                self._components.popitem(last=False)
        return compiled

    def arm(self, store: wasmtime.Store) -> None:
        """Set the backstop for the next call on ``store``."""
        self._ticker.start()
        store.set_epoch_deadline(self.backstop_seconds)

    # -- the host functions ---------------------------------------------------------------------

    def _link_host(self) -> None:
        functions: dict[str, Callable[..., Any]] = {
            "state-get": self._state_get,
            "state-scan": self._state_scan,
            "sha256": self._sha256,
            "verify-signature": self._verify_signature,
            "system-query": self._system_query,
            "call-contract": self._call_contract,
        }
        with self.linker.root() as root, root.add_instance(HOST_INTERFACE) as host:
            for name, function in functions.items():
                host.add_func(name, _guarded(name, function))

    def _stack(self) -> list[_Active]:
        stack: list[_Active] | None = getattr(self._frames, "stack", None)
        if stack is None:
            stack = self._frames.stack = []
        return stack

    def _charge(self, amount: int) -> _Active:
        if amount < 0:
            raise ValueError(f"a negative charge ({amount})")
        stack = self._stack()
        if not stack:
            raise VmError("a host function ran outside a call")
        active = stack[-1]
        left = active.store.get_fuel()
        if left < amount:
            active.store.set_fuel(0)
            raise _OutOfFuel
        active.store.set_fuel(left - amount)
        return active

    def _state_get(self, _: Any, key_hex: str) -> str | None:
        active = self._charge(fuel.HOST_CALL + fuel.READ_BYTE * (len(key_hex) // 2))
        value = active.reads.state_get(_unhex(key_hex, "key"))
        if value is None:
            return None
        self._charge(fuel.READ_BYTE * len(value))
        return value.hex()

    def _state_scan(self, _: Any, start_hex: str, end_hex: str, limit: int) -> str:
        _check_int(limit, 0, 2**32 - 1, "scan limit")
        size = (len(start_hex) + len(end_hex)) // 2
        active = self._charge(fuel.HOST_CALL + fuel.SCAN + fuel.READ_BYTE * size)
        start, end = _unhex(start_hex, "scan start"), _unhex(end_hex, "scan end")
        pairs = active.reads.state_scan(start, end, min(limit, MAX_SCAN))
        moved = sum(len(key) + len(value) for key, value in pairs)
        self._charge(fuel.SCAN_ENTRY * len(pairs) + fuel.READ_BYTE * moved)
        return json.dumps([[key.hex(), value.hex()] for key, value in pairs], separators=(",", ":"))

    def _call_contract(
        self, _: Any, contract_hex: str, kind: str, entry: str, args: str, gas: int
    ) -> component.Variant:
        _check_int(gas, 0, 2**64 - 1, "gas")
        active = self._charge(fuel.HOST_CALL + fuel.ARGUMENT_BYTE * len(args))
        contract = _unhex(contract_hex, "contract")
        left = active.store.get_fuel()
        limit = left if gas == 0 else min(gas, left)
        result = active.reads.call_contract(contract, kind, entry, args, limit)
        self._charge(result.fuel_used)
        if result.ok:
            self._charge(fuel.ARGUMENT_BYTE * len(result.answer))
            return component.Variant("ok", result.answer.decode())
        return component.Variant("err", f"{result.status.value}: {result.message}")

    def _sha256(self, _: Any, data_hex: str) -> str:
        self._charge(fuel.HOST_CALL + fuel.HASH_BYTE * (len(data_hex) // 2))
        return hashlib.sha256(_unhex(data_hex, "data")).hexdigest()

    def _verify_signature(
        self, _: Any, suite: str, public_key_hex: str, message_hex: str, signature_hex: str
    ) -> bool:
        size = (len(public_key_hex) + len(message_hex) + len(signature_hex)) // 2
        active = self._charge(fuel.HOST_CALL + fuel.SIGNATURE + fuel.HASH_BYTE * size)
        return active.reads.verify_signature(
            suite,
            _unhex(public_key_hex, "public key"),
            _unhex(message_hex, "message"),
            _unhex(signature_hex, "signature"),
        )

    def _system_query(self, _: Any, path: str, args: str) -> component.Variant:
        active = self._charge(fuel.HOST_CALL + fuel.SYSTEM_QUERY + fuel.ARGUMENT_BYTE * len(args))
        try:
            parsed = bounded_json(args)
        except ValueError as error:
            return component.Variant("err", f"arguments: {error}")
        if not isinstance(parsed, dict):
            return component.Variant("err", "arguments must be a JSON object")
        ok, answer = active.reads.system_query(path, parsed)
        self._charge(fuel.ARGUMENT_BYTE * len(answer))
        return component.Variant("ok" if ok else "err", answer)


class _HostFault(Exception):
    """A host function refused what the runtime sent it: the call traps, on every node alike."""


_NODE_FAULTS = (_OutOfFuel, BackstopTripped, MemoryError, RecursionError, VmError)
"""Raised through: fuel, or something about this node rather than the call."""


def _guarded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` as a host function: any exception caused by its arguments traps the call
    (a contract can reach the host interface with whatever values it likes)."""

    def host_function(*args: Any) -> Any:
        try:
            return function(*args)
        except _NODE_FAULTS:
            raise
        except Exception as error:
            raise _HostFault(f"host function {name} refused its arguments: {error}"[:200]) from None

    return host_function


def _check_int(value: object, low: int, high: int, what: str) -> None:
    """A number the runtime sent, in its WIT type's range; a call whose code sends anything
    else traps (the upload check refuses such imports; this is the second line)."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"the runtime sent a {what} outside {low}..{high}")


class _NoHost:
    """The host while a component starts: its start functions reach nothing."""

    def _refuse(self, *_: Any) -> Any:
        raise ValueError("the host is not available while a component starts")

    state_get = state_scan = verify_signature = system_query = call_contract = _refuse


_NO_HOST: Any = _NoHost()


def _contract_types(
    engine: wasmtime.Engine, runtime: component.Component
) -> tuple[dict[str, component.FuncType], component.FuncType]:
    kind = runtime.type
    host = kind.imports(engine)[HOST_INTERFACE].ty
    run = kind.exports(engine)["run"].ty
    if not isinstance(host, component.ComponentInstanceType) or not isinstance(
        run, component.FuncType
    ):
        raise VmError("the runtime component does not import the host or export run")
    functions = {name: item.ty for name, item in host.exports(engine).items()}
    return {n: f for n, f in functions.items() if isinstance(f, component.FuncType)}, run


def _unhex(text: str, what: str) -> bytes:
    """Bytes the runtime sent as hex; a call whose runtime sends anything else traps."""
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ValueError(f"the runtime sent a {what} that is not hex") from None


@dataclass(slots=True)
class _Active:
    store: wasmtime.Store
    reads: HostReads


@dataclass(slots=True)
class _Instance:
    store: wasmtime.Store
    run: Any  # None when the code did not load
    load_error: str | None


class Session:
    """The instances of one execution of one block (or of one query)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._instances: dict[bytes, _Instance] = {}

    def check_source(self, source: bytes) -> str | None:
        """Why ``source`` cannot load (a syntax error, a component that imports what the
        host does not give), or None: compiled, and instantiated once."""
        if source.startswith(WASM_MAGIC):
            return self._check_component(source)
        code, problem = self._compile(source)
        if code is None:
            return problem
        self.runtime.keep_compiled(hashlib.sha256(source).digest(), code)
        return None

    def instance_price(self, source: bytes) -> int:
        """What a new instance of ``source`` (checked by :meth:`check_source`) costs a call:
        an upload whose instances no call could pay for is refused."""
        if source.startswith(WASM_MAGIC):
            return fuel.component_instance_cost(len(source))
        code, problem = self._code(source)
        if code is None:
            raise VmError(f"instance_price of code that does not compile: {problem}")
        return fuel.instance_cost(len(code))

    def call(
        self,
        contract: bytes,
        source: bytes,
        kind: str,
        entry: str,
        args: str,
        env: str,
        fuel_limit: int,
        reads: HostReads,
    ) -> CallResult:
        """Run ``entry`` (of ``kind``) of the contract at ``contract``, whose code is ``source``."""
        handed_in = fuel.ARGUMENT_BYTE * (len(args.encode()) + len(env.encode()))
        component_code = source.startswith(WASM_MAGIC)
        if component_code:
            # a fresh instance for every call: a component's linear memory and globals are
            # the contract's to change, so nothing it leaves there may reach another call
            made = self._component_instance(source, handed_in, fuel_limit)
            if isinstance(made, CallResult):
                return made
            instance, handed_in = made
        else:
            kept = self._instances.pop(contract, None)
            if kept is None:  # the first call in the block, or the first after a trap
                code, problem = self._code(source)
                if code is None:
                    return CallResult(CallStatus.INVALID_CODE, handed_in, message=problem)
                handed_in += fuel.instance_cost(len(code))
                if handed_in > fuel_limit:  # no work is done that the call cannot pay for
                    return _out_of_gas(
                        fuel_limit,
                        f"its arguments and a new instance of the contract cost {handed_in:,}",
                    )
                kept = self._new_instance(code)
            instance = self._instances[contract] = kept  # the most recently used, last
            while len(self._instances) > MAX_LIVE_INSTANCES:
                del self._instances[next(iter(self._instances))]  # the least recently used
        if instance.load_error is not None:
            return CallResult(CallStatus.INVALID_CODE, handed_in, message=instance.load_error)
        if handed_in > fuel_limit:
            return _out_of_gas(fuel_limit)
        store = instance.store
        store.set_fuel(fuel_limit - handed_in)
        runtime = self.runtime
        runtime.arm(store)
        stack = runtime._stack()
        stack.append(_Active(store, reads))
        try:
            outcome = instance.run(store, kind, entry, args, env)
            instance.run.post_return(store)
        except _OutOfFuel:
            self._instances.pop(contract, None)  # a nested call may have dropped it already
            return _out_of_gas(fuel_limit)
        except _HostFault as fault:  # the runtime sent what no honest runtime sends
            self._instances.pop(contract, None)  # a nested call may have dropped it already
            return CallResult(CallStatus.TRAPPED, fuel_limit - store.get_fuel(), message=str(fault))
        except wasmtime.WasmtimeError as error:  # a trap: the instance is not used again
            self._instances.pop(contract, None)  # a nested call may have dropped it already
            _raise_if_backstop(error)
            if store.get_fuel() == 0:
                return _out_of_gas(fuel_limit)
            what = _trap(error)
            used = fuel_limit if what == STACK_EXHAUSTED else fuel_limit - store.get_fuel()
            if component_code and what == UNREACHABLE:
                what += (
                    " (a Rust panic, which keeps no message: refuse a call with sen::fail or "
                    "sen::require instead)"
                )
            return CallResult(CallStatus.TRAPPED, used, message=what)
        finally:
            stack.pop()
        used = fuel_limit - store.get_fuel()
        return _finish(outcome, kind, used, fuel_limit)

    def _component_instance(
        self, code: bytes, handed_in: int, fuel_limit: int
    ) -> tuple[_Instance, int] | CallResult:
        """A new instance of a contract's own component and the fuel the call owes with it
        (the instance's price and what its start functions used), or the call's result."""
        try:
            compiled = self.runtime.contract_component(code)
        except wasmtime.WasmtimeError as error:
            return CallResult(
                CallStatus.INVALID_CODE, handed_in, message="not a component: " + _trap(error)
            )
        handed_in += fuel.component_instance_cost(len(code))
        if handed_in > fuel_limit:  # no work is done that the call cannot pay for
            return _out_of_gas(
                fuel_limit, f"its arguments and a new instance of the contract cost {handed_in:,}"
            )
        store = self._component_store(min(COMPONENT_START_FUEL, fuel_limit - handed_in))
        started_with = store.get_fuel()
        try:
            made = self._instantiate(store, compiled)
        except _HostFault as fault:
            return CallResult(
                CallStatus.INVALID_CODE, min(handed_in + started_with, fuel_limit),
                message="the component could not be instantiated: " + str(fault),
            )  # fmt: skip
        except wasmtime.WasmtimeError as error:
            _raise_if_backstop(error)
            if store.get_fuel() == 0 and started_with < COMPONENT_START_FUEL:
                return _out_of_gas(fuel_limit)
            used = handed_in + started_with - store.get_fuel()
            return CallResult(
                CallStatus.INVALID_CODE, min(used, fuel_limit),
                message="the component could not be instantiated: " + _trap(error),
            )  # fmt: skip
        handed_in += started_with - store.get_fuel()
        return _Instance(store, made.get_func(store, "run"), None), handed_in

    def _instantiate(self, store: wasmtime.Store, compiled: component.Component) -> Any:
        """An instance of a contract's component; its start functions run with a frame that
        reaches no host function (so no caller's state or identity)."""
        stack = self.runtime._stack()
        stack.append(_Active(store, _NO_HOST))
        try:
            return self.runtime.linker.instantiate(store, compiled)
        finally:
            stack.pop()

    def _component_store(self, start_fuel: int) -> wasmtime.Store:
        runtime = self.runtime
        store = wasmtime.Store(runtime.engine)
        store.set_limits(
            memory_size=min(runtime.memory_limit, COMPONENT_MEMORY_LIMIT),
            table_elements=COMPONENT_TABLE_ELEMENTS,
            instances=COMPONENT_INSTANCES,
            tables=COMPONENT_INSTANCES,
            memories=1,
        )
        store.set_fuel(start_fuel)
        runtime.arm(store)
        return store

    def _check_component(self, code: bytes) -> str | None:
        """Why a contract's own component cannot run here, or None."""
        if not is_component(code):
            return (
                "a WebAssembly core module, not a component: build it for the contract world "
                "(sen contract build makes a component)"
            )
        try:
            found = shape(code)  # before anything compiles it
        except ShapeError as error:
            return f"not a valid WebAssembly component: {error}"
        if found.most_locals > MAX_FUNCTION_LOCALS:
            return (
                f"a function of the component declares {found.most_locals:,} locals; at most "
                f"{MAX_FUNCTION_LOCALS:,} (compiling them would cost every node far more than the "
                "upload pays)"
            )
        runtime = self.runtime
        try:
            compiled = runtime.contract_component(code)
        except wasmtime.WasmtimeError as error:
            return "not a valid WebAssembly component: " + _trap(error)
        kind = compiled.type
        imports = kind.imports(runtime.engine)
        extra = sorted(set(imports) - {HOST_INTERFACE})
        if extra:
            return (
                f"the component imports {extra[0]}; a contract may import only {HOST_INTERFACE}: "
                "no clock, randomness, files or printing (use the call's environment for the "
                "block's time, and events or the answer to say things; in Rust, #![no_std] and "
                "nothing from std)"
            )
        if HOST_INTERFACE in imports:
            wrong = runtime.wrong_host_import(imports[HOST_INTERFACE].ty)
            if wrong is not None:
                return wrong
        run = kind.exports(runtime.engine).get("run")
        if run is None or not runtime.same_type(run.ty, runtime.run_type):
            return (
                "the component does not export run: func(kind: string, entry: string, "
                "args: string, env: string) -> result<string, string>"
            )
        try:
            self._instantiate(self._component_store(COMPONENT_START_FUEL), compiled)
        except _HostFault as fault:
            return "the component could not be instantiated: " + str(fault)
        except wasmtime.WasmtimeError as error:
            _raise_if_backstop(error)
            return "the component could not be instantiated: " + _trap(error)
        return None

    def _code(self, source: bytes) -> tuple[str | None, str]:
        """The compiled code of ``source``, kept, or compiled now: (code, "") or (None, why).

        Compiling happens in an instance of its own and every instance loads the result
        with ``load-compiled``, so an instance is in the same state whether this node
        compiled the source a second or a day ago. (Compiling is deterministic: the same
        runtime gives the same code, so its size, which prices an instance, is the same
        on every node.) The compile itself was paid for by the upload.
        """
        digest = hashlib.sha256(source).digest()
        code = self.runtime.compiled_code(digest)
        if code is not None:
            return code, ""
        code, problem = self._compile(source)
        if code is not None:
            self.runtime.keep_compiled(digest, code)
        return code, problem

    def _new_instance(self, code: str) -> _Instance:
        """An instance with compiled ``code`` loaded."""
        store, exports = self._fresh()
        load_compiled, run = exports["load-compiled"], exports["run"]
        try:
            outcome = load_compiled(store, code)
            load_compiled.post_return(store)
        except wasmtime.WasmtimeError as error:
            _raise_if_backstop(error)
            return _Instance(store, run, "the compiled code could not be loaded: " + _trap(error))
        if isinstance(outcome, str):  # result<_, string>: None, or the error's text
            return _Instance(store, run, outcome[:MAX_MESSAGE_CHARS])
        return _Instance(store, run, None)

    def _compile(self, source: bytes) -> tuple[str | None, str]:
        """``source`` compiled in a fresh instance (at most ``LOAD_FUEL``): (code, "") or
        (None, why not)."""
        try:
            text = source.decode()
        except UnicodeDecodeError as error:
            return None, f"the source is not UTF-8 (byte {error.start})"
        store, exports = self._fresh()
        load = exports["load"]
        try:
            outcome = load(store, text)
            load.post_return(store)
        except wasmtime.WasmtimeError as error:
            _raise_if_backstop(error)
            return None, "the source could not be compiled: " + _trap(error)
        # wasmtime-py gives a result<string, string> as a Variant
        if not isinstance(outcome, component.Variant) or not isinstance(outcome.payload, str):
            raise VmError("the runtime's load gave no result")
        if outcome.tag == "err":
            return None, outcome.payload[:MAX_MESSAGE_CHARS]
        return outcome.payload, ""

    def _fresh(self) -> tuple[wasmtime.Store, dict[str, Any]]:
        """A new instance of the runtime, with ``LOAD_FUEL`` and the backstop armed."""
        runtime = self.runtime
        store = wasmtime.Store(runtime.engine)
        store.set_limits(memory_size=runtime.memory_limit)
        store.set_fuel(LOAD_FUEL)
        runtime.arm(store)
        made = runtime.linker.instantiate(store, runtime.component)
        exports = {name: made.get_func(store, name) for name in ("load", "load-compiled", "run")}
        if None in exports.values():
            raise VmError("the runtime component does not export load, load-compiled and run")
        return store, exports


_PREFIXES = {
    "refused": CallStatus.REFUSED,
    "exception": CallStatus.FAILED,
    "recursion": CallStatus.FAILED,
    "memory": CallStatus.FAILED,
    "no-entry": CallStatus.NO_ENTRY,
    "arguments": CallStatus.BAD_ARGUMENTS,
    "query-wrote": CallStatus.BAD_ANSWER,
}


def _finish(outcome: Any, kind: str, used: int, fuel_limit: int) -> CallResult:
    """A call's answer, checked, with the host's charges for what it writes and emits.

    Nothing the runtime hands back is trusted (a contract can reach the runtime's Python
    objects): the text is charged per byte before the host reads it, and read with
    limits of the host's own (:func:`bounded_json`).
    """
    if not isinstance(outcome, component.Variant) or not isinstance(outcome.payload, str):
        return CallResult(CallStatus.BAD_ANSWER, used, message="the runtime gave no answer")
    text = outcome.payload
    size = len(text.encode())
    used += fuel.ARGUMENT_BYTE * size
    if used > fuel_limit:
        return _out_of_gas(fuel_limit)
    if outcome.tag == "err":
        prefix, _, rest = text.partition(": ")
        status = _PREFIXES.get(prefix)
        if status is None:
            status, rest = CallStatus.FAILED, text
        elif status is CallStatus.FAILED and prefix == "exception":
            rest = text.partition(": ")[2]  # "ValueError: ..." says it is an exception
        return CallResult(status, used, message=rest[:MAX_MESSAGE_CHARS])
    if size > MAX_PAYLOAD_BYTES:
        return CallResult(
            CallStatus.BAD_ANSWER, used,
            message=f"the call handed back {size} bytes; at most {MAX_PAYLOAD_BYTES}",
        )  # fmt: skip
    try:
        answer, writes, events = _parse_answer(text)
    except (ValueError, TypeError, KeyError) as error:
        return CallResult(CallStatus.BAD_ANSWER, used, message=f"malformed answer: {error}")
    if kind == "query" and writes:
        return CallResult(CallStatus.BAD_ANSWER, used, message="a query may not write state")
    if len(answer) > MAX_ANSWER_BYTES:
        return CallResult(
            CallStatus.BAD_ANSWER,
            used,
            message=f"answer of {len(answer)} bytes; at most {MAX_ANSWER_BYTES}",
        )
    if len(events) > MAX_EVENTS:
        return CallResult(CallStatus.BAD_ANSWER, used, message=f"more than {MAX_EVENTS} events")
    charged = used
    charged += sum(fuel.write_cost(len(k), len(v or b"")) for k, v in writes)
    charged += sum(fuel.event_cost(kind_, list(attrs)) for kind_, attrs in events)
    if charged > fuel_limit:
        return _out_of_gas(fuel_limit)
    return CallResult(CallStatus.OK, charged, answer, writes, events)


def _parse_answer(
    text: str,
) -> tuple[
    bytes,
    tuple[tuple[bytes, bytes | None], ...],
    tuple[tuple[str, tuple[tuple[str, str], ...]], ...],
]:
    document = bounded_json(text)
    if not isinstance(document, dict) or set(document) != {"answer", "writes", "events"}:
        raise ValueError("expected answer, writes and events")
    answer = json.dumps(
        document["answer"], sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        allow_nan=False,
    ).encode()  # fmt: skip
    writes: dict[bytes, bytes | None] = {}
    for item in document["writes"]:
        key, value = item
        raw_key = bytes.fromhex(key)
        if not 0 < len(raw_key) <= MAX_KEY_BYTES:  # the store's keys are at most 511 bytes
            raise ValueError(f"a state key of {len(raw_key)} bytes; 1 to {MAX_KEY_BYTES}")
        writes[raw_key] = None if value is None else bytes.fromhex(value)
    events = []
    for kind, attributes in document["events"]:
        if not isinstance(kind, str) or _NAME.fullmatch(kind) is None:
            raise ValueError(f"event kind {kind!r}: expected {_NAME.pattern}")
        pairs = tuple((str(k), str(v)) for k, v in attributes)
        for name, value in pairs:
            if _NAME.fullmatch(name) is None or len(value.encode()) > MAX_EVENT_VALUE_BYTES:
                raise ValueError(
                    f"event attribute {name[:40]!r}: a name like {_NAME.pattern}, "
                    f"a value of at most {MAX_EVENT_VALUE_BYTES} bytes"
                )
        events.append((kind, pairs))
    return answer, tuple(sorted(writes.items())), tuple(events)


# A string, or an unterminated one to the end: always matches from a quote, and the body
# never backtracks, so removing strings is one linear pass whatever the text.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_LONG_NUMBER = re.compile("[0-9]{" + str(MAX_NUMBER_DIGITS + 1) + ",}")


def bounded_json(text: str) -> Any:
    """``json.loads`` of text a contract controls, with limits that are part of the protocol.

    Python's parser recurses (how deep it may go depends on how deep the node's own
    stack already is) and refuses long integers by a per-process setting; either would
    let nodes disagree. So the host checks first, without recursing: at most
    ``MAX_JSON_DEPTH`` levels of nesting, numbers of at most ``MAX_NUMBER_DIGITS`` digits,
    and no ``NaN`` or ``Infinity`` (Python's extension). Raises ValueError naming the limit.
    """
    skeleton = _STRING.sub('""', text)  # strings out: what is left is structure and numbers
    if _LONG_NUMBER.search(skeleton) is not None:
        raise ValueError(f"a number of more than {MAX_NUMBER_DIGITS} digits")
    brackets = _NOT_BRACKET.sub("", skeleton)
    if brackets and max(accumulate(map(_STEP.__getitem__, brackets))) > MAX_JSON_DEPTH:
        raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except RecursionError:  # the node's own stack is nearly full: not the contract's doing
        raise VmError("the node's stack is too deep to read a contract's answer") from None


def _finite(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ValueError(f"{text[:40]} is not a finite number")
    return value


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON (a number must be finite)")


def _raise_if_backstop(error: wasmtime.WasmtimeError) -> None:
    # component calls raise a plain WasmtimeError whose text names the trap
    interrupted = (
        isinstance(error, wasmtime.Trap) and error.trap_code == wasmtime.TrapCode.INTERRUPT
    )
    if interrupted or "wasm trap: interrupt" in str(error):
        raise BackstopTripped(
            "a contract call ran past the wall-clock backstop; this node is too slow or "
            "overloaded to run the chain's contracts and stops rather than answer differently"
        ) from error


def _trap(error: Exception) -> str:
    """What trapped, in one line (``wasm trap: ...``), without the backtrace."""
    lines = [line.strip() for line in str(error).strip().splitlines()]
    for line in lines:
        if line.startswith("wasm trap:"):
            return line
    return lines[0] if lines else type(error).__name__


UNREACHABLE = "wasm trap: wasm `unreachable` instruction executed"
STACK_EXHAUSTED = "wasm trap: call stack exhausted"
"""The one trap whose place depends on the machine (the size of Cranelift's native frames):
it burns the call's whole limit, so the fuel in its result does not depend on where it hit."""


def _compiled(
    engine: wasmtime.Engine, data: bytes, digest: str, cache_dir: Path | None
) -> component.Component:
    """The component compiled by Cranelift, from the disk cache when it is there."""
    if cache_dir is None:
        return component.Component(engine, data)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"{digest}-wasmtime-{WASMTIME_VERSION}-{ENGINE_TAG}.cwasm"
    if cached.exists():
        try:
            return component.Component.deserialize_file(engine, str(cached))
        except wasmtime.WasmtimeError:
            cached.unlink(missing_ok=True)  # another wasmtime's or a torn file: compile again
    compiled = component.Component(engine, data)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")
    partial.write_bytes(compiled.serialize())
    os.replace(partial, cached)
    return compiled
