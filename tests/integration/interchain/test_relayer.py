"""The relayer between two real nodes: packets delivered exactly once, whatever happens.

Chain A asks chain B, by ``status-query`` packets, whether credentials are
revoked; the relayer (``sen.services.relayer``) carries headers, packets and
acknowledgements. Checked here: every answer recorded once with two relayers
racing; a relayer that dies at any point mid-pass and a new one that finishes;
a packet whose destination was down past its timeout timed out (and never
received); a header B's validators signed but B never made, detected from B's
block store and frozen as misbehaviour; an expired client named as such.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from two_chains import TwoChains, wait_until
from typer.testing import CliRunner

from sen.cli.main import app as cli
from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.ibc import receipt_key
from sen.ledger.light.commit import sign_commit
from sen.ledger.light.header import header_hash
from sen.ledger.light.types import BlockID, Commit, Header, Timestamp
from sen.ledger.modules.interchain.packets import ibc_key
from sen.ledger.modules.interchain.status_query import load_answer
from sen.light.errors import ReceiptInvalid
from sen.light.packet_receipt import verify_packet_receipt
from sen.node.keys import load_validator_key
from sen.sdk.errors import Rejected
from sen.sdk.interchain import LightBlock, packet_args
from sen.services.relayer import Relayer, RelayerMetrics


def _settled(chains: TwoChains) -> bool:
    return chains.ic("a").pending(chains.a_client) == []


def _answers(chains: TwoChains, sequences: list[int]) -> dict[int, dict[str, Any]]:
    found = {}
    for sequence in sequences:
        answer = load_answer(chains.a.app.store, chains.a_client, sequence)
        assert answer is not None, f"no answer recorded for packet {sequence}"
        found[sequence] = answer
    return found


def _successes(chains: TwoChains, side: str, event: str, attribute: str, value: str) -> int:
    node = chains.node(side)
    ok = 0
    for location in node.index.by_event(event, attribute, value, limit=100):
        result = node.app.store.load_result(location.height, location.index)
        ok += result is not None and result.ok
    return ok


def _exactly_once(chains: TwoChains, sequences: list[int]) -> None:
    for s in sequences:
        received = _successes(
            chains, "b", "interchain.recv_packet", "destination_packet", f"{chains.b_client}/{s}"
        )
        settled = _successes(
            chains, "a", "interchain.acknowledge_packet", "source_packet", f"{chains.a_client}/{s}"
        ) + _successes(
            chains, "a", "interchain.timeout_packet", "source_packet", f"{chains.a_client}/{s}"
        )
        assert (received, settled) == (1, 1), f"packet {s}: received {received}, settled {settled}"


def test_two_relayers_racing_deliver_each_packet_once(chains: TwoChains) -> None:
    issuer = chains.revocation_list(revoked=[7])
    timeout = int(time.time()) + 600
    sequences = [chains.ask(issuer, index, timeout) for index in (3, 7, 11, 7, 0)]
    assert sequences == [1, 2, 3, 4, 5]

    racing = [chains.relayer(), chains.relayer()]
    stop = threading.Event()
    threads = [threading.Thread(target=r.run, args=(stop,)) for r in racing]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: _settled(chains), 60, "every packet settled")
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    answers = _answers(chains, sequences)
    assert [answers[s]["status"] for s in sequences] == [0, 1, 0, 1, 0]
    assert {a["outcome"] for a in answers.values()} == {"answered"}
    _exactly_once(chains, sequences)
    # each did its share; what the other did first was refused harmlessly, nothing else
    assert [r.unusable for r in racing] == [{}, {}]
    assert [r.totals.refused for r in racing] == [0, 0]
    assert sum(r.totals.received for r in racing) == 5
    assert sum(r.totals.acknowledged for r in racing) == 5

    # a replayed delivery is refused by B, harmlessly
    sent = chains.ic("a").sent_packet(chains.a_client, 1)
    b = chains.ic("b")
    proof = b.prove([ibc_key(receipt_key(chains.b_client, 1))])
    replay = {"packet": packet_args(sent.packet), "proof": next(iter(proof.proofs.values()))}
    height = b.client(chains.b_client).latest_height
    with pytest.raises(Rejected) as refused:
        b.sdk.send(chains.key, "interchain", "recv_packet", {**replay, "proof_height": height})
    assert refused.value.code == ResultCode.PACKET_ALREADY_RECEIVED
    assert refused.value.committed and refused.value.detail.startswith("args.packet.sequence: ")


class _Crash(BaseException):
    """The relayer process dying: raised from inside its HTTP calls."""


def _crashing(relayer: Relayer, after: int) -> None:
    """Make ``relayer`` die at its ``after``-th request to either chain."""
    calls = {"n": 0}
    for link in relayer.links:
        for end in (link.a, link.b):
            transport = end.chain.sdk.transport
            real = transport.request

            def request(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
                calls["n"] += 1
                if calls["n"] >= after:
                    raise _Crash(f"killed at request {calls['n']}")
                return _real(*args, **kwargs)

            transport.request = request  # type: ignore[method-assign]


@pytest.mark.parametrize("dies_at", [12, 30, 55])
def test_a_relayer_killed_mid_pass_then_restarted_delivers_exactly_once(
    chains: TwoChains, dies_at: int
) -> None:
    issuer = chains.revocation_list(revoked=[2])
    timeout = int(time.time()) + 600
    sequences = [chains.ask(issuer, index, timeout) for index in (1, 2, 3)]

    doomed = chains.relayer()
    _crashing(doomed, dies_at)
    with pytest.raises(_Crash):
        for _ in range(20):
            doomed.run_pass()

    fresh = chains.relayer()
    wait_until(lambda: fresh.run_pass() is not None and _settled(chains), 60, "packets settled")
    answers = _answers(chains, sequences)
    assert [answers[s]["status"] for s in sequences] == [0, 1, 0]
    _exactly_once(chains, sequences)


def test_a_packet_whose_destination_is_down_past_its_timeout_times_out(
    chains: TwoChains,
) -> None:
    issuer = chains.revocation_list(revoked=[1])
    relayer = chains.relayer()
    relayer.run_pass()  # clients fresh, nothing pending
    timeout = int(time.time()) + 2
    [sequence] = [chains.ask(issuer, 5, timeout)]

    chains.restart(
        "b", down=lambda: wait_until(lambda: time.time() > timeout + 1, 10, "the timeout passing")
    )
    relayer = chains.relayer()  # the old one's in-process view was of the closed node
    wait_until(lambda: relayer.run_pass() is not None and _settled(chains), 60, "the timeout")

    answer = _answers(chains, [sequence])[sequence]
    assert answer["outcome"] == "timed out"
    assert chains.b.app.store.get(ibc_key(receipt_key(chains.b_client, sequence))) is None
    assert (
        _successes(
            chains,
            "a",
            "interchain.timeout_packet",
            "source_packet",
            f"{chains.a_client}/{sequence}",
        )
        == 1
    )


def _forged(chains: TwoChains, real: LightBlock) -> LightBlock:
    """Header ``real.height`` of B with another app hash, signed by B's own validator: a
    header B's validators signed but B never made (a light-client attack)."""
    key = load_validator_key(chains.configs["b"].validator_key_path)
    header = dataclasses.replace(
        Header.from_json(real.header), app_hash=hashlib.sha256(b"forged").digest()
    )
    parts = BlockID.from_json(real.commit["block_id"]).part_set_header
    block_id = BlockID(header_hash(header), parts)
    stamp = Timestamp.from_rfc3339(real.time)
    signature = sign_commit(key, header.chain_id, header.height, 0, block_id, stamp)
    commit = Commit(header.height, 0, block_id, (signature,))
    return LightBlock(header.height, header.to_json(), commit.to_json(), real.validators)


