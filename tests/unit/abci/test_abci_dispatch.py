"""Requests → application → responses: batching, no-op vote extensions, exception policy."""

from __future__ import annotations

import logging

import pytest
from abci_fakes import COMMIT, FLUSH, INFO, FakeApp, check_tx, echo, finalize, query

from sen.abci.dispatch import INTERNAL_CODESPACE, INTERNAL_ERROR_CODE, Dispatcher
from sen.abci.proto.tendermint.abci import types_pb2 as abci
from sen.abci.types import CheckTxType


def kinds(responses: list[abci.Response]) -> list[str]:
    return [r.WhichOneof("value") for r in responses]


def test_echo_and_flush_are_answered_without_the_app() -> None:
    app = FakeApp()
    answers = Dispatcher(app).answer_all([echo("hello"), FLUSH])
    assert answers.responses == [
        abci.Response(echo=abci.ResponseEcho(message="hello")),
        abci.Response(flush=abci.ResponseFlush()),
    ]
    assert app.calls == []


def test_vote_extensions_are_no_ops_that_never_reach_the_app() -> None:
    app = FakeApp(failing=["extend_vote", "verify_vote_extension"])
    answers = Dispatcher(app).answer_all(
        [
            abci.Request(extend_vote=abci.RequestExtendVote(height=3, hash=b"h")),
            abci.Request(
                verify_vote_extension=abci.RequestVerifyVoteExtension(
                    height=3, vote_extension=b"anything"
                )
            ),
        ]
    )
    extend, verify = answers.responses
    assert extend.extend_vote.vote_extension == b""
    assert verify.verify_vote_extension.status == abci.ResponseVerifyVoteExtension.ACCEPT
    assert app.calls == []


def test_consecutive_check_txs_of_one_type_go_to_the_app_at_once() -> None:
    app = FakeApp()
    requests = [
        check_tx(b"\x00a"),
        check_tx(b"\x05b"),
        check_tx(b"\x00c"),
        check_tx(b"\x00d", recheck=True),
        check_tx(b"\x07e", recheck=True),
        FLUSH,
        check_tx(b"\x00f"),
        query(b"q"),
        check_tx(b"\x00g"),
    ]
    answers = Dispatcher(app).answer_all(requests)
    assert kinds(answers.responses) == [r.WhichOneof("value") for r in requests]
    assert [r.check_tx.code for r in answers.responses if r.HasField("check_tx")] == [
        0,
        5,
        0,
        0,
        7,
        0,
        0,
    ]
    assert [r.check_tx.log for r in answers.responses if r.HasField("check_tx")][:2] == [
        "0061",
        "0562",
    ]
    assert [c for c in app.calls if c[0] == "check_txs"] == [
        ("check_txs", ([b"\x00a", b"\x05b", b"\x00c"], CheckTxType.NEW)),
        ("check_txs", ([b"\x00d", b"\x07e"], CheckTxType.RECHECK)),
        ("check_txs", ([b"\x00f"], CheckTxType.NEW)),
        ("check_txs", ([b"\x00g"], CheckTxType.NEW)),
    ]


def test_batched_check_tx_answers_equal_one_by_one() -> None:
    txs = [bytes([i % 3, i]) for i in range(50)]
    batched = Dispatcher(FakeApp()).answer_all([check_tx(t) for t in txs]).responses
    single = Dispatcher(FakeApp(), max_check_tx_run=1)
    one_by_one = [single.answer_all([check_tx(t)]).responses[0] for t in txs]
    assert batched == one_by_one


def test_a_check_tx_run_is_capped() -> None:
    app = FakeApp()
    Dispatcher(app, max_check_tx_run=4).answer_all([check_tx(b"\x00") for _ in range(10)])
    assert [len(argument[0]) for _, argument in app.calls] == [4, 4, 2]  # type: ignore[index]


