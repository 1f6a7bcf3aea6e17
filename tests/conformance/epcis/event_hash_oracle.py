"""The reference implementation of the CBV 2.0 event hash, called in-process as our oracle.

``epcis-event-hash-generator`` 1.9.3 (PyPI, pinned in the ``dev`` extra) reads a whole
EPCIS document; :func:`reference_prehashes` hands it the events under test inside one
document with the @context they came with, and returns its pre-hash string of each.

Two things about it are made safe here, and nothing else is changed:

- it installs pyld's process-wide document loader when imported, one that falls back to
  the network; we put back the loader we had, and lend pyld, for each call only, a loader
  that answers the two EPCIS contexts the reference bundles from its files and refuses
  anything else;
- it keeps the prefixes of every document it has read in a module-level dict; we empty it
  before each call, so one document's prefixes do not leak into the next.

:func:`reference_order` writes our pre-hash parts in the order the reference writes them
(see ``ORDER`` in ``test_event_hash_reference.py``).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.resources
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from pyld import jsonld

_previous_loader = jsonld.get_document_loader()
from epcis_event_hash_generator import (  # noqa: E402  (imported after saving the loader)
    hash_generator,
    json_to_py,
)

jsonld.set_document_loader(_previous_loader)

# The EPCIS contexts the reference bundles, by URL (its files are named by their SHA-256).
BUNDLED_CONTEXTS = {
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld": (
        "e532647e8eb371379b8b0e8602d8981c8566bc60f7351f22c76a5bc865962008.jsonld"
    ),
    "https://gs1.github.io/EPCIS/epcis-context.jsonld": (
        "14b10c9d3e92d35f577bfc610fe5ec15aa2941124987919389d7cd9998516861.jsonld"
    ),
}


class ReferenceRefused(Exception):
    """The reference could not read the document, or dropped some of its events."""


def _offline_loader(url: str, options: Mapping[str, Any] | None = None) -> Any:
    if url not in BUNDLED_CONTEXTS:
        raise jsonld.JsonLdError(
            f"offline: {url} is not bundled",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    package = importlib.resources.files("epcis_event_hash_generator")
    document = json.loads((package / BUNDLED_CONTEXTS[url]).read_text(encoding="utf-8"))
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
    }


@contextmanager
def reference_environment() -> Iterator[None]:
    saved = jsonld.get_document_loader()
    jsonld.set_document_loader(_offline_loader)
    json_to_py._namespaces.clear()
    try:
        yield
    finally:
        json_to_py._namespaces.clear()
        jsonld.set_document_loader(saved)


def reference_prehashes(events: Sequence[Mapping[str, Any]], context: object) -> list[str]:
    """The reference's pre-hash string of each event, read as one EPCIS document."""
    document = {
        "@context": copy.deepcopy(context),
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2020-01-01T00:00:00Z",
        "epcisBody": {"eventList": copy.deepcopy(list(events))},
    }
    with reference_environment():
        try:
            parsed = json_to_py.event_list_from_epcis_document_json(document)
        except Exception as exc:  # the reference's parser fails in many ways
            raise ReferenceRefused(f"{type(exc).__name__}: {exc}") from exc
        prehashes = hash_generator.derive_prehashes_from_events(parsed, "")
    if len(prehashes) != len(events):  # it logs an event it cannot hash and goes on
        raise ReferenceRefused(f"it hashed {len(prehashes)} of {len(events)} events")
    return list(prehashes)


def reference_hash(prehash: str) -> str:
    """The reference's hash of a pre-hash string."""
    return hash_generator.calculate_hashes_from_pre_hashes([prehash], "sha256")[0]


def sha256_ni(prehash: str) -> str:
    digest = hashlib.sha256(prehash.encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"


# The reference's property order (its PROP_ORDER): parentID before epcList; then, after
# sensorElementList, every other element (bizTransactionList, sourceList, destinationList,
# ilmd, user extensions) sorted as strings.
REFERENCE_ORDER = (
    "eventType", "eventTime", "eventTimeZoneOffset", "certificationInfo", "parentID",
    "epcList", "inputEPCList", "childEPCs", "quantityList", "childQuantityList",
    "inputQuantityList", "outputEPCList", "outputQuantityList", "action", "transformationID",
    "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
    "sensorElementList",
)  # fmt: skip
_NAMES = sorted(
    (*REFERENCE_ORDER, "bizTransactionList", "sourceList", "destinationList", "ilmd"),
    key=len,
    reverse=True,
)


def _field(part: str) -> str | None:
    return next((name for name in _NAMES if part.startswith(name)), None)


def reference_order(parts: Sequence[str]) -> str:
    """Our pre-hash parts (in CBV 2.0's order) joined in the reference's order."""
    ranked = [p for p in parts if _field(p) in REFERENCE_ORDER]
    ranked.sort(key=lambda p: REFERENCE_ORDER.index(str(_field(p))))
    return "".join(ranked + sorted(p for p in parts if _field(p) not in REFERENCE_ORDER))


def booleans_as_text(value: Any) -> Any:
    """``value`` with its JSON booleans as the text "true" and "false", which the rules hash
    the same and the reference does not write as ``True`` and ``False``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [booleans_as_text(item) for item in value]
    if isinstance(value, dict):
        return {key: booleans_as_text(item) for key, item in value.items()}
    return value


def python_float_text(text: str) -> str:
    """How the reference writes any value that Python's float() reads."""
    number = float(text)
    return str(int(number)) if number.is_integer() else str(number)
