"""The embedded consensus engine: one validator, in-process, no external service.

It drives the application through exactly the ABCI-shaped port, in the order
CometBFT does (prepare → process → save block → finalize → commit), and
produces headers and commits in CometBFT v0.38's formats, so receipts from a
single node verify with the same light client as those from a network.

Crash safety follows CometBFT's handshake: a block is saved before the
application executes it; on start, blocks the application has not committed
are replayed to it.

Block production: after ``block_interval`` when transactions are waiting;
one more block after a block with transactions (so its results and app hash
are committed by a header, as CometBFT's ``create_empty_blocks = false`` does);
otherwise none while idle unless ``create_empty_blocks`` is set, and then one
every ``empty_block_interval`` (a chain linked to others keeps making headers
for their light clients).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sen.abci.types import (
    ProposalStatus,
    RequestFinalizeBlock,
    RequestInfo,
    RequestInitChain,
    RequestPrepareProposal,
    RequestProcessProposal,
    ResponseCheckTx,
    ValidatorUpdate,
)
from sen.consensus.app import SenApp
from sen.consensus.embedded.mempool import Mempool
from sen.consensus.engine import EngineOutcome
from sen.consensus.errors import ConsensusError, EngineStopped, MempoolFull
from sen.ledger.light import _proto
from sen.ledger.light.commit import sign_commit
from sen.ledger.light.header import header_hash
from sen.ledger.light.merkle import EMPTY_HASH
from sen.ledger.light.parts import EMPTY_EVIDENCE_HASH, block_id, commit_hash, encode_block
from sen.ledger.light.results import exec_tx_result_bytes, results_hash
from sen.ledger.light.txs import data_hash, tx_hash
from sen.ledger.light.types import BlockID, Commit, Header, Timestamp, Validator, Version
from sen.light.genesis import Genesis
from sen.store.blocks import BlockStore, StoredBlock
from sen.store.errors import StoreCorrupted

log = logging.getLogger("sen.engine")

__all__ = [
    "CommittedBlock",
    "EmbeddedEngine",
    "EngineConfig",
]


@dataclass(frozen=True, slots=True)
class EngineConfig:
    block_interval: float = 0.5  # seconds between blocks while transactions wait
    create_empty_blocks: bool = False
    empty_block_interval: float = 0.0  # with create_empty_blocks: seconds between empty blocks
    mempool_max_txs: int = 100_000
    mempool_max_bytes: int = 256 * 1024 * 1024
    max_block_txs: int = 20_000


@dataclass(frozen=True, slots=True)
class CommittedBlock:
    height: int
    header: Header
    block_id: BlockID
    tx_hashes: tuple[bytes, ...]


def consensus_hash(max_block_bytes: int, max_gas: int = -1) -> bytes:
    """``HashedParams{block_max_bytes, block_max_gas}`` hashed as CometBFT does."""
    return hashlib.sha256(
        _proto.int_field(1, max_block_bytes) + _proto.int_field(2, max_gas)
    ).digest()


def now_timestamp() -> Timestamp:
    """The proposer's clock: the engine, not the ledger, reads the wall clock."""
    nanos = time.time_ns()
    return Timestamp(nanos // 1_000_000_000, nanos % 1_000_000_000)


class EmbeddedEngine:
    def __init__(
        self,
        app: SenApp,
        blocks: BlockStore,
        genesis: Genesis,
        validator_key: Ed25519PrivateKey,
        config: EngineConfig | None = None,
        clock: Callable[[], Timestamp] = now_timestamp,
    ) -> None:
        self.app = app
        self.blocks = blocks
        self.genesis = genesis
        self.key = validator_key
        self.config = config or EngineConfig()
        self.clock = clock
        public = validator_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.validator = Validator(public, 1)
        self.validators = genesis.validator_set()
        if self.validators.validators != (
            Validator(public, self.validators.validators[0].voting_power),
        ):
            raise ConsensusError(
                "the embedded engine runs a single validator, and the genesis validator set "
                "must be exactly this node's validator key"
            )
        self.mempool = Mempool(self.config.mempool_max_txs, self.config.mempool_max_bytes)
        self._mempool_lock = threading.Lock()
        self._wake = threading.Event()
        self._committed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._consensus_hash = consensus_hash(genesis.max_block_bytes)
        self.last: CommittedBlock | None = None
        self._last_commit: Commit | None = None
        self._last_results_hash = EMPTY_HASH
        self._last_had_txs = False
        self._last_time: Timestamp | None = None
        self._last_produced = time.monotonic()  # when the last block was made (local clock)
        self.listeners: list[Callable[[CommittedBlock], None]] = []
        self.error: BaseException | None = None

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> None:
        self.handshake()
        log.info(
            "engine started at height %d (app hash %s), chain %s",
            self.app.height,
            self.app.app_hash.hex()[:16],
            self.genesis.chain_id,
        )
        self._thread = threading.Thread(target=self._run, name="sen-engine", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    @property
    def height(self) -> int:
        return self.app.height

    def handshake(self) -> None:
        """Bring the application level with the block store (CometBFT's handshake)."""
        info = self.app.info(RequestInfo())
        stored = self.blocks.height()
        if info.last_block_height == 0 and stored == 0 and self.app.store.load_meta() is None:
            self.app.init_chain(
                RequestInitChain(
                    time=self.genesis.genesis_time,
                    chain_id=self.genesis.chain_id,
                    validators=tuple(
                        ValidatorUpdate("ed25519", v.pub_key, v.power)
                        for v in self.genesis.validators
                    ),
                    app_state_bytes=self.genesis.app_state_bytes(),
                    initial_height=self.genesis.initial_height,
                )
            )
            info = self.app.info(RequestInfo())
        app_height = info.last_block_height
        if app_height > stored and not (stored == 0 and app_height == 0):
            raise StoreCorrupted(
                f"the application is at height {app_height} but the block store only has "
                f"{stored} blocks: the block store is damaged or from another node"
            )
        for height in range(self.genesis.initial_height, stored + 1):
            if height <= app_height:
                continue
            self._replay(height)
        self._restore_tip()

    def _replay(self, height: int) -> None:
        block = self.blocks.load_block(height)
        if block is None:
            raise StoreCorrupted(f"block {height} is missing from the block store")
        header = Header.from_json(block.header)
        if header.app_hash != self.app.app_hash:
            raise StoreCorrupted(
                f"block {height} was built on app hash {header.app_hash.hex()}, but the "
                f"application is at {self.app.app_hash.hex()}: refusing to diverge"
            )
        log.info("replaying block %d (%d txs) to the application", height, len(block.txs))
        hashes = tuple(tx_hash(tx) for tx in block.txs)
        self._execute(header, header_hash(header), block.txs, hashes)
        if self.blocks.load_commit(height) is None:
            last_commit = None if block.last_commit is None else Commit.from_json(block.last_commit)
            encoded = encode_block(header, block.txs, last_commit)
            self._sign_and_save_commit(header, block_id(header_hash(header), encoded))

    def _restore_tip(self) -> None:
        height = self.app.height
        if height < self.genesis.initial_height:
            return
        block = self.blocks.load_block(height)
        commit = self.blocks.load_commit(height)
        if block is None or commit is None:
            raise StoreCorrupted(f"block or commit {height} missing after handshake")
        header = Header.from_json(block.header)
        last_commit = None if block.last_commit is None else Commit.from_json(block.last_commit)
        self._last_commit = Commit.from_json(commit)
        self.last = CommittedBlock(
            height,
            header,
            block_id(header_hash(header), encode_block(header, block.txs, last_commit)),
            tuple(tx_hash(tx) for tx in block.txs),
        )
        results = self.app.store.load_results(height) or []
        self._last_results_hash = results_hash(
            [exec_tx_result_bytes(int(r.code), r.data, r.gas_wanted, r.gas_used) for r in results]
        )
        self._last_had_txs = bool(block.txs)
        self._last_time = header.time

    # -- submission ---------------------------------------------------------
    def submit(
        self, raws: Sequence[bytes], *, all_or_nothing: bool = False
    ) -> list[ResponseCheckTx]:
        """CheckTx a batch and add what passes to the mempool.

        Raises MempoolFull, with nothing added, when the whole batch does not fit.
        With ``all_or_nothing``, nothing is added unless every transaction passes.
        """
        if self._stop.is_set():
            raise EngineStopped("the engine is stopped")
        size = sum(len(raw) for raw in raws)
        if not self.mempool.has_room(len(raws), size):
            raise MempoolFull(len(self.mempool), self.mempool.max_txs)
        prepared = self.app.prepare_checks(raws)
        responses: list[ResponseCheckTx] = []
        with self._mempool_lock:
            if not self.mempool.has_room(len(raws), size):
                raise MempoolFull(len(self.mempool), self.mempool.max_txs)
            checks = self.app.admit(prepared, all_or_nothing=all_or_nothing)
            duplicates = [h in self.mempool for h in prepared.hashes]
            if all_or_nothing and (any(c.code != 0 for c in checks) or any(duplicates)):
                return [
                    ResponseCheckTx(
                        code=EngineOutcome.DUPLICATE, log="transaction already in the mempool"
                    )
                    if dup and c.code == 0
                    else c
                    for c, dup in zip(checks, duplicates, strict=True)
                ]
            for raw, hashed, response, duplicate in zip(
                raws, prepared.hashes, checks, duplicates, strict=True
            ):
                if response.code == 0 and duplicate:
                    response = ResponseCheckTx(
                        code=EngineOutcome.DUPLICATE, log="transaction already in the mempool"
                    )
                elif response.code == 0:
                    self.mempool.add(hashed, raw)
                responses.append(response)
        if any(r.code == 0 for r in responses):
            self._wake.set()
        return responses

    def validator_set(self, height: int) -> dict[str, Any] | None:
        """One validator, from genesis, at every height (updates are not applied here)."""
        return self.genesis.validator_set().to_json()

    def validator_history(self, until: int) -> list[dict[str, Any]]:
        return []

    def peers(self) -> list[str] | None:
        return []  # one validator, no network

    def wait_for_height(self, height: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._committed:
            while self.app.height < height:
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    return False
                self._committed.wait(left)
        return True

    # -- block production ---------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._should_produce():
                    started = time.monotonic()
                    self.produce_block()
                    spent = time.monotonic() - started
                    pause = max(0.0, self.config.block_interval - spent)
                    if pause:
                        self._stop.wait(pause)
                else:
                    # clear, then look again, then sleep: a submission that lands in
                    # between sets the event and the wait returns at once
                    self._wake.clear()
                    if not self._should_produce():
                        self._wake.wait(self._idle_wait())
        except BaseException as exc:  # the node must learn that consensus stopped
            self.error = exc
            log.exception("the embedded engine stopped")
            with self._committed:
                self._committed.notify_all()
            raise

    def _idle_wait(self) -> float:
        if self.config.create_empty_blocks:
            return max(0.0, self._empty_block_due() - time.monotonic())
        return 1.0

    def _empty_block_due(self) -> float:
        interval = max(self.config.empty_block_interval, self.config.block_interval)
        return self._last_produced + interval

    def _should_produce(self) -> bool:
        if len(self.mempool) > 0 or self._last_had_txs or self.last is None:
            return True
        return self.config.create_empty_blocks and time.monotonic() >= self._empty_block_due()

    def _next_time(self) -> Timestamp:
        proposed = self.clock()
        last = self._last_time
        if last is not None and (proposed.seconds, proposed.nanos) <= (last.seconds, last.nanos):
            nanos = last.nanos + 1_000_000
            proposed = Timestamp(last.seconds + nanos // 1_000_000_000, nanos % 1_000_000_000)
        return proposed

    def produce_block(self) -> CommittedBlock:
        height = self.app.height + 1
        with self._mempool_lock:
            candidates = self.mempool.reap(self.genesis.max_block_bytes, self.config.max_block_txs)
        block_time = self._next_time()
        prepared = self.app.prepare_proposal(
            RequestPrepareProposal(
                max_tx_bytes=self.genesis.max_block_bytes,
                txs=tuple(candidates),
                height=height,
                time=block_time,
                next_validators_hash=self.validators.hash(),
                proposer_address=self.validator.address,
            )
        )
        txs = prepared.txs
        header = self._header(height, block_time, txs)
        encoded = encode_block(header, txs, self._last_commit)
        this_id = block_id(header_hash(header), encoded)
        verdict = self.app.process_proposal(
            RequestProcessProposal(
                txs=txs,
                hash=this_id.hash,
                height=height,
                time=block_time,
                next_validators_hash=self.validators.hash(),
                proposer_address=self.validator.address,
            )
        )
        if verdict.status != ProposalStatus.ACCEPT:
            raise ConsensusError(f"the application rejected its own proposal at height {height}")
        stored = StoredBlock(
            height,
            header.to_json(),
            tuple(txs),
            None if self._last_commit is None else self._last_commit.to_json(),
        )
        self.blocks.save_block(stored)
        commit = self._sign_and_save_commit(header, this_id)
        hashes = tuple(tx_hash(tx) for tx in txs)
        self._execute(header, this_id.hash, txs, hashes)
        self._last_commit = commit
        self._last_time = block_time
        committed = CommittedBlock(height, header, this_id, hashes)
        self.last = committed
        self._after_commit(committed, txs)
        return committed

    def _header(self, height: int, block_time: Timestamp, txs: Sequence[bytes]) -> Header:
        last_id = self.last.block_id if self.last is not None else BlockID.zero()
        last_commit_hash = (
            commit_hash(self._last_commit) if self._last_commit is not None else EMPTY_HASH
        )
        validators_hash = self.validators.hash()
        return Header(
            version=Version(app=1),
            chain_id=self.genesis.chain_id,
            height=height,
            time=block_time,
            last_block_id=last_id,
            last_commit_hash=last_commit_hash,
            data_hash=data_hash(txs),
            validators_hash=validators_hash,
            next_validators_hash=validators_hash,
            consensus_hash=self._consensus_hash,
            app_hash=self.app.app_hash,
            last_results_hash=self._last_results_hash,
            evidence_hash=EMPTY_EVIDENCE_HASH,
            proposer_address=self.validator.address,
        )

    def _sign_and_save_commit(self, header: Header, this_id: BlockID) -> Commit:
        signature = sign_commit(self.key, header.chain_id, header.height, 0, this_id, header.time)
        commit = Commit(header.height, 0, this_id, (signature,))
        self.blocks.save_commit(header.height, commit.to_json())
        return commit

    def _execute(
        self, header: Header, block_hash: bytes, txs: Sequence[bytes], hashes: Sequence[bytes]
    ) -> None:
        """Finalize and commit a saved block; ``hashes`` are its transactions' hashes."""
        response = self.app.finalize_block(
            RequestFinalizeBlock(
                txs=tuple(txs),
                hash=block_hash,
                height=header.height,
                time=header.time,
                next_validators_hash=header.next_validators_hash,
                proposer_address=header.proposer_address,
            )
        )
        if response.validator_updates:
            log.warning(
                "block %d changes the validator set (%d update(s)); the embedded engine runs "
                "one validator and does not apply them (run the chain on CometBFT for that)",
                header.height,
                len(response.validator_updates),
            )
        # Commit, then update the mempool, with no submission in between: commit
        # resets the app's check state (as CometBFT expects) and the recheck
        # rebuilds it from what is still waiting.
        with self._mempool_lock:
            self.app.commit()
            self._update_mempool(hashes)
        self._last_results_hash = results_hash(
            [
                exec_tx_result_bytes(r.code, r.data, r.gas_wanted, r.gas_used)
                for r in response.tx_results
            ]
        )
        self._last_had_txs = bool(txs)
        self._last_produced = time.monotonic()

    def _update_mempool(self, committed: Sequence[bytes]) -> None:
        """Drop committed transactions and recheck the rest (mempool lock held)."""
        self.mempool.remove(committed)
        remaining = self.mempool.items()
        responses = self.app.recheck([raw for _, raw in remaining])
        failed = [h for (h, _), r in zip(remaining, responses, strict=True) if r.code != 0]
        if failed:
            log.info("recheck evicted %d transactions", len(failed))
            self.mempool.remove(failed)

    def _after_commit(self, committed: CommittedBlock, txs: Sequence[bytes]) -> None:
        log.debug(
            "committed block %d: %d txs, app hash %s, mempool %d",
            committed.height,
            len(txs),
            self.app.app_hash.hex()[:16],
            len(self.mempool),
        )
        with self._committed:
            self._committed.notify_all()
        for listener in self.listeners:
            try:
                listener(committed)
            except Exception:
                log.exception("block listener failed")


__all__ = [
    "CommittedBlock",
    "EmbeddedEngine",
    "EngineConfig",
]
