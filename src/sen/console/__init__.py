"""The Sen web console: explorer, verification portal, network views and statistics, and
the consumer page a product's QR code opens.

Static files (HTML, CSS, ES modules; no build step, nothing from a CDN) in
``static/``, served by the node next to its API: the page at ``/`` and its
assets under ``/console/``. The page talks to the REST API of the node that
served it, so it works offline on the node's own network.

An EPCIS repository serves the consumer page (``static/trace.html``) instead: its
resolver answers a phone's scan of a GS1 Digital Link with it (:func:`install_consumer`),
and the page reads the product's journey from the repository that served it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS_PREFIX = "/console"


def self_only_policy(img_src: str) -> str:
    """A page's Content-Security-Policy: only this node's own files and API (no CDN, no
    inline script, no third-party origin, never framed); images also from ``img_src``."""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {img_src}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        )
    )


CONTENT_SECURITY_POLICY = self_only_policy("'self' data: blob:")
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class _Assets(StaticFiles):
    """Static files that browsers revalidate (ETag) on every use: after an upgrade of the node,
    a page never mixes old and new modules."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def install(app: FastAPI) -> None:
    """Serve the console page at ``/`` and its assets under ``/console/``."""
    app.mount(ASSETS_PREFIX, _Assets(directory=STATIC_DIR), name="console-assets")

    @app.get("/", include_in_schema=False)
    def console_page() -> FileResponse:
        return FileResponse(
            STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
        )


def install_consumer(app: FastAPI) -> Callable[[Request, str], Response]:
    """Serve the console's assets under ``/console/`` on an EPCIS repository's ``app`` (no
    admin page at ``/``) and return the consumer page: ``page(request, key)`` answers
    ``static/trace.html``, which reads the key's journey from its own address. The
    resolver gives it the scans that ask for HTML; the same address answers JSON or a
    linkset otherwise, hence ``Vary: Accept``."""
    mounted = any(isinstance(r, Mount) and r.path == ASSETS_PREFIX for r in app.routes)
    if not mounted:
        app.mount(ASSETS_PREFIX, _Assets(directory=STATIC_DIR), name="console-assets")
    headers = {**PAGE_HEADERS, "Vary": "Accept"}

    def consumer_page(request: Request, key: str) -> Response:
        return FileResponse(
            STATIC_DIR / "trace.html", media_type="text/html; charset=utf-8", headers=headers
        )

    return consumer_page
