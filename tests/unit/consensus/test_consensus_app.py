"""SenApp behind the ABCI-shaped port: CheckTx reservations, proposals, blocks, queries."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_harness import CHAIN_ID, Chain, anchor, make_genesis_for, member_key

from sen.abci.types import (
    CheckTxType,
    ProposalStatus,
    RequestCheckTx,
    RequestInfo,
    RequestPrepareProposal,
    RequestProcessProposal,
    RequestQuery,
)
from sen.consensus.app import SenApp
from sen.consensus.errors import GenesisMismatch, OutOfOrder
from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.light.types import Timestamp
from sen.ledger.rules import account_key
from sen.ledger.tx import SIGN_DOMAIN
from sen.ledger.types import ChainParams
from sen.store.db import Database

ALICE = member_key(1)
BOB = member_key(2)
OK = int(ResultCode.OK)
ALICE_ADDRESS = anchor(ALICE, 0, "x").sender
BOB_ADDRESS = anchor(BOB, 0, "x").sender


def codes(responses: object) -> list[int]:
    return [r.code for r in responses]  # type: ignore[attr-defined]


def forged(nonce: int) -> bytes:
    """Alice's envelope with Bob's signature."""
    tx = anchor(ALICE, nonce, "forged")
    body = tx.sign_bytes[len(SIGN_DOMAIN) :]
    return b"\x82" + body + encoding.encode(BOB.sign(tx.sign_bytes))


def test_check_tx_reserves_nonces_in_order(chain: Chain) -> None:
    txs = [anchor(ALICE, n, f"d{n}").raw for n in range(3)]
    assert codes(chain.app.check_txs(txs)) == [OK, OK, OK]
    assert chain.app.pending_nonce(ALICE_ADDRESS) == 3
    assert codes(chain.app.check_txs([anchor(ALICE, 3, "d3").raw])) == [OK]


def test_check_tx_out_of_order_is_nonce_too_high_then_fits(chain: Chain) -> None:
    responses = chain.app.check_txs([anchor(ALICE, 1, "b").raw, anchor(ALICE, 0, "a").raw])
    assert codes(responses) == [int(ResultCode.NONCE_TOO_HIGH), OK]
    assert responses[0].field == "nonce"
    assert responses[0].expected == "0"


def test_check_tx_same_tx_twice_is_nonce_too_low(chain: Chain) -> None:
    raw = anchor(ALICE, 0, "a").raw
    assert codes(chain.app.check_txs([raw, raw])) == [OK, int(ResultCode.NONCE_TOO_LOW)]


def test_check_tx_rejects_a_bad_signature_naming_the_field(chain: Chain) -> None:
    response = chain.app.check_tx(RequestCheckTx(forged(0)))
    assert response.code == ResultCode.BAD_SIGNATURE
    assert response.field == "signature"
    assert chain.app.pending_nonce(ALICE_ADDRESS) == 0


def test_check_tx_rejection_carries_field_expected_and_got(chain: Chain) -> None:
    raw = anchor(ALICE, 0, "a", title="t" * 300).raw
    response = chain.app.check_tx(RequestCheckTx(raw))
    assert (response.code, response.field) == (int(ResultCode.INVALID_ARGUMENT), "args.title")
    assert response.got == "300 bytes"


def test_all_or_nothing_reserves_no_nonce_when_one_fails(chain: Chain) -> None:
    batch = [anchor(ALICE, 0, "a").raw, anchor(BOB, 0, "b").raw, anchor(ALICE, 5, "c").raw]
    responses = chain.app.admit(chain.app.prepare_checks(batch), all_or_nothing=True)
    assert codes(responses) == [OK, OK, int(ResultCode.NONCE_TOO_HIGH)]
    assert chain.app.pending_nonce(ALICE_ADDRESS) == 0
    assert chain.app.pending_nonce(BOB_ADDRESS) == 0
    assert codes(chain.app.check_txs(batch[:2])) == [OK, OK]


def test_all_or_nothing_keeps_earlier_reservations(chain: Chain) -> None:
    assert codes(chain.app.check_txs([anchor(ALICE, 0, "a").raw])) == [OK]
    bad = [anchor(ALICE, 1, "b").raw, b"junk"]
    chain.app.admit(chain.app.prepare_checks(bad), all_or_nothing=True)
    assert chain.app.pending_nonce(ALICE_ADDRESS) == 1


def test_recheck_after_commit_keeps_what_is_still_valid(chain: Chain) -> None:
    txs = [anchor(ALICE, n, f"d{n}").raw for n in range(3)]
    chain.app.check_txs(txs)
    chain.run_block(txs[:1])
    assert codes(chain.app.recheck(txs[1:])) == [OK, OK]
    assert chain.app.pending_nonce(ALICE_ADDRESS) == 3


def test_cometbft_style_recheck_one_by_one_after_commit(chain: Chain) -> None:
    # CometBFT's mempool rechecks each remaining tx with CheckTx(RECHECK) after Commit;
    # commit restarts the check state, so those rechecks must pass in order.
    txs = [anchor(ALICE, n, f"c{n}").raw for n in range(3)]
    assert codes(chain.app.check_txs(txs)) == [OK, OK, OK]
    chain.run_block(txs[:1])
    assert chain.app.pending_nonce(ALICE_ADDRESS) == 1  # reservations restart at commit
    rechecked = [chain.app.check_tx(RequestCheckTx(raw, CheckTxType.RECHECK)) for raw in txs[1:]]
    assert [r.code for r in rechecked] == [OK, OK]
    assert codes(chain.app.check_txs([anchor(ALICE, 3, "c3").raw])) == [OK]


def test_recheck_evicts_a_tx_whose_nonce_another_tx_used(chain: Chain) -> None:
    mine = anchor(ALICE, 0, "mine").raw
    rival = anchor(ALICE, 0, "rival").raw
    chain.app.check_txs([mine])
    chain.run_block([rival])  # another node's proposal used nonce 0
    assert codes(chain.app.recheck([mine])) == [int(ResultCode.NONCE_TOO_LOW)]
    assert codes(chain.app.check_txs([anchor(ALICE, 1, "next").raw])) == [OK]


def test_recheck_type_skips_signature_but_not_nonce(chain: Chain) -> None:
    raw = anchor(ALICE, 0, "a").raw
    chain.run_block([raw])
    response = chain.app.check_tx(RequestCheckTx(raw, CheckTxType.RECHECK))
    assert response.code == ResultCode.NONCE_TOO_LOW


def test_process_proposal_rejects_an_undecodable_tx(chain: Chain) -> None:
    good = anchor(ALICE, 0, "a").raw

    def verdict(txs: tuple[bytes, ...]) -> ProposalStatus:
        return chain.app.process_proposal(
            RequestProcessProposal(
                txs=txs,
                hash=bytes(32),
                height=1,
                time=Timestamp(1_700_000_001, 0),
                next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        ).status

    assert verdict((good,)) == ProposalStatus.ACCEPT
    assert verdict((good, b"\xff\x00")) == ProposalStatus.REJECT
    assert verdict((anchor(ALICE, 0, "x", algorithm="md5").raw,)) == ProposalStatus.REJECT


def test_prepare_proposal_drops_undecodable_and_respects_max_bytes(chain: Chain) -> None:
    txs = [anchor(ALICE, n, f"d{n}").raw for n in range(3)]

    def prepared(candidates: tuple[bytes, ...], max_bytes: int) -> tuple[bytes, ...]:
        return chain.app.prepare_proposal(
            RequestPrepareProposal(
                max_tx_bytes=max_bytes,
                txs=candidates,
                height=1,
                time=Timestamp(1_700_000_001, 0),
                next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        ).txs

    assert prepared((txs[0], b"junk", txs[1]), 10**6) == (txs[0], txs[1])
    assert prepared(tuple(txs), len(txs[0]) + len(txs[1])) == (txs[0], txs[1])


def test_finalize_for_the_wrong_height_is_refused(chain: Chain) -> None:
    with pytest.raises(OutOfOrder, match="expected 1"):
        chain.finalize([], height=2)
    chain.run_block([])
    with pytest.raises(OutOfOrder, match="expected 2"):
        chain.finalize([], height=1)


def test_commit_without_finalize_is_refused(chain: Chain) -> None:
    with pytest.raises(OutOfOrder, match="without a finalized block"):
        chain.app.commit()


def test_finalize_returns_one_result_per_tx_and_commit_persists(chain: Chain) -> None:
    good = anchor(ALICE, 0, "a")
    response = chain.run_block([good.raw, b"junk", forged(1)])
    assert codes(response.tx_results) == [
        OK,
        int(ResultCode.MALFORMED),
        int(ResultCode.BAD_SIGNATURE),
    ]
    assert chain.app.height == 1
    assert chain.app.app_hash == response.app_hash
    info = chain.app.info(RequestInfo())
    assert (info.last_block_height, info.last_block_app_hash) == (1, response.app_hash)
    stored = chain.app.store.load_results(1)
    assert stored is not None
    assert [int(r.code) for r in stored] == codes(response.tx_results)


def test_finalize_without_commit_changes_nothing_visible(chain: Chain) -> None:
    before = chain.app.app_hash
    response = chain.finalize([anchor(ALICE, 0, "a").raw])
    assert response.app_hash != before
    assert chain.app.app_hash == before
    assert chain.app.store.get(account_key(ALICE_ADDRESS)) is None


def test_empty_block_keeps_the_app_hash(chain: Chain) -> None:
    before = chain.app.app_hash
    assert chain.run_block([]).app_hash == before


def test_reopened_app_resumes_at_its_height_and_hash(tmp_path: Path) -> None:
    made = Chain(tmp_path / "db", ChainParams(chain_id=CHAIN_ID))
    made.run_block([anchor(ALICE, 0, "a").raw])
    height, app_hash, genesis = made.app.height, made.app.app_hash, made.genesis
    made.close()
    db = Database(tmp_path / "db", sync=False)
    try:
        again = SenApp(db, genesis)
        assert (again.height, again.app_hash) == (height, app_hash)
        assert again.pending_nonce(ALICE_ADDRESS) == 1
        with pytest.raises(GenesisMismatch):
            SenApp(db, make_genesis_for(ChainParams(chain_id="another-chain")))
    finally:
        db.close()


def test_state_query_proves_the_senders_nonce(chain: Chain) -> None:
    chain.run_block([anchor(ALICE, 0, "a").raw])
    key = account_key(ALICE_ADDRESS)
    response = chain.app.query(RequestQuery("/state", key, prove=True))
    assert response.code == 0
    assert encoding.decode(response.value) == [1]
    proof = response.proof
    verify_state_proof(
        bytes.fromhex(str(proof["app_hash"])),
        key,
        response.value,
        [bytes.fromhex(s) for s in proof["siblings"]],  # type: ignore[attr-defined]
        bytes.fromhex(str(proof["leaf_path"])),
        bytes.fromhex(str(proof["leaf_value_hash"])),
    )
    assert bytes.fromhex(str(proof["app_hash"])) == chain.app.app_hash


def test_nonce_and_unknown_queries(chain: Chain) -> None:
    chain.run_block([anchor(ALICE, 0, "a").raw])
    sender = ALICE_ADDRESS
    assert chain.app.query(RequestQuery("/account/nonce", sender)).value == b"1"
    missing = chain.app.query(RequestQuery("/state", b"no/such/key"))
    assert missing.code != 0 and missing.value == b""
    assert chain.app.query(RequestQuery("/nope")).code != 0


def _prepare(chain: Chain, txs: tuple[bytes, ...], max_bytes: int = 10**6) -> tuple[bytes, ...]:
    return chain.app.prepare_proposal(
        RequestPrepareProposal(
            max_tx_bytes=max_bytes,
            txs=txs,
            height=chain.app.height + 1,
            time=Timestamp(1_700_000_001, 0),
            next_validators_hash=bytes(32),
            proposer_address=bytes(20),
        )
    ).txs


def _process(chain: Chain, txs: tuple[bytes, ...]) -> ProposalStatus:
    return chain.app.process_proposal(
        RequestProcessProposal(
            txs=txs,
            hash=bytes(32),
            height=chain.app.height + 1,
            time=Timestamp(1_700_000_001, 0),
            next_validators_hash=bytes(32),
            proposer_address=bytes(20),
        )
    ).status


def test_prepare_proposal_keeps_each_senders_nonces_contiguous(chain: Chain) -> None:
    a0, a1, a3 = (anchor(ALICE, n, f"a{n}").raw for n in (0, 1, 3))
    b0, b1 = (anchor(BOB, n, f"b{n}").raw for n in (0, 1))
    # a3 has a gap (a2 missing); b1 before b0 is out of order, so only b0 survives
    assert _prepare(chain, (a0, b1, a1, a3, b0)) == (a0, a1, b0)


def test_prepare_proposal_skips_a_stale_nonce_and_a_bad_signature(chain: Chain) -> None:
    chain.finalize([anchor(ALICE, 0, "first").raw])
    chain.app.commit()
    stale = anchor(ALICE, 0, "again").raw
    fresh = anchor(ALICE, 1, "next").raw
    forged = bytearray(anchor(BOB, 0, "b").raw)
    forged[-1] ^= 1
    assert _prepare(chain, (stale, bytes(forged), fresh)) == (fresh,)


def test_process_proposal_rejects_what_prepare_would_not_produce(chain: Chain) -> None:
    a0, a1, a2 = (anchor(ALICE, n, f"a{n}").raw for n in range(3))
    forged = bytearray(anchor(BOB, 0, "b").raw)
    forged[-1] ^= 1
    assert _process(chain, (a0, a1, a2)) == ProposalStatus.ACCEPT
    assert _process(chain, (a0, a2)) == ProposalStatus.REJECT  # nonce gap
    assert _process(chain, (a1, a0)) == ProposalStatus.REJECT  # out of order
    assert _process(chain, (a0, a0)) == ProposalStatus.REJECT  # replay inside the block
    assert _process(chain, (a0, bytes(forged))) == ProposalStatus.REJECT  # bad signature
    # whatever prepare produces, process accepts
    assert _process(chain, _prepare(chain, (a2, a0, bytes(forged), a1))) == ProposalStatus.ACCEPT
