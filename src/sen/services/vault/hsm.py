"""The vault's key-encryption key in an HSM, through PKCS#11 (ADR 0014): data keys are
wrapped and unwrapped by an AES key that never leaves the token
(:class:`sen.sdk.pkcs11.Pkcs11AesKek`; SoftHSM2 in the tests)."""

from __future__ import annotations

from sen.sdk.pkcs11 import HsmError, Pkcs11AesKek
from sen.services.vault.crypto import VaultCryptoError


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
