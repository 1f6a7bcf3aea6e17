"""Port ``status-query``: ask another chain whether a credential's status bit is set.

Chain A (say, the Ministry of Labour's vocational chain) sends a payload
naming a status list entry on chain B (the education chain); B answers with
the bit as its state holds it; when A proves B's acknowledgement, A records the
answer, which anyone can then read from A's state (with a state proof) instead
of trusting B's API. A timeout records that no answer came.

Payload value (``application/json``, exactly these keys)::

    {"issuer": "did:sen:vnu", "list": "bang-2025", "index": 94567}

Acknowledgement (``application/json``)::

    {"status": 0 | 1, "purpose": "revocation" | "suspension", "version": n}

or IBC's error acknowledgement when B has no such list or index. Answers are
kept at ``interchain/answers/<source client>/<sequence:8>``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.ibc import ERROR_ACKNOWLEDGEMENT, Packet, Payload
from sen.ledger.modules.base import Context
from sen.ledger.modules.interchain.ports import register_port
from sen.ledger.modules.status.actions import LIST_NAME_PATTERN, issuer_problem
from sen.ledger.modules.status.bitstring import status_at
from sen.ledger.modules.status.records import load_bits, load_list
from sen.ledger.state import StateReader

__all__ = ["PORT_NAME", "answer_key", "load_answer"]

PORT_NAME = "status-query"
VERSION = "sen-status-1"
ENCODING = "application/json"
ANSWERS_PREFIX = b"interchain/answers/"
MAX_INDEX = 2**32


def answer_key(source_client: str, sequence: int) -> bytes:
    return ANSWERS_PREFIX + source_client.encode() + b"/" + sequence.to_bytes(8, "big")


def load_answer(state: StateReader, source_client: str, sequence: int) -> dict[str, Any] | None:
    stored = state.get(answer_key(source_client, sequence))
    return None if stored is None else dict(encoding.decode(stored))


MAX_VALUE_BYTES = 1024
_STRUCTURE = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[{]')


def _flat_object(value: bytes) -> dict[str, Any] | None:
    """``value`` as a JSON object of scalars, read only if it is small and flat.

    Runs inside consensus on bytes another chain chose: the size and nesting are
    checked on the raw bytes *before* parsing (a deeply nested value would exhaust
    the parser's recursion, and how deep is too deep differs between interpreters);
    floats, NaN/Infinity, huge integers and duplicate keys are refused, so every
    node reads the same thing or nothing.
    """
    if len(value) > MAX_VALUE_BYTES:
        return None
    openings = [m for m in _STRUCTURE.findall(value) if m in (b"[", b"{")]
    if openings != [b"{"]:
        return None

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate key")
        return dict(items)

    def no_float(text: str) -> Any:
        raise ValueError(f"not an integer: {text[:20]}")

    def bounded_int(text: str) -> int:
        if len(text) > 20:
            raise ValueError("integer too long")
        return int(text)

    try:
        parsed = json.loads(
            value.decode("utf-8"),
            object_pairs_hook=pairs,
            parse_float=no_float,
            parse_int=bounded_int,
            parse_constant=no_float,
        )
    except (UnicodeDecodeError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _query(value: bytes) -> tuple[str, str, int] | None:
    """The queried entry, or None if the value is not exactly a query."""
    query = _flat_object(value)
    if query is None or set(query) != {"issuer", "list", "index"}:
        return None
    issuer, name, index = query["issuer"], query["list"], query["index"]
    if (
        issuer_problem(issuer) is not None
        or not isinstance(name, str)
        or LIST_NAME_PATTERN.fullmatch(name) is None
        or isinstance(index, bool)
        or not isinstance(index, int)
        or not 0 <= index < MAX_INDEX
    ):
        return None
    return issuer, name, index


def _answer(ack: bytes) -> dict[str, Any] | None:
    answer = _flat_object(ack)
    if answer is None or set(answer) != {"status", "purpose", "version"}:
        return None
    status, purpose, version = answer["status"], answer["purpose"], answer["version"]
    if (
        status not in (0, 1)
        or isinstance(status, bool)
        or purpose not in ("revocation", "suspension")
        or isinstance(version, bool)
        or not isinstance(version, int)
        or not 1 <= version < 2**63
    ):
        return None
    return {"status": status, "purpose": purpose, "version": version}


class StatusQueryPort:
    name = PORT_NAME
    version = VERSION
    encoding = ENCODING

    def on_send(self, ctx: Context, packet: Packet, payload: Payload, field: str) -> None:
        if sum(1 for p in packet.payloads if p.source_port == PORT_NAME) > 1:
            raise TxRejected(  # its answer is recorded per packet: one question per packet
                ResultCode.INVALID_PACKET,
                "a packet carries one status question",
                field=field,
                expected="one status-query payload per packet",
                got=sum(1 for p in packet.payloads if p.source_port == PORT_NAME),
            )
        if payload.version != VERSION or payload.encoding != ENCODING:
            raise TxRejected(
                ResultCode.INVALID_PACKET,
                "the status-query port speaks one version and encoding",
                field=field,
                expected=f"version {VERSION}, encoding {ENCODING}",
                got=f"{payload.version}, {payload.encoding}"[:80],
            )
        if _query(payload.value) is None:
            raise TxRejected(
                ResultCode.INVALID_PACKET,
                "not a status query",
                field=f"{field}.value",
                expected='{"issuer": DID, "list": name, "index": n} as JSON',
                got=payload.value[:80].decode("utf-8", "replace"),
            )

    def on_recv(self, ctx: Context, packet: Packet, payload: Payload) -> bytes:
        query = _query(payload.value)
        if query is None:
            return ERROR_ACKNOWLEDGEMENT
        issuer, name, index = query
        record = load_list(ctx.state, issuer, name)
        bits = load_bits(ctx.state, issuer, name)
        if record is None or bits is None or index >= record.size:
            return ERROR_ACKNOWLEDGEMENT
        answer = {
            "status": status_at(bits, index),
            "purpose": record.purpose,
            "version": record.version,
        }
        return json.dumps(answer, sort_keys=True, separators=(",", ":")).encode()

    def on_acknowledge(self, ctx: Context, packet: Packet, payload: Payload, ack: bytes) -> None:
        query = _query(payload.value)
        assert query is not None  # checked when it was sent
        issuer, name, index = query
        record: dict[str, Any] = {
            "issuer": issuer,
            "list": name,
            "index": index,
            "answered_height": ctx.block.height,
        }
        answer = _answer(ack)
        if ack == ERROR_ACKNOWLEDGEMENT:
            record["outcome"] = "refused"
        elif answer is None:  # proved, so the counterparty's chain wrote it: say so
            record["outcome"] = "malformed acknowledgement"
        else:
            record.update(outcome="answered", **answer)
        ctx.state.set(answer_key(packet.source_client, packet.sequence), encoding.encode(record))

    def on_timeout(self, ctx: Context, packet: Packet, payload: Payload) -> None:
        query = _query(payload.value)
        assert query is not None
        issuer, name, index = query
        record = {
            "issuer": issuer,
            "list": name,
            "index": index,
            "answered_height": ctx.block.height,
            "outcome": "timed out",
        }
        ctx.state.set(answer_key(packet.source_client, packet.sequence), encoding.encode(record))


PORT = register_port(StatusQueryPort())
