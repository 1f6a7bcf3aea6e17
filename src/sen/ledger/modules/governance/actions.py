"""The governance module's actions: ``propose`` and ``vote``, both for organisation admins.

A vote is processed in this order:

1. ``load_open_proposal``: the proposal exists, is not decided, and its voting
   period is not over;
2. the sender's organisation has not voted on it yet (``check_first_vote``);
3. ``decide``: the votes of the organisations active now are counted; a
   proposal that passes is executed at once (``execute_passed``), and if its
   execution is refused it is FAILED with the refusal's ``ResultCode`` and
   nothing of it is applied. The words of the refusal go to the vote's log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    as_given,
    optional_text,
    reject_unknown_fields,
    require_int,
    require_one_of,
)
from sen.ledger.modules.base import Action, Context, Module, Outcome
from sen.ledger.modules.governance.genesis import governance_genesis
from sen.ledger.modules.governance.kinds import KINDS
from sen.ledger.modules.governance.records import (
    FAILED,
    OPEN,
    PASSED,
    REJECTED,
    Proposal,
    Vote,
    load_config,
    load_proposal,
    next_proposal_id,
    save_proposal,
    tally,
)
from sen.ledger.modules.membership import registry
from sen.ledger.state import Overlay, StateReader
from sen.ledger.types import ChainParams, Event, EventAttribute, ValidatorChange

CHOICES = ("yes", "no")


@dataclass(frozen=True, slots=True)
class ProposeArgs:
    kind: str
    payload: dict[str, Any]
    title: str
    voting_period: int | None


@dataclass(frozen=True, slots=True)
class VoteArgs:
    proposal: int
    choice: str


def _organisation_of(ctx: Context) -> str:
    member = registry.load_member(ctx.state, ctx.sender)
    if member is None:
        raise TxRejected(
            ResultCode.NOT_IN_AN_ORGANISATION,
            "only organisation admins take part in governance",
            field="sender",
            expected="an enrolled admin",
            got=ctx.sender.hex(),
        )
    return str(member.org)


class Propose(Action[ProposeArgs]):
    name = "propose"
    permission: str | None = "admin"
    fields = frozenset({"kind", "payload", "title", "voting_period"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> ProposeArgs:
        reject_unknown_fields(args, self.fields)
        kind = require_one_of(
            args.get("kind"),
            "args.kind",
            KINDS,
            code=ResultCode.INVALID_PROPOSAL,
            reason="unknown proposal kind",
            expected=f"one of {', '.join(sorted(KINDS))}",
        )
        payload = args.get("payload")
        if not isinstance(payload, dict):
            raise TxRejected(
                ResultCode.INVALID_PROPOSAL,
                "payload must be a map",
                field="args.payload",
                expected="map",
                got=type(payload).__name__,
            )
        period = args.get("voting_period")
        if period is not None:
            period = require_int(
                period,
                "args.voting_period",
                code=ResultCode.INVALID_PROPOSAL,
                reason="voting period in blocks",
                expected="a positive integer",
                minimum=1,
                got=as_given,
            )
        return ProposeArgs(
            kind, KINDS[kind].parse(payload), optional_text(args, "title", 256), period
        )

    def execute(self, ctx: Context, parsed: ProposeArgs) -> Outcome:
        organisation = _organisation_of(ctx)
        config = load_config(ctx.state)
        period = config.voting_period if parsed.voting_period is None else parsed.voting_period
        if period > config.max_voting_period:
            raise TxRejected(
                ResultCode.INVALID_PROPOSAL,
                "voting period too long",
                field="args.voting_period",
                expected=f"at most {config.max_voting_period} blocks",
                got=period,
            )
        proposal = Proposal(
            id=next_proposal_id(ctx.state),
            kind=parsed.kind,
            payload=parsed.payload,
            title=parsed.title,
            proposer=ctx.sender,
            organisation=organisation,
            created_height=ctx.block.height,
            deadline_height=ctx.block.height + period,
        )
        save_proposal(ctx.state, proposal)
        event = Event(
            "governance.propose",
            (
                EventAttribute("proposal", str(proposal.id)),
                EventAttribute("kind", proposal.kind),
                EventAttribute("organisation", organisation),
                EventAttribute("deadline", str(proposal.deadline_height), index=False),
            ),
        )
        return Outcome(data=proposal.id.to_bytes(8, "big"), events=(event,))


class CastVote(Action[VoteArgs]):
    name = "vote"
    permission: str | None = "admin"
    fields = frozenset({"proposal", "choice"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> VoteArgs:
        reject_unknown_fields(args, self.fields)
        proposal = require_int(
            args.get("proposal"),
            "args.proposal",
            reason="proposal id",
            expected="a positive integer",
            minimum=1,
            got=as_given,
        )
        choice = require_one_of(
            args.get("choice"),
            "args.choice",
            CHOICES,
            reason="vote choice",
            expected=" or ".join(CHOICES),
        )
        return VoteArgs(proposal, choice)

    def execute(self, ctx: Context, parsed: VoteArgs) -> Outcome:
        height = ctx.block.height
        proposal = load_open_proposal(ctx.state, parsed.proposal, height)
        organisation = _organisation_of(ctx)
        check_first_vote(proposal, organisation)
        proposal = proposal.with_vote(Vote(organisation, parsed.choice, height, ctx.sender))
        decision = decide(ctx, proposal)
        save_proposal(ctx.state, decision.proposal)
        return Outcome(
            data=decision.proposal.status.encode(),
            events=_vote_events(decision.proposal, organisation, parsed.choice),
            validator_updates=decision.updates,
            log=decision.log,
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """A proposal after a vote, with the validator changes it makes and, if it failed, why.

    ``log`` is the refusal in words, for the vote's result log (never hashed); the
    proposal itself keeps only the refusal's code.
    """

    proposal: Proposal
    updates: tuple[ValidatorChange, ...] = ()
    log: str = ""


def load_open_proposal(state: StateReader, proposal_id: int, height: int) -> Proposal:
    """The proposal voted on: it exists, is not decided, and its voting period is not over."""
    proposal = load_proposal(state, proposal_id)
    if proposal is None:
        raise TxRejected(
            ResultCode.UNKNOWN_PROPOSAL,
            "no such proposal",
            field="args.proposal",
            got=proposal_id,
        )
    if proposal.status != OPEN:
        raise TxRejected(
            ResultCode.PROPOSAL_CLOSED,
            "the proposal is already decided",
            field="args.proposal",
            expected=OPEN,
            got=proposal.status,
        )
    if height > proposal.deadline_height:
        raise TxRejected(
            ResultCode.VOTING_CLOSED,
            "the voting period is over",
            field="args.proposal",
            expected=f"a vote by block {proposal.deadline_height}",
            got=f"block {height}",
        )
    return proposal


def check_first_vote(proposal: Proposal, organisation: str) -> None:
    if any(v.organisation == organisation for v in proposal.votes):
        raise TxRejected(
            ResultCode.DOUBLE_VOTE,
            "this organisation has already voted",
            field="sender",
            expected="one vote per organisation",
            got=organisation,
        )


def decide(ctx: Context, proposal: Proposal) -> Decision:
    """Count the votes of the organisations active now; a passed proposal is executed now."""
    config = load_config(ctx.state)
    verdict = tally(proposal, registry.active_organisations(ctx.state), config.threshold)
    if verdict == PASSED:
        return execute_passed(ctx, proposal)
    if verdict == REJECTED:
        return Decision(replace(proposal, status=REJECTED, decided_height=ctx.block.height))
    return Decision(proposal)


def execute_passed(ctx: Context, proposal: Proposal) -> Decision:
    """Apply a passed proposal; a refusal marks it FAILED with the refusal's code, applying nothing.

    The proposal is state, so it keeps the code only: the refusal's words (which
    may be reworded in any release) go to the log (docs/spec/determinism.md D6).
    """
    scratch = Overlay(ctx.state)
    try:
        updates = KINDS[proposal.kind].execute(scratch, proposal.payload, ctx.block)
    except TxRejected as exc:
        failed = replace(proposal, status=FAILED, decided_height=ctx.block.height, outcome=exc.code)
        return Decision(failed, log=_refusal_log(proposal, exc))
    scratch.merge_into(ctx.state)
    return Decision(replace(proposal, status=PASSED, decided_height=ctx.block.height), updates)


def _refusal_log(proposal: Proposal, refusal: TxRejected) -> str:
    where = f" at {refusal.field}" if refusal.field else ""
    return (
        f"proposal {proposal.id} passed, but executing it was refused with "
        f"{refusal.code.name}{where}: {refusal}"
    )


def _vote_events(proposal: Proposal, organisation: str, choice: str) -> tuple[Event, ...]:
    vote = Event(
        "governance.vote",
        (
            EventAttribute("proposal", str(proposal.id)),
            EventAttribute("organisation", organisation),
            EventAttribute("choice", choice),
        ),
    )
    if proposal.status == OPEN:
        return (vote,)
    decided = Event(
        "governance.decided",
        (
            EventAttribute("proposal", str(proposal.id)),
            EventAttribute("status", proposal.status),
            EventAttribute("kind", proposal.kind),
        ),
    )
    return (vote, decided)


MODULE = Module(
    "governance",
    {"propose": Propose(), "vote": CastVote()},
    depends_on=("membership", "trust", "interchain", "directory", "contracts", "trace"),
    genesis=governance_genesis,
)
