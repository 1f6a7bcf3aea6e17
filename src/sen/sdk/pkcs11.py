"""Signing keys held in a hardware security module (HSM), through PKCS#11.

The private key never leaves the token: Sen asks the token to sign and gets a
signature back. A key is named by an RFC 7512 URI (:mod:`sen.sdk._pkcs11_uri`)::

    key = load_pkcs11_key(
        "pkcs11:token=sen-test;object=alice;type=private"
        "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/secrets/hsm-pin"
    )
    client.anchor(key, Path("diploma.pdf"))

The module comes from ``module-path``, else ``$SEN_PKCS11_MODULE``; the PIN
from ``pin-value``, ``pin-source`` (a file), else ``$SEN_PKCS11_PIN``. The PIN
is never logged, printed or kept in an error message; a URI shown to anyone
goes through :func:`redact_uri` first (``pin-value=***``). On opening a key Sen
signs a probe message and checks it against the token's public key object.

Suites: ``ecdsa-p256`` and ``ecdsa-secp256k1`` (``CKM_ECDSA_SHA256``, or
``CKM_ECDSA`` over a SHA-256 digest made here; the token's r‖s is normalised
to low-S) and ``ed25519`` (PKCS#11 3.0 ``CKM_EDDSA`` with ``CKK_EC_EDWARDS``
keys). ML-DSA is not offered: few tokens can do it yet.

Threads: python-pkcs11 initialises a module without OS locking, which lets the
module assume one thread at a time; so every call into a module holds that
module's lock. PKCS#11 logins belong to the process, not to a session: each
token gets one logged-in session, shared by every key on it, and kept open for
the life of the process (closing it would log every other key out).

Errors are :class:`HsmError` (a :class:`~sen.sdk.errors.KeyFileError`)::

    HsmError
    ├── ModuleNotFound         no module, or the file is not a PKCS#11 module
    ├── TokenNotFound          no token matches the URI (or more than one does)
    ├── WrongPin               the token refused the PIN (or none was given)
    ├── ObjectNotFound         no key matches the URI (or more than one does)
    └── UnsupportedMechanism   the token cannot do what the suite needs

A URI that does not parse is an :class:`~sen.sdk.errors.InvalidInput`.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sen.ledger.crypto import address_of, curve_of, get_suite, normalize_low_s
from sen.sdk._pkcs11_uri import Pkcs11Uri, is_pkcs11_uri, parse_uri, redact_uri
from sen.sdk.errors import InvalidInput, KeyFileError

if TYPE_CHECKING:
    from pkcs11 import Key, Mechanism, Session, Token
    from pkcs11._pkcs11 import lib as Library
    from pkcs11.types import SignMixin, UnwrapMixin, WrapMixin

    class _Kek(WrapMixin, UnwrapMixin):  # what an AES key-encryption key can do
        pass


__all__ = [
    "MODULE_ENV",
    "PIN_ENV",
    "SUITES",
    "AmbiguousObject",
    "HsmError",
    "ModuleNotFound",
    "ObjectNotFound",
    "Pkcs11Key",
    "Pkcs11Uri",
    "TokenNotFound",
    "UnsupportedMechanism",
    "WrongPin",
    "generate_pkcs11_key",
    "is_pkcs11_uri",
    "load_pkcs11_key",
    "parse_uri",
    "redact_uri",
    "resolve_module",
    "resolve_pin",
]

MODULE_ENV = "SEN_PKCS11_MODULE"
PIN_ENV = "SEN_PKCS11_PIN"
SUITES = ("ecdsa-p256", "ecdsa-secp256k1", "ed25519")

EC_PARAMS = {  # CKA_EC_PARAMS (a named curve's OID, DER) -> suite
    bytes.fromhex("06082a8648ce3d030107"): "ecdsa-p256",  # 1.2.840.10045.3.1.7 prime256v1
    bytes.fromhex("06052b8104000a"): "ecdsa-secp256k1",  # 1.3.132.0.10 secp256k1
}
ED25519_PARAMS = (
    bytes.fromhex("06032b6570"),  # OID 1.3.101.112 (id-Ed25519)
    b"\x13\x0cedwards25519",  # PrintableString, also allowed by PKCS#11 3.0
)
_PROBE = b"sen: does this token's public key match its private key?"


class HsmError(KeyFileError):
    """A PKCS#11 module, token or key could not be used."""


