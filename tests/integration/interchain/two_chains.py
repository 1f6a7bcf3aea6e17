"""Two linked embedded nodes, reached through the SDK in-process, and what tests do with them."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sen.api.inprocess import in_process_client
from sen.cli.main import main
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.ibc import Payload
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.node.config import NodeConfig
from sen.node.node import Node, init_home
from sen.sdk.interchain import Interchain
from sen.services.relayer import End, Link, Relayer, RelayerMetrics

TRUSTING_PERIOD = 600
CLIENT = "sen-client-0"


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``sen ARGV`` in this process: (exit code, stdout and stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out + captured.err


def ok_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """``sen ARGV``'s output; the test fails if it fails."""
    code, output = run_cli(argv, capsys)
    assert code == 0, output
    return output


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def open_chain(home: Path, chain_id: str) -> Node:
    config = init_home(home, chain_id=chain_id, block_interval=0.05)
    return start_node(config)


def start_node(config: NodeConfig) -> Node:
    engine = dataclasses.replace(config.engine, create_empty_blocks=True, empty_block_interval=0.2)
    node = Node.open(dataclasses.replace(config, sync=False, engine=engine))
    node.start()
    return node


class TwoChains:
    def __init__(self, root: Path, trusting_period: int = TRUSTING_PERIOD) -> None:
        self.root = root
        self.key: SigningKey = get_suite("ed25519").generate()
        self.a = open_chain(root / "a", "sen-lao-dong")
        self.b = open_chain(root / "b", "sen-giao-duc")
        self.configs = {"a": self.a.config, "b": self.b.config}
        for node in (self.a, self.b):
            node.engine.wait_for_height(2, 10)
        a, b = self.ic("a"), self.ic("b")
        self.a_client = a.create_client(self.key, _latest(b), trusting_period, max_clock_drift=60)
        self.b_client = b.create_client(self.key, _latest(a), trusting_period, max_clock_drift=60)
        a.register_counterparty(self.key, self.a_client, self.b_client)
        b.register_counterparty(self.key, self.b_client, self.a_client)

    def node(self, side: str) -> Node:
        return self.a if side == "a" else self.b

    def ic(self, side: str) -> Interchain:
        """A fresh SDK view of one chain (each relayer gets its own)."""
        return Interchain(in_process_client(self.node(side)))

    def restart(self, side: str, down: Callable[[], None] = lambda: None) -> None:
        """Close one node, call ``down`` while it is down, and start it again."""
        self.node(side).close()
        down()
        started = start_node(self.configs[side])
        if side == "a":
            self.a = started
        else:
            self.b = started

    def link(self, key: SigningKey | None = None, **options: Any) -> Link:
        """A link with its own SDK views and, unless given, its own relaying key."""
        signer = key if key is not None else get_suite("ed25519").generate()
        return Link(
            End("lao-dong", self.ic("a"), signer, self.a_client),
            End("giao-duc", self.ic("b"), signer, self.b_client),
            **options,
        )

    def relayer(self, metrics: RelayerMetrics | None = None, **options: Any) -> Relayer:
        return Relayer([self.link(metrics=metrics, **options)], interval=0.1, metrics=metrics)

    # -- applications --------------------------------------------------------------
    def revocation_list(self, revoked: list[int]) -> str:
        """A did:key issuer's revocation list on B with ``revoked`` set; the issuer."""
        signer = get_suite("ed25519").generate()
        issuer = "did:key:" + encode_multikey(signer.suite, signer.public_key)
        sdk = self.ic("b").sdk
        args = {"list": "bang-2025", "issuer": issuer, "purpose": "revocation"}
        sdk.send(signer, "status", "create_list", args)
        update = {"list": "bang-2025", "issuer": issuer, "set": revoked}
        sdk.send(signer, "status", "update", update)
        return issuer

    def ask(self, issuer: str, index: int, timeout: int) -> int:
        """Send from A a status query of bit ``index`` of ``issuer``'s list; its sequence."""
        query = json.dumps({"issuer": issuer, "list": "bang-2025", "index": index}).encode()
        payload = Payload("status-query", "status-query", "sen-status-1", "application/json", query)
        return self.ic("a").send_packet(self.key, self.a_client, self.b_client, timeout, [payload])

    def close(self) -> None:
        self.a.close()
        self.b.close()


def _latest(chain: Interchain) -> Any:
    height = int(chain.sdk.status()["height"])
    block = chain.light_block(height)
    assert block is not None
    return block