def test_a_header_b_never_made_is_caught_from_b_blocks_and_freezes_the_client(
    chains: TwoChains,
) -> None:
    relayer = chains.relayer()
    relayer.run_pass()
    a, b = chains.ic("a"), chains.ic("b")
    trusted = a.client(chains.a_client).latest_height
    wait_until(lambda: chains.b.app.height >= trusted + 4, 10, "B making blocks")
    real = b.light_block(trusted + 3)
    signing = b.light_block(trusted + 1)
    assert real is not None and signing is not None
    forged = _forged(chains, real)
    # A's client accepts it: B's validators signed it
    a.update_client(chains.key, chains.a_client, forged, trusted, signing.validators)
    assert a.client(chains.a_client).latest_height == trusted + 3

    relayer.run_pass()  # the watch compares it with B's block trusted + 3
    frozen = a.client(chains.a_client)
    assert frozen.frozen_height == trusted + 3
    [why] = relayer.unusable.values()
    assert f"conflicting header at height {trusted + 3}" in why and "recover_client" in why
    with pytest.raises(Rejected) as refused:
        chains.ask(chains.revocation_list(revoked=[1]), 1, int(time.time()) + 600)
    assert refused.value.code == ResultCode.CLIENT_FROZEN


def test_a_header_signed_by_other_validators_is_refused(chains: TwoChains) -> None:
    a, b = chains.ic("a"), chains.ic("b")
    trusted = a.client(chains.a_client).latest_height
    wait_until(lambda: chains.b.app.height >= trusted + 2, 10, "B making blocks")
    real = b.light_block(trusted + 1)
    assert real is not None
    block_id = BlockID.from_json(real.commit["block_id"])
    stamp = Timestamp.from_rfc3339(real.time)
    header = Header.from_json(real.header)
    impostor = Ed25519PrivateKey.generate()
    signature = sign_commit(impostor, header.chain_id, header.height, 0, block_id, stamp)
    commit = Commit(header.height, 0, block_id, (signature,))
    wrong = LightBlock(real.height, real.header, commit.to_json(), real.validators)
    with pytest.raises(Rejected) as refused:
        a.update_client(chains.key, chains.a_client, wrong, trusted)
    assert refused.value.code == ResultCode.INSUFFICIENT_TRUST
    assert a.client(chains.a_client).latest_height == trusted


