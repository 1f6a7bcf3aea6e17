"""Light clients of other chains: their state and consensus states, with state proofs.

``GET /v1/interchain/clients/{client_id}`` gives a client (the counterparty's
chain id, trust level, periods, latest and frozen heights) and its latest
consensus state; ``…/consensus/{height}`` one consensus state (the
counterparty's time, state root and next validators at a verified header).
Each answer carries the state proof of the record it was read from, against
``app_hash`` at ``height`` (``docs/spec/state-proofs.md``), so a relayer or
another chain's verifier need not trust this node. The module is
``docs/spec/interchain.md``.

What a relayer reads (none of it needs trust: the other chain verifies it):
``…/headers/{height}`` (a signed header: header, commit, validators),
``POST …/proofs`` (several state proofs from one snapshot),
``…/clients/{id}/pending`` (sequences still committed), ``…/packets/{id}/{seq}``
(a packet as sent) and ``…/acknowledgements/{id}/{seq}`` (as received).
"""

from __future__ import annotations

import base64
import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest, NotFound, NotYetAvailable
from sen.api.json_body import JsonRoute
from sen.api.parsing import MAX_ID, MAX_STATE_KEY_BYTES, STATE_KEY_PATTERN, parse_hex, pattern
from sen.api.problems import documented
from sen.api.schemas import Schema, StateProofView
from sen.ledger import encoding
from sen.ledger.ibc import MAX_SEQUENCE
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.interchain import ClientState, ConsensusState
from sen.ledger.modules.interchain.records import CLIENT_PREFIX, client_key, consensus_key
from sen.ledger.modules.interchain.transfer import RECORD_ID, Record, record_key
from sen.services.readmodels.interchain import (
    Acknowledged,
    PacketReceiptUnavailable,
    SentPacket,
    build_packet_receipt,
    consensus_heights,
    load_acknowledgements,
    load_client_update,
    load_light_block,
    load_sent_packet,
    pending_sequences,
    prove_keys,
    validator_history,
)

router = APIRouter(route_class=JsonRoute, tags=["interchain"])

CLIENT_ID_PATTERN = r"^sen-client-(0|[1-9][0-9]{0,18})$"  # as the module numbers them
RECORD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
ClientId = Annotated[
    str,
    Path(description="sen-client-<n>.", json_schema_extra=pattern(CLIENT_ID_PATTERN)),
]
Height = Annotated[int, Path(ge=1, le=MAX_ID, description="A verified counterparty height.")]
Sequence = Annotated[int, Path(ge=1, le=MAX_SEQUENCE, description="A packet's sequence, from 1.")]
MAX_PROVED_KEYS = 256
MAX_PENDING_PAGE = 1000


class ConsensusView(Schema):
    height: int = Field(description="The counterparty header's height.")
    time: str = Field(description="The header's time (RFC 3339, UTC).")
    root: str = Field(
        description="The header's app_hash, hex: the counterparty's state after the previous "
        "block, which state proofs of that state are checked against."
    )
    next_validators_hash: str


class Proved(Schema):
    key: str = Field(description="The state key of the record, hex.")
    height: int = Field(description="This chain's height it was read at.")
    app_hash: str = Field(description="This chain's app hash after that height.")
    proof: StateProofView


class ClientView(Proved):
    client_id: str = Field(examples=["sen-client-0"])
    chain_id: str = Field(description="The counterparty chain.")
    trust_level: str = Field(examples=["1/3"])
    trusting_period: int = Field(description="Seconds.")
    max_clock_drift: int = Field(description="Seconds.")
    latest_height: int
    frozen_height: int = Field(description="0 unless misbehaviour was proved.")
    counterparty_client_id: str = Field(
        description="The counterparty chain's client of this chain, once registered; "
        "packets travel only between the two."
    )
    usable_from: int = Field(
        description="0, or the height a governance recovery restarted it from: consensus "
        "states below it are void."
    )
    created_height: int
    expires: str = Field(
        description="When the latest consensus state leaves the trusting period (RFC 3339): "
        "a relayer must update the client before."
    )
    latest: ConsensusView


