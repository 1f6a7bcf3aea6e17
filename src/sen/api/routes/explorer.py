"""The explorer's reads: recent blocks and transactions, an account's history, search,
the validator set and what this node is (modules, declared operator and location)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query

import sen
from sen.api.deps import NodeDep
from sen.api.errors import BadRequest
from sen.api.explorer_schemas import (
    BlockList,
    BlockSummaryView,
    CodeList,
    CodeView,
    FeatureView,
    ModuleView,
    NodeInfoView,
    OperatorView,
    SearchMatchView,
    SearchResult,
    TxList,
    TxSummaryView,
    ValidatorsView,
    ValidatorView,
)
from sen.api.json_body import JsonRoute
from sen.api.parsing import ADDRESS_BYTES, MAX_ID, Address, parse_hex, pattern
from sen.api.problems import documented
from sen.api.views import code_name
from sen.ledger.codes import ResultCode, describe
from sen.ledger.light.types import Validator, ValidatorSet
from sen.ledger.modules.membership.registry import organisations
from sen.ledger.validators import load_validator_set
from sen.node.errors import ConfigError
from sen.node.node import Node
from sen.node.operator import Operator, load_operator
from sen.services.readmodels.errors import SEARCHABLE
from sen.services.readmodels.explorer import (
    MAX_LIST,
    TxSummary,
    account_txs,
    enabled_modules,
    recent_blocks,
    recent_txs,
    search,
)
from sen.services.readmodels.queries import node_status

log = logging.getLogger("sen.api")
router = APIRouter(route_class=JsonRoute)

PLANNED_FEATURES = ("evidence", "membership", "governance", "identity", "credentials")
CONSORTIUM_FEATURES = frozenset({"membership", "governance"})
"""Run by every node's code, but only on a chain with organisations (a consortium)."""
MAX_QUERY_CHARS = 256
SEARCH_PATTERN = (
    r"^\s*(?:[0-9]+|(?:0[xX])?(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}"
    r"|[0-9a-fA-F]{128})|[dD][iI][dD]:\S+)\s*$"
)
Limit = Annotated[int, Query(ge=1, le=MAX_LIST, description=f"At most {MAX_LIST}.")]


@router.get(
    "/v1/blocks",
    tags=["blocks"],
    summary="Recent blocks, newest first",
    description=(
        "Summaries (height, time, hash, transaction count) of the latest blocks, or of those "
        "below `before`.\n\n*Các khối gần đây, mới nhất trước.*"
    ),
    responses=documented(400),
)
def list_blocks(
    node: NodeDep,
    limit: Limit = 20,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only heights below this.")
    ] = None,
) -> BlockList:
    return BlockList(
        height=node.app.height,
        blocks=[
            BlockSummaryView(
                height=b.height,
                time=b.time,
                block_id=b.block_id.hex(),
                txs=b.txs,
                failed=b.failed,
                proposer=b.proposer,
            )
            for b in recent_blocks(node, limit, before)
        ],
    )


@router.get(
    "/v1/txs",
    tags=["transactions"],
    summary="Recent committed transactions, newest first",
    description="*Các giao dịch gần đây đã được xác nhận, mới nhất trước.*",
    responses=documented(400),
)
def list_txs(node: NodeDep, limit: Limit = 20) -> TxList:
    return TxList(txs=[_tx_summary(t) for t in recent_txs(node, limit)])


@router.get(
    "/v1/accounts/{address}/txs",
    tags=["accounts"],
    summary="An account's committed transactions, newest first",
    description="*Các giao dịch của một tài khoản, mới nhất trước.*",
    responses=documented(400),
)
def list_account_txs(address: Address, node: NodeDep, limit: Limit = 20) -> TxList:
    raw = parse_hex(address, "address", length=ADDRESS_BYTES)
    return TxList(txs=[_tx_summary(t) for t in account_txs(node, raw, limit)])


def _tx_summary(tx: TxSummary) -> TxSummaryView:
    return TxSummaryView(
        hash=tx.hash.hex(),
        height=tx.height,
        index=tx.index,
        time=tx.time,
        module=tx.module,
        action=tx.action,
        sender=tx.sender.hex(),
        code=tx.code,
        code_name=code_name(tx.code),
    )


