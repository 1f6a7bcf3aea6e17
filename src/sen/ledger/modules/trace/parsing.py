"""Reading the trace module's arguments: GS1 Company Prefixes, capture ids and DIDs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import text_or_type_name
from sen.ledger.modules.trace.records import MAX_PREFIX_DIGITS, MIN_PREFIX_DIGITS
from sen.ledger.modules.trust.parsing import is_sen_did

PREFIX_EXPECTED = f"a GS1 Company Prefix: {MIN_PREFIX_DIGITS} to {MAX_PREFIX_DIGITS} digits 0-9"


def is_prefix(value: object) -> bool:
    return (
        isinstance(value, str)
        and MIN_PREFIX_DIGITS <= len(value) <= MAX_PREFIX_DIGITS
        and value.isascii()
        and value.isdigit()
    )


def require_prefix(value: object, field: str) -> str:
    if not is_prefix(value):
        raise TxRejected(
            ResultCode.INVALID_GS1_PREFIX,
            "not a GS1 Company Prefix",
            field=field,
            expected=PREFIX_EXPECTED,
            got=text_or_type_name(value),
        )
    assert isinstance(value, str)
    return value


def require_sen_did(args: Mapping[str, Any], key: str, field: str) -> str:
    value = args.get(key)
    if not is_sen_did(value):
        raise TxRejected(
            ResultCode.INVALID_DID,
            "expected a did:sen DID",
            field=field,
            expected="did:sen:<name>, a DID created with identity.create",
            got=text_or_type_name(value),
        )
    assert isinstance(value, str)
    return value
