"""A small client for the CometBFT v0.38 JSON-RPC endpoints Sen uses.

Sen's REST API submits transactions through CometBFT's mempool
(``broadcast_tx_sync``, batched as a JSON-RPC array) and reads blocks and
commits back from CometBFT's block store, in the RPC's JSON forms that
``sen.light`` parses.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from sen.consensus.errors import ConsensusError


class RpcUnavailable(ConsensusError):
    """CometBFT's RPC did not answer (not started yet, stopped, or overloaded)."""


class RpcError(ConsensusError):
    """CometBFT answered with a JSON-RPC error."""

    def __init__(self, method: str, message: str, data: str) -> None:
        self.method = method
        self.message = message
        self.data = data
        super().__init__(f"CometBFT {method}: {message}: {data}".rstrip(": "))


@dataclass(frozen=True, slots=True)
class BroadcastResult:
    """One ``broadcast_tx_sync`` answer: the CheckTx code, or the mempool's refusal."""

    code: int
    log: str
    error: str = ""  # set when the mempool refused before CheckTx (full, duplicate, too large)


class CometRpc:
    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._client = httpx.Client(base_url=self.url, timeout=timeout)
        self._ids = itertools.count(1)

    def close(self) -> None:
        self._client.close()

    def call(self, method: str, **params: Any) -> Any:
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        try:
            response = self._client.post("/", json=body)
        except httpx.HTTPError as exc:
            raise RpcUnavailable(f"CometBFT RPC at {self.url} did not answer: {exc}") from None
        return self._result(method, response.json())

    @staticmethod
    def _result(method: str, answer: Any) -> Any:
        if not isinstance(answer, dict):
            raise RpcError(method, "unexpected answer", repr(answer)[:200])
        error = answer.get("error")
        if error is not None:
            raise RpcError(method, str(error.get("message", "")), str(error.get("data", "")))
        return answer.get("result")

    # -- reads ----------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        result: dict[str, Any] = self.call("status")
        return result

    def block(self, height: int) -> dict[str, Any] | None:
        """``/block`` at ``height``, or None if CometBFT has no such block (yet)."""
        try:
            result: dict[str, Any] = self.call("block", height=str(height))
        except RpcError as exc:
            if "must be less than or equal" in exc.data or "not found" in exc.data.lower():
                return None
            raise
        return result

    def commit(self, height: int) -> dict[str, Any] | None:
        try:
            result: dict[str, Any] = self.call("commit", height=str(height))
        except RpcError as exc:
            if "must be less than or equal" in exc.data or "not found" in exc.data.lower():
                return None
            raise
        return result

    # -- writes ---------------------------------------------------------------
    def broadcast(self, raws: Sequence[bytes]) -> list[BroadcastResult]:
        """``broadcast_tx_sync`` for each transaction, in order, as one JSON-RPC batch."""
        if not raws:
            return []
        batch = [
            {
                "jsonrpc": "2.0",
                "id": i,
                "method": "broadcast_tx_sync",
                "params": {"tx": base64.b64encode(raw).decode()},
            }
            for i, raw in enumerate(raws)
        ]
        try:
            response = self._client.post("/", json=batch)
        except httpx.HTTPError as exc:
            raise RpcUnavailable(f"CometBFT RPC at {self.url} did not answer: {exc}") from None
        answers = response.json()
        if isinstance(answers, dict):  # CometBFT answers a batch of one with a bare object
            if answers.get("id") != 0:  # or the whole batch was refused
                self._result("broadcast_tx_sync", answers)
            answers = [answers]
        if not isinstance(answers, list):
            raise RpcError("broadcast_tx_sync", "unexpected answer", repr(answers)[:200])
        by_id = {a.get("id"): a for a in answers if isinstance(a, dict)}
        results: list[BroadcastResult] = []
        for i in range(len(raws)):
            answer = by_id.get(i)
            if answer is None:
                results.append(BroadcastResult(-1, "", "no answer from CometBFT"))
            elif answer.get("error") is not None:
                error = answer["error"]
                results.append(
                    BroadcastResult(-1, "", str(error.get("data") or error.get("message")))
                )
            else:
                result = answer.get("result") or {}
                results.append(
                    BroadcastResult(int(result.get("code", 0)), str(result.get("log", "")))
                )
        return results
