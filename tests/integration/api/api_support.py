"""Helpers shared by the REST API tests: signing, encoding, settling, problem checks."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sen.consensus.embedded.engine import EngineConfig
from sen.ledger import encoding
from sen.ledger.crypto import SigningKey, address_of, get_suite
from sen.ledger.tx import Tx, sign_tx
from sen.node.node import Node, init_home

BLOCK_INTERVAL = 0.05
TITLE = "Bằng tốt nghiệp"

NothingWritten = Callable[..., Any]


def open_node(home: Path, engine: EngineConfig | None = None) -> Node:
    config = init_home(home, block_interval=BLOCK_INTERVAL)
    config = dataclasses.replace(config, sync=False)
    if engine is not None:
        config = dataclasses.replace(config, engine=engine)
    return Node.open(config)


class Signer:
    """A member key that signs transactions for one chain, counting its nonces."""

    def __init__(self, chain_id: str) -> None:
        self.chain_id = chain_id
        self.key: SigningKey = get_suite("ed25519").generate()
        self.next_nonce = 0

    @property
    def address(self) -> bytes:
        return address_of(self.key.suite, self.key.public_key)

    def tx(
        self,
        *,
        nonce: int | None = None,
        module: str = "evidence",
        action: str = "anchor",
        args: dict[str, Any] | None = None,
        chain_id: str | None = None,
    ) -> Tx:
        if nonce is None:
            nonce = self.next_nonce
            self.next_nonce += 1
        return sign_tx(
            self.key,
            chain_id=self.chain_id if chain_id is None else chain_id,
            nonce=nonce,
            module=module,
            action=action,
            args={"digest": digest(nonce), "title": TITLE} if args is None else args,
        )


def digest(seed: int | str) -> bytes:
    return hashlib.sha256(f"document {seed}".encode()).digest()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def with_bad_signature(tx: Tx) -> bytes:
    body, signature = encoding.decode(tx.raw)
    return encoding.encode([body, bytes([signature[0] ^ 1]) + signature[1:]])


def settle(node: Node, timeout: float = 5.0) -> None:
    """Wait until the mempool is empty and no block has been made for a few intervals."""
    deadline = time.monotonic() + timeout
    last = (node.app.height, len(node.engine.mempool))
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(BLOCK_INTERVAL)
        now = (node.app.height, len(node.engine.mempool))
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif now[1] == 0 and time.monotonic() - quiet_since >= 4 * BLOCK_INTERVAL:
            return
    raise AssertionError("the node did not settle")


def snapshot(node: Node, addresses: list[bytes]) -> tuple[object, ...]:
    return (
        len(node.engine.mempool),
        node.engine.mempool.size_bytes,
        node.app.height,
        node.app.app_hash,
        tuple(node.app.pending_nonce(a) for a in addresses),
    )


def assert_problem(
    response: Any,
    status: int,
    field: str | None,
    *,
    code: str | None = None,
    expected: str | None = None,
    got: str | None = None,
) -> dict[str, Any]:
    """The response is a problem+json with this status, field and (optionally) code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    for key in ("type", "title", "status", "detail", "field", "expected", "got", "code"):
        assert key in body, key
    assert body["status"] == status
    assert body["type"].startswith("urn:sen:problem:")
    assert body["field"] == field, body
    if code is not None:
        assert body["code_name"] == code, body
    if expected is not None:
        assert body["expected"] == expected, body
    if got is not None:
        assert body["got"] == got, body
    return body
