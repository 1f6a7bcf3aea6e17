"""Protobuf ABCI messages ↔ the port's dataclasses (``sen.abci.types``).

A mechanical mapping, field by field; the few places where the two differ:

* ``CommitInfo`` votes become ``(validator address, power, signed)`` where
  ``signed`` means ``block_id_flag == BLOCK_ID_FLAG_COMMIT``; PrepareProposal's
  ``ExtendedCommitInfo`` is read the same way (vote extensions are unused).
* ``ValidatorUpdate.pub_key_type`` is the name of the ``tendermint.crypto.PublicKey``
  oneof field that is set (``"ed25519"``).
* ``ResponseCheckTx.field/expected/got`` have no ABCI field and are dropped
  (``log`` already carries the message).
* ``ResponseQuery.proof`` (Sen's sparse-Merkle proof, a JSON object) is sent as
  compact JSON in ``info``; ``proof_ops`` stays empty because CometBFT's proof
  operators do not describe Sen's tree.
* Misbehavior lists are not passed on: Sen does not slash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from google.protobuf import timestamp_pb2

from sen.abci import types as port
from sen.abci.errors import UntranslatableMessage
from sen.abci.proto.tendermint.abci import types_pb2 as abci
from sen.abci.proto.tendermint.crypto import keys_pb2
from sen.abci.proto.tendermint.types import validator_pb2
from sen.ledger.light.errors import InvalidValue
from sen.ledger.light.types import Timestamp
from sen.ledger.types import Event, EventAttribute

PUBLIC_KEY_TYPES = ("ed25519", "secp256k1", "mldsa65")
_COMMIT = validator_pb2.BLOCK_ID_FLAG_COMMIT


# -- shared pieces ------------------------------------------------------------
def timestamp(message: timestamp_pb2.Timestamp) -> Timestamp:
    try:
        return Timestamp(int(message.seconds), int(message.nanos))
    except InvalidValue as exc:
        raise UntranslatableMessage("time", exc.reason) from None


def commit_info(message: abci.CommitInfo | abci.ExtendedCommitInfo) -> port.CommitInfo:
    return port.CommitInfo(
        round=message.round,
        votes=tuple(
            (vote.validator.address, vote.validator.power, vote.block_id_flag == _COMMIT)
            for vote in message.votes
        ),
    )


def validator_update(message: abci.ValidatorUpdate) -> port.ValidatorUpdate:
    kind = message.pub_key.WhichOneof("sum")
    if kind is None:
        raise UntranslatableMessage("validator_update.pub_key", "no key is set")
    return port.ValidatorUpdate(str(kind), getattr(message.pub_key, kind), message.power)


def validator_update_message(update: port.ValidatorUpdate) -> abci.ValidatorUpdate:
    if update.pub_key_type not in PUBLIC_KEY_TYPES:
        raise UntranslatableMessage(
            "validator_update.pub_key_type",
            f"expected one of {', '.join(PUBLIC_KEY_TYPES)}, got {update.pub_key_type!r}",
        )
    key = keys_pb2.PublicKey(**{update.pub_key_type: update.pub_key})
    return abci.ValidatorUpdate(pub_key=key, power=update.power)


def event_messages(events: Iterable[Event]) -> list[abci.Event]:
    return [
        abci.Event(
            type=event.type,
            attributes=[
                abci.EventAttribute(key=a.key, value=a.value, index=a.index)
                for a in event.attributes
            ],
        )
        for event in events
    ]


def events(messages: Iterable[abci.Event]) -> tuple[Event, ...]:
    return tuple(
        Event(m.type, tuple(EventAttribute(a.key, a.value, a.index) for a in m.attributes))
        for m in messages
    )


# -- requests -----------------------------------------------------------------
def info_request(message: abci.RequestInfo) -> port.RequestInfo:
    return port.RequestInfo(
        version=message.version,
        block_version=message.block_version,
        p2p_version=message.p2p_version,
        abci_version=message.abci_version,
    )


def init_chain_request(message: abci.RequestInitChain) -> port.RequestInitChain:
    return port.RequestInitChain(
        time=timestamp(message.time),
        chain_id=message.chain_id,
        validators=tuple(validator_update(v) for v in message.validators),
        app_state_bytes=message.app_state_bytes,
        initial_height=message.initial_height,
    )


def check_tx_type(value: int) -> port.CheckTxType:
    try:
        return port.CheckTxType(value)
    except ValueError:
        raise UntranslatableMessage("check_tx.type", f"unknown CheckTx type {value}") from None


def check_tx_request(message: abci.RequestCheckTx) -> port.RequestCheckTx:
    return port.RequestCheckTx(tx=message.tx, type=check_tx_type(message.type))


def query_request(message: abci.RequestQuery) -> port.RequestQuery:
    return port.RequestQuery(
        path=message.path, data=message.data, height=message.height, prove=message.prove
    )


def prepare_proposal_request(message: abci.RequestPrepareProposal) -> port.RequestPrepareProposal:
    return port.RequestPrepareProposal(
        max_tx_bytes=message.max_tx_bytes,
        txs=tuple(message.txs),
        height=message.height,
        time=timestamp(message.time),
        next_validators_hash=message.next_validators_hash,
        proposer_address=message.proposer_address,
        local_last_commit=commit_info(message.local_last_commit),
    )


def process_proposal_request(message: abci.RequestProcessProposal) -> port.RequestProcessProposal:
    return port.RequestProcessProposal(
        txs=tuple(message.txs),
        hash=message.hash,
        height=message.height,
        time=timestamp(message.time),
        next_validators_hash=message.next_validators_hash,
        proposer_address=message.proposer_address,
        proposed_last_commit=commit_info(message.proposed_last_commit),
    )


def finalize_block_request(message: abci.RequestFinalizeBlock) -> port.RequestFinalizeBlock:
    return port.RequestFinalizeBlock(
        txs=tuple(message.txs),
        hash=message.hash,
        height=message.height,
        time=timestamp(message.time),
        next_validators_hash=message.next_validators_hash,
        proposer_address=message.proposer_address,
        decided_last_commit=commit_info(message.decided_last_commit),
    )


def snapshot(message: abci.Snapshot) -> port.Snapshot:
    return port.Snapshot(
        height=message.height,
        format=message.format,
        chunks=message.chunks,
        hash=message.hash,
        metadata=message.metadata,
    )


def offer_snapshot_request(message: abci.RequestOfferSnapshot) -> port.RequestOfferSnapshot:
    return port.RequestOfferSnapshot(snapshot=snapshot(message.snapshot), app_hash=message.app_hash)


def load_snapshot_chunk_request(
    message: abci.RequestLoadSnapshotChunk,
) -> port.RequestLoadSnapshotChunk:
    return port.RequestLoadSnapshotChunk(
        height=message.height, format=message.format, chunk=message.chunk
    )


def apply_snapshot_chunk_request(
    message: abci.RequestApplySnapshotChunk,
) -> port.RequestApplySnapshotChunk:
    return port.RequestApplySnapshotChunk(
        index=message.index, chunk=message.chunk, sender=message.sender
    )


# -- responses ----------------------------------------------------------------
def info_response(response: port.ResponseInfo) -> abci.ResponseInfo:
    return abci.ResponseInfo(
        data=response.data,
        version=response.version,
        app_version=response.app_version,
        last_block_height=response.last_block_height,
        last_block_app_hash=response.last_block_app_hash,
    )


def init_chain_response(response: port.ResponseInitChain) -> abci.ResponseInitChain:
    return abci.ResponseInitChain(
        validators=[validator_update_message(v) for v in response.validators],
        app_hash=response.app_hash,
    )


def check_tx_response(response: port.ResponseCheckTx) -> abci.ResponseCheckTx:
    return abci.ResponseCheckTx(
        code=response.code,
        data=response.data,
        log=response.log,
        codespace=response.codespace,
        gas_wanted=response.gas_wanted,
    )


def query_response(response: port.ResponseQuery) -> abci.ResponseQuery:
    proof = json.dumps(response.proof, sort_keys=True, separators=(",", ":"))
    return abci.ResponseQuery(
        code=response.code,
        value=response.value,
        key=response.key,
        log=response.log,
        height=response.height,
        info=proof if response.proof else "",
    )


def prepare_proposal_response(
    response: port.ResponsePrepareProposal,
) -> abci.ResponsePrepareProposal:
    return abci.ResponsePrepareProposal(txs=list(response.txs))


def process_proposal_response(
    response: port.ResponseProcessProposal,
) -> abci.ResponseProcessProposal:
    return abci.ResponseProcessProposal(status=response.status.name)


def exec_tx_result(result: port.ExecTxResult) -> abci.ExecTxResult:
    return abci.ExecTxResult(
        code=result.code,
        data=result.data,
        log=result.log,
        info=result.info,
        gas_wanted=result.gas_wanted,
        gas_used=result.gas_used,
        events=event_messages(result.events),
        codespace=result.codespace,
    )


def finalize_block_response(response: port.ResponseFinalizeBlock) -> abci.ResponseFinalizeBlock:
    return abci.ResponseFinalizeBlock(
        events=event_messages(response.events),
        tx_results=[exec_tx_result(r) for r in response.tx_results],
        validator_updates=[validator_update_message(v) for v in response.validator_updates],
        app_hash=response.app_hash,
    )


def commit_response(response: port.ResponseCommit) -> abci.ResponseCommit:
    return abci.ResponseCommit(retain_height=response.retain_height)


def snapshot_message(value: port.Snapshot) -> abci.Snapshot:
    return abci.Snapshot(
        height=value.height,
        format=value.format,
        chunks=value.chunks,
        hash=value.hash,
        metadata=value.metadata,
    )


def list_snapshots_response(response: port.ResponseListSnapshots) -> abci.ResponseListSnapshots:
    return abci.ResponseListSnapshots(snapshots=[snapshot_message(s) for s in response.snapshots])


def offer_snapshot_response(response: port.ResponseOfferSnapshot) -> abci.ResponseOfferSnapshot:
    return abci.ResponseOfferSnapshot(result=response.result.name)


def load_snapshot_chunk_response(
    response: port.ResponseLoadSnapshotChunk,
) -> abci.ResponseLoadSnapshotChunk:
    return abci.ResponseLoadSnapshotChunk(chunk=response.chunk)


def apply_snapshot_chunk_response(
    response: port.ResponseApplySnapshotChunk,
) -> abci.ResponseApplySnapshotChunk:
    return abci.ResponseApplySnapshotChunk(
        result=response.result.name,
        refetch_chunks=list(response.refetch_chunks),
        reject_senders=list(response.reject_senders),
    )
