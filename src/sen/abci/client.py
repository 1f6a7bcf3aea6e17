"""A small blocking ABCI socket client: for tests, benchmarks and health checks.

It speaks the same framing CometBFT's socket client does; requests are sent
as they are given, and a Flush makes the server send everything it buffered.

::

    with AbciClient.connect("unix:///var/lib/sen/abci.sock") as client:
        info = client.call(abci.Request(info=abci.RequestInfo())).info
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from types import TracebackType

from sen.abci.errors import AbciError, ConnectionClosed
from sen.abci.proto.tendermint.abci import types_pb2 as abci
from sen.abci.server import DEFAULT_MAX_MESSAGE_SIZE, ListenAddress
from sen.abci.wire import FrameDecoder, encode_frame

FLUSH = abci.Request(flush=abci.RequestFlush())


class AbciClient:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._decoder = FrameDecoder(DEFAULT_MAX_MESSAGE_SIZE)
        self._ready: list[bytes] = []

    @classmethod
    def connect(cls, listen: str, timeout: float = 10.0) -> AbciClient:
        address = ListenAddress.parse(listen)
        if address.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(address.path)
        else:
            sock = socket.create_connection((address.host, address.port), timeout)
        return cls(sock)

    def send(self, requests: Iterable[abci.Request]) -> None:
        """Send requests without waiting (the server answers them at the next Flush)."""
        self.sock.sendall(b"".join(encode_frame(r.SerializeToString()) for r in requests))

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def receive(self, count: int) -> list[abci.Response]:
        """The next ``count`` responses; ``ConnectionClosed`` if the server closes first."""
        received: list[abci.Response] = []
        while len(received) < count:
            if not self._ready:
                data = self.sock.recv(1 << 16)
                if not data:
                    raise ConnectionClosed(len(received))
                self._ready.extend(self._decoder.feed(data))
                continue
            received.append(abci.Response.FromString(self._ready.pop(0)))
        return received

    def call_many(self, requests: list[abci.Request]) -> list[abci.Response]:
        """Send ``requests`` and a Flush; their responses (the Flush's left out)."""
        self.send([*requests, FLUSH])
        responses = self.receive(len(requests) + 1)
        if responses[-1].WhichOneof("value") != "flush":
            raise AbciError(f"expected a Flush response last, got {responses[-1]}")
        return responses[:-1]

    def call(self, request: abci.Request) -> abci.Response:
        return self.call_many([request])[0]

    def is_closed_by_server(self, timeout: float = 5.0) -> bool:
        """True if the server closes the connection (reads to the end) within ``timeout``."""
        self.sock.settimeout(timeout)
        try:
            while self.sock.recv(1 << 16):
                pass
        except TimeoutError:
            return False
        except ConnectionError:
            return True
        return True

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> AbciClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
