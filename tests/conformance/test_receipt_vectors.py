"""Receipt vectors (``docs/spec/vectors/receipt-vectors.json``) against Sen and against the spec.

Three things are checked:

- every intermediate value in the file (transaction bytes, ExecTxResult bytes,
  Merkle nodes, header hash leaves, vote sign-bytes, validator encodings) is
  what Sen's code computes, and every receipt and tampered variant gets the
  verdict the file records from Sen's verifier;
- the file is exactly what ``scripts/make-receipt-vectors.py`` writes, so the
  two cannot drift;
- ``independent_verifier.py``, written from ``docs/spec/receipt.md`` without
  importing ``sen``, reaches the same verdicts and recomputes the same bytes.
"""

from __future__ import annotations

import ast
import base64
import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from script_loader import load

from sen.ledger import encoding
from sen.ledger.crypto import Ed25519Suite
from sen.ledger.light import _proto
from sen.ledger.light.commit import commit_vote_sign_bytes
from sen.ledger.light.header import header_hash, header_hash_leaves
from sen.ledger.light.merkle import proof_from_byte_slices
from sen.ledger.light.results import exec_tx_result_bytes, results_hash
from sen.ledger.light.txs import data_hash, tx_hash
from sen.ledger.light.types import BlockID, Commit, Header, Validator, ValidatorSet
from sen.ledger.light.validators import encode_simple_validator
from sen.ledger.light.vote import canonical_vote_sign_bytes
from sen.ledger.merkle import hash_from_byte_slices, leaf_hash, tree_levels
from sen.ledger.tx import SIGN_DOMAIN, decode_tx, sign_tx
from sen.light.errors import ReceiptInvalid
from sen.light.genesis import load_genesis
from sen.light.receipt import merkle_proof_to_json, verify_receipt

ROOT = Path(__file__).resolve().parents[2]
VECTORS_PATH = ROOT / "docs" / "spec" / "vectors" / "receipt-vectors.json"
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
GENESIS_BYTES = VECTORS["genesis"]["file"].encode()
GENESIS = load_genesis(GENESIS_BYTES)
RECEIPTS = {r["name"]: r for r in VECTORS["receipts"]}


def genesis_bytes_of(receipt_name: str) -> bytes:
    """The genesis file a receipt is checked against (``genesis`` or ``history_genesis``)."""
    text: str = VECTORS[RECEIPTS[receipt_name]["genesis"]]["file"]
    return text.encode()


INDEPENDENT = load("independent_verifier", Path(__file__).parent / "independent_verifier.py")


def untyped(doc: Any) -> Any:
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
            return {k: untyped(v) for k, v in payload}
    raise AssertionError(kind)


def tampered(case: dict[str, Any]) -> dict[str, Any]:
    """The base receipt with the case's changes applied (as the spec's vector section says)."""
    doc = copy.deepcopy(RECEIPTS[case["receipt"]]["receipt"])
    for change in case["changes"]:
        path = change["set"] if "set" in change else change["remove"]
        target = doc
        for key in path[:-1]:
            target = target[key]
        if "set" in change:
            target[path[-1]] = copy.deepcopy(change["value"])
        else:
            del target[path[-1]]
    return doc


def document_digest(algorithm: str, text: str | None) -> bytes | None:
    if text is None:
        return None
    return hashlib.new(algorithm.replace("-", "").replace("sha3", "sha3_"), text.encode()).digest()


# -- (a) every value in the file is Sen's -----------------------------------------------------


def test_the_file_is_what_the_script_writes() -> None:
    script = load("make_receipt_vectors", ROOT / "scripts" / "make-receipt-vectors.py")
    assert script.render() == VECTORS_PATH.read_text(encoding="utf-8"), (
        "docs/spec/vectors/receipt-vectors.json is stale: run scripts/make-receipt-vectors.py"
    )


def test_genesis() -> None:
    genesis = VECTORS["genesis"]
    assert GENESIS.hash.hex() == genesis["sha256"] == hashlib.sha256(GENESIS_BYTES).hexdigest()
    assert GENESIS.chain_id == genesis["chain_id"]
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(genesis["validator_seed"]))
    assert GENESIS.validator_set().validators == (
        Validator(key.public_key().public_bytes_raw(), 10),
    )
    assert GENESIS.validator_set().hash().hex() == VECTORS["validator_sets"][0]["hash"]


