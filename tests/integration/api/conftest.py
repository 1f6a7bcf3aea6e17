"""Fixtures for the REST API tests: a real node in a temporary home, and helpers.

``node``/``client``: a running node (blocks every 0.05 s) behind a TestClient.
``idle_node``/``idle_client``: a node whose engine is not running, so that a
test decides when blocks are made (``idle_node.engine.produce_block()``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from api_support import BLOCK_INTERVAL, NothingWritten, Signer, open_node, settle, snapshot
from fastapi.testclient import TestClient

from sen.api import create_app
from sen.node.node import Node


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    running = open_node(tmp_path / "node")
    running.start()
    yield running
    running.close()


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(node)) as test_client:
        yield test_client


@pytest.fixture
def idle_node(tmp_path: Path) -> Iterator[Node]:
    idle = open_node(tmp_path / "idle")
    idle.engine.handshake()
    yield idle
    idle.close()


@pytest.fixture
def idle_client(idle_node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(idle_node)) as test_client:
        yield test_client


@pytest.fixture
def signer(node: Node) -> Signer:
    return Signer(node.app.genesis.chain_id)


@pytest.fixture
def idle_signer(idle_node: Node) -> Signer:
    return Signer(idle_node.app.genesis.chain_id)


@pytest.fixture
def nothing_written(node: Node) -> NothingWritten:
    """``with nothing_written(*addresses): ...`` asserts the request changed nothing."""

    @contextmanager
    def check(*addresses: bytes) -> Iterator[None]:
        settle(node)
        before = snapshot(node, list(addresses))
        yield
        assert snapshot(node, list(addresses)) == before, "the request was refused yet wrote"
        time.sleep(4 * BLOCK_INTERVAL)
        assert snapshot(node, list(addresses)) == before, "a block followed a refused request"

    return check