class ConsensusStateView(Proved):
    client_id: str
    consensus: ConsensusView


def _page(found: list[int], limit: int) -> tuple[list[int], int | None]:
    """A page of ``limit`` from ``limit + 1`` read, and where the next starts (None: none)."""
    shown = found[:limit]
    return shown, shown[-1] if len(found) > limit else None


def _require_client_id(client_id: str) -> None:
    if re.fullmatch(CLIENT_ID_PATTERN, client_id) is None:
        raise BadRequest(
            "not a client id", field="client_id", expected="sen-client-<n>", got=client_id[:80]
        )


def _read(
    node: NodeDep, key: bytes, what: str, field: str
) -> tuple[int, bytes, bytes, StateProofView]:
    height, app_hash, stored, proof = node.app.store.prove(key)
    if stored is None:
        raise NotFound(f"{what} is not on this chain", field=field)
    return height, app_hash, stored, StateProofView.of(app_hash, proof)


def _consensus(height: int, state: ConsensusState) -> ConsensusView:
    return ConsensusView(
        height=height,
        time=Timestamp(state.time_seconds, state.time_nanos).to_rfc3339(),
        root=state.root.hex(),
        next_validators_hash=state.next_validators_hash.hex(),
    )


@router.get(
    "/v1/interchain/clients/{client_id}",
    summary="A light client of another chain, with a state proof",
    description=(
        "The client's parameters, its latest and frozen heights, when its latest consensus "
        "state expires, and that consensus state. `proof` proves the client record under "
        "`app_hash`.\n\n*Light client của một chuỗi khác, kèm bằng chứng trạng thái.*"
    ),
    response_model=ClientView,
    responses=documented(400, 404),
)
def show_client(client_id: ClientId, node: NodeDep) -> ClientView:
    _require_client_id(client_id)
    key = client_key(client_id)
    height, app_hash, stored, proof = _read(node, key, f"client {client_id}", "client_id")
    client = ClientState.from_value(encoding.decode(stored))
    raw = node.app.store.get(consensus_key(client_id, client.latest_height))
    latest = ConsensusState.from_value(encoding.decode(raw)) if raw is not None else None
    if latest is None:  # a client is stored with its first consensus state: never here
        raise NotFound(f"client {client_id} has no latest consensus state", field="client_id")
    return ClientView(
        client_id=client_id,
        chain_id=client.chain_id,
        trust_level=f"{client.trust_numerator}/{client.trust_denominator}",
        trusting_period=client.trusting_period,
        max_clock_drift=client.max_clock_drift,
        latest_height=client.latest_height,
        frozen_height=client.frozen_height,
        counterparty_client_id=client.counterparty_client_id,
        usable_from=client.usable_from,
        created_height=client.created_height,
        expires=Timestamp(
            latest.time_seconds + client.trusting_period, latest.time_nanos
        ).to_rfc3339(),
        latest=_consensus(client.latest_height, latest),
        key=key.hex(),
        height=height,
        app_hash=app_hash.hex(),
        proof=proof,
    )


@router.get(
    "/v1/interchain/clients/{client_id}/consensus/{consensus_height}",
    summary="A client's consensus state at a counterparty height, with a state proof",
    description=(
        "What the client verified at that height: time, state root (`app_hash` of the "
        "counterparty header) and next validators. `proof` proves it under `app_hash`."
        "\n\n*Trạng thái đồng thuận của light client tại một độ cao.*"
    ),
    response_model=ConsensusStateView,
    responses=documented(400, 404),
)
def show_consensus(
    client_id: ClientId, consensus_height: Height, node: NodeDep
) -> ConsensusStateView:
    _require_client_id(client_id)
    key = consensus_key(client_id, consensus_height)
    what = f"a consensus state of {client_id} at {consensus_height}"
    height, app_hash, stored, proof = _read(node, key, what, "consensus_height")
    state = ConsensusState.from_value(encoding.decode(stored))
    return ConsensusStateView(
        client_id=client_id,
        consensus=_consensus(consensus_height, state),
        key=key.hex(),
        height=height,
        app_hash=app_hash.hex(),
        proof=proof,
    )


