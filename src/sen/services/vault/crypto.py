"""The vault's cryptography: data keys, encrypted records, wrapped keys, commitments.

Every primitive is the ``cryptography`` library's (AES-256-GCM, RFC 3394 key wrap,
HMAC-SHA256); this module fixes how the vault uses them (ADR 0014):

* a data subject's **data key** is 32 random bytes; a record is AES-256-GCM under it,
  with a fresh 12-byte nonce and associated data binding it to its reference and subject;
* data keys are stored **wrapped** by a key-encryption key (:class:`KeyWrapper`: a
  software KEK here, an HSM key through PKCS#11 in ``hsm``), or **held** in an HSM that
  encrypts with them and destroys them at erasure (:class:`DataKeys`, ``hsm.HsmDataKeys``);
* a record's **commitment** is an HMAC-SHA256 keyed by a random 32-byte salt of its own,
  over a domain tag, the reference and the payload: without the salt it reveals nothing,
  even of a guessable payload; with it anyone can check it (:func:`opens`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 32
COMMITMENT_DOMAIN = b"sen/vault/commitment/v1\x00"
RECORD_DOMAIN = b"sen/vault/record/v1\x00"


class VaultCryptoError(Exception):
    """A ciphertext or wrapped key that does not open: tampered, moved, or the wrong key."""


class KeyAmbiguous(VaultCryptoError):
    """Several keys answer to a subject's key's name in the HSM: none is used."""


def new_key() -> bytes:
    """A fresh 256-bit key from the operating system's random source."""
    return secrets.token_bytes(KEY_BYTES)


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def associated_data(reference: bytes, subject: bytes) -> bytes:
    """What a record's AES-GCM tag binds it to: its reference and its subject."""
    return RECORD_DOMAIN + len(reference).to_bytes(2, "big") + reference + subject


@dataclass(frozen=True, slots=True)
class Sealed:
    nonce: bytes
    ciphertext: bytes  # AES-256-GCM output, tag included


def seal(key: bytes, reference: bytes, subject: bytes, payload: bytes) -> Sealed:
    """``payload`` encrypted under the subject's data key, bound to its reference and subject."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return Sealed(nonce, AESGCM(key).encrypt(nonce, payload, associated_data(reference, subject)))


def unseal(key: bytes, reference: bytes, subject: bytes, sealed: Sealed) -> bytes:
    try:
        return AESGCM(key).decrypt(
            sealed.nonce, sealed.ciphertext, associated_data(reference, subject)
        )
    except InvalidTag:
        raise VaultCryptoError(
            "the record does not decrypt: wrong key, or a ciphertext changed or moved"
        ) from None


def commitment(salt: bytes, reference: bytes, payload: bytes) -> bytes:
    """What the chain holds for a record: HMAC-SHA256 keyed by the record's own salt."""
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt: expected {SALT_BYTES} bytes, got {len(salt)}")
    message = COMMITMENT_DOMAIN + len(reference).to_bytes(2, "big") + reference + payload
    return hmac.new(salt, message, hashlib.sha256).digest()


def opens(committed: bytes, salt: bytes, reference: bytes, payload: bytes) -> bool:
    """Whether ``payload`` with ``salt`` is what ``committed`` commits to (anyone can check)."""
    return hmac.compare_digest(committed, commitment(salt, reference, payload))


class KeyWrapper(Protocol):
    """Wraps and unwraps data keys under a key-encryption key the vault never stores beside
    them (a software KEK file, or a key in an HSM)."""

    name: str  # which KEK, recorded with each wrapped key

    def wrap(self, key: bytes) -> bytes: ...

    def unwrap(self, wrapped: bytes) -> bytes: ...


class SoftwareKek:
    """AES key wrap (RFC 3394) under a 256-bit key held in memory: ``make run``'s KEK."""

    def __init__(self, kek: bytes, name: str = "software") -> None:
        if len(kek) != KEY_BYTES:
            raise ValueError(f"kek: expected {KEY_BYTES} bytes, got {len(kek)}")
        self._kek = kek
        self.name = name

    def wrap(self, key: bytes) -> bytes:
        return aes_key_wrap(self._kek, key)

    def unwrap(self, wrapped: bytes) -> bytes:
        try:
            return aes_key_unwrap(self._kek, wrapped)
        except InvalidUnwrap:
            raise VaultCryptoError(f"a data key does not unwrap under KEK {self.name!r}") from None


@runtime_checkable
class DataKeys(Protocol):
    """Where the data subjects' keys live and what seals records under them. The store keeps,
    per subject, the bytes :meth:`new` returns: a wrapped key (:class:`WrappedKeys`), or the
    name of a key held in an HSM (``hsm.HsmDataKeys``), which :meth:`destroy` destroys there."""

    name: str
    holds: bool  # whether the key lives outside the store (so an erasure must destroy it)

    def new(self) -> bytes: ...

    def seal(self, held: bytes, reference: bytes, subject: bytes, payload: bytes) -> Sealed: ...

    def unseal(self, held: bytes, reference: bytes, subject: bytes, sealed: Sealed) -> bytes: ...

    def exists(self, held: bytes) -> bool: ...

    def destroy(self, held: bytes, *, missing_ok: bool = False) -> None: ...


class WrappedKeys:
    """Data keys made here and stored wrapped under a KEK (software or HSM): erasure is the
    store forgetting the wrapped copy, so :meth:`destroy` has nothing to do."""

    holds = False

    def __init__(self, wrapper: KeyWrapper) -> None:
        self.wrapper = wrapper
        self.name = wrapper.name

    def new(self) -> bytes:
        return self.wrapper.wrap(new_key())

    def seal(self, held: bytes, reference: bytes, subject: bytes, payload: bytes) -> Sealed:
        return seal(self.wrapper.unwrap(held), reference, subject, payload)

    def unseal(self, held: bytes, reference: bytes, subject: bytes, sealed: Sealed) -> bytes:
        return unseal(self.wrapper.unwrap(held), reference, subject, sealed)

    def exists(self, held: bytes) -> bool:
        return bool(held)

    def destroy(self, held: bytes, *, missing_ok: bool = False) -> None:
        del held, missing_ok  # the store's copy is the only one
