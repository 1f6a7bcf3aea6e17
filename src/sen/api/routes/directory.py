"""The chain directory: member chains and the datasets they hold, each with a state proof.

``GET /v1/directory/chains[/{chain_id}]`` gives entries of the hub's
directory (``docs/spec/directory.md``); ``GET /v1/directory/datasets/{uri}``
one dataset by its URI, ``GET /v1/directory/datasets?type=`` every dataset
URI of a record type. Every answer carries the record's canonical encoding
(``value``) and its state proof against ``app_hash`` at ``height``
(``docs/spec/state-proofs.md``): a reader verifies the proof over ``value``
and decodes ``value`` itself, so it need not trust this node. A list proves
each entry it shows, not that it shows every entry.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest, NotFound
from sen.api.json_body import JsonRoute
from sen.api.parsing import MAX_ID, pattern
from sen.api.problems import documented
from sen.api.schemas import Schema, StateProofView
from sen.ledger import encoding
from sen.ledger.modules.directory import (
    CHAIN_ID_PATTERN,
    RECORD_TYPE_PATTERN,
    URI_PATTERN,
    ChainEntry,
    Dataset,
    chain_key,
    dataset_key,
    list_chains,
    load_counts,
    type_key,
)

router = APIRouter(route_class=JsonRoute, tags=["directory"])

MAX_PAGE = 200
MAX_URI = 256

ChainId = Annotated[
    str,
    Path(
        description="A member chain's id.",
        examples=["vn-edu"],
        json_schema_extra=pattern(CHAIN_ID_PATTERN.pattern),
    ),
]


class Proved(Schema):
    key: str = Field(description="The state key of the record, hex.")
    value: str | None = Field(
        description="The record's canonical encoding (hex), which `proof` proves; null: absent."
    )
    height: int = Field(description="The height it was read at.")
    app_hash: str = Field(description="The app hash after that height.")
    proof: StateProofView


class EndpointView(Schema):
    kind: str = Field(description="`rest` (Sen's API), `rpc` (CometBFT RPC) or `p2p`.")
    url: str


class LinkView(Schema):
    counterparty: str = Field(description="The chain at the other end.")
    client_id: str = Field(description="The light client of the counterparty on this chain.")
    counterparty_client_id: str = Field(description="The counterparty's client of this chain.")


class DatasetView(Schema):
    uri: str = Field(examples=["sen://vn-edu/evidence/diploma"])
    chain_id: str
    record_type: str = Field(examples=["diploma"])
    module: str = Field(examples=["evidence"])
    schema_digest: str | None = Field(description="SHA-256 of its schema document, hex.")
    jurisdiction: str | None = Field(
        default=None, description="Where its data lives, if declared: ISO 3166 (VN, VN-HN)."
    )


class ChainView(Proved):
    chain_id: str = Field(examples=["vn-edu"])
    genesis_hash: str = Field(description="SHA-256 of the chain's genesis file, hex.")
    operator: str = Field(description="The operating organisation (an organisation id here).")
    sector: str = Field(examples=["education"])
    endpoints: list[EndpointView]
    validators_hash: str = Field(description="The validator set's hash (CometBFT), hex.")
    links: list[LinkView] = Field(description="Its light-client pairs with other chains.")
    datasets: list[DatasetView] = Field(description="Its catalogue of record types.")
    sequence: int = Field(description="Its registration's place in the directory.")
    registered_height: int
    updated_height: int


class ChainList(Schema):
    chains: list[ChainView] = Field(description="In registration order, at most `limit`.")
    total: int = Field(description="Chains in the directory now.")
    next: int | None = Field(description="Pass as `after` for the next page; null on the last.")


class DatasetRecordView(Proved):
    dataset: DatasetView


class RecordTypeView(Proved):
    record_type: str
    uris: list[str] = Field(
        description="Every dataset URI of the type, sorted (the whole index: `value` encodes "
        "this list). Empty, with a proof of absence, when no chain holds the type."
    )


def _dataset(found: Dataset) -> DatasetView:
    digest = found.schema_digest
    return DatasetView(
        uri=found.uri,
        chain_id=found.chain_id,
        record_type=found.record_type,
        module=found.module,
        schema_digest=None if digest is None else digest.hex(),
        jurisdiction=found.jurisdiction,
    )


def _chain(
    entry: ChainEntry, key: bytes, value: bytes, height: int, app_hash: bytes, proof: StateProofView
) -> ChainView:
    return ChainView(
        chain_id=entry.chain_id,
        genesis_hash=entry.genesis_hash.hex(),
        operator=entry.operator,
        sector=entry.sector,
        endpoints=[EndpointView(kind=e.kind, url=e.url) for e in entry.endpoints],
        validators_hash=entry.validators_hash.hex(),
        links=[
            LinkView(
                counterparty=link.counterparty,
                client_id=link.client_id,
                counterparty_client_id=link.counterparty_client_id,
            )
            for link in entry.links
        ],
        datasets=[_dataset(d) for d in entry.datasets],
        sequence=entry.sequence,
        registered_height=entry.registered_height,
        updated_height=entry.updated_height,
        key=key.hex(),
        value=value.hex(),
        height=height,
        app_hash=app_hash.hex(),
        proof=proof,
    )


def _require(regex: re.Pattern[str], value: str, field: str, expected: str) -> str:
    if len(value) > MAX_URI or regex.fullmatch(value) is None:
        raise BadRequest(f"{field}: not {expected}", field=field, expected=expected, got=value[:80])
    return value


def _proved_chain(node: NodeDep, chain_id: str) -> ChainView | None:
    key = chain_key(chain_id)
    height, app_hash, stored, proof = node.app.store.prove(key)
    if stored is None:
        return None
    entry = ChainEntry.from_value(encoding.decode(stored))
    return _chain(entry, key, stored, height, app_hash, StateProofView.of(app_hash, proof))


@router.get(
    "/v1/directory/chains",
    summary="The member chains in the directory, each with a state proof",
    description=(
        "Entries in registration order, a page at a time (`after` is the `next` of the "
        "previous page). Each entry's `proof` proves its `value` under its `app_hash`."
        "\n\n*Các chuỗi thành viên trong danh bạ, kèm bằng chứng trạng thái.*"
    ),
    responses=documented(400),
)
def chains(
    node: NodeDep,
    after: Annotated[
        int, Query(ge=0, le=MAX_ID, description="Start after this sequence number.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="At most this many.")] = 50,
) -> ChainList:
    store = node.app.store
    found, following = list_chains(store, after, limit)
    views = [_proved_chain(node, entry.chain_id) for entry in found]
    return ChainList(
        chains=[v for v in views if v is not None],  # None: removed between the two reads
        total=load_counts(store)[1],
        next=following,
    )


@router.get(
    "/v1/directory/chains/{chain_id}",
    summary="One member chain, with a state proof",
    description=(
        "Its genesis hash, operator, sector, endpoints, validator-set hash, light-client links "
        "and catalogue of datasets. `proof` proves `value` (the entry's canonical encoding) "
        "under `app_hash`.\n\n*Một chuỗi thành viên, kèm bằng chứng trạng thái.*"
    ),
    response_model=ChainView,
    responses=documented(400, 404),
)
def chain(chain_id: ChainId, node: NodeDep) -> ChainView:
    _require(CHAIN_ID_PATTERN, chain_id, "chain_id", "a chain id")
    found = _proved_chain(node, chain_id)
    if found is None:
        raise NotFound(f"chain {chain_id} is not in the directory", field="chain_id")
    return found


@router.get(
    "/v1/directory/datasets",
    summary="Every dataset URI of a record type, with a state proof",
    description=(
        "The sorted URIs of every dataset of record type `type` in the directory: the whole "
        "index, which `value` encodes and `proof` proves; empty, with a proof of absence, when "
        "no chain holds the type.\n\n*Các tập dữ liệu của một loại bản ghi.*"
    ),
    response_model=RecordTypeView,
    responses=documented(400),
)
def datasets_of_type(
    node: NodeDep,
    record_type: Annotated[
        str,
        Query(
            alias="type",
            description="A record type.",
            examples=["diploma"],
            json_schema_extra=pattern(RECORD_TYPE_PATTERN.pattern),
        ),
    ],
) -> RecordTypeView:
    return _by_type(node, _require(RECORD_TYPE_PATTERN, record_type, "type", "a record type"))


@router.get(
    "/v1/directory/datasets/{uri:path}",
    summary="One dataset, by its sen:// URI, with a state proof",
    description=(
        "The catalogue entry of `sen://<chain>/<module>/<record type>[/...]`, written as is "
        "or percent-encoded. `proof` proves `value` under `app_hash`.\n\n"
        "*Một tập dữ liệu, theo URI của nó.*"
    ),
    response_model=DatasetRecordView,
    responses=documented(400, 404),
)
def dataset(
    uri: Annotated[
        str,
        Path(
            description="A dataset URI.",
            examples=["sen://vn-edu/evidence/diploma"],
            json_schema_extra=pattern(URI_PATTERN.pattern),
        ),
    ],
    node: NodeDep,
) -> DatasetRecordView:
    return _by_uri(node, _require(URI_PATTERN, uri, "uri", "a sen:// dataset URI"))


def _by_uri(node: NodeDep, uri: str) -> DatasetRecordView:
    key = dataset_key(uri)
    height, app_hash, stored, proof = node.app.store.prove(key)
    if stored is None:
        raise NotFound(f"no dataset {uri} in the directory", field="uri")
    return DatasetRecordView(
        dataset=_dataset(Dataset.from_value(encoding.decode(stored))),
        key=key.hex(),
        value=stored.hex(),
        height=height,
        app_hash=app_hash.hex(),
        proof=StateProofView.of(app_hash, proof),
    )


def _by_type(node: NodeDep, record_type: str) -> RecordTypeView:
    key = type_key(record_type)
    height, app_hash, stored, proof = node.app.store.prove(key)
    uris = [] if stored is None else [str(u) for u in encoding.decode(stored)]
    return RecordTypeView(
        record_type=record_type,
        uris=uris,
        key=key.hex(),
        value=None if stored is None else stored.hex(),
        height=height,
        app_hash=app_hash.hex(),
        proof=StateProofView.of(app_hash, proof),
    )
