"""The normative rules of the W3C Verifiable Credentials Data Model 2.0, as checks.

Each check returns every :class:`~sen.vc.errors.Problem` it finds (not just
the first), with the JSON path at fault, so an issuer sees all that is wrong at
once. What is checked:

- ``@context``: an ordered set whose first item is
  ``https://www.w3.org/ns/credentials/v2``; later items URLs or objects;
- ``type``: includes ``VerifiableCredential`` (``VerifiablePresentation``);
- ``id`` wherever it appears on the credential's own objects: a URL;
- ``issuer``: a URL, or an object whose ``id`` is a URL;
- ``credentialSubject``: an object, or a non-empty array of objects, each
  making at least one claim;
- ``validFrom``/``validUntil``: ``dateTimeStamp`` s, and not out of order;
- ``credentialStatus``, ``credentialSchema``, ``evidence``, ``termsOfUse``,
  ``refreshService``, ``confidenceMethod``, ``renderMethod``: each object has
  a ``type`` (``credentialSchema`` also an ``id``); ``relatedResource`` an ``id``;
- presentations: ``holder`` like ``issuer``; each ``verifiableCredential`` a
  credential by all the rules above.

VCDM 1.1 credentials and presentations (first context
``https://www.w3.org/2018/credentials/v1``), still what most wallets and
foreign issuers produce, are checked by the same rules with 1.1's names for the
validity period: ``issuanceDate`` (required) and ``expirationDate``
(:func:`data_model_version`, :func:`validity_names`, :func:`validity_bounds`).

JSON-LD processing (contexts, dropped terms) is :mod:`sen.vc.canonical`'s.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sen.vc.dates import parse_datetime_stamp
from sen.vc.errors import ErrorCode, Problem
from sen.vc.loader import CREDENTIALS_V1, CREDENTIALS_V2

__all__ = [
    "check_credential",
    "check_presentation",
    "data_model_version",
    "is_url",
    "nfc_warnings",
    "types_of",
    "validity_bounds",
    "validity_names",
]

VERIFIABLE_CREDENTIAL = "VerifiableCredential"
VERIFIABLE_PRESENTATION = "VerifiablePresentation"

# property → (requires type, requires id)
_TYPED_PROPERTIES: dict[str, tuple[bool, bool]] = {
    "credentialStatus": (True, False),
    "credentialSchema": (True, True),
    "evidence": (True, False),
    "termsOfUse": (True, False),
    "refreshService": (True, False),
    "confidenceMethod": (True, False),
    "renderMethod": (True, False),
    "relatedResource": (False, True),
}

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f\\]+")
# no backslash: RFC 3986 has none, and WHATWG parsers read it as "/", so one URL would be
# two to two readers


def data_model_version(document: object) -> int | None:
    """2 for a VCDM 2.0 document, 1 for a VCDM 1.1 one (by its first context), else None."""
    context = document.get("@context") if isinstance(document, dict) else None
    first = context[0] if isinstance(context, list) and context else context
    return {CREDENTIALS_V2: 2, CREDENTIALS_V1: 1}.get(first) if isinstance(first, str) else None


def validity_names(document: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names of the validity period's bounds: ``(starts, ends)``.

    VCDM 2.0: ``validFrom``, ``validUntil``. VCDM 1.1: ``issuanceDate`` and
    ``expirationDate``, and also 2.0's names if a context of the credential defines
    them (every bound present must hold: a signed ``validUntil`` is never ignored).
    """
    if data_model_version(document) == 1:
        return ("issuanceDate", "validFrom"), ("expirationDate", "validUntil")
    return ("validFrom",), ("validUntil",)


