"""Checking the trust actions' arguments, and who controls a DID: each refusal names its field.

The argument checks are stateless (CheckTx refuses a malformed transaction
outright). :func:`require_controller` and :func:`did_problem_at` read state:
the first is the rule for acting on behalf of a DID (the sender is one of its
on-chain controllers and the DID is active), the second says whether a DID
existed and was active at a time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    number_or,
    require_bool,
    require_bytes,
    require_distinct,
    require_int,
    require_list,
    require_text,
)
from sen.ledger.modules.identity.parsing import NAME_PATTERN
from sen.ledger.modules.identity.records import DidRecord, load_did, version_at_time
from sen.ledger.state import StateReader

DID_PREFIX = "did:sen:"
CREDENTIAL_TYPE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._:/#?=&%~+-]{0,255}$")
"""A credential type: a VC ``type`` term (``UniversityDegreeCredential``) or an IRI."""

SCHEMA_ID_PATTERN = re.compile(r"^https://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?/[\x21-\x7e]*$")
SCHEMA_VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$")
MAX_TYPES = 32
MAX_SCHEMA_ID_BYTES = 256
MAX_SCHEMA_NAME_BYTES = 128
DIGEST_SIZE = 32
MAX_SECONDS = 2**63 - 1


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else repr(value[:77] + "...")
    if value is None:
        return "nothing"
    return type(value).__name__


def parse_did_argument(args: Mapping[str, Any], key: str) -> str:
    """A ``did:sen:<name>`` DID given as ``args[key]``."""
    value = args.get(key)
    if not is_sen_did(value):
        raise TxRejected(
            ResultCode.INVALID_DID,
            "not a did:sen DID",
            field=f"args.{key}",
            expected="did:sen:<name>, a name of 1-64 of a-z, 0-9, with '.' or '-' inside",
            got=_shown(value),
        )
    assert isinstance(value, str)
    return value


def is_sen_did(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(DID_PREFIX)
        and NAME_PATTERN.fullmatch(value[len(DID_PREFIX) :]) is not None
    )


def parse_credential_type(value: object, field: str) -> str:
    return require_text(
        value,
        field,
        code=ResultCode.INVALID_CREDENTIAL_TYPE,
        reason="not a credential type",
        expected="a VC type term or IRI: a letter, then up to 255 of letters, digits and "
        "._:/#?=&%~+-",
        pattern=CREDENTIAL_TYPE_PATTERN,
        got=_shown,
    )


def parse_credential_types(args: Mapping[str, Any]) -> tuple[str, ...]:
    """1-32 distinct credential types, returned sorted."""
    value = require_list(
        args.get("credential_types"),
        "args.credential_types",
        code=ResultCode.INVALID_CREDENTIAL_TYPE,
        reason="credential_types is a list of 1 to 32 types",
        expected=f"a list of 1 to {MAX_TYPES} credential types",
        min_items=1,
        max_items=MAX_TYPES,
        got=_count_of_types,
    )
    types = [parse_credential_type(t, f"args.credential_types[{i}]") for i, t in enumerate(value)]
    require_distinct(
        types,
        "args.credential_types",
        code=ResultCode.INVALID_CREDENTIAL_TYPE,
        reason="a credential type is repeated",
        expected="distinct types",
    )
    return tuple(sorted(types))


def _count_of_types(value: object) -> str:
    return f"{len(value)} types" if isinstance(value, list) else _shown(value)


def parse_flag(args: Mapping[str, Any], key: str) -> bool:
    return require_bool(args.get(key, False), f"args.{key}", got=_shown)


def parse_seconds(args: Mapping[str, Any], key: str) -> int | None:
    """Optional unix seconds; the ``INVALID_VALIDITY`` code names ``args.<key>``."""
    value = args.get(key)
    if value is None:
        return None
    return require_int(
        value,
        f"args.{key}",
        code=ResultCode.INVALID_VALIDITY,
        reason="not a time",
        expected="unix seconds, a positive integer",
        minimum=1,
        maximum=MAX_SECONDS,
        got=number_or(_shown),
    )


def parse_positive(args: Mapping[str, Any], key: str) -> int:
    return require_int(
        args.get(key),
        f"args.{key}",
        reason="not an id",
        expected="an integer from 1",
        minimum=1,
        maximum=2**32 - 1,
        got=number_or(_shown),
    )


def parse_schema_id(args: Mapping[str, Any]) -> str:
    return require_text(
        args.get("id"),
        "args.id",
        code=ResultCode.INVALID_SCHEMA,
        reason="a schema id is an https:// URL",
        expected=f"an absolute https:// URL of printable ASCII, at most {MAX_SCHEMA_ID_BYTES}",
        max_chars=MAX_SCHEMA_ID_BYTES,
        pattern=SCHEMA_ID_PATTERN,
        got=_shown,
    )


def parse_schema_text(args: Mapping[str, Any], key: str) -> str:
    value = args.get(key)
    if key == "version":
        return require_text(
            value,
            "args.version",
            code=ResultCode.INVALID_SCHEMA,
            reason="not a version",
            expected="1-32 of letters, digits and .+- (e.g. 1.0.0)",
            pattern=SCHEMA_VERSION_PATTERN,
            got=_shown,
        )
    size = len(value.encode()) if isinstance(value, str) else 0
    if (
        not isinstance(value, str)
        or not 0 < size <= MAX_SCHEMA_NAME_BYTES
        or not value.isprintable()
    ):
        raise TxRejected(
            ResultCode.INVALID_SCHEMA,
            "not a schema name",
            field=f"args.{key}",
            expected=f"1 to {MAX_SCHEMA_NAME_BYTES} bytes of printable UTF-8",
            got=_shown(value) if not isinstance(value, str) else f"{size} bytes",
        )
    return value


def parse_digest(args: Mapping[str, Any]) -> bytes:
    return require_bytes(
        args.get("digest"),
        "args.digest",
        code=ResultCode.INVALID_SCHEMA,
        reason="digest is the SHA-256 of the JSON Schema document",
        expected=f"{DIGEST_SIZE} bytes",
        size=DIGEST_SIZE,
        got=_shown,
    )


# -- DIDs in state --------------------------------------------------------------------


def require_controller(state: StateReader, did: str, sender: bytes, field: str) -> DidRecord:
    """The DID's record, if it exists, is active and ``sender`` is one of its controllers."""
    record = load_did(state, did[len(DID_PREFIX) :])
    if record is None:
        raise TxRejected(
            ResultCode.UNKNOWN_DID,
            "no such DID on this chain",
            field=field,
            expected="a DID created with identity.create",
            got=did,
        )
    if record.deactivated:
        raise TxRejected(
            ResultCode.DID_DEACTIVATED,
            "the DID is deactivated",
            field=field,
            expected="an active DID",
            got=f"{did}, deactivated at height {record.updated_height}",
        )
    if sender not in record.controllers:
        raise TxRejected(
            ResultCode.NOT_DID_CONTROLLER,
            f"only the controllers of {did} may act for it",
            field="sender",
            expected="one of " + ", ".join(c.hex() for c in record.controllers),
            got=sender.hex(),
        )
    return record


def did_problem_at(state: StateReader, did: str, seconds: int) -> tuple[str, str] | None:
    """``(error, reason)`` if ``did`` did not exist or was deactivated at ``seconds``; else None."""
    if not is_sen_did(did):
        return "invalid_did", f"{did[:80]!r} is not a did:sen DID"
    record = load_did(state, did[len(DID_PREFIX) :])
    if record is None:
        return "unknown_did", f"{did} is not on this chain"
    version = version_at_time(state, record, seconds)
    if version is None:
        return "unknown_did", f"{did} did not exist yet at {seconds}"
    if version.deactivated:
        return "did_deactivated", f"{did} was deactivated at {version.time_seconds}"
    return None


def require_active(state: StateReader, did: str, seconds: int, field: str) -> None:
    """Refuse unless ``did`` exists and is active at ``seconds`` (the block time)."""
    problem = did_problem_at(state, did, seconds)
    if problem is None:
        return
    error, reason = problem
    code = ResultCode.DID_DEACTIVATED if error == "did_deactivated" else ResultCode.UNKNOWN_DID
    raise TxRejected(code, reason, field=field, expected="an active did:sen DID", got=did)
