"""The API's routes, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from sen.api.routes import accounts, blocks, evidence, node, state, txs

ROUTERS: tuple[APIRouter, ...] = (
    txs.router,
    blocks.router,
    accounts.router,
    state.router,
    evidence.router,
    node.router,
)

__all__ = ["ROUTERS"]
