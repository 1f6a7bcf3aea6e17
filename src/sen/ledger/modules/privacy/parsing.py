"""Argument checks of the privacy module: ids, DPV terms, data subjects' keys, digests."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import address_of
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    number_or,
    require_bytes,
    require_distinct,
    require_int,
    require_list,
    require_text,
    required,
)
from sen.ledger.modules.identity.multikey import MultikeyError, decode_multikey
from sen.ledger.modules.trust.parsing import is_sen_did

ID_BYTES = 16
DIGEST_BYTES = 32
MAX_SECONDS = 2**63 - 1
DID_KEY_PREFIX = "did:key:"

SUBJECT_PATTERN = re.compile(r"^did:key:z[1-9A-HJ-NP-Za-km-z]{1,200}$")
"""The text of a data subject's ``did:key`` (its key is checked by :func:`parse_subject`)."""
TERM_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,31}:[A-Za-z][A-Za-z0-9_-]{0,95}$")
"""A vocabulary term as a compact IRI: ``dpv:ServiceProvision``, ``pd:HealthRecord``,
``sector-health:...``, ``eu-gdpr:...`` (the prefix names the vocabulary)."""


VAULT_NAME_PATTERN = re.compile(r"^[a-z0-9-]{1,32}$")
ENDPOINT_PATTERN = re.compile(r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]{1,200}$")
"""An http(s) URI of RFC 3986's characters only (no quotes, angle brackets or spaces)."""


def shown(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else repr(value[:77] + "...")
    return "nothing" if value is None else type(value).__name__


def parse_id(args: Mapping[str, Any], key: str) -> bytes:
    """``args[key]``: a 16-byte id the sender chose at random."""
    return require_bytes(
        required(args, key), f"args.{key}", expected=f"{ID_BYTES} random bytes",
        size=ID_BYTES, got=shown,
    )  # fmt: skip


def parse_digest(args: Mapping[str, Any], key: str) -> bytes:
    """``args[key]``: the SHA-256 of a document kept off chain (salted by its author)."""
    return require_bytes(
        required(args, key), f"args.{key}", expected=f"a SHA-256 digest ({DIGEST_BYTES} bytes)",
        size=DIGEST_BYTES, got=shown,
    )  # fmt: skip


def parse_seconds(args: Mapping[str, Any], key: str) -> int:
    return require_int(
        required(args, key), f"args.{key}", reason="not a time",
        expected="seconds since 1970 (UTC)", minimum=0, maximum=MAX_SECONDS, got=number_or(shown),
    )  # fmt: skip


def parse_controller(args: Mapping[str, Any], key: str = "controller") -> str:
    value = args.get(key)
    if not is_sen_did(value):
        raise TxRejected(
            ResultCode.INVALID_DID, "a controller is a did:sen DID", field=f"args.{key}",
            expected="did:sen:<name>", got=shown(value),
        )  # fmt: skip
    assert isinstance(value, str)
    return value


def subject_address(subject: str) -> bytes:
    """The account address of a data subject's ``did:key`` (the key that signs as it)."""
    suite, public_key = decode_multikey(subject[len(DID_KEY_PREFIX) :])
    return address_of(suite, public_key)


def parse_subject(args: Mapping[str, Any], key: str = "subject") -> str:
    """A data subject's pairwise ``did:key`` (Ed25519 or P-256)."""
    value = args.get(key)
    problem = "not a did:key DID"
    if isinstance(value, str) and value.startswith(DID_KEY_PREFIX):
        try:
            decode_multikey(value[len(DID_KEY_PREFIX) :])
        except MultikeyError as exc:
            problem = f"not a did:key Sen accepts: {exc.reason}"
        else:
            return value
    raise TxRejected(
        ResultCode.INVALID_DID, problem, field=f"args.{key}",
        expected="did:key:<multikey> of an Ed25519 or P-256 key", got=shown(value),
    )  # fmt: skip


def parse_party(value: object, field: str) -> str:
    """A recipient: a ``did:sen`` DID, or a ``did:key`` Sen decodes."""
    if is_sen_did(value):
        assert isinstance(value, str)
        return value
    try:
        return parse_subject({"party": value}, "party")
    except TxRejected as exc:
        raise TxRejected(
            ResultCode.INVALID_DID, "a recipient is a did:sen or did:key DID", field=field,
            expected="did:sen:<name> or did:key:<multikey>", got=exc.got,
        ) from None  # fmt: skip


def parse_term(value: object, field: str) -> str:
    return require_text(
        value, field, code=ResultCode.INVALID_PRIVACY_TERM, reason="not a vocabulary term",
        expected="a compact IRI such as dpv:ServiceProvision or pd:HealthRecord",
        pattern=TERM_PATTERN, got=shown,
    )  # fmt: skip


def parse_list(
    args: Mapping[str, Any], key: str, maximum: int, item: Any, *, min_items: int = 1
) -> tuple[str, ...]:
    """``args[key]``: ``min_items`` to ``maximum`` distinct entries, each checked by ``item``."""
    field = f"args.{key}"
    value = require_list(
        required(args, key), field, expected=f"a list of {min_items} to {maximum} entries",
        min_items=min_items, max_items=maximum,
        got=lambda v: f"{len(v)} entries" if isinstance(v, list) else shown(v),
    )  # fmt: skip
    items = [item(entry, f"{field}[{i}]") for i, entry in enumerate(value)]
    return require_distinct(items, field, reason="an entry is repeated", expected="distinct")
