"""Security headers on every answer of the API, the docs page and the console.

Every response, errors and unhandled failures included, carries::

    X-Content-Type-Options: nosniff            a browser never guesses another type
    X-Frame-Options: DENY                      no page of the node inside a frame
    Content-Security-Policy: default-src 'none'; frame-ancestors 'none'

The last is the policy of an answer that is not a page (JSON, problem+json,
static assets): it loads nothing and may not be framed (OWASP REST Security
Cheat Sheet). A page sets its own policy, which is kept: the console
(:data:`sen.console.CONTENT_SECURITY_POLICY`) and the API docs
(:data:`sen.api.swagger.CONTENT_SECURITY_POLICY`) load their own scripts and
styles from this node only, and both say ``frame-ancestors 'none'``.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NOT_A_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", NOT_A_PAGE_POLICY),
)


class SecurityHeaders:
    """ASGI middleware: add :data:`SECURITY_HEADERS` to every response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
