"""Recovering a frozen or expired light client by governance (``recover_client``, IBC's
``MsgRecoverClient``): the subject takes a fresh substitute's latest consensus state.

Every client here follows the counterparty of ``counterparty.py``; its headers are
signed by the test. The chain under test has three organisations, so a proposal
passes at the third yes (the deciding vote executes it). Its block time is
``GENESIS_SECONDS + 10 × height``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from consortium import GENESIS_SECONDS
from counterparty import signed_header, validator_key, validator_set
from trust_chain import TrustChain, block_time, replay_blocks

from sen.ledger.codes import ResultCode
from sen.ledger.ibc import Packet, Payload, packet_commitment, packet_commitment_key
from sen.ledger.modules.governance.records import list_proposals, load_proposal
from sen.ledger.modules.interchain import ClientState, load_client, load_consensus
from sen.ledger.modules.interchain.packets import ibc_key
from sen.ledger.types import TxResult
from sen.sdk.interchain import packet_args

V = [validator_key(n) for n in range(4)]
T0 = GENESIS_SECONDS - 100  # the counterparty's header times start here
PERIOD = 3600
COUNTERPARTY_OF_SUBJECT = "sen-client-77"  # the counterparty chain's client of this chain


def create(chain: TrustChain, height: int, seconds: int, **extra: Any) -> str:
    chain_id = extra.pop("chain_id", None)
    header = signed_header(height, seconds, V, **({"chain_id": chain_id} if chain_id else {}))
    args = {**header, "trusting_period": PERIOD, **extra}
    return chain.ok(chain.admins[0], "interchain", "create_client", args).data.decode()


def freeze(chain: TrustChain, client_id: str, trusted: int, height: int, seconds: int) -> None:
    """Misbehaviour: two headers at ``height``, both signed by the trusted validators."""
    trusted_set = validator_set(V).to_json()
    first, second = (
        {
            **signed_header(height, seconds, V, app_hash=app_hash),
            "trusted_height": trusted,
            "trusted_validators": trusted_set,
        }
        for app_hash in (None, bytes(32))
    )
    args = {"client_id": client_id, "first": first, "second": second}
    assert chain.ok(chain.writer, "interchain", "submit_misbehaviour", args).data == b"frozen"


def update(chain: TrustChain, client_id: str, height: int, seconds: int, trusted: int) -> TxResult:
    args = {"client_id": client_id, **signed_header(height, seconds, V), "trusted_height": trusted}
    return chain.run(chain.writer, "interchain", "update_client", args)


def recover(chain: TrustChain, subject: str, substitute: str) -> tuple[int, TxResult]:
    """Propose ``recover_client`` and vote it through: (proposal id, the deciding vote)."""
    payload = {"subject_client_id": subject, "substitute_client_id": substitute}
    proposal = chain.propose(chain.admins[0], "recover_client", payload)
    for admin in chain.admins[:2]:
        assert chain.vote(admin, proposal).data == b"open"
    return proposal, chain.vote(chain.admins[2], proposal)


def client(chain: TrustChain, client_id: str) -> ClientState:
    found = load_client(chain.store, client_id)
    assert found is not None
    return found


def test_a_frozen_client_is_recovered_and_updates_again(chain: TrustChain) -> None:
    subject = create(chain, 5, T0)
    chain.ok(
        chain.admins[0],
        "interchain",
        "register_counterparty",
        {"client_id": subject, "counterparty_client_id": COUNTERPARTY_OF_SUBJECT},
    )
    freeze(chain, subject, trusted=5, height=7, seconds=T0 + 10)
    frozen = client(chain, subject)
    assert frozen.frozen_height == 7
    substitute = create(chain, 10, T0 + 30)
    before = client(chain, substitute)

    proposal, decided = recover(chain, subject, substitute)

    assert (decided.code, decided.data) == (ResultCode.OK, b"passed"), decided.log
    found = load_proposal(chain.store, proposal)
    assert found is not None and found.outcome == ResultCode.OK
    recovered = client(chain, subject)
    assert (recovered.frozen, recovered.latest_height) == (False, 10)
    # the subject keeps its id, pairing and history; only the recovery's fields change
    assert recovered.counterparty_client_id == COUNTERPARTY_OF_SUBJECT
    assert recovered.created_height == frozen.created_height
    assert load_consensus(chain.store, subject, 10) == load_consensus(chain.store, substitute, 10)
    assert load_consensus(chain.store, subject, 5) is not None
    assert client(chain, substitute) == before  # the substitute stays as it is
    # the subject now updates from the substitute's consensus state
    result = update(chain, subject, 11, T0 + 35, trusted=10)
    assert (result.code, result.data) == (ResultCode.OK, b"11"), result.log
    assert client(chain, subject).latest_height == 11


def test_an_expired_client_is_recovered_and_takes_the_substitutes_trusting_period(
    chain: TrustChain,
) -> None:
    subject = create(chain, 5, T0, trusting_period=200)  # trusted until GENESIS + 100
    while block_time(chain.height + 1) < T0 + 200:
        chain.block()
    chain.refuse(
        chain.writer,
        "interchain",
        "update_client",
        {"client_id": subject, **signed_header(6, T0 + 5, V), "trusted_height": 5},
        ResultCode.CLIENT_EXPIRED,
        "args.trusted_height",
    )
    now = block_time(chain.height)
    substitute = create(chain, 40, now)  # a trusting period of PERIOD: it may differ

    _, decided = recover(chain, subject, substitute)

    assert decided.data == b"passed", decided.log
    recovered = client(chain, subject)
    assert (recovered.frozen, recovered.latest_height) == (False, 40)
    assert recovered.trusting_period == PERIOD
    assert load_consensus(chain.store, subject, 40) == load_consensus(chain.store, substitute, 40)
    result = update(chain, subject, 41, now + 5, trusted=40)
    assert (result.code, result.data) == (ResultCode.OK, b"41"), result.log


def test_recoveries_that_must_fail_apply_nothing(chain: TrustChain) -> None:
    subject = create(chain, 5, T0)  # sen-client-0
    freeze(chain, subject, trusted=5, height=7, seconds=T0 + 10)
    good = create(chain, 10, T0 + 30)  # sen-client-1: the substitute that finally works
    frozen = create(chain, 10, T0 + 30)
    freeze(chain, frozen, trusted=10, height=12, seconds=T0 + 40)
    # header time T0 + 30 with this period: expires one block after it is created
    expiring_period = block_time(chain.height + 1) - (T0 + 30) + 10
    expired = create(chain, 10, T0 + 30, trusting_period=expiring_period)
    other_chain = create(chain, 10, T0 + 30, chain_id="sen-y-te")
    not_newer = create(chain, 5, T0)
    other_trust = create(chain, 10, T0 + 30, trust_level={"numerator": 1, "denominator": 2})
    other_drift = create(chain, 10, T0 + 30, max_clock_drift=20)
    newer_than_good = create(chain, 11, T0 + 35)
    clients = [subject, good, frozen, expired, other_chain, not_newer, other_trust, other_drift]
    clients.append(newer_than_good)
    subject_field = "args.payload.subject_client_id"
    substitute = "args.payload.substitute_client_id"
    cases: list[tuple[str, str, ResultCode, str]] = [
        ("sen-client-40", good, ResultCode.UNKNOWN_CLIENT, subject_field),
        (subject, "sen-client-41", ResultCode.UNKNOWN_CLIENT, substitute),
        (good, newer_than_good, ResultCode.CLIENT_NOT_RECOVERABLE, subject_field),
        (subject, frozen, ResultCode.CLIENT_FROZEN, substitute),
        (subject, expired, ResultCode.CLIENT_EXPIRED, substitute),
        (subject, not_newer, ResultCode.SUBSTITUTE_NOT_NEWER, substitute),
        (subject, other_chain, ResultCode.SUBSTITUTE_MISMATCH, substitute),
        (subject, other_trust, ResultCode.SUBSTITUTE_MISMATCH, substitute),
        (subject, other_drift, ResultCode.SUBSTITUTE_MISMATCH, substitute),
    ]
    for subject_id, substitute_id, code, field in cases:
        states = {c: client(chain, c) for c in clients}
        proposal, decided = recover(chain, subject_id, substitute_id)
        assert (decided.code, decided.data) == (ResultCode.OK, b"failed"), decided.log
        assert f"refused with {code.name} at {field}:" in decided.log, decided.log
        found = load_proposal(chain.store, proposal)
        assert found is not None and found.status == "failed" and found.outcome == code
        assert {c: client(chain, c) for c in clients} == states  # nothing applied
        for height in (10, 11):
            assert load_consensus(chain.store, subject, height) is None
    # the frozen subject is still frozen, and a proper substitute still recovers it
    assert client(chain, subject).frozen_height == 7
    assert recover(chain, subject, good)[1].data == b"passed"


def test_a_malformed_payload_is_refused_when_proposed(chain: TrustChain) -> None:
    subject, substitute = "args.payload.subject_client_id", "args.payload.substitute_client_id"
    good = {"subject_client_id": "sen-client-0", "substitute_client_id": "sen-client-1"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"substitute_client_id": "sen-client-1"}, subject),
        ({"subject_client_id": "sen-client-0"}, substitute),
        ({**good, "height": 5}, "args.payload.height"),
        ({**good, "subject_client_id": 0}, subject),
        ({**good, "subject_client_id": "07-tendermint-0"}, subject),
        ({**good, "subject_client_id": "sen-client-"}, subject),
        ({**good, "substitute_client_id": "sen-client-01"}, substitute),  # not canonical
        ({**good, "substitute_client_id": "sen-client-1 "}, substitute),
        ({**good, "substitute_client_id": "sen-client-0"}, substitute),  # itself
    ]
    for payload, field in cases:
        args = {"kind": "recover_client", "payload": payload}
        tx = chain.tx(chain.admins[0], "governance", "propose", args)
        (checked,) = chain.app.check_txs([tx.raw])
        assert (checked.code, checked.field) == (ResultCode.INVALID_PROPOSAL, field), payload
        assert chain.block(tx)[0].code == ResultCode.INVALID_PROPOSAL
    assert list_proposals(chain.store) == []


def test_replaying_the_blocks_gives_the_same_app_hashes(chain: TrustChain, tmp_path: Path) -> None:
    """Recovery runs inside consensus: every replay must agree, failed proposals too."""
    subject = create(chain, 5, T0)
    freeze(chain, subject, trusted=5, height=7, seconds=T0 + 10)
    substitute = create(chain, 10, T0 + 30)
    assert recover(chain, substitute, subject)[1].data == b"failed"  # an active subject
    assert recover(chain, subject, substitute)[1].data == b"passed"
    assert update(chain, subject, 11, T0 + 35, trusted=10).code == ResultCode.OK
    replayed = replay_blocks(chain, tmp_path / "replay")
    assert [app_hash for app_hash, _ in replayed] == chain.app_hashes
    assert [r.data for _, results in replayed for r in results][-2:] == [b"passed", b"11"]


def test_a_forged_state_held_before_recovery_proves_nothing_after(chain: TrustChain) -> None:
    """A light-client attack stores a forged root at 7 (the counterparty's validators signed a
    header the chain never made); misbehaviour freezes the client; governance recovers it.
    The forged root must not prove a packet the counterparty never sent."""
    subject = create(chain, 5, T0)
    pair = {"client_id": subject, "counterparty_client_id": COUNTERPARTY_OF_SUBJECT}
    chain.ok(chain.admins[0], "interchain", "register_counterparty", pair)
    value = json.dumps(
        {"id": "FAKE-1", "kind": "carbon-credit-batch", "digest": "ab" * 32, "receiver": "org-1"}
    ).encode()
    payload = Payload(
        "record-transfer", "record-transfer", "sen-transfer-1", "application/json", value
    )
    never_sent = Packet(1, COUNTERPARTY_OF_SUBJECT, subject, T0 + 10**8, (payload,))
    key = ibc_key(packet_commitment_key(never_sent.source_client, 1))
    leaf, value_hash = _sha(key), _sha(packet_commitment(never_sent))
    forged_root = _sha(b"\x00" + leaf + value_hash)  # a one-leaf tree holding that commitment
    trusted = {"trusted_height": 5, "trusted_validators": validator_set(V).to_json()}
    forged = {**signed_header(7, T0 + 10, V, app_hash=forged_root), **trusted}
    chain.ok(chain.writer, "interchain", "update_client", {"client_id": subject, **forged})
    real = {**signed_header(7, T0 + 10, V), **trusted}
    evidence = {"client_id": subject, "first": forged, "second": real}
    chain.ok(chain.writer, "interchain", "submit_misbehaviour", evidence)
    substitute = create(chain, 10, T0 + 30)
    assert recover(chain, subject, substitute)[1].data == b"passed"
    assert client(chain, subject).usable_from == 10

    recv = {
        "packet": packet_args(never_sent),
        "proof_height": 7,
        "proof": {"siblings": [], "leaf_path": leaf.hex(), "leaf_value_hash": value_hash.hex()},
    }
    chain.refuse(
        chain.writer,
        "interchain",
        "recv_packet",
        recv,
        ResultCode.UNKNOWN_CONSENSUS_STATE,
        "args.proof_height",
    )
    refused = update(chain, subject, 11, T0 + 40, trusted=5)  # nor may it be trusted from
    assert (refused.code, refused.log.split(":")[0]) == (
        ResultCode.UNKNOWN_CONSENSUS_STATE,
        "args.trusted_height",
    )


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
