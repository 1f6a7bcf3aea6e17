"""Type construction checks and strict JSON decoding with named fields."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sen.ledger.light import (
    GO_ZERO_TIME,
    BlockID,
    BlockIDFlag,
    Commit,
    CommitSig,
    DecodeError,
    Header,
    InvalidField,
    InvalidValue,
    MissingField,
    PartSetHeader,
    Timestamp,
    UnexpectedField,
    Validator,
    ValidatorSet,
    Version,
)

HEADER_JSON: dict[str, Any] = {
    "version": {"block": "11"},
    "chain_id": "sen-test",
    "height": "3",
    "time": "2023-11-14T22:13:20.5Z",
    "last_block_id": {"hash": "", "parts": {"total": 0, "hash": ""}},
    "last_commit_hash": "",
    "data_hash": "",
    "validators_hash": "AB" * 32,
    "next_validators_hash": "",
    "consensus_hash": "",
    "app_hash": "",
    "last_results_hash": "",
    "evidence_hash": "",
    "proposer_address": "",
}


# ---------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("seconds", "nanos", "text"),
    [
        (0, 0, "1970-01-01T00:00:00Z"),
        (1_700_000_000, 123_456_789, "2023-11-14T22:13:20.123456789Z"),
        (1_700_000_000, 500_000_000, "2023-11-14T22:13:20.5Z"),
        (1_700_000_000, 1_000, "2023-11-14T22:13:20.000001Z"),
        (-1, 5, "1969-12-31T23:59:59.000000005Z"),
        (-62_135_596_800, 0, "0001-01-01T00:00:00Z"),
        (253_402_300_799, 999_999_999, "9999-12-31T23:59:59.999999999Z"),
    ],
)
def test_timestamp_rfc3339(seconds: int, nanos: int, text: str) -> None:
    assert Timestamp(seconds, nanos).to_rfc3339() == text
    assert Timestamp.from_rfc3339(text) == Timestamp(seconds, nanos)


def test_timestamp_accepts_offsets_and_zero_padding() -> None:
    assert Timestamp.from_rfc3339("2023-11-15T00:13:20.100+02:00") == Timestamp(
        1_700_000_000, 100_000_000
    )


@pytest.mark.parametrize(
    "text",
    [
        "2023-11-14 22:13:20Z",
        "2023-11-14T22:13:20",
        "2023-02-30T00:00:00Z",
        "2023-11-14T24:00:00Z",
        "2023-11-14T22:13:20.1234567891Z",
        "1700000000",
        "",
    ],
)
def test_timestamp_rejects_malformed_text(text: str) -> None:
    with pytest.raises(InvalidField) as raised:
        Timestamp.from_rfc3339(text, "header.time")
    assert raised.value.field == "header.time"


def test_go_zero_time_is_year_one() -> None:
    assert GO_ZERO_TIME.to_rfc3339() == "0001-01-01T00:00:00Z"


# ---------------------------------------------------------------- construction


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Timestamp(0, 1_000_000_000), "timestamp.nanos"),
        (lambda: Timestamp(0, -1), "timestamp.nanos"),
        (lambda: Timestamp(-62_135_596_801, 0), "timestamp.seconds"),
        (lambda: Timestamp(1.5, 0), "timestamp.seconds"),  # type: ignore[arg-type]
        (lambda: PartSetHeader(-1, b""), "part_set_header.total"),
        (lambda: PartSetHeader(1 << 32, b""), "part_set_header.total"),
        (lambda: PartSetHeader(1, b"short"), "part_set_header.hash"),
        (lambda: BlockID(b"\x00" * 31, PartSetHeader(0, b"")), "block_id.hash"),
        (lambda: Version(-1, 0), "version.block"),
        (lambda: Version(0, 1 << 64), "version.app"),
        (lambda: Validator(b"\x00" * 31, 1), "validator.pub_key"),
        (lambda: Validator(b"\x00" * 32, 0), "validator.voting_power"),
        (lambda: Validator(b"\x00" * 32, True), "validator.voting_power"),
        (lambda: Commit(-1, 0, BlockID.zero(), ()), "commit.height"),
        (lambda: Commit(1, 1 << 31, BlockID.zero(), ()), "commit.round"),
        (lambda: CommitSig(2, b"", GO_ZERO_TIME, b""), "block_id_flag"),  # type: ignore[arg-type]
    ],
)
def test_construction_rejects_out_of_range_values(build: Any, field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        build()
    assert raised.value.field == field


def test_validator_set_rejects_duplicates() -> None:
    validator = Validator(b"\x01" * 32, 5)
    with pytest.raises(InvalidValue, match="duplicate"):
        ValidatorSet((validator, validator))


def test_validator_set_sorts_like_cometbft() -> None:
    low, high = Validator(b"\x01" * 32, 1), Validator(b"\x02" * 32, 9)
    tie_a, tie_b = Validator(b"\x03" * 32, 5), Validator(b"\x04" * 32, 5)
    ordered = ValidatorSet.sorted([low, tie_a, high, tie_b]).validators
    assert ordered[0] == high and ordered[-1] == low
    assert ordered[1].address < ordered[2].address
    assert ValidatorSet((low, high)).total_voting_power() == 10


# ---------------------------------------------------------------- JSON decoding


def header_json_with(path: list[str], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(HEADER_JSON)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def test_header_json_decodes_and_round_trips() -> None:
    header = Header.from_json(HEADER_JSON)
    assert header.version == Version(11, 0)
    assert header.time == Timestamp(1_700_000_000, 500_000_000)
    assert header.to_json() == HEADER_JSON
    assert Header.from_json(__import__("json").dumps(HEADER_JSON)) == header


@pytest.mark.parametrize(
    ("path", "value", "error", "field"),
    [
        (["height"], KeyError, MissingField, "height"),
        (["last_block_id", "parts"], KeyError, MissingField, "last_block_id.parts"),
        (["last_block_id", "parts", "hash"], KeyError, MissingField, "last_block_id.parts.hash"),
        (["extra"], "x", UnexpectedField, "extra"),
        (["version", "other"], "1", UnexpectedField, "version.other"),
        (["height"], 3, InvalidField, "height"),
        (["height"], "03", InvalidField, "height"),
        (["height"], "-1", InvalidField, "height"),
        (["version", "block"], 11, InvalidField, "version.block"),
        (["chain_id"], None, InvalidField, "chain_id"),
        (["time"], "yesterday", InvalidField, "time"),
        (["data_hash"], "XYZ", InvalidField, "data_hash"),
        (["data_hash"], "ABC", InvalidField, "data_hash"),
        (["last_block_id", "hash"], "AB", InvalidField, "last_block_id.hash"),
        (["last_block_id", "parts", "total"], "1", InvalidField, "last_block_id.parts.total"),
        (["last_block_id", "parts", "total"], True, InvalidField, "last_block_id.parts.total"),
        (["last_block_id"], [], InvalidField, "last_block_id"),
    ],
)
def test_header_json_errors_name_the_field(
    path: list[str], value: Any, error: type[DecodeError], field: str
) -> None:
    with pytest.raises(error) as raised:
        Header.from_json(header_json_with(path, value))
    assert raised.value.field == field
    assert field in str(raised.value)


def test_non_object_and_unparseable_json_are_rejected() -> None:
    with pytest.raises(InvalidField):
        Header.from_json([])
    with pytest.raises(InvalidField):
        Header.from_json("{not json")


COMMIT_JSON: dict[str, Any] = {
    "height": "4",
    "round": 0,
    "block_id": {"hash": "11" * 32, "parts": {"total": 1, "hash": "22" * 32}},
    "signatures": [
        {
            "block_id_flag": 2,
            "validator_address": "33" * 20,
            "timestamp": "2023-11-14T22:13:20Z",
            "signature": "AAAA",
        },
        {
            "block_id_flag": 1,
            "validator_address": "",
            "timestamp": "0001-01-01T00:00:00Z",
            "signature": None,
        },
    ],
}


def test_commit_json_round_trips() -> None:
    commit = Commit.from_json(COMMIT_JSON)
    assert commit.signatures[1] == CommitSig.absent()
    assert commit.signatures[0].block_id_flag is BlockIDFlag.COMMIT
    assert commit.to_json() == COMMIT_JSON


@pytest.mark.parametrize(
    ("index", "key", "value", "field"),
    [
        (0, "block_id_flag", 4, "signatures[0].block_id_flag"),
        (0, "block_id_flag", "2", "signatures[0].block_id_flag"),
        (0, "signature", "not base64!", "signatures[0].signature"),
        (0, "signature", 5, "signatures[0].signature"),
        (1, "validator_address", "33" * 19, "signatures[1].validator_address"),
        (1, "timestamp", "0001-01-01", "signatures[1].timestamp"),
    ],
)
def test_commit_sig_json_errors_name_the_field(
    index: int, key: str, value: Any, field: str
) -> None:
    data = copy.deepcopy(COMMIT_JSON)
    data["signatures"][index][key] = value
    with pytest.raises(InvalidField) as raised:
        Commit.from_json(data)
    assert raised.value.field == field


def test_commit_json_rejects_missing_and_extra_fields() -> None:
    data = copy.deepcopy(COMMIT_JSON)
    del data["signatures"][0]["timestamp"]
    with pytest.raises(MissingField, match=r"signatures\[0\]\.timestamp"):
        Commit.from_json(data)
    data = copy.deepcopy(COMMIT_JSON)
    data["round"] = "0"
    with pytest.raises(InvalidField, match="round"):
        Commit.from_json(data)
    data = copy.deepcopy(COMMIT_JSON)
    data["signatures"][1]["extension"] = ""
    with pytest.raises(UnexpectedField, match=r"signatures\[1\]\.extension"):
        Commit.from_json(data)


def test_validator_set_json_checks_address_and_key_type() -> None:
    validator = Validator(b"\x07" * 32, 10)
    data = ValidatorSet((validator,)).to_json()
    assert ValidatorSet.from_json(data) == ValidatorSet((validator,))
    data["validators"][0]["proposer_priority"] = "-5"  # accepted, not hashed
    assert ValidatorSet.from_json(data) == ValidatorSet((validator,))

    wrong_address = copy.deepcopy(data)
    wrong_address["validators"][0]["address"] = "00" * 20
    with pytest.raises(InvalidField) as raised:
        ValidatorSet.from_json(wrong_address)
    assert raised.value.field == "validators[0].address"
    assert raised.value.expected == validator.address.hex().upper()

    wrong_type = copy.deepcopy(data)
    wrong_type["validators"][0]["pub_key"]["type"] = "tendermint/PubKeySecp256k1"
    with pytest.raises(InvalidField, match=r"validators\[0\]\.pub_key\.type"):
        ValidatorSet.from_json(wrong_type)

    zero_power = copy.deepcopy(data)
    zero_power["validators"][0]["voting_power"] = "0"
    with pytest.raises(InvalidField, match=r"validators\[0\]\.voting_power"):
        ValidatorSet.from_json(zero_power)


def test_block_id_json() -> None:
    block_id = BlockID(b"\x01" * 32, PartSetHeader(2, b"\x02" * 32))
    assert BlockID.from_json(block_id.to_json()) == block_id
    assert str(block_id).startswith("0101")
    assert BlockID.zero().is_zero() and not block_id.is_zero()
