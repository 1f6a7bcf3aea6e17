"""The personal-data guard (issue 14, item 7): a chain that declares itself pii_free refuses
transaction arguments that look like personal data, naming the field and never the value;
look-alikes (digests, DIDs, keys, timestamps, amounts) pass."""

from __future__ import annotations

from typing import Any

import pytest

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import Ed25519Suite
from sen.ledger.errors import TxRejected
from sen.ledger.pii import MAX_FREE_TEXT, find_personal_data
from sen.ledger.rules import check_envelope
from sen.ledger.tx import sign_tx
from sen.ledger.types import ChainParams

ALICE = Ed25519Suite().load_private(b"\x01" * 32)
OPEN = ChainParams(chain_id="sen-test")
GUARDED = ChainParams(chain_id="sen-test", pii_free=True)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hồ sơ của ông Trần Văn Bình, CCCD 001084012345", "a citizen ID number (CCCD)"),
        ("079201009876", "a citizen ID number (CCCD)"),
        ("Liên hệ: 0912 345 678", "a phone number"),
        ("ĐT +84 912.345.678", "a phone number"),
        ("so dien thoai 0387654321", "a phone number"),
        ("gửi tới nguyen.thi.hang@benhvien-a.vn", "an e-mail address"),
        ("Nguyễn Thị Hằng, sinh ngày 12/03/1984", "a date of birth"),
        ("Date of birth: 1984-03-12", "a date of birth"),
        (
            "Bệnh án: " + "đau đầu kéo dài " * 20,
            f"free text of more than {MAX_FREE_TEXT} characters",
        ),
    ],
)
def test_vietnamese_personal_data_is_found(text: str, kind: str) -> None:
    found = find_personal_data({"note": text})
    assert found is not None and (found.field, found.kind) == ("args.note", kind)


@pytest.mark.parametrize(
    "text",
    [
        "ab" * 32,  # a SHA-256 digest in hex
        "0000000000000000000000000000000000000000000000000000000000001234",
        "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
        "did:sen:so-giao-duc-ha-noi",
        "urn:uuid:5f0c4e8a-1234-4b8a-9f3e-123456789012",
        "2026-12-03T08:30:00Z",  # a timestamp, with no word of birth near it
        "Văn bằng cử nhân, ngày cấp 15/06/2024",  # a date, but not of a birth
        "Lô hàng 2026-000123, mã GTIN 08934567890128",
        "sen1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
        "Sở Tư pháp Hà Nội",
        "VCU",
        "x" * 500,  # long, but not free text (no spaces)
    ],
)
def test_look_alikes_pass(text: str) -> None:
    assert find_personal_data({"value": text}) is None


def test_bytes_and_numbers_pass_and_keys_are_read() -> None:
    assert find_personal_data({"digest": b"\x00" * 32, "amount": 123456789012}) is None
    found = find_personal_data({"balances": {"0912345678": 5}})
    assert found is not None and found.field == "args.balances (a key)"


def test_the_first_finding_is_the_same_whatever_the_order() -> None:
    args: dict[str, Any] = {"z": "0912345678", "a": ["ok", {"b": "079201009876"}]}
    again = dict(reversed(list(args.items())))
    assert find_personal_data(args) == find_personal_data(again)
    found = find_personal_data(args)
    assert found is not None and found.field == "args.a[1].b"


def _anchor(title: str) -> bytes:
    args = {"digest": b"\xab" * 32, "title": title}
    return sign_tx(ALICE, chain_id="sen-test", nonce=0, module="evidence", action="anchor",
                   args=args).raw  # fmt: skip


def test_a_pii_free_chain_refuses_and_names_the_field_not_the_value() -> None:
    raw = _anchor("Bằng tốt nghiệp của Lê Văn An, CCCD 001084012345")
    check_envelope(raw, OPEN)  # an open chain takes it (its operator's choice)
    with pytest.raises(TxRejected) as refused:
        check_envelope(raw, GUARDED)
    assert refused.value.code == ResultCode.PERSONAL_DATA
    assert refused.value.field == "args.title"
    assert "001084012345" not in str(refused.value) and "Lê Văn An" not in str(refused.value)
    check_envelope(_anchor("Bằng tốt nghiệp đại học, khoá 2020"), GUARDED)


def test_the_parameter_round_trips_and_is_written_only_when_true() -> None:
    assert "pii_free" not in OPEN.to_json()
    assert GUARDED.to_json()["pii_free"] is True
    assert ChainParams.from_json(GUARDED.to_json()) == GUARDED
