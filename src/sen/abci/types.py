"""The ABCI-shaped boundary between a consensus engine and the Sen application.

These are the ABCI 2.0 methods of CometBFT v0.38 with their request and
response fields, as Python types. An engine (the embedded one, or the
CometBFT socket adapter) calls them; the application never knows which
engine it runs under. Field names follow the ABCI protobuf definitions so
that the adapter is a mechanical translation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol

from sen.ledger.light.types import Timestamp
from sen.ledger.types import Event


class CheckTxType(IntEnum):
    NEW = 0
    RECHECK = 1


class ProposalStatus(IntEnum):
    UNKNOWN = 0
    ACCEPT = 1
    REJECT = 2


@dataclass(frozen=True, slots=True)
class ValidatorUpdate:
    pub_key_type: str  # "ed25519"
    pub_key: bytes
    power: int


@dataclass(frozen=True, slots=True)
class RequestInfo:
    version: str = ""
    block_version: int = 11
    p2p_version: int = 8
    abci_version: str = "2.0.0"


@dataclass(frozen=True, slots=True)
class ResponseInfo:
    data: str
    version: str
    app_version: int
    last_block_height: int
    last_block_app_hash: bytes


@dataclass(frozen=True, slots=True)
class RequestInitChain:
    time: Timestamp
    chain_id: str
    validators: tuple[ValidatorUpdate, ...]
    app_state_bytes: bytes
    initial_height: int = 1


@dataclass(frozen=True, slots=True)
class ResponseInitChain:
    validators: tuple[ValidatorUpdate, ...]
    app_hash: bytes


@dataclass(frozen=True, slots=True)
class RequestCheckTx:
    tx: bytes
    type: CheckTxType = CheckTxType.NEW


@dataclass(frozen=True, slots=True)
class ResponseCheckTx:
    code: int
    data: bytes = b""
    log: str = ""
    codespace: str = ""
    gas_wanted: int = 0
    # not in ABCI: for clear API errors (field at fault, expected, got); never hashed
    field: str = ""
    expected: str = ""
    got: str = ""
    admitted: bool | None = None  # set by an engine that knows it admitted this one


@dataclass(frozen=True, slots=True)
class CommitInfo:
    round: int = 0
    votes: tuple[tuple[bytes, int, bool], ...] = ()  # (validator address, power, signed)


@dataclass(frozen=True, slots=True)
class RequestPrepareProposal:
    max_tx_bytes: int
    txs: tuple[bytes, ...]
    height: int
    time: Timestamp
    next_validators_hash: bytes
    proposer_address: bytes
    local_last_commit: CommitInfo = CommitInfo()


@dataclass(frozen=True, slots=True)
class ResponsePrepareProposal:
    txs: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class RequestProcessProposal:
    txs: tuple[bytes, ...]
    hash: bytes
    height: int
    time: Timestamp
    next_validators_hash: bytes
    proposer_address: bytes
    proposed_last_commit: CommitInfo = CommitInfo()


@dataclass(frozen=True, slots=True)
class ResponseProcessProposal:
    status: ProposalStatus


@dataclass(frozen=True, slots=True)
class RequestFinalizeBlock:
    txs: tuple[bytes, ...]
    hash: bytes
    height: int
    time: Timestamp
    next_validators_hash: bytes
    proposer_address: bytes
    decided_last_commit: CommitInfo = CommitInfo()


@dataclass(frozen=True, slots=True)
class ExecTxResult:
    code: int
    data: bytes = b""
    log: str = ""
    info: str = ""
    gas_wanted: int = 0
    gas_used: int = 0
    events: tuple[Event, ...] = ()
    codespace: str = ""


@dataclass(frozen=True, slots=True)
class ResponseFinalizeBlock:
    tx_results: tuple[ExecTxResult, ...]
    app_hash: bytes
    events: tuple[Event, ...] = ()
    validator_updates: tuple[ValidatorUpdate, ...] = ()


@dataclass(frozen=True, slots=True)
class ResponseCommit:
    retain_height: int = 0


@dataclass(frozen=True, slots=True)
class RequestQuery:
    path: str
    data: bytes = b""
    height: int = 0
    prove: bool = False


@dataclass(frozen=True, slots=True)
class ResponseQuery:
    code: int
    value: bytes = b""
    key: bytes = b""
    log: str = ""
    height: int = 0
    proof: dict[str, object] = field(default_factory=dict)


class OfferSnapshotResult(IntEnum):
    UNKNOWN = 0
    ACCEPT = 1
    ABORT = 2
    REJECT = 3
    REJECT_FORMAT = 4
    REJECT_SENDER = 5


class ApplySnapshotChunkResult(IntEnum):
    UNKNOWN = 0
    ACCEPT = 1
    ABORT = 2
    RETRY = 3
    RETRY_SNAPSHOT = 4
    REJECT_SNAPSHOT = 5


@dataclass(frozen=True, slots=True)
class Snapshot:
    height: int
    format: int
    chunks: int
    hash: bytes
    metadata: bytes = b""


@dataclass(frozen=True, slots=True)
class ResponseListSnapshots:
    snapshots: tuple[Snapshot, ...] = ()


@dataclass(frozen=True, slots=True)
class RequestOfferSnapshot:
    snapshot: Snapshot
    app_hash: bytes  # trusted: from the light client, for the snapshot's height


@dataclass(frozen=True, slots=True)
class ResponseOfferSnapshot:
    result: OfferSnapshotResult


@dataclass(frozen=True, slots=True)
class RequestLoadSnapshotChunk:
    height: int
    format: int
    chunk: int


@dataclass(frozen=True, slots=True)
class ResponseLoadSnapshotChunk:
    chunk: bytes = b""


@dataclass(frozen=True, slots=True)
class RequestApplySnapshotChunk:
    index: int
    chunk: bytes
    sender: str = ""


@dataclass(frozen=True, slots=True)
class ResponseApplySnapshotChunk:
    result: ApplySnapshotChunkResult
    refetch_chunks: tuple[int, ...] = ()
    reject_senders: tuple[str, ...] = ()


class Application(Protocol):
    """What every consensus engine drives (ABCI 2.0 as of CometBFT v0.38).

    Vote extensions are not used by Sen: an ABCI server answers ExtendVote with
    an empty extension and VerifyVoteExtension with ACCEPT without asking the app.
    """

    def info(self, request: RequestInfo) -> ResponseInfo: ...
    def init_chain(self, request: RequestInitChain) -> ResponseInitChain: ...
    def check_tx(self, request: RequestCheckTx) -> ResponseCheckTx: ...
    def check_txs(
        self, raws: Sequence[bytes], kind: CheckTxType = CheckTxType.NEW
    ) -> list[ResponseCheckTx]:
        """CheckTx for consecutive requests at once, answers in order (signatures in parallel)."""
        ...

    def prepare_proposal(self, request: RequestPrepareProposal) -> ResponsePrepareProposal: ...
    def process_proposal(self, request: RequestProcessProposal) -> ResponseProcessProposal: ...
    def finalize_block(self, request: RequestFinalizeBlock) -> ResponseFinalizeBlock: ...
    def commit(self) -> ResponseCommit: ...
    def query(self, request: RequestQuery) -> ResponseQuery: ...
    def list_snapshots(self) -> ResponseListSnapshots: ...
    def offer_snapshot(self, request: RequestOfferSnapshot) -> ResponseOfferSnapshot: ...
    def load_snapshot_chunk(
        self, request: RequestLoadSnapshotChunk
    ) -> ResponseLoadSnapshotChunk: ...
    def apply_snapshot_chunk(
        self, request: RequestApplySnapshotChunk
    ) -> ResponseApplySnapshotChunk: ...
