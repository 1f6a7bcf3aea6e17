"""A printable QR code for a credential: a link a phone opens to check it.

The link is ``<issuing node>/v1/credentials/<id>``: the issuing node's
public URL (read from the credential's own status entry, which names the
node's status list) and the credential's ``urn:uuid`` id. The node answers
with the credential, its status now and a verification result
(``GET /v1/credentials/{id}``; only random ``urn:uuid`` ids are served, so
links cannot be guessed). QR codes are made with ``segno`` (pure Python,
ISO/IEC 18004), error correction level Q so that a worn print still scans.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import segno

__all__ = ["credential_link", "make_qr", "node_url_of", "save_qr"]

ERROR_CORRECTION = "q"
STATUS_LIST_MARK = "/v1/status-lists/"


def node_url_of(credential: Mapping[str, Any]) -> str | None:
    """The issuing node's public URL, from the credential's status list URL (None if none)."""
    value = credential.get("credentialStatus")
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        url = entry.get("statusListCredential") if isinstance(entry, dict) else None
        if isinstance(url, str) and STATUS_LIST_MARK in url:
            base = url.split(STATUS_LIST_MARK, 1)[0]
            if urlsplit(base).scheme in ("http", "https"):
                return base
    return None


def credential_link(credential: Mapping[str, Any], node_url: str | None = None) -> str:
    """``<node>/v1/credentials/<id>``; ValueError if there is no id or no node to link to."""
    credential_id = credential.get("id")
    if not isinstance(credential_id, str) or not credential_id:
        raise ValueError("the credential has no id to link to")
    base = node_url or node_url_of(credential)
    if base is None:
        raise ValueError(
            "the credential names no issuing node (no Sen status list); give the node's URL"
        )
    return f"{base.rstrip('/')}/v1/credentials/{quote(credential_id, safe=':')}"


def make_qr(link: str) -> segno.QRCode:
    return segno.make_qr(link, error=ERROR_CORRECTION, boost_error=False)


def save_qr(link: str, path: Path, *, scale: int = 6, title: str | None = None) -> segno.QRCode:
    """Write the QR code of ``link`` to ``path`` (SVG, PNG, PDF or EPS, by the extension)."""
    code = make_qr(link)
    options: dict[str, Any] = {"scale": scale, "border": 4}
    if path.suffix.lower() in (".svg", ".svgz") and title:
        options["title"] = title
    code.save(str(path), **options)
    return code