def is_url(value: object) -> bool:
    """A string with a scheme and no whitespace or backslash: ``https:``, ``did:``, ``urn:`` ...
    all qualify."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def types_of(node: object) -> list[str]:
    """The ``type`` values of an object (a string or a list of strings); [] if none."""
    if not isinstance(node, dict):
        return []
    value = node.get("type")
    values = value if isinstance(value, list) else [value]
    return [item for item in values if isinstance(item, str)]


def check_credential(credential: object, path: str = "$") -> list[Problem]:
    if not isinstance(credential, dict):
        return [
            Problem(
                ErrorCode.MALFORMED_CREDENTIAL,
                f"a credential is a JSON object, got {_kind(credential)}",
                path,
            )
        ]
    problems = _check_common(credential, path, VERIFIABLE_CREDENTIAL)
    problems += _check_issuer(credential.get("issuer"), f"{path}.issuer", "issuer")
    problems += _check_subject(credential.get("credentialSubject"), f"{path}.credentialSubject")
    problems += _check_validity(credential, path)
    for name, (needs_type, needs_id) in _TYPED_PROPERTIES.items():
        if name in credential:
            problems += _check_typed(credential[name], f"{path}.{name}", needs_type, needs_id)
    if "relatedResource" in credential:
        problems += _check_related(credential["relatedResource"], f"{path}.relatedResource")
    problems += _check_status_entries({k: v for k, v in credential.items() if k != "proof"}, path)
    return problems


STATUS_ENTRY = "BitstringStatusListEntry"
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def _check_status_entries(node: object, path: str) -> list[Problem]:
    """Every ``BitstringStatusListEntry`` in the credential, wherever it is, well formed
    (Bitstring Status List v1.0 §2.1; a malformed one is its MALFORMED_VALUE_ERROR)."""
    problems: list[Problem] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            problems += _check_status_entries(item, f"{path}[{index}]")
        return problems
    if not isinstance(node, dict):
        return problems
    if STATUS_ENTRY in types_of(node):
        problems += _status_entry_problems(node, path)
    for key, value in node.items():
        if isinstance(value, (dict, list)):
            problems += _check_status_entries(value, f"{path}.{key}")
    return problems


def _status_entry_problems(entry: dict[str, Any], path: str) -> list[Problem]:
    def malformed(name: str, expected: str) -> Problem:
        got = f"{_kind(entry[name])} {json.dumps(entry[name])[:40]}" if name in entry else "nothing"
        return Problem(
            ErrorCode.MALFORMED_STATUS, f"'{name}' must be {expected}, got {got}", f"{path}.{name}"
        )

    problems: list[Problem] = []
    if not isinstance(entry.get("statusPurpose"), str) or not entry["statusPurpose"]:
        problems.append(malformed("statusPurpose", "a non-empty string"))
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or _DIGITS.fullmatch(index) is None:
        problems.append(malformed("statusListIndex", "a non-negative integer as a string"))
    if not is_url(entry.get("statusListCredential")):
        problems.append(malformed("statusListCredential", "a URL"))
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        problems.append(malformed("statusSize", "a positive integer"))
    elif size > 1 and not isinstance(entry.get("statusMessage"), list):
        problems.append(malformed("statusMessage", "an array when statusSize is over 1"))
    return problems


_SRI = re.compile(r"(sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}")
_MULTIBASE = re.compile(r"[uz][A-Za-z0-9_\-]+")


def _check_related(value: object, path: str) -> list[Problem]:
    """VCDM 2.0 §5.3: each related resource has a unique ``id`` and a digest to check it by.

    The digests are checked for form (``digestSRI`` as Subresource Integrity
    metadata, ``digestMultibase`` as multibase text); checking them against the
    resource would mean fetching it, which a verifier here never does.
    """
    problems: list[Problem] = []
    seen: set[object] = set()
    for item_path, item in _items(value, path):
        if not isinstance(item, dict):
            continue  # the typed-property check reports it
        resource_id = item.get("id")
        if resource_id in seen:
            problems.append(
                Problem(
                    ErrorCode.INVALID_RELATED_RESOURCE,
                    f"related resource id {resource_id!r} is listed twice",
                    f"{item_path}.id",
                )
            )
        seen.add(resource_id)
        sri, multibase = item.get("digestSRI"), item.get("digestMultibase")
        if sri is None and multibase is None:
            problems.append(
                Problem(
                    ErrorCode.INVALID_RELATED_RESOURCE,
                    "a related resource needs 'digestSRI' or 'digestMultibase'",
                    item_path,
                )
            )
        if sri is not None and not (isinstance(sri, str) and _SRI.fullmatch(sri)):
            problems.append(
                Problem(
                    ErrorCode.INVALID_RELATED_RESOURCE,
                    "'digestSRI' is Subresource Integrity metadata such as sha384-<base64>, "
                    f"got {_kind(sri)}",
                    f"{item_path}.digestSRI",
                )
            )
        if multibase is not None and not (
            isinstance(multibase, str) and _MULTIBASE.fullmatch(multibase)
        ):
            problems.append(
                Problem(
                    ErrorCode.INVALID_RELATED_RESOURCE,
                    f"'digestMultibase' is multibase text (u… or z…), got {_kind(multibase)}",
                    f"{item_path}.digestMultibase",
                )
            )
    return problems


def check_presentation(presentation: object, path: str = "$") -> list[Problem]:
    if not isinstance(presentation, dict):
        return [
            Problem(
                ErrorCode.MALFORMED_PRESENTATION,
                f"a presentation is a JSON object, got {_kind(presentation)}",
                path,
            )
        ]
    problems = _check_common(presentation, path, VERIFIABLE_PRESENTATION)
    if "holder" in presentation:
        problems += _check_issuer(presentation["holder"], f"{path}.holder", "holder")
    if "termsOfUse" in presentation:
        problems += _check_typed(presentation["termsOfUse"], f"{path}.termsOfUse", True, False)
    if "verifiableCredential" in presentation:
        for item_path, item in _items(
            presentation["verifiableCredential"], f"{path}.verifiableCredential"
        ):
            problems += check_credential(item, item_path)
    return problems


def validity_bounds(credential: dict[str, Any]) -> dict[str, datetime | None]:
    """Each validity bound the credential has (:func:`validity_names`), parsed; None where it
    is not a valid ``dateTimeStamp``."""
    bounds: dict[str, datetime | None] = {}
    starts, ends = validity_names(credential)
    for name in (*starts, *ends):
        if name in credential:
            try:
                bounds[name] = parse_datetime_stamp(credential[name])
            except ValueError:
                bounds[name] = None
    return bounds


def nfc_warnings(document: object) -> list[Problem]:
    """Strings not in Unicode NFC: the same Vietnamese text typed on two systems can differ in
    bytes (``ễ`` as one code point or as ``e`` + two marks), and so in signature and search."""
    return [
        Problem(
            ErrorCode.NOT_NFC,
            f"{text!r} is not in Unicode NFC; the same text in NFC would be different bytes",
            path,
        )
        for path, text in _strings(document, "$")
        if not unicodedata.is_normalized("NFC", text)
    ]


def _check_common(document: dict[str, Any], path: str, required_type: str) -> list[Problem]:
    problems = _check_context(document.get("@context"), f"{path}.@context")
    if "id" in document and not is_url(document["id"]):
        problems.append(_not_url(document["id"], f"{path}.id"))
    if "type" not in document:
        problems.append(
            Problem(
                ErrorCode.MISSING_TYPE,
                f"'type' is required and must include {required_type!r}",
                f"{path}.type",
            )
        )
    elif not _is_type_value(document["type"]):
        problems.append(
            Problem(
                ErrorCode.MISSING_TYPE,
                "'type' must be a string or an array of strings",
                f"{path}.type",
            )
        )
    elif required_type not in types_of(document):
        problems.append(
            Problem(
                ErrorCode.MISSING_TYPE, f"'type' must include {required_type!r}", f"{path}.type"
            )
        )
    return problems


def _check_context(context: object, path: str) -> list[Problem]:
    if context is None:
        return [
            Problem(
                ErrorCode.INVALID_CONTEXT,
                f"'@context' is required; its first item must be {CREDENTIALS_V2!r}"
                f" (or {CREDENTIALS_V1!r})",
                path,
            )
        ]
    items = context if isinstance(context, list) else [context]
    if not items or items[0] not in (CREDENTIALS_V2, CREDENTIALS_V1):
        return [
            Problem(
                ErrorCode.INVALID_CONTEXT,
                f"the first '@context' item must be {CREDENTIALS_V2!r} "
                f"(or {CREDENTIALS_V1!r} for VCDM 1.1)",
                path,
            )
        ]
    return [
        Problem(
            ErrorCode.INVALID_CONTEXT,
            f"a '@context' item is a URL or an object, got {_kind(item)}",
            f"{path}[{index}]",
        )
        for index, item in enumerate(items)
        if not (is_url(item) or isinstance(item, dict))
    ]


def _check_issuer(value: object, path: str, role: str) -> list[Problem]:
    code = ErrorCode.INVALID_ISSUER if role == "issuer" else ErrorCode.INVALID_HOLDER
    if value is None:
        return [Problem(code, f"'{role}' is required: a URL, or an object with a URL 'id'", path)]
    if isinstance(value, dict):
        if "id" not in value:
            return [Problem(code, f"an '{role}' object must have an 'id' URL", f"{path}.id")]
        return [] if is_url(value["id"]) else [_not_url(value["id"], f"{path}.id")]
    if not is_url(value):
        return [
            Problem(
                code,
                f"'{role}' must be a URL or an object with a URL 'id', got {_kind(value)}",
                path,
            )
        ]
    return []


def _check_subject(value: object, path: str) -> list[Problem]:
    if value is None:
        return [Problem(ErrorCode.EMPTY_SUBJECT, "'credentialSubject' is required", path)]
    if isinstance(value, list) and not value:
        return [
            Problem(ErrorCode.EMPTY_SUBJECT, "'credentialSubject' must not be an empty array", path)
        ]
    problems: list[Problem] = []
    for item_path, subject in _items(value, path):
        if not isinstance(subject, dict):
            problems.append(
                Problem(
                    ErrorCode.EMPTY_SUBJECT,
                    f"a subject is an object, got {_kind(subject)}",
                    item_path,
                )
            )
        elif not subject:  # {"id": ...} alone names a subject (VCDM 2.0 §4.8); {} names none
            problems.append(
                Problem(
                    ErrorCode.EMPTY_SUBJECT,
                    "a subject must have an 'id' or at least one claim",
                    item_path,
                )
            )
        elif "id" in subject and not is_url(subject["id"]):
            problems.append(_not_url(subject["id"], f"{item_path}.id"))
    return problems


def _check_validity(credential: dict[str, Any], path: str) -> list[Problem]:
    problems: list[Problem] = []
    parsed: dict[str, datetime] = {}
    starts, ends = validity_names(credential)
    if "issuanceDate" in starts and "issuanceDate" not in credential:
        problems.append(
            Problem(
                ErrorCode.MISSING_PROPERTY,
                "'issuanceDate' is required in a VCDM 1.1 credential",
                f"{path}.issuanceDate",
            )
        )
    for name in (*starts, *ends):
        if name not in credential:
            continue
        try:
            parsed[name] = parse_datetime_stamp(credential[name])
        except ValueError as exc:
            problems.append(Problem(ErrorCode.INVALID_DATE, f"'{name}': {exc}", f"{path}.{name}"))
    for start in starts:
        for end in ends:
            if start in parsed and end in parsed and parsed[start] > parsed[end]:
                problems.append(
                    Problem(
                        ErrorCode.INVALID_VALIDITY_PERIOD,
                        f"'{start}' ({credential[start]}) is after '{end}' ({credential[end]})",
                        f"{path}.{end}",
                    )
                )
    return problems


def _check_typed(value: object, path: str, needs_type: bool, needs_id: bool) -> list[Problem]:
    problems: list[Problem] = []
    for item_path, item in _items(value, path):
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    ErrorCode.MALFORMED_CREDENTIAL,
                    f"expected an object, got {_kind(item)}",
                    item_path,
                )
            )
            continue
        if needs_type and not (_is_type_value(item.get("type")) and types_of(item)):
            problems.append(
                Problem(
                    ErrorCode.MISSING_TYPE,
                    "each object here must have a 'type'",
                    f"{item_path}.type",
                )
            )
        if "id" in item and not is_url(item["id"]):
            problems.append(_not_url(item["id"], f"{item_path}.id"))
        elif needs_id and "id" not in item:
            problems.append(
                Problem(
                    ErrorCode.MISSING_PROPERTY,
                    "each object here must have an 'id' URL",
                    f"{item_path}.id",
                )
            )
    return problems


def _items(value: object, path: str) -> Iterator[tuple[str, object]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item
    else:
        yield path, value


def _is_type_value(value: object) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _not_url(value: object, path: str) -> Problem:
    return Problem(ErrorCode.INVALID_URL, f"expected a URL, got {value!r}", path)


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def _strings(node: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _strings(item, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node
