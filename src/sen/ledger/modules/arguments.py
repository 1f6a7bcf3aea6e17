"""Typed checks of action arguments: each returns the value with its type, or refuses.

Every refusal is a :class:`~sen.ledger.errors.TxRejected` with the code, the
reason, the field at fault (``args.<key>``, ``args.<key>[i]``, ...), what was
expected and what was got, exactly as the module states them: the checks
take the wording as arguments and only decide *when* to refuse. ``got``
is how a bad value is shown (:func:`type_name` by default; modules pass their
own, such as ``_shown``); a refusal naming no value passes ``got=nothing``.

The checks are stateless and deterministic, like ``parse`` itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence, Sized
from typing import Any, TypeVar

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected

Shown = Callable[[object], object]
"""How a refused value appears as ``got``."""

HashableT = TypeVar("HashableT", bound=Hashable)


def type_name(value: object) -> str:
    return type(value).__name__


def as_given(value: object) -> object:
    return value


def nothing(value: object) -> None:
    """Show no value (the refusal has no ``got``)."""
    return None


def text_or_type_name(value: object) -> object:
    """Show text as itself and anything else by its type."""
    return value if isinstance(value, str) else type_name(value)


def number_or(shown: Shown) -> Shown:
    """Show an integer as itself and anything else with ``shown``."""

    def show(value: object) -> object:
        return value if isinstance(value, int) else shown(value)

    return show


def reject_unknown_fields(
    args: Mapping[str, Any],
    allowed: frozenset[str],
    *,
    prefix: str = "args.",
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    reason: str = "unknown argument",
    expected: str | None = None,
) -> None:
    """Refuse the first key (in sorted order) not in ``allowed``, naming ``prefix + key``."""
    for key in sorted(args):
        if key not in allowed:
            raise TxRejected(
                code,
                reason,
                field=f"{prefix}{key}",
                expected=expected or f"one of {', '.join(sorted(allowed))}",
                got=key,
            )


def required(args: Mapping[str, Any], key: str) -> object:
    """``args[key]``, refused as a missing argument when absent."""
    if key not in args:
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT,
            "missing argument",
            field=f"args.{key}",
            expected=f"the argument {key!r}",
            got="nothing",
        )
    return args[key]


def require_text(
    value: object,
    field: str,
    *,
    expected: str,
    reason: str = "wrong type",
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    pattern: re.Pattern[str] | None = None,
    max_chars: int | None = None,
    non_blank: bool = False,
    got: Shown = type_name,
) -> str:
    """Text (matching ``pattern``, at most ``max_chars``, not blank when asked): one refusal."""
    if (
        isinstance(value, str)
        and not (non_blank and not value.strip())
        and (max_chars is None or len(value) <= max_chars)
        and (pattern is None or pattern.fullmatch(value) is not None)
    ):
        return value
    raise TxRejected(code, reason, field=field, expected=expected, got=got(value))


def require_utf8_size(
    text: str,
    field: str,
    max_bytes: int,
    *,
    reason: str = "text too long",
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
) -> str:
    """At most ``max_bytes`` of UTF-8; the refusal shows the size."""
    size = len(text.encode())
    if size > max_bytes:
        raise TxRejected(
            code,
            reason,
            field=field,
            expected=f"at most {max_bytes} bytes of UTF-8",
            got=f"{size} bytes",
        )
    return text


def optional_text(args: Mapping[str, Any], key: str, max_bytes: int) -> str:
    """``args[key]`` as text of at most ``max_bytes`` of UTF-8 ("" when absent)."""
    text = require_text(args.get(key, ""), f"args.{key}", expected="text")
    return require_utf8_size(text, f"args.{key}", max_bytes)


def require_bytes(
    value: object,
    field: str,
    *,
    expected: str,
    reason: str = "wrong type",
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    size: int | None = None,
    got: Shown = type_name,
) -> bytes:
    """A byte string (of exactly ``size`` bytes when given): one refusal."""
    if isinstance(value, bytes) and (size is None or len(value) == size):
        return value
    raise TxRejected(code, reason, field=field, expected=expected, got=got(value))


def require_int(
    value: object,
    field: str,
    *,
    expected: str,
    reason: str,
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    minimum: int | None = None,
    maximum: int | None = None,
    multiple_of: int | None = None,
    got: Shown = type_name,
) -> int:
    """An integer, not a boolean, from ``minimum`` to ``maximum`` inclusive: one refusal."""
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and (minimum is None or value >= minimum)
        and (maximum is None or value <= maximum)
        and (multiple_of is None or value % multiple_of == 0)
    ):
        return value
    raise TxRejected(code, reason, field=field, expected=expected, got=got(value))


def require_bool(
    value: object,
    field: str,
    *,
    expected: str = "true or false",
    reason: str = "wrong type",
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    got: Shown = type_name,
) -> bool:
    if isinstance(value, bool):
        return value
    raise TxRejected(code, reason, field=field, expected=expected, got=got(value))


def require_list(
    value: object,
    field: str,
    *,
    expected: str,
    reason: str = "wrong type",
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    min_items: int = 0,
    max_items: int | None = None,
    got: Shown = type_name,
) -> list[object]:
    """A list (of ``min_items`` to ``max_items`` entries): one refusal."""
    if (
        isinstance(value, list)
        and len(value) >= min_items
        and (max_items is None or len(value) <= max_items)
    ):
        return value
    raise TxRejected(code, reason, field=field, expected=expected, got=got(value))


def require_at_most(
    items: Sized,
    field: str,
    maximum: int,
    *,
    reason: str,
    expected: str,
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    unit: str | None = None,
) -> None:
    """No more than ``maximum`` entries; the refusal shows how many (``"<n> <unit>"`` if given)."""
    count = len(items)
    if count > maximum:
        got = count if unit is None else f"{count} {unit}"
        raise TxRejected(code, reason, field=field, expected=expected, got=got)


def require_one_of(
    value: object,
    field: str,
    choices: Collection[str],
    *,
    reason: str,
    expected: str,
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    got: Shown = as_given,
) -> str:
    if isinstance(value, str) and value in choices:
        return value
    raise TxRejected(code, reason, field=field, expected=expected, got=got(value))


def require_new(
    item: HashableT,
    earlier: Collection[HashableT],
    field: str,
    *,
    reason: str,
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    expected: str | None = None,
    got: Callable[[HashableT], object] = as_given,
) -> HashableT:
    """``item`` does not repeat one of ``earlier`` (the entries before it)."""
    if item in earlier:
        raise TxRejected(code, reason, field=field, expected=expected, got=got(item))
    return item


def require_distinct(
    items: Sequence[HashableT],
    field: str,
    *,
    reason: str,
    code: ResultCode = ResultCode.INVALID_ARGUMENT,
    expected: str | None = None,
    got: Callable[[HashableT], object] = as_given,
) -> tuple[HashableT, ...]:
    """No entry repeats an earlier one; the refusal names the first repeat, ``field[i]``."""
    seen: set[HashableT] = set()
    for index, item in enumerate(items):
        require_new(
            item, seen, f"{field}[{index}]", reason=reason, code=code, expected=expected, got=got
        )
        seen.add(item)
    return tuple(items)


ISO_3166_COUNTRIES = frozenset(
    (
        "AD",
        "AE",
        "AF",
        "AG",
        "AI",
        "AL",
        "AM",
        "AO",
        "AQ",
        "AR",
        "AS",
        "AT",
        "AU",
        "AW",
        "AX",
        "AZ",
        "BA",
        "BB",
        "BD",
        "BE",
        "BF",
        "BG",
        "BH",
        "BI",
        "BJ",
        "BL",
        "BM",
        "BN",
        "BO",
        "BQ",
        "BR",
        "BS",
        "BT",
        "BV",
        "BW",
        "BY",
        "BZ",
        "CA",
        "CC",
        "CD",
        "CF",
        "CG",
        "CH",
        "CI",
        "CK",
        "CL",
        "CM",
        "CN",
        "CO",
        "CR",
        "CU",
        "CV",
        "CW",
        "CX",
        "CY",
        "CZ",
        "DE",
        "DJ",
        "DK",
        "DM",
        "DO",
        "DZ",
        "EC",
        "EE",
        "EG",
        "EH",
        "ER",
        "ES",
        "ET",
        "FI",
        "FJ",
        "FK",
        "FM",
        "FO",
        "FR",
        "GA",
        "GB",
        "GD",
        "GE",
        "GF",
        "GG",
        "GH",
        "GI",
        "GL",
        "GM",
        "GN",
        "GP",
        "GQ",
        "GR",
        "GS",
        "GT",
        "GU",
        "GW",
        "GY",
        "HK",
        "HM",
        "HN",
        "HR",
        "HT",
        "HU",
        "ID",
        "IE",
        "IL",
        "IM",
        "IN",
        "IO",
        "IQ",
        "IR",
        "IS",
        "IT",
        "JE",
        "JM",
        "JO",
        "JP",
        "KE",
        "KG",
        "KH",
        "KI",
        "KM",
        "KN",
        "KP",
        "KR",
        "KW",
        "KY",
        "KZ",
        "LA",
        "LB",
        "LC",
        "LI",
        "LK",
        "LR",
        "LS",
        "LT",
        "LU",
        "LV",
        "LY",
        "MA",
        "MC",
        "MD",
        "ME",
        "MF",
        "MG",
        "MH",
        "MK",
        "ML",
        "MM",
        "MN",
        "MO",
        "MP",
        "MQ",
        "MR",
        "MS",
        "MT",
        "MU",
        "MV",
        "MW",
        "MX",
        "MY",
        "MZ",
        "NA",
        "NC",
        "NE",
        "NF",
        "NG",
        "NI",
        "NL",
        "NO",
        "NP",
        "NR",
        "NU",
        "NZ",
        "OM",
        "PA",
        "PE",
        "PF",
        "PG",
        "PH",
        "PK",
        "PL",
        "PM",
        "PN",
        "PR",
        "PS",
        "PT",
        "PW",
        "PY",
        "QA",
        "RE",
        "RO",
        "RS",
        "RU",
        "RW",
        "SA",
        "SB",
        "SC",
        "SD",
        "SE",
        "SG",
        "SH",
        "SI",
        "SJ",
        "SK",
        "SL",
        "SM",
        "SN",
        "SO",
        "SR",
        "SS",
        "ST",
        "SV",
        "SX",
        "SY",
        "SZ",
        "TC",
        "TD",
        "TF",
        "TG",
        "TH",
        "TJ",
        "TK",
        "TL",
        "TM",
        "TN",
        "TO",
        "TR",
        "TT",
        "TV",
        "TW",
        "TZ",
        "UA",
        "UG",
        "UM",
        "US",
        "UY",
        "UZ",
        "VA",
        "VC",
        "VE",
        "VG",
        "VI",
        "VN",
        "VU",
        "WF",
        "WS",
        "YE",
        "YT",
        "ZA",
        "ZM",
        "ZW",
    )
)
"""The 249 officially assigned ISO 3166-1 alpha-2 country codes (the standard's list as of
2026; a change to it is a change of the chain's rules)."""
JURISDICTION_PATTERN = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


def require_jurisdiction(
    value: object, field: str, *, code: ResultCode = ResultCode.INVALID_ARGUMENT
) -> str:
    """An ISO 3166 code of where data lives: an assigned country (``VN``), or a subdivision
    of one (``VN-HN``; the subdivision's shape only, since provinces merge and split)."""
    text = require_text(
        value,
        field,
        code=code,
        pattern=JURISDICTION_PATTERN,
        reason="not an ISO 3166 code",
        expected="a country code (VN) or a subdivision code (VN-HN, VN-SG)",
        got=text_or_type_name,
    )
    if text[:2] not in ISO_3166_COUNTRIES:
        raise TxRejected(
            code,
            "no country has this ISO 3166 code",
            field=field,
            expected="an assigned ISO 3166-1 alpha-2 country code (VN, SG, JP, ...)",
            got=text,
        )
    return text
