"""GS1's EPCIS 2.0 artefacts, bundled and pinned: the JSON schema, the JSON-LD context, the
REST binding's OpenAPI document.

The files in ``gs1/`` are the bytes fetched from GS1's EPCIS repository, unedited;
``gs1/MANIFEST.json`` names each one's repository, commit, path there, SHA-256 and licence.
Every loader checks the file against its SHA-256 before parsing it: a file that differs
(edited, truncated, swapped) is :class:`~sen.services.traceability.errors.ArtifactIntegrityError`,
never used. Nothing is fetched at run time (as for credentials' contexts, ADR 0007).

A loaded document is parsed once per process and directory, and shared: treat it as
read-only. ``directory`` exists for tests (a copy to tamper with); the service uses the
bundled one.

GS1 also publishes the OpenAPI document as YAML (``openapi.yaml``); Sen bundles the JSON
edition, which has the schema's definitions inlined, so the service needs no YAML parser.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sen.services.traceability.errors import ArtifactIntegrityError

__all__ = [
    "CONTEXT_FILE",
    "EPCIS_CONTEXT_URL",
    "MANIFEST",
    "OPENAPI_FILE",
    "SCHEMA_FILE",
    "Artifact",
    "bundled_directory",
    "load_context",
    "load_manifest",
    "load_openapi",
    "load_schema",
]

EPCIS_CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
"""The EPCIS 2.0 context as documents name it in ``@context`` (every GS1 example does)."""

MANIFEST = "MANIFEST.json"
SCHEMA_FILE = "EPCIS-JSON-Schema.json"
CONTEXT_FILE = "epcis-context.jsonld"
OPENAPI_FILE = "openapi.json"

_FIELDS = ("file", "repository", "commit", "path", "sha256", "licence")


@dataclass(frozen=True, slots=True)
class Artifact:
    """One bundled file as ``MANIFEST.json`` describes it."""

    file: str
    repository: str
    commit: str
    path: str
    sha256: str
    licence: str


def bundled_directory() -> Path:
    """The ``gs1/`` folder shipped in the package."""
    return Path(str(resources.files("sen.services.traceability") / "gs1"))


def load_manifest(directory: Path | None = None) -> Mapping[str, Artifact]:
    """The manifest's entries by file name; a malformed manifest is an integrity error."""
    return _manifest(directory or bundled_directory())


def load_schema(directory: Path | None = None) -> Mapping[str, Any]:
    """GS1's EPCIS 2.0 JSON schema (draft-07), checked against its pinned SHA-256."""
    return _document(directory or bundled_directory(), SCHEMA_FILE)


def load_context(directory: Path | None = None) -> Mapping[str, Any]:
    """GS1's EPCIS 2.0 JSON-LD context (:data:`EPCIS_CONTEXT_URL`), checked likewise."""
    return _document(directory or bundled_directory(), CONTEXT_FILE)


def load_openapi(directory: Path | None = None) -> Mapping[str, Any]:
    """GS1's EPCIS 2.0 REST binding (OpenAPI 3.0.3, JSON edition), checked likewise."""
    return _document(directory or bundled_directory(), OPENAPI_FILE)


@functools.cache
def _manifest(directory: Path) -> Mapping[str, Artifact]:
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ArtifactIntegrityError(MANIFEST, f"cannot read {path}: {exc}") from None
    entries = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(entries, list):
        raise ArtifactIntegrityError(MANIFEST, "has no list of files")
    artifacts: dict[str, Artifact] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(field), str) for field in _FIELDS
        ):
            raise ArtifactIntegrityError(MANIFEST, f"an entry lacks one of {', '.join(_FIELDS)}")
        artifact = Artifact(*(entry[field] for field in _FIELDS))
        artifacts[artifact.file] = artifact
    return artifacts


@functools.cache
def _document(directory: Path, file: str) -> Mapping[str, Any]:
    artifact = _manifest(directory).get(file)
    if artifact is None:
        raise ArtifactIntegrityError(file, f"is not listed in {directory / MANIFEST}")
    path = directory / file
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArtifactIntegrityError(file, f"cannot read {path}: {exc}") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != artifact.sha256:
        raise ArtifactIntegrityError(
            file,
            f"{path} has SHA-256 {digest}, the manifest pins {artifact.sha256} "
            f"({artifact.repository} {artifact.path} at {artifact.commit}); refusing to use it",
        )
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise ArtifactIntegrityError(file, f"is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ArtifactIntegrityError(file, "is not a JSON object")
    return document