class ModuleNotFound(HsmError):
    pass


class TokenNotFound(HsmError):
    pass


class WrongPin(HsmError):
    pass


class ObjectNotFound(HsmError):
    pass


class AmbiguousObject(ObjectNotFound):
    """Several objects answer to one name: someone with the PIN planted another."""


class UnsupportedMechanism(HsmError):
    pass


def resolve_module(uri: Pkcs11Uri) -> str:
    """The module's path: ``module-path`` in the URI, else ``$SEN_PKCS11_MODULE``."""
    if uri.module_path:
        where, path = "module-path in the URI", uri.module_path
    elif os.environ.get(MODULE_ENV):
        where, path = MODULE_ENV, os.environ[MODULE_ENV]
    else:
        raise ModuleNotFound(
            f"no PKCS#11 module given: add module-path=/path/to/module.so to the URI "
            f"or set {MODULE_ENV}"
        )
    if not Path(path).is_file():
        raise ModuleNotFound(f"PKCS#11 module {path} (from {where}) does not exist")
    return path


def resolve_pin(uri: Pkcs11Uri) -> str | None:
    """The user PIN: ``pin-value``, the ``pin-source`` file, else ``$SEN_PKCS11_PIN``."""
    if uri.pin_value is not None:
        return uri.pin_value
    if uri.pin_source is not None:
        return _read_pin_file(uri.pin_source)
    return os.environ.get(PIN_ENV) or None


def _read_pin_file(source: str) -> str:
    if source.startswith("|"):
        raise InvalidInput("PKCS#11 URI: pin-source must be a file; commands ('|...') are not run")
    path = source
    if source.startswith("file://"):
        path = source[len("file://") :]
    elif source.startswith("file:"):
        path = source[len("file:") :]
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise HsmError(f"cannot read the PIN file {path} (pin-source): {reason}") from None


@dataclass(slots=True)
class _Module:
    """A loaded PKCS#11 module, its lock, and one logged-in session per token."""

    path: str
    library: Library
    lock: threading.RLock
    logins: dict[int, tuple[Session, bytes]]  # slot id -> (session, SHA-256 of the PIN)


_modules: dict[str, _Module] = {}
_modules_lock = threading.Lock()


def _module(uri: Pkcs11Uri) -> _Module:
    path = resolve_module(uri)
    with _modules_lock:
        found = _modules.get(path)
        if found is None:
            import pkcs11

            try:
                library = pkcs11.lib(path)
            except pkcs11.PKCS11Error as exc:
                reason = re.sub(r"^OS exception while loading .*?: (/\S*: )?", "", str(exc))
                raise ModuleNotFound(f"{path} is not a usable PKCS#11 module: {reason}") from None
            found = _Module(path, library, threading.RLock(), {})
            _modules[path] = found
        return found


def _token(module: _Module, uri: Pkcs11Uri) -> Token:
    from pkcs11 import TokenFlag

    tokens = []
    for slot in module.library.get_slots(token_present=True):
        token = slot.get_token()
        if not token.flags & TokenFlag.TOKEN_INITIALIZED:
            continue  # e.g. SoftHSM's free slot
        if uri.slot_id is not None and slot.slot_id != uri.slot_id:
            continue
        wanted = (
            (uri.token, token.label),
            (uri.manufacturer, token.manufacturer_id),
            (uri.model, token.model),
            (uri.serial, token.serial.decode("ascii", "replace").strip()),
        )
        if all(want is None or want == have for want, have in wanted):
            tokens.append(token)
    if not tokens:
        raise TokenNotFound(f"no {uri.describe_token()} in PKCS#11 module {module.path}")
    if len(tokens) > 1:
        labels = ", ".join(sorted(repr(token.label) for token in tokens))
        raise TokenNotFound(
            f"{len(tokens)} tokens match in {module.path} ({labels}); "
            "name one with token=LABEL or serial=..."
        )
    return tokens[0]


