"""The network benchmark's load generator and report: encodings, answers, figures, verdicts."""

from __future__ import annotations

import base64
import hashlib
import json

import httpx
import pytest
from senbench.loadgen import (
    Batch,
    BlockSeen,
    Lane,
    LoadFailed,
    Protocol,
    Refused,
    Tally,
    _cpu_per_tx,
    _figures,
    encode_body,
    make_batches,
    percentile,
    post_batch,
)
from senbench.network import Settings, _flatten, _verdict, kvstore_lanes

TXS = [b"first", b"second", b"third"]


def test_sen_batches_are_the_rest_api_body() -> None:
    body = json.loads(encode_body(Protocol.sen_api, TXS))
    assert body == {"txs": [base64.b64encode(tx).decode() for tx in TXS]}


def test_kvstore_batches_are_a_json_rpc_batch_of_broadcast_tx_sync() -> None:
    calls = json.loads(encode_body(Protocol.cometbft_rpc, TXS))
    assert [c["id"] for c in calls] == [0, 1, 2]
    assert {c["method"] for c in calls} == {"broadcast_tx_sync"}
    assert [base64.b64decode(c["params"]["tx"]) for c in calls] == TXS


def test_batches_keep_order_and_hash_as_cometbft_does() -> None:
    batches = make_batches(Protocol.sen_api, [bytes([i]) for i in range(5)], 2)
    assert [len(b.txs) for b in batches] == [2, 2, 1]
    assert batches[2].txs == [b"\x04"]
    assert batches[0].hashes == [hashlib.sha256(b"\x00").digest(), hashlib.sha256(b"\x01").digest()]


def _client(status: int, answer: object) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=answer)

    return httpx.Client(transport=httpx.MockTransport(handler))


def _rpc_answer(i: int, *, code: int = 0, error: str | None = None) -> dict[str, object]:
    if error is not None:
        return {"jsonrpc": "2.0", "id": i, "error": {"code": -32603, "data": error}}
    return {"jsonrpc": "2.0", "id": i, "result": {"code": code, "log": ""}}


@pytest.mark.parametrize(
    ("protocol", "status", "answer", "expected"),
    [
        (Protocol.sen_api, 202, {"hashes": []}, None),
        (
            Protocol.sen_api,
            503,
            {"type": "urn:sen:problem:mempool-full"},
            Refused([0, 1, 2], "mempool_full"),
        ),
        (
            Protocol.sen_api,
            503,
            {"type": "urn:sen:problem:engine-stopped"},
            Refused([0, 1, 2], "api_unavailable"),
        ),
        (
            Protocol.sen_api,
            422,
            {"code_name": "NONCE_TOO_HIGH"},
            Refused([0, 1, 2], "nonce_ahead_of_check_state"),
        ),
        (Protocol.cometbft_rpc, 200, [_rpc_answer(i) for i in range(3)], None),
        (Protocol.cometbft_rpc, 200, _rpc_answer(0), None),  # a batch of one: a bare object
        (
            Protocol.cometbft_rpc,
            200,
            [_rpc_answer(0), _rpc_answer(1, error="mempool is full: ..."), _rpc_answer(2)],
            Refused([1], "mempool_full"),
        ),
    ],
)
def test_answers_that_mean_try_later(
    protocol: Protocol, status: int, answer: object, expected: Refused | None
) -> None:
    with _client(status, answer) as client:
        refused = post_batch(client, protocol, "http://node", b"{}", 3)
    if expected is None:
        assert refused is None
    else:
        assert refused is not None
        assert (refused.indices, refused.reason) == (expected.indices, expected.reason)


@pytest.mark.parametrize(
    ("protocol", "status", "answer", "says"),
    [
        (Protocol.sen_api, 422, {"code_name": "BAD_SIGNATURE"}, "HTTP 422"),
        (Protocol.sen_api, 409, {"title": "Transaction already known"}, "HTTP 409"),
        (Protocol.cometbft_rpc, 200, [_rpc_answer(0, code=1)], "CheckTx code 1"),
        (Protocol.cometbft_rpc, 200, [_rpc_answer(0, error="tx already exists")], "exists"),
        (Protocol.cometbft_rpc, 500, {}, "HTTP 500"),
    ],
)
def test_answers_that_stop_the_benchmark(
    protocol: Protocol, status: int, answer: object, says: str
) -> None:
    with _client(status, answer) as client, pytest.raises(LoadFailed, match=says):
        post_batch(client, protocol, "http://node", b"{}", 1)


