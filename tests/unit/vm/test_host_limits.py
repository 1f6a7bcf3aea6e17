"""The host reads what the runtime hands back as untrusted text: charged per byte before it
is read, with limits of the host's own (an attacker review's findings, kept as tests).

A contract can reach the runtime's Python objects, so nothing the runtime sends is
assumed well formed: the host bounds nesting and number length itself (Python's
parser recurses by the node's own stack, and limits integers by a process setting),
charges the bytes before parsing, and gives every case one fixed status.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from tests.unit.vm.test_wasm_engine import ENV, Reads

from sen.vm import CallResult, CallStatus, Runtime, fuel
from sen.vm.engine import _STRING, MAX_JSON_DEPTH, MAX_NUMBER_DIGITS, bounded_json

FUEL = 20_000_000

HOSTILE = b"""
import sen_contract as sen


@sen.execute
def nested(n):
    x = []
    for i in range(n):
        x = [x]
    return x


@sen.execute
def forged(n):
    import json
    body = '{"answer":' + '[' * n + ']' * n + ',"writes":[],"events":[]}'
    json.dumps = lambda *args, **kwargs: body
    return 1


@sen.execute
def deep_system(n):
    try:
        return sen.system("membership/member", deep=[[]] if n == 0 else None) and "ok"
    except Exception:
        return "err"


@sen.execute
def leave(secret):
    sen.stash = secret


@sen.execute
def find():
    return getattr(sen, "stash", None)


@sen.execute
def precision():
    import decimal
    decimal.getcontext().prec = 5
    return str(decimal.Decimal(1) / decimal.Decimal(7))


@sen.execute
def seventh():
    import decimal
    return str(decimal.Decimal(1) / decimal.Decimal(7))
"""


def _deeper(frames: int, run: Any) -> Any:
    return run() if frames == 0 else _deeper(frames - 1, run)


def _call(runtime: Runtime, entry: str, args: object = None, session: Any = None) -> CallResult:
    session = session or runtime.session()
    text = json.dumps(args or {})
    return session.call(b"c", HOSTILE, "execute", entry, text, ENV, FUEL, Reads({}))


def test_a_deep_answer_gets_one_result_at_any_host_stack_depth(
    contract_runtime: Runtime,
) -> None:
    outcomes = set()
    for frames in (0, 100, 300):
        result = _deeper(frames, lambda: _call(contract_runtime, "nested", {"n": 900}))
        outcomes.add((result.status, result.fuel_used))
    assert len(outcomes) == 1, outcomes
    ((status, _),) = outcomes
    assert status in (CallStatus.FAILED, CallStatus.BAD_ANSWER)  # the guest's own limit, or ours


def test_an_answer_nested_just_within_the_limit_is_kept(contract_runtime: Runtime) -> None:
    result = _call(contract_runtime, "nested", {"n": MAX_JSON_DEPTH - 4})
    assert result.status is CallStatus.OK, result.message
    too_deep = _call(contract_runtime, "nested", {"n": MAX_JSON_DEPTH})
    assert too_deep.status is CallStatus.BAD_ANSWER
    assert f"more than {MAX_JSON_DEPTH} levels" in too_deep.message


def test_a_contract_cannot_replace_the_runtime_serialiser(contract_runtime: Runtime) -> None:
    result = _call(contract_runtime, "forged", {"n": 100_000})
    assert result.status is CallStatus.FAILED
    assert "read-only" in result.message


def test_a_module_attribute_does_not_reach_the_next_call(contract_runtime: Runtime) -> None:
    session = contract_runtime.session()
    left = _call(contract_runtime, "leave", {"secret": "s3"}, session)
    assert left.status is CallStatus.FAILED and "read-only" in left.message
    assert _call(contract_runtime, "find", None, session).answer == b"null"


def test_decimal_precision_does_not_reach_the_next_call(contract_runtime: Runtime) -> None:
    session = contract_runtime.session()
    assert _call(contract_runtime, "precision", None, session).answer == b'"0.14286"'
    later = _call(contract_runtime, "seventh", None, session)
    assert later.answer == b'"0.1428571428571428571428571429"'


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "levels"),
        ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "levels"),
        ('{"a": ' + "7" * (MAX_NUMBER_DIGITS + 1) + "}", "digits"),
        ("[0." + "1" * (MAX_NUMBER_DIGITS + 1) + "]", "digits"),
        ("[}", "Expecting value"),  # json.loads says what is wrong
    ],
)
def test_bounded_json_refuses_by_its_own_limits(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        _deeper(200, lambda: bounded_json(text))


@pytest.mark.parametrize(
    "text",
    [
        '"\\"' * 64_000,  # strings that never close, escaped quotes all along
        '["\\"' * 40_000,
        '"' + "\\" * 100_001,
        "[" * 2_000_000 + "]" * 2_000_000,  # 4 MB of nesting
    ],
)
def test_bounded_json_is_linear_on_hostile_text(text: str) -> None:
    """Counted by the steps the scanner takes (no timing): each of these once took seconds
    (a regex retried from every quote; 64 passes over the brackets)."""
    with pytest.raises(ValueError):
        bounded_json(text)
    # the string pattern matches from any quote (so removing strings never retries a
    # failed scan from the next quote, which was quadratic)
    sample = text[:3_000]
    assert all(_STRING.match(sample, i) for i, c in enumerate(sample) if c == '"')


def test_bounded_json_reads_what_strings_hide() -> None:
    text = json.dumps({"s": "[" * 500 + "9" * 2000 + '\\"{', "n": 10**500})
    assert bounded_json(text)["n"] == 10**500
    deep = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert _deeper(300, lambda: bounded_json(deep)) is not None


def test_the_result_does_not_depend_on_the_process_integer_limit(
    contract_runtime: Runtime,
) -> None:
    source = b"""
