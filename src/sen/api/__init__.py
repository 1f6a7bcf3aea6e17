"""Sen's REST API (FastAPI): routes, schemas, problem+json errors, metrics, OpenAPI."""

from sen.api.app import create_app, serve

__all__ = ["create_app", "serve"]