def _login(module: _Module, token: Token, uri: Pkcs11Uri) -> Session:
    """The token's logged-in session, opened on first use. Call with the module's lock held."""
    import pkcs11
    from pkcs11 import TokenFlag

    pin = resolve_pin(uri)
    user_pin: object = pin
    if pin is None and token.flags & TokenFlag.LOGIN_REQUIRED:
        if not token.flags & TokenFlag.PROTECTED_AUTHENTICATION_PATH:
            raise WrongPin(
                f"token {token.label!r} needs a PIN: add pin-source=FILE (or pin-value=...) "
                f"to the URI, or set {PIN_ENV}"
            )
        user_pin = pkcs11.PROTECTED_AUTH  # the PIN pad asks
    digest = hashlib.sha256((pin or "").encode()).digest()
    slot_id = token.slot.slot_id
    if slot_id in module.logins:
        session, logged_in_with = module.logins[slot_id]
        if logged_in_with != digest:
            raise WrongPin(
                f"wrong PIN for token {token.label!r}: this process is logged in to it "
                "with another PIN"
            )
        return session
    try:
        session = token.open(user_pin=user_pin)
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange):
        raise WrongPin(f"wrong PIN for token {token.label!r}") from None
    except pkcs11.PinLocked:
        raise WrongPin(f"the PIN of token {token.label!r} is locked") from None
    except pkcs11.PKCS11Error as exc:
        raise HsmError(f"cannot log in to token {token.label!r}: {_reason(exc)}") from None
    module.logins[slot_id] = (session, digest)
    return session


@dataclass(slots=True)
class _Opened:
    """A private key found through the token's logged-in session, and what it signs with."""

    session: Session
    slot_id: int
    key: SignMixin
    suite: str
    mechanism: Mechanism
    label: str
    token: str
    public_key: bytes


def _open(module: _Module, uri: Pkcs11Uri) -> _Opened:
    """Find the key the URI names. Call with the module's lock held."""
    from pkcs11 import Attribute

    token = _token(module, uri)
    session = _login(module, token, uri)
    key = _private_key(session, uri)
    suite = _suite_of(key, uri)
    return _Opened(
        session=session,
        slot_id=token.slot.slot_id,
        key=key,
        suite=suite,
        mechanism=_signing_mechanism(token, suite),
        label=str(key[Attribute.LABEL] or uri.object or ""),
        token=token.label,
        public_key=_public_key(session, key, suite, uri),
    )


