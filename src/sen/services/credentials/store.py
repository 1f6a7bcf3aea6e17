"""What an issuing node keeps for itself, off chain: status-list indexes and issued credentials.

Layout under ``<home>/data/vc/``::

    allocations.json                 {"<issuer> <list>": {"next": n, "key": hex}, ...}
    credentials/<sha256(id)>.json    {"credential": {...}, "issuer", "entries": [...], "issued"}

The issued credentials hold personal data (a graduate's name, birth date): they
stay on the issuing organisation's node and never reach the ledger, which sees
only the status bits. Indexes are handed out each once, even if signing then
fails (a gap is harmless: its bit is never set), and **at random**: the n-th
credential of a list gets index ``permute(key, n)``, a keyed pseudorandom
permutation of the list's indexes (:func:`permuted_index`) under a 32-byte key
made for the list and kept here, so an index says nothing about when, or in
what order, its credential was issued (``docs/spec/trust-and-status.md`` §12).
A list whose counter was written by an older Sen (a bare number) goes on in
order: switching it would reuse indexes already handed out. Writes are
atomic (a temporary file renamed over the old one, fsynced) and serialised by
a lock file, so two processes on one home never hand out the same index.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sen.services.credentials.errors import CredentialExists, StatusRefused

__all__ = ["IssuedCredential", "StatusAssignment", "VcStore", "permuted_index"]

_ROUNDS = 8


def permuted_index(key: bytes, n: int, size: int) -> int:
    """The image of ``n`` under a pseudorandom permutation of ``range(size)`` keyed by ``key``.

    A balanced Feistel network of eight HMAC-SHA256 rounds over the smallest
    even number of bits that holds ``size``, cycle-walking until the value falls
    inside the range (fewer than four steps on average, as the domain is under
    four times ``size``). Distinct ``n`` give distinct indexes, so a counter
    allocates each index once without remembering which.
    """
    if not 0 <= n < size:
        raise ValueError(f"{n} is not an index of a list of {size}")
    half = max(1, ((size - 1).bit_length() + 1) // 2)
    mask = (1 << half) - 1
    value = n
    while True:
        left, right = value >> half, value & mask
        for round_number in range(_ROUNDS):
            message = bytes([round_number]) + right.to_bytes(8, "big")
            mixed = int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big")
            left, right = right, left ^ (mixed & mask)
        value = (left << half) | right
        if value < size:
            return value


@dataclass(frozen=True, slots=True)
class StatusAssignment:
    """One status entry of an issued credential: which list, which bit, what for."""

    purpose: str  # "revocation" | "suspension"
    list_name: str
    index: int

    def to_json(self) -> dict[str, Any]:
        return {"purpose": self.purpose, "list": self.list_name, "index": self.index}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> StatusAssignment:
        return cls(str(value["purpose"]), str(value["list"]), int(value["index"]))


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    credential: dict[str, Any]
    issuer: str
    entries: tuple[StatusAssignment, ...]
    issued: int  # unix seconds (chain time at issuance)

    @property
    def id(self) -> str:
        return str(self.credential["id"])


class VcStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

    @property
    def _allocations(self) -> Path:
        return self.root / "allocations.json"

    def _credential_path(self, credential_id: str) -> Path:
        name = hashlib.sha256(credential_id.encode()).hexdigest()
        return self.root / "credentials" / f"{name}.json"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # releases the lock

    def allocate(self, issuer: str, list_name: str, size: int) -> int:
        """A free index of ``issuer``'s list, at random (``StatusRefused`` once it is full)."""
        name = f"{issuer} {list_name}"
        with self._locked():
            allocations = _read_json(self._allocations, {})
            record = allocations.get(name)
            if record is None:
                record = {"next": 0, "key": secrets.token_bytes(32).hex()}
            legacy = not isinstance(record, dict)  # an older Sen's counter: in order
            count = int(record) if legacy else int(record["next"])
            if count >= size:
                raise StatusRefused(
                    f"status list {list_name!r} of {issuer} is full ({size} entries): "
                    "create a new list and name it in sen.toml [[vc.issuers]] status_list",
                    field="status_list",
                )
            if legacy:
                index, allocations[name] = count, count + 1
            else:
                index = permuted_index(bytes.fromhex(record["key"]), count, size)
                allocations[name] = {**record, "next": count + 1}
            _write_json(self._allocations, allocations)
        return index

    def save(self, issued: IssuedCredential) -> None:
        path = self._credential_path(issued.id)
        record = {
            "credential": issued.credential,
            "issuer": issued.issuer,
            "entries": [e.to_json() for e in issued.entries],
            "issued": issued.issued,
        }
        with self._locked():
            if path.exists():
                raise CredentialExists(
                    f"a credential with id {issued.id!r} was issued here already",
                    field="credential.id",
                )
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            _write_json(path, record)

    def exists(self, credential_id: str) -> bool:
        return self._credential_path(credential_id).exists()

    def load(self, credential_id: str) -> IssuedCredential | None:
        record = _read_json(self._credential_path(credential_id), None)
        if not isinstance(record, dict):
            return None
        credential = record.get("credential")
        if not isinstance(credential, dict) or credential.get("id") != credential_id:
            return None  # a hash collision, or a damaged file: not this credential
        return IssuedCredential(
            credential=credential,
            issuer=str(record.get("issuer", "")),
            entries=tuple(StatusAssignment.from_json(e) for e in record.get("entries", [])),
            issued=int(record.get("issued", 0)),
        )


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def _write_json(path: Path, value: Any) -> None:
    temporary = path.with_name(path.name + ".tmp")
    data = json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
