"""What governance does to the prefix registry: grant and revoke GS1 Company Prefixes.

The proposal kinds ``grant_gs1_prefix`` (payload ``{"prefix": "8935678", "holder":
"did:sen:..."}``) and ``revoke_gs1_prefix`` (``{"prefix": "8935678"}``) are parsed here
when proposed and executed here when passed (:mod:`sen.ledger.modules.governance.kinds`
lists them). Grants never overlap: a prefix that starts another granted one, or starts
with one, would let two holders speak for the same GS1 keys, so it is refused. A
revoked prefix stops counting from the next capture job; capture jobs recorded before
keep their proofs (what the chain checked then stays checked).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import LedgerError, TxRejected
from sen.ledger.modules.base import GenesisContext, StateChange
from sen.ledger.modules.identity.records import load_did
from sen.ledger.modules.trace.parsing import PREFIX_EXPECTED, is_prefix
from sen.ledger.modules.trace.records import (
    PrefixGrant,
    delete_grant,
    holder_key,
    load_grant,
    overlapping,
    prefix_key,
    save_grant,
)
from sen.ledger.modules.trust.parsing import DID_PREFIX, is_sen_did
from sen.ledger.state import Overlay
from sen.ledger.types import BlockInfo


def _invalid(field: str, reason: str, expected: str, got: object) -> TxRejected:
    return TxRejected(
        ResultCode.INVALID_PROPOSAL, reason, field=f"args.payload.{field}", expected=expected,
        got=got,
    )  # fmt: skip


def _only(payload: Mapping[str, Any], fields: frozenset[str]) -> None:
    for key in sorted(payload):
        if key not in fields:
            raise _invalid(key, "unknown field", ", ".join(sorted(fields)), key)
    for key in sorted(fields):
        if key not in payload:
            raise _invalid(key, "missing field", ", ".join(sorted(fields)), "nothing")


def _prefix(payload: Mapping[str, Any]) -> str:
    value = payload.get("prefix")
    if not is_prefix(value):
        raise _invalid("prefix", "not a GS1 Company Prefix", PREFIX_EXPECTED, repr(value)[:40])
    assert isinstance(value, str)
    return value


def parse_grant_prefix(payload: Mapping[str, Any]) -> dict[str, Any]:
    _only(payload, frozenset({"prefix", "holder"}))
    holder = payload.get("holder")
    if not is_sen_did(holder):
        raise _invalid("holder", "not a did:sen DID", "did:sen:<name>", repr(holder)[:60])
    return {"prefix": _prefix(payload), "holder": holder}


def grant_prefix(state: Overlay, payload: Mapping[str, Any], block: BlockInfo) -> None:
    prefix, holder = str(payload["prefix"]), str(payload["holder"])
    record = load_did(state, holder[len(DID_PREFIX) :])
    if record is None or record.deactivated:
        raise TxRejected(
            ResultCode.UNKNOWN_DID, "the holder is not an active DID on this chain",
            field="args.payload.holder", expected="a DID created with identity.create",
            got=holder,
        )  # fmt: skip
    clash = overlapping(state, prefix)
    if clash is not None:
        raise TxRejected(
            ResultCode.PREFIX_OVERLAPS, "the prefix overlaps one already granted: both would "
            "speak for the same GS1 keys", field="args.payload.prefix",
            expected="a prefix that neither starts nor extends a granted one",
            got=f"{prefix}; {clash.prefix} is granted to {clash.holder}",
        )  # fmt: skip
    save_grant(state, PrefixGrant(prefix, holder, block.height))


def parse_revoke_prefix(payload: Mapping[str, Any]) -> dict[str, Any]:
    _only(payload, frozenset({"prefix"}))
    return {"prefix": _prefix(payload)}


def revoke_prefix(state: Overlay, payload: Mapping[str, Any], block: BlockInfo) -> None:
    prefix = str(payload["prefix"])
    grant = load_grant(state, prefix)
    if grant is None:
        raise TxRejected(
            ResultCode.UNKNOWN_PREFIX, "no such GS1 Company Prefix grant",
            field="args.payload.prefix", expected="a granted prefix", got=prefix,
        )  # fmt: skip
    delete_grant(state, grant)


class TraceGenesisError(LedgerError, ValueError):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"genesis {field}: {reason}")


def trace_genesis(section: object, genesis: GenesisContext) -> list[StateChange]:
    """``app_state.trace``: ``{"prefixes": [{"prefix": "8935678", "holder": "did:sen:..."}]}``,
    grants in force from the first block (a chain's founding members' prefixes, or a
    development chain's, which has no governance). The holder DIDs need not exist yet: on a
    permissioned chain only an issuer can create them; on an open development chain whoever
    creates the DID first controls it, so grant there only names you create at once."""
    if section is None:
        return []
    where = "app_state.trace"
    if not isinstance(section, dict) or set(section) - {"prefixes"}:
        raise TraceGenesisError(where, 'expected {"prefixes": [...]}')
    listed = section.get("prefixes", [])
    if not isinstance(listed, list):
        raise TraceGenesisError(f"{where}.prefixes", "expected a list")
    grants: list[PrefixGrant] = []
    for i, item in enumerate(listed):
        at = f"{where}.prefixes[{i}]"
        if not isinstance(item, dict) or set(item) != {"prefix", "holder"}:
            raise TraceGenesisError(at, 'expected {"prefix": "<digits>", "holder": "did:sen:..."}')
        if not is_prefix(item["prefix"]):
            raise TraceGenesisError(f"{at}.prefix", f"expected {PREFIX_EXPECTED}")
        if not is_sen_did(item["holder"]):
            raise TraceGenesisError(f"{at}.holder", "expected a did:sen DID")
        for earlier in grants:
            if earlier.prefix.startswith(item["prefix"]) or item["prefix"].startswith(
                earlier.prefix
            ):
                raise TraceGenesisError(f"{at}.prefix", f"overlaps {earlier.prefix}")
        grants.append(PrefixGrant(item["prefix"], item["holder"], genesis.height))
    changes: list[StateChange] = []
    for grant in grants:
        changes.append((prefix_key(grant.prefix), encoding.encode(grant.to_value())))
        changes.append((holder_key(grant.holder, grant.prefix), encoding.encode(grant.height)))
    return changes