class Pkcs11Key:
    """A :class:`~sen.ledger.crypto.SigningKey` whose private key stays on a PKCS#11 token.

    If the token's session is lost (the HSM restarted, the network dropped), the
    next signature logs in again and finds the key once more before giving up.
    """

    __slots__ = ("_module", "_opened", "_uri")

    def __init__(self, module: _Module, uri: Pkcs11Uri, opened: _Opened) -> None:
        self._module = module
        self._uri = uri
        self._opened = opened

    @property
    def suite(self) -> str:
        return self._opened.suite

    @property
    def public_key(self) -> bytes:
        return self._opened.public_key

    @property
    def label(self) -> str:
        return self._opened.label

    @property
    def token(self) -> str:
        return self._opened.token

    @property
    def address(self) -> str:
        return address_of(self.suite, self.public_key).hex()

    def sign(self, message: bytes) -> bytes:
        import pkcs11

        with self._module.lock:
            try:
                try:
                    signature = self._sign_on_token(message)
                except pkcs11.PKCS11Error as exc:
                    if not _session_lost(exc):
                        raise
                    self._reopen()
                    signature = self._sign_on_token(message)
            except pkcs11.PKCS11Error as exc:
                raise HsmError(
                    f"token {self.token!r} could not sign with key {self.label!r}: {_reason(exc)}"
                ) from None
        if len(signature) != 64:
            raise HsmError(
                f"token {self.token!r} returned a {len(signature)}-byte signature; "
                f"{self.suite} signatures are 64 bytes"
            )
        if self.suite == "ed25519":
            return signature
        try:
            return normalize_low_s(signature, self.suite)
        except ValueError as exc:
            raise HsmError(f"token {self.token!r} returned a malformed signature: {exc}") from None

    def _sign_on_token(self, message: bytes) -> bytes:
        from pkcs11 import Mechanism

        opened = self._opened
        data = hashlib.sha256(message).digest() if opened.mechanism == Mechanism.ECDSA else message
        return bytes(opened.key.sign(data, mechanism=opened.mechanism))

    def _reopen(self) -> None:
        lost = self._opened
        entry = self._module.logins.get(lost.slot_id)
        if entry is not None and entry[0] is lost.session:
            del self._module.logins[lost.slot_id]  # another key may have logged in again already
        opened = _open(self._module, self._uri)
        if opened.public_key != lost.public_key:
            raise HsmError(f"{self._uri.describe_key()} changed on the token since it was opened")
        self._opened = opened

    def private_bytes(self) -> bytes:
        raise HsmError(
            f"key {self.label!r} is held by token {self.token!r}: its private key never "
            "leaves the token, so it cannot be exported or stored in a keyring"
        )

    def __repr__(self) -> str:
        return (
            f"Pkcs11Key(suite={self.suite!r}, token={self.token!r}, label={self.label!r}, "
            f"address={self.address!r})"
        )


def load_pkcs11_key(uri: str | Pkcs11Uri, *, pin: str | None = None) -> Pkcs11Key:
    """Open the private key the URI names; ``pin`` (if given) overrides the URI's."""
    import pkcs11

    parsed = uri if isinstance(uri, Pkcs11Uri) else parse_uri(uri)
    if pin is not None:
        parsed = replace(parsed, pin_value=pin, pin_source=None)
    if parsed.object is None and parsed.id is None:
        raise InvalidInput("PKCS#11 URI: name the key with object=LABEL (or id=...)")
    module = _module(parsed)
    with module.lock:
        try:
            opened = _open(module, parsed)
        except pkcs11.PKCS11Error as exc:
            raise HsmError(f"{parsed.describe_key()}: {_reason(exc)}") from None
    signer = Pkcs11Key(module, parsed, opened)
    if not get_suite(opened.suite).verify(opened.public_key, _PROBE, signer.sign(_PROBE)):
        raise HsmError(
            f"{parsed.describe_key()}: the public key object does not match the private key"
        )
    return signer