@router.get(
    "/v1/codes",
    tags=["transactions"],
    summary="Result codes and what they mean",
    description=(
        "Every ledger result code with its name and meaning in English and Vietnamese, so that "
        "clients explain a result without a table of their own.\n\n*Mã kết quả và ý nghĩa.*"
    ),
)
def list_codes() -> CodeList:
    return CodeList(
        codes=[
            CodeView(
                code=int(code), name=code.name, en=describe(code, "en"), vi=describe(code, "vi")
            )
            for code in ResultCode
        ]
    )


@router.get(
    "/v1/search",
    tags=["search"],
    summary="Find a block, transaction, anchored digest, account, validator or DID",
    description=(
        "`q` is a block height, a transaction hash or document digest (hex), an account or "
        "validator address (40 hex characters) or a DID. Every match is listed; none is an "
        "empty list (a `did:sen` is found when the chain resolves it, deactivated or not; a "
        "`did:key` when well formed). Text that can "
        "name none of these is a 400 naming `q`.\n\n*Tìm khối, giao dịch, giá trị băm, "
        "tài khoản, nút xác thực hoặc DID.*"
    ),
    responses=documented(400),
)
def find(
    node: NodeDep,
    q: Annotated[
        str,
        Query(
            description="What to look for.",
            json_schema_extra={**pattern(SEARCH_PATTERN), "maxLength": MAX_QUERY_CHARS},
        ),
    ],
) -> SearchResult:
    text = q.strip()
    if not text or len(text) > MAX_QUERY_CHARS:
        raise BadRequest(
            f"q: expected {SEARCHABLE}",
            field="q",
            expected=SEARCHABLE,
            got=f"{len(text)} characters",
        )
    matches = search(node, text)  # UnreadableQuery: 400 naming q
    return SearchResult(
        query=text,
        matches=[SearchMatchView(kind=m.kind, id=m.id, algorithm=m.algorithm) for m in matches],
    )


@router.get(
    "/v1/validators",
    tags=["node"],
    summary="The validator set and voting power",
    description="*Tập nút xác thực và quyền biểu quyết.*",
)
def list_validators(node: NodeDep) -> ValidatorsView:
    genesis = node.app.genesis
    names = {v.pub_key: v.name for v in genesis.validators}
    in_state = load_validator_set(node.app.store)  # as governance left it
    valset = (
        ValidatorSet.sorted(Validator(v.pub_key, v.power) for v in in_state)
        if in_state
        else genesis.validator_set()
    )
    return ValidatorsView(
        chain_id=genesis.chain_id,
        height=node.app.height,
        total_power=valset.total_voting_power(),
        source="state" if in_state else "genesis",
        validators=[
            ValidatorView(
                address=v.address.hex(),
                public_key=v.pub_key.hex(),
                power=v.voting_power,
                name=names.get(v.pub_key, ""),
            )
            for v in valset.validators
        ],
    )


@router.get(
    "/v1/node",
    tags=["node"],
    summary="This node: chain, version, modules, declared operator and location",
    description=(
        "What the console shows for oversight: the chain, the software version, the ledger "
        "modules this chain runs (and which planned ones it does not have yet), peers, and "
        "the operator and location declared in `sen.toml` `[operator]`."
        "\n\n*Thông tin nút: chuỗi, phiên bản, mô-đun, đơn vị vận hành và vị trí.*"
    ),
)
def show_node(node: NodeDep) -> NodeInfoView:
    status = node_status(node)
    genesis = node.app.genesis
    modules = enabled_modules()
    try:
        operator = load_operator(node.config.settings_path)
    except ConfigError as exc:
        log.warning("not showing the operator: %s", exc)
        operator = Operator()
    return NodeInfoView(
        chain_id=status.chain_id,
        version=sen.__version__,
        height=status.height,
        latest_block_time=status.latest_block_time,
        genesis_time=genesis.genesis_time.to_rfc3339(),
        genesis_hash=genesis.hash.hex(),
        consensus=node.config.consensus.engine,
        peers=node.engine.peers(),
        operator=OperatorView(name=operator.name, location=operator.location),
        modules=[ModuleView(name=name, actions=list(actions)) for name, actions in modules.items()],
        features=[
            FeatureView(name=name, available=_on_chain(node, name, modules))
            for name in PLANNED_FEATURES
        ],
    )


def _on_chain(node: Node, feature: str, modules: dict[str, tuple[str, ...]]) -> bool:
    """Does this chain use ``feature``? Membership and governance need organisations."""
    if feature not in modules:
        return False
    return feature not in CONSORTIUM_FEATURES or bool(organisations(node.app.store))
