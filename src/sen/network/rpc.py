"""The few CometBFT RPC and Sen API calls that ``sen network`` makes.

Plain HTTP GETs to loopback addresses; proxy settings from the environment are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from sen.network.errors import RpcFailed

TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class ChainStatus:
    """CometBFT's ``/status``, the parts a network operator looks at."""

    node_id: str
    height: int
    latest_block_hash: str
    catching_up: bool
    voting_power: int


def get_json(url: str, *, timeout: float = TIMEOUT) -> Any:
    try:
        response = httpx.get(url, timeout=timeout, trust_env=False)
    except httpx.HTTPError as exc:
        raise RpcFailed(url, f"no answer ({type(exc).__name__}: {exc})") from None
    if response.status_code != 200:
        raise RpcFailed(url, f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError:
        raise RpcFailed(url, "the answer is not JSON") from None


def _result(url: str, *, timeout: float = TIMEOUT) -> dict[str, Any]:
    document = get_json(url, timeout=timeout)
    if not isinstance(document, dict):
        raise RpcFailed(url, "expected a JSON-RPC object")
    if "error" in document:
        raise RpcFailed(url, f"JSON-RPC error: {document['error']}")
    result = document.get("result")
    if not isinstance(result, dict):
        raise RpcFailed(url, "the JSON-RPC answer has no result")
    return result


def chain_status(rpc_url: str, *, timeout: float = TIMEOUT) -> ChainStatus:
    url = f"{rpc_url}/status"
    result = _result(url, timeout=timeout)
    try:
        sync = result["sync_info"]
        return ChainStatus(
            node_id=str(result["node_info"]["id"]),
            height=int(sync["latest_block_height"]),
            latest_block_hash=str(sync["latest_block_hash"]),
            catching_up=bool(sync["catching_up"]),
            voting_power=int(result["validator_info"]["voting_power"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RpcFailed(url, f"unexpected /status answer ({exc!r})") from None


def peer_count(rpc_url: str, *, timeout: float = TIMEOUT) -> int:
    url = f"{rpc_url}/net_info"
    try:
        return int(_result(url, timeout=timeout)["n_peers"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RpcFailed(url, f"unexpected /net_info answer ({exc!r})") from None


def block_hash(rpc_url: str, height: int, *, timeout: float = TIMEOUT) -> str:
    """The hash of the block at ``height`` (hex, upper case), from ``/commit``."""
    url = f"{rpc_url}/commit?height={height}"
    try:
        value = _result(url, timeout=timeout)["signed_header"]["commit"]["block_id"]["hash"]
    except (KeyError, TypeError) as exc:
        raise RpcFailed(url, f"unexpected /commit answer ({exc!r})") from None
    if not isinstance(value, str) or len(value) != 64:
        raise RpcFailed(url, f"expected a 32-byte hex block hash, got {value!r}")
    return value.upper()


def app_height(api_url: str, *, timeout: float = TIMEOUT) -> int:
    """The height Sen's API reports at ``/v1/status``."""
    url = f"{api_url}/v1/status"
    document = get_json(url, timeout=timeout)
    try:
        return int(document["height"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RpcFailed(url, f"unexpected /v1/status answer ({exc!r})") from None


def api_healthy(api_url: str, *, timeout: float = TIMEOUT) -> bool:
    """Whether Sen's ``/health`` answers 200 (False for 503 or no answer)."""
    try:
        return httpx.get(f"{api_url}/health", timeout=timeout, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False