def test_history_genesis() -> None:
    """The history chain starts from the set "history: genesis set" and changes once."""
    history = VECTORS["history_genesis"]
    genesis = load_genesis(history["file"].encode())
    assert genesis.hash.hex() == history["sha256"] and genesis.chain_id == history["chain_id"]
    sets = {v["name"]: v for v in VECTORS["validator_sets"]}
    assert genesis.validator_set().hash().hex() == sets["history: genesis set"]["hash"]
    receipt = RECEIPTS["history"]["receipt"]
    (hop,) = receipt["validator_history"]
    assert (
        Header.from_json(hop["header"]).validators_hash.hex()
        == sets["history: genesis set"]["hash"]
    )
    assert hop["next_validators"] == sets["history: changed set"]["validators"]
    assert receipt["validators"] == sets["history: changed set"]["validators"]
    flags = [s["block_id_flag"] for s in hop["commit"]["signatures"]]
    assert flags == [2, 2, 3]  # the hop's commit has a nil vote
    flags = [s["block_id_flag"] for s in receipt["next_block"]["commit"]["signatures"]]
    assert flags == [2, 2, 2, 1]  # and the receipt's an absent slot


def test_protobuf_examples() -> None:
    computed = {
        "varint 300": _proto.varint(300),
        "uint32 field 1 = 0 (omitted)": _proto.uint_field(1, 0),
        "int64 field 5 = 150": _proto.int_field(5, 150),
        "int64 field 1 = -1": _proto.int_field(1, -1),
        "bytes field 2 = 0x0102": _proto.bytes_field(2, b"\x01\x02"),
        "bytes field 2 = empty (omitted)": _proto.bytes_field(2, b""),
        "sfixed64 field 2 = 3": _proto.sfixed64_field(2, 3),
        "message field 2 = empty (written)": _proto.message_field(2, b""),
    }
    assert {e["name"]: e["bytes"] for e in VECTORS["protobuf"]} == {
        k: v.hex() for k, v in computed.items()
    }


@pytest.mark.parametrize("vector", VECTORS["transactions"], ids=lambda v: str(v["index"]))
def test_transaction(vector: dict[str, Any]) -> None:
    wire = bytes.fromhex(vector["wire"])
    tx = decode_tx(wire)
    args = untyped(vector["args"])
    assert (tx.suite, tx.nonce, tx.module, tx.action, dict(tx.args)) == (
        vector["suite"], vector["nonce"], vector["module"], vector["action"], args,
    )  # fmt: skip
    body = [1, GENESIS.chain_id, tx.suite, tx.public_key, tx.nonce, tx.module, tx.action, args]
    assert encoding.encode(body).hex() == vector["body"]
    assert (
        (SIGN_DOMAIN + encoding.encode(body)).hex() == vector["sign_bytes"] == tx.sign_bytes.hex()
    )
    assert wire == encoding.encode([body, bytes.fromhex(vector["signature"])])
    assert tx.hash.hex() == vector["hash"] and tx.sender.hex() == vector["sender_address"]
    sender = Ed25519Suite().load_private(bytes.fromhex(VECTORS["sender_seed"]))
    assert sender.public_key.hex() == vector["public_key"]
    again = sign_tx(
        sender, chain_id=GENESIS.chain_id, nonce=tx.nonce, module=tx.module, action=tx.action,
        args=args,
    )  # fmt: skip
    assert again.raw == wire  # Ed25519 is deterministic


def _merkle(vector: dict[str, Any]) -> None:
    items = [bytes.fromhex(i) for i in vector["items"]]
    levels = tree_levels([leaf_hash(i) for i in items])
    assert [[n.hex() for n in level] for level in levels] == vector["levels"]
    assert hash_from_byte_slices(items).hex() == vector["root"]
    for i, proof in enumerate(vector["proofs"]):
        assert merkle_proof_to_json(proof_from_byte_slices(items, i)[1]) == proof


def test_block_data_and_results() -> None:
    block = VECTORS["block"]
    txs = [bytes.fromhex(t) for t in block["txs"]]
    assert [tx_hash(t).hex() for t in txs] == block["tx_hashes"]
    assert block["data_tree"]["items"] == block["tx_hashes"]
    _merkle(block["data_tree"])
    encoded = [
        exec_tx_result_bytes(r["code"], bytes.fromhex(r["data"]), r["gas_wanted"], r["gas_used"])
        for r in block["results"]
    ]
    assert [e.hex() for e in encoded] == [r["exec_tx_result"] for r in block["results"]]
    assert block["tree"]["items"] == [e.hex() for e in encoded]
    _merkle(block["tree"])
    assert results_hash(encoded).hex() == block["last_results_hash"]
    headers = {h["name"]: Header.from_json(h["header"]) for h in VECTORS["headers"]}
    assert headers["H"].data_hash == data_hash(txs)
    assert headers["H+1"].last_results_hash.hex() == block["last_results_hash"]


