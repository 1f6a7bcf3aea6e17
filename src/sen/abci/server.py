"""The ABCI socket server that CometBFT v0.38 connects to (its ``proxy_app``).

CometBFT opens four connections (consensus, mempool, query, snapshot) without
saying which is which, so every connection is served alike: its requests are
answered strictly in order, by one worker thread of its own (application calls
block: a block takes ~100 ms, LMDB, signature checks), while other connections
proceed concurrently. Responses are buffered until a Flush request arrives.
Consecutive CheckTx requests of one type that have already arrived are handed
to ``Application.check_txs`` at once, so their signatures are verified in
parallel. What application exceptions become is set out in ``dispatch``.

A connection that sends something that is not an ABCI request (bytes that do
not frame or decode, an unknown request, a frame over the size limit) is
logged at WARNING and closed; the others, and new ones, are served as before.

::

    server = ThreadedAbciServer(app, "unix:///var/lib/sen/abci.sock")
    server.start()          # returns once the socket accepts connections
    ...
    server.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import logging
import os
import socket
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from google.protobuf.message import DecodeError

from sen.abci.dispatch import MAX_CHECK_TX_RUN, Dispatcher
from sen.abci.errors import FrameError, ListenError
from sen.abci.proto.tendermint.abci import types_pb2 as abci
from sen.abci.types import Application
from sen.abci.wire import FrameDecoder, encode_frame

log = logging.getLogger("sen.abci")

# Above CometBFT's largest possible block (types.MaxBlockSizeBytes, 100 MiB) plus
# the FinalizeBlock request around it, so no valid block is ever refused.
DEFAULT_MAX_MESSAGE_SIZE = 128 * 1024 * 1024
READ_SIZE = 256 * 1024
# Write out without waiting for Flush once this much is buffered.
WRITE_THRESHOLD = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ListenAddress:
    """``unix://PATH`` or ``tcp://HOST:PORT`` (CometBFT's ``proxy_app`` syntax)."""

    scheme: str  # "unix" or "tcp"
    path: str = ""
    host: str = ""
    port: int = 0

    @classmethod
    def parse(cls, listen: str) -> ListenAddress:
        if listen.startswith("unix://"):
            path = listen[len("unix://") :]
            if not path:
                raise ListenError(listen, "expected unix:///path/to/socket")
            return cls("unix", path=path)
        if listen.startswith("tcp://"):
            parts = urlsplit(listen)
            try:
                port = parts.port
            except ValueError:
                raise ListenError(listen, "the port is not a number from 0 to 65535") from None
            if not parts.hostname or port is None or parts.path not in ("", "/"):
                raise ListenError(listen, "expected tcp://HOST:PORT")
            return cls("tcp", host=parts.hostname, port=port)
        raise ListenError(listen, "expected unix://PATH or tcp://HOST:PORT")

    def __str__(self) -> str:
        if self.scheme == "unix":
            return f"unix://{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp://{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class _Batch:
    """What one worker-thread hop produced for the frames read so far."""

    output: bytes  # framed responses, in order
    flush: bool  # a Flush was among the requests (or the output must go now)
    failure: str | None  # an exception response ended the batch
    refusal: str | None  # a frame that is not an ABCI request ended the batch


