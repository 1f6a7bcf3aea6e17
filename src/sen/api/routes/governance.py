"""Governance: proposals with their votes and outcome, and the governance settings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import NotFound
from sen.api.json_body import JsonRoute
from sen.api.parsing import MAX_ID
from sen.api.problems import documented
from sen.api.schemas import Schema
from sen.ledger.codes import ResultCode, describe
from sen.ledger.modules.governance.records import (
    FAILED,
    Proposal,
    list_proposals,
    load_config,
    load_proposal,
)
from sen.ledger.modules.membership.registry import active_organisations
from sen.node.node import Node

router = APIRouter(route_class=JsonRoute, tags=["governance"])


class VoteView(Schema):
    organisation: str
    choice: str
    height: int
    voter: str


class ProposalView(Schema):
    id: int
    kind: str
    title: str
    payload: dict[str, Any] = Field(description="Byte strings are shown as hex.")
    proposer: str
    organisation: str
    created_height: int
    deadline_height: int
    status: str = Field(description="open, passed, rejected, failed or expired.")
    votes: list[VoteView]
    decided_height: int
    outcome: str = Field(
        description="Why executing it was refused, for status failed: the meaning of "
        "outcome_code (GET /v1/codes has it in Vietnamese too)."
    )
    outcome_code: int | None = Field(
        description="The result code executing it was refused with, for status failed; "
        "this code is what the chain records."
    )
    outcome_code_name: str | None = Field(description="The name of outcome_code.")
    outcome_log: str = Field(
        description="The refusal in words, with the payload field at fault: the log of the "
        "deciding vote (not part of the chain's state; empty if that vote is not indexed)."
    )


class ProposalList(Schema):
    proposals: list[ProposalView]


class GovernanceView(Schema):
    threshold: list[int] = Field(description="[num, den]: passes with more than num/den yes.")
    voting_period: int
    max_voting_period: int
    active_organisations: list[str]


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _deciding_log(node: Node, proposal: Proposal) -> str:
    """The log of the vote that decided ``proposal`` (it says why a failed one was refused)."""
    found = node.index.by_event("governance.decided", "proposal", str(proposal.id), limit=1)
    if not found:
        return ""
    result = node.app.store.load_result(found[0].height, found[0].index)
    return "" if result is None else result.log


def _view(node: Node, proposal: Proposal, height: int) -> ProposalView:
    failed = proposal.status == FAILED
    code = proposal.outcome if failed else None
    return ProposalView(
        id=proposal.id,
        kind=proposal.kind,
        title=proposal.title,
        payload=_plain(proposal.payload),
        proposer=proposal.proposer.hex(),
        organisation=proposal.organisation,
        created_height=proposal.created_height,
        deadline_height=proposal.deadline_height,
        status=proposal.status_at(height),
        votes=[
            VoteView(
                organisation=v.organisation, choice=v.choice, height=v.height, voter=v.voter.hex()
            )
            for v in proposal.votes
        ],
        decided_height=proposal.decided_height,
        outcome="" if code is None else describe(code),
        outcome_code=None if code is None else int(code),
        outcome_code_name=None if code is None else ResultCode(code).name,
        outcome_log=_deciding_log(node, proposal) if failed else "",
    )


@router.get(
    "/v1/governance/proposals",
    summary="Governance proposals, newest first",
    description="Every proposal with its votes and outcome.\n\n*Các đề xuất quản trị.*",
)
def proposals(
    node: NodeDep, status: str | None = Query(None, description="Only this status.")
) -> ProposalList:
    height = node.app.height
    views = [_view(node, p, height) for p in reversed(list_proposals(node.app.store))]
    return ProposalList(proposals=[v for v in views if status is None or v.status == status])


@router.get(
    "/v1/governance/proposals/{proposal_id}",
    summary="One governance proposal",
    description="Who proposed it, who voted when, and the result.\n\n*Một đề xuất quản trị.*",
    responses=documented(400, 404),
)
def proposal(
    proposal_id: Annotated[int, Path(ge=0, le=MAX_ID, description="0, 1, 2, ...")],
    node: NodeDep,
) -> ProposalView:
    found = load_proposal(node.app.store, proposal_id)
    if found is None:
        raise NotFound(f"proposal {proposal_id} does not exist", field="proposal_id")
    return _view(node, found, node.app.height)


@router.get(
    "/v1/governance",
    summary="Governance settings",
    description="Threshold, voting periods, active organisations.\n\n*Cấu hình quản trị.*",
)
def settings(node: NodeDep) -> GovernanceView:
    config = load_config(node.app.store)
    return GovernanceView(
        threshold=list(config.threshold),
        voting_period=config.voting_period,
        max_voting_period=config.max_voting_period,
        active_organisations=active_organisations(node.app.store),
    )
