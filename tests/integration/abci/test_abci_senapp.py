"""A real SenApp driven through a real unix socket, the way CometBFT drives it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from abci_support import (
    GENESIS_SECONDS,
    Served,
    anchor,
    make_test_genesis,
    member_key,
    serve_sen_app,
    short_socket_dir,
    validator_public_key,
)
from google.protobuf.timestamp_pb2 import Timestamp as ProtoTimestamp

from sen.abci.proto.tendermint.abci import types_pb2 as abci
from sen.abci.proto.tendermint.crypto import keys_pb2
from sen.ledger.codes import ResultCode

ALICE = member_key(1)
BOB = member_key(2)
FLUSH = abci.Request(flush=abci.RequestFlush())


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with (
        short_socket_dir() as sockets,
        serve_sen_app(tmp_path / "db", make_test_genesis(), f"unix://{sockets}/abci.sock") as s,
    ):
        yield s


def init_chain(genesis_app_state: bytes) -> abci.Request:
    return abci.Request(
        init_chain=abci.RequestInitChain(
            time=ProtoTimestamp(seconds=GENESIS_SECONDS),
            chain_id="abci-chain",
            validators=[
                abci.ValidatorUpdate(
                    pub_key=keys_pb2.PublicKey(ed25519=validator_public_key()), power=10
                )
            ],
            app_state_bytes=genesis_app_state,
            initial_height=1,
        )
    )


def check_tx(raw: bytes) -> abci.Request:
    return abci.Request(check_tx=abci.RequestCheckTx(tx=raw))


def test_init_chain_to_commit_over_the_socket(served: Served) -> None:
    with served.connect() as consensus, served.connect() as mempool, served.connect() as query:
        info = query.call(abci.Request(info=abci.RequestInfo(version="0.38.26")))
        assert info.info.last_block_height == 0
        initialized = consensus.call(init_chain(served.app.genesis.app_state_bytes()))
        assert len(initialized.init_chain.validators) == 1

        txs = [anchor(ALICE, n, f"doc {n}").raw for n in range(3)]
        checked = mempool.call_many([check_tx(raw) for raw in txs])
        assert [r.check_tx.code for r in checked] == [0, 0, 0]

        header = {
            "height": 1,
            "time": ProtoTimestamp(seconds=GENESIS_SECONDS + 1),
            "next_validators_hash": b"n" * 32,
            "proposer_address": b"p" * 20,
        }
        prepared = consensus.call(
            abci.Request(
                prepare_proposal=abci.RequestPrepareProposal(
                    max_tx_bytes=1 << 20, txs=[*txs, b"not a tx"], **header
                )
            )
        ).prepare_proposal
        assert list(prepared.txs) == txs
        processed = consensus.call(
            abci.Request(
                process_proposal=abci.RequestProcessProposal(
                    txs=prepared.txs, hash=b"b" * 32, **header
                )
            )
        ).process_proposal
        assert processed.status == abci.ResponseProcessProposal.ACCEPT
        finalized = consensus.call(
            abci.Request(
                finalize_block=abci.RequestFinalizeBlock(txs=prepared.txs, hash=b"b" * 32, **header)
            )
        ).finalize_block
        assert [r.code for r in finalized.tx_results] == [0, 0, 0]
        assert all(r.events for r in finalized.tx_results)
        assert len(finalized.app_hash) == 32
        consensus.call(abci.Request(commit=abci.RequestCommit()))

        info = query.call(abci.Request(info=abci.RequestInfo())).info
        assert info.last_block_height == 1
        assert info.last_block_app_hash == finalized.app_hash
        nonce = query.call(
            abci.Request(query=abci.RequestQuery(path="/account/nonce", data=ALICE_ADDRESS))
        ).query
        assert (nonce.code, nonce.value) == (0, b"3")
        # mempool recheck after the commit: the committed txs are now replays
        rechecked = mempool.call_many(
            [abci.Request(check_tx=abci.RequestCheckTx(tx=raw, type=1)) for raw in txs]
        )
        assert {r.check_tx.code for r in rechecked} == {int(ResultCode.NONCE_TOO_LOW)}


ALICE_ADDRESS = anchor(ALICE, 0, "x").sender


def mixed_txs() -> list[bytes]:
    """Valid, out-of-order, replayed, foreign-chain and undecodable transactions."""
    return [
        anchor(ALICE, 0, "a0").raw,
        anchor(ALICE, 2, "a2").raw,  # too high
        anchor(BOB, 0, "b0").raw,
        anchor(ALICE, 1, "a1").raw,
        anchor(ALICE, 1, "a1 again").raw,  # nonce taken by the previous one
        anchor(BOB, 1, "b1", chain_id="other-chain").raw,
        b"\x00garbage",
        anchor(ALICE, 2, "a2").raw,  # now it fits
    ]


def test_batched_check_tx_gives_the_same_answers_as_one_by_one(tmp_path: Path) -> None:
    genesis = make_test_genesis()
    with (
        short_socket_dir() as sockets,
        serve_sen_app(tmp_path / "a", genesis, f"unix://{sockets}/a.sock") as batched,
        serve_sen_app(tmp_path / "b", genesis, f"unix://{sockets}/b.sock") as single,
    ):
        for served in (batched, single):
            with served.connect() as consensus:
                consensus.call(init_chain(genesis.app_state_bytes()))
        with batched.connect() as client:
            together = client.call_many([check_tx(raw) for raw in mixed_txs()])
        with single.connect() as client:
            apart = [client.call(check_tx(raw)) for raw in mixed_txs()]
    assert together == apart
    assert [r.check_tx.code for r in together] == [
        0,
        int(ResultCode.NONCE_TOO_HIGH),
        0,
        0,
        int(ResultCode.NONCE_TOO_LOW),
        int(ResultCode.WRONG_CHAIN),
        int(ResultCode.NON_CANONICAL),
        0,
    ]
