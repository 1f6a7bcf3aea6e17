"""The API's docs page: Swagger UI at ``/docs``, from files shipped in a Python package.

Swagger UI 5 (the static files of ``swagger-ui-py``, located without importing
that package's Python code): version 4 cannot render an OpenAPI 3.1 document,
which is what the node serves.

No CDN (it works offline) and no inline script: the page loads Swagger UI's
bundle and :data:`INIT_SCRIPT` from this node, so its Content-Security-Policy
allows scripts from ``'self'`` only and forbids framing (``frame-ancestors
'none'``, with ``X-Frame-Options: DENY``). The validator badge, which would
call validator.swagger.io, is off.
"""

from __future__ import annotations

import html
import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from sen.console import self_only_policy

ASSETS = "/docs/assets"
CONTENT_SECURITY_POLICY = self_only_policy("'self' data:")
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
INIT_SCRIPT = """\
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
"""


def page(title: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<link rel="icon" href="{ASSETS}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""


def swagger_ui_assets() -> Path:
    """The folder of Swagger UI's files in the installed ``swagger-ui-py`` package."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or spec.origin is None:
        raise RuntimeError("swagger-ui-py is not installed: pip install '.[server]'")
    return Path(spec.origin).parent / "static"


def install(app: FastAPI, title: str) -> None:
    """Serve the docs page at ``/docs``, its script and Swagger UI's files under ``/docs/``."""
    assets = swagger_ui_assets()
    app.mount(ASSETS, StaticFiles(directory=assets), name="docs-assets")
    text = page(title)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(text, headers=PAGE_HEADERS)

    @app.get("/docs/init.js", include_in_schema=False)
    def docs_script() -> Response:
        return Response(
            INIT_SCRIPT, media_type="text/javascript; charset=utf-8", headers=PAGE_HEADERS
        )
