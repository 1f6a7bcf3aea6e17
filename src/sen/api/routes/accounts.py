"""Accounts: the next nonce, committed and counting the mempool."""

from __future__ import annotations

from fastapi import APIRouter

from sen.api.deps import NodeDep
from sen.api.json_body import JsonRoute
from sen.api.parsing import ADDRESS_BYTES, Address, parse_hex
from sen.api.problems import documented
from sen.api.schemas import AccountView
from sen.services.readmodels.queries import account_nonce

router = APIRouter(route_class=JsonRoute, tags=["accounts"])


@router.get(
    "/v1/accounts/{address}",
    summary="An account's next nonce",
    description=(
        "`nonce` is the next nonce by committed state; `pending_nonce` counts transactions "
        "waiting in the mempool (sign the next transaction with it)."
        "\n\n*Nonce tiếp theo của tài khoản.*"
    ),
    responses=documented(400),
)
def show_account(address: Address, node: NodeDep) -> AccountView:
    raw = parse_hex(address, "address", length=ADDRESS_BYTES)
    return AccountView(
        address=raw.hex(),
        nonce=account_nonce(node, raw),
        pending_nonce=node.app.pending_nonce(raw),
    )
