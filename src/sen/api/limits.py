"""Request body limits, enforced while the body arrives (never buffered past the limit).

* A body over its route's limit is 413 naming the limit: at once when
  ``Content-Length`` says so, else as soon as the bytes received pass it.
* A body that pauses longer than ``body_timeout`` between chunks is 408.
* Large bodies (over ``large_body_bytes``, or of unknown length on a route
  that takes large ones) are read at most ``max_large_bodies`` at a time: one
  more is answered 503 with ``Retry-After`` before a byte of it is read. A
  61 MiB batch costs the node about three times its size while it is parsed;
  the cap bounds that cost for a burst of them, and once the last large body
  is done the freed memory is handed back to the operating system.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sen.api.errors import RETRY_AFTER, ApiError, PayloadTooLarge, Unavailable
from sen.api.problems import from_api_error

MAX_BATCH_BODY_BYTES = 64 * 1024 * 1024


class RequestTimeout(ApiError):
    status = 408
    slug = "body-timeout"
    title = "The request body stopped arriving"


@dataclass(frozen=True, slots=True)
class BodyRules:
    """How bodies are read: time between chunks, and how many large ones at once."""

    body_timeout: float = 30.0
    large_body_bytes: int = 1024 * 1024
    max_large_bodies: int = 2


class BodyLimit:
    """ASGI middleware: a body over ``limit_for(path)`` bytes is answered 413."""

    def __init__(
        self, app: ASGIApp, limit_for: Callable[[str], int], rules: BodyRules | None = None
    ) -> None:
        self.app = app
        self.limit_for = limit_for
        self.rules = rules or BodyRules()
        self.large_in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope["path"]))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await from_api_error(_too_large(limit, declared))(scope, receive, send)
            return
        expected = limit if declared is None else declared
        if expected <= self.rules.large_body_bytes:
            await self.app(scope, self._within(limit, receive), send)
            return
        if self.large_in_progress >= self.rules.max_large_bodies:
            await from_api_error(self._busy())(scope, receive, send)
            return
        self.large_in_progress += 1
        try:
            await self.app(scope, self._within(limit, receive), send)
        finally:
            self.large_in_progress -= 1
            if self.large_in_progress == 0:
                return_memory()

    def _within(self, limit: int, receive: Receive) -> Receive:
        received = 0
        timeout = self.rules.body_timeout

        async def receive_within_limit() -> Message:
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), timeout)
            except TimeoutError:
                raise RequestTimeout(
                    f"body: no part of the body arrived for {timeout:g} s",
                    field="body",
                    expected=f"the body, with pauses under {timeout:g} s",
                    got=f"{received} bytes, then nothing",
                    headers={"Connection": "close"},
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit, received, at_least=True)
            return message

        return receive_within_limit

    def _busy(self) -> Unavailable:
        rules = self.rules
        return Unavailable(
            f"body: {rules.max_large_bodies} large bodies (over {rules.large_body_bytes} bytes) "
            "are being read already; retry shortly",
            field="body",
            expected=f"at most {rules.max_large_bodies} large bodies at once",
            slug="busy",
            title="Busy with other large requests; try again later",
            headers=RETRY_AFTER,
        )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int, size: int, *, at_least: bool = False) -> PayloadTooLarge:
    got = f"{'at least ' if at_least else ''}{size} bytes"
    return PayloadTooLarge(
        f"body: the request body is over the {limit}-byte limit of this route",
        field="body",
        expected=f"at most {limit} bytes",
        got=got,
    )


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)  # glibc only
    return None if trim is None else trim


_TRIM = _malloc_trim()


def return_memory() -> None:
    """Hand freed heap memory back to the operating system (glibc; a no-op elsewhere).

    glibc keeps the memory of large freed objects for reuse: after a burst of
    large bodies the node's RSS stayed near 1 GB although nothing held it. A
    refused body's parsed JSON can still be held by a refusal's traceback (a
    reference cycle), so the cycles are collected first.
    """
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)
