"""Reading a captured document's JSON (``repository.read_document``): what I-JSON refuses
is refused, each problem named by the JSON pointer of the value at fault."""

from __future__ import annotations

import json

import pytest

from sen.services.traceability.errors import DocumentTooLarge, EpcisInvalid
from sen.services.traceability.repository import MAX_DEPTH, read_document

EVENT = {"type": "ObjectEvent", "action": "OBSERVE", "example:n": 1.5, "example:t": "T"}
TEXT = json.dumps({"type": "EPCISDocument", "epcisBody": {"eventList": [EVENT]}})
AT = "/epcisBody/eventList/0"


def _with(old: str, new: str) -> bytes:
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new).encode()


@pytest.mark.parametrize(
    ("body", "pointer", "expected", "got"),
    [
        (_with('"action": "OBSERVE"', '"action": "OBSERVE", "action": "ADD"'), f"{AT}/action",
         "each member name once", "'action' twice"),
        (_with('"type": "EPCISDocument"', '"type": "EPCISDocument", "type": "X"'), "/type",
         "each member name once", "'type' twice"),
        (_with('"example:t"', '"a/b~c": 1, "a/b~c"'), f"{AT}/a~1b~0c",
         "each member name once", "'a/b~c' twice"),
        (_with("1.5", "NaN"), f"{AT}/example:n", "a JSON number", "NaN"),
        (_with("1.5", "-Infinity"), f"{AT}/example:n", "a JSON number", "-Infinity"),
        (_with("1.5", "1e400"), f"{AT}/example:n", "a number a double holds", "1e400"),
        (_with("1.5", "9" * 5000), f"{AT}/example:n", "an integer Python reads", "5000 digits"),
        (_with('"T"', '"\\ud800"'), f"{AT}/example:t", "Unicode text", "a lone surrogate"),
        (_with('"example:t"', '"\\udfff"'), AT, "member names of Unicode text",
         "a lone surrogate"),
        (_with('"T"', "[" * 70 + "]" * 70), f"{AT}/example:t" + "/0" * (MAX_DEPTH - 4),
         f"at most {MAX_DEPTH} levels of arrays and objects", "deeper"),
        (b"[" * 100_000 + b"]" * 100_000, "", "a JSON document (UTF-8)", "RecursionError"),
        (TEXT.encode("utf-16"), "", "a JSON document (UTF-8)", "UnicodeDecodeError"),
        (b"{not json", "", "a JSON document (UTF-8)", "Expecting property name enclosed in "
         "double quotes at line 1 column 2"),
    ],
    ids=["repeated name", "repeated at the top", "repeated name with / and ~", "NaN",
         "Infinity", "overflowing number", "integer too long", "lone surrogate",
         "lone surrogate in a name", "too deep", "deeper than the reader", "UTF-16",
         "not JSON"],
)  # fmt: skip
def test_a_refused_value_is_named_by_its_pointer(
    body: bytes, pointer: str, expected: str, got: str
) -> None:
    with pytest.raises(EpcisInvalid) as refused:
        read_document(body)
    (problem,) = refused.value.problems
    assert (problem.pointer, problem.expected, problem.got) == (pointer, expected, got)


def test_every_refused_value_is_named() -> None:
    body = _with('"example:n": 1.5, "example:t": "T"', '"example:n": NaN, "example:t": "\\udc00"')
    with pytest.raises(EpcisInvalid) as refused:
        read_document(body)
    assert [p.pointer for p in refused.value.problems] == [f"{AT}/example:n", f"{AT}/example:t"]


@pytest.mark.parametrize(
    "body",
    [
        TEXT.encode(),
        b"\xef\xbb\xbf" + TEXT.encode(),  # a byte order mark, which RFC 8259 lets a reader ignore
        _with('"T"', '"\\ud83e\\udd6d"'),  # a surrogate pair: one character (a mango)
        _with('"T"', "[" * 50 + "]" * 50),
        _with("1.5", "1e308"),
        _with("1.5", "9" * 4300),
    ],
)
def test_what_json_allows_is_read(body: bytes) -> None:
    document = read_document(body)
    assert document["type"] == "EPCISDocument"


def test_a_body_over_the_limit_is_too_large_before_it_is_read() -> None:
    with pytest.raises(DocumentTooLarge) as refused:
        read_document(b"{" * 101, max_bytes=100)
    assert str(refused.value.problems[0]) == "/: expected at most 100 bytes, got 101 bytes"
