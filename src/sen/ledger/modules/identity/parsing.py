"""Checking the arguments of the identity actions: each refusal names its field.

Stateless: everything here is decided by the transaction alone, before it
runs (CheckTx refuses such a transaction outright). The syntax of a did:sen
name is here too, since the ledger and the resolver must agree on it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    reject_unknown_fields,
    require_at_most,
    require_bytes,
    require_list,
    require_new,
    require_one_of,
    require_text,
)
from sen.ledger.modules.identity.multikey import MultikeyError, decode_multikey
from sen.ledger.modules.identity.records import (
    RELATIONSHIPS,
    DocumentContent,
    Service,
    VerificationMethod,
)

NAME_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?$")
"""A did:sen name: 1-64 of a-z and 0-9, with '.' and '-' allowed inside."""

FRAGMENT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
"""A verification method or service id within its document (the part after '#')."""

SERVICE_TYPE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
URL_PATTERN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+(?:[/?#][\x21-\x7e]*)?$")
URI_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*:[\x21-\x7e]+$")
DID_PATTERN = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._%:-]*[A-Za-z0-9._%-]$")

ADDRESS_SIZE = 20
MAX_METHODS = 16
MAX_SERVICES = 16
MAX_CONTROLLERS = 8
MAX_ALSO_KNOWN_AS = 8
MAX_CONTROLLER_DIDS = 8
MAX_URI_BYTES = 512

DOCUMENT_FIELDS = frozenset(
    {
        "name",
        "verification_methods",
        "relationships",
        "services",
        "also_known_as",
        "controller_dids",
        "controllers",
    }
)


def _reject(code: ResultCode, reason: str, field: str, expected: str, got: object) -> TxRejected:
    return TxRejected(code, reason, field=field, expected=expected, got=got)


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else repr(value[:77] + "...")
    return type(value).__name__


def _shown_or_nothing(value: object) -> str:
    return "nothing" if value is None else _shown(value)


def parse_name(args: Mapping[str, Any]) -> str:
    return require_text(
        args.get("name"),
        "args.name",
        code=ResultCode.INVALID_DID_NAME,
        reason="not a did:sen name",
        expected="1-64 of a-z, 0-9, with '.' or '-' inside (e.g. moet, vnu.uet)",
        pattern=NAME_PATTERN,
        got=_shown_or_nothing,
    )


def _list(args: Mapping[str, Any], key: str, code: ResultCode, limit: int) -> list[object]:
    field = f"args.{key}"
    value = require_list(
        args.get(key, []),
        field,
        code=code,
        reason="expected an array",
        expected="an array",
        got=_shown,
    )
    require_at_most(
        value,
        field,
        limit,
        code=code,
        reason="too many entries",
        expected=f"at most {limit}",
        unit="entries",
    )
    return value


def _fragment(value: object, field: str, code: ResultCode) -> str:
    return require_text(
        value,
        field,
        code=code,
        reason="not a fragment id",
        expected="1-64 of A-Z, a-z, 0-9, '.', '_', '-' (without '#'), e.g. key-1",
        pattern=FRAGMENT_PATTERN,
        got=_shown,
    )


def _entry(value: object, field: str, code: ResultCode, keys: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _reject(code, "expected an object", field, "an object", _shown(value))
    reject_unknown_fields(
        value,
        keys,
        prefix=f"{field}.",
        code=code,
        reason="unknown field",
        expected=", ".join(sorted(keys)),
    )
    return value


def parse_methods(args: Mapping[str, Any]) -> tuple[VerificationMethod, ...]:
    code = ResultCode.INVALID_VERIFICATION_METHOD
    if "verification_methods" not in args:
        raise _reject(code, "missing", "args.verification_methods", "an array", "nothing")
    entries = _list(args, "verification_methods", code, MAX_METHODS)
    if not entries:
        raise _reject(
            code, "no keys", "args.verification_methods", "at least one method", "an empty array"
        )
    methods = []
    for index, entry in enumerate(entries):
        where = f"args.verification_methods[{index}]"
        item = _entry(entry, where, code, frozenset({"id", "public_key_multibase"}))
        fragment = _fragment(item.get("id"), f"{where}.id", code)
        text = require_text(
            item.get("public_key_multibase"),
            f"{where}.public_key_multibase",
            code=code,
            reason="expected a Multikey",
            expected="text such as z6Mk... (Ed25519) or zDn... (P-256)",
            got=_shown_or_nothing,
        )
        try:
            suite, public_key = decode_multikey(text)
        except MultikeyError as exc:
            raise _reject(
                ResultCode.UNSUPPORTED_KEY_TYPE if exc.unsupported else code,
                exc.reason,
                f"{where}.public_key_multibase",
                "a base58-btc Multikey of an Ed25519 or P-256 key",
                _shown(text),
            ) from None
        methods.append(VerificationMethod(fragment, suite, public_key))
    return tuple(methods)


def parse_relationships(
    args: Mapping[str, Any], methods: tuple[VerificationMethod, ...]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    code = ResultCode.INVALID_RELATIONSHIP
    value = args.get("relationships")
    if not isinstance(value, dict):
        raise _reject(
            code,
            "expected a map of relationships",
            "args.relationships",
            "an object such as {assertionMethod: [key-1]}",
            _shown(value) if value is not None else "nothing",
        )
    reject_unknown_fields(
        value,
        frozenset(RELATIONSHIPS),
        prefix="args.relationships.",
        code=code,
        reason="unknown verification relationship",
        expected=", ".join(RELATIONSHIPS),
    )
    known = [m.id for m in methods]
    found = []
    for name in RELATIONSHIPS:
        if name not in value:
            continue
        where = f"args.relationships.{name}"
        items = require_list(
            value[name],
            where,
            code=code,
            reason="expected method ids",
            expected="a non-empty array of ids",
            min_items=1,
            got=_shown,
        )
        ids = [
            require_one_of(
                fragment,
                f"{where}[{index}]",
                known,
                code=code,
                reason="refers to no verification method of this document",
                expected=f"one of {', '.join(known)}",
                got=_shown,
            )
            for index, fragment in enumerate(items)
        ]
        if len(set(ids)) != len(ids):
            raise _reject(code, "an id repeats", where, "distinct ids", ", ".join(ids))
        found.append((name, tuple(ids)))
    return tuple(found)


def parse_services(args: Mapping[str, Any]) -> tuple[Service, ...]:
    code = ResultCode.INVALID_SERVICE
    services = []
    keys = frozenset({"id", "type", "service_endpoint"})
    for index, entry in enumerate(_list(args, "services", code, MAX_SERVICES)):
        where = f"args.services[{index}]"
        item = _entry(entry, where, code, keys)
        fragment = _fragment(item.get("id"), f"{where}.id", code)
        kind = require_text(
            item.get("type"),
            f"{where}.type",
            code=code,
            reason="not a service type",
            expected="a type name such as LinkedDomains (1-64 of A-Z, a-z, 0-9, '_', '-')",
            pattern=SERVICE_TYPE_PATTERN,
            got=_shown_or_nothing,
        )
        endpoint = require_text(
            item.get("service_endpoint"),
            f"{where}.service_endpoint",
            code=code,
            reason="not an http(s) URL",
            expected="an absolute http:// or https:// URL of printable ASCII, "
            f"at most {MAX_URI_BYTES}",
            max_chars=MAX_URI_BYTES,
            pattern=URL_PATTERN,
            got=_shown_or_nothing,
        )
        services.append(Service(fragment, kind, endpoint))
    return tuple(services)


def _texts(args: Mapping[str, Any], key: str, code: ResultCode, limit: int) -> list[str]:
    values = [
        require_text(
            value,
            f"args.{key}[{index}]",
            code=code,
            reason="expected text",
            expected="text",
            got=_shown,
        )
        for index, value in enumerate(_list(args, key, code, limit))
    ]
    if len(set(values)) != len(values):
        raise _reject(code, "a value repeats", f"args.{key}", "distinct values", len(values))
    return values


def parse_also_known_as(args: Mapping[str, Any]) -> tuple[str, ...]:
    code = ResultCode.INVALID_ALSO_KNOWN_AS
    values = _texts(args, "also_known_as", code, MAX_ALSO_KNOWN_AS)
    for index, value in enumerate(values):
        require_text(
            value,
            f"args.also_known_as[{index}]",
            code=code,
            reason="not a URI",
            expected="an absolute URI (https://..., did:...) of printable ASCII, "
            f"<= {MAX_URI_BYTES}",
            max_chars=MAX_URI_BYTES,
            pattern=URI_PATTERN,
            got=_shown,
        )
    return tuple(values)


def parse_controller_dids(args: Mapping[str, Any]) -> tuple[str, ...]:
    code = ResultCode.INVALID_CONTROLLER
    values = _texts(args, "controller_dids", code, MAX_CONTROLLER_DIDS)
    for index, value in enumerate(values):
        require_text(
            value,
            f"args.controller_dids[{index}]",
            code=code,
            reason="not a DID",
            expected="a DID such as did:sen:moet",
            max_chars=MAX_URI_BYTES,
            pattern=DID_PATTERN,
            got=_shown,
        )
    return tuple(values)


def parse_controllers(args: Mapping[str, Any]) -> tuple[bytes, ...] | None:
    """The Sen accounts that may change the DID; None when the argument is absent."""
    if "controllers" not in args:
        return None
    code = ResultCode.INVALID_CONTROLLER
    values = _list(args, "controllers", code, MAX_CONTROLLERS)
    if not values:
        raise _reject(
            code, "no controllers", "args.controllers", "at least one address", "an empty array"
        )
    addresses = [
        require_bytes(
            value,
            f"args.controllers[{index}]",
            code=code,
            reason="not an account address",
            expected=f"{ADDRESS_SIZE} bytes",
            size=ADDRESS_SIZE,
            got=_shown,
        )
        for index, value in enumerate(values)
    ]
    if len(set(addresses)) != len(addresses):
        raise _reject(
            code, "an address repeats", "args.controllers", "distinct addresses", "a repeat"
        )
    return tuple(addresses)


def parse_content(args: Mapping[str, Any]) -> DocumentContent:
    """The document content of a create or update; fragment ids are unique across it."""
    methods = parse_methods(args)
    relationships = parse_relationships(args, methods)
    services = parse_services(args)
    seen: set[str] = set()
    for where, fragment in [
        *((f"args.verification_methods[{i}].id", m.id) for i, m in enumerate(methods)),
        *((f"args.services[{i}].id", s.id) for i, s in enumerate(services)),
    ]:
        require_new(
            fragment,
            seen,
            where,
            code=ResultCode.DUPLICATE_FRAGMENT,
            reason="an id is used twice in the document",
            expected="ids unique across methods and services",
        )
        seen.add(fragment)
    return DocumentContent(
        methods=methods,
        relationships=relationships,
        services=services,
        also_known_as=parse_also_known_as(args),
        controller_dids=parse_controller_dids(args),
    )
