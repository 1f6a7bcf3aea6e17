"""The state transition: envelope checks, signatures, nonces, and one result per transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import Ed25519Suite, SigningKey
from sen.ledger.errors import TxRejected
from sen.ledger.modules import MODULES
from sen.ledger.modules.base import Action, Context, Module, Outcome
from sen.ledger.rules import (
    CheckedTx,
    account_key,
    check_envelope,
    execute_block,
    load_nonce,
    precheck,
    verify_signature,
)
from sen.ledger.state import EmptyState, Overlay
from sen.ledger.tx import SIGN_DOMAIN, TX_VERSION, sign_tx
from sen.ledger.types import BlockInfo, ChainParams, TxResult

PARAMS = ChainParams(chain_id="sen-test")
BLOCK = BlockInfo(height=5, time_seconds=1_700_000_000, time_nanos=0, proposer=bytes(20))
ALICE = Ed25519Suite().load_private(b"\x01" * 32)
BOB = Ed25519Suite().load_private(b"\x02" * 32)
DIGEST = b"\xab" * 32
ALICE_ADDRESS = sign_tx(ALICE, chain_id="x", nonce=0, module="m", action="a", args={}).sender


def anchor_tx(
    key: SigningKey = ALICE,
    nonce: int = 0,
    digest: bytes = DIGEST,
    chain_id: str = "sen-test",
    module: str = "evidence",
    action: str = "anchor",
    args: Mapping[str, Any] | None = None,
) -> bytes:
    return sign_tx(
        key,
        chain_id=chain_id,
        nonce=nonce,
        module=module,
        action=action,
        args={"digest": digest} if args is None else args,
    ).raw


def hand_made_tx(suite: str, public_key: bytes, key: SigningKey = ALICE) -> bytes:
    """A transaction whose envelope says what we like, signed by ``key``."""
    body = [TX_VERSION, "sen-test", suite, public_key, 0, "evidence", "anchor", {"digest": DIGEST}]
    return encoding.encode([body, key.sign(SIGN_DOMAIN + encoding.encode(body))])


def run(
    raws: Sequence[bytes], state: Overlay | None = None, params: ChainParams = PARAMS
) -> tuple[Overlay, list[TxResult]]:
    base = state if state is not None else Overlay(EmptyState())
    items = [precheck(raw, params) for raw in raws]
    oks = [isinstance(i, CheckedTx) and verify_signature(i.tx) for i in items]
    return execute_block(base, items, oks, BLOCK, params)


# -- envelope -----------------------------------------------------------------

ENVELOPE = [
    ("wrong chain", anchor_tx(chain_id="other-chain"), ResultCode.WRONG_CHAIN, "chain_id"),
    ("unknown suite", hand_made_tx("rsa", ALICE.public_key), ResultCode.UNKNOWN_SUITE, "suite"),
    (
        "short public key",
        hand_made_tx("ed25519", b"\x01" * 31),
        ResultCode.BAD_PUBLIC_KEY,
        "public_key",
    ),
    (
        "long public key",
        hand_made_tx("ed25519", b"\x01" * 33),
        ResultCode.BAD_PUBLIC_KEY,
        "public_key",
    ),
    ("unknown module", anchor_tx(module="payments"), ResultCode.UNKNOWN_MODULE, "module"),
    ("unknown action", anchor_tx(action="revoke"), ResultCode.UNKNOWN_ACTION, "action"),
    (
        "bad argument",
        anchor_tx(args={"digest": "text"}),
        ResultCode.INVALID_ARGUMENT,
        "args.digest",
    ),
    ("not a transaction", b"\x00", ResultCode.MALFORMED, "tx"),
]


@pytest.mark.parametrize(("label", "raw", "code", "field"), ENVELOPE, ids=[e[0] for e in ENVELOPE])
def test_envelope_rejections_name_code_and_field(
    label: str, raw: bytes, code: ResultCode, field: str
) -> None:
    with pytest.raises(TxRejected) as caught:
        check_envelope(raw, PARAMS)
    assert caught.value.code == code
    assert caught.value.field == field


def test_suite_not_allowed_on_this_chain() -> None:
    params = ChainParams(chain_id="sen-test", allowed_suites=("some-other-suite",))
    with pytest.raises(TxRejected) as caught:
        check_envelope(anchor_tx(), params)
    assert caught.value.code == ResultCode.SUITE_NOT_ALLOWED
    assert caught.value.field == "suite"


def test_transaction_over_max_tx_bytes_is_too_large() -> None:
    raw = anchor_tx()
    params = ChainParams(chain_id="sen-test", max_tx_bytes=len(raw) - 1)
    with pytest.raises(TxRejected) as caught:
        check_envelope(raw, params)
    assert caught.value.code == ResultCode.TX_TOO_LARGE


def test_envelope_checks_do_not_look_at_the_signature() -> None:
    raw = hand_made_tx("ed25519", ALICE.public_key, key=BOB)  # signed by the wrong key
    checked = check_envelope(raw, PARAMS)
    assert not verify_signature(checked.tx)


# -- block execution ------------------------------------------------------------


def test_valid_transaction_consumes_its_nonce_and_emits_its_event() -> None:
    overlay, results = run([anchor_tx()])
    assert [r.code for r in results] == [ResultCode.OK]
    assert load_nonce(overlay, ALICE_ADDRESS) == 1
    assert [e.type for e in results[0].events] == ["evidence.anchor"]


def test_bad_signature_writes_nothing_and_keeps_the_nonce() -> None:
    raw = hand_made_tx("ed25519", ALICE.public_key, key=BOB)
    overlay, results = run([raw])
    assert [r.code for r in results] == [ResultCode.BAD_SIGNATURE]
    assert overlay.changes() == []


def test_rejected_envelope_writes_nothing() -> None:
    overlay, results = run([anchor_tx(chain_id="elsewhere")])
    assert [r.code for r in results] == [ResultCode.WRONG_CHAIN]
    assert overlay.changes() == []


@pytest.mark.parametrize(
    ("nonces", "codes"),
    [
        ([0, 1, 2], [ResultCode.OK, ResultCode.OK, ResultCode.OK]),
        ([1], [ResultCode.NONCE_TOO_HIGH]),
        ([0, 0], [ResultCode.OK, ResultCode.NONCE_TOO_LOW]),
        ([0, 2, 1], [ResultCode.OK, ResultCode.NONCE_TOO_HIGH, ResultCode.OK]),
        ([5, 0, 1], [ResultCode.NONCE_TOO_HIGH, ResultCode.OK, ResultCode.OK]),
    ],
)
def test_nonces_must_follow_one_another(nonces: list[int], codes: list[ResultCode]) -> None:
    raws = [anchor_tx(nonce=n, digest=bytes([i]) * 32) for i, n in enumerate(nonces)]
    overlay, results = run(raws)
    assert [r.code for r in results] == codes
    assert load_nonce(overlay, ALICE_ADDRESS) == codes.count(ResultCode.OK)


def test_replayed_transaction_in_a_later_block_is_nonce_too_low() -> None:
    state = Overlay(EmptyState())
    first, _ = run([anchor_tx()], state)
    first.merge_into(state)
    _, results = run([anchor_tx()], state)
    assert [r.code for r in results] == [ResultCode.NONCE_TOO_LOW]


def test_nonces_are_per_sender() -> None:
    overlay, results = run([anchor_tx(ALICE, 0), anchor_tx(BOB, 0, digest=b"\x01" * 32)])
    assert [r.code for r in results] == [ResultCode.OK, ResultCode.OK]
    assert load_nonce(overlay, ALICE_ADDRESS) == 1


class FailingAction(Action[None]):
    """Writes, then fails: its write must not survive."""

    name = "fail"
    permission: str | None = None

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> None:
        return None

    def execute(self, ctx: Context, parsed: None) -> Outcome:
        ctx.state.set(b"test/written-before-failing", b"x")
        raise TxRejected(ResultCode.INVALID_ARGUMENT, "fails on purpose", field="args")


@pytest.fixture
def failing_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MODULES, "test", Module("test", {"fail": FailingAction()}))


@pytest.mark.usefixtures("failing_module")
def test_failed_action_consumes_the_nonce_but_writes_nothing_else() -> None:
    overlay, results = run([anchor_tx(module="test", action="fail", args={})])
    assert [r.code for r in results] == [ResultCode.INVALID_ARGUMENT]
    assert overlay.get(b"test/written-before-failing") is None
    assert [k for k, _ in overlay.changes()] == [account_key(ALICE_ADDRESS)]
    assert load_nonce(overlay, ALICE_ADDRESS) == 1


@pytest.mark.usefixtures("failing_module")
def test_failed_action_cannot_be_replayed_with_the_same_nonce() -> None:
    failing = anchor_tx(module="test", action="fail", args={})
    _, results = run([failing, anchor_tx(nonce=0), anchor_tx(nonce=1)])
    assert [r.code for r in results] == [
        ResultCode.INVALID_ARGUMENT,
        ResultCode.NONCE_TOO_LOW,
        ResultCode.OK,
    ]


def test_every_transaction_gets_exactly_one_result_in_order() -> None:
    raws = [
        anchor_tx(nonce=0),
        b"garbage",
        anchor_tx(chain_id="x"),
        anchor_tx(nonce=0),
        hand_made_tx("ed25519", ALICE.public_key, key=BOB),
        anchor_tx(nonce=1, digest=b"\x02" * 32),
    ]
    _, results = run(raws)
    assert [r.code for r in results] == [
        ResultCode.OK,
        ResultCode.MALFORMED,
        ResultCode.WRONG_CHAIN,
        ResultCode.NONCE_TOO_LOW,
        ResultCode.BAD_SIGNATURE,
        ResultCode.OK,
    ]


def test_results_carry_the_code_and_only_the_log_carries_text() -> None:
    _, results = run([anchor_tx(nonce=3)])
    assert results[0].code == ResultCode.NONCE_TOO_HIGH
    assert results[0].data == b""
    assert "expected 0" in results[0].log


def test_block_overlay_leaves_committed_state_untouched() -> None:
    committed = Overlay(EmptyState())
    run([anchor_tx()], committed)
    assert committed.changes() == []


def test_a_rejection_is_returned_without_traceback_or_cause() -> None:
    """The mempool's cache keeps rejections: a traceback would keep the batch they came in."""
    batch = [b"\x82\x00\x00" + bytes(4096) for _ in range(3)]  # not a transaction
    items = [precheck(raw, PARAMS) for raw in batch]
    assert all(isinstance(item, TxRejected) for item in items)
    for item in items:
        assert isinstance(item, TxRejected)
        assert item.code in (ResultCode.MALFORMED, ResultCode.NON_CANONICAL)
        assert item.__traceback__ is None
        assert item.__cause__ is None and item.__context__ is None
