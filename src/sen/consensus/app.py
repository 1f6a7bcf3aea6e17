"""The Sen application: the ledger rules behind the ABCI-shaped boundary.

It keeps three things the rules do not: the committed store, a "check state"
(nonces reserved by transactions waiting in the mempool) and caches of
transactions already decoded and signature-checked, so that each transaction's
signature is verified once however many times it is seen. Caches change speed,
never answers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sen.abci.types import (
    CheckTxType,
    ExecTxResult,
    ProposalStatus,
    RequestApplySnapshotChunk,
    RequestCheckTx,
    RequestFinalizeBlock,
    RequestInfo,
    RequestInitChain,
    RequestLoadSnapshotChunk,
    RequestOfferSnapshot,
    RequestPrepareProposal,
    RequestProcessProposal,
    RequestQuery,
    ResponseApplySnapshotChunk,
    ResponseCheckTx,
    ResponseCommit,
    ResponseFinalizeBlock,
    ResponseInfo,
    ResponseInitChain,
    ResponseListSnapshots,
    ResponseLoadSnapshotChunk,
    ResponseOfferSnapshot,
    ResponsePrepareProposal,
    ResponseProcessProposal,
    ResponseQuery,
    ValidatorUpdate,
)
from sen.consensus.errors import GenesisMismatch, OutOfOrder
from sen.consensus.snapshots import Snapshots, SnapshotSettings
from sen.consensus.verify import SignatureVerifier
from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules import MODULES
from sen.ledger.modules.base import GenesisContext, StateChange
from sen.ledger.modules.contracts import load_settings as load_contract_settings
from sen.ledger.permissions import check_admission, load_last_block_time
from sen.ledger.rules import CheckedTx, check_nonce, execute_block, load_nonce, precheck
from sen.ledger.types import (
    PARAMS_KEY,
    BlockInfo,
    BlockTime,
    ChainParams,
    TxResult,
    ValidatorChange,
)
from sen.ledger.validators import (
    VALIDATORS_KEY,
    encode_validator_set,
    merge_validator_updates,
)
from sen.light.genesis import Genesis
from sen.store.appstore import VALIDATOR_CHANGE_PREFIX, AppStore
from sen.store.db import Database
from sen.store.index import IndexEntry, block_entries
from sen.store.smt import EMPTY

log = logging.getLogger("sen.app")

APP_VERSION = 1
CACHE_LIMIT = 500_000


@dataclass(slots=True)
class _PendingBlock:
    height: int
    app_hash: bytes
    changes: list[tuple[bytes, bytes | None]]
    tree_writes: dict[bytes, bytes | None]
    results: list[TxResult]
    index_entries: list[IndexEntry]
    tx_hashes: list[bytes]


@dataclass(frozen=True, slots=True)
class PreparedChecks:
    hashes: list[bytes]
    items: list[CheckedTx | TxRejected]
    signatures_ok: list[bool]


def _response(rejection: TxRejected) -> ResponseCheckTx:
    return ResponseCheckTx(
        code=int(rejection.code),
        log=rejection.log_text,
        field=rejection.field,
        expected="" if rejection.expected is None else str(rejection.expected),
        got="" if rejection.got is None else str(rejection.got),
    )


class SenApp:
    def __init__(
        self,
        db: Database,
        genesis: Genesis,
        verifier: SignatureVerifier | None = None,
        *,
        snapshots: SnapshotSettings | None = None,
    ) -> None:
        self.db = db
        self.store = AppStore(db)
        self.genesis = genesis
        self.verifier = verifier or SignatureVerifier()
        self._lock = threading.RLock()
        meta = self.store.load_meta()
        if meta is not None and meta.genesis_hash != genesis.hash:
            raise GenesisMismatch(
                f"the data in {db.path} was made from another genesis "
                f"(stored {meta.genesis_hash.hex()[:16]}…, given {genesis.hash.hex()[:16]}…)"
            )
        self.height = meta.height if meta else 0
        self.app_hash = meta.app_hash if meta else EMPTY
        self.params = self._load_params()
        self._checked: dict[bytes, CheckedTx | TxRejected] = {}
        self._verified: set[bytes] = set()
        self._reserved_nonces: dict[bytes, int] = {}
        self._pending: _PendingBlock | None = None
        # the hashes of the last committed block's transactions (for an engine's mempool)
        self.committed_tx_hashes: tuple[bytes, ...] = ()
        self.snapshots = Snapshots(db, snapshots)

    def _load_params(self) -> ChainParams:
        stored = self.store.get(PARAMS_KEY)
        if stored is None:
            return self.genesis.params
        value = encoding.decode(stored)
        return ChainParams.from_json(value)

    # -- info / init --------------------------------------------------------
    def info(self, request: RequestInfo) -> ResponseInfo:
        return ResponseInfo(
            data="sen",
            version="0.1.0",
            app_version=APP_VERSION,
            last_block_height=self.height,
            last_block_app_hash=self.app_hash,
        )

    def init_chain(self, request: RequestInitChain) -> ResponseInitChain:
        if request.chain_id != self.genesis.chain_id:
            raise GenesisMismatch(
                f"init_chain for chain {request.chain_id!r}, genesis says {self.genesis.chain_id!r}"
            )
        app_state = json.loads(request.app_state_bytes or b"{}")
        params_doc = app_state.get("params", {})
        params = ChainParams.from_json({**params_doc, "chain_id": request.chain_id})
        membership = app_state.get("membership")  # docs/spec/membership.md §5
        if isinstance(membership, dict) and membership.get("permissioned") is True:
            params = replace(params, permissioned=True)
        changes: list[StateChange] = [(PARAMS_KEY, encoding.encode(params.to_json()))]
        if request.validators:  # the set governance changes later (sen.ledger.validators)
            genesis_set = [
                ValidatorChange(v.pub_key_type, v.pub_key, v.power) for v in request.validators
            ]
            changes.append((VALIDATORS_KEY, encode_validator_set(genesis_set)))
        genesis = GenesisContext(
            params, request.time.seconds, request.time.nanos, request.initial_height - 1
        )
        for module in MODULES.values():  # each reads its own section, app_state.<module name>
            if module.genesis is not None:
                changes += module.genesis(app_state.get(module.name), genesis)
        changes.sort()
        with self._lock:
            root, writes = self.store.compute_root(EMPTY, changes)
            self.store.save_commit(
                height=request.initial_height - 1,
                app_hash=root,
                genesis_hash=self.genesis.hash,
                changes=changes,
                tree_writes=writes,
                results=[],
                index_entries=[],
            )
            self.height = request.initial_height - 1
            self.app_hash = root
            self.params = params
        return ResponseInitChain(validators=request.validators, app_hash=root)

    # -- mempool ------------------------------------------------------------
    def _precheck(self, raw: bytes, tx_hash: bytes) -> CheckedTx | TxRejected:
        found = self._checked.get(tx_hash)
        if found is None:
            found = precheck(raw, self.params)
            if len(self._checked) >= CACHE_LIMIT:
                self._checked.clear()
                self._verified.clear()
            self._checked[tx_hash] = found
        return found

    def _signatures(
        self, items: Sequence[CheckedTx | TxRejected], hashes: Sequence[bytes]
    ) -> list[bool]:
        todo = [
            (i, item.tx)
            for i, (item, h) in enumerate(zip(items, hashes, strict=True))
            if isinstance(item, CheckedTx) and h not in self._verified
        ]
        answers = self.verifier.verify_many([tx for _, tx in todo])
        oks = [True] * len(items)
        for (i, _), ok in zip(todo, answers, strict=True):
            oks[i] = ok
            if ok:
                self._verified.add(hashes[i])
        return oks

    def check_tx(self, request: RequestCheckTx) -> ResponseCheckTx:
        return self.check_txs([request.tx], request.type)[0]

    def check_txs(
        self, raws: Sequence[bytes], kind: CheckTxType = CheckTxType.NEW
    ) -> list[ResponseCheckTx]:
        """CheckTx for many transactions at once, signatures verified in parallel."""
        return self.admit(self.prepare_checks(raws, kind))

    def prepare_checks(
        self, raws: Sequence[bytes], kind: CheckTxType = CheckTxType.NEW
    ) -> PreparedChecks:
        """The stateless half of CheckTx (decode, envelope, signature); needs no lock."""
        hashes = [hashlib.sha256(raw).digest() for raw in raws]
        items = [self._precheck(raw, h) for raw, h in zip(raws, hashes, strict=True)]
        if kind == CheckTxType.RECHECK:
            oks = [True] * len(items)
        else:
            oks = self._signatures(items, hashes)
        return PreparedChecks(hashes, items, oks)

    def admit(
        self, prepared: PreparedChecks, *, all_or_nothing: bool = False, dry_run: bool = False
    ) -> list[ResponseCheckTx]:
        """The stateful half of CheckTx: nonces checked and reserved, in order.

        With ``all_or_nothing``, no nonce is reserved unless every transaction passes;
        with ``dry_run``, none is reserved at all (the answers CheckTx would give now).
        """
        with self._lock:
            saved = dict(self._reserved_nonces) if all_or_nothing or dry_run else None
            responses = [
                self._check_one(item, ok)
                for item, ok in zip(prepared.items, prepared.signatures_ok, strict=True)
            ]
            if saved is not None and (dry_run or any(r.code != 0 for r in responses)):
                self._reserved_nonces = saved
            return responses

    def recheck(self, raws: Sequence[bytes]) -> list[ResponseCheckTx]:
        """After a commit: re-admit what the mempool still holds, in order.

        Equivalent to CheckTx(RECHECK) for each; signatures are not verified again.
        """
        prepared = self.prepare_checks(raws, CheckTxType.RECHECK)
        with self._lock:
            self._reserved_nonces.clear()
            return self.admit(prepared)

    def pending_nonce(self, address: bytes) -> int:
        """The next nonce counting transactions waiting in the mempool."""
        with self._lock:
            reserved = self._reserved_nonces.get(address)
            return reserved if reserved is not None else load_nonce(self.store, address)

    def _check_one(self, item: CheckedTx | TxRejected, signature_ok: bool) -> ResponseCheckTx:
        if isinstance(item, TxRejected):
            return _response(item)
        if not signature_ok:
            return ResponseCheckTx(
                code=int(ResultCode.BAD_SIGNATURE),
                log="signature does not verify",
                field="signature",
            )
        tx = item.tx
        sender = tx.sender
        expected = self._reserved_nonces.get(sender)
        if expected is None:
            expected = load_nonce(self.store, sender)
        try:
            check_nonce(tx, expected)
            if self.params.permissioned:  # a non-member's transaction never enters the mempool
                at = self._last_block_time()
                committed_nonce = load_nonce(self.store, sender)
                check_admission(self.store, tx, item.call, self.params, at, committed_nonce)
        except TxRejected as exc:
            return _response(exc)
        self._reserved_nonces[sender] = expected + 1
        return ResponseCheckTx(code=int(ResultCode.OK))

    def _last_block_time(self) -> BlockTime:
        """The committed block time CheckTx judges certificates by (genesis time at first)."""
        found = load_last_block_time(self.store)
        if found is None:
            return self.genesis.genesis_time.seconds, self.genesis.genesis_time.nanos
        return found

    def _max_block_gas(self) -> int:
        """The chain's gas limit per block for contract calls, 0 without contracts."""
        settings = load_contract_settings(self.store)
        return 0 if settings is None else settings.max_block_gas

    def _not_admissible(self, item: CheckedTx, at: BlockTime) -> TxRejected | None:
        """Why the committed state refuses ``item`` at block time ``at`` (permissioned
        chains: :func:`~sen.ledger.permissions.check_admission`), or None."""
        if not self.params.permissioned:
            return None
        try:
            nonce = load_nonce(self.store, item.tx.sender)
            check_admission(self.store, item.tx, item.call, self.params, at, nonce)
        except TxRejected as exc:
            return exc
        return None

    # -- proposals ----------------------------------------------------------
    def _proposable(
        self, raws: Sequence[bytes], limit: int, at: BlockTime
    ) -> tuple[list[bytes], str]:
        """The transactions a proposal may hold, in order, and why any was left out.

        A transaction is proposable if it decodes, passes the envelope checks, its
        signature verifies, its nonce is the next one for its sender (counting the
        earlier transactions of this proposal), on a permissioned chain it passes
        the admission check at the proposed block's time ``at`` (so no proposal
        holds a non-member's transaction), it fits in ``limit`` bytes, and the gas
        limits of its contract calls fit in what is left of the block's
        (``max_block_gas``; the rest wait in the mempool for a later block).
        Depends only on the committed state and the proposal, never on the local
        mempool, so every validator computes the same.
        """
        hashes = [hashlib.sha256(raw).digest() for raw in raws]
        items = [self._precheck(raw, h) for raw, h in zip(raws, hashes, strict=True)]
        oks = self._signatures(items, hashes)
        chosen: list[bytes] = []
        reason = ""
        total = 0
        gas = 0
        gas_limit = self._max_block_gas()
        next_nonce: dict[bytes, int] = {}
        for index, (raw, item, ok) in enumerate(zip(raws, items, oks, strict=True)):
            if isinstance(item, TxRejected):
                reason = reason or f"tx {index}: {item}"
                continue
            if not ok:
                reason = reason or f"tx {index}: signature does not verify"
                continue
            sender = item.tx.sender
            expected = next_nonce.get(sender)
            if expected is None:
                expected = load_nonce(self.store, sender)
            if item.tx.nonce != expected:
                reason = reason or f"tx {index}: nonce {item.tx.nonce}, expected {expected}"
                continue
            refusal = self._not_admissible(item, at)
            if refusal is not None:
                reason = reason or f"tx {index}: {refusal}"
                continue
            if total + len(raw) > limit:
                reason = reason or f"tx {index}: block would exceed {limit} bytes"
                continue
            wanted = item.call.block_gas(self.store) if gas_limit else 0
            if gas + wanted > gas_limit > 0:
                reason = reason or f"tx {index}: the block's gas would exceed {gas_limit}"
                continue
            next_nonce[sender] = expected + 1
            chosen.append(raw)
            total += len(raw)
            gas += wanted
        return chosen, reason

    def prepare_proposal(self, request: RequestPrepareProposal) -> ResponsePrepareProposal:
        limit = min(request.max_tx_bytes, self.params.max_block_bytes)
        at = (request.time.seconds, request.time.nanos)
        with self._lock:
            chosen, _ = self._proposable(request.txs, limit, at)
        return ResponsePrepareProposal(tuple(chosen))

    def process_proposal(self, request: RequestProcessProposal) -> ResponseProcessProposal:
        """Accept exactly the blocks `prepare_proposal` could have produced."""
        at = (request.time.seconds, request.time.nanos)
        with self._lock:
            chosen, reason = self._proposable(request.txs, self.params.max_block_bytes, at)
        if len(chosen) != len(request.txs):
            log.warning(
                "rejecting the proposal for height %d from %s: %s",
                request.height,
                request.proposer_address.hex().upper(),
                reason,
            )
            return ResponseProcessProposal(ProposalStatus.REJECT)
        return ResponseProcessProposal(ProposalStatus.ACCEPT)

    # -- blocks -------------------------------------------------------------
    def finalize_block(self, request: RequestFinalizeBlock) -> ResponseFinalizeBlock:
        with self._lock:
            if request.height != self.height + 1:
                raise OutOfOrder(
                    f"finalize_block for height {request.height}, expected {self.height + 1}"
                )
            hashes = [hashlib.sha256(raw).digest() for raw in request.txs]
            items = [self._precheck(raw, h) for raw, h in zip(request.txs, hashes, strict=True)]
            oks = self._signatures(items, hashes)
            block = BlockInfo(
                request.height,
                request.time.seconds,
                request.time.nanos,
                request.proposer_address,
            )
            with self.db.read() as txn:
                overlay, results = execute_block(
                    self.store.reader(txn), items, oks, block, self.params
                )
            changes = overlay.changes()
            root, writes = self.store.compute_root(self.app_hash, changes)
            self._pending = _PendingBlock(
                height=request.height,
                app_hash=root,
                changes=changes,
                tree_writes=writes,
                results=results,
                index_entries=block_entries(request.height, items, hashes, results),
                tx_hashes=hashes,
            )
        updates = merge_validator_updates(u for r in results for u in r.validator_updates)
        if updates:  # remembered so receipts can prove the set through each change
            assert self._pending is not None
            self._pending.index_entries.append(
                ("meta", VALIDATOR_CHANGE_PREFIX + request.height.to_bytes(8, "big"), b"", True)
            )
        return ResponseFinalizeBlock(
            validator_updates=tuple(
                ValidatorUpdate(u.pub_key_type, u.pub_key, u.power) for u in updates
            ),
            tx_results=tuple(
                ExecTxResult(
                    code=int(r.code),
                    data=r.data,
                    log=r.log,
                    events=r.events,
                    gas_wanted=r.gas_wanted,
                    gas_used=r.gas_used,
                )
                for r in results
            ),
            app_hash=root,
        )

    def commit(self) -> ResponseCommit:
        with self._lock:
            pending = self._pending
            if pending is None:
                raise OutOfOrder("commit without a finalized block")
            self.store.save_commit(
                height=pending.height,
                app_hash=pending.app_hash,
                genesis_hash=self.genesis.hash,
                changes=pending.changes,
                tree_writes=pending.tree_writes,
                results=pending.results,
                index_entries=pending.index_entries,
            )
            self.height = pending.height
            self.app_hash = pending.app_hash
            self.committed_tx_hashes = tuple(pending.tx_hashes)
            self._pending = None
            if any(key == PARAMS_KEY for key, _ in pending.changes):
                self.params = self._load_params()  # governance changed them: from the next block
            for tx_hash in pending.tx_hashes:
                self._checked.pop(tx_hash, None)
                self._verified.discard(tx_hash)
            # The check state restarts from the committed state; the mempool's
            # recheck (CheckTx RECHECK, in order) rebuilds the reservations.
            self._reserved_nonces.clear()
            self.snapshots.after_commit(pending.height, pending.app_hash)
        return ResponseCommit(retain_height=0)

    # -- state sync (see sen.consensus.snapshots) ---------------------------
    def list_snapshots(self) -> ResponseListSnapshots:
        return self.snapshots.list_snapshots()

    def offer_snapshot(self, request: RequestOfferSnapshot) -> ResponseOfferSnapshot:
        with self._lock:
            has_blocks = self.height >= self.genesis.initial_height
            return self.snapshots.offer(request, has_blocks=has_blocks)

    def load_snapshot_chunk(self, request: RequestLoadSnapshotChunk) -> ResponseLoadSnapshotChunk:
        return self.snapshots.load_chunk(request)

    def apply_snapshot_chunk(
        self, request: RequestApplySnapshotChunk
    ) -> ResponseApplySnapshotChunk:
        with self._lock:
            response, restored = self.snapshots.apply_chunk(request, genesis_hash=self.genesis.hash)
            if restored is not None:
                self.height = restored.height
                self.app_hash = restored.app_hash
                self.params = self._load_params()
                self._pending = None
                self._reserved_nonces.clear()
        return response

    # -- queries ------------------------------------------------------------
    def query(self, request: RequestQuery) -> ResponseQuery:
        if request.path == "/state":
            height, app_hash, value, proof = self.store.prove(request.data)
            body: dict[str, object] = {}
            if request.prove:
                body = {
                    "app_hash": app_hash.hex(),
                    "siblings": [s.hex() for s in proof.siblings],
                    "leaf_path": None if proof.leaf_path is None else proof.leaf_path.hex(),
                    "leaf_value_hash": None
                    if proof.leaf_value_hash is None
                    else proof.leaf_value_hash.hex(),
                }
            return ResponseQuery(
                code=0 if value is not None else 1,
                key=request.data,
                value=value or b"",
                height=height,
                proof=body,
                log="" if value is not None else "key not found",
            )
        if request.path == "/account/nonce":
            return ResponseQuery(
                code=0,
                key=request.data,
                value=str(load_nonce(self.store, request.data)).encode(),
                height=self.height,
            )
        return ResponseQuery(code=2, log=f"unknown query path {request.path!r}")
