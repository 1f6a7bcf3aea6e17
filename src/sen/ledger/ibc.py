"""IBC v2's packet formats, as bytes: packet and acknowledgement commitments, and host keys.

Sen's cross-chain packets (``docs/adr/0012-interchain.md``) are IBC-v2-shaped
so that a later link to ibc-go chains needs no change of format. These are the
parts that must be byte for byte IBC v2 (ICS-04 v2, ICS-24 v2 host
requirements), written from the specification and checked against the
vectors ibc-go documents for other implementations
(``tests/conformance/test_ibc_v2_vectors.py``)::

    payload hash  = SHA-256(SHA-256(source port) ‖ SHA-256(destination port)
                            ‖ SHA-256(version) ‖ SHA-256(encoding) ‖ SHA-256(value))
    commitment    = SHA-256(0x02 ‖ SHA-256(destination client)
                            ‖ SHA-256(uint64_be(timeout)) ‖ SHA-256(payload hash ‖ …))
    ack commitment = SHA-256(0x02 ‖ SHA-256(app ack 1) ‖ SHA-256(app ack 2) ‖ …)

    commitment key      = client id ‖ 0x01 ‖ uint64_be(sequence)
    receipt key         = client id ‖ 0x02 ‖ uint64_be(sequence)
    acknowledgement key = client id ‖ 0x03 ‖ uint64_be(sequence)

Every preimage is of fixed length per field (each field hashed first), so a
relayer cannot move bytes between fields to forge a matching commitment. The
timeout is in **seconds** since the Unix epoch, judged against the
destination chain's block time. Packets are checked as IBC v2's
``ValidateBasic`` does (:func:`packet_problem`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ERROR_ACKNOWLEDGEMENT",
    "MAX_PAYLOADS_BYTES",
    "Packet",
    "Payload",
    "ack_commitment",
    "acknowledgement_key",
    "client_id_problem",
    "packet_commitment",
    "packet_commitment_key",
    "packet_problem",
    "payload_hash",
    "receipt_key",
]

COMMITMENT_VERSION = b"\x02"
COMMITMENT_PREFIX = 1
RECEIPT_PREFIX = 2
ACKNOWLEDGEMENT_PREFIX = 3
MAX_PAYLOADS_BYTES = 262_144
"""All of a packet's payload values together, at most (IBC's 256 KiB)."""
MAX_SEQUENCE = 2**64 - 1
ERROR_ACKNOWLEDGEMENT = hashlib.sha256(b"UNIVERSAL_ERROR_ACKNOWLEDGEMENT").digest()
"""The app acknowledgement every IBC v2 application writes when it fails a packet."""
_IDENTIFIER = re.compile(r"[a-zA-Z0-9._+\-#\[\]<>]+")
CLIENT_ID_LENGTH = (8, 64)  # IBC v2 packets name clients where v1 named channels
PORT_ID_LENGTH = (2, 128)


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@dataclass(frozen=True, slots=True)
class Payload:
    """One application's data in a packet: from which port to which, in what format."""

    source_port: str
    destination_port: str
    version: str
    encoding: str  # a media type, e.g. "application/json"
    value: bytes


@dataclass(frozen=True, slots=True)
class Packet:
    sequence: int
    source_client: str
    destination_client: str
    timeout_timestamp: int  # seconds since the Unix epoch, destination chain's time
    payloads: tuple[Payload, ...]


def payload_hash(payload: Payload) -> bytes:
    return _sha(
        _sha(payload.source_port.encode())
        + _sha(payload.destination_port.encode())
        + _sha(payload.version.encode())
        + _sha(payload.encoding.encode())
        + _sha(payload.value)
    )


def packet_commitment(packet: Packet) -> bytes:
    """What the sending chain stores under :func:`packet_commitment_key` (32 bytes)."""
    payloads = b"".join(payload_hash(p) for p in packet.payloads)
    return _sha(
        COMMITMENT_VERSION
        + _sha(packet.destination_client.encode())
        + _sha(packet.timeout_timestamp.to_bytes(8, "big"))
        + _sha(payloads)
    )


def ack_commitment(app_acknowledgements: Sequence[bytes]) -> bytes:
    """What the receiving chain stores under :func:`acknowledgement_key` (32 bytes)."""
    return _sha(COMMITMENT_VERSION + b"".join(_sha(ack) for ack in app_acknowledgements))


def _key(client_id: str, prefix: int, sequence: int) -> bytes:
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"a sequence is a 64-bit unsigned integer, got {sequence}")
    return client_id.encode() + bytes([prefix]) + sequence.to_bytes(8, "big")


def packet_commitment_key(client_id: str, sequence: int) -> bytes:
    return _key(client_id, COMMITMENT_PREFIX, sequence)


def receipt_key(client_id: str, sequence: int) -> bytes:
    return _key(client_id, RECEIPT_PREFIX, sequence)


def acknowledgement_key(client_id: str, sequence: int) -> bytes:
    return _key(client_id, ACKNOWLEDGEMENT_PREFIX, sequence)


def _identifier_problem(value: str, bounds: tuple[int, int], what: str) -> str | None:
    low, high = bounds
    if not low <= len(value) <= high or _IDENTIFIER.fullmatch(value) is None:
        return (
            f"{what} must be {low}-{high} of a-z, A-Z, 0-9 and . _ + - # [ ] < >, "
            f"got {value[:80]!r}"
        )
    return None


def client_id_problem(value: str, what: str = "client id") -> str | None:
    """Why ``value`` is not an IBC v2 client id (8-64 identifier characters), or None."""
    return _identifier_problem(value, CLIENT_ID_LENGTH, what)


def packet_problem(packet: Packet) -> str | None:
    """What makes ``packet`` invalid before any state is read (IBC v2 ``ValidateBasic``)."""
    if not packet.payloads:
        return "a packet has at least one payload"
    for n, payload in enumerate(packet.payloads):
        for value, what in (
            (payload.source_port, "source port"),
            (payload.destination_port, "destination port"),
        ):
            problem = _identifier_problem(value, PORT_ID_LENGTH, f"payloads[{n}] {what}")
            if problem:
                return problem
        if not payload.version.strip() or not payload.encoding.strip():
            return f"payloads[{n}]: version and encoding must not be empty"
        if not payload.value:
            return f"payloads[{n}]: the value must not be empty"
    total = sum(len(p.value) for p in packet.payloads)
    if total > MAX_PAYLOADS_BYTES:
        return f"the payloads hold {total} bytes, over {MAX_PAYLOADS_BYTES}"
    for value, what in (
        (packet.source_client, "source client"),
        (packet.destination_client, "destination client"),
    ):
        problem = _identifier_problem(value, CLIENT_ID_LENGTH, what)
        if problem:
            return problem
    if not 1 <= packet.sequence <= MAX_SEQUENCE:
        return f"the sequence must be 1 to 2^64-1, got {packet.sequence}"
    if not 1 <= packet.timeout_timestamp <= MAX_SEQUENCE:
        return f"the timeout must be 1 to 2^64-1 seconds, got {packet.timeout_timestamp}"
    return None
