"""The traceability registry and capture jobs on chain (module ``trace``,
``docs/spec/traceability.md``), each with its state proof.

``GET /v1/trace/prefixes/{prefix}`` who speaks for a GS1 Company Prefix;
``GET /v1/trace/holders/{holder}/prefixes`` every prefix a DID speaks for;
``GET /v1/trace/keys/{digits}/holder`` who speaks for a GS1 key (its digits, company
prefix first, as ``sen.light.gs1_keys.key_digits`` reads them);
``GET /v1/trace/captures/{capture}`` a capture job's record: its Merkle root, count,
capturer, prefixes, and where it was recorded;
``GET /v1/trace/captures/{capture}/proof`` what proves that record's transaction
committed (the block part of an event receipt, which the EPCIS repository completes).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import NotFound
from sen.api.json_body import JsonRoute
from sen.api.parsing import pattern, require_match
from sen.api.problems import documented
from sen.api.proved import Proved, proved
from sen.api.schemas import Schema
from sen.ledger.modules.trace import (
    CaptureRecord,
    PrefixGrant,
    capture_key,
    holder_of,
    prefix_key,
    prefixes_of,
)
from sen.services.readmodels.receipts import committed_tx_proof

router = APIRouter(route_class=JsonRoute, tags=["trace"])

PREFIX_PATTERN = re.compile(r"^[0-9]{4,12}$")
DIGITS_PATTERN = re.compile(r"^[0-9]{4,30}$")
CAPTURE_PATTERN = re.compile(r"^[0-9a-f]{32}$")
HOLDER_PATTERN = re.compile(r"^did:sen:[a-z0-9][a-z0-9.-]{0,63}$")

Prefix = Annotated[
    str,
    Path(description="A GS1 Company Prefix: 4 to 12 digits.", examples=["8935678"],
         json_schema_extra=pattern(PREFIX_PATTERN.pattern)),
]  # fmt: skip
Digits = Annotated[
    str,
    Path(description="A GS1 key's digits, company prefix first.", examples=["893567801234"],
         json_schema_extra=pattern(DIGITS_PATTERN.pattern)),
]  # fmt: skip
Capture = Annotated[
    str,
    Path(description="A capture job's id: 16 bytes, hex.",
         examples=["00112233445566778899aabbccddeeff"],
         json_schema_extra=pattern(CAPTURE_PATTERN.pattern)),
]  # fmt: skip
Holder = Annotated[
    str,
    Path(description="A did:sen DID.", examples=["did:sen:htx-xoai-son-la"],
         json_schema_extra=pattern(HOLDER_PATTERN.pattern)),
]  # fmt: skip


class PrefixView(Schema):
    prefix: str = Field(description="The GS1 Company Prefix.")
    holder: str = Field(description="The DID that speaks for every GS1 key under it.")
    granted_height: int
    record: Proved


class CaptureView(Schema):
    capture: str
    capturer: str = Field(description="The DID the capture job speaks for.")
    root: str = Field(description="RFC 6962 Merkle root over the job's leaves, hex.")
    count: int = Field(description="Leaves: events in the job.")
    prefixes: list[str] = Field(description="The capturer's prefixes its events claim.")
    height: int = Field(description="Where the job was recorded.")
    index: int = Field(description="The transaction's position in its block.")
    record: Proved


def _prefix_view(node: NodeDep, grant: PrefixGrant) -> PrefixView:
    found = proved(node, prefix_key(grant.prefix))
    assert found is not None
    return PrefixView(
        prefix=grant.prefix, holder=grant.holder, granted_height=grant.height, record=found[1]
    )


@router.get(
    "/v1/trace/prefixes/{prefix}",
    summary="Who speaks for a GS1 Company Prefix",
    description=(
        "The DID granted the prefix by governance (`grant_gs1_prefix`), with the state proof. "
        "Only that DID's controllers may record capture jobs whose events claim it.\n\n"
        "*Ai được quyền với mã doanh nghiệp GS1 này.*"
    ),
    responses=documented(400, 404),
)
def prefix(prefix: Prefix, node: NodeDep) -> PrefixView:
    require_match(PREFIX_PATTERN, prefix, "prefix", "4 to 12 digits")
    found = proved(node, prefix_key(prefix))
    if found is None:
        raise NotFound(f"no grant of GS1 Company Prefix {prefix}", field="prefix")
    return _prefix_view(node, PrefixGrant.from_value(found[0]))


@router.get(
    "/v1/trace/holders/{holder}/prefixes",
    summary="Every GS1 Company Prefix a DID speaks for",
    description="*Các mã doanh nghiệp GS1 của một DID.*",
    responses=documented(400),
)
def holder_prefixes(holder: Holder, node: NodeDep) -> list[PrefixView]:
    require_match(HOLDER_PATTERN, holder, "holder", "a did:sen DID")
    return [_prefix_view(node, grant) for grant in prefixes_of(node.app.store, holder)]


@router.get(
    "/v1/trace/keys/{digits}/holder",
    summary="Who speaks for a GS1 key",
    description=(
        "The grant whose prefix starts the key's digits (company prefix first: a GTIN without "
        "its indicator and check digits, a GLN without its check digit).\n\n"
        "*Ai được quyền với một mã GS1 (GTIN, GLN...).*"
    ),
    responses=documented(400, 404),
)
def key_holder(digits: Digits, node: NodeDep) -> PrefixView:
    require_match(DIGITS_PATTERN, digits, "digits", "4 to 30 digits")
    grant = holder_of(node.app.store, digits)
    if grant is None:
        raise NotFound(f"no GS1 Company Prefix granted starts {digits}", field="digits")
    return _prefix_view(node, grant)


def _capture(node: NodeDep, capture: str) -> tuple[CaptureRecord, Proved]:
    require_match(CAPTURE_PATTERN, capture, "capture", "32 lowercase hex digits")
    found = proved(node, capture_key(bytes.fromhex(capture)))
    if found is None:
        raise NotFound(f"no capture job {capture} is recorded", field="capture")
    return CaptureRecord.from_value(found[0]), found[1]


@router.get(
    "/v1/trace/captures/{capture}",
    summary="A capture job's record on chain",
    description="*Bản ghi một lô sự kiện EPCIS trên chuỗi.*",
    responses=documented(400, 404),
)
def capture(capture: Capture, node: NodeDep) -> CaptureView:
    record, view = _capture(node, capture)
    return CaptureView(
        capture=record.capture.hex(), capturer=record.capturer, root=record.root.hex(),
        count=record.count, prefixes=list(record.prefixes), height=record.height,
        index=record.index, record=view,
    )  # fmt: skip


@router.get(
    "/v1/trace/captures/{capture}/proof",
    summary="What proves a capture job's transaction committed",
    description=(
        "The transaction that recorded the job, its inclusion and result proofs, its block's "
        "header, the next header and its commit, and the validator set: the members of an "
        "event receipt that the EPCIS repository does not hold (`docs/spec/traceability.md`). "
        "409 until the next block is committed (retry).\n\n"
        "*Bằng chứng giao dịch ghi lô sự kiện đã được xác nhận.*"
    ),
    responses=documented(400, 404, 409),
)
def capture_proof(capture: Capture, node: NodeDep) -> Any:
    record, _ = _capture(node, capture)
    return committed_tx_proof(node, record.height, record.index)
