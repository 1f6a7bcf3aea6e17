"""The encrypted key file: a PKCS#8 private key sealed with Argon2id and AES-256-GCM.

The format is ``docs/spec/keyring.md`` (with its test vector)::

    -----BEGIN SEN ENCRYPTED PRIVATE KEY-----
    base64( header || AES-256-GCM(key, nonce, PKCS#8 DER, associated data = header) )
    -----END SEN ENCRYPTED PRIVATE KEY-----

    header (43 bytes)   magic "SENK" | version 1 | kdf 1 (Argon2id) | memory KiB (u32 BE)
                        | iterations (u32 BE) | lanes (u8) | salt (16) | nonce (12)

The key is Argon2id (RFC 9106) of the passphrase (Unicode NFC, UTF-8) and the
salt, 32 bytes. New files use :data:`WRITE_PARAMETERS` (RFC 9106 §4's second
recommended option, above OWASP's minimum); a file whose parameters are below
:data:`FLOOR` (OWASP's minimum) is refused before any work is done, so a file
cannot be downgraded to a cheap KDF, and one far above the ceiling is refused
so that opening a file cannot exhaust the machine's memory.

Files written before this format (PKCS#8 ``ENCRYPTED PRIVATE KEY``, PBES2 with
PBKDF2-HMAC-SHA256 at 2,048 iterations) still open: :func:`is_legacy` tells
the keyring to seal them again in this format.

Passphrases for new files must pass :func:`check_passphrase`
(:data:`PASSPHRASE_RULE`); a legacy file opens with whatever passphrase it was
made with.
"""

from __future__ import annotations

import base64
import binascii
import os
import struct
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from sen.sdk.errors import KeyFileError, WeakPassphrase

PEM_LABEL = "SEN ENCRYPTED PRIVATE KEY"
LEGACY_PEM_LABEL = "ENCRYPTED PRIVATE KEY"
MAGIC = b"SENK"
VERSION = 1
KDF_ARGON2ID = 1
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
_HEADER = struct.Struct(">4sBBIIB16s12s")  # 43 bytes

MIN_PASSPHRASE_CHARACTERS = 12
PASSPHRASE_RULE = (
    f"at least {MIN_PASSPHRASE_CHARACTERS} characters, not all digits, not one character repeated"
)


@dataclass(frozen=True, slots=True)
class Argon2Parameters:
    """Argon2id's cost: memory in KiB, iterations (passes), lanes (parallelism)."""

    memory_kib: int
    iterations: int
    lanes: int