@pytest.mark.slow
def test_refreshing_keeps_an_idle_link_alive_across_three_trusting_periods(
    tmp_path: Path,
) -> None:
    period = 5  # short, yet a pass under a loaded CI machine stays well inside it
    chains = TwoChains(tmp_path, trusting_period=period)
    try:
        a = chains.ic("a")
        created = Timestamp.from_rfc3339(a.client(chains.a_client).latest_time).seconds
        metrics = RelayerMetrics()
        relayer = chains.relayer(metrics=metrics)
        ages: list[float] = []

        def refreshed_past(seconds: int) -> bool:
            relayer.run_pass()
            ages.append(metrics.client_age.labels("lao-dong", chains.a_client)._value.get())
            latest = Timestamp.from_rfc3339(a.client(chains.a_client).latest_time).seconds
            return latest >= created + seconds

        wait_until(lambda: refreshed_past(3 * period), 30, "three trusting periods of refresh")
        assert relayer.unusable == {} and max(ages) < period, ages
        issuer = chains.revocation_list(revoked=[4])
        [sequence] = [chains.ask(issuer, 4, int(time.time()) + 600)]
        wait_until(lambda: relayer.run_pass() is not None and _settled(chains), 30, "settled")
        assert _answers(chains, [sequence])[sequence]["status"] == 1

        # no relayer for longer than the trusting period: the client expires
        latest = Timestamp.from_rfc3339(a.client(chains.a_client).latest_time).seconds
        wait_until(lambda: time.time() > latest + period + 1, 10, "the trusting period passing")
        relayer.run_pass()
        [why] = relayer.unusable.values()
        assert "CLIENT_EXPIRED" in why and "recover_client" in why
    finally:
        chains.close()


