"""Request bodies read as strict JSON (RFC 8259 as I-JSON, RFC 7493, profiles it).

Python's ``json`` module accepts more than JSON: ``NaN``, ``Infinity`` and
``-Infinity``, numbers that overflow to infinity (``1e400``), lone UTF-16
surrogates (``"\\ud800"``), and duplicate keys, the last one winning (so a
credential's ``issuer`` could be overridden after a reviewer saw the first);
and it fails on integers of more than 4300 digits. Nesting deeper than
:data:`MAX_DEPTH` is refused too.
Every JSON body of the API is read here instead, and each of these is a 400
``invalid-json`` problem naming the JSON path at fault (``body.credential.issuer``)
before any route sees the body.

Every route of the API uses :class:`JsonRoute` (``APIRouter(route_class=JsonRoute)``);
a unit test holds every route of the app to it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from sen.api.errors import BadRequest

MAX_INTEGER_DIGITS = 4300
"""Longer integers are refused (Python's own limit on reading them, CVE-2020-10735)."""
MAX_DEPTH = 32
"""Objects and arrays nested deeper are refused: no body of the API needs more (a credential
is a few levels deep), and JSON-LD processing recurses several frames a level."""
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused:
    """Stands in the parsed tree where a value is refused, so its path can be found."""

    __slots__ = ("key", "reason")

    def __init__(self, reason: str, key: str | None = None) -> None:
        self.reason = reason
        self.key = key


def loads_strict(data: bytes | bytearray | str) -> Any:
    """Parse JSON text, refusing what RFC 8259/7493 does not allow (raises BadRequest)."""
    refused: list[_Refused] = []

    def refuse(reason: str, key: str | None = None) -> _Refused:
        found = _Refused(reason, key)
        refused.append(found)
        return found

    def pairs(items: list[tuple[str, Any]]) -> Any:
        value: dict[str, Any] = {}
        for key, item in items:
            if key in value:
                return refuse(f"duplicate key {key!r}", key)
            value[key] = item
        return value

    def number(text: str) -> Any:
        value = float(text)
        return value if math.isfinite(value) else refuse(f"{text[:40]} is out of range")

    def integer(text: str) -> Any:
        if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
            return refuse(f"an integer of {len(text.lstrip('-'))} digits is out of range")
        return int(text)

    def constant(text: str) -> Any:
        return refuse(f"{text} is not a JSON value")

    try:
        value = json.loads(
            data, object_pairs_hook=pairs, parse_float=number, parse_int=integer,
            parse_constant=constant,
        )  # fmt: skip
    except json.JSONDecodeError as exc:
        raise _invalid(f"{exc.msg} (line {exc.lineno}, column {exc.colno})", "body") from None
    except (ValueError, RecursionError) as exc:  # undecodable bytes, nesting too deep
        raise _invalid(str(exc)[:200] or type(exc).__name__, "body") from None
    if refused:
        path, found = _first_refused(value, "body")
        raise _invalid(found.reason, path if found.key is None else f"{path}.{found.key}")
    too_deep = _too_deep(value, "body")
    if too_deep is not None:
        raise _invalid(f"objects and arrays nested more than {MAX_DEPTH} deep", too_deep)
    raw = data if isinstance(data, bytes | bytearray) else data.encode("utf-8", "surrogatepass")
    if _SURROGATE_ESCAPE.search(raw):  # only an escape can put a lone surrogate in a str
        at = _first_surrogate(value, "body")
        if at is not None:
            raise _invalid("a lone UTF-16 surrogate is not a Unicode character", at)
    return value


def _invalid(reason: str, field: str) -> BadRequest:
    return BadRequest(
        f"{field}: {reason}",
        field=field,
        expected="JSON (RFC 8259): no NaN or Infinity, no duplicate keys, valid Unicode",
        got=reason,
        slug="invalid-json",
        title="Body is not valid JSON",
    )


def _first_refused(value: Any, path: str) -> tuple[str, _Refused]:
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, _Refused):
            return where, item
        stack.extend(reversed(list(_children(where, item))))
    raise AssertionError("a refused value was recorded but is not in the tree")


def _too_deep(value: Any, path: str) -> str | None:
    """The path of the first value nested more than :data:`MAX_DEPTH` containers deep."""
    stack: list[tuple[str, Any, int]] = [(path, value, 0)]
    while stack:
        where, item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                return where
            stack.extend((p, v, depth + 1) for p, v in reversed(_children(where, item)))
    return None


def _first_surrogate(value: Any, path: str) -> str | None:
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str) and _SURROGATE.search(item):
            return where
        if isinstance(item, dict):
            for key in item:
                if _SURROGATE.search(key):
                    return where
        stack.extend(reversed(list(_children(where, item))))
    return None


def _children(path: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [(f"{path}.{key}", item) for key, item in value.items()]
    if isinstance(value, list):
        return [(f"{path}[{i}]", item) for i, item in enumerate(value)]
    return []


class StrictJsonRequest(Request):
    """A request whose ``json()`` is :func:`loads_strict` of its body."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads_strict(await self.body())
        return self._json


class JsonRoute(APIRoute):
    """The API's route class: request bodies are read by :class:`StrictJsonRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
