"""Contracts that try to escape, hang, exhaust or become non-deterministic: each gets a fixed
status, no writes, and the same fuel on every fresh run."""

from __future__ import annotations

import json

import pytest
from tests.conftest import RUNTIME_CACHE
from tests.unit.vm.test_wasm_engine import ENV, Reads

from sen.vm import BackstopTripped, CallResult, CallStatus, Runtime

FUEL = 20_000_000


def attempt(runtime: Runtime, body: str, args: str = "{}") -> CallResult:
    source = ("import sen_contract as sen\n\n@sen.execute\ndef attack():\n" + body).encode()
    return runtime.session().call(b"c", source, "execute", "attack", args, ENV, FUEL, Reads({}))


def contract(code: str) -> bytes:
    return ("import sen_contract as sen\n\n" + code + "\n").encode()


def indented(code: str) -> str:
    return "".join("    " + line + "\n" for line in code.strip().splitlines())


CASES = {
    "endless loop": ("while True:\n    pass", CallStatus.OUT_OF_FUEL),
    "deep recursion": ("def f(n):\n    return f(n + 1)\nreturn f(0)", CallStatus.FAILED),
    "memory bomb": ("x = b'x' * (1 << 33)\nreturn len(x)", CallStatus.FAILED),
    "import os": ("import os\nreturn os.listdir('/')", CallStatus.FAILED),
    "import socket": ("import socket\nreturn 1", CallStatus.FAILED),
    "import ctypes": ("import ctypes\nreturn 1", CallStatus.FAILED),
    "import time": ("import time\nreturn time.time()", CallStatus.FAILED),
    "import random": ("import random\nreturn random.random()", CallStatus.FAILED),
    "open a file": ("return open('/etc/passwd').read()", CallStatus.FAILED),
    "eval": ("return eval('1 + 1')", CallStatus.FAILED),
    "dunder import of sys": ("return __import__('sys').modules", CallStatus.FAILED),
    "subclasses to os": (
        "for c in ().__class__.__base__.__subclasses__():\n"
        "    g = getattr(c.__init__, '__globals__', {})\n"
        "    if 'os' in g and hasattr(g['os'], 'listdir'):\n"
        "        return g['os'].listdir('/')\n"
        "return 'not found'",
        None,  # whatever it reaches, WASI is a trap: see the test
    ),
    "subclasses to the clock": (
        "for c in ().__class__.__base__.__subclasses__():\n"
        "    g = getattr(c.__init__, '__globals__', {})\n"
        "    if 'time' in g and hasattr(g['time'], 'time'):\n"
        "        return g['time'].time()\n"
        "return 'not found'",
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_gets_a_fixed_result_and_writes_nothing(
    contract_runtime: Runtime, name: str
) -> None:
    body, expected = CASES[name]
    first = attempt(contract_runtime, indented(body))
    again = attempt(contract_runtime, indented(body))
    assert first.writes == () and first.events == ()
    assert (first.status, first.fuel_used, first.answer) == (
        again.status,
        again.fuel_used,
        again.answer,
    )
    if expected is not None:
        assert first.status is expected, first.message
    else:  # reached or not, the answer carries no clock or file contents
        assert first.status in {CallStatus.TRAPPED, CallStatus.FAILED, CallStatus.OK}, first.message
        if first.status is CallStatus.OK:
            assert json.loads(first.answer) == "not found"
    assert first.fuel_used <= FUEL


def test_memory_limit_stops_a_growing_heap(contract_runtime: Runtime) -> None:
    source = contract(
        "@sen.execute\ndef grow():\n    x = []\n"
        "    while True:\n        x.append(bytearray(1 << 24))"
    )
    session = contract_runtime.session()
    result = session.call(b"c", source, "execute", "grow", "{}", ENV, 10**11, Reads({}))
    assert result.status is CallStatus.FAILED and result.message == "out of memory", result.message
    assert result.writes == ()


def test_hash_and_set_order_are_the_same_in_every_fresh_instance(contract_runtime: Runtime) -> None:
    body = indented(
        "names = {f'org-{i}' for i in range(50)}\nreturn [list(names), hash('sen'), hash(b'sen')]"
    )
    answers = {attempt(contract_runtime, body).answer for _ in range(3)}
    assert len(answers) == 1


def test_floats_and_nan_are_deterministic(contract_runtime: Runtime) -> None:
    body = indented(
        "import math, struct\n"
        "nan = float('inf') - float('inf')\n"
        "return [repr(0.1 + 0.2), math.sqrt(2), str(nan), math.isnan(nan)]"
    )
    result = attempt(contract_runtime, body)
    # struct is not importable: the float half of the probe without it
    assert result.status is CallStatus.FAILED
    body = indented(
        "import math\nnan = float('inf') - float('inf')\n"
        "return [repr(0.1 + 0.2), repr(math.sqrt(2)), str(nan), math.isnan(nan)]"
    )
    result = attempt(contract_runtime, body)
    assert result.status is CallStatus.OK, result.message
    assert json.loads(result.answer) == ["0.30000000000000004", "1.4142135623730951", "nan", True]


def test_syntax_error_is_invalid_code(contract_runtime: Runtime) -> None:
    session = contract_runtime.session()
    result = session.call(b"c", b"def broken(:\n", "execute", "x", "{}", ENV, FUEL, Reads({}))
    assert result.status is CallStatus.INVALID_CODE
    assert "syntax" in result.message
    assert session.check_source(b"def broken(:\n") is not None
    assert session.check_source(b"x = 1\n") is None


def test_unknown_entry_and_bad_arguments(contract_runtime: Runtime) -> None:
    source = b"import sen_contract as sen\n\n@sen.execute\ndef ping(n):\n    return n\n"
    session = contract_runtime.session()
    missing = session.call(b"c", source, "execute", "pong", "{}", ENV, FUEL, Reads({}))
    assert missing.status is CallStatus.NO_ENTRY
    as_query = session.call(b"c", source, "query", "ping", '{"n": 1}', ENV, FUEL, Reads({}))
    assert as_query.status is CallStatus.NO_ENTRY
    wrong = session.call(b"c", source, "execute", "ping", '{"m": 1}', ENV, FUEL, Reads({}))
    assert wrong.status is CallStatus.BAD_ARGUMENTS and "unknown argument 'm'" in wrong.message
    missing = session.call(b"c", source, "execute", "ping", "{}", ENV, FUEL, Reads({}))
    assert missing.status is CallStatus.BAD_ARGUMENTS and "missing argument 'n'" in missing.message
    not_object = session.call(b"c", source, "execute", "ping", "[1]", ENV, FUEL, Reads({}))
    assert not_object.status is CallStatus.BAD_ARGUMENTS


def test_query_that_writes_is_refused(contract_runtime: Runtime) -> None:
    source = b"import sen_contract as sen\n\n@sen.query\ndef sneaky():\n    sen.Item('x').set(1)\n"
    result = contract_runtime.session().call(
        b"c", source, "query", "sneaky", "{}", ENV, FUEL, Reads({})
    )
    assert result.status is CallStatus.BAD_ANSWER and result.writes == ()


def test_globals_do_not_survive_between_calls(contract_runtime: Runtime) -> None:
    source = contract(
        "count = [0]\n\n@sen.execute\ndef bump():\n    count[0] += 1\n    return count[0]"
    )
    session = contract_runtime.session()
    answers = [
        session.call(b"c", source, "execute", "bump", "{}", ENV, FUEL, Reads({})).answer
        for _ in range(3)
    ]
    assert answers == [b"1", b"1", b"1"]


def test_host_reads_are_charged_per_byte(contract_runtime: Runtime) -> None:
    source = contract("@sen.execute\ndef read():\n    return len(sen.Item('big').get(''))")
    small = Reads({b"\x01big": json.dumps("x").encode()})
    large = Reads({b"\x01big": json.dumps("x" * 100_000).encode()})
    cheap = contract_runtime.session().call(b"c", source, "execute", "read", "{}", ENV, FUEL, small)
    dear = contract_runtime.session().call(b"c", source, "execute", "read", "{}", ENV, FUEL, large)
    assert cheap.ok and dear.ok
    assert dear.fuel_used - cheap.fuel_used >= 50 * 100_000


def test_running_out_of_fuel_in_a_host_call(contract_runtime: Runtime) -> None:
    source = contract("@sen.execute\ndef read():\n    while True:\n        sen.Item('k').get()")
    result = contract_runtime.session().call(
        b"c", source, "execute", "read", "{}", ENV, 3_000_000, Reads({})
    )
    assert result.status is CallStatus.OUT_OF_FUEL and result.fuel_used == 3_000_000


def test_wall_clock_backstop_stops_rather_than_answers(contract_runtime: Runtime) -> None:
    """Fuel bounds every call; if a node is too slow for even that, it stops: no result."""
    slow = Runtime(contract_runtime.path, cache_dir=RUNTIME_CACHE / "compiled", backstop_seconds=1)
    source = contract("@sen.execute\ndef spin():\n    while True:\n        pass")
    with pytest.raises(BackstopTripped):
        slow.session().call(b"c", source, "execute", "spin", "{}", ENV, 10**13, Reads({}))


def test_annotated_arguments_are_checked(contract_runtime: Runtime) -> None:
    source = contract(
        "@sen.execute\ndef pay(to: str, amount: int, memo: str | None = None, tags: list = []):\n"
        "    return [to, amount, memo, tags]"
    )
    session = contract_runtime.session()

    def call(args: dict[str, object]) -> CallResult:
        return session.call(b"c", source, "execute", "pay", json.dumps(args), ENV, FUEL, Reads({}))

    good = call({"to": "b", "amount": 5, "memo": None})
    assert good.status is CallStatus.OK and json.loads(good.answer) == ["b", 5, None, []]
    for args, message in [
        ({"to": "b", "amount": "5"}, "amount: expected int, got str"),
        ({"to": "b", "amount": True}, "amount: expected int, got bool"),
        ({"to": 1, "amount": 5}, "to: expected str, got int"),
        ({"to": "b", "amount": 5, "memo": 3}, "memo: expected"),
        ({"to": "b", "amount": 5, "tags": {}}, "tags: expected list, got dict"),
    ]:
        refused = call(args)
        assert refused.status is CallStatus.BAD_ARGUMENTS and message in refused.message, (
            refused.message
        )


def test_a_long_state_key_is_refused_not_stored(contract_runtime: Runtime) -> None:
    """A key beyond the store's limit would halt every validator at commit."""
    source = contract("@sen.execute\ndef long():\n    sen.Map('m')['k' * 600] = 1")
    result = contract_runtime.session().call(
        b"c", source, "execute", "long", "{}", ENV, FUEL, Reads({})
    )
    assert result.status is CallStatus.BAD_ANSWER and result.writes == ()
