"""The CometBFT engine: the Sen application behind our ABCI server, CometBFT in front.

CometBFT (a separate process) orders transactions and drives the application
over ABCI; this adapter gives the node and the REST API the same surface the
embedded engine does (`sen.consensus.engine.Engine`):

- ``submit`` runs the stateless checks here first (so a rejection names the
  field at fault, and the signature is verified once: CometBFT's CheckTx then
  finds it cached), then hands the transactions to CometBFT's mempool with one
  batched ``broadcast_tx_sync``;
- ``blocks`` reads headers, transactions and commits back from CometBFT's block
  store over RPC (immutable once committed, so cached);
- ``mempool`` is this node's view of CometBFT's mempool, kept from the ABCI
  calls themselves: added on a passing CheckTx, dropped when a recheck fails
  or the block that holds it commits.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sen.abci.types import (
    CheckTxType,
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
)
from sen.consensus.app import SenApp
from sen.consensus.cometbft.rpc import CometRpc, RpcError, RpcUnavailable
from sen.consensus.engine import EngineOutcome
from sen.consensus.errors import EngineStopped, MempoolFull
from sen.ledger.codes import ResultCode
from sen.ledger.light.types import Header
from sen.light.genesis import Genesis
from sen.store.blocks import StoredBlock

log = logging.getLogger("sen.cometbft")

BLOCK_CACHE = 512

Req = TypeVar("Req")
Res = TypeVar("Res")


@dataclass(frozen=True, slots=True)
class CometSettings:
    abci_listen: str  # unix:///abs/path.sock or tcp://127.0.0.1:26658
    rpc_url: str  # this node's CometBFT RPC, e.g. http://127.0.0.1:26657
    block_interval: float = 1.0  # CometBFT's timeout_commit, for pacing waits
    mempool_max_txs: int = 50_000  # CometBFT's mempool.size, for the view's bound


@dataclass(frozen=True, slots=True)
class CometBlock:
    height: int
    header: Header
    tx_hashes: tuple[bytes, ...]


class PendingTxs:
    """This node's view of CometBFT's mempool (thread-safe)."""

    def __init__(self) -> None:
        self._txs: dict[bytes, bytes] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._txs)

    def __contains__(self, tx_hash: bytes) -> bool:
        return tx_hash in self._txs

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, tx_hash: bytes) -> bytes | None:
        return self._txs.get(tx_hash)

    def add(self, tx_hash: bytes, raw: bytes) -> None:
        with self._lock:
            if tx_hash not in self._txs:
                self._txs[tx_hash] = raw
                self._bytes += len(raw)

    def remove(self, hashes: Iterable[bytes]) -> None:
        with self._lock:
            for tx_hash in hashes:
                raw = self._txs.pop(tx_hash, None)
                if raw is not None:
                    self._bytes -= len(raw)


class RpcBlocks:
    """Blocks and commits from CometBFT's block store, cached (they never change)."""

    def __init__(self, rpc: CometRpc) -> None:
        self.rpc = rpc
        self._blocks: OrderedDict[int, StoredBlock] = OrderedDict()
        self._commits: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def load_block(self, height: int) -> StoredBlock | None:
        with self._lock:
            cached = self._blocks.get(height)
        if cached is not None:
            return cached
        try:
            result = self.rpc.block(height)
        except RpcUnavailable:
            return None
        if result is None or result.get("block") is None:
            return None
        block = result["block"]
        txs = tuple(base64.b64decode(t) for t in (block.get("data", {}).get("txs") or []))
        stored = StoredBlock(height, block["header"], txs, block.get("last_commit"))
        with self._lock:
            self._blocks[height] = stored
            if len(self._blocks) > BLOCK_CACHE:
                self._blocks.popitem(last=False)
        return stored

    def load_commit(self, height: int) -> dict[str, Any] | None:
        with self._lock:
            cached = self._commits.get(height)
        if cached is not None:
            return cached
        try:
            result = self.rpc.commit(height)
        except RpcUnavailable:
            return None
        if result is None:
            return None
        commit: dict[str, Any] = result["signed_header"]["commit"]
        if result.get("canonical"):  # a seen commit may still be replaced by the canonical one
            with self._lock:
                self._commits[height] = commit
                if len(self._commits) > BLOCK_CACHE:
                    self._commits.popitem(last=False)
        return commit

    def load_tx(self, height: int, index: int) -> bytes | None:
        block = self.load_block(height)
        if block is None or not 0 <= index < len(block.txs):
            return None
        return block.txs[index]


