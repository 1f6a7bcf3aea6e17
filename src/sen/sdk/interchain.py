"""Light clients and packets from the SDK: the reads a relayer needs, and the actions.

::

    from sen.sdk import Client
    from sen.sdk.interchain import Interchain

    a = Interchain(Client.http("http://127.0.0.1:26680"))
    client = a.client("sen-client-0")          # with its proof, checked here
    for sequence in a.pending("sen-client-0"):
        print(a.sent_packet("sen-client-0", sequence))

The proofs :meth:`Interchain.prove` returns are checked against the
``app_hash`` they name before they are returned (``docs/spec/state-proofs.md``);
that app hash is only as good as the header that carries it, which is what the
other chain's light client verifies. Other reads are a relayer's bookkeeping:
a chain refuses whatever they would lead a relayer to submit wrongly.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from sen.ledger.crypto import SigningKey
from sen.ledger.ibc import Packet, Payload
from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof
from sen.sdk.client import Client
from sen.sdk.errors import BadAnswer, NotFound, VerificationFailed
from sen.sdk.models import TxInfo

P = ParamSpec("P")
R = TypeVar("R")

__all__ = [
    "ClientInfo",
    "Consensus",
    "Interchain",
    "LightBlock",
    "ProvedKeys",
    "SentPacket",
    "packet_args",
    "proof_args",
]


MAX_PENDING = 1_000_000  # sequences read in one call: more is a node paging forever


@dataclass(frozen=True, slots=True)
class ClientInfo:
    client_id: str
    chain_id: str
    trusting_period: int
    latest_height: int
    frozen_height: int
    counterparty_client_id: str
    latest_time: str  # RFC 3339
    expires: str  # RFC 3339
    root: bytes
    usable_from: int = 0  # consensus states below are void (the client was recovered)

    @property
    def frozen(self) -> bool:
        return self.frozen_height != 0


@dataclass(frozen=True, slots=True)
class Consensus:
    """What a client verified at one counterparty height."""

    height: int
    time: str  # RFC 3339
    root: bytes
    next_validators_hash: bytes


@dataclass(frozen=True, slots=True)
class LightBlock:
    """A signed header, in the JSON ``update_client`` takes."""

    height: int
    header: dict[str, Any]
    commit: dict[str, Any]
    validators: dict[str, Any]

    @property
    def app_hash(self) -> bytes:
        return bytes.fromhex(str(self.header["app_hash"]))

    @property
    def time(self) -> str:
        return str(self.header["time"])

    @property
    def next_validators_hash(self) -> bytes:
        return bytes.fromhex(str(self.header["next_validators_hash"]))

    def as_args(self) -> dict[str, Any]:
        """``header``, ``commit`` and ``validators``, as the interchain actions take them."""
        return {"header": self.header, "commit": self.commit, "validators": self.validators}


@dataclass(frozen=True, slots=True)
class ProvedKeys:
    """Values and proofs of several keys, all against ``app_hash`` (after ``height``)."""

    height: int
    app_hash: bytes
    values: dict[bytes, bytes | None]
    proofs: dict[bytes, dict[str, Any]]  # key -> {siblings, leaf_path, leaf_value_hash}


@dataclass(frozen=True, slots=True)
class SentPacket:
    packet: Packet
    height: int
    pending: bool


def proof_args(proof: Mapping[str, Any]) -> dict[str, Any]:
    """A REST proof as the ``proof`` argument of a packet action."""
    return {
        "siblings": list(proof["siblings"]),
        "leaf_path": proof.get("leaf_path"),
        "leaf_value_hash": proof.get("leaf_value_hash"),
    }


def packet_args(packet: Packet) -> dict[str, Any]:
    """A packet as the ``packet`` argument of ``recv_packet``/``acknowledge_packet``/…"""
    return {
        "sequence": packet.sequence,
        "source_client": packet.source_client,
        "destination_client": packet.destination_client,
        "timeout_timestamp": packet.timeout_timestamp,
        "payloads": [
            {
                "source_port": p.source_port,
                "destination_port": p.destination_port,
                "version": p.version,
                "encoding": p.encoding,
                "value": p.value,
            }
            for p in packet.payloads
        ],
    }


def _sent(body: Mapping[str, Any]) -> SentPacket:
    doc = body["packet"]
    packet = Packet(
        int(doc["sequence"]),
        str(doc["source_client"]),
        str(doc["destination_client"]),
        int(doc["timeout_timestamp"]),
        tuple(
            Payload(
                str(p["source_port"]),
                str(p["destination_port"]),
                str(p["version"]),
                str(p["encoding"]),
                base64.b64decode(p["value"]),
            )
            for p in doc["payloads"]
        ),
    )
    return SentPacket(packet, int(body["height"]), bool(body["pending"]))


def _proof_bytes(proof: Mapping[str, Any]) -> tuple[list[bytes], bytes | None, bytes | None]:
    siblings = [bytes.fromhex(s) for s in proof["siblings"]]
    leaf_path = proof.get("leaf_path")
    leaf_value = proof.get("leaf_value_hash")
    return (
        siblings,
        None if leaf_path is None else bytes.fromhex(leaf_path),
        None if leaf_value is None else bytes.fromhex(leaf_value),
    )


def _check(app_hash: bytes, key: bytes, value: bytes | None, proof: Mapping[str, Any]) -> None:
    siblings, leaf_path, leaf_value = _proof_bytes(proof)
    try:
        verify_state_proof(app_hash, key, value, siblings, leaf_path, leaf_value)
    except StateProofError as exc:
        raise VerificationFailed(
            "state-proof", f"the proof of key {key.hex()} fails: {exc}"
        ) from None


def _answer(read: Callable[P, R]) -> Callable[P, R]:
    """A read whose answer, if not of the promised shape, raises :class:`BadAnswer` (not a
    KeyError or ValueError deep in a caller: a relayer must survive a faulty node)."""

    @functools.wraps(read)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return read(*args, **kwargs)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise BadAnswer(
                f"{read.__name__}: the node's answer is malformed: {exc!r}"[:300]
            ) from None

    return checked


class Interchain:
    """The interchain reads and actions of one node."""

    def __init__(self, client: Client) -> None:
        self.sdk = client

    # -- reads ---------------------------------------------------------------
    def _found(self, path: str) -> dict[str, Any] | None:
        """``path``'s answer, or None when the node has no such thing (404); other
        problems raise the SDK's errors."""
        try:
            return self.sdk.get(path)
        except NotFound:
            return None

    @_answer
    def client(self, client_id: str) -> ClientInfo:
        body = self.sdk.get(f"/v1/interchain/clients/{client_id}")
        latest = body["latest"]
        return ClientInfo(
            client_id=str(body["client_id"]),
            chain_id=str(body["chain_id"]),
            trusting_period=int(body["trusting_period"]),
            latest_height=int(body["latest_height"]),
            frozen_height=int(body["frozen_height"]),
            counterparty_client_id=str(body.get("counterparty_client_id", "")),
            latest_time=str(latest["time"]),
            expires=str(body["expires"]),
            root=bytes.fromhex(latest["root"]),
            usable_from=int(body.get("usable_from", 0)),
        )

    @_answer
    def has_consensus(self, client_id: str, height: int) -> bool:
        status, _ = self.sdk.transport.request(
            "GET", f"/v1/interchain/clients/{client_id}/consensus/{height}"
        )
        return status == 200

    @_answer
    def consensus(self, client_id: str, height: int) -> Consensus | None:
        body = self._found(f"/v1/interchain/clients/{client_id}/consensus/{height}")
        if body is None:
            return None
        doc = body["consensus"]
        return Consensus(
            int(doc["height"]),
            str(doc["time"]),
            bytes.fromhex(doc["root"]),
            bytes.fromhex(doc["next_validators_hash"]),
        )

    @_answer
    def consensus_heights(self, client_id: str, *, after: int = 0, limit: int = 100) -> list[int]:
        """Up to ``limit`` heights the client holds consensus states for, above ``after``."""
        body = self.sdk.get(
            f"/v1/interchain/clients/{client_id}/consensus",
            params={"after": str(after), "limit": str(limit)},
        )
        return [int(h) for h in body["heights"]]

    @_answer
    def client_update(self, client_id: str, height: int) -> dict[str, Any] | None:
        """The signed header (with ``trusted_height``/``trusted_validators``) the client was
        updated with at ``height``, or None (e.g. the height it was created at)."""
        body = self._found(f"/v1/interchain/clients/{client_id}/updates/{height}")
        if body is None:
            return None
        signed = {k: body[k] for k in ("header", "commit", "validators", "trusted_height")}
        if body.get("trusted_validators") is not None:
            signed["trusted_validators"] = body["trusted_validators"]
        return signed

    @_answer
    def light_block(self, height: int) -> LightBlock | None:
        body = self._found(f"/v1/interchain/headers/{height}")
        if body is None:
            return None
        return LightBlock(int(body["height"]), body["header"], body["commit"], body["validators"])

    @_answer
    def validator_history(self, height: int) -> list[dict[str, Any]]:
        """The signed validator-set changes from genesis to ``height`` (empty: none)."""
        body = self.sdk.get(f"/v1/interchain/headers/{height}", params={"history": "true"})
        return list(body.get("validator_history") or [])

    @_answer
    def prove(self, keys: Sequence[bytes]) -> ProvedKeys:
        """Values and proofs of ``keys`` from one snapshot, each proof checked here."""
        body = self.sdk.post("/v1/interchain/proofs", {"keys": [k.hex() for k in keys]})
        app_hash = bytes.fromhex(body["app_hash"])
        values: dict[bytes, bytes | None] = {}
        proofs: dict[bytes, dict[str, Any]] = {}
        for item in body["proofs"]:
            key = bytes.fromhex(item["key"])
            value = None if item["value"] is None else bytes.fromhex(item["value"])
            _check(app_hash, key, value, item["proof"])
            values[key] = value
            proofs[key] = proof_args(item["proof"])
        return ProvedKeys(int(body["height"]), app_hash, values, proofs)

    @_answer
    def pending(self, client_id: str, *, limit: int = 1000) -> list[int]:
        """Every sequence still committed on this chain for ``client_id``."""
        found: list[int] = []
        after = 0
        while True:
            body = self.sdk.get(
                f"/v1/interchain/clients/{client_id}/pending",
                params={"after": str(after), "limit": str(limit)},
            )
            found.extend(int(s) for s in body["sequences"])
            following = body.get("next_after")
            if following is None:
                return found
            if int(following) <= after or len(found) > MAX_PENDING:
                raise BadAnswer(
                    f"pending: the pages do not move on (after {after}, next {following}) "
                    f"or exceed {MAX_PENDING} sequences"
                )
            after = int(following)

    @_answer
    def sent_packet(self, client_id: str, sequence: int) -> SentPacket:
        return _sent(self.sdk.get(f"/v1/interchain/packets/{client_id}/{sequence}"))

    @_answer
    def sent_packets(self, client_id: str, sequences: Sequence[int]) -> dict[int, SentPacket]:
        """Several packets as sent (those found), in one request per 256."""
        found: dict[int, SentPacket] = {}
        for start in range(0, len(sequences), 256):
            body = self.sdk.post(
                "/v1/interchain/packets",
                {"client_id": client_id, "sequences": list(sequences[start : start + 256])},
            )
            for item in body["packets"]:
                sent = _sent(item)
                found[sent.packet.sequence] = sent
        return found

    @_answer
    def acknowledgements_of(
        self, client_id: str, sequences: Sequence[int]
    ) -> dict[int, list[bytes]]:
        """The acknowledgements of several packets received here (those found)."""
        found: dict[int, list[bytes]] = {}
        for start in range(0, len(sequences), 256):
            body = self.sdk.post(
                "/v1/interchain/acknowledgements",
                {"client_id": client_id, "sequences": list(sequences[start : start + 256])},
            )
            for item in body["acknowledgements"]:
                found[int(item["sequence"])] = [bytes.fromhex(a) for a in item["acknowledgements"]]
        return found

    @_answer
    def acknowledgements(self, client_id: str, sequence: int) -> list[bytes]:
        body = self.sdk.get(f"/v1/interchain/acknowledgements/{client_id}/{sequence}")
        return [bytes.fromhex(a) for a in body["acknowledgements"]]

    # -- actions ---------------------------------------------------------------
    def create_client(
        self,
        key: SigningKey,
        block: LightBlock,
        trusting_period: int,
        *,
        max_clock_drift: int | None = None,
        trust_level: tuple[int, int] | None = None,
        timeout: float = 30.0,
    ) -> str:
        """Create a client of the chain ``block`` is from, trusting ``block``; its id."""
        args: dict[str, Any] = {**block.as_args(), "trusting_period": trusting_period}
        if max_clock_drift is not None:
            args["max_clock_drift"] = max_clock_drift
        if trust_level is not None:
            args["trust_level"] = {"numerator": trust_level[0], "denominator": trust_level[1]}
        info = self.sdk.send(key, "interchain", "create_client", args, timeout=timeout)
        data = info.result.data if info.result is not None else ""
        return bytes.fromhex(data).decode()

    def register_counterparty(
        self, key: SigningKey, client_id: str, counterparty_client_id: str, *, timeout: float = 30.0
    ) -> TxInfo:
        args = {"client_id": client_id, "counterparty_client_id": counterparty_client_id}
        return self.sdk.send(key, "interchain", "register_counterparty", args, timeout=timeout)

    def submit_misbehaviour(
        self,
        key: SigningKey,
        client_id: str,
        first: Mapping[str, Any],
        second: Mapping[str, Any],
        *,
        timeout: float = 30.0,
    ) -> TxInfo:
        """Freeze ``client_id`` with two conflicting signed headers (each with its
        ``trusted_height`` and, when skipping, ``trusted_validators``)."""
        args = {"client_id": client_id, "first": dict(first), "second": dict(second)}
        return self.sdk.send(key, "interchain", "submit_misbehaviour", args, timeout=timeout)

    def update_client(
        self,
        key: SigningKey,
        client_id: str,
        block: LightBlock,
        trusted_height: int,
        trusted_validators: Mapping[str, Any] | None = None,
        *,
        timeout: float = 30.0,
    ) -> TxInfo:
        args: dict[str, Any] = {
            "client_id": client_id,
            "header": block.header,
            "commit": block.commit,
            "validators": block.validators,
            "trusted_height": trusted_height,
        }
        if trusted_validators is not None:
            args["trusted_validators"] = dict(trusted_validators)
        return self.sdk.send(key, "interchain", "update_client", args, timeout=timeout)

    def send_packet(
        self,
        key: SigningKey,
        source_client: str,
        destination_client: str,
        timeout_timestamp: int,
        payloads: Sequence[Payload],
        *,
        timeout: float = 30.0,
    ) -> int:
        """Send a packet; its sequence."""
        args = {
            "source_client": source_client,
            "destination_client": destination_client,
            "timeout_timestamp": timeout_timestamp,
            "payloads": packet_args(
                Packet(0, source_client, destination_client, timeout_timestamp, tuple(payloads))
            )["payloads"],
        }
        info = self.sdk.send(key, "interchain", "send_packet", args, timeout=timeout)
        data = info.result.data if info.result is not None else ""
        return int(bytes.fromhex(data).decode()) if data else 0
