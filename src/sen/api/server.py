"""Serving the API with uvicorn, within limits: connections, header time, idle time.

uvicorn (with h11) closes a kept-alive connection after ``timeout_keep_alive``
once it has answered, but a connection that never sends a request, or sends
its headers a byte at a time, stays open for ever: a few hundred silent
connections used up a node's file descriptors. :class:`GuardedH11Protocol`
adds the two limits h11's protocol lacks:

* **header timeout**: from the moment a connection opens, or its previous
  answer is sent, the next request's line and headers must arrive within
  ``header_timeout`` seconds, or the connection is closed. Bytes that trickle
  in do not restart the clock (uvicorn's own keep-alive timer they do).
* **connection cap**: beyond ``max_connections`` open connections, a new
  connection's request is answered 503 ``too-many-connections`` with
  ``Retry-After`` and the connection closed. The cap is kept below the
  process's open-file limit, so that the node always has descriptors left for
  its own files.

* **request head size**: the request line and headers at most
  ``max_header_bytes``: h11 bounds them while they arrive, and
  :func:`header_limited` once they are parsed (h11 does not bound a head that
  arrives whole in one read): 431 ``request-head-too-large``.

Bodies are bounded by :mod:`sen.api.limits`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from sen.api.errors import RETRY_AFTER
from sen.api.headers import SECURITY_HEADERS
from sen.api.problems import PROBLEM_MEDIA_TYPE, TYPE_PREFIX
from sen.node.config import ApiSettings

log = logging.getLogger("sen.api")

RESERVED_DESCRIPTORS = 64
"""Descriptors kept for the node itself (database, logs, snapshots) below the open-file limit."""


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header timeout and a connection cap (class attributes)."""

    header_timeout: float = ApiSettings().header_timeout
    max_connections: int = ApiSettings().max_connections
    max_header_bytes: int = ApiSettings().max_header_bytes

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        if len(self.connections) > self.max_connections:
            self.app = too_many_connections
        else:
            self.app = header_limited(self.app, self.max_header_bytes)
        self._await_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the request's headers are in
            self._stop_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_headers()  # the next request on this connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        self._stop_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _stop_header_timer(self) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


async def too_many_connections(scope: Any, receive: Any, send: Any) -> None:
    """The answer on a connection over the cap: 503, try again later, and close."""
    await _problem(
        send,
        503,
        "too-many-connections",
        "Too many connections; try again later",
        "this node has as many open connections as it serves; retry shortly",
        RETRY_AFTER.items(),
    )


def head_size(scope: Any) -> int:
    """The bytes of a request's line and headers, as sent (to within a few bytes)."""
    line = len(scope.get("method", "")) + len(scope.get("raw_path") or b"") + 12
    query = scope.get("query_string") or b""
    return (
        line
        + (len(query) + 1 if query else 0)
        + sum(len(k) + len(v) + 4 for k, v in scope["headers"])
    )


def header_limited(app: Any, limit: int) -> Any:
    """``app``, answering 431 to a request whose line and headers exceed ``limit`` bytes.

    h11 bounds them only while they are incomplete: a long request line or header sent in
    one piece is parsed whole, so the limit is checked again here, on the parsed request.
    """

    async def guarded(scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and head_size(scope) > limit:
            await _problem(
                send,
                431,
                "request-head-too-large",
                "Request line and headers too large",
                f"the request line and headers are {head_size(scope)} bytes, over this node's "
                f"[api] max_header_bytes = {limit}",
                (),
            )
            return
        await app(scope, receive, send)

    return guarded


async def _problem(send: Any, status: int, slug: str, title: str, detail: str, extra: Any) -> None:
    """An RFC 9457 problem answer, closing the connection."""
    body = json.dumps(
        {
            "type": TYPE_PREFIX + slug,
            "title": title,
            "status": status,
            "detail": detail,
            "field": None,
            "expected": None,
            "got": None,
            "code": None,
            "code_name": None,
        }
    ).encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *((k.lower().encode(), v.encode()) for k, v in extra),
        *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def protocol_for(settings: ApiSettings) -> type[GuardedH11Protocol]:
    """The protocol class uvicorn builds each connection with, holding these limits."""
    return type(
        "SenH11Protocol",
        (GuardedH11Protocol,),
        {
            "header_timeout": settings.header_timeout,
            "max_connections": connection_cap(settings.max_connections),
            "max_header_bytes": settings.max_header_bytes,
        },
    )


def connection_cap(configured: int) -> int:
    """``configured``, or less if the open-file limit would not leave the node descriptors."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or configured + RESERVED_DESCRIPTORS <= soft:
        return configured
    cap = max(1, soft - RESERVED_DESCRIPTORS)
    log.warning(
        "[api] max_connections = %d is over the open-file limit (ulimit -n %d) less %d for the "
        "node: serving at most %d connections",
        configured,
        soft,
        RESERVED_DESCRIPTORS,
        cap,
    )
    return cap


def serve_until_stopped(app: Any, host: str, port: int, settings: ApiSettings) -> None:
    """Serve ``app`` under ``settings`` until interrupted (blocking)."""
    uvicorn.Server(server_config(app, host, port, settings)).run()


def server_config(app: Any, host: str, port: int, settings: ApiSettings) -> uvicorn.Config:
    """uvicorn's configuration for ``app`` under ``settings`` (no access log, our logging)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        http=protocol_for(settings),
        timeout_keep_alive=settings.keep_alive_timeout,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        backlog=settings.backlog,
    )
