"""Transaction arguments written as JSON (for the CLI, scripts and tests).

JSON has no byte strings and Sen's encoding has no floats, so the text form
maps onto canonical values like this:

* a string ``"hex:00ff"`` becomes the bytes ``b"\\x00\\xff"``;
* a string ``"b64:AP8="`` becomes the same bytes (standard base64, padded);
* any other string stays text (write ``"text:hex:..."`` for the literal text ``"hex:..."``);
* integers, booleans, null, arrays and objects keep their meaning;
* a number with a fraction or exponent is refused.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sen.sdk.errors import InvalidInput


def parse_args(text: str) -> dict[str, Any]:
    """Parse a JSON object of transaction arguments (see the module docstring)."""
    try:
        value = json.loads(text, parse_float=_no_float, parse_constant=_no_float)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--args is not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(value, dict):
        raise InvalidInput(f"--args must be a JSON object, got {type(value).__name__}")
    converted = _convert(value, "args")
    assert isinstance(converted, dict)
    return converted


def _no_float(text: str) -> Any:
    raise InvalidInput(f"--args: {text} is not an integer; Sen's encoding has no floats")


def _convert(value: Any, where: str) -> Any:
    if isinstance(value, str):
        return _string(value, where)
    if isinstance(value, list):
        return [_convert(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: _convert(item, f"{where}.{key}") for key, item in value.items()}
    return value


def _string(value: str, where: str) -> str | bytes:
    if value.startswith("hex:"):
        try:
            return bytes.fromhex(value[4:])
        except ValueError:
            raise InvalidInput(f"{where}: {value[:40]!r} is not valid hex after 'hex:'") from None
    if value.startswith("b64:"):
        try:
            return base64.b64decode(value[4:], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(
                f"{where}: {value[:40]!r} is not valid base64 after 'b64:'"
            ) from None
    if value.startswith("text:"):
        return value[5:]
    return value


def to_json_value(value: Any) -> Any:
    """The inverse for display: bytes become ``"hex:..."`` strings."""
    if isinstance(value, bytes):
        return "hex:" + value.hex()
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json_value(item) for key, item in value.items()}
    return value
