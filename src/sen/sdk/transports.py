"""How the client reaches a node: over HTTP (in-process: ``sen.api.inprocess``).

A transport sends one request and returns ``(status, body)`` where ``body`` is
the decoded JSON (or ``None`` for an empty answer); with ``raw=True`` a
successful answer's body is returned as the exact bytes received (the genesis
file is identified by the hash of its bytes, so it must not be re-serialised). It raises
:class:`~sen.sdk.errors.Unreachable` when there is no answer at all; every
answer, error statuses included, is returned for the client to interpret.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from typing import Any, Protocol

import httpx

from sen.sdk.errors import Unreachable

Params = Mapping[str, str | int | float | bool]


class Transport(Protocol):
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Params | None = None,
        raw: bool = False,
    ) -> tuple[int, Any]: ...

    def close(self) -> None: ...


def response_body(response: httpx.Response, raw: bool) -> Any:
    if raw and response.is_success:
        return response.content
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return {"title": "not JSON", "detail": response.text[:200]}


def with_retry_after(status: int, body: Any, response: httpx.Response) -> Any:
    retry_after = response.headers.get("retry-after")
    if status == 503 and isinstance(body, dict) and retry_after and "retry_after" not in body:
        body = {**body, "retry_after": retry_after}
    return body


class HttpTransport:
    """HTTP/1.1 to a node's REST API, reusing connections (one ``httpx.Client``)."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Params | None = None,
        raw: bool = False,
    ) -> tuple[int, Any]:
        content = None if json is None else jsonlib.dumps(json).encode()
        headers = {"content-type": "application/json"} if content is not None else None
        try:
            response = self._client.request(
                method, path, content=content, headers=headers, params=params
            )
        except httpx.TimeoutException:
            raise Unreachable(f"the node at {self.base_url} did not answer in time") from None
        except httpx.TransportError as exc:
            raise Unreachable(f"cannot reach the node at {self.base_url}: {exc}") from None
        body = response_body(response, raw)
        return response.status_code, with_retry_after(response.status_code, body, response)

    def close(self) -> None:
        self._client.close()
