"""The runtime inside the WebAssembly component: loads a contract's source and runs its entries.

Each call runs the contract's module body in a fresh namespace, so no Python
global survives from one call to the next even when the host reuses an
instance. Imports are limited to the modules listed in ``ALLOWED``, all loaded
when the runtime was built: the component has no filesystem at run time.
"""

import base64
import bisect
import builtins
import collections
import dataclasses
import decimal
import enum
import fractions
import functools
import hashlib
import heapq
import itertools
import json
import marshal
import math
import operator
import re
import string
import sys
import typing

import sen_contract
import wit_world
from componentize_py_types import Err

ALLOWED = frozenset(
    {
        "base64",
        "bisect",
        "collections",
        "dataclasses",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "hashlib",
        "heapq",
        "itertools",
        "json",
        "math",
        "operator",
        "re",
        "string",
        "typing",
        "sen_contract",
    }
)
_PRELOADED = (
    base64,
    bisect,
    collections,
    dataclasses,
    decimal,
    enum,
    fractions,
    functools,
    hashlib,
    heapq,
    itertools,
    json,
    math,
    operator,
    re,
    string,
    typing,
)
_BLOCKED_BUILTINS = (
    "open",
    "input",
    "breakpoint",
    "exit",
    "quit",
    "help",
    "compile",
    "eval",
    "exec",
)


class _ReadOnlyModule(type(sys)):
    """What a contract imports: a module's names, read through, none of them assignable.

    The modules are shared by every call an instance runs; a contract that could
    assign ``json.dumps`` or ``sen.stash`` would leave state for the next call.
    """

    def __getattr__(self, name):
        return getattr(_REAL[self.__name__], name)

    def __setattr__(self, name, value):
        raise AttributeError("module " + self.__name__ + " is read-only in contracts")

    def __delattr__(self, name):
        raise AttributeError("module " + self.__name__ + " is read-only in contracts")


_REAL = {}
_VIEWS = {}
_OWN = frozenset({"__name__", "__loader__", "__spec__", "__package__", "__path__", "__file__"})


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0:
        view = _VIEWS.get(name)  # a module imported before: every contract's first lines
        if view is not None:
            return view
    root = name.partition(".")[0]
    if level != 0 or root not in ALLOWED:
        raise ImportError("module " + repr(name) + " is not available to contracts")
    builtins.__import__(name, globals, locals, fromlist, level)
    view = _VIEWS.get(root)
    if view is None:
        real = _REAL[root] = sys.modules[root]
        view = _VIEWS[root] = _ReadOnlyModule(root)
        # the names as imported, read at dictionary speed; later ones through __getattr__
        view.__dict__.update({k: v for k, v in real.__dict__.items() if k not in _OWN})
    if fromlist and name != root:  # from a.b import c: c is read from the real a.b
        return sys.modules[name]
    return view


def _contract_builtins():
    table = dict(builtins.__dict__)
    for name in _BLOCKED_BUILTINS:
        table.pop(name, None)
    table["__import__"] = _import
    return table


_BUILTINS = _contract_builtins()
_loads = json.loads
_encode = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode  # NaN and infinities are not JSON: a call answering one fails
_DECIMAL = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


def _dumps(value):
    return _encode(value)


_code = []


_TYPES = {
    "int": int,
    "str": str,
    "bool": bool,
    "list": list,
    "dict": dict,
    "float": float,
    "None": type(None),
    "object": object,
    "Any": object,
}


def _accepts(value, annotation):
    """Whether a JSON value fits a simple annotation: int, str, bool, list, dict, X | None."""
    if isinstance(annotation, str):
        options = [part.strip() for part in annotation.split("|")]
    elif _is_union(annotation):
        options = list(annotation.__args__)
    else:
        options = [annotation]
    for option in options:
        if isinstance(option, str):
            option = _TYPES.get(option.partition("[")[0])
            if option is None:  # an annotation we do not check
                return True
        if option is None:
            option = type(None)
        origin = getattr(option, "__origin__", None)
        if origin is not None:
            option = origin
        if not isinstance(option, type):
            return True
        if option is object:
            return True
        if option is int and isinstance(value, bool):
            continue
        if isinstance(value, option):
            return True
    return False


def _is_union(annotation):
    return hasattr(annotation, "__args__") and (
        type(annotation).__name__ in ("UnionType", "Union")
        or getattr(annotation, "__origin__", None) is typing.Union
    )


def _shown(annotation):
    if isinstance(annotation, str):
        return annotation
    if _is_union(annotation):
        return " | ".join(_shown(option) for option in annotation.__args__)
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", str(annotation))