def generate_pkcs11_key(uri: str | Pkcs11Uri, suite: str, *, pin: str | None = None) -> Pkcs11Key:
    """Generate a key pair on the token (for development and tests) and open it.

    The private key is made sensitive and not extractable. The URI's ``object``
    becomes the label; ``id`` is taken from the URI, or random.
    """
    import pkcs11
    from pkcs11 import Attribute, KeyType, Mechanism

    if suite not in SUITES:
        raise InvalidInput(
            f"suite {suite!r} cannot be held in an HSM; use one of {', '.join(SUITES)}"
        )
    parsed = uri if isinstance(uri, Pkcs11Uri) else parse_uri(uri)
    if pin is not None:
        parsed = replace(parsed, pin_value=pin, pin_source=None)
    if parsed.object is None:
        raise InvalidInput("PKCS#11 URI: give the new key a label with object=LABEL")
    key_id = parsed.id or os.urandom(8)
    if suite != "ed25519":
        key_type, generator = KeyType.EC, Mechanism.EC_KEY_PAIR_GEN
        params = next(oid for oid, named in EC_PARAMS.items() if named == suite)
    else:
        key_type, generator = KeyType.EC_EDWARDS, Mechanism.EC_EDWARDS_KEY_PAIR_GEN
        params = ED25519_PARAMS[0]
    module = _module(parsed)
    with module.lock:
        try:
            token = _token(module, parsed)
            _login(module, token, parsed)
            _require_mechanism(token, generator, suite, "generate")
            _signing_mechanism(token, suite)
            with token.open(rw=True) as session:  # shares the token's login
                if list(session.get_objects({Attribute.LABEL: parsed.object})):
                    raise HsmError(
                        f"{parsed.describe_key()} already exists; pick another object= label"
                    )
                domain = session.create_domain_parameters(
                    key_type, {Attribute.EC_PARAMS: params}, local=True
                )
                domain.generate_keypair(
                    store=True,
                    label=parsed.object,
                    id=key_id,
                    mechanism=generator,
                    public_template={Attribute.VERIFY: True, Attribute.PRIVATE: False},
                    private_template={
                        Attribute.SIGN: True,
                        Attribute.PRIVATE: True,
                        Attribute.SENSITIVE: True,
                        Attribute.EXTRACTABLE: False,
                        Attribute.DERIVE: False,
                    },
                )
        except pkcs11.PKCS11Error as exc:
            raise HsmError(f"cannot generate {parsed.describe_key()}: {_reason(exc)}") from None
    return load_pkcs11_key(replace(parsed, id=key_id))


class Pkcs11AesKek:
    """An AES key on a PKCS#11 token that wraps and unwraps other keys (``CKM_AES_KEY_WRAP``,
    RFC 3394): the personal-data vault's key-encryption key (ADR 0014). The KEK never leaves
    the token; a data key crosses it only as a session object, destroyed at once."""

    def __init__(self, uri: str | Pkcs11Uri, *, pin: str | None = None) -> None:
        from pkcs11 import Attribute, KeyType, ObjectClass

        parsed = uri if isinstance(uri, Pkcs11Uri) else parse_uri(uri)
        if pin is not None:
            parsed = replace(parsed, pin_value=pin, pin_source=None)
        if parsed.object is None and parsed.id is None:
            raise InvalidInput("PKCS#11 URI: name the key-encryption key with object=LABEL")
        self._module = _module(parsed)
        with self._module.lock:
            token = _token(self._module, parsed)
            self._session = _login(self._module, token, parsed)
            _require_mechanism(token, _aes_wrap(), "aes", "wrap keys")
            template: dict[Any, Any] = {
                Attribute.CLASS: ObjectClass.SECRET_KEY,
                Attribute.KEY_TYPE: KeyType.AES,
                **_names(parsed),
            }
            found = list(self._session.get_objects(template))
        if len(found) != 1:
            raise ObjectNotFound(
                f"{len(found)} AES keys match {parsed.describe_key()} on token {token.label!r}"
            )
        self._kek = cast("_Kek", found[0])
        named = parsed.object if parsed.object is not None else (parsed.id or b"").hex()
        self.name = f"pkcs11:{token.label}/{named}"

    def wrap(self, key: bytes) -> bytes:
        from pkcs11 import Attribute, KeyType, ObjectClass

        with self._module.lock:
            carried = self._session.create_object(
                {
                    Attribute.CLASS: ObjectClass.SECRET_KEY,
                    Attribute.KEY_TYPE: KeyType.GENERIC_SECRET,
                    Attribute.VALUE: key,
                    Attribute.TOKEN: False,
                    Attribute.EXTRACTABLE: True,
                    Attribute.SENSITIVE: False,
                }
            )
            try:
                return bytes(self._kek.wrap_key(cast("Key", carried), mechanism=_aes_wrap()))
            finally:
                carried.destroy()

    def unwrap(self, wrapped: bytes) -> bytes:
        import pkcs11
        from pkcs11 import Attribute, KeyType, ObjectClass

        with self._module.lock:
            try:
                carried = self._kek.unwrap_key(
                    ObjectClass.SECRET_KEY, KeyType.GENERIC_SECRET, wrapped,
                    mechanism=_aes_wrap(), store=False,
                    template={Attribute.EXTRACTABLE: True, Attribute.SENSITIVE: False},
                )  # fmt: skip
            except pkcs11.PKCS11Error as exc:
                raise HsmError(
                    f"a data key does not unwrap under {self.name}: {_reason(exc)}"
                ) from None
            try:
                return bytes(carried[Attribute.VALUE])
            finally:
                carried.destroy()


