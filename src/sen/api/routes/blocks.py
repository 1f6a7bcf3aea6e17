"""Blocks: the latest, or one by height, with CometBFT header and commit JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from sen.api.deps import NodeDep
from sen.api.errors import NotFound
from sen.api.json_body import JsonRoute
from sen.api.parsing import MAX_ID
from sen.api.problems import documented
from sen.api.schemas import BlockView
from sen.api.views import block_view
from sen.services.readmodels.queries import load_block_record

router = APIRouter(route_class=JsonRoute, tags=["blocks"])


@router.get(
    "/v1/blocks/latest",
    summary="The latest committed block",
    description="*Khối mới nhất đã được xác nhận.*",
    responses=documented(404),
)
def latest_block(node: NodeDep) -> BlockView:
    height = node.app.height
    record = load_block_record(node, height)
    if record is None:
        raise NotFound("no block has been committed yet")
    return block_view(record)


@router.get(
    "/v1/blocks/{height}",
    summary="A committed block by height",
    description=(
        "Header and commit in CometBFT v0.38 JSON, transaction hashes and results."
        "\n\n*Tra cứu khối theo chiều cao.*"
    ),
    responses=documented(400, 404),
)
def show_block(
    height: Annotated[int, Path(ge=1, le=MAX_ID, description="A height, 1 or more.")],
    node: NodeDep,
) -> BlockView:
    number = height
    record = load_block_record(node, number)
    if record is None:
        raise NotFound(
            f"block {number} has not been made; the latest is {node.app.height}",
            field="height",
            expected=f"at most {node.app.height}",
            got=str(number),
        )
    return block_view(record)