# -- what a relayer reads -----------------------------------------------------------


class LightBlockView(Schema):
    height: int
    header: dict[str, Any] = Field(description="CometBFT v0.38 header JSON.")
    commit: dict[str, Any] = Field(description="The commit that signs this header.")
    validators: dict[str, Any] = Field(description="The validator set of this height.")
    validator_history: list[dict[str, Any]] | None = Field(
        default=None,
        description="With `history=true`: the signed validator-set changes from genesis to "
        "this height (`{header, commit, next_validators}` each, as receipts carry them), so "
        "that the validators can be followed from the genesis file alone.",
    )


class ProveKeys(Schema):
    keys: list[Annotated[str, Field(json_schema_extra=pattern(STATE_KEY_PATTERN))]] = Field(
        min_length=1,
        max_length=MAX_PROVED_KEYS,
        description=f"1 to {MAX_PROVED_KEYS} state keys, hex.",
    )


class ProvedValue(Schema):
    key: str
    value: str | None = Field(description="The value, hex; null if absent.")
    proof: StateProofView


class ProvedKeysView(Schema):
    height: int = Field(description="The height the snapshot was read at.")
    app_hash: str = Field(
        description="The app hash after that height, which header `height + 1` carries (or "
        "header `height`, when block `height` changed no state)."
    )
    proofs: list[ProvedValue]


class PendingView(Schema):
    client_id: str
    sequences: list[int] = Field(
        description="Sequences sent through this client whose commitments are still here "
        "(neither acknowledged nor timed out), ascending."
    )
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null at the end."
    )


class ConsensusHeightsView(Schema):
    client_id: str
    heights: list[int] = Field(description="Counterparty heights with a consensus state.")
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null at the end."
    )


class ClientUpdateView(Schema):
    client_id: str
    height: int = Field(description="The counterparty height the update stored.")
    host_height: int = Field(description="This chain's height the update was made at.")
    header: dict[str, Any]
    commit: dict[str, Any]
    validators: dict[str, Any]
    trusted_height: int
    trusted_validators: dict[str, Any] | None


class PayloadView(Schema):
    source_port: str
    destination_port: str
    version: str
    encoding: str
    value: str = Field(description="The payload's bytes, base64.")


class PacketView(Schema):
    sequence: int
    source_client: str
    destination_client: str
    timeout_timestamp: int = Field(description="Unix seconds, the destination's block time.")
    payloads: list[PayloadView]


class SentPacketView(Schema):
    packet: PacketView
    height: int = Field(description="The height it was sent at.")
    tx_hash: str
    pending: bool = Field(description="Its commitment is still here: not yet settled.")


class AcknowledgementsView(Schema):
    client_id: str = Field(description="This chain's client the packet arrived through.")
    sequence: int
    acknowledgements: list[str] = Field(description="One per payload, hex, in payload order.")
    height: int = Field(description="The height it was received at.")
    tx_hash: str


@router.get(
    "/v1/interchain/headers/{height}",
    summary="A signed header: the header, the commit that signs it, and its validators",
    description=(
        "What another chain's light client is updated with (`update_client`): the header of "
        "block `height`, its commit and its validator set, in CometBFT v0.38 JSON. 404 until "
        "the block and its commit are stored.\n\n*Tiêu đề khối đã ký, dùng để cập nhật light "
        "client ở chuỗi khác.*"
    ),
    response_model=LightBlockView,
    responses=documented(400, 404),
)
def show_light_block(
    height: Annotated[int, Path(ge=1, le=MAX_ID, description="A height, 1 or more.")],
    node: NodeDep,
    history: Annotated[
        bool, Query(description="Add the validator-set changes from genesis to this height.")
    ] = False,
) -> LightBlockView:
    block = load_light_block(node, height)
    if block is None:
        raise NotFound(
            f"block {height} and its commit are not stored here; the latest is {node.app.height}",
            field="height",
            expected=f"at most {node.app.height}",
            got=str(height),
        )
    return LightBlockView(
        height=block.height,
        header=block.header,
        commit=block.commit,
        validators=block.validators,
        validator_history=validator_history(node, block.height) if history else None,
    )