def test_batch_tree() -> None:
    tree = VECTORS["batch_tree"]
    _merkle(tree)
    batch = RECEIPTS["batch-member"]["receipt"]
    assert batch["evidence"]["batch"]["root"] == tree["root"] == batch["result"]["data"]
    index = batch["evidence"]["batch"]["proof"]["index"]
    assert batch["evidence"]["batch"]["proof"] == tree["proofs"][index]


@pytest.mark.parametrize("vector", VECTORS["headers"], ids=lambda v: v["name"])
def test_header(vector: dict[str, Any]) -> None:
    header = Header.from_json(vector["header"])
    leaves = header_hash_leaves(header)
    assert [leaf["bytes"] for leaf in vector["leaves"]] == [leaf.hex() for leaf in leaves]
    assert vector["tree"]["items"] == [leaf.hex() for leaf in leaves]
    _merkle(vector["tree"])
    assert header_hash(header).hex() == vector["hash"] == vector["tree"]["root"]
    single = RECEIPTS["single"]["receipt"]
    where = single["block"] if vector["name"] == "H" else single["next_block"]
    assert where["header"] == vector["header"]


def test_vote() -> None:
    vote = VECTORS["vote"]
    commit = Commit.from_json(RECEIPTS["single"]["receipt"]["next_block"]["commit"])
    sign_bytes = bytes.fromhex(vote["sign_bytes"])
    assert commit_vote_sign_bytes(vote["chain_id"], commit, 0) == sign_bytes
    assert sign_bytes == canonical_vote_sign_bytes(
        vote["chain_id"], vote["type"], vote["height"], vote["round"],
        BlockID.from_json(vote["block_id"]), commit.signatures[0].timestamp,
    )  # fmt: skip
    assert commit.block_id.to_json() == vote["block_id"]
    assert commit.signatures[0].timestamp.to_rfc3339() == vote["timestamp"]
    assert canonical_vote_sign_bytes(
        vote["chain_id"], 2, vote["height"], vote["round"], BlockID.zero(),
        commit.signatures[0].timestamp,
    ).hex() == vote["nil_vote_sign_bytes"]  # fmt: skip
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(vote["public_key"]))
    public.verify(bytes.fromhex(vote["signature"]), sign_bytes)
    assert commit.signatures[0].signature.hex() == vote["signature"]


@pytest.mark.parametrize("vector", VECTORS["validator_sets"], ids=lambda v: v["name"])
def test_validator_set(vector: dict[str, Any]) -> None:
    validators = ValidatorSet.from_json(vector["validators"])
    assert validators.to_json() == vector["validators"]
    assert [encode_simple_validator(v).hex() for v in validators.validators] == vector[
        "simple_validators"
    ]
    assert validators.hash().hex() == vector["hash"]
    keys = [Ed25519PrivateKey.from_private_bytes(bytes.fromhex(s)) for s in vector["seeds"]]
    assert [k.public_key().public_bytes_raw() for k in keys] == [
        v.pub_key for v in validators.validators
    ]
    if "given_order" in vector:
        given = [
            Validator(
                Ed25519PrivateKey.from_private_bytes(bytes.fromhex(g["seed"]))
                .public_key()
                .public_bytes_raw(),
                g["power"],
            )
            for g in vector["given_order"]
        ]
        assert ValidatorSet.sorted(given) == validators


@pytest.mark.parametrize("vector", VECTORS["receipts"], ids=lambda v: v["name"])
def test_receipt_verifies_with_sen(vector: dict[str, Any]) -> None:
    receipt = vector["receipt"]
    digest = document_digest(receipt["evidence"]["algorithm"], vector["document"])
    genesis = load_genesis(genesis_bytes_of(vector["name"]))
    report = verify_receipt(copy.deepcopy(receipt), genesis, document_digest=digest)
    assert [c.name for c in report.checks] == vector["checks"]
    if vector["genesis"] == "genesis":  # block 2 of the main chain
        raw = bytes.fromhex(VECTORS["block"]["txs"][receipt["transaction"]["index"]])
        assert receipt["transaction"]["tx"] == base64.b64encode(raw).decode()


