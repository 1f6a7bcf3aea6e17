"""Bodies of the receipt verification and statistics routes."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from sen.api.schemas import Schema

# -- receipt verification -------------------------------------------------------


class VerifyReceipt(Schema):
    receipt: Any = Field(
        description="A receipt (format `sen-evidence-receipt`) as JSON, as `sen evidence receipt` "
        "or `GET /v1/evidence/{algorithm}/{digest}/receipt` gives it."
    )
    document_digest: str | None = Field(
        default=None,
        description="Optional: the document's digest (hex, the receipt's algorithm), to check "
        "that the document is the one anchored, like `sen verify --file`.",
        json_schema_extra={"pattern": r"^(?:[0-9a-fA-F]{2}){1,64}$"},
    )


class Localized(Schema):
    en: str
    vi: str


class ReceiptCheckView(Schema):
    name: str = Field(description="The check's name, as `sen verify --json` reports it.")
    ok: bool
    label: Localized = Field(description="The check's name for people.")
    explanation: Localized = Field(description="What passing or failing this check means.")
    detail: str = Field(description="The verifier's own reason (technical, English).")


class ReceiptVerification(Schema):
    valid: bool
    failed_check: str | None = Field(description="The check that failed; null when valid.")
    checks: list[ReceiptCheckView] = Field(
        description="Checks run, in order; they stop at the first failure."
    )
    not_run: list[str] = Field(description="Checks not reached because an earlier one failed.")
    chain_id: str
    algorithm: str
    digest: str
    height: int
    time: str
    tx_hash: str
    sender: str
    title: str
    organisation: str
    reference: str
    document_checked: bool = Field(description="True when a document digest was compared.")


# -- statistics -------------------------------------------------------------------


class StatisticsTotals(Schema):
    transactions: int = Field(description="Committed transactions (succeeded and failed).")
    succeeded: int
    failed: int
    anchors: int = Field(description="Digests anchored by successful evidence transactions.")
    blocks: int
    organisations: int = Field(description="Distinct organisations that anchored.")
    validators: int
    credentials_issued: int | None = Field(
        description=(
            "Always null: credentials stay off chain and so does the fact of issuing one; "
            "issuing nodes keep their own records."
        )
    )
    credentials_revoked: int | None = Field(
        description="Entries set on revocation status lists in the period (from the chain)."
    )
    credentials_suspended: int | None = Field(
        default=None, description="Entries set on suspension status lists in the period."
    )


class DayRow(Schema):
    date: str
    transactions: int
    succeeded: int
    failed: int
    anchors: int
    blocks: int


class ActionRow(Schema):
    date: str
    module: str
    action: str
    transactions: int
    succeeded: int
    failed: int


class OrganisationRow(Schema):
    date: str
    organisation: str
    transactions: int = Field(description="Successful anchoring transactions.")
    anchors: int = Field(description="Digests they anchored.")


class StatisticsView(Schema):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    chain_id: str
    from_date: str = Field(alias="from", description="First day, YYYY-MM-DD.")
    to_date: str = Field(alias="to", description="Last day (inclusive), YYYY-MM-DD.")
    utc_offset: str = Field(description="The offset the days are counted in, e.g. +07:00.")
    generated_at: str = Field(description="When the report was made, RFC 3339 (UTC).")
    first_height: int | None = Field(description="First block in the period; null if none.")
    last_height: int | None
    totals: StatisticsTotals
    days: list[DayRow] = Field(description="Every day of the period, in order, zeros included.")
    by_action: list[ActionRow] = Field(description="Per day and module/action; active ones only.")
    by_organisation: list[OrganisationRow] = Field(description="Per day and organisation.")
    organisations: list[str] = Field(description="Organisations active in the period.")