def _check_arguments(function, arguments):
    """Missing, unknown and mistyped arguments, named, before the entry runs."""
    code = function.__code__
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    if not code.co_flags & 0x08:  # no **kwargs
        for name in sorted(arguments):
            if name not in names:
                raise Err(
                    "arguments: unknown argument "
                    + repr(name)
                    + ("; expected: " + ", ".join(names) if names else "; expected no arguments")
                )
    positional = code.co_varnames[: code.co_argcount]
    defaults = function.__defaults__ or ()
    keyword_defaults = function.__kwdefaults__ or {}
    required = list(positional[: len(positional) - len(defaults)])
    required += [n for n in names[code.co_argcount :] if n not in keyword_defaults]
    for name in required:
        if name not in arguments:
            raise Err("arguments: missing argument " + repr(name))
    annotations = function.__annotations__
    for name in sorted(arguments):
        expected = annotations.get(name)
        if expected is not None and not _accepts(arguments[name], expected):
            raise Err(
                "arguments: "
                + name
                + ": expected "
                + _shown(expected)
                + ", got "
                + type(arguments[name]).__name__
            )


def _entries(namespace):
    found = {}
    for value in namespace.values():
        kind = getattr(value, "__sen_entry__", None)
        if kind is not None and callable(value):
            found[(kind, value.__name__)] = value
    return found


class WitWorld(wit_world.WitWorld):
    def load(self, source):
        if not _armed:
            _armed.append(True)
        try:
            code = builtins.compile(source, "<contract>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as error:
            raise Err("syntax: " + type(error).__name__ + ": " + str(error)) from None
        _code.clear()
        _code.append(code)
        return base64.b64encode(marshal.dumps(code)).decode()

    def load_compiled(self, code):
        if not _armed:
            _armed.append(True)
        _code.clear()
        _code.append(marshal.loads(base64.b64decode(code)))

    def run(self, kind, entry, args, environment):
        if not _code:
            raise Err("runtime: no contract loaded")
        call = sen_contract._begin(sen_contract.Env(_loads(environment)))
        decimal.setcontext(_DECIMAL.copy())  # a call's precision does not reach the next
        namespace = {"__name__": "contract", "__builtins__": _BUILTINS}
        try:
            exec(_code[0], namespace)
            entries = _entries(namespace)
            if entry == "" and kind in ("instantiate", "migrate"):
                named = [name for (k, name) in entries if k == kind]
                if len(named) > 1:
                    raise Err(
                        "no-entry: the contract has "
                        + str(len(named))
                        + " "
                        + kind
                        + " entries; name one"
                    )
                if not named:
                    if args and _loads(args):
                        raise Err("arguments: the contract has no " + kind + " entry to take them")
                    return _dumps({"answer": None, "writes": [], "events": []})
                entry = named[0]
            function = entries.get((kind, entry))
            if function is None:
                raise Err("no-entry: the contract has no " + kind + " entry " + repr(entry))
            arguments = _loads(args) if args else {}
            if not isinstance(arguments, dict):
                raise Err("arguments: expected a JSON object")
            _check_arguments(function, arguments)
            answer = function(**arguments)
            writes = [
                [k.hex(), None if v is None else v.hex()] for k, v in sorted(call.writes.items())
            ]
            if kind == "query" and writes:
                raise Err("query-wrote: a query may not write state")
            return _dumps({"answer": answer, "writes": writes, "events": call.events})
        except Err:
            raise
        except sen_contract.ContractError as error:
            raise Err("refused: " + str(error)) from None
        except RecursionError:
            raise Err("recursion: maximum recursion depth exceeded") from None
        except MemoryError:
            raise Err("memory: out of memory") from None
        except BaseException as error:
            raise Err("exception: " + type(error).__name__ + ": " + str(error)) from None
        finally:
            # the namespace and its functions form cycles; broken here, they are freed at
            # once instead of piling up for the cycle collector (a call that ran it used
            # several times the usual fuel)
            namespace.clear()


def _audit(event, args):
    # Every WASI import is a trap; this turns the attempts Python announces into
    # exceptions first, among them CPython's own reading of a source line for a
    # syntax error, which would otherwise trap. Audit hooks cannot be removed.
    # Armed by the first load: the build imports modules after this one.
    if _armed and (event in _REFUSED_EVENTS or event.startswith(_REFUSED_PREFIXES)):
        raise PermissionError("contracts cannot use " + event)


_REFUSED_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "os.system", "os.chdir"})
_REFUSED_PREFIXES = ("socket.", "subprocess.", "ctypes.", "shutil.", "glob.", "tempfile.")

_armed = []
sys.dont_write_bytecode = True
sys.addaudithook(_audit)
