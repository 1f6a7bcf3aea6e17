"""VC-API bearer tokens: one per issuer, kept as salted SHA-256 in ``<home>/config/vc-tokens.json``.

A token lets its holder issue and change the status of credentials of **one**
issuer DID; a token for ``did:sen:vnu`` cannot issue or revoke as
``did:sen:college``. ``sen vc token create DID`` makes one (replacing that
issuer's previous token at once) and prints it once; the node keeps only::

    {"format": "sen-vc-tokens", "version": 1, "tokens": [
      {"id": "3f9a2c7e61b0", "issuer": "did:sen:vnu", "salt": "<16 bytes hex>",
       "sha256": "<SHA-256(salt || token) hex>", "created": 1764662400}]}

in a file of mode 0600 (a file others can read is refused, as ssh refuses a
key), written atomically (temporary file, fsync, rename). The node reads it on
every authenticated request, so a created, rotated or revoked token takes
effect without a restart.

A token is ``senvc_<id>_<secret>``: ``id`` (6 random bytes, hex) names the
entry and may be logged; ``secret`` is 32 random bytes (hex). A fast hash is
enough here, where it would not be for a password: the token holds 256 bits
from the operating system's CSPRNG, so an attacker holding the file cannot
find it by guessing however fast SHA-256 is; a slow KDF would only add its
cost to every request. The per-token salt keeps equal tokens from hashing
equally and rules out precomputed tables. The comparison is constant-time
(:func:`hmac.compare_digest`), and an unknown id costs the same hash and
comparison as a known one.

Before tokens were per issuer, one node-wide token's SHA-256 was set as
``[vc] issue_token_sha256``; it no longer opens anything (see
``docs/guides/diplomas.md``, "Tokens").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sen.services.credentials.errors import IssuerConfigError

__all__ = ["TOKENS_FILE", "TokenRecord", "TokenStore", "tokens_path"]

TOKENS_FILE = "vc-tokens.json"
FORMAT = "sen-vc-tokens"
PREFIX = "senvc"
_TOKEN = re.compile(r"senvc_([0-9a-f]{12})_([0-9a-f]{64})")
_ID = re.compile(r"[0-9a-f]{12}")
_HEX = re.compile(r"[0-9a-f]*")
_DUMMY_SALT = bytes(16)


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What the node keeps of a token: never the token itself."""

    id: str
    issuer: str
    salt: bytes
    digest: bytes  # SHA-256(salt || token)
    created: int  # unix seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "issuer": self.issuer,
            "salt": self.salt.hex(),
            "sha256": self.digest.hex(),
            "created": self.created,
        }


def tokens_path(settings_path: Path) -> Path:
    """The token file beside a node's ``sen.toml``."""
    return settings_path.with_name(TOKENS_FILE)


def _digest(salt: bytes, token: str) -> bytes:
    return hashlib.sha256(salt + token.encode("ascii", "replace")).digest()


_DUMMY_DIGEST = _digest(_DUMMY_SALT, "")


class TokenStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def records(self) -> tuple[TokenRecord, ...]:
        """Every token's record; none if the file does not exist."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return ()
        except OSError as exc:
            raise IssuerConfigError(str(self.path), f"cannot read: {exc.strerror}") from None
        with os.fdopen(fd, "rb") as handle:
            mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
            if mode & 0o077:
                raise IssuerConfigError(
                    str(self.path),
                    f"others can read it (mode {mode:04o}): chmod 600 {self.path}",
                )
            data = handle.read()
        return _decode(data, str(self.path))

    def issuer_of(self, token: str) -> str | None:
        """The issuer ``token`` is for, or None; the time taken does not depend on the token."""
        found = _TOKEN.fullmatch(token)
        token_id = found.group(1) if found else ""
        records = {r.id: r for r in self.records()}
        record = records.get(token_id)
        salt = record.salt if record is not None else _DUMMY_SALT
        expected = record.digest if record is not None else _DUMMY_DIGEST
        matches = hmac.compare_digest(_digest(salt, token), expected)
        return record.issuer if record is not None and matches and found else None

    def create(self, issuer: str, *, now: int | None = None) -> tuple[TokenRecord, str]:
        """A new token for ``issuer``, replacing its previous one; the token is returned once."""
        token_id = secrets.token_hex(6)
        token = f"{PREFIX}_{token_id}_{secrets.token_hex(32)}"
        salt = secrets.token_bytes(16)
        record = TokenRecord(
            id=token_id,
            issuer=issuer,
            salt=salt,
            digest=_digest(salt, token),
            created=int(time.time()) if now is None else now,
        )
        kept = [r for r in self.records() if r.issuer != issuer]
        self._save([*kept, record])
        return record, token

    def revoke(self, issuer: str) -> bool:
        """Remove ``issuer``'s token; False if it had none."""
        records = self.records()
        kept = [r for r in records if r.issuer != issuer]
        if len(kept) == len(records):
            return False
        self._save(kept)
        return True

    def _save(self, records: list[TokenRecord]) -> None:
        document = {
            "format": FORMAT,
            "version": 1,
            "tokens": [r.to_json() for r in sorted(records, key=lambda r: r.issuer)],
        }
        data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)


def _decode(data: bytes, where: str) -> tuple[TokenRecord, ...]:
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise IssuerConfigError(where, f"not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise IssuerConfigError(where, f'expected {{"format": "{FORMAT}", ...}}')
    if document.get("version") != 1:
        raise IssuerConfigError(where, f"version {document.get('version')!r}; expected 1")
    entries = document.get("tokens")
    if not isinstance(entries, list):
        raise IssuerConfigError(f"{where} tokens", "expected an array")
    return tuple(_record(entry, f"{where} tokens[{n}]") for n, entry in enumerate(entries))


def _record(entry: object, where: str) -> TokenRecord:
    if not isinstance(entry, dict):
        raise IssuerConfigError(where, "expected an object")
    token_id, issuer = entry.get("id"), entry.get("issuer")
    salt, digest, created = entry.get("salt"), entry.get("sha256"), entry.get("created", 0)
    if not isinstance(token_id, str) or not _ID.fullmatch(token_id):
        raise IssuerConfigError(f"{where} id", "expected 12 hex digits")
    if not isinstance(issuer, str) or not issuer.startswith("did:"):
        raise IssuerConfigError(f"{where} issuer", "expected a DID")
    for name, value, size in (("salt", salt, 16), ("sha256", digest, 32)):
        if not isinstance(value, str) or len(value) != 2 * size or not _HEX.fullmatch(value):
            raise IssuerConfigError(f"{where} {name}", f"expected {size} bytes as lowercase hex")
    assert isinstance(salt, str) and isinstance(digest, str)
    return TokenRecord(
        id=token_id,
        issuer=issuer,
        salt=bytes.fromhex(salt),
        digest=bytes.fromhex(digest),
        created=created if isinstance(created, int) else 0,
    )
