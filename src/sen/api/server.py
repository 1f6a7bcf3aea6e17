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

The size of the request line and headers is bounded by h11
(``max_header_bytes``); bodies by :mod:`sen.api.limits`.
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

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        if len(self.connections) > self.max_connections:
            self.app = too_many_connections
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
    body = json.dumps(
        {
            "type": TYPE_PREFIX + "too-many-connections",
            "title": "Too many connections; try again later",
            "status": 503,
            "detail": "this node has as many open connections as it serves; retry shortly",
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
        *((k.lower().encode(), v.encode()) for k, v in RETRY_AFTER.items()),
        *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def protocol_for(settings: ApiSettings) -> type[GuardedH11Protocol]:
    """The protocol class uvicorn builds each connection with, holding these limits."""
    return type(
        "SenH11Protocol",
        (GuardedH11Protocol,),
        {
            "header_timeout": settings.header_timeout,
            "max_connections": connection_cap(settings.max_connections),
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
