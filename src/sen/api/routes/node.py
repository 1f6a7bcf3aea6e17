"""The node itself: genesis, status, health and metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

import sen
from sen.api.deps import MetricsDep, NodeDep
from sen.api.errors import Unavailable
from sen.api.json_body import JsonRoute
from sen.api.metrics import CONTENT_TYPE
from sen.api.problems import documented
from sen.api.schemas import HealthView, MempoolView, StatusView
from sen.services.readmodels.queries import node_status

router = APIRouter(route_class=JsonRoute, tags=["node"])


@router.get(
    "/v1/genesis",
    summary="The chain's genesis file",
    description=(
        "CometBFT v0.38 `genesis.json` with Sen's parameters under `app_state.params`: the one "
        "file a verifier needs to check receipts offline. Served byte for byte as the node "
        "read it, so its SHA-256 equals a receipt's `genesis_hash`."
        "\n\n*Tệp khởi tạo của chuỗi.*"
    ),
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def show_genesis(node: NodeDep) -> Response:
    return Response(content=node.app.genesis.raw, media_type="application/json")


@router.get(
    "/v1/status",
    summary="Chain id, height, app hash, mempool and version",
    description="*Trạng thái của nút.*",
)
def show_status(node: NodeDep) -> StatusView:
    status = node_status(node)
    return StatusView(
        chain_id=status.chain_id,
        height=status.height,
        app_hash=status.app_hash.hex(),
        latest_block_time=status.latest_block_time,
        mempool=MempoolView(txs=status.mempool_txs, bytes=status.mempool_bytes),
        version=sen.__version__,
    )


@router.get(
    "/health",
    summary="Liveness: 200 while consensus runs",
    description="503 once the consensus engine has stopped with an error.\n\n*Kiểm tra sức khoẻ.*",
    responses=documented(503),
)
def health(node: NodeDep) -> HealthView:
    error = node.engine.error
    if error is not None:
        raise Unavailable(
            f"the consensus engine stopped: {type(error).__name__}: {error}", slug="engine-failed"
        )
    return HealthView(status="ok")


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description="Prometheus text format.\n\n*Số liệu giám sát Prometheus.*",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE.split(";")[0]: {"schema": {"type": "string"}}}}},
)
def metrics(registry: MetricsDep) -> Response:
    return Response(registry.render(), media_type=CONTENT_TYPE)
