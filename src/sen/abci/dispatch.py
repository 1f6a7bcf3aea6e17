"""One ABCI request (or a run of CheckTx requests) → the application → its response.

What an application exception becomes depends on the connection the method
belongs to, because CometBFT stops the node on a ``ResponseException``:

* **mempool and query** (CheckTx, Query): never an exception. CheckTx answers
  ``INTERNAL_ERROR_CODE`` in ``INTERNAL_CODESPACE`` (the transaction is simply
  not admitted), Query answers the same code with the error in ``log``.
* **state sync** (ListSnapshots, LoadSnapshotChunk, OfferSnapshot,
  ApplySnapshotChunk): no snapshots, an empty chunk, or ABORT of the restore —
  serving other nodes must not stop this one.
* **consensus** (InitChain, PrepareProposal, ProcessProposal, FinalizeBlock,
  Commit) and Info (the handshake): a ``ResponseException``, after logging the
  traceback at ERROR. The application's state may now be half-changed, and
  answering anything else would let this node compute a different app hash
  from the other validators (or report a wrong height at the handshake); the
  safe course is for CometBFT to stop and for an operator to look. On restart
  the handshake replays the blocks the application has not committed.

Vote extensions are unused: ExtendVote gets an empty extension and
VerifyVoteExtension ACCEPT, without asking the application.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sen.abci import translate
from sen.abci.errors import UntranslatableMessage
from sen.abci.proto.tendermint.abci import types_pb2 as abci
from sen.abci.types import (
    Application,
    ApplySnapshotChunkResult,
    CheckTxType,
    OfferSnapshotResult,
    ResponseCheckTx,
)

log = logging.getLogger("sen.abci")

INTERNAL_ERROR_CODE = 1
INTERNAL_CODESPACE = "sen.abci"
MAX_CHECK_TX_RUN = 4096


@dataclass(frozen=True, slots=True)
class Answers:
    """Responses in request order; ``failure`` set when the last is a ResponseException."""

    responses: list[abci.Response]
    failure: str | None = None


def internal_error(reason: str) -> ResponseCheckTx:
    return ResponseCheckTx(
        code=INTERNAL_ERROR_CODE, log=f"internal error: {reason}", codespace=INTERNAL_CODESPACE
    )


class Dispatcher:
    """Answers requests for one application; safe to share between connections."""

    def __init__(self, app: Application, max_check_tx_run: int = MAX_CHECK_TX_RUN) -> None:
        self.app = app
        self.max_check_tx_run = max_check_tx_run
        self._handlers: dict[str, Callable[[abci.Request], abci.Response]] = {
            "echo": lambda r: abci.Response(echo=abci.ResponseEcho(message=r.echo.message)),
            "flush": lambda r: abci.Response(flush=abci.ResponseFlush()),
            "info": self._info,
            "init_chain": self._init_chain,
            "query": self._query,
            "commit": self._commit,
            "prepare_proposal": self._prepare_proposal,
            "process_proposal": self._process_proposal,
            "finalize_block": self._finalize_block,
            "extend_vote": lambda r: abci.Response(extend_vote=abci.ResponseExtendVote()),
            "verify_vote_extension": lambda r: abci.Response(
                verify_vote_extension=abci.ResponseVerifyVoteExtension(status="ACCEPT")
            ),
            "list_snapshots": self._list_snapshots,
            "offer_snapshot": self._offer_snapshot,
            "load_snapshot_chunk": self._load_snapshot_chunk,
            "apply_snapshot_chunk": self._apply_snapshot_chunk,
        }

    def knows(self, method: str | None) -> bool:
        return method in self._handlers or method == "check_tx"

    def answer_all(self, requests: Sequence[abci.Request]) -> Answers:
        """Answer ``requests`` in order; consecutive CheckTx of one type go to the app at once.

        Stops after the first ResponseException (the connection is then closed).
        """
        responses: list[abci.Response] = []
        i = 0
        while i < len(requests):
            method = requests[i].WhichOneof("value")
            if method == "check_tx":
                end = self._check_tx_run_end(requests, i)
                responses.extend(self._check_txs(requests[i:end]))
                i = end
                continue
            try:
                responses.append(self._handlers[method](requests[i]))
            except Exception as exc:
                reason = f"{method}: {type(exc).__name__}: {exc}"
                log.exception("ABCI %s failed; answering with an exception", method)
                responses.append(abci.Response(exception=abci.ResponseException(error=reason)))
                return Answers(responses, failure=reason)
            i += 1
        return Answers(responses)

    def _check_tx_run_end(self, requests: Sequence[abci.Request], start: int) -> int:
        kind = requests[start].check_tx.type
        end = start + 1
        while (
            end < len(requests)
            and end - start < self.max_check_tx_run
            and requests[end].WhichOneof("value") == "check_tx"
            and requests[end].check_tx.type == kind
        ):
            end += 1
        return end

    def _check_txs(self, requests: Sequence[abci.Request]) -> list[abci.Response]:
        raws = [r.check_tx.tx for r in requests]
        try:
            kind = translate.check_tx_type(requests[0].check_tx.type)
        except UntranslatableMessage as exc:
            results = [internal_error(str(exc))] * len(raws)
        else:
            results = self._app_check_txs(raws, kind)
        return [abci.Response(check_tx=translate.check_tx_response(r)) for r in results]

    def _app_check_txs(self, raws: list[bytes], kind: CheckTxType) -> list[ResponseCheckTx]:
        try:
            results = self.app.check_txs(raws, kind)
        except Exception as exc:
            log.exception("CheckTx of %d transactions failed; answering internal error", len(raws))
            return [internal_error(f"{type(exc).__name__}: {exc}")] * len(raws)
        if len(results) != len(raws):
            log.error("check_txs answered %d of %d transactions", len(results), len(raws))
            return [internal_error("the application lost count")] * len(raws)
        return results

    # -- consensus and info: exceptions propagate (see the module docstring) --
    def _info(self, request: abci.Request) -> abci.Response:
        answer = self.app.info(translate.info_request(request.info))
        return abci.Response(info=translate.info_response(answer))

    def _init_chain(self, request: abci.Request) -> abci.Response:
        answer = self.app.init_chain(translate.init_chain_request(request.init_chain))
        return abci.Response(init_chain=translate.init_chain_response(answer))

    def _prepare_proposal(self, request: abci.Request) -> abci.Response:
        asked = translate.prepare_proposal_request(request.prepare_proposal)
        answer = self.app.prepare_proposal(asked)
        return abci.Response(prepare_proposal=translate.prepare_proposal_response(answer))

    def _process_proposal(self, request: abci.Request) -> abci.Response:
        asked = translate.process_proposal_request(request.process_proposal)
        answer = self.app.process_proposal(asked)
        return abci.Response(process_proposal=translate.process_proposal_response(answer))

    def _finalize_block(self, request: abci.Request) -> abci.Response:
        answer = self.app.finalize_block(translate.finalize_block_request(request.finalize_block))
        return abci.Response(finalize_block=translate.finalize_block_response(answer))

    def _commit(self, request: abci.Request) -> abci.Response:
        return abci.Response(commit=translate.commit_response(self.app.commit()))

    # -- query and state sync: exceptions become answers ----------------------
    def _query(self, request: abci.Request) -> abci.Response:
        try:
            answer = translate.query_response(
                self.app.query(translate.query_request(request.query))
            )
        except Exception as exc:
            log.exception("Query %r failed; answering internal error", request.query.path)
            answer = abci.ResponseQuery(
                code=INTERNAL_ERROR_CODE,
                log=f"internal error: {type(exc).__name__}: {exc}",
                codespace=INTERNAL_CODESPACE,
            )
        return abci.Response(query=answer)

    def _list_snapshots(self, request: abci.Request) -> abci.Response:
        try:
            answer = translate.list_snapshots_response(self.app.list_snapshots())
        except Exception:
            log.exception("ListSnapshots failed; answering no snapshots")
            answer = abci.ResponseListSnapshots()
        return abci.Response(list_snapshots=answer)

    def _offer_snapshot(self, request: abci.Request) -> abci.Response:
        try:
            asked = translate.offer_snapshot_request(request.offer_snapshot)
            answer = translate.offer_snapshot_response(self.app.offer_snapshot(asked))
        except Exception:
            log.exception("OfferSnapshot failed; aborting the restore")
            answer = abci.ResponseOfferSnapshot(result=OfferSnapshotResult.ABORT.name)
        return abci.Response(offer_snapshot=answer)

    def _load_snapshot_chunk(self, request: abci.Request) -> abci.Response:
        try:
            asked = translate.load_snapshot_chunk_request(request.load_snapshot_chunk)
            answer = translate.load_snapshot_chunk_response(self.app.load_snapshot_chunk(asked))
        except Exception:
            log.exception("LoadSnapshotChunk failed; answering an empty chunk")
            answer = abci.ResponseLoadSnapshotChunk()
        return abci.Response(load_snapshot_chunk=answer)

    def _apply_snapshot_chunk(self, request: abci.Request) -> abci.Response:
        try:
            asked = translate.apply_snapshot_chunk_request(request.apply_snapshot_chunk)
            answer = translate.apply_snapshot_chunk_response(self.app.apply_snapshot_chunk(asked))
        except Exception:
            log.exception("ApplySnapshotChunk failed; aborting the restore")
            answer = abci.ResponseApplySnapshotChunk(result=ApplySnapshotChunkResult.ABORT.name)
        return abci.Response(apply_snapshot_chunk=answer)
