"""Sen's encoding, transaction and state-tree vectors (``encoding_vectors.json``).

The vectors are written by ``tools/make_encoding_vectors.py``; see
``docs/spec/encoding.md`` for the rules they illustrate. The SDK and the
console check the same file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sen.ledger import encoding
from sen.ledger.crypto import Ed25519Suite, address_of
from sen.ledger.errors import EncodingError, NonCanonical
from sen.ledger.rules import account_key
from sen.ledger.tx import SIGN_DOMAIN, decode_tx, sign_tx
from sen.store.smt import EMPTY, TreeUpdate

ROOT = Path(__file__).resolve().parents[2]
VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "encoding_vectors.json").read_text(encoding="utf-8")
)


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_encoding_vectors", ROOT / "tools" / "make_encoding_vectors.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


def untyped(doc: Any) -> Any:
    """Typed JSON to a value (written here again so the test does not trust the tool)."""
    ((kind, payload),) = doc.items()
    match kind:
        case "null":
            return None
        case "bool":
            return payload
        case "int":
            return int(payload)
        case "bytes":
            return bytes.fromhex(payload)
        case "text":
            return payload
        case "array":
            return [untyped(v) for v in payload]
        case "map":
            return {key: untyped(v) for key, v in payload}
    raise ValueError(kind)


def test_vector_file_is_what_the_generator_writes() -> None:
    assert TOOL.render() == (Path(__file__).parent / "encoding_vectors.json").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("case", VECTORS["values"], ids=lambda c: c["name"])
def test_value_encodes_to_the_vector_bytes_and_back(case: dict[str, Any]) -> None:
    value = untyped(case["value"])
    raw = bytes.fromhex(case["hex"])
    assert encoding.encode(value) == raw
    assert encoding.decode(raw) == value


@pytest.mark.parametrize("case", VECTORS["values"], ids=lambda c: c["name"])
def test_map_pairs_in_vectors_are_listed_in_canonical_order(case: dict[str, Any]) -> None:
    def keys_in_order(doc: Any) -> None:
        ((kind, payload),) = doc.items()
        if kind == "map":
            encoded = [encoding.encode(key) for key, _ in payload]
            assert encoded == sorted(encoded)
            for _, item in payload:
                keys_in_order(item)
        elif kind == "array":
            for item in payload:
                keys_in_order(item)

    keys_in_order(case["value"])


@pytest.mark.parametrize("case", VECTORS["rejected"], ids=lambda c: c["name"])
def test_rejected_input_is_refused_with_the_recorded_error(case: dict[str, Any]) -> None:
    expected = {"NonCanonical": NonCanonical, "EncodingError": EncodingError}[case["sen_error"]]
    with pytest.raises(EncodingError) as caught:
        encoding.decode(bytes.fromhex(case["hex"]))
    assert isinstance(caught.value, expected)
    if expected is EncodingError:
        assert not isinstance(caught.value, NonCanonical)


def test_every_rejection_rule_has_a_vector() -> None:
    reasons = {case["reason"] for case in VECTORS["rejected"]}
    assert reasons >= {
        "float",
        "tag",
        "indefinite length",
        "non-minimal integer",
        "non-minimal length",
        "map keys not in order",
        "duplicate map key",
        "map key not a text string",
        "trailing bytes",
        "integer out of range",
        "invalid UTF-8",
        "nested deeper than 16",
    }


TX = VECTORS["transaction"]


def test_signed_transaction_is_reproduced_from_its_seed() -> None:
    key = Ed25519Suite().load_private(bytes.fromhex(TX["seed"]))
    assert key.public_key.hex() == TX["public_key"]
    tx = sign_tx(
        key,
        chain_id=TX["chain_id"],
        nonce=TX["nonce"],
        module=TX["module"],
        action=TX["action"],
        args=untyped(TX["args"]),
    )
    assert tx.sign_bytes.hex() == TX["sign_bytes"]
    assert tx.signature.hex() == TX["signature"]
    assert tx.raw.hex() == TX["wire"]
    assert tx.hash.hex() == TX["hash"]
    assert tx.sender.hex() == TX["address"]


def test_transaction_vector_follows_the_spec_formulas() -> None:
    public_key = bytes.fromhex(TX["public_key"])
    body = [1, TX["chain_id"], TX["suite"], public_key, TX["nonce"], TX["module"], TX["action"]]
    body_bytes = encoding.encode([*body, untyped(TX["args"])])
    assert body_bytes.hex() == TX["body"]
    assert bytes.fromhex(TX["sign_bytes"]) == b"sen/tx/v1\x00" + body_bytes
    assert SIGN_DOMAIN == b"sen/tx/v1\x00"
    wire = bytes.fromhex(TX["wire"])
    assert wire == encoding.encode([encoding.decode(body_bytes), bytes.fromhex(TX["signature"])])
    assert hashlib.sha256(wire).hexdigest() == TX["hash"]
    address = hashlib.sha256(b"ed25519\x00" + public_key).digest()[:20]
    assert address.hex() == TX["address"] == address_of("ed25519", public_key).hex()
    assert Ed25519Suite().verify(
        public_key, bytes.fromhex(TX["sign_bytes"]), bytes.fromhex(TX["signature"])
    )
    assert account_key(address).hex() == TX["account_key"]


def test_transaction_vector_decodes() -> None:
    tx = decode_tx(bytes.fromhex(TX["wire"]))
    assert tx.sign_bytes.hex() == TX["sign_bytes"]
    assert tx.public_key.hex() == TX["public_key"]
    assert dict(tx.args) == untyped(TX["args"])


@pytest.mark.parametrize("case", VECTORS["state_tree"], ids=lambda c: c["name"])
def test_state_tree_root_matches_the_vector(case: dict[str, Any]) -> None:
    entries = [(bytes.fromhex(k), bytes.fromhex(v)) for k, v in case["entries"]]
    nodes: dict[bytes, bytes] = {}
    root = TreeUpdate(nodes.get).apply(EMPTY, entries)
    assert root.hex() == case["root"]


@pytest.mark.parametrize("case", VECTORS["state_tree"], ids=lambda c: c["name"])
def test_state_tree_root_is_independent_of_insertion_order_and_batching(
    case: dict[str, Any],
) -> None:
    entries = [(bytes.fromhex(k), bytes.fromhex(v)) for k, v in case["entries"]]
    nodes: dict[bytes, bytes] = {}
    root = EMPTY
    for entry in reversed(entries):  # one key per block, reversed
        update = TreeUpdate(nodes.get)
        root = update.apply(root, [entry])
        for pos, node in update.writes.items():
            if node is None:
                nodes.pop(pos, None)
            else:
                nodes[pos] = node
    assert root.hex() == case["root"]


def test_one_key_root_is_its_leaf_hash() -> None:
    (case,) = [c for c in VECTORS["state_tree"] if c["name"] == "one key"]
    ((key, value),) = [(bytes.fromhex(k), bytes.fromhex(v)) for k, v in case["entries"]]
    sha = hashlib.sha256
    leaf = sha(b"\x00" + sha(key).digest() + sha(value).digest()).hexdigest()
    assert case["root"] == leaf
