"""What a signature suite is: the protocols every suite and every key implement."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


class SigningKey(Protocol):
    """A private key able to sign for one suite (in memory, or held by a token)."""

    @property
    def suite(self) -> str: ...
    @property
    def public_key(self) -> bytes: ...
    def sign(self, message: bytes) -> bytes: ...
    def private_bytes(self) -> bytes: ...


class SignatureSuite(Protocol):
    """An algorithm: checks public keys, verifies signatures, makes and loads keys.

    ``verify`` never raises on malformed input: it answers False. It must be
    deterministic (the same answer on every node) and thread-safe.
    """

    name: str
    public_key_size: int
    signature_size: int

    def check_public_key(self, public_key: bytes) -> str | None:
        """None if the key is well formed, else the reason it is not."""

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool: ...

    def generate(self) -> SigningKey: ...

    def load_private(self, private: bytes) -> SigningKey: ...


@runtime_checkable
class Pkcs8Codec(Protocol):
    """A suite whose private keys ``cryptography`` can write as PKCS#8 (for the keyring)."""

    def to_pkcs8_key(self, private: bytes) -> PrivateKeyTypes:
        """The ``cryptography`` key for ``private`` (the suite's ``private_bytes`` form)."""
        ...

    def from_pkcs8_key(self, key: PrivateKeyTypes) -> bytes | None:
        """The suite's private bytes of ``key``, or None if it is not a key of this suite."""
        ...
