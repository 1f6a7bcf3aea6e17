"""Root authorities: from genesis (``app_state.trust.roots``), changed by ``set_trust_roots``.

A root is a did:sen DID trusted for every credential type — a ministry such
as ``did:sen:moet``. Genesis may name a root before its DID exists on chain
(the consortium agrees it in advance); governance may add only DIDs that
exist and are active when the proposal passes, but may keep a current root
as it is. Each change is a new version with its height and block time, so
:func:`~sen.ledger.modules.trust.records.roots_at` answers for any past time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import LedgerError, TxRejected
from sen.ledger.modules.arguments import (
    reject_unknown_fields,
    require_list,
    require_new,
    type_name,
)
from sen.ledger.modules.base import GenesisContext, StateChange
from sen.ledger.modules.trust.parsing import is_sen_did, require_active
from sen.ledger.modules.trust.records import RootsVersion, load_roots, roots_changes, save_roots
from sen.ledger.state import Overlay
from sen.ledger.types import BlockInfo

MAX_ROOTS = 32
SECTION = "app_state.trust"


class TrustGenesisError(LedgerError, ValueError):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"genesis {field}: {reason}")


def parse_roots(value: object, field: str, code: ResultCode) -> tuple[str, ...]:
    """0-32 distinct did:sen DIDs, returned sorted; refusals carry ``code`` and name ``field``."""
    roots = require_list(
        value,
        field,
        code=code,
        reason="roots is a list of DIDs",
        expected=f"0 to {MAX_ROOTS} DIDs",
        max_items=MAX_ROOTS,
        got=_count_of_dids,
    )
    for i, did in enumerate(roots):
        if not is_sen_did(did):
            raise TxRejected(
                code,
                "not a did:sen DID",
                field=f"{field}[{i}]",
                expected="did:sen:<name>",
                got=repr(did)[:80],
            )
        require_new(
            did,
            roots[:i],
            f"{field}[{i}]",
            code=code,
            reason="a root is repeated",
            expected="distinct DIDs",
        )
    return tuple(sorted(str(did) for did in roots))


def _count_of_dids(value: object) -> str:
    return f"{len(value)} DIDs" if isinstance(value, list) else type_name(value)


def parse_set_roots(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of a ``set_trust_roots`` proposal: ``{roots: [did, ...]}``."""
    reject_unknown_fields(
        payload,
        frozenset({"roots"}),
        prefix="args.payload.",
        code=ResultCode.INVALID_PROPOSAL,
        reason="unknown field",
        expected="roots",
    )
    if "roots" not in payload:
        raise TxRejected(
            ResultCode.INVALID_PROPOSAL,
            "missing field",
            field="args.payload.roots",
            expected="roots: a list of did:sen DIDs",
            got="no roots",
        )
    roots = parse_roots(payload["roots"], "args.payload.roots", ResultCode.INVALID_PROPOSAL)
    return {"roots": list(roots)}


def set_roots(state: Overlay, roots: tuple[str, ...], block: BlockInfo) -> RootsVersion:
    """Make ``roots`` the roots in force from this block; a new root must be an active DID."""
    current = load_roots(state)
    kept = () if current is None else current.roots
    for i, did in enumerate(roots):
        if did not in kept:
            require_active(state, did, block.time_seconds, f"args.payload.roots[{i}]")
    version = RootsVersion(
        version=1 if current is None else current.version + 1,
        roots=roots,
        height=block.height,
        time_seconds=block.time_seconds,
    )
    save_roots(state, version)
    return version


def trust_changes(
    document: object, genesis_seconds: int, height: int
) -> list[tuple[bytes, bytes | None]]:
    """The state writes of a genesis file's ``app_state.trust`` (none when it is absent)."""
    if document is None:
        return []
    if not isinstance(document, dict):
        raise TrustGenesisError(SECTION, "expected an object")
    for key in sorted(document):
        if key != "roots":
            raise TrustGenesisError(f"{SECTION}.{key}", "unknown field (expected roots)")
    try:
        roots = parse_roots(document.get("roots", []), f"{SECTION}.roots", ResultCode.INVALID_DID)
    except TxRejected as exc:
        raise TrustGenesisError(exc.field, str(exc)) from None
    version = RootsVersion(version=1, roots=roots, height=height, time_seconds=genesis_seconds)
    return list(roots_changes(version))


def trust_genesis(section: object, genesis: GenesisContext) -> list[StateChange]:
    """The module's genesis hook: the roots of ``app_state.trust``, dated at the genesis time."""
    return trust_changes(section, genesis.time_seconds, genesis.height)