import sen_contract as sen


@sen.execute
def big(n):
    return 7 * 10 ** n
"""

    def run() -> tuple[object, ...]:
        result = contract_runtime.session().call(
            b"c", source, "execute", "big", '{"n": 620}', ENV, FUEL, Reads({})
        )
        return (result.status, result.fuel_used, result.answer)

    saved = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(640)  # the smallest a node may set
        low = run()
        sys.set_int_max_str_digits(0)  # no limit at all, on another validator
        unlimited = run()
    finally:
        sys.set_int_max_str_digits(saved)
    assert low == unlimited
    assert low[0] is CallStatus.BAD_ANSWER


def test_what_the_host_reads_is_charged_before_it_is_read(contract_runtime: Runtime) -> None:
    source = b"""
import sen_contract as sen


@sen.execute
def big(n):
    return "x" * n
"""
    size = 60_000
    result = contract_runtime.session().call(
        b"c", source, "execute", "big", f'{{"n": {size}}}', ENV, FUEL, Reads({})
    )
    assert result.ok
    assert result.fuel_used >= fuel.ARGUMENT_BYTE * size
    tight = contract_runtime.session().call(
        b"c", source, "execute", "big", '{"n": 900000}', ENV, FUEL, Reads({})
    )
    assert tight.status is CallStatus.OUT_OF_FUEL  # 18 M for the bytes alone: refused unread


def test_a_long_failure_message_is_cut_and_charged(contract_runtime: Runtime) -> None:
    source = b"""
import sen_contract as sen


@sen.execute
def shout(n):
    sen.fail("x" * n)
"""
    short = contract_runtime.session().call(
        b"c", source, "execute", "shout", '{"n": 10}', ENV, FUEL, Reads({})
    )
    long = contract_runtime.session().call(
        b"c", source, "execute", "shout", '{"n": 200000}', ENV, FUEL, Reads({})
    )
    assert long.status is CallStatus.REFUSED and len(long.message) <= 1_000
    assert long.fuel_used - short.fuel_used >= fuel.ARGUMENT_BYTE * 199_990


def test_a_new_instance_is_charged_and_the_same_on_every_path(contract_runtime: Runtime) -> None:
    """The first call in a session pays for its instance; a node that compiled the source
    before (a warm cache) gives exactly the same result as one that did not."""
    session = contract_runtime.session()
    first = _call(contract_runtime, "seventh", None, session)
    second = _call(contract_runtime, "seventh", None, session)
    code, _ = session._code(HOSTILE)
    assert code is not None
    assert first.fuel_used - second.fuel_used >= fuel.instance_cost(len(code))
    cold = Runtime(contract_runtime.path)  # nothing compiled in this process yet
    again = cold.session().call(b"c", HOSTILE, "execute", "seventh", "{}", ENV, FUEL, Reads({}))
    assert (again.status, again.fuel_used, again.answer) == (
        first.status,
        first.fuel_used,
        first.answer,
    )


def test_local_contract_runs_the_next_transaction_at_a_chosen_block(
    contract_runtime: Runtime,
) -> None:
    from sen.vm.local import LocalContract

    source = b"""
import sen_contract as sen


@sen.execute
def when():
    return [sen.env().height, sen.env().time]
"""
    contract = LocalContract(source, runtime=contract_runtime)
    assert contract.execute("when") == [1, 1_700_000_005]
    assert contract.at_block(100, 1_800_000_000).execute("when") == [100, 1_800_000_000]
    assert contract.execute("when") == [101, 1_800_000_005]
    with pytest.raises(ValueError, match="height >= 1"):
        contract.at_block(0, 1)


def test_old_contract_settings_stop_with_a_clear_error() -> None:
    from sen.ledger.modules.contracts.records import IncompatibleState, Settings

    with pytest.raises(IncompatibleState, match="got 4 fields"):
        Settings.from_value(["ab" * 32, "anyone", 65536, 200_000_000])
    assert Settings.from_value(Settings("ab" * 32).to_value()) == Settings("ab" * 32)
