"""Governance state: its settings and its proposals, as canonical CBOR records.

::

    governance/config            {threshold: [num, den], voting_period, max_voting_period}
    governance/next              the next proposal id
    governance/proposal/<id:8>   one proposal with its votes and outcome

A proposal passes when the organisations voting yes are *more than*
``num/den`` of the active organisations (default 2/3), fails once it can no
longer pass, and is executed in the transaction of the deciding vote.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.state import Overlay, StateReader

CONFIG_KEY = b"governance/config"
NEXT_KEY = b"governance/next"
PROPOSAL_PREFIX = b"governance/proposal/"

DEFAULT_THRESHOLD = (2, 3)
DEFAULT_VOTING_PERIOD = 100  # blocks
DEFAULT_MAX_VOTING_PERIOD = 100_000

OPEN = "open"
PASSED = "passed"
REJECTED = "rejected"
FAILED = "failed"  # passed, but executing it was refused (the refusal's code is kept)
EXPIRED = "expired"  # shown for an open proposal past its deadline (never stored)


@dataclass(frozen=True, slots=True)
class GovernanceConfig:
    threshold: tuple[int, int] = DEFAULT_THRESHOLD
    voting_period: int = DEFAULT_VOTING_PERIOD
    max_voting_period: int = DEFAULT_MAX_VOTING_PERIOD

    def to_value(self) -> dict[str, Any]:
        return {
            "threshold": list(self.threshold),
            "voting_period": self.voting_period,
            "max_voting_period": self.max_voting_period,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> GovernanceConfig:
        num, den = value["threshold"]
        return cls(
            (int(num), int(den)), int(value["voting_period"]), int(value["max_voting_period"])
        )


@dataclass(frozen=True, slots=True)
class Vote:
    organisation: str
    choice: str  # "yes" | "no"
    height: int
    voter: bytes


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    kind: str
    payload: dict[str, Any]
    title: str
    proposer: bytes
    organisation: str
    created_height: int
    deadline_height: int
    status: str = OPEN
    votes: tuple[Vote, ...] = field(default=())
    decided_height: int = 0
    # Why executing it was refused (status FAILED), as a code: OK otherwise. Never text,
    # which is not consensus (docs/spec/determinism.md D6); the words are in the log.
    outcome: ResultCode = ResultCode.OK

    def status_at(self, height: int) -> str:
        """The status as seen at ``height`` (an open proposal past its deadline has expired)."""
        if self.status == OPEN and height > self.deadline_height:
            return EXPIRED
        return self.status

    def with_vote(self, vote: Vote) -> Proposal:
        return replace(self, votes=(*self.votes, vote))

    def to_value(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "payload": self.payload,
            "title": self.title,
            "proposer": self.proposer,
            "organisation": self.organisation,
            "created_height": self.created_height,
            "deadline_height": self.deadline_height,
            "status": self.status,
            "votes": [[v.organisation, v.choice, v.height, v.voter] for v in self.votes],
            "decided_height": self.decided_height,
            "outcome": int(self.outcome),
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Proposal:
        return cls(
            id=int(value["id"]),
            kind=str(value["kind"]),
            payload=dict(value["payload"]),
            title=str(value["title"]),
            proposer=bytes(value["proposer"]),
            organisation=str(value["organisation"]),
            created_height=int(value["created_height"]),
            deadline_height=int(value["deadline_height"]),
            status=str(value["status"]),
            votes=tuple(Vote(str(o), str(c), int(h), bytes(v)) for o, c, h, v in value["votes"]),
            decided_height=int(value["decided_height"]),
            outcome=ResultCode(int(value["outcome"])),
        )


def proposal_key(proposal_id: int) -> bytes:
    return PROPOSAL_PREFIX + proposal_id.to_bytes(8, "big")


def load_config(state: StateReader) -> GovernanceConfig:
    raw = state.get(CONFIG_KEY)
    return GovernanceConfig() if raw is None else GovernanceConfig.from_value(encoding.decode(raw))


def save_config(state: Overlay, config: GovernanceConfig) -> None:
    state.set(CONFIG_KEY, encoding.encode(config.to_value()))


def next_proposal_id(state: StateReader) -> int:
    raw = state.get(NEXT_KEY)
    return 1 if raw is None else int(encoding.decode(raw))


def load_proposal(state: StateReader, proposal_id: int) -> Proposal | None:
    raw = state.get(proposal_key(proposal_id))
    return None if raw is None else Proposal.from_value(encoding.decode(raw))


def save_proposal(state: Overlay, proposal: Proposal) -> None:
    state.set(proposal_key(proposal.id), encoding.encode(proposal.to_value()))
    if proposal.id >= next_proposal_id(state):
        state.set(NEXT_KEY, encoding.encode(proposal.id + 1))


def list_proposals(state: StateReader) -> list[Proposal]:
    """Every proposal, oldest first."""
    found = []
    for proposal_id in range(1, next_proposal_id(state)):
        proposal = load_proposal(state, proposal_id)
        if proposal is not None:
            found.append(proposal)
    return found


def tally(proposal: Proposal, active: list[str], threshold: tuple[int, int]) -> str:
    """OPEN, PASSED or REJECTED, counting only organisations active now."""
    members = set(active)
    yes = sum(1 for v in proposal.votes if v.choice == "yes" and v.organisation in members)
    no = sum(1 for v in proposal.votes if v.choice == "no" and v.organisation in members)
    num, den = threshold
    total = len(members)
    if total and yes * den > num * total:
        return PASSED
    undecided = total - yes - no
    if (yes + undecided) * den <= num * total:
        return REJECTED
    return OPEN
