"""A chain's genesis: the one file a verifier needs to check receipts offline.

The file is CometBFT v0.38's ``genesis.json`` (so a CometBFT network starts
from the same file), with Sen's chain parameters under ``app_state.params``.
Parsing is strict: a missing, extra or mistyped field is an error naming it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from sen.ledger.errors import InvalidParams
from sen.ledger.light._json import format_time, parse_time
from sen.ledger.light.types import Timestamp, Validator, ValidatorSet
from sen.ledger.types import ChainParams
from sen.light.errors import GenesisError

ED25519_KEY_TYPE = "tendermint/PubKeyEd25519"


@dataclass(frozen=True, slots=True)
class GenesisValidator:
    pub_key: bytes
    power: int
    name: str


@dataclass(frozen=True, slots=True)
class Genesis:
    chain_id: str
    genesis_time: Timestamp
    initial_height: int
    validators: tuple[GenesisValidator, ...]
    params: ChainParams
    max_block_bytes: int
    raw: bytes  # the file as read; its SHA-256 identifies the genesis
    membership: dict[str, Any] | None = None  # app_state.membership (docs/spec/membership.md)
    governance: dict[str, Any] | None = None  # app_state.governance (threshold, voting periods)
    trust: dict[str, Any] | None = None  # app_state.trust (root authorities, trust-and-status.md)
    contracts: dict[str, Any] | None = None  # app_state.contracts (runtime, upload policy)
    trace: dict[str, Any] | None = None  # app_state.trace (GS1 prefixes granted at genesis)

    @property
    def hash(self) -> bytes:
        return hashlib.sha256(self.raw).digest()

    def validator_set(self) -> ValidatorSet:
        return ValidatorSet.sorted(Validator(v.pub_key, v.power) for v in self.validators)

    def app_state_bytes(self) -> bytes:
        app_state: dict[str, Any] = {"params": self.params.to_json()}
        if self.membership is not None:
            app_state["membership"] = self.membership
        if self.governance is not None:
            app_state["governance"] = self.governance
        if self.trust is not None:
            app_state["trust"] = self.trust
        if self.contracts is not None:
            app_state["contracts"] = self.contracts
        if self.trace is not None:
            app_state["trace"] = self.trace
        return json.dumps(app_state, sort_keys=True, separators=(",", ":")).encode()


def make_genesis(
    *,
    chain_id: str,
    genesis_time: Timestamp,
    validators: list[GenesisValidator],
    params: ChainParams | None = None,
    membership: dict[str, Any] | None = None,
    governance: dict[str, Any] | None = None,
    trust: dict[str, Any] | None = None,
    contracts: dict[str, Any] | None = None,
    trace: dict[str, Any] | None = None,
) -> bytes:
    """The bytes of a new genesis file (``membership``: a consortium's app_state.membership)."""
    chosen = params or ChainParams(chain_id=chain_id)
    if membership is not None and membership.get("permissioned") is True:
        chosen = replace(chosen, permissioned=True)
    app_state: dict[str, Any] = {"params": chosen.to_json()}
    if membership is not None:
        app_state["membership"] = membership
    if governance is not None:
        app_state["governance"] = (
            governance  # threshold, voting_period (sen.ledger.modules.governance)
        )
    if trust is not None:
        app_state["trust"] = trust  # roots (sen.ledger.modules.trust)
    if contracts is not None:
        app_state["contracts"] = contracts  # runtime, upload (sen.ledger.modules.contracts)
    if trace is not None:
        app_state["trace"] = trace  # prefixes granted at genesis (sen.ledger.modules.trace)
    document = {
        "genesis_time": format_time(genesis_time.seconds, genesis_time.nanos),
        "chain_id": chain_id,
        "initial_height": "1",
        "consensus_params": {
            "block": {"max_bytes": str(chosen.max_block_bytes), "max_gas": "-1"},
            "evidence": {
                "max_age_num_blocks": "100000",
                "max_age_duration": "172800000000000",
                "max_bytes": "1048576",
            },
            "validator": {"pub_key_types": ["ed25519"]},
            "version": {"app": "0"},
            "abci": {"vote_extensions_enable_height": "0"},
        },
        "validators": [
            {
                "address": hashlib.sha256(v.pub_key).digest()[:20].hex().upper(),
                "pub_key": {
                    "type": ED25519_KEY_TYPE,
                    "value": base64.b64encode(v.pub_key).decode(),
                },
                "power": str(v.power),
                "name": v.name,
            }
            for v in validators
        ],
        "app_hash": "",
        "app_state": app_state,
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def load_genesis(raw: bytes) -> Genesis:
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GenesisError("file", f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise GenesisError("file", "expected a JSON object")
    chain_id = _str(doc, "chain_id")
    if not chain_id or len(chain_id) > 50:
        raise GenesisError("chain_id", "expected 1 to 50 characters")
    seconds, nanos = parse_time(doc.get("genesis_time"), "genesis_time")
    initial_height = _int_string(doc, "initial_height", default="1")
    validators = tuple(_validator(v, i) for i, v in enumerate(_list(doc, "validators")))
    if not validators:
        raise GenesisError("validators", "expected at least one validator")
    app_state = doc.get("app_state", {})
    if not isinstance(app_state, dict):
        raise GenesisError("app_state", "expected an object")
    params_doc = app_state.get("params", {"chain_id": chain_id})
    if not isinstance(params_doc, dict):
        raise GenesisError("app_state.params", "expected an object")
    try:
        params = ChainParams.from_json({"chain_id": chain_id, **params_doc})
    except InvalidParams as exc:
        raise GenesisError("app_state.params", str(exc)) from None
    if params.chain_id != chain_id:
        raise GenesisError("app_state.params.chain_id", f"expected {chain_id}")
    membership = app_state.get("membership")
    if membership is not None and not isinstance(membership, dict):
        raise GenesisError("app_state.membership", "expected an object")
    if membership is not None and membership.get("permissioned") is True:
        params = replace(params, permissioned=True)
    governance = app_state.get("governance")
    if governance is not None and not isinstance(governance, dict):
        raise GenesisError("app_state.governance", "expected an object")
    trust = app_state.get("trust")
    if trust is not None and not isinstance(trust, dict):
        raise GenesisError("app_state.trust", "expected an object")
    contracts = app_state.get("contracts")
    if contracts is not None and not isinstance(contracts, dict):
        raise GenesisError("app_state.contracts", "expected an object")
    trace = app_state.get("trace")
    if trace is not None and not isinstance(trace, dict):
        raise GenesisError("app_state.trace", "expected an object")
    consensus = doc.get("consensus_params", {})
    block = consensus.get("block", {}) if isinstance(consensus, dict) else {}
    max_block_bytes = int(block.get("max_bytes", params.max_block_bytes))
    return Genesis(
        chain_id=chain_id,
        genesis_time=Timestamp(seconds, nanos),
        initial_height=initial_height,
        validators=validators,
        params=params,
        max_block_bytes=max_block_bytes,
        raw=bytes(raw),
        membership=membership,
        governance=governance,
        trust=trust,
        contracts=contracts,
        trace=trace,
    )


def _str(doc: dict[str, Any], key: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str):
        raise GenesisError(key, f"expected a string, got {type(value).__name__}")
    return value


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if not isinstance(value, list):
        raise GenesisError(key, f"expected a list, got {type(value).__name__}")
    return value


def _int_string(doc: dict[str, Any], key: str, default: str) -> int:
    value = doc.get(key, default)
    if not isinstance(value, str) or not value.isdigit():
        raise GenesisError(key, f"expected a decimal string, got {value!r}")
    return int(value)


def _validator(value: Any, i: int) -> GenesisValidator:
    field = f"validators[{i}]"
    if not isinstance(value, dict):
        raise GenesisError(field, "expected an object")
    pub_key = value.get("pub_key")
    if not isinstance(pub_key, dict) or pub_key.get("type") != ED25519_KEY_TYPE:
        raise GenesisError(f"{field}.pub_key", f"expected type {ED25519_KEY_TYPE}")
    try:
        key = base64.b64decode(str(pub_key.get("value")), validate=True)
    except ValueError:
        raise GenesisError(f"{field}.pub_key.value", "expected base64") from None
    if len(key) != 32:
        raise GenesisError(f"{field}.pub_key.value", f"expected 32 bytes, got {len(key)}")
    power = _int_string(value, "power", default="")
    if power <= 0:
        raise GenesisError(f"{field}.power", "expected a positive integer")
    address = value.get("address")
    expected = hashlib.sha256(key).digest()[:20].hex().upper()
    if address is not None and str(address).upper() != expected:
        raise GenesisError(f"{field}.address", f"expected {expected}, got {address}")
    return GenesisValidator(key, power, str(value.get("name", "")))
