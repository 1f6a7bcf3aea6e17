"""Receipt checks that the receipt vectors (one validator) cannot reach."""

from __future__ import annotations

import pytest

from sen.ledger.light.types import (
    GO_ZERO_TIME,
    BlockID,
    BlockIDFlag,
    Commit,
    CommitSig,
    PartSetHeader,
    Timestamp,
)
from sen.light.receipt import ReceiptInvalid, check_absent_slots, read_receipt_json

BLOCK = BlockID(bytes(32), PartSetHeader(1, bytes(32)))
VOTE = CommitSig(BlockIDFlag.COMMIT, b"\x01" * 20, Timestamp(1, 0), b"\x02" * 64)


def test_an_empty_absent_slot_passes() -> None:
    check_absent_slots(Commit(3, 0, BLOCK, (VOTE, CommitSig.absent())), "commit", "c")


@pytest.mark.parametrize(
    "slot",
    [
        CommitSig(BlockIDFlag.ABSENT, b"\x01" * 20, GO_ZERO_TIME, b""),
        CommitSig(BlockIDFlag.ABSENT, b"", Timestamp(1, 0), b""),
        CommitSig(BlockIDFlag.ABSENT, b"", GO_ZERO_TIME, b"\x02" * 64),
    ],
    ids=["address", "time", "signature"],
)
def test_an_absent_slot_carrying_anything_is_refused(slot: CommitSig) -> None:
    """verify_commit skips absent slots; without this their content could change unnoticed."""
    with pytest.raises(ReceiptInvalid) as caught:
        check_absent_slots(Commit(3, 0, BLOCK, (VOTE, slot)), "commit", "next_block.commit")
    assert (caught.value.check, caught.value.reason) == (
        "commit",
        "next_block.commit.signatures[1]: an absent slot carries a vote",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"version": 1, "version": 2}', "member 'version' is repeated in one object"),
        ('{"a": {"b": 1, "b": 1}}', "member 'b' is repeated in one object"),
        ('{"version": 1.0}', "a receipt has no number like '1.0'"),
        ('{"version": NaN}', "a receipt has no number like 'NaN'"),
        ('{"version": 1e0}', "a receipt has no number like '1e0'"),
    ],
)
def test_the_receipt_reader_refuses_what_plain_json_lets_through(text: str, reason: str) -> None:
    with pytest.raises(ReceiptInvalid) as caught:
        read_receipt_json(text)
    assert (caught.value.check, caught.value.reason) == ("format", reason)


def test_the_receipt_reader_reads_json() -> None:
    assert read_receipt_json(b'{"a": [1, "x", null, true]}') == {"a": [1, "x", None, True]}
