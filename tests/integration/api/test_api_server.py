"""The API server on loopback: silent and slow connections are closed after the header
timeout, and connections over the cap are answered 503 (no fixed sleeps: each test waits
on its condition, within an overall bound)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn

from sen.api.app import build_app
from sen.api.server import server_config
from sen.node.config import ApiSettings

BOUND = 10.0  # seconds any condition may take before the test fails


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, f"not within {BOUND} s: {what}"
        time.sleep(0.01)


@contextmanager
def serving(settings: ApiSettings) -> Iterator[tuple[uvicorn.Server, int]]:
    server = uvicorn.Server(server_config(build_app(None), "127.0.0.1", 0, settings))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, "the server started")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield server, port
    finally:
        server.should_exit = True
        thread.join(BOUND)


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=BOUND)


def closed_by_server(sock: socket.socket, trickle: bytes = b"") -> float:
    """Seconds until the server closes ``sock`` (EOF), sending ``trickle`` a byte at a time."""
    started = time.monotonic()
    sock.settimeout(0.05)
    pending = list(trickle)
    while time.monotonic() - started < BOUND:
        if pending:
            try:
                sock.send(bytes([pending.pop(0)]))
            except OSError:
                return time.monotonic() - started
        try:
            if sock.recv(4096) == b"":
                return time.monotonic() - started
        except TimeoutError:
            continue
        except ConnectionResetError:
            return time.monotonic() - started
    raise AssertionError(f"the server kept the connection open for {BOUND} s")


def get(sock: socket.socket, path: str = "/openapi.json") -> tuple[int, dict[str, str], bytes]:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: node\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, body


def test_a_silent_connection_is_closed_after_the_header_timeout() -> None:
    with serving(ApiSettings(header_timeout=0.3)) as (_, port), connect(port) as silent:
        assert closed_by_server(silent) >= 0.25


def test_headers_sent_a_byte_at_a_time_do_not_keep_a_connection_open() -> None:
    request = b"GET /openapi.json HTTP/1.1\r\nHost: node\r\nX-Slow: " + b"a" * 10_000
    with serving(ApiSettings(header_timeout=0.3)) as (_, port), connect(port) as slow:
        closed_by_server(slow, trickle=request)


def test_a_kept_alive_connection_gets_the_header_timeout_again_after_an_answer() -> None:
    settings = ApiSettings(header_timeout=0.3, keep_alive_timeout=60)
    with serving(settings) as (_, port), connect(port) as sock:
        status, _, _ = get(sock)
        assert status == 200
        closed_by_server(sock, trickle=b"GET / HTTP/1.1\r\n")


def test_over_the_connection_cap_a_request_is_503_with_retry_after() -> None:
    settings = ApiSettings(max_connections=2, header_timeout=60)
    with serving(settings) as (server, port):
        first, second = connect(port), connect(port)
        wait_for(lambda: len(server.server_state.connections) == 2, "two connections open")
        with connect(port) as third:
            status, headers, body = get(third)
        assert status == 503
        assert headers["retry-after"] == "1"
        assert headers["content-type"] == "application/problem+json"
        assert headers["x-content-type-options"] == "nosniff"
        problem = json.loads(body)
        assert problem["type"] == "urn:sen:problem:too-many-connections"
        assert problem["status"] == 503
        wait_for(lambda: len(server.server_state.connections) == 2, "the third one closed")
        status, _, _ = get(first)  # the connections within the cap are served
        assert status == 200
        second.close()
        wait_for(lambda: len(server.server_state.connections) == 1, "a place is free")
        with connect(port) as fourth:
            status, _, _ = get(fourth)
        assert status == 200
        first.close()


def test_a_request_head_over_max_header_bytes_is_431_even_when_sent_at_once() -> None:
    """h11 bounds a head only while it is incomplete; one sent whole is checked parsed."""
    settings = ApiSettings(max_header_bytes=4096)
    with serving(settings) as (_, port):
        with connect(port) as sock:
            status, headers, body = get(sock, "/openapi.json?q=" + "a" * 8000)
        assert status == 431
        problem = json.loads(body)
        assert problem["type"] == "urn:sen:problem:request-head-too-large"
        assert "max_header_bytes = 4096" in problem["detail"]
        assert headers["x-content-type-options"] == "nosniff"
        with connect(port) as sock:
            status, _, _ = get(sock, "/openapi.json?q=" + "a" * 3000)
        assert status == 200
