"""State: one key's committed value, with a proof against the app hash."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Path, Query

from sen.abci.types import RequestQuery
from sen.api.deps import NodeDep
from sen.api.json_body import JsonRoute
from sen.api.parsing import MAX_STATE_KEY_BYTES, STATE_KEY_PATTERN, parse_hex, pattern
from sen.api.problems import documented
from sen.api.schemas import StateProofView, StateView

router = APIRouter(route_class=JsonRoute, tags=["state"])


@router.get(
    "/v1/state/{key}",
    summary="A state value, optionally with its proof",
    description=(
        "The key is hex. With `prove=true`, a sparse-Merkle proof that the key has this value "
        "(or none) under `app_hash` (the app hash after block `height`, which header "
        "`height + 1` carries); the format and how to check it are in "
        "`docs/spec/state-proofs.md` (or `sen.ledger.light.state_proof.verify_state_proof`)."
        "\n\n*Giá trị trạng thái kèm bằng chứng Merkle.*"
    ),
    responses=documented(400),
)
def show_state(
    key: Annotated[
        str,
        Path(
            description=f"1 to {MAX_STATE_KEY_BYTES} bytes, hex.",
            json_schema_extra=pattern(STATE_KEY_PATTERN),
        ),
    ],
    node: NodeDep,
    prove: Annotated[bool, Query(description="Include the proof.")] = False,
) -> StateView:
    raw_key = parse_hex(key, "key", max_length=MAX_STATE_KEY_BYTES)
    answer = node.app.query(RequestQuery(path="/state", data=raw_key, prove=True))
    proof = answer.proof
    app_hash = str(proof["app_hash"])
    return StateView(
        key=raw_key.hex(),
        value=base64.b64encode(answer.value).decode() if answer.code == 0 else None,
        height=answer.height,
        app_hash=app_hash,
        proof=StateProofView.model_validate(proof) if prove else None,
    )
