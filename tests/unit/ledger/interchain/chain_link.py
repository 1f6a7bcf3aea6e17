"""Two chains with light clients of each other, and the relaying steps between them, by hand.

A relayer's work done step by step: a header of the other chain carrying its
current app hash (signed by that chain's validators, ``counterparty.py``)
updates the client, and a state proof from the other chain's store proves a
commitment, an acknowledgement or a receipt's absence. The ``link`` fixture
(registered in ``conftest.py``) makes a fresh pair.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from counterparty import signed_header, validator_key
from trust_chain import TrustChain, block_time

from sen.ledger.ibc import acknowledgement_key, packet_commitment_key, receipt_key
from sen.ledger.modules.interchain.packets import ibc_key
from sen.ledger.types import TxResult

VA = [validator_key(n) for n in range(10, 14)]  # chain A's validators, as B's client sees them
VB = [validator_key(n) for n in range(20, 24)]
CLIENT = "sen-client-0"  # each chain's (first) client of the other


class Link:
    """Two chains with clients of each other, and the relaying steps between them."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path
        self.a = TrustChain(tmp_path / "a")
        self.b = TrustChain(tmp_path / "b")
        self.heights = {id(self.a): 100, id(self.b): 100}  # the fabricated header heights
        for here, there, keys in ((self.a, self.b, VB), (self.b, self.a, VA)):
            args = {
                **self._header(there, keys),
                "trusting_period": 10**6,
                "max_clock_drift": 3600,
            }
            assert (
                here.ok(here.admins[0], "interchain", "create_client", args).data == CLIENT.encode()
            )
        for here in (self.a, self.b):  # each client paired with the other's (IBC v2)
            pair = {"client_id": CLIENT, "counterparty_client_id": CLIENT}
            here.ok(here.admins[0], "interchain", "register_counterparty", pair)

    def _header(self, chain: TrustChain, keys: list[Any]) -> dict[str, Any]:
        """The next header of ``chain``: its current app hash, its next block time."""
        self.heights[id(chain)] += 1
        return signed_header(
            self.heights[id(chain)],
            block_time(chain.height + 1),
            keys,
            app_hash=chain.app.app_hash,
            chain_id="chain-a" if chain is self.a else "chain-b",
        )

    def update(self, here: TrustChain, there: TrustChain) -> int:
        """Update ``here``'s client of ``there`` to ``there``'s current state; the proof height."""
        keys = VA if there is self.a else VB
        trusted = self.heights[id(there)]
        header = self._header(there, keys)
        args = {"client_id": CLIENT, **header, "trusted_height": trusted}
        here.ok(here.writer, "interchain", "update_client", args)
        return self.heights[id(there)]

    @staticmethod
    def proof(chain: TrustChain, key: bytes) -> dict[str, Any]:
        _, app_hash, _, proof = chain.store.prove(key)
        assert app_hash == chain.app.app_hash
        return {
            "siblings": [s.hex() for s in proof.siblings],
            "leaf_path": None if proof.leaf_path is None else proof.leaf_path.hex(),
            "leaf_value_hash": None
            if proof.leaf_value_hash is None
            else proof.leaf_value_hash.hex(),
        }

    def other(self, chain: TrustChain) -> TrustChain:
        return self.b if chain is self.a else self.a

    def receive_args(self, sender: TrustChain, packet: dict[str, Any]) -> dict[str, Any]:
        """``recv_packet``'s arguments on the other chain: the commitment proved there."""
        height = self.update(self.other(sender), sender)
        commitment = ibc_key(packet_commitment_key(CLIENT, packet["sequence"]))
        return {"packet": packet, "proof": self.proof(sender, commitment), "proof_height": height}

    def receive(self, sender: TrustChain, packet: dict[str, Any]) -> list[bytes]:
        """Deliver ``packet``, sent on ``sender``, to the other chain; its acknowledgements."""
        return self.deliver(self.other(sender), self.receive_args(sender, packet))

    @staticmethod
    def deliver(receiver: TrustChain, args: dict[str, Any]) -> list[bytes]:
        """Run ``recv_packet`` with ``args`` on ``receiver``; the acknowledgements it wrote."""
        result = receiver.ok(receiver.writer, "interchain", "recv_packet", args)
        [event] = [e for e in result.events if e.type == "interchain.recv_packet"]
        attributes = {x.key: x.value for x in event.attributes}
        return [bytes.fromhex(h) for h in attributes["acknowledgements"].split(",")]

    def acknowledge_args(
        self, sender: TrustChain, packet: dict[str, Any], acks: list[bytes]
    ) -> dict[str, Any]:
        """``acknowledge_packet``'s arguments on ``sender``: the acknowledgement proved."""
        receiver = self.other(sender)
        height = self.update(sender, receiver)
        ack_key = ibc_key(acknowledgement_key(CLIENT, packet["sequence"]))
        receipt = ibc_key(receipt_key(CLIENT, packet["sequence"]))
        return {
            "packet": packet,
            "acknowledgements": acks,
            "proof": self.proof(receiver, ack_key),
            "proof_height": height,
            "receipt_proof": self.proof(receiver, receipt),
        }

    def acknowledge(
        self, sender: TrustChain, packet: dict[str, Any], acks: list[bytes]
    ) -> TxResult:
        args = self.acknowledge_args(sender, packet, acks)
        return sender.ok(sender.writer, "interchain", "acknowledge_packet", args)

    def timeout_args(self, sender: TrustChain, packet: dict[str, Any]) -> dict[str, Any]:
        """``timeout_packet``'s arguments on ``sender``: the receipt proved absent."""
        receiver = self.other(sender)
        height = self.update(sender, receiver)
        receipt = ibc_key(receipt_key(CLIENT, packet["sequence"]))
        return {"packet": packet, "proof": self.proof(receiver, receipt), "proof_height": height}

    def close(self) -> None:
        self.a.close()
        self.b.close()


@pytest.fixture
def link(tmp_path: Path) -> Iterator[Link]:
    """A fresh :class:`Link` (the ``link`` fixture of the interchain packet tests)."""
    made = Link(tmp_path)
    try:
        yield made
    finally:
        made.close()
