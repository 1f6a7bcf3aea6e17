"""The Python API of Sen contracts: what a contract imports (``import sen_contract as sen``).

This module runs inside the WebAssembly runtime, never in the node. A contract
is one Python source file whose entry points are functions marked with
:func:`instantiate`, :func:`execute`, :func:`query` or :func:`migrate`; each
takes keyword arguments decoded from JSON and returns a JSON-encodable value.
State lives in :class:`Map` and :class:`Item` under the contract's own prefix;
values are stored as canonical JSON. :func:`fail` refuses a call: nothing it
wrote is kept.
"""

import json

from wit_world.imports import host

_KINDS = ("instantiate", "execute", "query", "migrate")


class _Call:
    """What one call has read, written and emitted: reset by the runtime before each call."""

    def __init__(self, environment):
        self.env = environment
        self.reads = {}  # key -> value or None, as committed before the call
        self.writes = {}  # key -> value, or None for a delete
        self.events = []


_call = _Call(None)


def _begin(environment):
    global _call
    _call = _Call(environment)
    return _call


def _get(key):
    if key in _call.writes:
        return _call.writes[key]
    if key not in _call.reads:
        found = host.state_get(key.hex())
        _call.reads[key] = None if found is None else bytes.fromhex(found)
    return _call.reads[key]


def _set(key, value):
    _call.writes[key] = value


_PAGE = 200  # the most keys one host scan gives


def _scan(low, high, limit):
    """(key, value) in [low, high) in key order, at most limit, with this call's writes."""
    pending = sorted((k, v) for k, v in _call.writes.items() if low <= k < high)
    committed = []
    cursor = low
    bound = None  # the last committed key read; None: read to high
    while True:
        page = json.loads(host.state_scan(cursor.hex(), high.hex(), _PAGE))
        committed.extend((bytes.fromhex(k), bytes.fromhex(v)) for k, v in page)
        if len(page) < _PAGE:
            bound = None
            break
        bound = committed[-1][0]
        visible = {k for k, _ in committed if _call.writes.get(k, b"") is not None}
        visible.update(k for k, v in pending if v is not None and k <= bound)
        if len(visible) >= limit:
            break
        cursor = bound + b"\x00"
    merged = dict(committed)
    for key, value in committed:
        _call.reads.setdefault(key, value)
    for key, value in pending:
        if bound is not None and key > bound:
            break
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return sorted(merged.items())[:limit]


def _key_out(raw):
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw


class ContractError(Exception):
    """A refusal by the contract: the call fails with this message, nothing is written."""


def fail(message):
    raise ContractError(str(message))


def require(condition, message):
    if not condition:
        raise ContractError(str(message))


def _entry(kind):
    def mark(function):
        function.__sen_entry__ = kind
        return function

    return mark


instantiate = _entry("instantiate")
execute = _entry("execute")
query = _entry("query")
migrate = _entry("migrate")


def encode(value):
    """Canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def decode(raw):
    return json.loads(raw)


def _key_bytes(key):
    if isinstance(key, bytes):
        return key
    if isinstance(key, str):
        return key.encode()
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key).encode()
    raise ContractError("state keys are str, bytes or int, got " + type(key).__name__)


class Map:
    """A named map in the contract's state: ``balances = sen.Map("balances")``."""

    def __init__(self, name):
        self._prefix = _key_bytes(name) + b"\x00"

    def get(self, key, default=None):
        raw = _get(self._prefix + _key_bytes(key))
        return default if raw is None else decode(raw)

    def __getitem__(self, key):
        raw = _get(self._prefix + _key_bytes(key))
        if raw is None:
            raise KeyError(key)
        return decode(raw)

    def __setitem__(self, key, value):
        _set(self._prefix + _key_bytes(key), encode(value))

    def __delitem__(self, key):
        _set(self._prefix + _key_bytes(key), None)

    def __contains__(self, key):
        return _get(self._prefix + _key_bytes(key)) is not None

    def items(self, start=None, stop=None, limit=100):
        """(key, value) pairs in key order: from ``start`` (included) to ``stop`` (excluded),
        at most ``limit`` (1 to 1,000), this call's own writes included. Keys are ordered by
        their bytes (UTF-8; an int key is its decimal text, so 10 comes before 9) and come
        back as str (bytes if not UTF-8). Page with ``start=last_key + "\\x00"``."""
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
            raise ContractError("limit: expected an integer from 1 to 1000")
        low = self._prefix + (b"" if start is None else _key_bytes(start))
        high = self._prefix[:-1] + b"\x01" if stop is None else self._prefix + _key_bytes(stop)
        size = len(self._prefix)
        return [(_key_out(k[size:]), decode(v)) for k, v in _scan(low, high, limit)]

    def keys(self, start=None, stop=None, limit=100):
        """The keys of :meth:`items`."""
        return [key for key, _ in self.items(start, stop, limit)]


class Item:
    """A single named value in the contract's state: ``config = sen.Item("config")``."""

    def __init__(self, name):
        self._key = b"\x01" + _key_bytes(name)

    def get(self, default=None):
        raw = _get(self._key)
        return default if raw is None else decode(raw)

    def set(self, value):
        _set(self._key, encode(value))

    def delete(self):
        _set(self._key, None)


def emit(kind, **attributes):
    """An event of this call (``contract.<kind>``), kept only if the call succeeds."""
    _call.events.append([str(kind), [[str(k), str(v)] for k, v in sorted(attributes.items())]])


class Env:
    def __init__(self, doc):
        self.chain_id = doc["chain_id"]
        self.height = doc["height"]
        self.time = doc["time"]  # seconds since the epoch, the block's time
        self.contract = doc["contract"]
        self.sender = doc["sender"]  # the transaction's signer (hex address)
        self.caller = doc["caller"]  # who called this contract: the sender, or a contract


def env():
    """The call's environment: chain id, block height and time, contract, sender, caller."""
    return _call.env


def sha256(data):
    return bytes.fromhex(host.sha256(_key_bytes(data).hex()))


def verify_signature(suite, public_key, message, signature):
    return host.verify_signature(
        suite, bytes(public_key).hex(), bytes(message).hex(), bytes(signature).hex()
    )


class CallFailed(Exception):
    """Another contract's entry failed (``sen.call``); nothing it wrote is kept."""


def call(contract, entry, gas=0, **args):
    """Run another contract's ``@sen.execute`` entry; its answer (``CallFailed`` if it fails)."""
    return _call_other(contract, "execute", entry, gas, args)


def ask(contract, entry, gas=0, **args):
    """Run another contract's ``@sen.query`` entry; its answer (``CallFailed`` if it fails)."""
    return _call_other(contract, "query", entry, gas, args)


def _call_other(contract, kind, entry, gas, args):
    from componentize_py_types import Err

    if not isinstance(contract, str) or len(contract) != 40:
        raise ContractError("contract: expected an address (40 hex characters)")
    try:
        address = bytes.fromhex(contract)
    except ValueError:
        raise ContractError("contract: not hex") from None
    if not isinstance(gas, int) or isinstance(gas, bool) or gas < 0:
        raise ContractError("gas: expected a non-negative integer")
    text = json.dumps(args, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return json.loads(host.call_contract(address.hex(), kind, str(entry), text, gas))
    except Err as error:
        raise CallFailed(str(error.value)) from None


def system(path, **args):
    """A read of Sen's system modules, e.g. ``sen.system("membership/role", address=...)``."""
    from componentize_py_types import Err

    try:
        return json.loads(host.system_query(path, json.dumps(args, sort_keys=True)))
    except Err as error:
        raise ContractError(str(error.value)) from None
