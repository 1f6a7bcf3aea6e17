"""The vault's keys in an HSM, through PKCS#11 (ADR 0014), two ways:

* :class:`HsmKek`: the key-encryption key is a token's AES key; data keys are made in the
  vault and stored wrapped under it (:class:`sen.sdk.pkcs11.Pkcs11AesKek`);
* :class:`HsmDataKeys`: each data subject's key is itself an AES key on the token, never
  extractable; records are sealed and opened by the token (AES-256-GCM), and an erasure
  destroys the key object there (:class:`sen.sdk.pkcs11.Pkcs11AesKeys`).

SoftHSM2 in the tests."""

from __future__ import annotations

import secrets

from sen.sdk.pkcs11 import AmbiguousObject, HsmError, Pkcs11AesKek, Pkcs11AesKeys
from sen.services.vault.crypto import (
    NONCE_BYTES,
    KeyAmbiguous,
    Sealed,
    VaultCryptoError,
    associated_data,
)

HANDLE_PREFIX = b"pkcs11:"
KEY_ID_BYTES = 16


class HsmKek:
    """A :class:`~sen.services.vault.crypto.KeyWrapper` whose KEK is a token's AES key."""

    def __init__(self, uri: str, *, pin: str | None = None) -> None:
        self._kek = Pkcs11AesKek(uri, pin=pin)
        self.name = self._kek.name

    def wrap(self, key: bytes) -> bytes:
        return self._kek.wrap(key)

    def unwrap(self, wrapped: bytes) -> bytes:
        try:
            return self._kek.unwrap(wrapped)
        except HsmError as error:
            raise VaultCryptoError(str(error)) from None


class HsmDataKeys:
    """:class:`~sen.services.vault.crypto.DataKeys` held on a PKCS#11 token, one per data
    subject, named by a random id (the store keeps ``pkcs11:`` and the id, nothing secret)."""

    holds = True

    def __init__(self, uri: str, *, pin: str | None = None) -> None:
        self._keys = Pkcs11AesKeys(uri, pin=pin)
        self.name = self._keys.name

    @staticmethod
    def _key_id(held: bytes) -> bytes:
        if not held.startswith(HANDLE_PREFIX) or len(held) != len(HANDLE_PREFIX) + KEY_ID_BYTES:
            raise VaultCryptoError("this subject's key is not held in an HSM (a wrapped key?)")
        return held[len(HANDLE_PREFIX) :]

    def new(self) -> bytes:
        key_id = secrets.token_bytes(KEY_ID_BYTES)
        self._keys.create(key_id)
        return HANDLE_PREFIX + key_id

    def seal(self, held: bytes, reference: bytes, subject: bytes, payload: bytes) -> Sealed:
        nonce = secrets.token_bytes(NONCE_BYTES)
        aad = associated_data(reference, subject)
        try:
            return Sealed(nonce, self._keys.encrypt(self._key_id(held), nonce, payload, aad))
        except HsmError as error:
            raise VaultCryptoError(str(error)) from None

    def unseal(self, held: bytes, reference: bytes, subject: bytes, sealed: Sealed) -> bytes:
        aad = associated_data(reference, subject)
        try:
            return self._keys.decrypt(self._key_id(held), sealed.nonce, sealed.ciphertext, aad)
        except AmbiguousObject as error:
            raise KeyAmbiguous(str(error)) from None
        except HsmError as error:
            raise VaultCryptoError(str(error)) from None

    def destroy(self, held: bytes, *, missing_ok: bool = False) -> None:
        """Destroy the subject's key on the token. A key not found is an error (the wrong
        token or label, or a session logged out: the key may well still be there), unless
        ``missing_ok`` (the retry of an erasure that already destroyed it)."""
        if not self._keys.destroy(self._key_id(held)) and not missing_ok:
            raise VaultCryptoError(
                f"no key {held[len(HANDLE_PREFIX) :].hex()} on {self.name}: is this the token "
                "and label the vault was made with, and is its session logged in? Nothing "
                "was erased"
            )

    def exists(self, held: bytes) -> bool:
        return self._keys.exists(self._key_id(held))
