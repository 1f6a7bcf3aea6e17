"""The API's routes, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from sen.api.routes import (
    accounts,
    blocks,
    contracts,
    directory,
    evidence,
    explorer,
    governance,
    identity,
    interchain,
    membership,
    node,
    privacy,
    receipts,
    state,
    statistics,
    status,
    trace,
    trust,
    txs,
    vc_api,
)

ROUTERS: tuple[APIRouter, ...] = (
    txs.router,
    blocks.router,
    accounts.router,
    state.router,
    evidence.router,
    node.router,
    explorer.router,
    governance.router,
    identity.router,
    trust.router,
    vc_api.router,  # before status: /v1/status-lists/{issuer}/{name}/credential first
    status.router,
    interchain.router,
    directory.router,
    contracts.router,
    membership.router,
    privacy.router,
    trace.router,
    receipts.router,
    statistics.router,
)

__all__ = ["ROUTERS"]
