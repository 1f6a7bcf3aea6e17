"""ABCI socket framing: each protobuf message preceded by its length as an unsigned varint.

This is CometBFT's ``protoio`` delimited format (``libs/protoio``, used by
``abci/types/messages.go``): the length is written with Go's
``binary.PutUvarint`` and read with ``binary.ReadUvarint`` — plain base-128,
least significant group first, not zigzag. Like ``ReadUvarint``, a prefix
longer than ten bytes or above 2**64 - 1 is an error.
"""

from __future__ import annotations

from sen.abci.errors import BadVarint, FrameError, FrameTooLarge

MAX_VARINT_BYTES = 10
MAX_UINT64 = 2**64 - 1


def encode_uvarint(value: int) -> bytes:
    if not 0 <= value <= MAX_UINT64:
        raise ValueError(f"uvarint out of range: {value}")
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def decode_uvarint(data: bytes | bytearray, start: int = 0) -> tuple[int, int] | None:
    """``(value, end)`` for the varint at ``start``; None if ``data`` ends inside it."""
    value = 0
    for i in range(MAX_VARINT_BYTES):
        position = start + i
        if position >= len(data):
            return None
        byte = data[position]
        value |= (byte & 0x7F) << (7 * i)
        if byte < 0x80:
            if i == MAX_VARINT_BYTES - 1 and byte > 1:
                raise BadVarint("value overflows 64 bits")
            return value, position + 1
    raise BadVarint(f"longer than {MAX_VARINT_BYTES} bytes")


def encode_frame(message: bytes) -> bytes:
    """``message`` (a serialized protobuf) with its length prefix."""
    return encode_uvarint(len(message)) + message


class FrameDecoder:
    """Splits a byte stream into frames, however the stream is cut into reads.

    A length prefix above ``limit`` (or not a valid varint) raises ``FrameError``
    as soon as the prefix is complete, before its body is read. Frames completed
    before a bad prefix are returned first; the next call, ``feed(b"")`` included,
    raises.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._buffer = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes received that do not yet make a whole frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        """The frames that ``data`` completes, in order."""
        self._buffer += data
        frames: list[bytes] = []
        position = 0
        try:
            while True:
                prefix = decode_uvarint(self._buffer, position)
                if prefix is None:
                    break
                length, body = prefix
                if length > self.limit:
                    raise FrameTooLarge(length, self.limit)
                if body + length > len(self._buffer):
                    break
                frames.append(bytes(self._buffer[body : body + length]))
                position = body + length
        except FrameError:
            if not frames:
                raise
        finally:
            del self._buffer[:position]
        return frames
