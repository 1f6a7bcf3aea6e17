"""RFC 7512 ``pkcs11:`` URIs: which module, token and key to sign with.

::

    pkcs11:token=sen-test;object=alice;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234

Path attributes (``;``-separated) pick the token and the key; query attributes
(``&``-separated) say how to reach them. Values are percent-encoded (``%20``);
``id`` is raw bytes, so it is usually all escapes (``id=%01%a2``).

Supported path attributes: ``token``, ``manufacturer``, ``model``, ``serial``,
``slot-id``, ``object``, ``id`` and ``type`` (only ``private``: Sen finds the
public half itself). Query attributes: ``module-path``, ``pin-value``,
``pin-source`` (a file: ``file:/run/secrets/pin`` or a plain path). Anything
else is refused by name rather than ignored: a URI that picks a signing key
must mean exactly what it says. Parsing is pure; reading the PIN file and the
environment happens when a key is opened (:mod:`sen.sdk.pkcs11`).

A URI may carry the PIN itself (``pin-value``): show one to a person, a log or
an HTTP answer only through :func:`redact_uri`, which works on text that does
not parse too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote_to_bytes

from sen.sdk.errors import InvalidInput

SCHEME = "pkcs11:"
_PATH_ATTRIBUTES = ("token", "manufacturer", "model", "serial", "slot-id", "object", "id", "type")
_QUERY_ATTRIBUTES = ("module-path", "pin-value", "pin-source")
_NOT_SUPPORTED = {
    "module-name": "give the module's file with module-path=/path/to/module.so",
    "slot-description": "pick the token with token=, serial= or slot-id=",
    "slot-manufacturer": "pick the token with token=, serial= or slot-id=",
    "library-description": "pick the module with module-path=",
    "library-manufacturer": "pick the module with module-path=",
    "library-version": "pick the module with module-path=",
}
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SHOWN_QUERY_ATTRIBUTES = ("module-path", "pin-source")  # the rest may be a secret
REDACTED = "***"


@dataclass(frozen=True, slots=True)
class Pkcs11Uri:
    """A parsed ``pkcs11:`` URI. ``str()`` gives it back with any PIN left out."""

    token: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    slot_id: int | None = None
    object: str | None = None
    id: bytes | None = None
    type: str | None = None
    module_path: str | None = None
    pin_value: str | None = field(default=None, repr=False)
    pin_source: str | None = None

    def describe_key(self) -> str:
        """The key as a person would name it, e.g. ``key 'alice' on token 'sen-test'``."""
        parts = []
        if self.object is not None:
            parts.append(f"key {self.object!r}")
        if self.id is not None:
            parts.append(f"{'with' if parts else 'key with'} id {self.id.hex()}")
        return " ".join(parts or ["key"]) + f" on {self.describe_token()}"

    def describe_token(self) -> str:
        for name, value in (("token", self.token), ("serial", self.serial)):
            if value is not None:
                return (
                    f"{name} {value!r}" if name == "token" else f"the token with serial {value!r}"
                )
        if self.slot_id is not None:
            return f"the token in slot {self.slot_id}"
        return "the token"

    def __str__(self) -> str:
        path = [
            f"{name}={_quote(value)}"
            for name, value in (
                ("token", self.token),
                ("manufacturer", self.manufacturer),
                ("model", self.model),
                ("serial", self.serial),
                ("slot-id", None if self.slot_id is None else str(self.slot_id)),
                ("object", self.object),
                ("id", self.id),
                ("type", self.type),
            )
            if value is not None
        ]
        query = [
            f"{name}={_quote(value)}"
            for name, value in (("module-path", self.module_path), ("pin-source", self.pin_source))
            if value is not None
        ]
        return SCHEME + ";".join(path) + ("?" + "&".join(query) if query else "")


def is_pkcs11_uri(text: str) -> bool:
    """True for anything that claims to be a PKCS#11 URI (it may still fail to parse)."""
    return text[: len(SCHEME)].lower() == SCHEME


