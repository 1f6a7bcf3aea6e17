"""What the interchain module keeps: light clients of other chains and their consensus states.

State layout (``docs/spec/interchain.md`` §2)::

    interchain/next-client                       n      the next client's number
    interchain/client/<client id>                ClientState
    interchain/consensus/<client id>/<height:8>  ConsensusState   per verified header

A consensus state is what a verified header of the counterparty commits to:
its time, its ``app_hash`` (the root of the counterparty's state after the
*previous* block: CometBFT puts block H's app hash in header H+1) and the hash
of the validator set that signs the next block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.state import Overlay, StateReader

NEXT_CLIENT_KEY = b"interchain/next-client"
CLIENT_PREFIX = b"interchain/client/"
CONSENSUS_PREFIX = b"interchain/consensus/"
CLIENT_ID_PREFIX = "sen-client-"


@dataclass(frozen=True, slots=True)
class ClientState:
    """A light client of one counterparty chain, and how far it trusts what it has seen."""

    chain_id: str
    trust_numerator: int
    trust_denominator: int
    trusting_period: int  # seconds a verified header may be trusted for
    max_clock_drift: int  # seconds a header's time may run ahead of this chain's block time
    latest_height: int
    frozen_height: int  # 0: not frozen; else the height misbehaviour was proved at
    created_height: int
    counterparty_client_id: str = ""  # the counterparty's client of this chain, once registered
    # consensus states below this height are void: a recovery (recover_client) discards what
    # the client held before, since misbehaviour may have put a forged state among them
    usable_from: int = 0

    @property
    def frozen(self) -> bool:
        return self.frozen_height != 0

    def to_value(self) -> dict[str, Any]:
        return {
            "chain_id": self.chain_id,
            "trust_level": [self.trust_numerator, self.trust_denominator],
            "trusting_period": self.trusting_period,
            "max_clock_drift": self.max_clock_drift,
            "latest_height": self.latest_height,
            "frozen_height": self.frozen_height,
            "created_height": self.created_height,
            "counterparty": self.counterparty_client_id,
            # written only once set: clients never recovered keep their encoding
            **({"usable_from": self.usable_from} if self.usable_from else {}),
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> ClientState:
        numerator, denominator = value["trust_level"]
        return cls(
            chain_id=str(value["chain_id"]),
            trust_numerator=int(numerator),
            trust_denominator=int(denominator),
            trusting_period=int(value["trusting_period"]),
            max_clock_drift=int(value["max_clock_drift"]),
            latest_height=int(value["latest_height"]),
            frozen_height=int(value["frozen_height"]),
            created_height=int(value["created_height"]),
            counterparty_client_id=str(value.get("counterparty", "")),
            usable_from=int(value.get("usable_from", 0)),
        )


@dataclass(frozen=True, slots=True)
class ConsensusState:
    """What one verified counterparty header says: its time, state root and next validators."""

    time_seconds: int
    time_nanos: int
    root: bytes  # the header's app_hash: the counterparty's state after the previous block
    next_validators_hash: bytes

    @property
    def time(self) -> tuple[int, int]:
        return self.time_seconds, self.time_nanos

    def to_value(self) -> dict[str, Any]:
        return {
            "time": [self.time_seconds, self.time_nanos],
            "root": self.root,
            "next_validators_hash": self.next_validators_hash,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> ConsensusState:
        seconds, nanos = value["time"]
        return cls(
            int(seconds), int(nanos), bytes(value["root"]), bytes(value["next_validators_hash"])
        )


def client_key(client_id: str) -> bytes:
    return CLIENT_PREFIX + client_id.encode()


def consensus_key(client_id: str, height: int) -> bytes:
    return CONSENSUS_PREFIX + client_id.encode() + b"/" + height.to_bytes(8, "big")


def load_client(state: StateReader, client_id: str) -> ClientState | None:
    stored = state.get(client_key(client_id))
    return None if stored is None else ClientState.from_value(encoding.decode(stored))


def save_client(state: Overlay, client_id: str, client: ClientState) -> None:
    state.set(client_key(client_id), encoding.encode(client.to_value()))


def load_consensus(state: StateReader, client_id: str, height: int) -> ConsensusState | None:
    stored = state.get(consensus_key(client_id, height))
    return None if stored is None else ConsensusState.from_value(encoding.decode(stored))


def load_usable_consensus(
    state: StateReader, client_id: str, client: ClientState, height: int
) -> ConsensusState | None:
    """The consensus state at ``height``, unless the client was recovered above it."""
    if height < client.usable_from:
        return None
    return load_consensus(state, client_id, height)


def save_consensus(state: Overlay, client_id: str, height: int, consensus: ConsensusState) -> None:
    state.set(consensus_key(client_id, height), encoding.encode(consensus.to_value()))


def next_client_id(state: Overlay) -> str:
    """A new client's id (``sen-client-0``, ``sen-client-1``, ...), the counter advanced."""
    stored = state.get(NEXT_CLIENT_KEY)
    number = 0 if stored is None else int(encoding.decode(stored))
    state.set(NEXT_CLIENT_KEY, encoding.encode(number + 1))
    return f"{CLIENT_ID_PREFIX}{number}"
