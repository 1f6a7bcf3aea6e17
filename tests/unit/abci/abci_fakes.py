"""A recording fake ``Application`` for the ABCI adapter tests, and request builders."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sen.abci import types as port
from sen.abci.proto.tendermint.abci import types_pb2 as abci


class Boom(RuntimeError):
    pass


class FakeApp:
    """Answers CheckTx with code = first byte of the tx; raises for methods in ``failing``."""

    def __init__(self, failing: Sequence[str] = ()) -> None:
        self.failing = set(failing)
        self.calls: list[tuple[str, object]] = []
        self.height = 0
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.release.set()

    def _call(self, name: str, argument: object = None) -> None:
        with self.lock:
            self.calls.append((name, argument))
        if name in self.failing:
            raise Boom(f"{name} exploded")

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def info(self, request: port.RequestInfo) -> port.ResponseInfo:
        self._call("info", request)
        return port.ResponseInfo("fake", "1", 1, self.height, b"\x00" * 32)

    def init_chain(self, request: port.RequestInitChain) -> port.ResponseInitChain:
        self._call("init_chain", request)
        return port.ResponseInitChain(request.validators, b"\x01" * 32)

    def check_tx(self, request: port.RequestCheckTx) -> port.ResponseCheckTx:
        return self.check_txs([request.tx], request.type)[0]

    def check_txs(
        self, raws: Sequence[bytes], kind: port.CheckTxType = port.CheckTxType.NEW
    ) -> list[port.ResponseCheckTx]:
        self._call("check_txs", (list(raws), kind))
        self.release.wait(10)
        return [port.ResponseCheckTx(code=raw[0] if raw else 0, log=raw.hex()) for raw in raws]

    def prepare_proposal(
        self, request: port.RequestPrepareProposal
    ) -> port.ResponsePrepareProposal:
        self._call("prepare_proposal", request)
        return port.ResponsePrepareProposal(request.txs)

    def process_proposal(
        self, request: port.RequestProcessProposal
    ) -> port.ResponseProcessProposal:
        self._call("process_proposal", request)
        return port.ResponseProcessProposal(port.ProposalStatus.ACCEPT)

    def finalize_block(self, request: port.RequestFinalizeBlock) -> port.ResponseFinalizeBlock:
        self._call("finalize_block", request)
        return port.ResponseFinalizeBlock(
            tuple(port.ExecTxResult(code=0) for _ in request.txs), b"\x02" * 32
        )

    def commit(self) -> port.ResponseCommit:
        self._call("commit")
        self.height += 1
        return port.ResponseCommit()

    def query(self, request: port.RequestQuery) -> port.ResponseQuery:
        self._call("query", request)
        return port.ResponseQuery(code=0, value=request.data)

    def list_snapshots(self) -> port.ResponseListSnapshots:
        self._call("list_snapshots")
        return port.ResponseListSnapshots()

    def offer_snapshot(self, request: port.RequestOfferSnapshot) -> port.ResponseOfferSnapshot:
        self._call("offer_snapshot", request)
        return port.ResponseOfferSnapshot(port.OfferSnapshotResult.ACCEPT)

    def load_snapshot_chunk(
        self, request: port.RequestLoadSnapshotChunk
    ) -> port.ResponseLoadSnapshotChunk:
        self._call("load_snapshot_chunk", request)
        return port.ResponseLoadSnapshotChunk(b"chunk")

    def apply_snapshot_chunk(
        self, request: port.RequestApplySnapshotChunk
    ) -> port.ResponseApplySnapshotChunk:
        self._call("apply_snapshot_chunk", request)
        return port.ResponseApplySnapshotChunk(port.ApplySnapshotChunkResult.ACCEPT)


def check_tx(tx: bytes, recheck: bool = False) -> abci.Request:
    return abci.Request(check_tx=abci.RequestCheckTx(tx=tx, type=1 if recheck else 0))


def echo(message: str) -> abci.Request:
    return abci.Request(echo=abci.RequestEcho(message=message))


FLUSH = abci.Request(flush=abci.RequestFlush())
INFO = abci.Request(info=abci.RequestInfo())
COMMIT = abci.Request(commit=abci.RequestCommit())


def finalize(height: int, txs: Sequence[bytes] = ()) -> abci.Request:
    return abci.Request(finalize_block=abci.RequestFinalizeBlock(height=height, txs=list(txs)))


def query(data: bytes) -> abci.Request:
    return abci.Request(query=abci.RequestQuery(path="/x", data=data))
