"""The REST API application: ``create_app(node)`` builds it, ``serve`` runs it (``server``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.types import ASGIApp

import sen
from sen import console
from sen.api import problems, swagger
from sen.api.headers import SecurityHeaders
from sen.api.limits import MAX_BATCH_BODY_BYTES, BodyLimit, BodyRules
from sen.api.metrics import ApiMetrics, RequestMetrics
from sen.api.problems import PROBLEM_MEDIA_TYPE
from sen.api.routes import ROUTERS
from sen.api.server import serve_until_stopped
from sen.node.config import ApiSettings
from sen.node.node import Node

TITLE = "Sen node API"
DESCRIPTION = """\
REST API of a Sen node: submit signed transactions, follow them into blocks,
read accounts and proven state, anchor document digests and fetch receipts
that verify offline against the genesis file.

*API REST của một nút Sen: gửi giao dịch đã ký, theo dõi khối, đọc trạng thái
có bằng chứng, neo giá trị băm tài liệu và lấy biên nhận kiểm tra ngoại tuyến.*

Bytes are lowercase hex (hashes, digests, addresses) or standard base64 (raw
transactions, state values). Every error is `application/problem+json`
(RFC 9457) with Sen's extensions `field`, `expected`, `got`, `code` and
`code_name`. A refused request changes nothing.
"""

TAGS: list[dict[str, Any]] = [
    {"name": "transactions", "description": "Submit and look up transactions. *Giao dịch.*"},
    {"name": "blocks", "description": "Committed blocks. *Khối.*"},
    {"name": "accounts", "description": "Account nonces. *Tài khoản.*"},
    {"name": "state", "description": "State values with proofs. *Trạng thái.*"},
    {"name": "evidence", "description": "Document anchoring and receipts. *Chứng cứ.*"},
    {"name": "node", "description": "Genesis, status, health, metrics. *Nút.*"},
    {"name": "search", "description": "One search box for the explorer. *Tìm kiếm.*"},
    {"name": "statistics", "description": "Activity reports. *Thống kê.*"},
    {"name": "membership", "description": "Organisations and members. *Thành viên.*"},
    {
        "name": "governance",
        "description": "Proposals and votes of organisation admins. *Quản trị trên chuỗi.*",
    },
    {
        "name": "identity",
        "description": "DIDs (did:sen, did:key) and DID resolution. *Định danh phi tập trung.*",
    },
    {
        "name": "trust",
        "description": "Trust roots, issuer accreditations and credential schemas. "
        "*Gốc tin cậy, công nhận đơn vị phát hành và lược đồ chứng chỉ.*",
    },
    {
        "name": "status",
        "description": "Bitstring Status Lists with state proofs. "
        "*Danh sách trạng thái chứng chỉ kèm bằng chứng.*",
    },
    {
        "name": "vc-api",
        "description": "W3C VC-API: issue, verify and revoke credentials; status list "
        "credentials. *Cấp, kiểm tra và thu hồi chứng chỉ số.*",
    },
    {
        "name": "directory",
        "description": "The hub's directory of member chains and their datasets, with state "
        "proofs. *Danh bạ các chuỗi thành viên và dữ liệu của chúng.*",
    },
    {
        "name": "contracts",
        "description": "Python contracts: settings, code, instances and queries. "
        "*Hợp đồng thông minh viết bằng Python.*",
    },
]

BODY_SLACK_BYTES = 16 * 1024
DEFAULT_BODY_BYTES = 1024 * 1024
RECEIPT_SLACK_BYTES = 1024 * 1024  # a receipt's headers, commit and validators around its tx


class SenApi(FastAPI):
    """FastAPI whose OpenAPI document describes errors as problem+json, and whose every
    answer carries the security headers (:mod:`sen.api.headers`)."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            self.openapi_schema = _problem_responses(super().openapi())
        return self.openapi_schema

    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's ServerErrorMiddleware, so that a 500 has the headers too.
        return SecurityHeaders(super().build_middleware_stack())


def create_app(node: Node) -> FastAPI:
    """The API of ``node`` (which the caller starts and closes)."""
    return build_app(node)


def build_app(node: Node | None) -> FastAPI:
    """The API, with or without a node (without: for the OpenAPI document only)."""
    app = SenApi(
        title=TITLE,
        version=sen.__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
    )
    swagger.install(app, f"{TITLE} — docs")
    metrics = ApiMetrics(node)
    app.state.node = node
    app.state.metrics = metrics
    app.state.allowed_methods = allowed_methods
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    console.install(app)
    settings = ApiSettings() if node is None else node.config.api
    rules = BodyRules(
        body_timeout=settings.body_timeout,
        large_body_bytes=settings.large_body_bytes,
        max_large_bodies=settings.max_large_bodies,
    )
    app.add_middleware(BodyLimit, limit_for=_body_limits(node), rules=rules)
    app.add_middleware(RequestMetrics, metrics=metrics)
    return app


def serve(node: Node, host: str, port: int) -> None:
    """Serve the API of ``node`` until interrupted (blocking; logs, never prints)."""
    serve_until_stopped(create_app(node), host, port, node.config.api)


def allowed_methods(path: str) -> list[str]:
    """Every method some route of the API answers on ``path`` (a 405's ``Allow``)."""
    methods: set[str] = set()
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.path_regex.match(path):
                methods |= route.methods or set()
    return sorted(methods)


def _body_limits(node: Node | None) -> Any:
    def limit_for(path: str) -> int:
        if path == "/v1/txs/batch":
            return MAX_BATCH_BODY_BYTES
        if path == "/v1/receipts/verify":
            tx_text = 0 if node is None else (node.app.params.max_tx_bytes + 2) // 3 * 4
            return tx_text + RECEIPT_SLACK_BYTES
        if node is None:
            return DEFAULT_BODY_BYTES
        # base64 of the largest transaction the chain accepts, plus the JSON around it
        return (node.app.params.max_tx_bytes + 2) // 3 * 4 + BODY_SLACK_BYTES

    return limit_for


def _problem_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Error responses as problem+json; FastAPI's own validation schemas removed."""
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if "requestBody" not in operation:
                responses.pop("422", None)  # path and query values are 400 here
            for status, response in responses.items():
                if "application/json" not in response.get("content", {"application/json": 0}):
                    continue  # the route's own error format (DID Resolution's binding)
                if status.isdigit() and int(status) >= 400:
                    content = response.get("content", {})
                    own = content.get("application/json", {}).get("schema")
                    kept = (
                        {} if own in (None, problem_ref) else {"application/json": {"schema": own}}
                    )
                    # a route's own answer (a verification report) is kept beside the problem
                    response["content"] = {**kept, PROBLEM_MEDIA_TYPE: {"schema": problem_ref}}
                    if status == "422" and response.get("description") == "Validation Error":
                        response["description"] = "The body breaks the schema."
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema
