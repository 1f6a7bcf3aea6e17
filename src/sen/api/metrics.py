"""Prometheus metrics: requests by route, transactions by outcome, and node state.

Each application has its own registry (so that several nodes in one process,
as in tests, never share counters). Node state (height, mempool, the latest
block's size) is read when scraped, by a collector, never pushed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sen.ledger.modules.privacy.queries import request_clocks
from sen.node.node import Node

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class NodeCollector(Collector):
    """Node state, read at scrape time."""

    def __init__(self, node: Node) -> None:
        self.node = node

    def collect(self) -> Iterator[Metric]:
        node = self.node
        last = node.engine.last
        yield _gauge("sen_height", "Last committed block height.", node.app.height)
        yield _gauge(
            "sen_mempool_txs", "Transactions waiting in the mempool.", len(node.engine.mempool)
        )
        yield _gauge(
            "sen_mempool_bytes",
            "Bytes of transactions in the mempool.",
            node.engine.mempool.size_bytes,
        )
        yield _gauge(
            "sen_block_txs",
            "Transactions in the last committed block.",
            0 if last is None else len(last.tx_hashes),
        )
        yield _gauge(
            "sen_engine_up",
            "1 while the consensus engine runs without error.",
            node.engine.error is None,
        )
        opened = GaugeMetricFamily(
            "sen_privacy_requests_open",
            "Data-subject requests not yet answered, by controller.",
            labels=["controller"],
        )
        overdue = GaugeMetricFamily(
            "sen_privacy_requests_overdue",
            "Data-subject requests past their 72 hours at the last block, by controller.",
            labels=["controller"],
        )
        at = None if last is None else int(last.header.time.seconds)
        for controller, (count, late) in sorted(request_clocks(node.app.store, at).items()):
            opened.add_metric([controller], float(count))
            overdue.add_metric([controller], float(late))
        yield opened
        yield overdue


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value))


class ApiMetrics:
    def __init__(self, node: Node | None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "sen_api_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sen_api_request_duration_seconds",
            "HTTP request latency by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.txs_submitted = Counter(
            "sen_api_txs_submitted", "Transactions submitted.", registry=self.registry
        )
        self.txs_accepted = Counter(
            "sen_api_txs_accepted", "Transactions admitted to the mempool.", registry=self.registry
        )
        self.txs_rejected = Counter(
            "sen_api_txs_rejected",
            "Transactions refused, by reason: a ledger code name, DUPLICATE, MEMPOOL_FULL, "
            "ENGINE_STOPPED, or BATCH_REFUSED for good transactions of a refused batch.",
            ["code"],
            registry=self.registry,
        )
        if node is not None:
            self.registry.register(NodeCollector(node))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class RequestMetrics:
    """ASGI middleware counting requests and timing them by route template."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = str(scope["method"])
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)
