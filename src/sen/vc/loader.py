"""The offline JSON-LD document loader: bundled contexts, pinned by SHA-256, and nothing else.

A credential names its vocabularies by URL (``@context``). Fetching them when
a credential is verified would let whoever serves the URL change what a signed
credential means, leak who verifies what, and make verification depend on the
network. So Sen never fetches: the contexts it understands ship with it, in
``sen/vc/contexts/``, listed in ``manifest.json`` with the SHA-256 of each
file. A loader checks every file against its digest when it is made (a
mismatch is :class:`~sen.vc.errors.ContextIntegrityError`: the installation is
damaged) and answers any other URL with ``UNKNOWN_CONTEXT``.

Importing :mod:`sen.vc` also replaces pyld's process-wide default loader (which
would use the network) with one that refuses every URL, so no code path can
fetch by accident.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sen.vc.errors import ContextIntegrityError, ErrorCode, VcError

__all__ = [
    "CREDENTIALS_V1",
    "CREDENTIALS_V2",
    "DATA_INTEGRITY_V2",
    "DIPLOMA_V1",
    "ContextLoader",
    "UnknownContext",
    "default_loader",
    "refuse_all",
]

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
"""VCDM 1.1's context: read (and issued on request) for mutual recognition."""
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
DIPLOMA_V1 = "https://sen.gov.vn/contexts/diploma/v1"
MANIFEST = "manifest.json"


class UnknownContext(VcError):
    """A context URL that is not bundled; Sen does not fetch it."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            ErrorCode.UNKNOWN_CONTEXT,
            f"context {url!r} is not one Sen bundles, and Sen never fetches contexts",
            "$.@context",
        )


@dataclass(frozen=True, slots=True)
class _Entry:
    file: str
    sha256: str
    document: Mapping[str, Any]


class ContextLoader:
    """A pyld document loader over a directory of pinned contexts (the bundled one by default)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._entries = _load_directory(directory)

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(sorted(self._entries))

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        entry = self._entries.get(url)
        if entry is None:
            raise UnknownContext(url)
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            # pyld may keep what it is given: hand out a copy, never the pinned original
            "document": json.loads(json.dumps(entry.document)),
        }


def refuse_all(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A loader that answers every URL with ``UNKNOWN_CONTEXT`` (pyld's default, once imported)."""
    raise UnknownContext(url)


_DEFAULT: ContextLoader | None = None


def default_loader() -> ContextLoader:
    """The loader over the contexts shipped with Sen (checked once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = ContextLoader()
    return _DEFAULT


def _load_directory(directory: Path | None) -> dict[str, _Entry]:
    root = directory if directory is not None else Path(str(resources.files("sen.vc") / "contexts"))
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ContextIntegrityError(f"cannot read {root / MANIFEST}: {exc}") from None
    if not isinstance(manifest, dict):
        raise ContextIntegrityError(f"{root / MANIFEST} is not a JSON object")
    entries: dict[str, _Entry] = {}
    for url, item in manifest.items():
        if not isinstance(item, dict) or not {"file", "sha256"} <= item.keys():
            raise ContextIntegrityError(f"manifest entry for {url!r} lacks 'file' or 'sha256'")
        path = root / str(item["file"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ContextIntegrityError(f"context {url!r}: cannot read {path}: {exc}") from None
        digest = hashlib.sha256(raw).hexdigest()
        if digest != item["sha256"]:
            raise ContextIntegrityError(
                f"context {url!r}: {path.name} has SHA-256 {digest}, "
                f"the manifest pins {item['sha256']}; refusing to load it"
            )
        try:
            document = json.loads(raw.decode("utf-8"))
        except ValueError as exc:
            raise ContextIntegrityError(
                f"context {url!r}: {path.name} is not JSON: {exc}"
            ) from None
        if not isinstance(document, dict) or "@context" not in document:
            raise ContextIntegrityError(f"context {url!r}: {path.name} has no '@context'")
        entries[str(url)] = _Entry(str(item["file"]), digest, document)
    return entries
