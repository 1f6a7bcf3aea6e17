"""DID resolution (DID Core 1.0 §7.1, DID Resolution): did:sen from chain state, did:key locally.

Pure functions over a :class:`~sen.ledger.state.StateReader` (a node's
committed store, a state overlay in tests): no I/O, no clock. ::

    result = resolve("did:sen:moet", node.app.store, version_time="2027-01-15T00:00:00Z")
    result.did_document, result.did_document_metadata["versionId"]

    suite, public_key, controller = resolve_verification_method(
        "did:sen:moet#key-1", store, at=issued_at, purpose="assertionMethod")

:func:`resolve` never raises for a DID it cannot resolve: the error keyword
(``invalidDid``, ``notFound``, ...) is in ``didResolutionMetadata``, as DID
Resolution asks. :func:`resolve_verification_method` is for verifiers and
raises a :class:`~sen.did.errors.ResolutionError` instead.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from sen.did.document import render_document, render_key_document, xml_datetime
from sen.did.errors import (
    DidDeactivated,
    DidNotFound,
    InvalidOptions,
    MethodNotAuthorized,
    RepresentationNotSupported,
    ResolutionError,
)
from sen.did.key import did_key_method
from sen.did.syntax import ParsedDid, parse_did, parse_did_url
from sen.ledger import encoding
from sen.ledger.errors import EncodingError
from sen.ledger.modules.identity.records import (
    RELATIONSHIPS,
    DidRecord,
    DidVersion,
    load_did,
    load_version,
    version_at_time,
)
from sen.ledger.state import StateReader
from sen.ledger.types import PARAMS_KEY

DID_LD_JSON = "application/did+ld+json"
DID_JSON = "application/did+json"
REPRESENTATIONS = (DID_LD_JSON, DID_JSON)

RESOLUTION_CONTEXT = "https://w3id.org/did-resolution/v1"
SEN_VOCABULARY = "urn:sen:vocab:"
"""Sen's JSON-LD vocabulary: ``chainId`` (DID document metadata) is ``urn:sen:vocab:chainId``."""
RESULT_CONTEXT: tuple[Any, ...] = (RESOLUTION_CONTEXT, {"chainId": SEN_VOCABULARY + "chainId"})
PROBLEM_TYPE_PREFIX = "https://www.w3.org/ns/did#"

_XML_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)


@dataclass(frozen=True, slots=True)
class ResolutionResult:
    """What DID resolution returns: the document and two kinds of metadata (DID Core §7.1.2)."""

    did_document: dict[str, Any] | None
    did_resolution_metadata: dict[str, Any]
    did_document_metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def error(self) -> str | None:
        value = self.did_resolution_metadata.get("error")
        return None if value is None else str(value)

    @property
    def deactivated(self) -> bool:
        return self.did_document_metadata.get("deactivated") is True

    def to_json(self) -> dict[str, Any]:
        """The DID resolution result as JSON-LD (``application/did-resolution``)."""
        return {
            "@context": list(RESULT_CONTEXT),
            "didDocument": self.did_document,
            "didResolutionMetadata": self.did_resolution_metadata,
            "didDocumentMetadata": self.did_document_metadata,
        }


def resolve(
    did: str,
    reader: StateReader,
    *,
    version_time: str | int | None = None,
    version_id: str | int | None = None,
    accept: str = DID_LD_JSON,
) -> ResolutionResult:
    """Resolve ``did`` (did:sen from ``reader``, did:key locally) as DID Resolution's ``resolve``.

    ``version_time``: an XML datetime (``2027-01-15T00:00:00Z``) or unix
    seconds: the version in effect then. ``version_id``: a version number
    (``"1"``, ``"2"``, ...). ``accept``: ``application/did+ld+json`` (with
    ``@context``) or ``application/did+json``.
    """
    try:
        parsed = parse_did(did)
        at = None if version_time is None else parse_version_time(version_time)
        number = None if version_id is None else _version_number(version_id)
        if at is not None and number is not None:
            raise InvalidOptions("give versionTime or versionId, not both", field="versionId")
        if accept not in REPRESENTATIONS:
            raise RepresentationNotSupported(
                f"{accept!r} is not a DID document representation; "
                f"supported: {', '.join(REPRESENTATIONS)}",
                field="accept",
            )
    except ResolutionError as exc:
        return error_result(exc)
    json_ld = accept == DID_LD_JSON
    if parsed.method == "key":
        document = render_key_document(parsed.did, parsed.identifier, json_ld=json_ld)
        return ResolutionResult(document, {"contentType": accept}, {})
    try:
        record, version = _find_version(reader, parsed, at, number)
    except ResolutionError as exc:
        return error_result(exc)
    document = render_document(parsed.did, version.content, json_ld=json_ld)
    metadata = _document_metadata(reader, record, version)
    return ResolutionResult(document, {"contentType": accept}, metadata)