def generate_pkcs11_aes_key(uri: str | Pkcs11Uri, *, pin: str | None = None) -> Pkcs11AesKek:
    """Generate a 256-bit AES key-encryption key on the token (sensitive, never extractable;
    for development and tests) and open it."""
    import pkcs11
    from pkcs11 import Attribute, KeyType

    parsed = uri if isinstance(uri, Pkcs11Uri) else parse_uri(uri)
    if pin is not None:
        parsed = replace(parsed, pin_value=pin, pin_source=None)
    if parsed.object is None:
        raise InvalidInput("PKCS#11 URI: give the new key a label with object=LABEL")
    module = _module(parsed)
    with module.lock:
        token = _token(module, parsed)
        _login(module, token, parsed)
        with token.open(rw=True) as session:  # shares the token's login
            if list(session.get_objects({Attribute.LABEL: parsed.object})):
                raise HsmError(
                    f"{parsed.describe_key()} already exists; pick another object= label"
                )
            try:
                session.generate_key(
                    KeyType.AES, 256, label=parsed.object, id=parsed.id or os.urandom(8),
                    store=True,
                    template={
                        Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
                        Attribute.WRAP: True, Attribute.UNWRAP: True,
                    },
                )  # fmt: skip
            except pkcs11.PKCS11Error as exc:
                raise HsmError(f"cannot generate an AES key: {_reason(exc)}") from None
    return Pkcs11AesKek(parsed)


