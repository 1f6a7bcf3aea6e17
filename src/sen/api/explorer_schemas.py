"""Response bodies of the explorer routes: block and transaction lists, search, validators, node.

Same conventions as :mod:`sen.api.schemas`: hashes and addresses are
lowercase hex, times RFC 3339 (UTC), unknown fields refused.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sen.api.schemas import Schema


class BlockSummaryView(Schema):
    height: int
    time: str = Field(description="Block time, RFC 3339.")
    block_id: str = Field(description="The block hash, hex.")
    txs: int = Field(description="Transactions in the block.")
    failed: int = Field(description="Of which failed (non-zero result code).")
    proposer: str = Field(description="Proposer's validator address, hex.")


class BlockList(Schema):
    height: int = Field(description="The latest committed height.")
    blocks: list[BlockSummaryView] = Field(description="Newest first.")


class TxSummaryView(Schema):
    hash: str
    height: int
    index: int
    time: str = Field(description="Time of the block, RFC 3339.")
    module: str
    action: str
    sender: str = Field(description="Sender's account address, hex.")
    code: int = Field(description="Result code (0: succeeded).")
    code_name: str


class TxList(Schema):
    txs: list[TxSummaryView] = Field(description="Newest first.")


class CodeView(Schema):
    code: int
    name: str
    en: str = Field(description="Meaning in English.")
    vi: str = Field(description="Meaning in Vietnamese.")


class CodeList(Schema):
    codes: list[CodeView]


class SearchMatchView(Schema):
    kind: Literal["block", "transaction", "evidence", "account", "validator", "did"]
    id: str = Field(
        description="Height, hash, digest, address or DID, as used in the item's route."
    )
    algorithm: str | None = Field(description="Digest algorithm, for evidence matches.")


class SearchResult(Schema):
    query: str
    matches: list[SearchMatchView] = Field(description="Empty when nothing on chain matches.")


class ValidatorView(Schema):
    address: str = Field(description="CometBFT validator address, hex.")
    public_key: str = Field(description="Ed25519 public key, hex.")
    power: int = Field(description="Voting power.")
    name: str = Field(description="Name given in the genesis file.")


class ValidatorsView(Schema):
    chain_id: str
    height: int
    total_power: int
    source: Literal["genesis", "state"] = Field(
        description=(
            "Where the set comes from: the chain state (as governance left it) or, for "
            "chains that keep none, the genesis file."
        )
    )
    validators: list[ValidatorView] = Field(description="By voting power, then address.")


class ModuleView(Schema):
    name: str
    actions: list[str]


class FeatureView(Schema):
    name: str = Field(description="evidence, membership, governance, identity or credentials.")
    available: bool = Field(description="False: this chain does not run the module yet.")


class OperatorView(Schema):
    name: str = Field(description="Operator declared in sen.toml [operator]; empty if none.")
    location: str = Field(description="Declared location (data residency); empty if none.")


class NodeInfoView(Schema):
    chain_id: str
    version: str
    height: int
    latest_block_time: str | None
    genesis_time: str
    genesis_hash: str = Field(description="SHA-256 of the genesis file, hex.")
    consensus: str = Field(description="The consensus engine: `embedded` or `cometbft`.")
    peers: list[str] | None = Field(
        description="Connected peers: none for the embedded single-validator engine; "
        "null when this API does not know them."
    )
    operator: OperatorView
    modules: list[ModuleView] = Field(description="Ledger modules this chain runs.")
    features: list[FeatureView] = Field(
        description="Planned areas and whether this chain has them yet."
    )
