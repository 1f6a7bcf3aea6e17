"""Errors of the ABCI socket adapter.

::

    AbciError
    ├── FrameError          a frame on the wire cannot be read (closes that connection)
    │   ├── FrameTooLarge   its length prefix exceeds the configured limit
    │   └── BadVarint       its length prefix is not a valid unsigned varint
    ├── UntranslatableMessage   a protobuf message that has no port equivalent
    ├── ListenError         the listen address is malformed or in use
    ├── ConnectionClosed    (client) the server closed the connection before answering
    └── ProtogenError       the generated protobuf modules cannot be (re)made
"""

from __future__ import annotations


class AbciError(Exception):
    """Root of every error raised by ``sen.abci``."""


class FrameError(AbciError):
    pass


class FrameTooLarge(FrameError):
    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"message of {size} bytes exceeds the limit of {limit} bytes")


class BadVarint(FrameError):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"bad length prefix: {reason}")


class UntranslatableMessage(AbciError):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class ProtogenError(AbciError):
    pass


class ListenError(AbciError):
    def __init__(self, listen: str, reason: str) -> None:
        self.listen = listen
        self.reason = reason
        super().__init__(f"cannot listen on {listen!r}: {reason}")


class ConnectionClosed(AbciError):
    def __init__(self, received: int) -> None:
        self.received = received
        super().__init__(f"the ABCI server closed the connection after {received} responses")
