"""Light clients of other chains: their state and consensus states, with state proofs.

``GET /v1/interchain/clients/{client_id}`` gives a client (the counterparty's
chain id, trust level, periods, latest and frozen heights) and its latest
consensus state; ``…/consensus/{height}`` one consensus state (the
counterparty's time, state root and next validators at a verified header).
Each answer carries the state proof of the record it was read from, against
``app_hash`` at ``height`` (``docs/spec/state-proofs.md``), so a relayer or
another chain's verifier need not trust this node. The module is
``docs/spec/interchain.md``.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest, NotFound
from sen.api.json_body import JsonRoute
from sen.api.parsing import MAX_ID, pattern
from sen.api.problems import documented
from sen.api.schemas import Schema, StateProofView
from sen.ledger import encoding
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.interchain import ClientState, ConsensusState
from sen.ledger.modules.interchain.records import client_key, consensus_key

router = APIRouter(route_class=JsonRoute, tags=["interchain"])

CLIENT_ID_PATTERN = r"^sen-client-[0-9]{1,19}$"
ClientId = Annotated[
    str,
    Path(description="sen-client-<n>.", json_schema_extra=pattern(CLIENT_ID_PATTERN)),
]
Height = Annotated[int, Path(ge=1, le=MAX_ID, description="A verified counterparty height.")]


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
    created_height: int
    expires: str = Field(
        description="When the latest consensus state leaves the trusting period (RFC 3339): "
        "a relayer must update the client before."
    )
    latest: ConsensusView


class ConsensusStateView(Proved):
    client_id: str
    consensus: ConsensusView


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
