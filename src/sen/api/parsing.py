"""Reading path and query values: hex, base64, heights, digest algorithms.

Each reader raises :class:`~sen.api.errors.BadRequest` naming the value at
fault, what it expected and what it got. The ``*_PATTERN`` constants say the
same in the OpenAPI document (``pattern`` of the parameter or field), so a
client knows what will be read before it sends it; the readers stay the
checks, with their own messages.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Annotated

from fastapi import Path
from pydantic.config import JsonDict

from sen.api.errors import BadRequest
from sen.ledger.modules.evidence import DIGEST_ALGORITHMS
from sen.ledger.modules.identity.parsing import NAME_PATTERN
from sen.ledger.modules.membership.records import IDENTIFIER
from sen.ledger.modules.status import LIST_NAME_PATTERN as STATUS_LIST_NAME
from sen.ledger.modules.status import issuer_problem
from sen.ledger.modules.trust.parsing import CREDENTIAL_TYPE_PATTERN as CREDENTIAL_TYPE

_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
HASH_BYTES = 32
ADDRESS_BYTES = 20
MAX_STATE_KEY_BYTES = 1024
MAX_ID = 2**63 - 1
"""Ids, heights and indexes are at most a signed 64-bit integer."""

ADDRESS_PATTERN = r"^[0-9a-fA-F]{40}$"
HASH_PATTERN = r"^[0-9a-fA-F]{64}$"
STATE_KEY_PATTERN = rf"^(?:[0-9a-fA-F]{{2}}){{1,{MAX_STATE_KEY_BYTES}}}$"
DIGEST_PATTERN = r"^(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$"
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$"
SEN_DID_PATTERN = "^did:sen:" + NAME_PATTERN.pattern.removeprefix("^")
DID_KEY_PATTERN = r"^did:key:z[1-9A-HJ-NP-Za-km-z]{1,127}$"
LIST_ISSUER_PATTERN = f"(?:{SEN_DID_PATTERN})|(?:{DID_KEY_PATTERN})"


def pattern(regex: str) -> JsonDict:
    """``json_schema_extra`` stating a pattern the handler checks itself."""
    return {"pattern": regex}


LIST_NAME_PATTERN = STATUS_LIST_NAME.pattern
ORGANISATION_PATTERN = IDENTIFIER.pattern
CREDENTIAL_TYPE_PATTERN = CREDENTIAL_TYPE.pattern
DATE_PATTERN = (
    r"^(?:[1-9][0-9]{3}|0(?:[1-9][0-9]{2}|0[1-9][0-9]|00[1-9]))"
    r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
)
XML_DATETIME_PATTERN = (
    r"^[1-9][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])$"
)


Address = Annotated[
    str, Path(description="40 hex characters.", json_schema_extra=pattern(ADDRESS_PATTERN))
]
SenDid = Annotated[
    str, Path(description="did:sen:<name>.", json_schema_extra=pattern(SEN_DID_PATTERN))
]
ListIssuer = Annotated[
    str,
    Path(
        description="did:sen:<name>, or did:key:<multikey> (an issuer known by its key).",
        json_schema_extra=pattern(LIST_ISSUER_PATTERN),
    ),
]
ListName = Annotated[
    str, Path(description="1 to 64 of a-z, 0-9, -.", json_schema_extra=pattern(LIST_NAME_PATTERN))
]
Algorithm = Annotated[
    str,
    Path(description="The digest algorithm.", json_schema_extra={"enum": list(DIGEST_ALGORITHMS)}),
]
Digest = Annotated[
    str,
    Path(
        description="The digest, hex: 32, 48 or 64 bytes as the algorithm gives.",
        json_schema_extra=pattern(DIGEST_PATTERN),
    ),
]


def require_match(regex: re.Pattern[str], value: str, field: str, expected: str) -> str:
    """``value`` if ``regex`` matches all of it, else 400 naming ``field``."""
    if regex.fullmatch(value) is None:
        raise BadRequest(f"not {expected}", field=field, expected=expected, got=value[:80])
    return value


def parse_hex(text: str, field: str, *, length: int | None = None, max_length: int = 0) -> bytes:
    """Hex (either case) to bytes; ``length`` in bytes if fixed."""
    if length is not None and len(text) != 2 * length:
        raise BadRequest(
            f"{field}: expected {length} bytes ({2 * length} hex characters)",
            field=field,
            expected=f"{2 * length} hex characters",
            got=f"{len(text)} characters",
        )
    if not text or not _HEX.fullmatch(text):
        raise BadRequest(
            f"{field}: not hex",
            field=field,
            expected="hex (an even number of 0-9, a-f)",
            got=_short(text),
        )
    if max_length and len(text) > 2 * max_length:
        raise BadRequest(
            f"{field}: too long",
            field=field,
            expected=f"at most {max_length} bytes",
            got=f"{len(text) // 2} bytes",
        )
    return bytes.fromhex(text)


def parse_base64(text: str, field: str) -> bytes:
    """Standard base64 (with padding) to bytes."""
    try:
        if not _BASE64.fullmatch(text):
            raise ValueError("characters outside the base64 alphabet")
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadRequest(
            f"{field}: not base64 ({exc})",
            field=field,
            expected="standard base64",
            got=_short(text),
        ) from None
    if not raw:
        raise BadRequest(f"{field}: empty", field=field, expected="a transaction", got="0 bytes")
    return raw


def parse_algorithm(text: str) -> str:
    if text not in DIGEST_ALGORITHMS:
        allowed = ", ".join(DIGEST_ALGORITHMS)
        raise BadRequest(
            f"algorithm: unknown digest algorithm {text!r}; allowed: {allowed}",
            field="algorithm",
            expected=f"one of {allowed}",
            got=_short(text),
        )
    return text


def parse_digest(text: str, algorithm: str) -> bytes:
    length = DIGEST_ALGORITHMS[algorithm][0]
    if len(text) != 2 * length:
        raise BadRequest(
            f"digest: a {algorithm} digest is {length} bytes ({2 * length} hex characters)",
            field="digest",
            expected=f"{2 * length} hex characters ({length} bytes for {algorithm})",
            got=f"{len(text)} characters",
        )
    return parse_hex(text, "digest")


def _short(text: str) -> str:
    return repr(text) if len(text) <= 64 else repr(text[:61] + "...")


def require_list_path(issuer: str, name: str, *, name_field: str = "list") -> None:
    """A status list's path parameters: 400 naming the one that is not a list issuer or name."""
    problem = issuer_problem(issuer)
    if problem is not None:
        raise BadRequest(
            problem,
            field="issuer",
            expected="did:sen:<name> or did:key:<multikey>",
            got=issuer[:80],
        )
    if STATUS_LIST_NAME.fullmatch(name) is None:
        raise BadRequest(
            "not a status list name",
            field=name_field,
            expected="1-64 of a-z, 0-9, -",
            got=name[:80],
        )
