"""Request and response bodies of the REST API (pydantic; unknown fields are refused).

Conventions: hashes, digests, addresses and keys are lowercase hex; raw
transactions and state values are standard base64; CometBFT headers and
commits are CometBFT's own JSON, unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sen.api.parsing import BASE64_PATTERN, pattern
from sen.store.smt import Proof

MAX_BATCH_TXS = 10_000


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests -----------------------------------------------------------------


class SubmitTx(Schema):
    tx: str = Field(
        description="A signed transaction, standard base64.",
        examples=["glwBAA=="],
        json_schema_extra=pattern(BASE64_PATTERN),
    )


class SubmitBatch(Schema):
    txs: list[Annotated[str, Field(json_schema_extra=pattern(BASE64_PATTERN))]] = Field(
        min_length=1,
        description=(
            f"1 to {MAX_BATCH_TXS} signed transactions, standard base64. All or nothing: "
            "if one is refused, none is admitted. More items, or a body over 64 MiB, is 413."
        ),
        json_schema_extra={"maxItems": MAX_BATCH_TXS},
    )


# -- transactions -------------------------------------------------------------


class Submitted(Schema):
    hash: str = Field(description="SHA-256 of the raw transaction, hex.")
    code: int = Field(description="CheckTx result code (0: admitted to the mempool).")


class BatchSubmitted(Schema):
    hashes: list[str]


class AnchorSubmitted(Schema):
    hash: str
    digests: list[str] = Field(description="The anchored digests, hex, in transaction order.")
    algorithm: str


class EventAttributeView(Schema):
    key: str
    value: str
    index: bool


class EventView(Schema):
    type: str
    attributes: list[EventAttributeView]


class ResultView(Schema):
    code: int
    code_name: str
    data: str = Field(description="Result data, hex.")
    log: str
    events: list[EventView]
    gas_wanted: int = Field(default=0, description="A contract call's gas limit (0 otherwise).")
    gas_used: int = Field(default=0, description="The gas a contract call used (0 otherwise).")


class DecodedTx(Schema):
    chain_id: str
    suite: str
    public_key: str
    sender: str
    nonce: int
    module: str
    action: str
    args: dict[str, Any] = Field(description="The action's arguments; bytes shown as hex.")


class TxView(Schema):
    hash: str
    status: Literal["committed", "pending"] = Field(
        description="An unknown transaction is a 404 problem."
    )
    height: int | None
    index: int | None
    result: ResultView | None
    tx: DecodedTx | None


# -- blocks, accounts, state ------------------------------------------------------


class BlockResultView(Schema):
    code: int
    code_name: str
    log: str


class BlockView(Schema):
    height: int
    block_id: str = Field(description="The block hash (CometBFT header hash), hex.")
    header: dict[str, Any] = Field(description="CometBFT v0.38 header JSON.")
    txs: list[str] = Field(description="Transaction hashes, hex, in block order.")
    commit: dict[str, Any] | None = Field(description="CometBFT v0.38 commit JSON.")
    results: list[BlockResultView]


class AccountView(Schema):
    address: str
    nonce: int = Field(description="The next nonce by committed state.")
    pending_nonce: int = Field(description="The next nonce counting the mempool.")


class StateProofView(Schema):
    """A state proof (docs/spec/state-proofs.md): siblings root first, the leaf reached."""

    app_hash: str
    siblings: list[str]
    leaf_path: str | None
    leaf_value_hash: str | None

    @classmethod
    def of(cls, app_hash: bytes, proof: Proof) -> StateProofView:
        return cls(
            app_hash=app_hash.hex(),
            siblings=[s.hex() for s in proof.siblings],
            leaf_path=None if proof.leaf_path is None else proof.leaf_path.hex(),
            leaf_value_hash=None if proof.leaf_value_hash is None else proof.leaf_value_hash.hex(),
        )


class StateView(Schema):
    key: str
    value: str | None = Field(description="The value, base64; null if absent.")
    height: int
    app_hash: str
    proof: StateProofView | None


# -- evidence -----------------------------------------------------------------


class AnchoringView(Schema):
    height: int
    time: str = Field(description="Block time, RFC 3339.")
    tx_hash: str
    index: int
    leaf: int
    batch: bool
    title: str
    organisation: str
    reference: str
    sender: str


class EvidenceView(Schema):
    algorithm: str
    digest: str
    anchorings: list[AnchoringView] = Field(description="Oldest first.")


# -- node ---------------------------------------------------------------------


class MempoolView(Schema):
    txs: int
    bytes: int


class StatusView(Schema):
    chain_id: str
    height: int
    app_hash: str
    latest_block_time: str | None
    mempool: MempoolView
    version: str


class HealthView(Schema):
    status: Literal["ok"]


# -- problems -----------------------------------------------------------------


class ProblemItem(Schema):
    field: str | None
    detail: str
    expected: str | None
    got: str | None


class Problem(Schema):
    """RFC 9457 problem details, with Sen's extensions."""

    type: str = Field(examples=["urn:sen:problem:transaction-rejected"])
    title: str
    status: int
    detail: str
    field: str | None = Field(description="The value at fault, e.g. txs[3].signature.")
    expected: str | None
    got: str | None
    code: int | None = Field(description="Ledger result code, when the ledger refused.")
    code_name: str | None
    errors: list[ProblemItem] | None = Field(
        default=None, description="Every schema violation, when there are several."
    )