def test_a_packet_receipt_verifies_offline_with_the_two_genesis_files(
    chains: TwoChains, tmp_path: Path
) -> None:
    issuer = chains.revocation_list(revoked=[9])
    [sequence] = [chains.ask(issuer, 9, int(time.time()) + 600)]
    relayer = chains.relayer()
    wait_until(lambda: relayer.run_pass() is not None and _settled(chains), 60, "settled")
    b = chains.ic("b")

    def fetch() -> dict[str, Any] | None:
        status, body = b.sdk.transport.request(
            "GET", f"/v1/interchain/receipts/{chains.b_client}/{sequence}"
        )
        return body if status == 200 else None

    wait_until(lambda: fetch() is not None, 10, "the receipt (the next block signs it)")
    receipt = fetch()
    assert receipt is not None
    sender, receiver = chains.a.app.genesis, chains.b.app.genesis
    report = verify_packet_receipt(receipt, sender, receiver)
    assert report.valid and (report.source_chain, report.destination_chain) == (
        "sen-lao-dong",
        "sen-giao-duc",
    )
    assert [c.name for c in report.checks] == [
        "format",
        "chains",
        "source-header",
        "destination-header",
        "sent",
        "client",
        "received",
    ]
    assert json.loads(bytes.fromhex(report.acknowledgements[0]))["status"] == 1

    def fails(doc: dict[str, Any], check: str, *, genesis: tuple[Any, Any] | None = None) -> str:
        with pytest.raises(ReceiptInvalid) as failed:
            verify_packet_receipt(doc, *(genesis or (sender, receiver)))
        assert failed.value.check == check, failed.value
        return failed.value.reason

    fails(receipt, "chains", genesis=(receiver, sender))
    forged_ack = copy.deepcopy(receipt)
    forged_ack["acknowledgements"] = [b'{"purpose":"revocation","status":0,"version":2}'.hex()]
    fails(forged_ack, "received")
    other_query = copy.deepcopy(receipt)
    value = json.loads(base64.b64decode(other_query["packet"]["payloads"][0]["value"]))
    value["index"] = 8
    other_query["packet"]["payloads"][0]["value"] = base64.b64encode(
        json.dumps(value).encode()
    ).decode()
    fails(other_query, "sent")
    other_state = copy.deepcopy(receipt)
    other_state["destination"]["signed_header"]["header"]["app_hash"] = "00" * 32
    fails(other_state, "destination-header")
    wrong_client = copy.deepcopy(receipt)  # the packet names the receiver's client: bound
    wrong_client["packet"]["destination_client"] = "sen-client-7"
    fails(wrong_client, "sent")
    other_client = copy.deepcopy(receipt)  # a client of another chain would not prove
    other_client["destination"]["client_state"] = encoding.encode(
        {**encoding.decode(bytes.fromhex(receipt["destination"]["client_state"])), "chain_id": "x"}
    ).hex()
    fails(other_client, "client")
    other_consensus = copy.deepcopy(receipt)  # the client verified another header there
    held = encoding.decode(bytes.fromhex(receipt["destination"]["consensus_state"]))
    other_consensus["destination"]["consensus_state"] = encoding.encode(
        {**held, "root": bytes(32)}
    ).hex()
    fails(other_consensus, "client")
    anonymous = copy.deepcopy(receipt)
    del anonymous["destination"]["genesis_hash"]
    assert "genesis_hash" in fails(anonymous, "format")

    # the CLI: sen verify with both genesis files
    path = tmp_path / "packet.receipt.json"
    path.write_text(json.dumps(receipt))
    (tmp_path / "a.json").write_bytes(sender.raw)
    (tmp_path / "b.json").write_bytes(receiver.raw)
    done = CliRunner().invoke(
        cli,
        [
            "--lang",
            "vi",
            "verify",
            str(path),
            "--source-genesis",
            str(tmp_path / "a.json"),
            "--genesis",
            str(tmp_path / "b.json"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "HỢP LỆ: gói tin 1 từ chuỗi sen-lao-dong" in done.output
    swapped = CliRunner().invoke(
        cli,
        [
            "verify",
            str(path),
            "--source-genesis",
            str(tmp_path / "b.json"),
            "--genesis",
            str(tmp_path / "a.json"),
        ],
    )
    assert swapped.exit_code == 1 and "INVALID" in swapped.output
