"""Account keys: generate, save encrypted, load, list.

A key named ``alice`` lives in a keyring directory as two files::

    alice.pem    the private key (PKCS#8) sealed with a passphrase: Argon2id
                 (64 MiB, 3 passes, 4 lanes) and AES-256-GCM, in Sen's envelope
                 (docs/spec/keyring.md, :mod:`sen.sdk._keyfile`); every suite uses
                 it: ECDSA keys name their curve, ML-DSA-65 keys hold the 32-byte
                 seed (OpenSSL's seed-only PKCS#8 form)
    alice.json   a sidecar: {"name", "suite", "public_key", "address", "created"}

The sidecar lets ``sen keys list`` show addresses without a passphrase; on load
the decrypted key must match it, so a swapped or edited file is refused.
The keyring is ``$SEN_KEYRING`` if set, else ``~/.sen/keys``.

A new key's passphrase must have at least 12 characters, not all digits and
not one character repeated (:class:`~sen.sdk.errors.WeakPassphrase` otherwise).
Files of the old format (PKCS#8 PEM with PBKDF2) still load, and are sealed
again in the new format on that load, with the same passphrase: a temporary
file, fsync, then an atomic rename, so a crash leaves the old file or the new
one, never neither. If the keyring is read-only the key still loads and the
upgrade waits for a load that can write (a warning is logged).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from sen.ledger.crypto import (
    Pkcs8Codec,
    SigningKey,
    address_of,
    get_suite,
    known_suites,
    pkcs8_codec,
)
from sen.ledger.errors import UnknownSuite
from sen.sdk import _keyfile
from sen.sdk.errors import InvalidInput, KeyFileError

DEFAULT_SUITE = "ed25519"
KEYRING_ENV = "SEN_KEYRING"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

log = logging.getLogger("sen.sdk.keys")


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What is known about a stored key without decrypting it."""

    name: str
    suite: str
    public_key: bytes
    address: str  # hex
    created: int  # unix seconds
    path: Path


def _codec(suite: str) -> Pkcs8Codec | None:
    """How ``suite`` keys become PKCS#8 (every built-in suite has a codec)."""
    try:
        return pkcs8_codec(suite)
    except UnknownSuite:
        return None


def generate_key(suite: str = DEFAULT_SUITE) -> SigningKey:
    """A new random key of ``suite`` (any registered signature suite)."""
    try:
        return get_suite(suite).generate()
    except UnknownSuite as exc:
        raise InvalidInput(str(exc)) from None


def address(key: SigningKey) -> str:
    """The account address of ``key``, hex."""
    return address_of(key.suite, key.public_key).hex()


def encode_key(key: SigningKey, passphrase: str) -> bytes:
    """``key`` as a key file (Argon2id + AES-256-GCM); the passphrase must pass the rule."""
    _keyfile.check_passphrase(passphrase)
    return _keyfile.seal(_pkcs8_der(key), passphrase)


def decode_key(data: bytes, passphrase: str, suite: str, *, source: str = "key") -> SigningKey:
    """Decrypt a key file made by :func:`encode_key`, or an old PKCS#8 PEM (PBKDF2)."""
    codec = _codec(suite)
    if codec is None:
        raise KeyFileError(f"{source}: suite {suite!r} cannot be loaded from PKCS#8")
    private = _keyfile.open_sealed(data, passphrase, source=source)
    raw = codec.from_pkcs8_key(private)
    if raw is None:
        raise KeyFileError(f"{source}: holds a {type(private).__name__}, not a {suite} key")
    return get_suite(suite).load_private(raw)


