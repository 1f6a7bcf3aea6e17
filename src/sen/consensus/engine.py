"""What the node, API and CLI need from a consensus engine, whichever runs.

Two engines implement it: the embedded one (one validator, in-process) and
the CometBFT one (our ABCI server behind a CometBFT process). Code above the
engine (queries, receipts, the REST API) is written against this protocol only.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any, Protocol

from sen.abci.types import ResponseCheckTx
from sen.ledger.light.types import Header
from sen.light.genesis import Genesis
from sen.store.blocks import StoredBlock


class EngineOutcome(IntEnum):
    """CheckTx codes an engine answers itself, before or instead of the ledger's rules.

    Never ledger :class:`~sen.ledger.codes.ResultCode` values (those stay below
    1000) and never HTTP statuses: the API maps each to a problem of its own.
    """

    MEMPOOL_FULL = 1001  # the engine's "try later"
    DUPLICATE = 1002  # already waiting or already committed
    CONSENSUS_REFUSED = 1003  # CometBFT's mempool refused it (reason in log)


class BlockSource(Protocol):
    """Committed blocks and their commits, in CometBFT's JSON forms."""

    def load_block(self, height: int) -> StoredBlock | None: ...
    def load_commit(self, height: int) -> dict[str, Any] | None: ...
    def load_tx(self, height: int, index: int) -> bytes | None: ...


class MempoolView(Protocol):
    """Transactions admitted by CheckTx and not yet committed."""

    def get(self, tx_hash: bytes) -> bytes | None: ...
    def __contains__(self, tx_hash: bytes) -> bool: ...
    def __len__(self) -> int: ...
    @property
    def size_bytes(self) -> int: ...


class LastBlock(Protocol):
    @property
    def height(self) -> int: ...
    @property
    def header(self) -> Header: ...
    @property
    def tx_hashes(self) -> tuple[bytes, ...]: ...


class EngineSettings(Protocol):
    @property
    def block_interval(self) -> float: ...


class Engine(Protocol):
    genesis: Genesis

    @property
    def error(self) -> BaseException | None:
        """Why consensus stopped (None while it runs)."""
        ...

    @property
    def blocks(self) -> BlockSource: ...
    @property
    def mempool(self) -> MempoolView: ...
    @property
    def config(self) -> EngineSettings: ...
    @property
    def last(self) -> LastBlock | None: ...
    @property
    def height(self) -> int: ...

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def submit(
        self, raws: Sequence[bytes], *, all_or_nothing: bool = False
    ) -> list[ResponseCheckTx]: ...
    def wait_for_height(self, height: int, timeout: float) -> bool: ...
    def validator_set(self, height: int) -> dict[str, Any] | None:
        """The validator set that signs block ``height`` (RPC ``/validators`` JSON form)."""
        ...

    def validator_history(self, until: int) -> list[dict[str, Any]]:
        """Each validator-set change before block ``until``: header, commit, next set."""
        ...

    def peers(self) -> list[str] | None:
        """Connected peers as ``moniker (node id @ address)``; None when not known now."""
        ...