@router.post(
    "/v1/interchain/proofs",
    summary="State proofs of several keys, from one snapshot",
    description=(
        "Each key's value (or its absence) with a proof, all against one `app_hash`, so that "
        "one header proves them all on another chain. Proofs are `docs/spec/state-proofs.md`."
        "\n\n*Bằng chứng trạng thái của nhiều khoá, cùng một ảnh chụp.*"
    ),
    response_model=ProvedKeysView,
    responses=documented(400, 422),
)
def prove(body: ProveKeys, node: NodeDep) -> ProvedKeysView:
    keys = [
        parse_hex(k, f"keys[{n}]", max_length=MAX_STATE_KEY_BYTES) for n, k in enumerate(body.keys)
    ]
    for n, key in enumerate(keys):
        if not key:
            raise BadRequest("empty key", field=f"keys[{n}]", expected="1 or more bytes", got="")
    proved = prove_keys(node, keys)
    return ProvedKeysView(
        height=proved.height,
        app_hash=proved.app_hash.hex(),
        proofs=[
            ProvedValue(
                key=key.hex(),
                value=None if value is None else value.hex(),
                proof=StateProofView.of(proved.app_hash, proof),
            )
            for key, value, proof in proved.values
        ],
    )


@router.get(
    "/v1/interchain/clients/{client_id}/pending",
    summary="Packets sent through a client and not yet settled",
    description=(
        "Sequences whose commitments are still here: sent, neither acknowledged nor timed out. "
        "A relayer delivers each (or times it out) and brings back its acknowledgement."
        "\n\n*Các gói tin đã gửi nhưng chưa được xác nhận hoặc hết hạn.*"
    ),
    response_model=PendingView,
    responses=documented(400),
)
def show_pending(
    client_id: ClientId,
    node: NodeDep,
    after: Annotated[int, Query(ge=0, le=MAX_SEQUENCE, description="Start after this.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PENDING_PAGE, description="Page size.")] = 100,
) -> PendingView:
    _require_client_id(client_id)
    sequences, following = _page(pending_sequences(node, client_id, after, limit + 1), limit)
    return PendingView(client_id=client_id, sequences=sequences, next_after=following)


@router.get(
    "/v1/interchain/packets/{client_id}/{sequence}",
    summary="A packet as it was sent through a client",
    description=(
        "The packet (the chain keeps only its commitment, a hash), where it was sent, and "
        "whether it is still pending.\n\n*Gói tin như khi được gửi.*"
    ),
    response_model=SentPacketView,
    responses=documented(400, 404),
)
def show_sent_packet(client_id: ClientId, sequence: Sequence, node: NodeDep) -> SentPacketView:
    _require_client_id(client_id)
    sent = load_sent_packet(node, client_id, sequence)
    if sent is None:
        raise NotFound(f"no packet {sequence} was sent through {client_id} here", field="sequence")
    return _sent_view(node, client_id, sent)


def _sent_view(node: NodeDep, client_id: str, sent: SentPacket) -> SentPacketView:
    packet = sent.packet
    return SentPacketView(
        packet=PacketView(
            sequence=packet.sequence,
            source_client=packet.source_client,
            destination_client=packet.destination_client,
            timeout_timestamp=packet.timeout_timestamp,
            payloads=[
                PayloadView(
                    source_port=p.source_port,
                    destination_port=p.destination_port,
                    version=p.version,
                    encoding=p.encoding,
                    value=base64.b64encode(p.value).decode(),
                )
                for p in packet.payloads
            ],
        ),
        height=sent.height,
        tx_hash=sent.tx_hash.hex(),
        pending=packet.sequence in pending_sequences(node, client_id, packet.sequence - 1, 1),
    )


@router.get(
    "/v1/interchain/acknowledgements/{client_id}/{sequence}",
    summary="The acknowledgements of a packet received through a client",
    description=(
        "Written when the packet arrived: one application acknowledgement per payload, whose "
        "commitment the sender proves before it settles the packet.\n\n*Các xác nhận của "
        "một gói tin đã nhận.*"
    ),
    response_model=AcknowledgementsView,
    responses=documented(400, 404),
)
def show_acknowledgements(
    client_id: ClientId, sequence: Sequence, node: NodeDep
) -> AcknowledgementsView:
    _require_client_id(client_id)
    found = load_acknowledgements(node, client_id, sequence)
    if found is None:
        raise NotFound(
            f"no packet {sequence} has arrived through {client_id} here", field="sequence"
        )
    return _acks_view(client_id, sequence, found)


def _acks_view(client_id: str, sequence: int, found: Acknowledged) -> AcknowledgementsView:
    return AcknowledgementsView(
        client_id=client_id,
        sequence=sequence,
        acknowledgements=[a.hex() for a in found.acknowledgements],
        height=found.height,
        tx_hash=found.tx_hash.hex(),
    )


@router.get(
    "/v1/interchain/clients/{client_id}/consensus",
    summary="The counterparty heights a client holds consensus states for",
    description=(
        "Ascending, paged. A watcher compares each with the counterparty's own header at that "
        "height.\n\n*Các độ cao có trạng thái đồng thuận.*"
    ),
    response_model=ConsensusHeightsView,
    responses=documented(400),
)
def list_consensus_heights(
    client_id: ClientId,
    node: NodeDep,
    after: Annotated[int, Query(ge=0, le=MAX_ID, description="Start after this height.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PENDING_PAGE, description="Page size.")] = 100,
) -> ConsensusHeightsView:
    _require_client_id(client_id)
    heights, following = _page(consensus_heights(node, client_id, after, limit + 1), limit)
    return ConsensusHeightsView(client_id=client_id, heights=heights, next_after=following)


@router.get(
    "/v1/interchain/clients/{client_id}/updates/{consensus_height}",
    summary="The signed header a client was updated with at a height",
    description=(
        "As the `update_client` transaction gave it. If it differs from the counterparty's own "
        "header at that height, the two are misbehaviour (`submit_misbehaviour`)."
        "\n\n*Tiêu đề khối đã dùng để cập nhật light client tại một độ cao.*"
    ),
    response_model=ClientUpdateView,
    responses=documented(400, 404),
)
def show_client_update(
    client_id: ClientId, consensus_height: Height, node: NodeDep
) -> ClientUpdateView:
    _require_client_id(client_id)
    update = load_client_update(node, client_id, consensus_height)
    if update is None:
        raise NotFound(
            f"{client_id} was not updated to {consensus_height} here", field="consensus_height"
        )
    return ClientUpdateView(
        client_id=client_id,
        height=update.height,
        host_height=update.host_height,
        header=update.header,
        commit=update.commit,
        validators=update.validators,
        trusted_height=update.trusted_height,
        trusted_validators=update.trusted_validators,
    )


@router.get(
    "/v1/interchain/receipts/{client_id}/{sequence}",
    summary="A packet receipt: sent there, received and acknowledged here, checkable offline",
    description=(
        "For a packet that arrived through `client_id`: the sender's signed header and the "
        "proof of the packet's commitment, and this chain's signed header with the proofs of "
        "the client, the receipt and the acknowledgement. `sen verify` checks it with the two "
        "chains' genesis files alone (`docs/spec/packet-receipt.md`). 409 until the state "
        "holding the receipt is signed (retry after the next block).\n\n*Biên nhận gói tin "
        "liên chuỗi, kiểm tra ngoại tuyến bằng hai tệp genesis.*"
    ),
    responses=documented(400, 404, 409),
)
def show_packet_receipt(client_id: ClientId, sequence: Sequence, node: NodeDep) -> Any:
    _require_client_id(client_id)
    try:
        return build_packet_receipt(node, client_id, sequence)
    except PacketReceiptUnavailable as exc:
        if exc.retry:
            raise NotYetAvailable(str(exc), headers={"Retry-After": "1"}) from None
        raise NotFound(str(exc), field="sequence") from None


class PacketQuery(Schema):
    client_id: str = Field(json_schema_extra=pattern(CLIENT_ID_PATTERN))
    sequences: list[Annotated[int, Field(strict=True, ge=1, le=MAX_SEQUENCE)]] = Field(
        min_length=1, max_length=MAX_PROVED_KEYS, description=f"1 to {MAX_PROVED_KEYS} sequences."
    )


class SentPacketsView(Schema):
    packets: list[SentPacketView] = Field(description="Those found, in the order asked.")
    missing: list[int] = Field(description="Sequences not sent through the client here.")


class AcknowledgementsListView(Schema):
    acknowledgements: list[AcknowledgementsView] = Field(description="Those found.")
    missing: list[int] = Field(description="Sequences that have not arrived here.")


def _sequences(body: PacketQuery) -> list[int]:
    _require_client_id(body.client_id)
    for n, sequence in enumerate(body.sequences):
        if not 1 <= sequence <= MAX_SEQUENCE:
            raise BadRequest(
                "not a sequence",
                field=f"sequences[{n}]",
                expected=f"1 to {MAX_SEQUENCE}",
                got=str(sequence)[:40],
            )
    return body.sequences


@router.post(
    "/v1/interchain/packets",
    summary="Several packets as they were sent through a client",
    description=(
        "`GET /v1/interchain/packets/{client_id}/{sequence}` for up to "
        f"{MAX_PROVED_KEYS} sequences in one request (a relayer's batch)."
        "\n\n*Nhiều gói tin như khi được gửi.*"
    ),
    response_model=SentPacketsView,
    responses=documented(400, 422),
)
def list_sent_packets(body: PacketQuery, node: NodeDep) -> SentPacketsView:
    found, missing = [], []
    for sequence in _sequences(body):
        sent = load_sent_packet(node, body.client_id, sequence)
        if sent is None:
            missing.append(sequence)
        else:
            found.append(_sent_view(node, body.client_id, sent))
    return SentPacketsView(packets=found, missing=missing)


@router.post(
    "/v1/interchain/acknowledgements",
    summary="The acknowledgements of several packets received through a client",
    description=(
        "`GET /v1/interchain/acknowledgements/{client_id}/{sequence}` for up to "
        f"{MAX_PROVED_KEYS} sequences in one request.\n\n*Xác nhận của nhiều gói tin.*"
    ),
    response_model=AcknowledgementsListView,
    responses=documented(400, 422),
)
def list_acknowledgements(body: PacketQuery, node: NodeDep) -> AcknowledgementsListView:
    found, missing = [], []
    for sequence in _sequences(body):
        acks = load_acknowledgements(node, body.client_id, sequence)
        if acks is None:
            missing.append(sequence)
            continue
        found.append(_acks_view(body.client_id, sequence, acks))
    return AcknowledgementsListView(acknowledgements=found, missing=missing)


class ClientSummary(Schema):
    client_id: str
    chain_id: str = Field(description="The counterparty chain.")
    counterparty_client_id: str
    latest_height: int
    latest_time: str = Field(description="The latest verified header's time (RFC 3339).")
    expires: str = Field(description="When the client expires unless it is updated (RFC 3339).")
    frozen_height: int = Field(description="0 unless misbehaviour was proved.")


class ClientListView(Schema):
    clients: list[ClientSummary] = Field(description="In client id order (as bytes).")
    next_after: str | None = Field(
        description="Pass as `after` for the next page; null at the end."
    )


@router.get(
    "/v1/interchain/clients",
    summary="This chain's light clients of other chains",
    description=(
        "Each with its counterparty chain, latest verified height and when it expires unless a "
        "relayer updates it; paged by client id. One client with its proof: "
        "`/v1/interchain/clients/{client_id}`.\n\n*Các light client của chuỗi này.*"
    ),
    response_model=ClientListView,
    responses=documented(400),
)
def list_clients(
    node: NodeDep,
    after: Annotated[
        str,
        Query(
            description="A client id: start after it.",
            json_schema_extra=pattern(r"^(sen-client-(0|[1-9][0-9]{0,18}))?$"),
        ),
    ] = "",
    limit: Annotated[int, Query(ge=1, le=200, description="Page size.")] = 50,
) -> ClientListView:
    if after and re.fullmatch(CLIENT_ID_PATTERN, after) is None:
        raise BadRequest(
            "not a client id", field="after", expected="sen-client-<n>", got=after[:80]
        )
    keys = node.app.store.keys_with_prefix(CLIENT_PREFIX, after.encode(), limit + 1)
    more = len(keys) > limit
    summaries = []
    for key in keys[:limit]:
        client_id = key[len(CLIENT_PREFIX) :].decode()
        stored = node.app.store.get(key)
        if stored is None:
            continue
        client = ClientState.from_value(encoding.decode(stored))
        raw = node.app.store.get(consensus_key(client_id, client.latest_height))
        if raw is None:
            continue
        latest = ConsensusState.from_value(encoding.decode(raw))
        summaries.append(
            ClientSummary(
                client_id=client_id,
                chain_id=client.chain_id,
                counterparty_client_id=client.counterparty_client_id,
                latest_height=client.latest_height,
                latest_time=Timestamp(latest.time_seconds, latest.time_nanos).to_rfc3339(),
                expires=Timestamp(
                    latest.time_seconds + client.trusting_period, latest.time_nanos
                ).to_rfc3339(),
                frozen_height=client.frozen_height,
            )
        )
    return ClientListView(
        clients=summaries, next_after=summaries[-1].client_id if more and summaries else None
    )


class RecordView(Proved):
    id: str
    kind: str
    digest: str = Field(description="SHA-256 of the record's content, hex.")
    owner: str = Field(description="The owning organisation here (the last, once moved).")
    status: str = Field(description="live, escrowed (a packet carries it) or moved.")
    updated_height: int
    came_from_client: str = Field(description="The client it arrived through; empty if made here.")
    came_from_chain: str
    moved_to_client: str = Field(description="While moved: the client it left through.")
    moved_to_owner: str


@router.get(
    "/v1/interchain/records/{record_id}",
    summary="A registry record of the record-transfer application, with a state proof",
    description=(
        "Where it stands (live, escrowed while a packet carries it, or moved to another "
        "chain) and where it came from; `proof` proves it under `app_hash`.\n\n*Một bản ghi "
        "của sổ đăng ký có thể chuyển sang chuỗi khác.*"
    ),
    response_model=RecordView,
    responses=documented(400, 404),
)
def show_record(
    record_id: Annotated[
        str, Path(description="The record's id.", json_schema_extra=pattern(RECORD_ID_PATTERN))
    ],
    node: NodeDep,
) -> RecordView:
    if RECORD_ID.fullmatch(record_id) is None:
        raise BadRequest(
            "not a record id", field="record_id", expected=RECORD_ID.pattern, got=record_id[:80]
        )
    key = record_key(record_id)
    height, app_hash, stored, proof = _read(node, key, f"record {record_id}", "record_id")
    record = Record.from_value(encoding.decode(stored))
    return RecordView(
        id=record.id,
        kind=record.kind,
        digest=record.digest.hex(),
        owner=record.owner,
        status=record.status,
        updated_height=record.updated_height,
        came_from_client=record.came_from_client,
        came_from_chain=record.came_from_chain,
        moved_to_client=record.moved_to_client,
        moved_to_owner=record.moved_to_owner,
        key=key.hex(),
        height=height,
        app_hash=app_hash.hex(),
        proof=proof,
    )
