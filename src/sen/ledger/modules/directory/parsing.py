"""Checking directory proposals' payloads: each refusal is INVALID_PROPOSAL naming its field.

The checks are stateless (a malformed payload is refused when proposed,
before anyone votes); what depends on state (the chain is, or is not, in
the directory; the operator is an active organisation) is checked when the
proposal passes (:mod:`sen.ledger.modules.directory.registry`). A parsed
payload is plain canonical values, kept in the proposal record as is.

Everything an entry holds is an identifier, a URL or URI, or a digest:
no names or descriptions (docs/spec/directory.md §2 says why).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    reject_unknown_fields,
    require_bytes,
    require_distinct,
    require_jurisdiction,
    require_list,
    require_one_of,
    require_text,
)

PREFIX = "args.payload."
CODE = ResultCode.INVALID_PROPOSAL

CHAIN_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")
"""A CometBFT chain id (at most 50 characters) that can be a URI's authority and a key's end."""
SECTOR_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
ORGANISATION_PATTERN = re.compile(r"^[a-z0-9-]{1,32}$")  # membership's organisation ids
MODULE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
RECORD_TYPE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,63}$")
CLIENT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{3,63}$")
"""An ICS-24 client identifier as Sen writes them (``sen-client-0``, ``07-tendermint-3``)."""
_HOST = r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])"
HTTP_URL_PATTERN = re.compile(rf"^https?://{_HOST}(?::[0-9]{{1,5}})?(?:/[\x21-\x7e]*)?$")
P2P_ADDRESS_PATTERN = re.compile(rf"^[0-9a-f]{{40}}@{_HOST}:[0-9]{{1,5}}$")
URI_PATTERN = re.compile(
    r"^sen://(?P<chain>[A-Za-z0-9][A-Za-z0-9._-]{0,49})"
    r"/(?P<module>[a-z][a-z0-9_]{0,31})"
    r"/(?P<record_type>[A-Za-z][A-Za-z0-9._-]{0,63})"
    r"(?:/[A-Za-z0-9._~-]+)*$"
)
ENDPOINT_KINDS = ("p2p", "rest", "rpc")
MAX_URL_BYTES = 256
MAX_ENDPOINTS = 8
MAX_LINKS = 256
MAX_DATASETS = 256
DIGEST_SIZE = 32

ENTRY_FIELDS = frozenset(
    {
        "chain_id",
        "genesis_hash",
        "operator",
        "sector",
        "endpoints",
        "validators_hash",
        "links",
        "datasets",
    }
)
REQUIRED_FIELDS = ENTRY_FIELDS - {"links", "datasets"}
CHANGEABLE_FIELDS = ENTRY_FIELDS - {"chain_id"}


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else repr(value[:77] + "...")
    if value is None:
        return "nothing"
    return type(value).__name__


def _count(value: object) -> str:
    return f"{len(value)} items" if isinstance(value, list) else _shown(value)


def _missing(field: str, expected: str) -> TxRejected:
    return TxRejected(CODE, "missing field", field=PREFIX + field, expected=expected, got="nothing")


def _text(value: object, field: str, pattern: re.Pattern[str], expected: str) -> str:
    return require_text(
        value,
        PREFIX + field,
        code=CODE,
        reason="not in the expected form",
        expected=expected,
        pattern=pattern,
        got=_shown,
    )


def _digest(value: object, field: str, what: str) -> bytes:
    return require_bytes(
        value,
        PREFIX + field,
        code=CODE,
        reason="expected a SHA-256 digest",
        expected=f"{what}: {DIGEST_SIZE} bytes",
        size=DIGEST_SIZE,
        got=_shown,
    )


def _map(
    value: object, field: str, allowed: frozenset[str], required: frozenset[str]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TxRejected(
            CODE, "expected a map", field=PREFIX + field, expected="a map", got=_shown(value)
        )
    reject_unknown_fields(
        value,
        allowed,
        prefix=f"{PREFIX}{field}.",
        code=CODE,
        reason="unknown field",
        expected=", ".join(sorted(allowed)),
    )
    for key in sorted(required):
        if key not in value:
            raise _missing(f"{field}.{key}", key)
    return value


def _list(value: object, field: str, maximum: int, what: str, minimum: int = 0) -> list[object]:
    return require_list(
        value,
        PREFIX + field,
        code=CODE,
        reason=f"expected a list of {what}",
        expected=f"{minimum} to {maximum} {what}",
        min_items=minimum,
        max_items=maximum,
        got=_count,
    )


def _chain_id(value: object, field: str) -> str:
    return _text(value, field, CHAIN_ID_PATTERN, "a chain id: 1-50 of A-Z, a-z, 0-9, '.', '_', '-'")


# -- the fields of an entry -------------------------------------------------------------


def _endpoint(value: object, field: str) -> dict[str, Any]:
    found = _map(value, field, frozenset({"kind", "url"}), frozenset({"kind", "url"}))
    kind = require_one_of(
        found["kind"],
        f"{PREFIX}{field}.kind",
        ENDPOINT_KINDS,
        code=CODE,
        reason="unknown endpoint kind",
        expected=", ".join(ENDPOINT_KINDS),
        got=_shown,
    )
    if kind == "p2p":
        url = _text(found["url"], f"{field}.url", P2P_ADDRESS_PATTERN, "<node id>@<host>:<port>")
    else:
        url = _text(found["url"], f"{field}.url", HTTP_URL_PATTERN, "an http:// or https:// URL")
    if len(url) > MAX_URL_BYTES:
        raise TxRejected(
            CODE,
            "too long",
            field=f"{PREFIX}{field}.url",
            expected=f"at most {MAX_URL_BYTES} characters",
            got=f"{len(url)} characters",
        )
    return {"kind": kind, "url": url}


def _endpoints(value: object) -> list[dict[str, Any]]:
    items = _list(value, "endpoints", MAX_ENDPOINTS, "endpoints", minimum=1)
    parsed = [_endpoint(item, f"endpoints[{i}]") for i, item in enumerate(items)]
    require_distinct(
        [e["url"] for e in parsed],
        PREFIX + "endpoints",
        code=CODE,
        reason="an endpoint is repeated",
        expected="distinct URLs",
        got=_shown,
    )
    return parsed


def _link(value: object, field: str, chain_id: str) -> dict[str, Any]:
    keys = frozenset({"counterparty", "client_id", "counterparty_client_id"})
    found = _map(value, field, keys, keys)
    counterparty = _chain_id(found["counterparty"], f"{field}.counterparty")
    if counterparty == chain_id:
        raise TxRejected(
            CODE,
            "a chain does not link to itself",
            field=f"{PREFIX}{field}.counterparty",
            expected="another chain's id",
            got=_shown(counterparty),
        )
    client = "a client id such as sen-client-0"
    return {
        "counterparty": counterparty,
        "client_id": _text(found["client_id"], f"{field}.client_id", CLIENT_ID_PATTERN, client),
        "counterparty_client_id": _text(
            found["counterparty_client_id"],
            f"{field}.counterparty_client_id",
            CLIENT_ID_PATTERN,
            client,
        ),
    }


def _links(value: object, chain_id: str) -> list[dict[str, Any]]:
    items = _list(value, "links", MAX_LINKS, "links")
    parsed = [_link(item, f"links[{i}]", chain_id) for i, item in enumerate(items)]
    require_distinct(
        [link["client_id"] for link in parsed],
        PREFIX + "links",
        code=CODE,
        reason="a client is in two links (a client tracks one counterparty)",
        expected="distinct client_id",
        got=_shown,
    )
    return parsed


def _dataset(value: object, field: str, chain_id: str) -> dict[str, Any]:
    found = _map(
        value,
        field,
        frozenset({"uri", "record_type", "module", "schema_digest", "jurisdiction"}),
        frozenset({"uri", "record_type", "module"}),
    )
    record_type = _text(
        found["record_type"], f"{field}.record_type", RECORD_TYPE_PATTERN, "a record type"
    )
    module = _text(found["module"], f"{field}.module", MODULE_PATTERN, "a module name")
    uri = _text(found["uri"], f"{field}.uri", URI_PATTERN, "sen://<chain>/<module>/<type>[/...]")
    stem = f"sen://{chain_id}/{module}/{record_type}"
    if len(uri) > MAX_URL_BYTES or not (uri == stem or uri.startswith(stem + "/")):
        raise TxRejected(
            CODE,
            "the URI does not name this chain, module and record type",
            field=f"{PREFIX}{field}.uri",
            expected=f"{stem}[/...], at most {MAX_URL_BYTES} characters",
            got=_shown(uri),
        )
    digest = found.get("schema_digest")
    if digest is not None:
        digest = _digest(digest, f"{field}.schema_digest", "the schema document's SHA-256")
    parsed: dict[str, Any] = {
        "uri": uri,
        "chain_id": chain_id,
        "record_type": record_type,
        "module": module,
        "schema_digest": digest,
    }
    if "jurisdiction" in found:
        parsed["jurisdiction"] = require_jurisdiction(
            found["jurisdiction"], PREFIX + f"{field}.jurisdiction", code=CODE
        )
    return parsed


def _datasets(value: object, chain_id: str) -> list[dict[str, Any]]:
    items = _list(value, "datasets", MAX_DATASETS, "datasets")
    parsed = [_dataset(item, f"datasets[{i}]", chain_id) for i, item in enumerate(items)]
    require_distinct(
        [d["uri"] for d in parsed],
        PREFIX + "datasets",
        code=CODE,
        reason="a dataset URI is repeated",
        expected="distinct URIs",
        got=_shown,
    )
    return parsed


def _field(payload: Mapping[str, Any], key: str, chain_id: str) -> object:
    """The parsed value of one entry field other than ``chain_id``."""
    value = payload[key]
    if key == "genesis_hash":
        return _digest(value, key, "the SHA-256 of the chain's genesis file")
    if key == "validators_hash":
        return _digest(value, key, "the validator set's hash (CometBFT validators_hash)")
    if key == "operator":
        return _text(value, key, ORGANISATION_PATTERN, "an organisation id of this chain")
    if key == "sector":
        return _text(value, key, SECTOR_PATTERN, "a sector: 1-32 of a-z, 0-9, '-'")
    if key == "endpoints":
        return _endpoints(value)
    if key == "links":
        return _links(value, chain_id)
    return _datasets(value, chain_id)


# -- the three kinds ------------------------------------------------------------------


def _fields(payload: Mapping[str, Any], allowed: frozenset[str]) -> str:
    reject_unknown_fields(
        payload,
        allowed,
        prefix=PREFIX,
        code=CODE,
        reason="unknown field",
        expected=", ".join(sorted(allowed)),
    )
    if "chain_id" not in payload:
        raise _missing("chain_id", "chain_id: the member chain's id")
    return _chain_id(payload["chain_id"], "chain_id")


def parse_register_chain(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of ``register_chain``: a whole entry (``links``, ``datasets`` optional)."""
    chain_id = _fields(payload, ENTRY_FIELDS)
    for key in sorted(REQUIRED_FIELDS):
        if key not in payload:
            raise _missing(key, key)
    given = {"links": [], "datasets": [], **payload}
    parsed: dict[str, Any] = {"chain_id": chain_id}
    for key in sorted(CHANGEABLE_FIELDS):
        parsed[key] = _field(given, key, chain_id)
    return parsed


def parse_update_chain(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of ``update_chain``: ``chain_id`` and the fields to replace (one or more)."""
    chain_id = _fields(payload, ENTRY_FIELDS)
    changed = sorted(key for key in payload if key != "chain_id")
    if not changed:
        raise TxRejected(
            CODE,
            "nothing to change",
            field=PREFIX.rstrip("."),
            expected=f"chain_id and some of {', '.join(sorted(CHANGEABLE_FIELDS))}",
            got="chain_id only",
        )
    parsed: dict[str, Any] = {"chain_id": chain_id}
    for key in changed:
        parsed[key] = _field(payload, key, chain_id)
    return parsed


def parse_remove_chain(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of ``remove_chain``: ``{chain_id}``."""
    return {"chain_id": _fields(payload, frozenset({"chain_id"}))}