class ObservedApp:
    """The application as the ABCI server sees it, telling the engine what happens."""

    def __init__(self, app: SenApp, engine: CometEngine) -> None:
        self.app = app
        self.engine = engine

    def info(self, request: RequestInfo) -> ResponseInfo:
        return self.app.info(request)

    def init_chain(self, request: RequestInitChain) -> ResponseInitChain:
        return self._consensus(self.app.init_chain, request)

    def check_tx(self, request: RequestCheckTx) -> ResponseCheckTx:
        return self.check_txs([request.tx], request.type)[0]

    def check_txs(
        self, raws: Sequence[bytes], kind: CheckTxType = CheckTxType.NEW
    ) -> list[ResponseCheckTx]:
        prepared = self.app.prepare_checks(raws, kind)  # what SenApp.check_txs does, keeping
        responses = self.app.admit(prepared)  # the hashes it computed for the mempool view
        pending = self.engine.pending
        if kind == CheckTxType.NEW:
            for raw, tx_hash, response in zip(raws, prepared.hashes, responses, strict=True):
                if response.code == 0:
                    pending.add(tx_hash, raw)
        else:
            pending.remove(
                tx_hash
                for tx_hash, response in zip(prepared.hashes, responses, strict=True)
                if response.code != 0
            )
        return responses

    def prepare_proposal(self, request: RequestPrepareProposal) -> ResponsePrepareProposal:
        return self._consensus(self.app.prepare_proposal, request)

    def process_proposal(self, request: RequestProcessProposal) -> ResponseProcessProposal:
        return self._consensus(self.app.process_proposal, request)

    def finalize_block(self, request: RequestFinalizeBlock) -> ResponseFinalizeBlock:
        return self._consensus(self.app.finalize_block, request)

    def commit(self) -> ResponseCommit:
        try:
            response = self.app.commit()
        except BaseException as exc:
            self.engine.failed(exc)
            raise
        self.engine.committed(self.app.height, self.app.committed_tx_hashes)
        return response

    def query(self, request: RequestQuery) -> ResponseQuery:
        return self.app.query(request)

    def list_snapshots(self) -> ResponseListSnapshots:
        return self.app.list_snapshots()

    def offer_snapshot(self, request: RequestOfferSnapshot) -> ResponseOfferSnapshot:
        return self.app.offer_snapshot(request)

    def load_snapshot_chunk(self, request: RequestLoadSnapshotChunk) -> ResponseLoadSnapshotChunk:
        return self.app.load_snapshot_chunk(request)

    def apply_snapshot_chunk(
        self, request: RequestApplySnapshotChunk
    ) -> ResponseApplySnapshotChunk:
        response = self.app.apply_snapshot_chunk(request)
        self.engine.committed(self.app.height, ())
        return response

    def _consensus(self, method: Callable[[Req], Res], request: Req) -> Res:
        try:
            return method(request)
        except BaseException as exc:
            self.engine.failed(exc)
            raise


def _refused_here(response: ResponseCheckTx) -> bool:
    return response.code != 0 and response.code != ResultCode.NONCE_TOO_HIGH


def _detailed(preview: ResponseCheckTx, code: int, log: str) -> ResponseCheckTx:
    """CometBFT's answer, with the field/expected/got of our own check when it agrees."""
    if preview.code == code:
        return preview
    return ResponseCheckTx(code=code, log=log)


