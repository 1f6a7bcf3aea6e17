"""XML Schema ``dateTimeStamp`` values, as VCDM 2.0 and Data Integrity require them.

``validFrom``, ``validUntil`` and a proof's ``created``/``expires`` are
``dateTimeStamp`` strings (XSD 1.1 Part 2, §3.4.28): a ``dateTime`` that
*must* carry a time zone, ``Z`` or ``±hh:mm``. Sen reads years 0001–9999
(what Python's ``datetime`` holds); fractional seconds of any length are
accepted and kept to the microsecond.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["format_datetime_stamp", "parse_datetime_stamp"]

_DATE_TIME_STAMP = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|(?P<sign>[+-])(?P<zone_hour>\d{2}):(?P<zone_minute>\d{2}))",
    re.ASCII,  # \d is 0-9 only, not every script's digits
)


def parse_datetime_stamp(text: object) -> datetime:
    """The aware ``datetime`` of an XSD ``dateTimeStamp``; ``ValueError`` says what is wrong."""
    if not isinstance(text, str):
        raise ValueError(f"expected a date-time string, got {type(text).__name__}")
    match = _DATE_TIME_STAMP.fullmatch(text)
    if match is None:
        raise ValueError(
            f"{text!r} is not an XML Schema dateTimeStamp "
            "(YYYY-MM-DDThh:mm:ss[.fff] with a time zone, Z or ±hh:mm)"
        )
    zone_hour = int(match["zone_hour"] or 0)
    zone_minute = int(match["zone_minute"] or 0)
    if zone_hour > 14 or zone_minute > 59 or (zone_hour == 14 and zone_minute):
        raise ValueError(f"{text!r} has a time zone offset outside ±14:00")
    offset = timedelta(hours=zone_hour, minutes=zone_minute)
    if match["sign"] == "-":
        offset = -offset
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    try:
        return datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            int(fraction),
            tzinfo=UTC if match["zone"] == "Z" else timezone(offset),
        )
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date-time: {exc}") from None


def format_datetime_stamp(moment: datetime) -> str:
    """``moment`` in UTC as ``YYYY-MM-DDThh:mm:ssZ`` (whole seconds, as proofs usually are)."""
    if moment.tzinfo is None:
        raise ValueError("a dateTimeStamp needs an aware datetime (with a time zone)")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
