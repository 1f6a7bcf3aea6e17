"""Statistics for state management: a period's activity as JSON, or exported as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest
from sen.api.json_body import JsonRoute
from sen.api.parsing import DATE_PATTERN, pattern
from sen.api.problems import documented
from sen.api.report_schemas import (
    ActionRow,
    DayRow,
    OrganisationRow,
    StatisticsTotals,
    StatisticsView,
)
from sen.services.readmodels.statistics import MAX_DAYS, ActivityReport, Period, activity_report

router = APIRouter(route_class=JsonRoute, tags=["statistics"])

DEFAULT_DAYS = 30
DEFAULT_UTC_OFFSET = "+07:00"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
CSV_COLUMNS = (
    "section",
    "date",
    "module",
    "action",
    "organisation",
    "transactions",
    "succeeded",
    "failed",
    "anchors",
    "blocks",
)

FromDate = Annotated[
    str | None,
    Query(
        alias="from",
        description=f"First day, YYYY-MM-DD (default: {DEFAULT_DAYS - 1} days before `to`).",
        json_schema_extra=pattern(DATE_PATTERN),
    ),
]
ToDate = Annotated[
    str | None,
    Query(
        alias="to",
        description="Last day, inclusive, YYYY-MM-DD (default: today).",
        json_schema_extra=pattern(DATE_PATTERN),
    ),
]
UtcOffset = Annotated[
    str,
    Query(
        description="The days' UTC offset, ±HH:MM (default +07:00, Vietnam).",
        json_schema_extra=pattern(r"^[+-](?:0[0-9]|1[0-3]):[0-5][0-9]$|^[+-]14:00$"),
    ),
]


@router.get(
    "/v1/statistics",
    summary="Activity over a period: per day, by module/action and by organisation",
    description=(
        f"Transactions per day (succeeded and failed), by module and action, anchored digests, "
        f"and anchorings by organisation (the evidence `organisation` argument), over at most "
        f"{MAX_DAYS} days counted at `utc_offset`. Credentials revoked and suspended come from "
        "the status lists on chain; credentials issued stay null (issuance is off "
        "chain).\n\n*Thống kê hoạt động theo ngày, mô-đun và tổ chức, "
        "phục vụ báo cáo quản lý nhà nước.*"
    ),
    responses=documented(400),
)
def show_statistics(
    node: NodeDep,
    from_date: FromDate = None,
    to_date: ToDate = None,
    utc_offset: UtcOffset = DEFAULT_UTC_OFFSET,
) -> StatisticsView:
    return statistics_view(activity_report(node, parse_period(from_date, to_date, utc_offset)))


@router.get(
    "/v1/statistics/export",
    summary="Download a period's activity report as CSV or JSON",
    description=(
        "The report of `GET /v1/statistics` as a file to keep or file: `format=json` is that "
        "document; `format=csv` (UTF-8 with BOM, for spreadsheets) has one row per day "
        "(`section=day`), per day and module/action (`action`), per day and organisation "
        "(`organisation`) and a `total` row.\n\n*Tải báo cáo thống kê (CSV hoặc JSON).*"
    ),
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/StatisticsView"}},
            }
        },
        **documented(400),
    },
)
def export_statistics(
    node: NodeDep,
    from_date: FromDate = None,
    to_date: ToDate = None,
    utc_offset: UtcOffset = DEFAULT_UTC_OFFSET,
    format: Annotated[Literal["csv", "json"], Query(description="File format.")] = "csv",
) -> Response:
    view = statistics_view(activity_report(node, parse_period(from_date, to_date, utc_offset)))
    name = _FILENAME_UNSAFE.sub(
        "_", f"sen-statistics-{view.chain_id}-{view.from_date}-{view.to_date}"
    )
    if format == "json":
        body = json.dumps(view.model_dump(by_alias=True), ensure_ascii=False, indent=2) + "\n"
        media_type = "application/json"
    else:
        body = "\ufeff" + render_csv(view)
        media_type = "text/csv; charset=utf-8"
    return Response(
        content=body.encode("utf-8"),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'},
    )


def parse_period(from_text: str | None, to_text: str | None, offset_text: str) -> Period:
    """The period the query names, each bad value a 400 naming its parameter."""
    offset = _parse_offset(offset_text)
    last = (
        _parse_date(to_text, "to")
        if to_text is not None
        else datetime.now(UTC).astimezone(timezone(offset)).date()
    )
    first = (
        _parse_date(from_text, "from")
        if from_text is not None
        else last - timedelta(days=DEFAULT_DAYS - 1)
    )
    if first > last:
        raise BadRequest(
            "to: the period ends before it starts",
            field="to",
            expected=f"a day on or after from ({first.isoformat()})",
            got=last.isoformat(),
        )
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise BadRequest(
            f"to: a period is at most {MAX_DAYS} days",
            field="to",
            expected=f"at most {MAX_DAYS} days from from ({first.isoformat()})",
            got=f"{days} days",
        )
    return Period(first, last, offset)


def _parse_date(text: str, field: str) -> date:
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise BadRequest(
        f"{field}: expected a date YYYY-MM-DD",
        field=field,
        expected="a date YYYY-MM-DD",
        got=repr(text[:40]),
    )


def _parse_offset(text: str) -> timedelta:
    found = _OFFSET.fullmatch(text)
    if found is not None:
        sign, hours, minutes = found.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        if int(minutes) < 60 and offset <= timedelta(hours=14):
            return -offset if sign == "-" else offset
    raise BadRequest(
        "utc_offset: expected ±HH:MM between -14:00 and +14:00",
        field="utc_offset",
        expected="±HH:MM between -14:00 and +14:00, e.g. +07:00",
        got=repr(text[:40]),
    )


def _format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def statistics_view(report: ActivityReport) -> StatisticsView:
    return StatisticsView.model_validate(
        {
            "chain_id": report.chain_id,
            "from": report.period.first.isoformat(),
            "to": report.period.last.isoformat(),
            "utc_offset": _format_offset(report.period.utc_offset),
            "generated_at": datetime.now(UTC)
            .replace(microsecond=0)
            .isoformat()
            .replace("+00:00", "Z"),
            "first_height": report.first_height,
            "last_height": report.last_height,
            "totals": StatisticsTotals(
                transactions=report.transactions,
                succeeded=report.succeeded,
                failed=report.transactions - report.succeeded,
                anchors=report.anchors,
                blocks=report.blocks,
                organisations=len(report.organisations),
                validators=report.validators,
                credentials_issued=None,
                credentials_revoked=report.credentials_revoked,
                credentials_suspended=report.credentials_suspended,
            ),
            "days": [
                DayRow(
                    date=d.day.isoformat(),
                    transactions=d.transactions,
                    succeeded=d.succeeded,
                    failed=d.transactions - d.succeeded,
                    anchors=d.anchors,
                    blocks=d.blocks,
                )
                for d in report.days
            ],
            "by_action": [
                ActionRow(
                    date=a.day.isoformat(),
                    module=a.module,
                    action=a.action,
                    transactions=a.transactions,
                    succeeded=a.succeeded,
                    failed=a.transactions - a.succeeded,
                )
                for a in report.by_action
            ],
            "by_organisation": [
                OrganisationRow(
                    date=o.day.isoformat(),
                    organisation=o.organisation,
                    transactions=o.transactions,
                    anchors=o.anchors,
                )
                for o in report.by_organisation
            ],
            "organisations": list(report.organisations),
        }
    )


def render_csv(view: StatisticsView) -> str:
    """One table: a ``section`` column says what each row counts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for d in view.days:
        writer.writerow(
            ["day", d.date, "", "", "", d.transactions, d.succeeded, d.failed, d.anchors, d.blocks]
        )
    for a in view.by_action:
        writer.writerow(
            [
                "action",
                a.date,
                a.module,
                a.action,
                "",
                a.transactions,
                a.succeeded,
                a.failed,
                "",
                "",
            ]
        )
    for o in view.by_organisation:
        writer.writerow(
            [
                "organisation",
                o.date,
                "",
                "",
                _cell(o.organisation),
                o.transactions,
                "",
                "",
                o.anchors,
                "",
            ]
        )
    t = view.totals
    period = f"{view.from_date}/{view.to_date}"
    writer.writerow(
        ["total", period, "", "", "", t.transactions, t.succeeded, t.failed, t.anchors, t.blocks]
    )
    for section, count in (
        ("credentials_revoked", t.credentials_revoked),
        ("credentials_suspended", t.credentials_suspended),
    ):
        writer.writerow([section, period, "", "", "", count or 0, "", "", "", ""])
    return out.getvalue()


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
