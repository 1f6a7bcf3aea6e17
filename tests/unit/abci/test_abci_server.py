"""The socket server: order and Flush, one worker per connection, bad peers, the socket file."""

from __future__ import annotations

import logging
import os
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from abci_fakes import COMMIT, FLUSH, INFO, FakeApp, check_tx, echo, finalize

from sen.abci.client import AbciClient
from sen.abci.errors import ConnectionClosed, ListenError
from sen.abci.proto.tendermint.abci import types_pb2 as abci
from sen.abci.server import ListenAddress, ThreadedAbciServer
from sen.abci.wire import encode_frame, encode_uvarint

LIMIT = 4096


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    # unix socket paths are limited to 107 bytes: pytest's tmp_path can be longer
    with tempfile.TemporaryDirectory(prefix="sen-abci-") as directory:
        yield Path(directory)


@pytest.fixture
def app() -> FakeApp:
    return FakeApp()


@pytest.fixture
def server(app: FakeApp, socket_dir: Path) -> Iterator[ThreadedAbciServer]:
    running = ThreadedAbciServer(app, f"unix://{socket_dir / 'abci.sock'}", max_message_size=LIMIT)
    running.start()
    yield running
    running.stop()


def connect(server: ThreadedAbciServer) -> AbciClient:
    return AbciClient.connect(str(server.address), timeout=10)


def test_echo(server: ThreadedAbciServer) -> None:
    with connect(server) as client:
        assert client.call(echo("ping")).echo.message == "ping"


def test_responses_wait_for_flush_and_come_in_order(server: ThreadedAbciServer) -> None:
    with connect(server) as client:
        client.send([echo("1"), check_tx(b"\x03x"), INFO, echo("2")])
        client.sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            client.sock.recv(1)
        client.sock.settimeout(10)
        client.send([FLUSH])
        responses = client.receive(5)
    assert [r.WhichOneof("value") for r in responses] == [
        "echo",
        "check_tx",
        "info",
        "echo",
        "flush",
    ]
    assert responses[0].echo.message == "1"
    assert responses[1].check_tx.code == 3
    assert responses[3].echo.message == "2"


def test_check_txs_sent_together_are_batched_and_answered_in_order(
    server: ThreadedAbciServer, app: FakeApp
) -> None:
    txs = [bytes([i % 4, i]) for i in range(200)]
    with connect(server) as client:
        responses = client.call_many([check_tx(t) for t in txs])
    assert [(r.check_tx.code, r.check_tx.log) for r in responses] == [(t[0], t.hex()) for t in txs]
    calls = [argument for name, argument in app.calls if name == "check_txs"]
    assert sum(len(raws) for raws, _ in calls) == 200  # type: ignore[misc]
    assert len(calls) < 200


def test_connections_proceed_concurrently_each_in_order(
    server: ThreadedAbciServer, app: FakeApp
) -> None:
    app.release.clear()  # CheckTx blocks until released
    with connect(server) as mempool, connect(server) as query:
        mempool.send([check_tx(b"\x00slow"), echo("after the slow one"), FLUSH])
        assert query.call(INFO).info.data == "fake"  # not stuck behind the mempool connection
        app.release.set()
        first, second, _ = mempool.receive(3)
    assert first.check_tx.log == b"\x00slow".hex()
    assert second.echo.message == "after the slow one"


def test_a_full_block_over_the_socket(server: ThreadedAbciServer, app: FakeApp) -> None:
    with connect(server) as consensus:
        responses = consensus.call_many([finalize(1, [b"a", b"b"]), COMMIT, INFO])
    assert len(responses[0].finalize_block.tx_results) == 2
    assert responses[2].info.last_block_height == 1
    assert app.names() == ["finalize_block", "commit", "info"]