def test_app_exception_in_check_tx_is_a_code_not_an_exception(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FakeApp(failing=["check_txs"])
    with caplog.at_level(logging.ERROR, logger="sen.abci"):
        answers = Dispatcher(app).answer_all([check_tx(b"a"), check_tx(b"b"), echo("after")])
    assert answers.failure is None
    assert kinds(answers.responses) == ["check_tx", "check_tx", "echo"]
    for response in answers.responses[:2]:
        assert response.check_tx.code == INTERNAL_ERROR_CODE
        assert response.check_tx.codespace == INTERNAL_CODESPACE
        assert response.check_tx.log == "internal error: Boom: check_txs exploded"
    assert "CheckTx of 2 transactions failed" in caplog.text


def test_unknown_check_tx_type_is_a_code() -> None:
    request = abci.Request(check_tx=abci.RequestCheckTx(tx=b"x"))
    request.check_tx.type = 7  # open enum: any number decodes
    (response,) = Dispatcher(FakeApp()).answer_all([request]).responses
    assert response.check_tx.code == INTERNAL_ERROR_CODE
    assert response.check_tx.log == "internal error: check_tx.type: unknown CheckTx type 7"


def test_app_exception_in_query_is_a_code_not_an_exception() -> None:
    answers = Dispatcher(FakeApp(failing=["query"])).answer_all([query(b"k")])
    (response,) = answers.responses
    assert answers.failure is None
    assert response.query.code == INTERNAL_ERROR_CODE
    assert response.query.log == "internal error: Boom: query exploded"


@pytest.mark.parametrize(
    ("method", "request_", "check"),
    [
        ("list_snapshots", abci.Request(list_snapshots=abci.RequestListSnapshots()), "snapshots"),
        (
            "offer_snapshot",
            abci.Request(offer_snapshot=abci.RequestOfferSnapshot(snapshot=abci.Snapshot())),
            "abort",
        ),
        (
            "load_snapshot_chunk",
            abci.Request(load_snapshot_chunk=abci.RequestLoadSnapshotChunk()),
            "chunk",
        ),
        (
            "apply_snapshot_chunk",
            abci.Request(apply_snapshot_chunk=abci.RequestApplySnapshotChunk()),
            "abort",
        ),
    ],
)
def test_state_sync_failures_are_answers(method: str, request_: abci.Request, check: str) -> None:
    answers = Dispatcher(FakeApp(failing=[method])).answer_all([request_])
    assert answers.failure is None
    (response,) = answers.responses
    body = getattr(response, method)
    if check == "snapshots":
        assert list(body.snapshots) == []
    elif check == "chunk":
        assert body.chunk == b""
    else:
        assert body.result == body.ABORT


@pytest.mark.parametrize(
    ("method", "request_"),
    [
        ("info", INFO),
        ("init_chain", abci.Request(init_chain=abci.RequestInitChain(chain_id="c"))),
        ("prepare_proposal", abci.Request(prepare_proposal=abci.RequestPrepareProposal())),
        ("process_proposal", abci.Request(process_proposal=abci.RequestProcessProposal())),
        ("finalize_block", finalize(1)),
        ("commit", COMMIT),
    ],
)
def test_consensus_exception_is_an_exception_response_and_ends_the_batch(
    method: str, request_: abci.Request, caplog: pytest.LogCaptureFixture
) -> None:
    app = FakeApp(failing=[method])
    with caplog.at_level(logging.ERROR, logger="sen.abci"):
        answers = Dispatcher(app).answer_all([echo("before"), request_, echo("never")])
    assert kinds(answers.responses) == ["echo", "exception"]
    assert answers.responses[1].exception.error == f"{method}: Boom: {method} exploded"
    assert answers.failure == answers.responses[1].exception.error
    assert f"ABCI {method} failed" in caplog.text
    assert "Traceback" in caplog.text


def test_a_full_block_reaches_the_app_in_order() -> None:
    app = FakeApp()
    answers = Dispatcher(app).answer_all([finalize(1, [b"t"]), COMMIT, INFO])
    assert app.names() == ["finalize_block", "commit", "info"]
    assert answers.responses[0].finalize_block.app_hash == b"\x02" * 32
    assert answers.responses[2].info.last_block_height == 1
