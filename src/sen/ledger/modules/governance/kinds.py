"""What a proposal can do: each kind checks its payload when proposed and acts when passed.

``parse`` is stateless (at propose time: a bad payload is refused before anyone
votes); ``execute`` runs inside the deciding vote's transaction, against the
state of that moment, and may still refuse (then the proposal is FAILED with
the refusal's result code, and nothing of it is applied).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import known_suites
from sen.ledger.errors import TxRejected
from sen.ledger.modules.contracts.governed import (
    parse_contract_settings,
    parse_upload_contract,
    set_contract_settings,
    upload_contract,
)
from sen.ledger.modules.directory.parsing import (
    parse_register_chain,
    parse_remove_chain,
    parse_update_chain,
)
from sen.ledger.modules.directory.registry import register_chain, remove_chain, update_chain
from sen.ledger.modules.governance.records import GovernanceConfig, load_config, save_config
from sen.ledger.modules.interchain.recovery import parse_recover_client, recover_client
from sen.ledger.modules.membership import registry
from sen.ledger.modules.trace.governed import (
    grant_prefix,
    parse_grant_prefix,
    parse_revoke_prefix,
    revoke_prefix,
)
from sen.ledger.modules.trust.roots import parse_set_roots, set_roots
from sen.ledger.state import Overlay
from sen.ledger.types import PARAMS_KEY, BlockInfo, ChainParams, ValidatorChange
from sen.ledger.validators import (
    KEY_TYPES,
    VALIDATORS_KEY,
    apply_validator_change,
    encode_validator_set,
    load_validator_set,
)

PROTECTED_MODULES = frozenset({"governance", "membership"})
MAX_POWER = 1_000_000


def _invalid(
    field: str, reason: str, expected: str | None = None, got: object = None
) -> TxRejected:
    return TxRejected(
        ResultCode.INVALID_PROPOSAL,
        reason,
        field=f"args.payload.{field}",
        expected=expected,
        got=got,
    )


def _only(
    payload: Mapping[str, Any], required: frozenset[str], optional: frozenset[str] = frozenset()
) -> None:
    for key in sorted(payload):
        if key not in required | optional:
            raise _invalid(key, "unknown field", ", ".join(sorted(required | optional)), key)
    for key in sorted(required):
        if key not in payload:
            raise _invalid(key, "missing field")


def _text(payload: Mapping[str, Any], key: str, max_len: int = 256) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not 0 < len(value.encode()) <= max_len:
        raise _invalid(key, "expected text", f"1 to {max_len} bytes of UTF-8", type(value).__name__)
    return value


def _int(payload: Mapping[str, Any], key: str, low: int, high: int) -> int:
    value = payload.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _invalid(key, "expected an integer", f"{low} to {high}", value)
    return value


def _texts(payload: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = payload.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _invalid(key, "expected a list of names", "array of text", type(value).__name__)
    if len(set(value)) != len(value):
        raise _invalid(key, "names repeat", "distinct names", value)
    return tuple(value)


def _bytes(payload: Mapping[str, Any], key: str) -> bytes:
    value = payload.get(key)
    if not isinstance(value, bytes) or not value:
        raise _invalid(key, "expected bytes", "a byte string", type(value).__name__)
    return value


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    parse: Callable[[Mapping[str, Any]], dict[str, Any]]
    execute: Callable[[Overlay, dict[str, Any], BlockInfo], tuple[ValidatorChange, ...]]


# -- organisations ------------------------------------------------------------
def _parse_admit(payload: Mapping[str, Any]) -> dict[str, Any]:
    _only(payload, frozenset({"id", "name", "ca", "roles"}), frozenset({"chain"}))
    chain = payload.get("chain", [])
    if not isinstance(chain, list) or not all(isinstance(c, bytes) for c in chain):
        raise _invalid("chain", "expected a list of DER certificates")
    return {
        "id": _text(payload, "id", 32),
        "name": _text(payload, "name"),
        "ca": _bytes(payload, "ca"),
        "roles": list(_texts(payload, "roles")),
        "chain": list(chain),
    }


def _execute_admit(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    registry.admit_organisation(
        state,
        p["id"],
        p["name"],
        p["ca"],
        tuple(p["roles"]),
        tuple(p["chain"]),
        block.height,
        block_time=block,
        prefix="args.payload.",
    )
    return ()


def _parse_remove(payload: Mapping[str, Any]) -> dict[str, Any]:
    _only(payload, frozenset({"id"}))
    return {"id": _text(payload, "id", 32)}


def _execute_remove(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    registry.remove_organisation(state, p["id"], block.height, field="args.payload.id")
    return ()


def _parse_org_roles(payload: Mapping[str, Any]) -> dict[str, Any]:
    _only(payload, frozenset({"id", "roles"}))
    return {"id": _text(payload, "id", 32), "roles": list(_texts(payload, "roles"))}


def _execute_org_roles(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    registry.set_organisation_roles(state, p["id"], tuple(p["roles"]), field="args.payload.roles")
    return ()


def _parse_add_role(payload: Mapping[str, Any]) -> dict[str, Any]:
    _only(payload, frozenset({"role"}))
    return {"role": _text(payload, "role", 32)}


def _execute_add_role(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    registry.add_role(state, p["role"], field="args.payload.role")
    return ()


# -- chain parameters ---------------------------------------------------------
PARAM_FIELDS = frozenset(
    {
        "max_tx_bytes",
        "max_block_bytes",
        "allowed_suites",
        "max_batch_digests",
        "disabled_modules",
        "pii_free",  # the personal-data guard at the ledger's edge (sen.ledger.pii)
    }
)


def _parse_params(payload: Mapping[str, Any]) -> dict[str, Any]:
    _only(payload, frozenset(), PARAM_FIELDS)
    if not payload:
        raise _invalid("", "no parameter to change", ", ".join(sorted(PARAM_FIELDS)), "{}")
    parsed: dict[str, Any] = {}
    if "max_tx_bytes" in payload:
        parsed["max_tx_bytes"] = _int(payload, "max_tx_bytes", 1024, 64 << 20)
    if "max_block_bytes" in payload:
        parsed["max_block_bytes"] = _int(payload, "max_block_bytes", 64 << 10, 100 << 20)
    if "max_batch_digests" in payload:
        parsed["max_batch_digests"] = _int(payload, "max_batch_digests", 1, 1_000_000)
    if "allowed_suites" in payload:
        suites = _texts(payload, "allowed_suites")
        unknown = [s for s in suites if s not in known_suites()]
        if not suites or unknown:
            raise _invalid(
                "allowed_suites",
                "unknown or no suite",
                f"some of {', '.join(known_suites())}",
                unknown,
            )
        parsed["allowed_suites"] = list(suites)
    if "pii_free" in payload:
        if not isinstance(payload["pii_free"], bool):
            raise _invalid("pii_free", "not true or false", "true or false", payload["pii_free"])
        parsed["pii_free"] = payload["pii_free"]
    if "disabled_modules" in payload:
        modules = _texts(payload, "disabled_modules") if payload["disabled_modules"] else ()
        protected = sorted(PROTECTED_MODULES & set(modules))
        if protected:
            raise _invalid("disabled_modules", "these modules cannot be disabled", None, protected)
        parsed["disabled_modules"] = list(modules)
    return parsed


def _execute_params(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    raw = state.get(PARAMS_KEY)
    current = encoding.decode(raw) if raw is not None else {}
    merged = {**current, **p}
    params = ChainParams.from_json(merged)  # validates the combination
    if params.max_tx_bytes > params.max_block_bytes:
        raise _invalid(
            "max_tx_bytes",
            "a transaction must fit in a block",
            f"at most max_block_bytes ({params.max_block_bytes})",
            params.max_tx_bytes,
        )
    state.set(PARAMS_KEY, encoding.encode(params.to_json()))
    return ()


# -- validators ---------------------------------------------------------------
def _parse_validator(payload: Mapping[str, Any]) -> dict[str, Any]:
    _only(payload, frozenset({"pub_key", "power"}), frozenset({"pub_key_type"}))
    key_type = payload.get("pub_key_type", "ed25519")
    if key_type not in KEY_TYPES:
        raise _invalid(
            "pub_key_type", "unsupported validator key type", ", ".join(KEY_TYPES), key_type
        )
    key = _bytes(payload, "pub_key")
    if len(key) != KEY_TYPES[key_type]:
        raise _invalid("pub_key", "wrong key length", f"{KEY_TYPES[key_type]} bytes", len(key))
    return {"pub_key_type": key_type, "pub_key": key, "power": _int(payload, "power", 0, MAX_POWER)}


def _execute_validator(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    change = ValidatorChange(p["pub_key_type"], p["pub_key"], p["power"])
    current = load_validator_set(state)
    if change.power == 0 and all(v.pub_key != change.pub_key for v in current):
        raise _invalid(
            "pub_key", "not a validator", "a current validator's key", change.pub_key.hex()
        )
    after = apply_validator_change(current, change)
    if not after:
        raise _invalid("power", "the last validator cannot be removed", "power > 0", 0)
    state.set(VALIDATORS_KEY, encode_validator_set(after))
    return (change,)


# -- governance itself --------------------------------------------------------
def parse_governance_settings(payload: Mapping[str, Any]) -> dict[str, Any]:
    _only(payload, frozenset(), frozenset({"threshold", "voting_period", "max_voting_period"}))
    parsed: dict[str, Any] = {}
    if "threshold" in payload:
        value = payload["threshold"]
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 0 < value[0] < value[1] <= 1000
            or value[0] * 2 < value[1]
        ):
            raise _invalid("threshold", "bad fraction", "[num, den] with 1/2 <= num/den < 1", value)
        parsed["threshold"] = list(value)
    if "voting_period" in payload:
        parsed["voting_period"] = _int(payload, "voting_period", 1, 10_000_000)
    if "max_voting_period" in payload:
        parsed["max_voting_period"] = _int(payload, "max_voting_period", 1, 10_000_000)
    if not parsed:
        raise _invalid(
            "", "nothing to change", "threshold, voting_period or max_voting_period", "{}"
        )
    return parsed


def _execute_governance(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    current = load_config(state)
    updated = GovernanceConfig(
        threshold=tuple(p.get("threshold", current.threshold)),
        voting_period=p.get("voting_period", current.voting_period),
        max_voting_period=p.get("max_voting_period", current.max_voting_period),
    )
    if updated.voting_period > updated.max_voting_period:
        raise _invalid(
            "voting_period",
            "longer than the maximum",
            f"<= {updated.max_voting_period}",
            updated.voting_period,
        )
    save_config(state, updated)
    return ()


# -- trust roots (docs/spec/trust-and-status.md) -------------------------------
def _execute_trust_roots(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    set_roots(state, tuple(p["roots"]), block)
    return ()


# -- light clients (docs/spec/interchain.md §3) ---------------------------------
def _execute_recover_client(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    recover_client(state, p, block)
    return ()


# -- the chain directory (docs/spec/directory.md) --------------------------------
def _execute_register_chain(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    register_chain(state, p, block)
    return ()


def _execute_update_chain(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    update_chain(state, p, block)
    return ()


def _execute_remove_chain(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    remove_chain(state, p, block)
    return ()


# -- contracts (docs/spec/contracts.md) ---------------------------------------------
def _execute_upload_contract(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    upload_contract(state, p, block)
    return ()


def _execute_contract_settings(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    set_contract_settings(state, p, block)
    return ()


def _execute_grant_prefix(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    grant_prefix(state, p, block)
    return ()


def _execute_revoke_prefix(
    state: Overlay, p: dict[str, Any], block: BlockInfo
) -> tuple[ValidatorChange, ...]:
    revoke_prefix(state, p, block)
    return ()


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("admit_organisation", _parse_admit, _execute_admit),
        Kind("remove_organisation", _parse_remove, _execute_remove),
        Kind("set_organisation_roles", _parse_org_roles, _execute_org_roles),
        Kind("add_role", _parse_add_role, _execute_add_role),
        Kind("set_params", _parse_params, _execute_params),
        Kind("set_validator", _parse_validator, _execute_validator),
        Kind("set_governance", parse_governance_settings, _execute_governance),
        Kind("set_trust_roots", parse_set_roots, _execute_trust_roots),
        Kind("register_chain", parse_register_chain, _execute_register_chain),
        Kind("update_chain", parse_update_chain, _execute_update_chain),
        Kind("remove_chain", parse_remove_chain, _execute_remove_chain),
        Kind("recover_client", parse_recover_client, _execute_recover_client),
        Kind("upload_contract", parse_upload_contract, _execute_upload_contract),
        Kind("set_contract_settings", parse_contract_settings, _execute_contract_settings),
        Kind("grant_gs1_prefix", parse_grant_prefix, _execute_grant_prefix),
        Kind("revoke_gs1_prefix", parse_revoke_prefix, _execute_revoke_prefix),
    )
}