@pytest.mark.parametrize("case", VECTORS["tampered"], ids=lambda c: c["name"])
def test_tampered_receipt_fails_with_sen(case: dict[str, Any]) -> None:
    doc = tampered(case)
    algorithm = RECEIPTS[case["receipt"]]["receipt"]["evidence"]["algorithm"]
    genesis = load_genesis(genesis_bytes_of(case["receipt"]))
    with pytest.raises(ReceiptInvalid) as caught:
        verify_receipt(doc, genesis, document_digest=document_digest(algorithm, case["document"]))
    assert caught.value.check == case["check"], caught.value.reason


def test_the_base64_respelling_is_the_same_bytes() -> None:
    """The vector for canonical base64 changes spelling only (the gap it closes)."""
    (case,) = [c for c in VECTORS["tampered"] if c["name"] == "tx-base64-respelled"]
    original = RECEIPTS[case["receipt"]]["receipt"]["transaction"]["tx"]
    respelled = tampered(case)["transaction"]["tx"]
    assert respelled != original
    assert base64.b64decode(respelled) == base64.b64decode(original)


# -- (b) a verifier written from the spec reaches the same verdicts -----------------------------


def test_the_independent_verifier_does_not_import_sen() -> None:
    tree = ast.parse((Path(__file__).parent / "independent_verifier.py").read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert imported <= {"__future__", "base64", "hashlib", "json", "typing", "cryptography"}


@pytest.mark.parametrize("vector", VECTORS["receipts"], ids=lambda v: v["name"])
def test_receipt_verifies_independently(vector: dict[str, Any]) -> None:
    receipt = vector["receipt"]
    digest = document_digest(receipt["evidence"]["algorithm"], vector["document"])
    genesis = genesis_bytes_of(vector["name"])
    assert INDEPENDENT.verify(copy.deepcopy(receipt), genesis, digest) == vector["checks"]


@pytest.mark.parametrize("case", VECTORS["tampered"], ids=lambda c: c["name"])
def test_tampered_receipt_fails_independently(case: dict[str, Any]) -> None:
    algorithm = RECEIPTS[case["receipt"]]["receipt"]["evidence"]["algorithm"]
    digest = document_digest(algorithm, case["document"])
    with pytest.raises(INDEPENDENT.Failed) as caught:
        INDEPENDENT.verify(tampered(case), genesis_bytes_of(case["receipt"]), digest)
    assert caught.value.check == case["check"], caught.value.reason


def test_the_independent_verifier_computes_the_same_bytes() -> None:
    ind = INDEPENDENT
    for vector in VECTORS["headers"]:
        header = ind.read_header(vector["header"], vector["name"])
        assert [leaf.hex() for leaf in ind.header_leaves(header)] == [
            leaf["bytes"] for leaf in vector["leaves"]
        ]
        assert ind.header_hash(header).hex() == vector["hash"]
    for vector in VECTORS["validator_sets"]:
        validators = ind.read_validator_set(vector["validators"], vector["name"])
        assert [ind.simple_validator(k, p).hex() for k, p in validators] == vector[
            "simple_validators"
        ]
        assert ind.validator_set_hash(validators).hex() == vector["hash"]
    for result in VECTORS["block"]["results"]:
        encoded = ind.exec_tx_result(
            result["code"], bytes.fromhex(result["data"]), result["gas_wanted"],
            result["gas_used"],
        )  # fmt: skip
        assert encoded.hex() == result["exec_tx_result"]
    vote = VECTORS["vote"]
    commit = ind.read_commit(RECEIPTS["single"]["receipt"]["next_block"]["commit"], "commit")
    slot = commit["signatures"][0]
    assert ind.vote_sign_bytes(vote["chain_id"], commit, slot).hex() == vote["sign_bytes"]
    nil = dict(slot, flag=3)
    assert ind.vote_sign_bytes(vote["chain_id"], commit, nil).hex() == vote["nil_vote_sign_bytes"]
    batch = VECTORS["batch_tree"]
    assert ind.merkle_root([bytes.fromhex(i) for i in batch["items"]]).hex() == batch["root"]
    genesis = ind.read_genesis(GENESIS_BYTES)
    assert (
        ind.validator_set_hash(genesis["validators"]).hex() == VECTORS["validator_sets"][0]["hash"]
    )
    for vector in VECTORS["transactions"]:
        decoded = ind.cbor_decode(bytes.fromhex(vector["wire"]))
        assert decoded[0][7] == untyped(vector["args"])
