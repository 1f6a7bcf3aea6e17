"""What routes receive from the application: the node and the metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sen.api.errors import Unavailable
from sen.api.metrics import ApiMetrics
from sen.node.node import Node


def get_node(request: Request) -> Node:
    node = request.app.state.node
    if not isinstance(node, Node):
        raise Unavailable("this API has no node behind it", slug="no-node")
    return node


def get_metrics(request: Request) -> ApiMetrics:
    metrics = request.app.state.metrics
    assert isinstance(metrics, ApiMetrics)
    return metrics


NodeDep = Annotated[Node, Depends(get_node)]
MetricsDep = Annotated[ApiMetrics, Depends(get_metrics)]