class CometEngine:
    """The engine surface for a node whose consensus is a CometBFT process."""

    def __init__(self, app: SenApp, genesis: Genesis, settings: CometSettings) -> None:
        self.app = app
        self.genesis = genesis
        self.config = settings
        self.rpc = CometRpc(settings.rpc_url)
        self.blocks = RpcBlocks(self.rpc)
        self.pending = PendingTxs()
        self._failure: BaseException | None = None
        self._hops: dict[int, dict[str, Any]] = {}  # validator-set changes, for receipts
        self._ever_connected = False
        self.abci = ObservedApp(app, self)
        self._committed = threading.Condition()
        self._last: CometBlock | None = None
        self._last_hashes: tuple[bytes, ...] = ()
        self._server: Any = None
        self._stopped = threading.Event()

    @property
    def mempool(self) -> PendingTxs:
        return self.pending

    @property
    def error(self) -> BaseException | None:
        """Why consensus is not running: the app failed, or CometBFT went away."""
        if self._failure is not None:
            return self._failure
        server = self._server
        if server is None:
            return EngineStopped("the engine is stopped") if self._stopped.is_set() else None
        if server.connections > 0:
            self._ever_connected = True
        elif self._ever_connected:
            return EngineStopped(
                "CometBFT has disconnected from the ABCI server; is `cometbft start` running?"
            )
        return None

    @property
    def height(self) -> int:
        return self.app.height

    @property
    def last(self) -> CometBlock | None:
        height = self.app.height
        cached = self._last
        if cached is not None and cached.height == height:
            return cached
        if height < 1:
            return None
        block = self.blocks.load_block(height)
        if block is None:
            return cached
        found = CometBlock(height, Header.from_json(block.header), self._last_hashes)
        self._last = found
        return found

    def start(self) -> None:
        from sen.abci.server import ThreadedAbciServer

        self._server = ThreadedAbciServer(self.abci, self.config.abci_listen)
        self._server.start()
        log.info(
            "ABCI server listening on %s for chain %s (app height %d); CometBFT RPC %s",
            self.config.abci_listen,
            self.genesis.chain_id,
            self.app.height,
            self.config.rpc_url,
        )

    def stop(self) -> None:
        self._stopped.set()
        if self._server is not None:
            self._server.stop()
            self._server = None
        with self._committed:
            self._committed.notify_all()
        self.rpc.close()

    # -- called by ObservedApp -------------------------------------------------
    def committed(self, height: int, tx_hashes: tuple[bytes, ...]) -> None:
        self.pending.remove(tx_hashes)
        self._last_hashes = tx_hashes
        with self._committed:
            self._committed.notify_all()

    def failed(self, exc: BaseException) -> None:
        log.error("the application failed during consensus: %s", exc)
        self._failure = exc

    # -- the engine surface ----------------------------------------------------
    def validator_set(self, height: int) -> dict[str, Any] | None:
        try:
            result = self.rpc.call("validators", height=str(height), per_page="100")
        except (RpcUnavailable, RpcError):
            return None
        return {"validators": result["validators"]}

    def peers(self) -> list[str] | None:
        try:
            result = self.rpc.call("net_info")
        except (RpcUnavailable, RpcError):
            return None
        found = []
        for peer in result.get("peers") or []:
            info = peer.get("node_info") or {}
            found.append(
                f"{info.get('moniker', '?')} ({info.get('id', '?')} @ {peer.get('remote_ip', '?')})"
            )
        return sorted(found)

    def validator_history(self, until: int) -> list[dict[str, Any]]:
        hops = []
        for changed in self.app.store.validator_change_heights():
            height = changed + 1  # its header names the new set as next validators
            if height >= until:
                break
            hop = self._hops.get(height)  # committed history: fetched once, kept
            if hop is None:
                signed = self.rpc.commit(height)
                next_set = self.validator_set(height + 1)
                if signed is None or next_set is None:
                    raise RpcUnavailable(f"CometBFT has no commit or validators at {height}")
                hop = {
                    "header": signed["signed_header"]["header"],
                    "commit": signed["signed_header"]["commit"],
                    "next_validators": next_set,
                }
                if signed.get("canonical"):
                    self._hops[height] = hop
            hops.append(hop)
        return hops

    def wait_for_height(self, height: int, timeout: float) -> bool:
        with self._committed:
            return (
                self._committed.wait_for(
                    lambda: self.app.height >= height or self._stopped.is_set(), timeout
                )
                and self.app.height >= height
            )

    def submit(
        self, raws: Sequence[bytes], *, all_or_nothing: bool = False
    ) -> list[ResponseCheckTx]:
        """Check here, then hand to CometBFT's mempool (which runs CheckTx again, cached).

        With ``all_or_nothing`` nothing is sent unless every transaction passes the
        checks here; CometBFT's own CheckTx can still refuse one under a concurrent
        submission from the same sender, and then the others stay admitted.
        """
        if self._stopped.is_set():
            raise EngineStopped("the engine is stopped")
        prepared = self.app.prepare_checks(raws)
        previews = self.app.admit(prepared, dry_run=True)
        # A nonce "from the future" may only mean that CometBFT's recheck after a
        # commit has not yet re-reserved the sender's earlier transactions; CometBFT's
        # own CheckTx (serialised with the recheck) gives the real answer.
        responses = [
            ResponseCheckTx(code=EngineOutcome.DUPLICATE, log="transaction already in the mempool")
            if r.code == 0 and h in self.pending
            else r
            for r, h in zip(previews, prepared.hashes, strict=True)
        ]
        if all_or_nothing and any(_refused_here(r) for r in responses):
            return responses
        send = [i for i, r in enumerate(responses) if not _refused_here(r)]
        try:
            answers = self.rpc.broadcast([raws[i] for i in send])
        except RpcUnavailable as exc:
            raise EngineStopped(
                f"{exc}; some of these transactions may already be in the mempool: look each "
                "up (GET /v1/txs/{hash}) before submitting it again"
            ) from None
        except RpcError as exc:
            raise EngineStopped(f"CometBFT refused the batch: {exc}") from None
        full = 0
        for i, answer in zip(send, answers, strict=True):
            if answer.error:
                text = answer.error
                if "mempool is full" in text:
                    full += 1
                    responses[i] = ResponseCheckTx(code=EngineOutcome.MEMPOOL_FULL, log=text)
                elif "already exists in cache" in text:
                    responses[i] = ResponseCheckTx(
                        code=EngineOutcome.DUPLICATE, log="transaction already in the mempool"
                    )
                else:
                    responses[i] = ResponseCheckTx(
                        code=EngineOutcome.CONSENSUS_REFUSED, log=f"CometBFT: {text}"
                    )
            elif answer.code != 0:
                responses[i] = _detailed(responses[i], answer.code, answer.log)
            else:
                responses[i] = ResponseCheckTx(code=0, admitted=True)
                self.pending.add(prepared.hashes[i], raws[i])
        if send and full == len(send):
            raise MempoolFull(len(self.pending), self.config.mempool_max_txs)
        return responses
