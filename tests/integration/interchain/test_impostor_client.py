"""A client of an impostor chain that borrows the real chain's id cannot make a false answer.

B's admin creates a client X "of sen-lao-dong" that really follows a fake chain F (a made-up
validator, A's chain id), and A's admin pairs A's client with X. X receives F's packet P'
(sequence 1). Then anyone hands X over to the real A (F signs a header naming A's validators
as next; A's real header is then an adjacent update), so X holds A's genuine state, in which
A's own packet P (also sequence 1) is committed. Without more, A's P could be acknowledged
with P''s answer, and a receipt joining P with X's receipt of P' would verify. Both are refused:
B's receipt holds the commitment of the packet it received, which acknowledgements and packet
receipts prove.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from two_chains import _latest, open_chain, wait_until

from sen.api.inprocess import in_process_client
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import get_suite
from sen.ledger.ibc import (
    Packet,
    Payload,
    acknowledgement_key,
    packet_commitment,
    packet_commitment_key,
    receipt_key,
)
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.ledger.modules.interchain.packets import ibc_key
from sen.ledger.modules.interchain.records import client_key, consensus_key
from sen.light.errors import ReceiptInvalid
from sen.light.packet_receipt import verify_packet_receipt
from sen.node.keys import load_validator_key
from sen.sdk.errors import Rejected
from sen.sdk.interchain import Interchain, LightBlock, packet_args

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "ledger" / "interchain"))
from counterparty import signed_header, validator_key, validator_set

A_ID = "sen-lao-dong"
FAKE = [validator_key(77)]  # the impostor's one validator


def _fake(height: int, seconds: int, **extra: Any) -> LightBlock:
    """A header of the impostor F (A's chain id), signed by its own validator."""
    signed = signed_header(height, seconds, FAKE, chain_id=A_ID, **extra)
    return LightBlock(height, signed["header"], signed["commit"], signed["validators"])


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _query(issuer: str, index: int) -> Payload:
    value = json.dumps({"issuer": issuer, "list": "bang-2025", "index": index}).encode()
    return Payload("status-query", "status-query", "sen-status-1", "application/json", value)


def test_an_answer_to_another_packet_is_refused(tmp_path: Path) -> None:
    a_node, b_node = open_chain(tmp_path / "a", A_ID), open_chain(tmp_path / "b", "sen-giao-duc")
    try:
        for node in (a_node, b_node):
            node.engine.wait_for_height(2, 10)
        a, b = Interchain(in_process_client(a_node)), Interchain(in_process_client(b_node))
        key = get_suite("ed25519").generate()
        now = int(time.time())
        x = b.create_client(key, _fake(1, now - 20), 600, max_clock_drift=60)
        b.register_counterparty(key, x, "sen-client-0")
        ca = a.create_client(key, _latest(b), 600, max_clock_drift=60)
        a.register_counterparty(key, ca, x)
        signer = get_suite("ed25519").generate()
        issuer = "did:key:" + encode_multikey(signer.suite, signer.public_key)
        listing = {"list": "bang-2025", "issuer": issuer, "purpose": "revocation"}
        b.sdk.send(signer, "status", "create_list", listing)
        b.sdk.send(signer, "status", "update", {"list": "bang-2025", "issuer": issuer, "set": [9]})
        timeout = now + 600
        sequence = a.send_packet(key, ca, x, timeout, [_query(issuer, 9)])  # P: bit 9 is set
        impostor = Packet(1, "sen-client-0", x, timeout, (_query(issuer, 3),))  # P'
        commitment = ibc_key(packet_commitment_key("sen-client-0", 1))
        leaf, value = _sha(commitment), _sha(packet_commitment(impostor))
        b.update_client(key, x, _fake(2, now - 19, app_hash=_sha(b"\x00" + leaf + value)), 1)
        one_leaf = {"siblings": [], "leaf_path": leaf.hex(), "leaf_value_hash": value.hex()}
        recv = {"packet": packet_args(impostor), "proof_height": 2, "proof": one_leaf}
        b.sdk.send(key, "interchain", "recv_packet", recv)

        # the hand-over to the real A
        snapshot = a.prove([commitment])
        wait_until(lambda: a.light_block(snapshot.height + 1) is not None, 10, "A's header")
        real = a.light_block(snapshot.height + 1)
        assert real is not None and real.app_hash == snapshot.app_hash
        seconds = Timestamp.from_rfc3339(real.time).seconds
        a_validator = load_validator_key(a_node.config.validator_key_path)
        bridge = _fake(real.height - 1, seconds - 1, next_keys=[a_validator])
        assert bridge.next_validators_hash.hex() == real.header["validators_hash"].lower()
        b.update_client(key, x, bridge, 2, validator_set(FAKE).to_json())
        b.update_client(key, x, real, real.height - 1)

        # A's P acknowledged with the answer to P': refused
        ack_key = ibc_key(acknowledgement_key(x, 1))
        receipt = ibc_key(receipt_key(x, 1))
        on_b = b.prove([ack_key, receipt, client_key(x), consensus_key(x, real.height)])
        wait_until(lambda: b.light_block(on_b.height + 1) is not None, 10, "B's header")
        b_header = b.light_block(on_b.height + 1)
        assert b_header is not None
        trusted = a.client(ca).latest_height
        signing = b.light_block(trusted + 1)
        assert signing is not None
        a.update_client(key, ca, b_header, trusted, signing.validators)
        sent = a.sent_packet(ca, sequence).packet
        acknowledge = {
            "packet": packet_args(sent),
            "acknowledgements": b.acknowledgements(x, 1),
            "proof": on_b.proofs[ack_key],
            "proof_height": b_header.height,
            "receipt_proof": on_b.proofs[receipt],
        }
        with pytest.raises(Rejected) as refused:
            a.sdk.send(key, "interchain", "acknowledge_packet", acknowledge)
        assert refused.value.code == ResultCode.INVALID_PROOF
        assert refused.value.detail.startswith("args.receipt_proof: ")
        assert a.pending(ca) == [sequence]

        # nor does a receipt joining P with X's receipt of P' verify
        document = {
            "format": "sen-packet-receipt",
            "version": 1,
            "packet": {
                **{k: v for k, v in packet_args(sent).items() if k != "payloads"},
                "payloads": [
                    {
                        "source_port": p.source_port,
                        "destination_port": p.destination_port,
                        "version": p.version,
                        "encoding": p.encoding,
                        "value": base64.b64encode(p.value).decode(),
                    }
                    for p in sent.payloads
                ],
            },
            "acknowledgements": [ack.hex() for ack in b.acknowledgements(x, 1)],
            "source": {
                "chain_id": A_ID,
                "signed_header": {k: getattr(real, k) for k in ("header", "commit", "validators")},
                "commitment_proof": snapshot.proofs[commitment],
            },
            "destination": {
                "chain_id": "sen-giao-duc",
                "genesis_hash": b_node.app.genesis.hash.hex(),
                "signed_header": {
                    k: getattr(b_header, k) for k in ("header", "commit", "validators")
                },
                "client_state": on_b.values[client_key(x)].hex(),
                "client_proof": on_b.proofs[client_key(x)],
                "consensus_state": on_b.values[consensus_key(x, real.height)].hex(),
                "consensus_proof": on_b.proofs[consensus_key(x, real.height)],
                "receipt_proof": on_b.proofs[receipt],
                "acknowledgement_proof": on_b.proofs[ack_key],
            },
        }
        with pytest.raises(ReceiptInvalid) as invalid:
            verify_packet_receipt(document, a_node.app.genesis, b_node.app.genesis)
        assert invalid.value.check == "received"
    finally:
        a_node.close()
        b_node.close()
