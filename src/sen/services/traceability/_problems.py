"""Turning the schema's verdict into problems a person can act on.

jsonschema reports each failure with the keyword that failed, the value at fault and, for
``anyOf``/``oneOf``, every alternative's own failures (GS1's schema has many: a business
step is a CBV word or a URI outside the CBV, an object event has an ``epcList`` or a
``quantityList`` or sensor data, every object restricts its field names). Printed as is,
one wrong ``bizStep`` is a screen of schema. Here each error becomes one
:class:`~sen.services.traceability.errors.Problem`: the JSON pointer of the field, what was
expected, what was got. The rules, in order:

1. a field name that the object's ``propertyNames`` refuses: the pointer names that field,
   the expectation lists the known field names;
2. an alternative (``anyOf``/``oneOf``) refused for the value's JSON type in every branch:
   the types the branches take ("a string", "an array"), and the value's type;
3. an alternative whose branches fail at the value itself: each branch described in a
   phrase (a CBV word list, "a URI outside the CBV namespace", "a field quantityList"),
   joined with "or"; but a CBV URI whose word the list has (as XML writes CBV values) is
   answered with that word: ``the CBV word "receiving" as JSON writes it``;
4. an alternative whose branches fail deeper: the best match among them
   (:func:`jsonschema.exceptions.best_match`), translated by these same rules; a field that
   some branches forbid (``not``) is named with what another branch needs to allow it
   (``no such field unless action is "ADD"``);
5. an alternative one of whose branches fails only where another problem is already
   reported is left out (fixing that problem fixes it);
6. any other keyword: one sentence from the keyword and its value.

One problem per pointer, sorted by path (object keys by name, array positions by number).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from sen.services.traceability.errors import Problem

__all__ = ["Path", "describe", "explain", "parse_pointer", "path_order", "pointer", "typed"]

Path = tuple[str | int, ...]

_SHORT = 80
_ENUM_SHOWN = 8
_DATE_TIME = "a date-time with a time-zone offset (RFC 3339), such as 2005-04-03T20:33:31.116-06:00"
_URI = "an absolute URI (RFC 3986), such as urn:epc:id:sgtin:0614141.107346.2017"
_FORMATS = {"date-time": _DATE_TIME, "uri": _URI}
_DEFINITIONS = {
    # GS1's definitions by name, for alternatives and required fields that refer to them
    "time": _DATE_TIME,
    "uri": _URI,
    "id": _URI,
    "eventID": _URI,
    "vocab-uri": _URI,
    "vocab-other-uri": "a URI outside the CBV namespace (CBV values are written as bare words)",
    "epcList": "an array of distinct URIs",
}
_TYPES = {
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "null": "null",
}
_ALTERNATIVES = ("anyOf", "oneOf")
_CBV_URI = re.compile(
    r"(?:urn:epcglobal:cbv:[a-z]+:|https?://ns\.gs1\.org/cbv/[A-Za-z]+-)(?P<word>\w+)"
)


def pointer(path: Iterable[str | int]) -> str:
    """The JSON pointer (RFC 6901) of a path: ``("epcisBody", "eventList", 3)`` is
    ``/epcisBody/eventList/3``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def parse_pointer(text: str) -> Path:
    """A JSON pointer's path, array positions as numbers; ``ValueError`` if it is not one."""
    if not text:
        return ()
    if not text.startswith("/"):
        raise ValueError(f"not a JSON pointer: {text!r}")
    parts = (part.replace("~1", "/").replace("~0", "~") for part in text[1:].split("/"))
    return tuple(int(part) if part.isdigit() else part for part in parts)


def path_order(path: Path) -> tuple[tuple[int, int, str], ...]:
    """A sort key for paths: object keys by name, array positions by number."""
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