WRITE_PARAMETERS = Argon2Parameters(memory_kib=64 * 1024, iterations=3, lanes=4)
"""RFC 9106 §4, second recommended option: 64 MiB, t=3, p=4 (~0.2 s on a laptop core)."""
FLOOR = Argon2Parameters(memory_kib=19 * 1024, iterations=2, lanes=1)
"""OWASP Password Storage Cheat Sheet's minimum for Argon2id: 19 MiB, t=2, p=1."""
CEILING = Argon2Parameters(memory_kib=1024 * 1024, iterations=64, lanes=16)
"""Above this a file is refused unopened: 1 GiB, 64 passes, 16 lanes."""


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too weak to protect a new key file (:data:`PASSPHRASE_RULE`)."""
    if not passphrase:
        raise KeyFileError("a passphrase is required: keys are always stored encrypted")
    text = unicodedata.normalize("NFC", passphrase)
    if len(text) < MIN_PASSPHRASE_CHARACTERS:
        reason = f"it has {len(text)} characters"
    elif text.isdigit():
        reason = "it is all digits"
    elif len(set(text)) == 1:
        reason = "it is one character repeated"
    else:
        return
    raise WeakPassphrase(f"passphrase too weak: {reason}; use {PASSPHRASE_RULE}")


def is_legacy(data: bytes) -> bool:
    """True for a file in the old format (PKCS#8 PEM, PBKDF2), which should be sealed again."""
    return f"-----BEGIN {LEGACY_PEM_LABEL}-----".encode() in data


def seal(
    der: bytes,
    passphrase: str,
    parameters: Argon2Parameters = WRITE_PARAMETERS,
    *,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> bytes:
    """``der`` (a PKCS#8 private key) sealed as a key file. Salt and nonce are random
    unless given (only the test vector gives them)."""
    header = _HEADER.pack(
        MAGIC,
        VERSION,
        KDF_ARGON2ID,
        parameters.memory_kib,
        parameters.iterations,
        parameters.lanes,
        os.urandom(SALT_BYTES) if salt is None else salt,
        os.urandom(NONCE_BYTES) if nonce is None else nonce,
    )
    _, _, _, _, _, _, salt_used, nonce_used = _HEADER.unpack(header)
    key = _derive(passphrase, salt_used, parameters)
    sealed = header + AESGCM(key).encrypt(nonce_used, der, header)
    lines = [
        base64.b64encode(sealed[i : i + 48]).decode("ascii") for i in range(0, len(sealed), 48)
    ]
    return "\n".join(
        [f"-----BEGIN {PEM_LABEL}-----", *lines, f"-----END {PEM_LABEL}-----", ""]
    ).encode()


def parameters_of(data: bytes, *, source: str = "key") -> Argon2Parameters:
    """The KDF parameters a key file states (checked against the floor and ceiling)."""
    header, _ = _split(data, source)
    return _parameters(header, source)


def open_sealed(data: bytes, passphrase: str, *, source: str = "key") -> PrivateKeyTypes:
    """The private key in a key file of either format, decrypted with ``passphrase``."""
    if is_legacy(data):
        return _open_legacy(data, passphrase, source)
    header, ciphertext = _split(data, source)
    parameters = _parameters(header, source)
    _, _, _, _, _, _, salt, nonce = _HEADER.unpack(header)
    key = _derive(passphrase, salt, parameters)
    try:
        der = AESGCM(key).decrypt(nonce, ciphertext, header)
    except InvalidTag:
        raise KeyFileError(
            f"{source}: cannot decrypt: wrong passphrase, or the file is damaged"
        ) from None
    try:
        return serialization.load_der_private_key(der, None)
    except (ValueError, TypeError):
        raise KeyFileError(f"{source}: the decrypted key is not PKCS#8") from None


def _derive(passphrase: str, salt: bytes, parameters: Argon2Parameters) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=parameters.iterations,
        lanes=parameters.lanes,
        memory_cost=parameters.memory_kib,
    )
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def _split(data: bytes, source: str) -> tuple[bytes, bytes]:
    """The header and the ciphertext (with its tag) of a key file in this format."""
    begin, end = f"-----BEGIN {PEM_LABEL}-----", f"-----END {PEM_LABEL}-----"
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise KeyFileError(f"{source}: not a key file (not ASCII text)") from None
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise KeyFileError(
            f"{source}: not a key file (expected '{begin}' or '-----BEGIN {LEGACY_PEM_LABEL}-----')"
        )
    body = "".join(text[start + len(begin) : stop].split())
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(f"{source}: the file is damaged (not base64)") from None
    if len(raw) < _HEADER.size + 16:
        raise KeyFileError(f"{source}: the file is damaged (too short)")
    header = raw[: _HEADER.size]
    magic, version, kdf, *_ = _HEADER.unpack(header)
    if magic != MAGIC:
        raise KeyFileError(f"{source}: the file is damaged (no SENK magic)")
    if version != VERSION:
        raise KeyFileError(
            f"{source}: key file version {version}; this Sen reads version {VERSION}"
        )
    if kdf != KDF_ARGON2ID:
        raise KeyFileError(f"{source}: unknown key derivation {kdf} (expected 1, Argon2id)")
    return header, raw[_HEADER.size :]


def _parameters(header: bytes, source: str) -> Argon2Parameters:
    _, _, _, memory, iterations, lanes, _, _ = _HEADER.unpack(header)
    found = Argon2Parameters(memory, iterations, lanes)
    for name, floor, ceiling in (
        ("memory", FLOOR.memory_kib, CEILING.memory_kib),
        ("iterations", FLOOR.iterations, CEILING.iterations),
        ("lanes", FLOOR.lanes, CEILING.lanes),
    ):
        value = getattr(found, "memory_kib" if name == "memory" else name)
        if value < floor:
            raise KeyFileError(
                f"{source}: Argon2id {name} {value} is below the floor {floor} "
                f"(memory {FLOOR.memory_kib} KiB, iterations {FLOOR.iterations}, lanes "
                f"{FLOOR.lanes}); refused: the file may have been downgraded"
            )
        if value > ceiling:
            raise KeyFileError(
                f"{source}: Argon2id {name} {value} is above the ceiling {ceiling}; refused"
            )
    if found.memory_kib < 8 * found.lanes:
        raise KeyFileError(f"{source}: Argon2id memory must be at least 8 KiB a lane")
    return found


def _open_legacy(data: bytes, passphrase: str, source: str) -> PrivateKeyTypes:
    try:
        return serialization.load_pem_private_key(data, passphrase.encode() or None)
    except TypeError:
        raise KeyFileError(f"{source}: a passphrase is required to decrypt it") from None
    except ValueError:
        raise KeyFileError(
            f"{source}: cannot decrypt: wrong passphrase, or the file is damaged"
        ) from None
