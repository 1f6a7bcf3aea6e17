"""Digest algorithms accepted for anchoring, by name (the name is kept in the record)."""

from __future__ import annotations

import hashlib
from pathlib import Path

DEFAULT_ALGORITHM = "sha-256"

# name -> (digest length in bytes, hashlib constructor name)
DIGEST_ALGORITHMS: dict[str, tuple[int, str]] = {
    "sha-256": (32, "sha256"),
    "sha-384": (48, "sha384"),
    "sha-512": (64, "sha512"),
    "sha3-256": (32, "sha3_256"),
    "sha3-512": (64, "sha3_512"),
}


def digest_bytes(data: bytes, algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    return hashlib.new(DIGEST_ALGORITHMS[algorithm][1], data).digest()


def digest_file(path: Path, algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    """Hash a file in 1 MiB chunks (never loads it whole)."""
    hasher = hashlib.new(DIGEST_ALGORITHMS[algorithm][1])
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.digest()