def describe(value: object) -> str:
    """A value as compact JSON, cut to a readable length."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=repr)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def typed(value: object) -> str:
    """A value with its JSON type in front: ``a number 42``, ``a string "x"``."""
    if value is None:
        return "null"
    return f"{_TYPES[_json_type(value)]} {describe(value)}"


def explain(errors: Iterable[ValidationError], base: Path = ()) -> list[tuple[Path, Problem]]:
    """One problem per field at fault, sorted by path; ``base`` is where the instance sits."""
    errors = list(errors)
    found: dict[Path, Problem] = {}
    for error in errors:
        if error.validator not in _ALTERNATIVES or _is_field_name(error):
            path, problem = _translate(error, base)
            found.setdefault(path, problem)
    reported = set(found)
    for error in errors:
        if error.validator in _ALTERNATIVES and not _is_field_name(error):
            if _fixed_by(error, reported, base):
                continue
            path, problem = _translate(error, base)
            found.setdefault(path, problem)
    return sorted(found.items(), key=lambda item: path_order(item[0]))


def _translate(error: ValidationError, base: Path) -> tuple[Path, Problem]:
    path = base + tuple(error.absolute_path)
    if _is_field_name(error):
        return _field_name(error, path)
    if error.validator in _ALTERNATIVES:
        return _alternatives(error, base)
    if error.validator == "required":
        name = _missing(error)
        expected = _expects(_properties(error.schema).get(name)) or "a value"
        return _at((*path, name), f"{expected} (required)", "nothing")
    return _at(path, _expectation(error), _got(error))


def _field_name(error: ValidationError, path: Path) -> tuple[Path, Problem]:
    name = str(error.instance)
    known: list[str] = []
    extension = False
    for sub in _flatten(error.context or ()):
        if sub.validator == "enum":
            known += [str(value) for value in _list(sub.validator_value)]
        extension = extension or (sub.validator == "format" and sub.validator_value == "uri")
    expected = "one of the fields " + ", ".join(dict.fromkeys(known))
    if extension:
        expected += f", or an extension field named by a URI (such as example:{name})"
    return _at((*path, name), expected, f"an unknown field {describe(name)}")


def _alternatives(error: ValidationError, base: Path) -> tuple[Path, Problem]:
    path = base + tuple(error.absolute_path)
    branches = _branches(error)
    if not branches:  # oneOf matched more than one branch
        return _at(path, "a value matching exactly one alternative", typed(error.instance))
    wrong_type: list[str] = []
    remaining: list[tuple[int, list[ValidationError]]] = []
    for index, subs in branches.items():
        wanted = _wanted_types(subs, error.instance)
        if wanted:
            wrong_type += wanted
        else:
            remaining.append((index, subs))
    if not remaining:
        return _at(path, " or ".join(dict.fromkeys(wrong_type)), typed(error.instance))
    if all(not sub.relative_path for _, subs in remaining for sub in subs):
        word = _cbv_word(error.instance, remaining)
        if word is not None:
            return _at(
                path, f"the CBV word {describe(word)} as JSON writes it", typed(error.instance)
            )
        options = _list(error.validator_value)
        phrases = [_branch(options[index], subs) for index, subs in remaining]
        if all(sub.validator == "required" for _, subs in remaining for sub in subs):
            got = "none of these fields"
        else:
            got = typed(error.instance)
        return _at(path, " or ".join(dict.fromkeys(phrases)), got)
    best = best_match(sub for _, subs in remaining for sub in subs)
    if best is None:
        return _at(path, error.message, typed(error.instance))
    if best.validator == "not":  # a field some branches forbid: say when it is allowed
        allowing = [subs for _, subs in remaining if all(sub.validator != "not" for sub in subs)]
        if allowing:
            where = base + tuple(best.absolute_path)
            return _at(
                where, f"no such field unless {_conditions(allowing[0])}", typed(best.instance)
            )
    return _translate(best, base)


def _cbv_word(
    instance: object, branches: Sequence[tuple[int, list[ValidationError]]]
) -> str | None:
    """The bare CBV word of a CBV URI (``urn:epcglobal:cbv:bizstep:receiving``), when the
    alternatives list that word: EPCIS 2.0 JSON writes CBV values as bare words."""
    if not isinstance(instance, str):
        return None
    match = _CBV_URI.fullmatch(instance)
    if match is None:
        return None
    word = match.group("word")
    for _, subs in branches:
        for sub in subs:
            if sub.validator == "enum" and word in _list(sub.validator_value):
                return word
    return None


def _branches(error: ValidationError) -> dict[int, list[ValidationError]]:
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        index = sub.relative_schema_path[0]
        if isinstance(index, int):
            branches.setdefault(index, []).append(sub)
    return branches


def _wanted_types(subs: Sequence[ValidationError], instance: object) -> list[str]:
    """The types a branch takes, if it refuses the value for its JSON type alone."""
    for sub in subs:
        if sub.relative_path:
            continue
        if sub.validator == "type":
            return [_TYPES[name] for name in _names(sub.validator_value)]
        if sub.validator == "enum":
            kinds = {_json_type(value) for value in _list(sub.validator_value)}
            if _json_type(instance) not in kinds:
                return [_TYPES[kind] for kind in sorted(kinds)]
    return []


def _branch(schema: object, subs: Sequence[ValidationError]) -> str:
    """What one alternative asks for: a GS1 definition's phrase, or its failures'."""
    if all(sub.validator == "required" for sub in subs):
        return " and ".join(f"a field {_missing(sub)}" for sub in subs)
    phrase = _expects(schema)
    if phrase is not None:
        return phrase
    return " and ".join(_expectation(sub) for sub in subs)


def _conditions(subs: Sequence[ValidationError]) -> str:
    """A branch's failures as conditions on fields: ``action is "ADD"``."""
    parts = []
    for sub in subs:
        field = str(sub.relative_path[-1]) if sub.relative_path else "the value"
        parts.append(f"{field} is {_expectation(sub)}")
    return " and ".join(parts)