def test_commits_are_counted_once_per_lane_and_strangers_ignored() -> None:
    tally = Tally(2)
    tally.lane_of = {b"a": 0, b"b": 1, b"c": 1}
    tally.sent = [1, 2]
    tally.record_block([b"a", b"b", b"zz"], 5.0)
    tally.record_block([b"b", b"c"], 6.0)
    assert tally.committed == [1, 2]
    assert tally.committed_at == {b"a": 5.0, b"b": 5.0, b"c": 6.0}
    assert [tally.in_flight(0), tally.in_flight(1)] == [0, 0]


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [([], 0.5, 0.0), ([3.0], 0.99, 3.0), ([4.0, 1.0, 3.0, 2.0, 5.0], 0.5, 3.0)],
)
def test_percentile(values: list[float], fraction: float, expected: float) -> None:
    assert percentile(values, fraction) == expected


def test_figures_count_the_window_only() -> None:
    early = Batch([b"0"], [b"h0"], b"", submitted_at=0.5, accepted_at=0.6)
    inside = Batch([b"1", b"2"], [b"h1", b"h2"], b"", submitted_at=1.5, accepted_at=1.7)
    late = Batch([b"3"], [b"h3"], b"", submitted_at=3.5, accepted_at=3.6)
    lane = Lane(0, "http://node", [], sent=[early, inside, late])
    tally = Tally(1)
    tally.committed_at = {b"h0": 1.2, b"h1": 2.5, b"h3": 3.9}  # h2 never committed
    blocks = [BlockSeen(5, 1.2, 1, 10), BlockSeen(6, 2.5, 1, 10), BlockSeen(7, 3.9, 1, 10)]
    figures = _figures([lane], tally, blocks, 1.0, 3.0)
    assert figures["committed_txs"] == 2  # the blocks seen at 1.2 and 2.5
    assert figures["committed_tx_per_s"] == 1.0
    assert figures["submitted_txs"] == 2
    assert figures["not_committed_after_drain"] == 1
    assert figures["latency_p50_s"] == 1.0
    assert figures["blocks"] == 2
    assert figures["mean_block_interval_s"] == 1.3


def test_kvstore_transactions_have_the_size_and_format_kvstore_accepts() -> None:
    settings = Settings(duration=1, warmup=0, validators=2, lanes_per_node=1, batch_size=10)
    lanes = kvstore_lanes(settings, 282)
    txs = [tx for lane in lanes for tx in lane]
    assert len(lanes) == 2 and len(txs) == 2 * settings.pool_size(settings.kvstore_max_rate)
    assert {len(tx) for tx in txs} == {282}
    assert all(tx.count(b"=") == 1 and b":" not in tx for tx in txs)
    assert len(set(txs)) == len(txs)


def test_the_pool_lasts_the_run_in_whole_batches() -> None:
    settings = Settings(duration=60, warmup=10, lanes_per_node=2, batch_size=100)
    per_lane = settings.pool_size(6000)
    assert per_lane % 100 == 0
    assert per_lane * settings.lanes >= 6000 * 70


def test_settings_are_flattened_with_dotted_names() -> None:
    assert _flatten({"a": 1, "p2p": {"send_rate": 2, "x": {"y": 3}}}) == {
        "a": 1,
        "p2p.send_rate": 2,
        "p2p.x.y": 3,
    }


@pytest.mark.parametrize(
    ("name", "target", "measured", "met"),
    [
        ("committed_tx_per_s", 2500, 2600.0, True),
        ("committed_tx_per_s", 2500, 700.0, False),
        ("latency_p99_s", 3.0, 2.9, True),
        ("latency_p99_s", 3.0, 3.1, False),
        ("ratio_of_kvstore", 0.5, None, None),
    ],
)
def test_verdicts(name: str, target: float, measured: float | None, met: bool | None) -> None:
    assert _verdict(name, target, measured)["met"] is met


def test_cpu_per_committed_tx_and_what_it_allows_on_every_core() -> None:
    cpu = {
        "cores": 2,
        "cometbft_s": 3.0,
        "sen_app_s": 1.0,
        "load_generator_s": 0.0,
        "share_of_benchmark_processes": {"cometbft": 0.75, "sen_app": 0.25, "load_generator": 0},
    }
    figures = _cpu_per_tx(cpu, 2000)
    assert figures["ms_per_committed_tx"] == {
        "cometbft": 1.5,
        "sen_app": 0.5,
        "load_generator": 0.0,
        "all_benchmark_processes": 2.0,
    }
    assert figures["tx_per_s_if_cpu_bound_on_all_cores"] == 1000.0