class AbciServer:
    """An asyncio ABCI server; ``start``/``stop`` from within a running event loop."""

    def __init__(
        self,
        app: Application,
        listen: str,
        *,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        max_check_tx_run: int = MAX_CHECK_TX_RUN,
    ) -> None:
        self.listen = ListenAddress.parse(listen)
        self.max_message_size = max_message_size
        self.dispatcher = Dispatcher(app, max_check_tx_run)
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._numbers = itertools.count(1)
        self._bound = self.listen

    @property
    def address(self) -> ListenAddress:
        """Where the server listens (with the actual port when asked for port 0)."""
        return self._bound

    @property
    def connections(self) -> int:
        """ABCI connections open now."""
        return len(self._connections)

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the ABCI server is already started")
        if self.listen.scheme == "unix":
            listener = _unix_listener(self.listen)
            self._server = await asyncio.start_unix_server(self._serve, sock=listener)
        else:
            try:
                self._server = await asyncio.start_server(
                    self._serve, self.listen.host, self.listen.port
                )
            except OSError as exc:
                raise ListenError(str(self.listen), exc.strerror or str(exc)) from None
            host, port = self._server.sockets[0].getsockname()[:2]
            self._bound = ListenAddress("tcp", host=host, port=port)
        log.info("ABCI server listening on %s", self._bound)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()
        if self.listen.scheme == "unix":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.listen.path)
        log.info("ABCI server on %s stopped", self._bound)

    # -- one connection -------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        number = next(self._numbers)
        peer = writer.get_extra_info("peername")
        name = f"ABCI connection {number} on {self._bound}" + (
            f" from {peer[0]}:{peer[1]}" if isinstance(peer, tuple) else ""
        )
        worker = ThreadPoolExecutor(1, thread_name_prefix=f"sen-abci-{number}")
        log.info("%s opened", name)
        try:
            await self._converse(reader, writer, worker, name)
        except ConnectionError as exc:
            log.info("%s lost: %s", name, exc)
        except asyncio.CancelledError:
            # stop(): end quietly (asyncio's stream callback would log a cancelled task).
            log.info("%s closed by the server", name)
        finally:
            self._connections.discard(task)
            worker.shutdown(wait=False)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _converse(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        worker: ThreadPoolExecutor,
        name: str,
    ) -> None:
        loop = asyncio.get_running_loop()
        decoder = FrameDecoder(self.max_message_size)
        pending = bytearray()
        while True:
            data = await reader.read(READ_SIZE)
            if not data:
                if decoder.buffered:
                    log.warning(
                        "%s closed in the middle of a frame (%d bytes unread)",
                        name,
                        decoder.buffered,
                    )
                else:
                    log.info("%s closed by the peer", name)
                return
            while True:
                try:
                    frames = decoder.feed(data)
                except FrameError as exc:
                    await _write(writer, pending)
                    log.warning("%s sent a bad frame (%s); closing it", name, exc)
                    return
                if not frames:
                    break
                data = b""
                batch = await loop.run_in_executor(worker, self._answer, frames)
                pending += batch.output
                if batch.flush or batch.failure or batch.refusal or len(pending) > WRITE_THRESHOLD:
                    await _write(writer, pending)
                if batch.failure is not None:
                    log.error("%s answered with an exception (%s); closing it", name, batch.failure)
                    return
                if batch.refusal is not None:
                    log.warning("%s sent %s; closing it", name, batch.refusal)
                    return

    def _answer(self, frames: list[bytes]) -> _Batch:
        """Decode ``frames``, answer them in order and frame the responses (worker thread)."""
        requests: list[abci.Request] = []
        refusal: str | None = None
        for frame in frames:
            try:
                request = abci.Request.FromString(frame)
            except DecodeError as exc:
                refusal = f"an undecodable request ({len(frame)} bytes: {exc})"
                break
            method = request.WhichOneof("value")
            if not self.dispatcher.knows(method):
                refusal = f"an unknown request ({len(frame)} bytes, no known request field set)"
                break
            requests.append(request)
        answers = self.dispatcher.answer_all(requests)
        output = b"".join(encode_frame(r.SerializeToString()) for r in answers.responses)
        flush = any(r.WhichOneof("value") == "flush" for r in requests)
        return _Batch(output, flush, answers.failure, refusal)


async def _write(writer: asyncio.StreamWriter, pending: bytearray) -> None:
    if pending:
        writer.write(bytes(pending))
        pending.clear()
    await writer.drain()


def _unix_listener(address: ListenAddress) -> socket.socket:
    """A bound unix socket, mode 0600, replacing a stale socket file left by a crash."""
    path = address.path
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None:
        if not stat.S_ISSOCK(mode):
            raise ListenError(str(address), f"{path} exists and is not a socket")
        if _someone_listens(path):
            raise ListenError(str(address), f"another process is serving {path}")
        log.info("removing the stale socket file %s", path)
        os.unlink(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(path)
        os.chmod(path, 0o600)  # before listen(): nobody can connect in between
    except OSError as exc:
        listener.close()
        raise ListenError(str(address), exc.strerror or str(exc)) from None
    return listener


def _someone_listens(path: str) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(path)
    except OSError as exc:
        if exc.errno in (errno.ECONNREFUSED, errno.ENOENT):
            return False
        raise ListenError(f"unix://{path}", f"cannot probe the existing socket: {exc}") from None
    finally:
        probe.close()
    return True


class ThreadedAbciServer:
    """An ``AbciServer`` on an event loop of its own, in a background thread.

    For a process that runs other things too (the node's HTTP API).
    """

    def __init__(
        self,
        app: Application,
        listen: str,
        *,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        max_check_tx_run: int = MAX_CHECK_TX_RUN,
    ) -> None:
        self.server = AbciServer(
            app, listen, max_message_size=max_message_size, max_check_tx_run=max_check_tx_run
        )
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def address(self) -> ListenAddress:
        return self.server.address

    @property
    def connections(self) -> int:
        """ABCI connections open now (CometBFT holds four while it runs)."""
        return self.server.connections

    def start(self, timeout: float = 10.0) -> None:
        """Start serving; returns once the socket accepts connections (or raises why not)."""
        if self._thread is not None:
            raise RuntimeError("the ABCI server is already started")
        self._thread = threading.Thread(target=self._run, name="sen-abci", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"the ABCI server did not start within {timeout} s")
        if self._error is not None:
            self._thread.join()
            raise self._error

    def stop(self, timeout: float = 10.0) -> None:
        """Close the listener and every connection, and wait for the thread to end."""
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stopping.set)
        self.wait(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the server thread to end; True if it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            await self.server.stop()
