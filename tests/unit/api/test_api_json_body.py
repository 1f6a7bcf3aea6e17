"""Strict JSON bodies: NaN, Infinity, overflowing numbers, duplicate keys and lone
surrogates are refused with the JSON path at fault; every route reads bodies so."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute

from sen.api.errors import BadRequest
from sen.api.json_body import JsonRoute, loads_strict
from sen.api.routes import ROUTERS


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ('{"credential": {"n": NaN}}', "body.credential.n", "NaN is not a JSON value"),
        ('{"a": [1, Infinity]}', "body.a[1]", "Infinity is not a JSON value"),
        ('{"a": -Infinity}', "body.a", "-Infinity is not a JSON value"),
        ('{"a": 1e400}', "body.a", "1e400 is out of range"),
        ('{"a": ' + "9" * 5000 + "}", "body.a", "an integer of 5000 digits is out of range"),
        ('{"a": [-' + "9" * 4301 + "]}", "body.a[0]", "an integer of 4301 digits is out"),
        (
            '{"credential": {"issuer": "did:sen:a", "issuer": "did:sen:b"}}',
            "body.credential.issuer",
            "duplicate key 'issuer'",
        ),
        ('{"txs": ["a", "\\ud800"]}', "body.txs[1]", "a lone UTF-16 surrogate"),
        (
            '{"credential": ' + '{"a": ' * 32 + "1" + "}" * 33,
            "body.credential" + ".a" * 31,
            "nested more than 32 deep",
        ),
        ("[" * 600 + "]" * 600, "body" + "[0]" * 32, "nested more than 32 deep"),
        ('{"a": 1', "body", "Expecting ',' delimiter"),
        (b'{"a": "\xff"}', "body", "codec can't decode"),
        ("[" * 100_000 + "]" * 100_000, "body", "recursion"),
    ],
)
def test_refused_with_the_path_at_fault(text: str | bytes, field: str, reason: str) -> None:
    with pytest.raises(BadRequest) as caught:
        loads_strict(text)
    error = caught.value
    assert error.status_code == 400 and error.slug == "invalid-json"
    assert error.field == field
    assert reason in str(error.detail)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": 1.5, "b": [true, null, "x"], "c": -9223372036854775808}', None),
        ('{"n": ' + "9" * 4300 + "}", None),
        ("[" * 32 + "]" * 32, None),
        ('{"s": "\\ud83d\\ude00", "t": "tiếng Việt"}', {"s": "😀", "t": "tiếng Việt"}),
        ("[]", []),
    ],
)
def test_json_is_read_as_usual(text: str, value: Any) -> None:
    parsed = loads_strict(text.encode())
    if value is not None:
        assert parsed == value


def test_every_route_of_the_api_reads_bodies_strictly() -> None:
    routes = [r for router in ROUTERS for r in router.routes]
    assert any(isinstance(r, APIRoute) and "POST" in r.methods for r in routes)
    assert [getattr(r, "path", r) for r in routes if not isinstance(r, JsonRoute)] == []