class Pkcs11AesKeys:
    """AES-256 keys held on a PKCS#11 token, one per name, that encrypt and decrypt there
    (``CKM_AES_GCM``) and are destroyed there: the personal-data vault's per-subject data
    keys (ADR 0014). A key is made sensitive and never extractable, so no copy of it exists
    outside the token; destroying the token object is the erasure.

    ``uri`` names the token (``object=`` is the labels' prefix, default ``sen-vault``)."""

    def __init__(self, uri: str | Pkcs11Uri, *, pin: str | None = None) -> None:
        from pkcs11 import Mechanism

        parsed = uri if isinstance(uri, Pkcs11Uri) else parse_uri(uri)
        if pin is not None:
            parsed = replace(parsed, pin_value=pin, pin_source=None)
        self._prefix = parsed.object or "sen-vault"
        self._module = _module(parsed)
        with self._module.lock:
            token = _token(self._module, parsed)
            _login(self._module, token, parsed)
            _require_mechanism(token, Mechanism.AES_GCM, "aes", "encrypt personal records")
            self._session = token.open(rw=True)  # shares the token's login
        self.name = f"pkcs11:{token.label}/{self._prefix}"
        self._handles: dict[bytes, Any] = {}

    def _find(self, key_id: bytes) -> list[Any]:
        from pkcs11 import Attribute, KeyType, ObjectClass

        return list(
            self._session.get_objects(
                {
                    Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.KEY_TYPE: KeyType.AES,
                    Attribute.ID: key_id, Attribute.LABEL: f"{self._prefix}/{key_id.hex()}",
                }
            )
        )  # fmt: skip

    def _one(self, key_id: bytes) -> Any:
        """The key named ``key_id``, found once per process (a search of the token per
        record costs more than the cipher); a destroyed key leaves the cache with it."""
        cached = self._handles.get(key_id)
        if cached is not None:
            return cached
        found = self._find(key_id)
        if len(found) > 1:
            raise AmbiguousObject(
                f"{len(found)} keys {self._prefix}/{key_id.hex()} on the token (expected 1)"
            )
        if len(found) != 1:
            raise ObjectNotFound(
                f"{len(found)} keys {self._prefix}/{key_id.hex()} on the token (expected 1)"
            )
        self._handles[key_id] = found[0]
        return found[0]

    def create(self, key_id: bytes) -> None:
        """A new 256-bit key named ``key_id`` on the token (an error if one exists)."""
        import pkcs11
        from pkcs11 import Attribute, KeyType

        with self._module.lock:
            if self._find(key_id):
                raise HsmError(f"key {self._prefix}/{key_id.hex()} already exists on the token")
            try:
                self._session.generate_key(
                    KeyType.AES, 256, id=key_id, label=f"{self._prefix}/{key_id.hex()}",
                    store=True,
                    template={
                        Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
                        Attribute.ENCRYPT: True, Attribute.DECRYPT: True,
                        Attribute.WRAP: False, Attribute.UNWRAP: False,
                        Attribute.PRIVATE: True, Attribute.COPYABLE: False,
                        Attribute.MODIFIABLE: False,
                    },
                )  # fmt: skip
            except pkcs11.PKCS11Error as exc:
                raise HsmError(f"cannot generate an AES key: {_reason(exc)}") from None

    def exists(self, key_id: bytes) -> bool:
        with self._module.lock:
            return bool(self._find(key_id))

    def encrypt(self, key_id: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        """AES-256-GCM on the token: the ciphertext with its 16-byte tag appended."""
        import pkcs11
        from pkcs11 import GCMParams, Mechanism

        with self._module.lock:
            key = self._one(key_id)
            try:
                return bytes(
                    key.encrypt(data, mechanism=Mechanism.AES_GCM,
                                mechanism_param=GCMParams(nonce, aad, 128))
                )  # fmt: skip
            except pkcs11.PKCS11Error as exc:
                raise HsmError(f"the token cannot encrypt: {_reason(exc)}") from None

    def decrypt(self, key_id: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        import pkcs11
        from pkcs11 import GCMParams, Mechanism

        with self._module.lock:
            key = self._one(key_id)
            try:
                return bytes(
                    key.decrypt(data, mechanism=Mechanism.AES_GCM,
                                mechanism_param=GCMParams(nonce, aad, 128))
                )  # fmt: skip
            except pkcs11.PKCS11Error as exc:
                raise HsmError(
                    f"the record does not decrypt under key {self._prefix}/{key_id.hex()}: "
                    f"{_reason(exc)}"
                ) from None

    def destroy(self, key_id: bytes) -> bool:
        """Destroy the key named ``key_id`` on the token; False if there was none."""
        import pkcs11

        with self._module.lock:
            self._handles.pop(key_id, None)
            found = self._find(key_id)
            for key in found:
                try:
                    key.destroy()
                except pkcs11.PKCS11Error as exc:
                    raise HsmError(
                        f"cannot destroy key {self._prefix}/{key_id.hex()}: {_reason(exc)}"
                    ) from None
            return bool(found)


def _aes_wrap() -> Mechanism:
    from pkcs11 import Mechanism

    return Mechanism.AES_KEY_WRAP


def _private_key(session: Session, uri: Pkcs11Uri) -> SignMixin:
    from pkcs11 import Attribute, ObjectClass

    found = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, **_names(uri)}))
    if not found:
        raise ObjectNotFound(f"no private {uri.describe_key()}")
    if len(found) > 1:
        raise ObjectNotFound(
            f"{len(found)} private keys match {uri.describe_key()}; add id=... to pick one"
        )
    return cast("SignMixin", found[0])


def _names(uri: Pkcs11Uri) -> dict[Any, Any]:
    from pkcs11 import Attribute

    names: dict[Any, Any] = {}
    if uri.object is not None:
        names[Attribute.LABEL] = uri.object
    if uri.id is not None:
        names[Attribute.ID] = uri.id
    return names


