"""The node's REST API called in-process (no sockets), as an SDK transport.

For tests and tools that hold a :class:`~sen.node.node.Node`: the same FastAPI
app and the same answers as over HTTP, without a server. It lives here, not in
the SDK, so that the SDK installs and runs without FastAPI or the node.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from sen.api.app import create_app
from sen.sdk.client import Client
from sen.sdk.transports import Params, response_body, with_retry_after

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from sen.node.node import Node

__all__ = ["InProcessTransport", "in_process_client"]


def in_process_client(node: Node, *, chain_id: str | None = None) -> Client:
    """An SDK client whose requests go straight to ``node``'s API app."""
    return Client(InProcessTransport(node), chain_id)


class InProcessTransport:
    """The node's FastAPI app called in-process (no sockets), via starlette's TestClient."""

    def __init__(self, node: Node) -> None:
        with warnings.catch_warnings():
            # starlette suggests another HTTP package for its TestClient; httpx is what we ship
            warnings.simplefilter("ignore")
            from starlette.testclient import TestClient

        self._client: TestClient = TestClient(create_app(node), raise_server_exceptions=True)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Params | None = None,
        raw: bool = False,
    ) -> tuple[int, Any]:
        response = self._client.request(method, path, json=json, params=params)
        body = response_body(response, raw)
        return response.status_code, with_retry_after(response.status_code, body, response)

    def close(self) -> None:
        self._client.close()