def resolve_verification_method(
    vm_url: str,
    reader: StateReader,
    at: int | None = None,
    *,
    purpose: str | None = None,
) -> tuple[str, bytes, str]:
    """``(suite, raw public key, controller DID)`` of a verification method, for verifiers.

    ``vm_url`` is a DID URL such as ``did:sen:moet#key-1`` or
    ``did:key:z6Mk…#z6Mk…``. ``at`` (unix seconds) resolves the did:sen
    document in effect then (a key rotated away later still verifies what it
    signed before); None means the latest version. ``purpose`` (e.g.
    ``"assertionMethod"``), when given, must list the method. ``suite`` is a
    Sen signature suite (``ed25519`` or ``ecdsa-p256``), usable with
    :func:`sen.ledger.crypto.get_suite`.

    Raises :class:`~sen.did.errors.ResolutionError`: ``InvalidDid``,
    ``MethodNotSupported``, ``DidNotFound`` (no DID then, or no such method),
    ``DidDeactivated`` (deactivated at that time), ``MethodNotAuthorized``
    (not listed for ``purpose``), ``InvalidOptions`` (unknown ``purpose``).
    """
    if purpose is not None and purpose not in RELATIONSHIPS:
        raise InvalidOptions(
            f"unknown verification relationship {purpose!r}; known: {', '.join(RELATIONSHIPS)}",
            field="purpose",
        )
    parsed, fragment = parse_did_url(vm_url)
    if parsed.method == "key":
        return did_key_method(parsed, fragment)
    _, version = _find_version(reader, parsed, at, None)
    if version.deactivated:
        raise DidDeactivated(
            f"{parsed.did} was deactivated (version {version.version})", field="verification_method"
        )
    method = version.content.method(fragment)
    if method is None:
        raise DidNotFound(
            f"{parsed.did} (version {version.version}) has no verification method #{fragment}",
            field="verification_method",
        )
    if purpose is not None and fragment not in version.content.relationship(purpose):
        raise MethodNotAuthorized(
            f"{vm_url} is not listed under {purpose} (version {version.version})",
            field="verification_method",
        )
    return method.suite, method.public_key, parsed.did


def parse_version_time(value: str | int) -> int:
    """Unix seconds of a versionTime: an XML datetime (fractions dropped) or an integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _XML_DATETIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidOptions(
            f"versionTime must be an XML datetime such as 2027-01-15T00:00:00Z, got {value!r:.60}",
            field="versionTime",
        )
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    zone = match.group(7)
    offset = datetime.timedelta(0)
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = sign * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    try:
        moment = datetime.datetime(
            year, month, day, hour, minute, second, tzinfo=datetime.timezone(offset)
        )
    except ValueError as exc:
        raise InvalidOptions(f"versionTime {value!r}: {exc}", field="versionTime") from None
    return int(moment.timestamp())


def error_result(error: ResolutionError) -> ResolutionResult:
    """A result with no document whose metadata names the error (keyword and RFC 9457 details)."""
    title = re.sub(r"(?<!^)(?=[A-Z])", "_", error.error).upper()
    metadata = {
        "error": error.error,
        "problemDetails": {
            "type": PROBLEM_TYPE_PREFIX + title,
            "title": title.replace("_", " ").capitalize(),
            "detail": error.detail,
            "field": error.field,
        },
    }
    return ResolutionResult(None, metadata, {})


def load_chain_id(reader: StateReader) -> str | None:
    """The chain id recorded in state (``chain/params``), if any."""
    stored = reader.get(PARAMS_KEY)
    if stored is None:
        return None
    try:
        value = encoding.decode(stored)
    except EncodingError:
        return None
    chain_id = value.get("chain_id") if isinstance(value, dict) else None
    return chain_id if isinstance(chain_id, str) else None


def _shown_time(seconds: int) -> str:
    try:
        return xml_datetime(seconds)
    except (ValueError, OverflowError, OSError):  # before year 1 or after 9999
        return f"{seconds} (unix seconds)"


def _version_number(value: str | int) -> int:
    text = str(value)
    if not text.isdigit() or text.startswith("0") or len(text) > 10:
        raise InvalidOptions(
            f"versionId is a version number (1, 2, ...), got {text!r:.40}", field="versionId"
        )
    return int(text)


def _find_version(
    reader: StateReader, parsed: ParsedDid, at: int | None, number: int | None
) -> tuple[DidRecord, DidVersion]:
    record = load_did(reader, parsed.identifier)
    if record is None:
        raise DidNotFound(f"{parsed.did} is not on this chain")
    if at is not None:
        version = version_at_time(reader, record, at)
        if version is None:
            raise DidNotFound(
                f"{parsed.did} did not exist yet at {_shown_time(at)} "
                f"(created {xml_datetime(record.created_seconds)})",
                field="versionTime",
            )
        return record, version
    wanted = record.version if number is None else number
    version = load_version(reader, parsed.identifier, wanted)
    if version is None:
        raise DidNotFound(
            f"{parsed.did} has versions 1 to {record.version}, not {wanted}", field="versionId"
        )
    return record, version


def _document_metadata(
    reader: StateReader, record: DidRecord, version: DidVersion
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"created": xml_datetime(record.created_seconds)}
    if version.version > 1:
        metadata["updated"] = xml_datetime(version.time_seconds)
    if version.deactivated:
        metadata["deactivated"] = True
    metadata["versionId"] = str(version.version)
    if version.version < record.version:
        following = load_version(reader, record.name, version.version + 1)
        if following is not None:
            metadata["nextUpdate"] = xml_datetime(following.time_seconds)
        metadata["nextVersionId"] = str(version.version + 1)
    chain_id = load_chain_id(reader)
    if chain_id is not None:
        metadata["chainId"] = chain_id
    return metadata