def _suite_of(key: SignMixin, uri: Pkcs11Uri) -> str:
    from pkcs11 import Attribute, KeyType

    key_type = key[Attribute.KEY_TYPE]
    params = (
        bytes(key[Attribute.EC_PARAMS]) if key_type in (KeyType.EC, KeyType.EC_EDWARDS) else b""
    )
    if key_type == KeyType.EC and params in EC_PARAMS:
        return EC_PARAMS[params]
    if key_type == KeyType.EC_EDWARDS and params in ED25519_PARAMS:
        return "ed25519"
    kind = getattr(key_type, "name", str(key_type))
    detail = f" with parameters {params.hex()}" if params else ""
    raise UnsupportedMechanism(
        f"{uri.describe_key()} has key type {kind}{detail}; Sen signs with P-256 "
        "(ecdsa-p256), secp256k1 (ecdsa-secp256k1) or Ed25519 (ed25519) keys only"
    )


def _signing_mechanism(token: Token, suite: str) -> Mechanism:
    from pkcs11 import Mechanism

    available = token.slot.get_mechanisms()
    if suite == "ed25519":
        return _require_mechanism(token, Mechanism.EDDSA, suite, "sign")
    for mechanism in (Mechanism.ECDSA_SHA256, Mechanism.ECDSA):
        if mechanism in available:
            return mechanism
    raise UnsupportedMechanism(
        f"token {token.label!r} cannot sign {suite}: it offers neither CKM_ECDSA_SHA256 "
        "nor CKM_ECDSA"
    )


def _require_mechanism(token: Token, mechanism: Mechanism, suite: str, doing: str) -> Mechanism:
    if mechanism not in token.slot.get_mechanisms():
        raise UnsupportedMechanism(
            f"token {token.label!r} cannot {doing} {suite} keys: it does not offer "
            f"CKM_{mechanism.name}"
        )
    return mechanism


def _public_key(session: Session, key: SignMixin, suite: str, uri: Pkcs11Uri) -> bytes:
    from pkcs11 import Attribute, ObjectClass

    names = {Attribute.LABEL: key[Attribute.LABEL], Attribute.ID: key[Attribute.ID]}
    names = {name: value for name, value in names.items() if value}
    found = list(session.get_objects({Attribute.CLASS: ObjectClass.PUBLIC_KEY, **names}))
    if len(found) != 1:
        raise ObjectNotFound(
            f"{uri.describe_key()}: found {len(found)} matching public key objects, "
            "need exactly one to learn the public key (and the address)"
        )
    return _decode_ec_point(bytes(found[0][Attribute.EC_POINT]), suite)


def _decode_ec_point(point: bytes, suite: str) -> bytes:
    """``CKA_EC_POINT`` (a DER OCTET STRING, or the bare point) as the suite's public key."""
    size = 32 if suite == "ed25519" else 65
    if len(point) == size + 2 and point[0] == 0x04 and point[1] == size:
        point = point[2:]
    if len(point) != size:
        raise HsmError(f"the token's {suite} public key is {len(point)} bytes, expected {size}")
    if suite == "ed25519":
        return point
    try:
        curve = curve_of(suite)
        public = ec.EllipticCurvePublicKey.from_encoded_point(curve.curve, point)
    except ValueError:
        raise HsmError(f"the token's {suite} public key is not a point on its curve") from None
    return public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )


def _session_lost(exc: Exception) -> bool:
    import pkcs11

    lost = (
        pkcs11.SessionHandleInvalid,
        pkcs11.SessionClosed,
        pkcs11.UserNotLoggedIn,
        pkcs11.KeyHandleInvalid,
        pkcs11.ObjectHandleInvalid,
        pkcs11.DeviceRemoved,
        pkcs11.TokenNotPresent,
    )
    return isinstance(exc, lost)


def _reason(exc: Exception) -> str:
    """A PKCS#11 error as words: the exception's text, else its name (CKR_ ...)."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
