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


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    root = name.partition(".")[0]
    if level != 0 or root not in ALLOWED:
        raise ImportError("module " + repr(name) + " is not available to contracts")
    return builtins.__import__(name, globals, locals, fromlist, level)


def _contract_builtins():
    table = dict(builtins.__dict__)
    for name in _BLOCKED_BUILTINS:
        table.pop(name, None)
    table["__import__"] = _import
    return table


_BUILTINS = _contract_builtins()
_loads = json.loads


def _dumps(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_code = []


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
            code = builtins.compile(bytes(source).decode(), "<contract>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, UnicodeDecodeError) as error:
            raise Err("syntax: " + type(error).__name__ + ": " + str(error)) from None
        _code.clear()
        _code.append(code)

    def run(self, kind, entry, args, environment):
        if not _code:
            raise Err("runtime: no contract loaded")
        call = sen_contract._begin(sen_contract.Env(_loads(environment)))
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
                    return _dumps({"answer": None, "writes": [], "events": []})
                entry = named[0]
            function = entries.get((kind, entry))
            if function is None:
                raise Err("no-entry: the contract has no " + kind + " entry " + repr(entry))
            arguments = _loads(args) if args else {}
            if not isinstance(arguments, dict):
                raise Err("arguments: expected a JSON object")
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