def redact_uri(text: str) -> str:
    """``text`` fit to show: in a ``pkcs11:`` URI, every query value but ``module-path`` and
    ``pin-source`` becomes ``***`` (so ``pin-value``, however spelt); other text is unchanged."""
    if not is_pkcs11_uri(text):
        return text
    path, question, query = text.partition("?")
    if not question:
        return text
    shown = []
    for attribute in query.split("&"):
        name, equals, _ = attribute.partition("=")
        if name.lower() in _SHOWN_QUERY_ATTRIBUTES and equals:
            shown.append(attribute)
        elif equals:
            shown.append(f"{name}={REDACTED}")
        else:
            shown.append(REDACTED)  # no '=': the whole part may be a mistyped PIN
    return f"{path}?{'&'.join(shown)}"


def parse_uri(text: str) -> Pkcs11Uri:
    """Parse a ``pkcs11:`` URI; :class:`InvalidInput` names the part at fault."""
    if not is_pkcs11_uri(text):
        raise InvalidInput(f"not a PKCS#11 URI (expected it to start with {SCHEME!r})")
    body = text[len(SCHEME) :]
    if "#" in body:
        raise InvalidInput("PKCS#11 URI: a fragment ('#...') is not allowed")
    if any(character.isspace() for character in body):
        raise InvalidInput("PKCS#11 URI: white space must be percent-encoded (%20)")
    path, _, query = body.partition("?")
    values: dict[str, bytes] = {}
    _parse_part(path, ";", _PATH_ATTRIBUTES, "path", values)
    _parse_part(query, "&", _QUERY_ATTRIBUTES, "query", values)
    if "pin-value" in values and "pin-source" in values:
        raise InvalidInput("PKCS#11 URI: give pin-value or pin-source, not both")
    kind = _text(values, "type")
    if kind is not None and kind != "private":
        raise InvalidInput(f"PKCS#11 URI: type={kind!r} cannot sign; a signing key is type=private")
    slot = _text(values, "slot-id")
    if slot is not None and not slot.isdigit():
        raise InvalidInput(f"PKCS#11 URI: slot-id must be a decimal number, got {slot!r}")
    return Pkcs11Uri(
        token=_text(values, "token"),
        manufacturer=_text(values, "manufacturer"),
        model=_text(values, "model"),
        serial=_text(values, "serial"),
        slot_id=None if slot is None else int(slot),
        object=_text(values, "object"),
        id=values.get("id"),
        type=kind,
        module_path=_text(values, "module-path"),
        pin_value=_text(values, "pin-value"),
        pin_source=_text(values, "pin-source"),
    )


def _parse_part(
    part: str, separator: str, allowed: tuple[str, ...], where: str, values: dict[str, bytes]
) -> None:
    if not part:
        return
    for attribute in part.split(separator):
        if not attribute:
            raise InvalidInput(
                f"PKCS#11 URI: an empty attribute in the {where} ('{separator}{separator}')"
            )
        name, equals, value = attribute.partition("=")
        if not equals and where == "query":  # not echoed: it may be a PIN typed without its name
            raise InvalidInput("PKCS#11 URI: a query attribute has no value (expected name=value)")
        if not equals:
            raise InvalidInput(f"PKCS#11 URI: {name!r} has no value (expected {name}=...)")
        if name in _NOT_SUPPORTED:
            raise InvalidInput(
                f"PKCS#11 URI: {name} is not supported by Sen; {_NOT_SUPPORTED[name]}"
            )
        if name not in allowed:
            other = "query" if where == "path" else "path"
            if name in (_QUERY_ATTRIBUTES if where == "path" else _PATH_ATTRIBUTES):
                raise InvalidInput(f"PKCS#11 URI: {name} belongs in the {other}, not the {where}")
            raise InvalidInput(
                f"PKCS#11 URI: unknown {where} attribute {name!r} (known: {', '.join(allowed)})"
            )
        if name in values:
            raise InvalidInput(f"PKCS#11 URI: {name} appears more than once")
        if _BAD_ESCAPE.search(value):
            raise InvalidInput(f"PKCS#11 URI: {name} has a broken percent escape")
        values[name] = unquote_to_bytes(value)


def _text(values: dict[str, bytes], name: str) -> str | None:
    raw = values.get(name)
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"PKCS#11 URI: {name} is not UTF-8 text") from None


def _quote(value: str | bytes) -> str:
    if isinstance(value, bytes):
        return "".join(f"%{byte:02x}" for byte in value)
    return quote(value, safe="-._~:[]@!$'()*+,/")
