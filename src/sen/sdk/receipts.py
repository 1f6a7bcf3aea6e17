"""Receipt verification for the SDK: the one place that reads a receipt's fields.

The receipt format is ``docs/spec/receipt.md``; the checks themselves live in
:mod:`sen.light.receipt` (no I/O). This module only finds which digest
algorithm a receipt uses, hashes the document with it, and translates the
light client's error into the SDK's.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sen.ledger.light.errors import LightError
from sen.ledger.modules.evidence.digests import DIGEST_ALGORITHMS, digest_file
from sen.light.errors import ReceiptInvalid
from sen.light.genesis import Genesis, load_genesis
from sen.light.receipt import ReceiptReport, verify_receipt
from sen.sdk.errors import InvalidInput, VerificationFailed


def receipt_algorithm(receipt: Mapping[str, Any]) -> str:
    """The digest algorithm a receipt names (``receipt["evidence"]["algorithm"]``)."""
    evidence = receipt.get("evidence")
    algorithm = evidence.get("algorithm") if isinstance(evidence, Mapping) else None
    if not isinstance(algorithm, str) or algorithm not in DIGEST_ALGORITHMS:
        raise VerificationFailed("format", f"evidence.algorithm: unknown {algorithm!r}")
    return algorithm


def read_genesis(source: Genesis | bytes | Path) -> Genesis:
    if isinstance(source, Genesis):
        return source
    if isinstance(source, Path):
        try:
            source = source.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read genesis file: {exc}") from None
    try:
        return load_genesis(source)
    except (LightError, ValueError) as exc:  # GenesisError, or a malformed value inside
        raise InvalidInput(str(exc)) from None


def check_receipt(
    receipt: Mapping[str, Any], genesis: Genesis | bytes | Path, document: Path | None = None
) -> ReceiptReport:
    """Verify ``receipt`` against ``genesis`` (loaded, its bytes, or its file); with
    ``document``, also check that it is the anchored file."""
    genesis = read_genesis(genesis)
    digest = None
    if document is not None:
        try:
            digest = digest_file(document, receipt_algorithm(receipt))
        except OSError as exc:
            raise InvalidInput(f"cannot read {document}: {exc}") from None
    try:
        return verify_receipt(dict(receipt), genesis, document_digest=digest)
    except ReceiptInvalid as exc:
        raise VerificationFailed(exc.check, exc.reason, exc.report) from None
