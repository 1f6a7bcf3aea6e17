"""Capture jobs on chain: the capturer must control its DID and hold every prefix named."""

from __future__ import annotations

from pathlib import Path

import pytest
from consortium import key
from trace_chain import COOPERATIVE, COOPERATIVE_PREFIX, PACKER, PACKER_PREFIX, TraceChain
from trust_chain import replay_blocks

from sen.ledger.codes import ResultCode
from sen.ledger.modules.trace import capture_key, load_capture
from sen.ledger.modules.trace.records import CAPTURE_KEY


@pytest.fixture
def granted(chain: TraceChain) -> TraceChain:
    chain.grant(COOPERATIVE_PREFIX, COOPERATIVE)
    chain.grant(PACKER_PREFIX, PACKER)
    return chain


def test_a_capture_job_is_recorded_with_its_root_and_place(granted: TraceChain) -> None:
    args = granted.capture()
    result = granted.record(granted.cooperative, args)
    assert result.code == 0, result.log
    assert result.data == args["root"]
    record = load_capture(granted.store, args["capture"])
    assert record is not None
    assert (record.capturer, record.root, record.count) == (COOPERATIVE, args["root"], 2)
    assert record.prefixes == (COOPERATIVE_PREFIX,)
    assert (record.height, record.index) == (granted.height, 0)
    (event,) = [e for e in result.events if e.type == "trace.capture"]
    assert {a.key: a.value for a in event.attributes}["capture"] == args["capture"].hex()


def test_a_capture_job_that_claims_no_prefix_is_recorded(granted: TraceChain) -> None:
    result = granted.record(granted.packer, granted.capture(capturer=PACKER, prefixes=[]))
    assert result.code == 0, result.log


def test_a_capture_job_may_not_be_recorded_twice(granted: TraceChain) -> None:
    args = granted.capture()
    granted.ok(granted.cooperative, "trace", "record_capture", args)
    granted.refuse(
        granted.cooperative, "trace", "record_capture", {**args, "root": bytes(32)},
        ResultCode.CAPTURE_EXISTS, "args.capture",
    )  # fmt: skip
    record = load_capture(granted.store, args["capture"])
    assert record is not None and record.root == args["root"]


def test_a_prefix_of_another_holder_is_refused(granted: TraceChain) -> None:
    args = granted.capture(prefixes=[COOPERATIVE_PREFIX, PACKER_PREFIX])
    granted.refuse(
        granted.cooperative, "trace", "record_capture", args, ResultCode.PREFIX_NOT_HELD,
        "args.prefixes[1]",
    )  # fmt: skip
    assert load_capture(granted.store, args["capture"]) is None


def test_a_prefix_nobody_holds_is_refused(granted: TraceChain) -> None:
    args = granted.capture(prefixes=["893111"])
    granted.refuse(
        granted.cooperative, "trace", "record_capture", args, ResultCode.PREFIX_NOT_HELD,
        "args.prefixes[0]",
    )  # fmt: skip


def test_only_a_controller_of_the_capturing_did_may_record_for_it(granted: TraceChain) -> None:
    # The packer's key, naming the cooperative's DID and prefix: a stranger to that brand.
    args = granted.capture()
    granted.refuse(
        granted.packer, "trace", "record_capture", args, ResultCode.NOT_DID_CONTROLLER, "sender"
    )
    assert load_capture(granted.store, args["capture"]) is None


def test_a_revoked_prefix_no_longer_counts(granted: TraceChain) -> None:
    granted.govern("revoke_gs1_prefix", {"prefix": COOPERATIVE_PREFIX})
    granted.refuse(
        granted.cooperative, "trace", "record_capture", granted.capture(),
        ResultCode.PREFIX_NOT_HELD, "args.prefixes[0]",
    )  # fmt: skip


def test_a_non_member_cannot_record_a_capture_job(granted: TraceChain) -> None:
    result = granted.record(key(90), granted.capture())
    assert result.code == ResultCode.UNKNOWN_SIGNER
    assert granted.store.scan(CAPTURE_KEY, CAPTURE_KEY + b"\xff", 10) == []


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"capture": bytes(15)}, ResultCode.INVALID_ARGUMENT, "args.capture"),
        ({"capture": "00" * 16}, ResultCode.INVALID_ARGUMENT, "args.capture"),
        ({"root": bytes(31)}, ResultCode.INVALID_ARGUMENT, "args.root"),
        ({"count": 0}, ResultCode.INVALID_ARGUMENT, "args.count"),
        ({"count": True}, ResultCode.INVALID_ARGUMENT, "args.count"),
        ({"count": 1_000_001}, ResultCode.INVALID_ARGUMENT, "args.count"),
        ({"capturer": "did:web:x"}, ResultCode.INVALID_DID, "args.capturer"),
        ({"prefixes": "8935678"}, ResultCode.INVALID_ARGUMENT, "args.prefixes"),
        ({"prefixes": ["893"]}, ResultCode.INVALID_GS1_PREFIX, "args.prefixes[0]"),
        ({"prefixes": ["893999", "893111"]}, ResultCode.INVALID_ARGUMENT, "args.prefixes"),
        ({"prefixes": ["8935678", "8935678"]}, ResultCode.INVALID_ARGUMENT, "args.prefixes[1]"),
        ({"prefixes": [str(n).zfill(6) for n in range(65)]}, ResultCode.INVALID_ARGUMENT,
         "args.prefixes"),
        ({"note": "x"}, ResultCode.INVALID_ARGUMENT, "args.note"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_by_name(
    granted: TraceChain, changes: dict[str, object], code: ResultCode, field: str
) -> None:
    args = granted.capture(**changes)
    if "note" in changes:
        args["note"] = changes["note"]
    granted.refuse(granted.cooperative, "trace", "record_capture", args, code, field)
    capture = args["capture"]
    if isinstance(capture, bytes) and len(capture) == 16:
        assert granted.store.get(capture_key(capture)) is None


def test_replaying_the_blocks_gives_the_same_app_hashes(
    granted: TraceChain, tmp_path: Path
) -> None:
    granted.ok(granted.cooperative, "trace", "record_capture", granted.capture())
    granted.record(granted.packer, granted.capture())  # refused: not its DID
    granted.govern("revoke_gs1_prefix", {"prefix": PACKER_PREFIX})
    replayed = replay_blocks(granted, tmp_path / "replay")
    assert [h for h, _ in replayed] == granted.app_hashes
