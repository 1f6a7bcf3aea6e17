"""Protobuf ABCI messages ↔ port dataclasses: every field that differs in shape."""

from __future__ import annotations

import json

import pytest
from google.protobuf.timestamp_pb2 import Timestamp as ProtoTimestamp

from sen.abci import translate
from sen.abci import types as port
from sen.abci.errors import UntranslatableMessage
from sen.abci.proto.tendermint.abci import types_pb2 as abci
from sen.abci.proto.tendermint.crypto import keys_pb2
from sen.abci.proto.tendermint.types import validator_pb2
from sen.ledger.light.types import Timestamp
from sen.ledger.types import Event, EventAttribute

KEY = bytes(range(32))
FLAGS = validator_pb2.BlockIDFlag


def vote(address: bytes, power: int, flag: int) -> abci.VoteInfo:
    return abci.VoteInfo(validator=abci.Validator(address=address, power=power), block_id_flag=flag)


def test_finalize_block_request_maps_every_field() -> None:
    message = abci.RequestFinalizeBlock(
        txs=[b"a", b"bc"],
        decided_last_commit=abci.CommitInfo(
            round=2,
            votes=[
                vote(b"\x01" * 20, 10, FLAGS.BLOCK_ID_FLAG_COMMIT),
                vote(b"\x02" * 20, 5, FLAGS.BLOCK_ID_FLAG_ABSENT),
                vote(b"\x03" * 20, 7, FLAGS.BLOCK_ID_FLAG_NIL),
            ],
        ),
        hash=b"h" * 32,
        height=9,
        time=ProtoTimestamp(seconds=1_700_000_000, nanos=5),
        next_validators_hash=b"n" * 32,
        proposer_address=b"p" * 20,
    )
    assert translate.finalize_block_request(message) == port.RequestFinalizeBlock(
        txs=(b"a", b"bc"),
        hash=b"h" * 32,
        height=9,
        time=Timestamp(1_700_000_000, 5),
        next_validators_hash=b"n" * 32,
        proposer_address=b"p" * 20,
        decided_last_commit=port.CommitInfo(
            round=2,
            votes=((b"\x01" * 20, 10, True), (b"\x02" * 20, 5, False), (b"\x03" * 20, 7, False)),
        ),
    )


def test_prepare_proposal_reads_the_extended_commit_info_the_same_way() -> None:
    message = abci.RequestPrepareProposal(
        max_tx_bytes=1000,
        txs=[b"t"],
        local_last_commit=abci.ExtendedCommitInfo(
            round=1,
            votes=[
                abci.ExtendedVoteInfo(
                    validator=abci.Validator(address=b"v" * 20, power=3),
                    block_id_flag=FLAGS.BLOCK_ID_FLAG_COMMIT,
                    vote_extension=b"ignored",
                )
            ],
        ),
        height=4,
        time=ProtoTimestamp(seconds=10),
    )
    request = translate.prepare_proposal_request(message)
    assert request.max_tx_bytes == 1000
    assert request.txs == (b"t",)
    assert request.local_last_commit == port.CommitInfo(1, ((b"v" * 20, 3, True),))
    assert request.time == Timestamp(10, 0)


def test_init_chain_request_reads_ed25519_validators() -> None:
    message = abci.RequestInitChain(
        time=ProtoTimestamp(seconds=1, nanos=2),
        chain_id="c",
        validators=[abci.ValidatorUpdate(pub_key=keys_pb2.PublicKey(ed25519=KEY), power=10)],
        app_state_bytes=b"{}",
        initial_height=5,
    )
    assert translate.init_chain_request(message) == port.RequestInitChain(
        time=Timestamp(1, 2),
        chain_id="c",
        validators=(port.ValidatorUpdate("ed25519", KEY, 10),),
        app_state_bytes=b"{}",
        initial_height=5,
    )


def test_validator_update_round_trips() -> None:
    update = port.ValidatorUpdate("ed25519", KEY, 42)
    message = translate.validator_update_message(update)
    assert message.pub_key.ed25519 == KEY
    assert translate.validator_update(message) == update


@pytest.mark.parametrize(
    ("update", "field", "reason"),
    [
        (
            port.ValidatorUpdate("rsa", KEY, 1),
            "validator_update.pub_key_type",
            "expected one of ed25519, secp256k1, mldsa65, got 'rsa'",
        ),
    ],
)
def test_unknown_key_type_is_named(update: port.ValidatorUpdate, field: str, reason: str) -> None:
    with pytest.raises(UntranslatableMessage) as caught:
        translate.validator_update_message(update)
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_validator_update_without_a_key_is_refused() -> None:
    with pytest.raises(UntranslatableMessage, match="no key is set"):
        translate.validator_update(abci.ValidatorUpdate(power=1))


def test_out_of_range_time_is_refused_naming_the_field() -> None:
    with pytest.raises(UntranslatableMessage) as caught:
        translate.timestamp(ProtoTimestamp(seconds=0, nanos=1_000_000_000))
    assert str(caught.value) == "time: 1000000000 not in [0, 999999999]"