def _expects(schema: object) -> str | None:
    """A phrase for a (sub)schema that refers to a GS1 definition or is a plain type/format."""
    if not isinstance(schema, Mapping):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        return _DEFINITIONS.get(ref.removeprefix("#/definitions/"))
    if "enum" in schema:
        return _one_of(_list(schema["enum"]))
    if "format" in schema:
        return _FORMATS.get(str(schema["format"]))
    if "type" in schema:
        return " or ".join(_TYPES[name] for name in _names(schema["type"]))
    return None


def _expectation(error: ValidationError) -> str:
    keyword, value = error.validator, error.validator_value
    if keyword == "type":
        return " or ".join(_TYPES[name] for name in _names(value))
    if keyword == "enum":
        return _one_of(_list(value))
    if keyword == "const":
        return describe(value)
    if keyword == "format":
        return _FORMATS.get(str(value), f"a {value}")
    if keyword == "pattern":
        return _pattern(str(value))
    if keyword == "not":
        return "no such field here" if value == {} else "a value the schema does not exclude"
    if keyword == "uniqueItems":
        return "no repeated item"
    if keyword in ("minItems", "maxItems"):
        return f"{'at least' if keyword == 'minItems' else 'at most'} {value} items"
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }
        return f"a number {words[str(keyword)]} {value}"
    if keyword in ("minLength", "maxLength"):
        return f"{'at least' if keyword == 'minLength' else 'at most'} {value} characters"
    return error.message


def _got(error: ValidationError) -> str:
    instance = error.instance
    if error.validator == "type":
        return typed(instance)
    if error.validator == "uniqueItems" and isinstance(instance, list):
        repeated = [item for index, item in enumerate(instance) if item in instance[:index]]
        return f"{describe(repeated[0])} twice" if repeated else describe(instance)
    if error.validator in ("minItems", "maxItems") and isinstance(instance, list):
        return f"{len(instance)} items"
    if error.validator in ("minLength", "maxLength") and isinstance(instance, str):
        return f"{len(instance)} characters"
    return describe(instance)


def _pattern(pattern: str) -> str:
    exact = re.fullmatch(r"\^([A-Za-z0-9_]+)\$", pattern)
    if exact:
        return describe(exact.group(1))
    if pattern == "^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$":  # eventTimeZoneOffset
        return "a time-zone offset from -14:00 to +14:00, such as +07:00"
    return f"text matching {pattern}"


def _one_of(values: Sequence[object]) -> str:
    shown = ", ".join(str(value) for value in values[:_ENUM_SHOWN])
    if len(values) > _ENUM_SHOWN:
        return f"one of {shown}, … ({len(values)} values)"
    return f"one of {shown}" if len(values) > 1 else shown


def _fixed_by(error: ValidationError, reported: set[Path], base: Path) -> bool:
    """Whether some branch fails only at deeper fields that are reported already."""
    own = base + tuple(error.absolute_path)
    for subs in _branches(error).values():
        paths = {base + tuple(sub.absolute_path) for sub in subs}
        if all(len(path) > len(own) and path in reported for path in paths):
            return True
    return False


def _is_field_name(error: ValidationError) -> bool:
    """An error about a field's name (``propertyNames``): the instance is the name itself."""
    return "propertyNames" in error.relative_schema_path and isinstance(error.instance, str)


def _missing(error: ValidationError) -> str:
    names = [str(name) for name in _list(error.validator_value)]
    for name in names:
        if error.message.startswith(repr(name)):
            return name
    return names[0] if names else ""


def _properties(schema: object) -> Mapping[str, Any]:
    if isinstance(schema, Mapping):
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            return properties
    return {}


def _flatten(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    for error in errors:
        yield error
        yield from _flatten(error.context or ())


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _names(value: object) -> list[str]:
    return [str(name) for name in _list(value) if str(name) in _TYPES]


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _at(path: Path, expected: str, got: str) -> tuple[Path, Problem]:
    return path, Problem(pointer(path), expected, got)