def _pkcs8_der(key: SigningKey) -> bytes:
    codec = _codec(key.suite)
    if codec is None:
        raise KeyFileError(f"suite {key.suite!r} cannot be stored as PKCS#8 yet")
    return codec.to_pkcs8_key(key.private_bytes()).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class Keyring:
    """A directory of encrypted keys."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_keyring()

    def _files(self, name: str) -> tuple[Path, Path]:
        if not _NAME.match(name):
            raise InvalidInput(
                f"key name {name!r}: use 1-64 letters, digits, '.', '_' or '-' "
                "(not starting with '.', '_' or '-')"
            )
        return self.path / f"{name}.pem", self.path / f"{name}.json"

    def exists(self, name: str) -> bool:
        pem, sidecar = self._files(name)
        return pem.exists() or sidecar.exists()

    def new(self, name: str, passphrase: str, suite: str = DEFAULT_SUITE) -> KeyInfo:
        """Generate a key, store it encrypted, and return its public details."""
        key = generate_key(suite)
        return self.save(name, key, passphrase)

    def save(self, name: str, key: SigningKey, passphrase: str) -> KeyInfo:
        pem_path, sidecar_path = self._files(name)
        if pem_path.exists() or sidecar_path.exists():
            raise KeyFileError(f"a key named {name!r} already exists in {self.path}")
        pem = encode_key(key, passphrase)
        info = KeyInfo(
            name=name,
            suite=key.suite,
            public_key=key.public_key,
            address=address(key),
            created=int(time.time()),
            path=pem_path,
        )
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_private(pem_path, pem, replace=False)
        sidecar = {
            "name": name,
            "suite": info.suite,
            "public_key": info.public_key.hex(),
            "address": info.address,
            "created": info.created,
        }
        _write_private(sidecar_path, (json.dumps(sidecar, indent=2) + "\n").encode(), replace=False)
        return info

    def info(self, name: str) -> KeyInfo:
        pem_path, sidecar_path = self._files(name)
        if not pem_path.exists():
            raise KeyFileError(f"no key named {name!r} in {self.path}")
        return _read_sidecar(name, sidecar_path, pem_path)

    def load(self, name: str, passphrase: str) -> SigningKey:
        """Decrypt a stored key; refuse it unless it matches its sidecar.

        A file of the old format (PBKDF2) is sealed again in the new one (Argon2id).
        """
        info = self.info(name)
        try:
            data = info.path.read_bytes()
        except OSError as exc:
            raise KeyFileError(f"key {name!r}: cannot read {info.path}: {exc}") from None
        key = decode_key(data, passphrase, info.suite, source=f"key {name!r}")
        if key.public_key != info.public_key:
            raise KeyFileError(
                f"key {name!r}: the private key does not match its public key in "
                f"{info.path.with_suffix('.json')}; the files were altered"
            )
        if _keyfile.is_legacy(data):
            self._upgrade(info, key, passphrase)
        return key

    def _upgrade(self, info: KeyInfo, key: SigningKey, passphrase: str) -> None:
        """Seal an old-format file again with Argon2id, replacing it atomically."""
        sealed = _keyfile.seal(_pkcs8_der(key), passphrase)
        try:
            _write_private(info.path, sealed, replace=True)
        except OSError as exc:
            log.warning(
                "key %r: still in the old format (PBKDF2); cannot rewrite %s: %s",
                info.name,
                info.path,
                exc.strerror or exc,
            )
            return
        log.info("key %r: sealed again with Argon2id in %s", info.name, info.path)

    def list(self) -> list[KeyInfo]:
        """Every key in the keyring, by name."""
        if not self.path.is_dir():
            return []
        found = []
        for pem_path in sorted(self.path.glob("*.pem")):
            name = pem_path.stem
            if _NAME.match(name):
                found.append(_read_sidecar(name, pem_path.with_suffix(".json"), pem_path))
        return found


def default_keyring() -> Path:
    configured = os.environ.get(KEYRING_ENV)
    return Path(configured) if configured else Path.home() / ".sen" / "keys"


def _write_private(path: Path, data: bytes, *, replace: bool) -> None:
    """Write ``data`` (mode 0600) crash-safely: a temporary file, fsync, then an atomic
    rename (``replace``) or link (a new file: refused if ``path`` exists); then fsync
    the directory. A crash leaves the old file or the new one, never a partial one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # FileExistsError if it appeared meanwhile
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible everywhere (Windows); the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_sidecar(name: str, sidecar: Path, pem_path: Path) -> KeyInfo:
    where = f"key {name!r}: {sidecar}"
    try:
        doc = json.loads(sidecar.read_text())
    except FileNotFoundError:
        raise KeyFileError(f"{where} is missing") from None
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise KeyFileError(f"{where}: expected a JSON object")
    suite = doc.get("suite")
    if suite not in known_suites():
        raise KeyFileError(f"{where}: unknown suite {suite!r}")
    try:
        public_key = bytes.fromhex(str(doc.get("public_key")))
    except ValueError:
        raise KeyFileError(f"{where}: public_key is not hex") from None
    problem = get_suite(suite).check_public_key(public_key)
    if problem:
        raise KeyFileError(f"{where}: {problem}")
    created = doc.get("created", 0)
    return KeyInfo(
        name=name,
        suite=suite,
        public_key=public_key,
        address=address_of(suite, public_key).hex(),
        created=created if isinstance(created, int) else 0,
        path=pem_path,
    )