@pytest.mark.parametrize(
    ("value", "kind"), [(0, port.CheckTxType.NEW), (1, port.CheckTxType.RECHECK)]
)
def test_check_tx_types(value: int, kind: port.CheckTxType) -> None:
    assert translate.check_tx_request(abci.RequestCheckTx(tx=b"x", type=value)).type == kind


def test_check_tx_response_drops_the_fields_abci_lacks() -> None:
    response = port.ResponseCheckTx(
        code=9,
        log="nonce is in the future",
        codespace="sen",
        gas_wanted=3,
        field="nonce",
        expected="0",
        got="1",
    )
    assert translate.check_tx_response(response) == abci.ResponseCheckTx(
        code=9, log="nonce is in the future", codespace="sen", gas_wanted=3
    )


def test_finalize_block_response_carries_results_and_events() -> None:
    event = Event("anchor", (EventAttribute("digest", "ab"), EventAttribute("n", "1", False)))
    response = port.ResponseFinalizeBlock(
        tx_results=(port.ExecTxResult(code=0, data=b"d", events=(event,), gas_used=2),),
        app_hash=b"a" * 32,
        validator_updates=(port.ValidatorUpdate("ed25519", KEY, 0),),
    )
    message = translate.finalize_block_response(response)
    assert message.app_hash == b"a" * 32
    assert message.validator_updates[0].pub_key.ed25519 == KEY
    result = message.tx_results[0]
    assert (result.code, result.data, result.gas_used) == (0, b"d", 2)
    assert result.events[0] == abci.Event(
        type="anchor",
        attributes=[
            abci.EventAttribute(key="digest", value="ab", index=True),
            abci.EventAttribute(key="n", value="1", index=False),
        ],
    )
    assert translate.events(result.events) == (event,)


def test_query_response_puts_the_proof_as_json_in_info() -> None:
    proof: dict[str, object] = {"siblings": ["00"], "app_hash": "ff"}
    message = translate.query_response(
        port.ResponseQuery(code=0, value=b"v", key=b"k", height=3, proof=proof)
    )
    assert json.loads(message.info) == proof
    assert (message.value, message.key, message.height) == (b"v", b"k", 3)
    assert not message.HasField("proof_ops")
    assert translate.query_response(port.ResponseQuery(code=1, log="key not found")).info == ""


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (
            port.ResponseProcessProposal(port.ProposalStatus.REJECT),
            abci.Response(process_proposal=abci.ResponseProcessProposal(status="REJECT")),
        ),
        (
            port.ResponseOfferSnapshot(port.OfferSnapshotResult.REJECT_FORMAT),
            abci.Response(offer_snapshot=abci.ResponseOfferSnapshot(result="REJECT_FORMAT")),
        ),
        (
            port.ResponseApplySnapshotChunk(
                port.ApplySnapshotChunkResult.RETRY, refetch_chunks=(1, 2), reject_senders=("p",)
            ),
            abci.Response(
                apply_snapshot_chunk=abci.ResponseApplySnapshotChunk(
                    result="RETRY", refetch_chunks=[1, 2], reject_senders=["p"]
                )
            ),
        ),
        (
            port.ResponseListSnapshots((port.Snapshot(5, 1, 3, b"h", b"m"),)),
            abci.Response(
                list_snapshots=abci.ResponseListSnapshots(
                    snapshots=[
                        abci.Snapshot(height=5, format=1, chunks=3, hash=b"h", metadata=b"m")
                    ]
                )
            ),
        ),
    ],
)
def test_enum_and_snapshot_responses(response: object, expected: abci.Response) -> None:
    translators = {
        port.ResponseProcessProposal: ("process_proposal", translate.process_proposal_response),
        port.ResponseOfferSnapshot: ("offer_snapshot", translate.offer_snapshot_response),
        port.ResponseApplySnapshotChunk: (
            "apply_snapshot_chunk",
            translate.apply_snapshot_chunk_response,
        ),
        port.ResponseListSnapshots: ("list_snapshots", translate.list_snapshots_response),
    }
    name, function = translators[type(response)]  # type: ignore[index]
    assert abci.Response(**{name: function(response)}) == expected  # type: ignore[operator]


def test_snapshot_requests() -> None:
    offered = translate.offer_snapshot_request(
        abci.RequestOfferSnapshot(
            snapshot=abci.Snapshot(height=5, format=1, chunks=2, hash=b"h"), app_hash=b"a"
        )
    )
    assert offered == port.RequestOfferSnapshot(port.Snapshot(5, 1, 2, b"h"), b"a")
    assert translate.load_snapshot_chunk_request(
        abci.RequestLoadSnapshotChunk(height=5, format=1, chunk=0)
    ) == port.RequestLoadSnapshotChunk(5, 1, 0)
    assert translate.apply_snapshot_chunk_request(
        abci.RequestApplySnapshotChunk(index=1, chunk=b"c", sender="peer")
    ) == port.RequestApplySnapshotChunk(1, b"c", "peer")