BAD_INPUTS = {
    "garbage length prefix": b"\xff" * 11,
    "undecodable frame": encode_frame(b"\xff\xff\xff"),
    "unknown request": encode_frame(b"\x22\x00"),  # field 4: SetOption, reserved
    "empty request": encode_frame(b""),
    "oversized frame": encode_uvarint(LIMIT + 1),
}
REASONS = {
    "garbage length prefix": "bad length prefix: longer than 10 bytes",
    "undecodable frame": "sent an undecodable request (3 bytes",
    "unknown request": "sent an unknown request (2 bytes, no known request field set)",
    "empty request": "sent an unknown request (0 bytes",
    "oversized frame": f"message of {LIMIT + 1} bytes exceeds the limit of {LIMIT} bytes",
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_a_bad_peer_loses_only_its_own_connection(
    server: ThreadedAbciServer, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sen.abci"), connect(server) as good:
        assert good.call(echo("before")).echo.message == "before"
        with connect(server) as bad:
            bad.send([echo("answered first")])
            bad.send_raw(BAD_INPUTS[case])
            assert bad.receive(1)[0].echo.message == "answered first"
            assert bad.is_closed_by_server()
        assert good.call(echo("still here")).echo.message == "still here"
        with connect(server) as fresh:
            assert fresh.call(echo("new")).echo.message == "new"
    assert REASONS[case] in caplog.text
    assert "closing it" in caplog.text


def test_a_truncated_frame_is_logged_and_others_go_on(
    server: ThreadedAbciServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sen.abci"):
        with connect(server) as truncated:
            truncated.send_raw(encode_frame(echo("cut short").SerializeToString())[:-3])
            truncated.sock.shutdown(socket.SHUT_WR)
            assert truncated.is_closed_by_server()
        with connect(server) as fresh:
            assert fresh.call(echo("new")).echo.message == "new"
    assert "closed in the middle of a frame" in caplog.text


def test_check_tx_exception_is_a_code_over_the_socket(socket_dir: Path) -> None:
    server = ThreadedAbciServer(FakeApp(failing=["check_txs"]), f"unix://{socket_dir / 'a.sock'}")
    server.start()
    try:
        with connect(server) as client:
            response = client.call(check_tx(b"x"))
            assert response.check_tx.code == 1
            assert client.call(echo("alive")).echo.message == "alive"
    finally:
        server.stop()


def test_consensus_exception_is_sent_then_the_connection_closes(socket_dir: Path) -> None:
    server = ThreadedAbciServer(FakeApp(failing=["commit"]), f"unix://{socket_dir / 'a.sock'}")
    server.start()
    try:
        with connect(server) as consensus:
            consensus.send([COMMIT, echo("never"), FLUSH])
            (response,) = consensus.receive(1)
            assert response.exception.error == "commit: Boom: commit exploded"
            with pytest.raises(ConnectionClosed):
                consensus.receive(1)
        with connect(server) as fresh:
            assert fresh.call(echo("served")).echo.message == "served"
    finally:
        server.stop()


def test_socket_file_is_private_replaces_a_stale_one_and_is_removed_on_stop(
    socket_dir: Path,
) -> None:
    path = socket_dir / "abci.sock"
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))  # bound, never listening: what a crashed process leaves
    stale.close()
    server = ThreadedAbciServer(FakeApp(), f"unix://{path}")
    server.start()
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert AbciClient.connect(f"unix://{path}").call(echo("x")).echo.message == "x"
    finally:
        server.stop()
    assert not path.exists()


def test_a_live_socket_or_a_regular_file_is_not_replaced(
    server: ThreadedAbciServer, socket_dir: Path
) -> None:
    with pytest.raises(ListenError, match="another process is serving"):
        ThreadedAbciServer(FakeApp(), str(server.address)).start()
    regular = socket_dir / "file"
    regular.write_text("keep me")
    with pytest.raises(ListenError, match="exists and is not a socket"):
        ThreadedAbciServer(FakeApp(), f"unix://{regular}").start()
    assert regular.read_text() == "keep me"


def test_tcp_with_an_ephemeral_port() -> None:
    server = ThreadedAbciServer(FakeApp(), "tcp://127.0.0.1:0")
    server.start()
    try:
        assert server.address.port > 0
        with connect(server) as client:
            assert client.call(echo("tcp")).echo.message == "tcp"
    finally:
        server.stop()


def test_stop_closes_open_connections(app: FakeApp, socket_dir: Path) -> None:
    server = ThreadedAbciServer(app, f"unix://{socket_dir / 'a.sock'}")
    server.start()
    client = connect(server)
    assert client.call(echo("x")).echo.message == "x"
    started = time.monotonic()
    server.stop()
    assert server.wait(0)
    assert client.is_closed_by_server()
    assert time.monotonic() - started < 5
    client.close()


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        ("unix:///run/sen/abci.sock", ListenAddress("unix", path="/run/sen/abci.sock")),
        ("unix://relative.sock", ListenAddress("unix", path="relative.sock")),
        ("tcp://127.0.0.1:26658", ListenAddress("tcp", host="127.0.0.1", port=26658)),
        ("tcp://[::1]:26658", ListenAddress("tcp", host="::1", port=26658)),
    ],
)
def test_listen_addresses(listen: str, expected: ListenAddress) -> None:
    assert ListenAddress.parse(listen) == expected
    assert str(expected) == listen


@pytest.mark.parametrize(
    ("listen", "reason"),
    [
        ("127.0.0.1:26658", "expected unix://PATH or tcp://HOST:PORT"),
        ("unix://", "expected unix:///path/to/socket"),
        ("tcp://127.0.0.1", "expected tcp://HOST:PORT"),
        ("tcp://127.0.0.1:99999", "the port is not a number from 0 to 65535"),
    ],
)
def test_bad_listen_addresses_are_named(listen: str, reason: str) -> None:
    with pytest.raises(ListenError) as caught:
        ListenAddress.parse(listen)
    assert str(caught.value) == f"cannot listen on {listen!r}: {reason}"


def test_response_exception_type_is_the_protobuf_one() -> None:
    # the generated module is the one CometBFT's descriptors describe
    assert abci.Response.DESCRIPTOR.full_name == "tendermint.abci.Response"
