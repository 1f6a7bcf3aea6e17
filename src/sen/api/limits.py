"""Request body limits, enforced while the body arrives (never buffered past the limit)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sen.api.errors import PayloadTooLarge
from sen.api.problems import from_api_error

MAX_BATCH_BODY_BYTES = 64 * 1024 * 1024


class BodyLimit:
    """ASGI middleware: a body over ``limit_for(path)`` bytes is answered 413."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope["path"]))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await from_api_error(_too_large(limit, declared))(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit, received, at_least=True)
            return message

        await self.app(scope, receive_within_limit, send)


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
