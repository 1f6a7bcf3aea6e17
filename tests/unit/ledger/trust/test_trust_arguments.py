"""Argument checks of the trust actions: each bad input is refused naming its field (no state)."""

from __future__ import annotations

from typing import Any

import pytest

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules import find_action
from sen.ledger.types import ChainParams

PARAMS = ChainParams(chain_id="trust-test")
ACCREDIT = {
    "accreditor": "did:sen:moet",
    "issuer": "did:sen:hust",
    "credential_types": ["UniversityDegreeCredential"],
}
SCHEMA = {
    "id": "https://schemas.moet.gov.vn/degree/1.json",
    "name": "Degree",
    "version": "1.0.0",
    "credential_type": "UniversityDegreeCredential",
    "digest": bytes(32),
    "issuer": "did:sen:moet",
}

CASES: list[tuple[str, dict[str, Any], ResultCode, str]] = [
    ("accredit", {**ACCREDIT, "accreditor": "moet"}, ResultCode.INVALID_DID, "args.accreditor"),
    ("accredit", {**ACCREDIT, "issuer": "did:key:z6Mk"}, ResultCode.INVALID_DID, "args.issuer"),
    ("accredit", {**ACCREDIT, "issuer": 7}, ResultCode.INVALID_DID, "args.issuer"),
    (
        "accredit",
        {**ACCREDIT, "issuer": "did:sen:moet"},
        ResultCode.SELF_ACCREDITATION,
        "args.issuer",
    ),
    (
        "accredit",
        {**ACCREDIT, "credential_types": []},
        ResultCode.INVALID_CREDENTIAL_TYPE,
        "args.credential_types",
    ),
    (
        "accredit",
        {**ACCREDIT, "credential_types": [f"T{i}" for i in range(33)]},
        ResultCode.INVALID_CREDENTIAL_TYPE,
        "args.credential_types",
    ),
    (
        "accredit",
        {**ACCREDIT, "credential_types": ["A", "has space"]},
        ResultCode.INVALID_CREDENTIAL_TYPE,
        "args.credential_types[1]",
    ),
    (
        "accredit",
        {**ACCREDIT, "credential_types": ["A", "B", "A"]},
        ResultCode.INVALID_CREDENTIAL_TYPE,
        "args.credential_types[2]",
    ),
    (
        "accredit",
        {**ACCREDIT, "may_accredit": 1},
        ResultCode.INVALID_ARGUMENT,
        "args.may_accredit",
    ),
    ("accredit", {**ACCREDIT, "valid_until": -5}, ResultCode.INVALID_VALIDITY, "args.valid_until"),
    (
        "accredit",
        {**ACCREDIT, "valid_until": "2030-01-01"},
        ResultCode.INVALID_VALIDITY,
        "args.valid_until",
    ),
    ("accredit", {**ACCREDIT, "types": []}, ResultCode.INVALID_ARGUMENT, "args.types"),
    (
        "revoke_accreditation",
        {"issuer": "did:sen:hust", "id": 0},
        ResultCode.INVALID_ARGUMENT,
        "args.id",
    ),
    (
        "revoke_accreditation",
        {"issuer": "did:sen:hust", "id": 1, "by": "root"},
        ResultCode.INVALID_DID,
        "args.by",
    ),
    (
        "register_schema",
        {**SCHEMA, "id": "http://schemas.moet.gov.vn/degree/1.json"},
        ResultCode.INVALID_SCHEMA,
        "args.id",
    ),
    (
        "register_schema",
        {**SCHEMA, "id": "https://" + "a" * 250 + "/x"},
        ResultCode.INVALID_SCHEMA,
        "args.id",
    ),
    ("register_schema", {**SCHEMA, "name": ""}, ResultCode.INVALID_SCHEMA, "args.name"),
    ("register_schema", {**SCHEMA, "version": "v 1"}, ResultCode.INVALID_SCHEMA, "args.version"),
    ("register_schema", {**SCHEMA, "digest": bytes(31)}, ResultCode.INVALID_SCHEMA, "args.digest"),
    (
        "register_schema",
        {**SCHEMA, "digest": "00" * 32},
        ResultCode.INVALID_SCHEMA,
        "args.digest",
    ),
    (
        "register_schema",
        {**SCHEMA, "credential_type": ""},
        ResultCode.INVALID_CREDENTIAL_TYPE,
        "args.credential_type",
    ),
    ("deprecate_schema", {"id": "ftp://x/y"}, ResultCode.INVALID_SCHEMA, "args.id"),
]


@pytest.mark.parametrize(("action", "args", "code", "field"), CASES)
def test_bad_arguments_are_refused_naming_the_field(
    action: str, args: dict[str, Any], code: ResultCode, field: str
) -> None:
    found = find_action("trust", action)
    assert found is not None
    with pytest.raises(TxRejected) as refused:
        found.parse(args, PARAMS)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.expected is not None and refused.value.got is not None


def test_good_arguments_parse() -> None:
    for action, args in (
        ("accredit", {**ACCREDIT, "may_accredit": True, "valid_until": 1_900_000_000}),
        ("revoke_accreditation", {"issuer": "did:sen:hust", "id": 3, "by": "did:sen:moet"}),
        ("register_schema", SCHEMA),
        ("deprecate_schema", {"id": SCHEMA["id"]}),
    ):
        found = find_action("trust", action)
        assert found is not None
        found.parse(args, PARAMS)
