"""Write ``docs/spec/vectors/receipt-vectors.json``: evidence receipts and every byte behind them.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python scripts/make-receipt-vectors.py          # rewrite the file
    PYTHONPATH=src .venv/bin/python scripts/make-receipt-vectors.py --check  # exit 1 if stale

Two chains run in-process on Sen's embedded engine, in temporary homes, with
fixed keys (from seeds), a fixed genesis time and fixed block times, blocks
produced one by one: a single-validator chain whose block 2 holds three
evidence transactions (block 3 proves their results), and a chain whose
validator set changes once (:class:`ChangingValidators`), for a receipt with
``validator_history``. The receipts are the ones a node writes
(``sen.services.readmodels.receipts.build_receipt``); every
intermediate value (transaction bytes, ExecTxResult bytes, header hash
leaves, vote sign-bytes, validator encodings, Merkle nodes) is written next
to them, and so are tampered variants with the check that must fail, each
verdict taken from Sen's verifier. The format is described in
``docs/spec/receipt.md`` ("Test vectors").

Some tampered variants are re-signed forgeries: the validator key signs a new
next block over a changed block, as a dishonest validator set could, so that
the checks after ``commit`` can be reached.
"""

from __future__ import annotations

import argparse
import base64
import copy
import dataclasses
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sen.consensus.app import SenApp
from sen.consensus.embedded.engine import EmbeddedEngine
from sen.ledger.crypto import Ed25519Suite, SigningKey
from sen.ledger.light import _proto
from sen.ledger.light.commit import commit_vote_sign_bytes, sign_commit
from sen.ledger.light.header import header_hash, header_hash_leaves
from sen.ledger.light.merkle import proof_from_byte_slices
from sen.ledger.light.results import exec_tx_result_bytes, results_hash
from sen.ledger.light.txs import data_hash, tx_hash, tx_proof
from sen.ledger.light.types import (
    BlockID,
    BlockIDFlag,
    Commit,
    CommitSig,
    Header,
    Timestamp,
    Validator,
    ValidatorSet,
)
from sen.ledger.light.validators import encode_simple_validator
from sen.ledger.merkle import leaf_hash, tree_levels
from sen.ledger.tx import SIGN_DOMAIN, sign_tx
from sen.light.errors import ReceiptInvalid
from sen.light.genesis import Genesis, GenesisValidator, load_genesis, make_genesis
from sen.light.receipt import merkle_proof_to_json, verify_receipt
from sen.node.config import load_config, write_settings
from sen.node.keys import save_validator_key
from sen.node.node import Node
from sen.services.readmodels.receipts import build_receipt
from sen.store.blocks import BlockStore
from sen.store.db import Database
from sen.store.index import Index

OUTPUT = (
    Path(__file__).resolve().parent.parent / "docs" / "spec" / "vectors" / "receipt-vectors.json"
)

CHAIN_ID = "sen-vectors"
GENESIS_TIME = Timestamp(1_767_225_600, 0)  # 2026-01-01T00:00:00Z
BLOCK_TIMES = [
    Timestamp(1_767_225_601, 500_000_000),  # block 1 (empty)
    Timestamp(1_767_225_602, 250_000_000),  # block 2 (the anchorings)
    Timestamp(1_767_225_603, 0),  # block 3 (proves block 2's results)
]


def seed(label: str) -> bytes:
    return hashlib.sha256(f"sen receipt vectors: {label}".encode()).digest()


VALIDATOR_SEED = seed("validator 0")
SENDER_SEED = seed("sender")
HEADER_FIELDS = (
    "version", "chain_id", "height", "time", "last_block_id", "last_commit_hash", "data_hash",
    "validators_hash", "next_validators_hash", "consensus_hash", "app_hash", "last_results_hash",
    "evidence_hash", "proposer_address",
)  # fmt: skip

DOCUMENTS = {
    "single": "Bằng tốt nghiệp số 0001/2026\n",
    "batch": [f"Diploma {i:04d}, class of 2026\n" for i in range(5)],
    "sha3-512": "Hợp đồng số 07/2026\n",
    "history": "Biên bản họp số 12/2026\n",
}


# -- the chain ------------------------------------------------------------------------------


@dataclasses.dataclass
class Chain:
    """A node that has committed blocks 1 to 3, and what the vectors need from it."""

    node: Node
    genesis: Genesis
    genesis_bytes: bytes
    validator_key: Ed25519PrivateKey
    sender: SigningKey
    txs: list[bytes]


def open_chain(home: Path) -> Chain:
    validator_key = Ed25519PrivateKey.from_private_bytes(VALIDATOR_SEED)
    config_dir = home / "config"
    config_dir.mkdir(parents=True)
    (home / "data").mkdir()
    save_validator_key(config_dir / "priv_validator_key.json", validator_key)
    public = validator_key.public_key().public_bytes_raw()
    genesis_bytes = make_genesis(
        chain_id=CHAIN_ID,
        genesis_time=GENESIS_TIME,
        validators=[GenesisValidator(public, 10, "validator-0")],
    )
    (config_dir / "genesis.json").write_bytes(genesis_bytes)
    write_settings(config_dir / "sen.toml", host="127.0.0.1", port=26680, block_interval=0.05)
    node = Node.open(load_config(home))
    engine = node.embedded()
    times: Iterator[Timestamp] = iter(BLOCK_TIMES)
    engine.clock = lambda: next(times)
    engine.handshake()
    engine.produce_block()  # block 1, empty
    sender = Ed25519Suite().load_private(SENDER_SEED)
    txs = [
        sign_tx(
            sender, chain_id=CHAIN_ID, nonce=nonce, module="evidence", action=action, args=args
        ).raw
        for nonce, (action, args) in enumerate(anchoring_args())
    ]
    responses = engine.submit(txs)
    assert [r.code for r in responses] == [0, 0, 0], responses
    engine.produce_block()  # block 2, the anchorings
    engine.produce_block()  # block 3, proves block 2's results
    return Chain(node, load_genesis(genesis_bytes), genesis_bytes, validator_key, sender, txs)


def anchoring_args() -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            "anchor",  # no "algorithm": sha-256 by default
            {
                "digest": sha256(DOCUMENTS["single"]),
                "title": "Bằng tốt nghiệp",
                "organisation": "Đại học Bách khoa Hà Nội",
            },
        ),
        (
            "anchor_batch",
            {
                "digests": [sha256(text) for text in DOCUMENTS["batch"]],
                "organisation": "Hợp tác xã",
                "reference": "class-2026",
            },
        ),
        (
            "anchor",
            {
                "algorithm": "sha3-512",
                "digest": hashlib.sha3_512(DOCUMENTS["sha3-512"].encode()).digest(),
                "title": "Hợp đồng",
            },
        ),
    ]


def sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


# -- a chain whose validator set changes ------------------------------------------------------

HISTORY_CHAIN_ID = "sen-vectors-history"
HISTORY_TIMES = [Timestamp(1_767_225_600 + 10 * h, 0) for h in range(1, 5)]
OLD_SET = [("validator a", 10), ("validator b", 10), ("validator c", 5)]
NEW_SET = [*OLD_SET, ("validator d", 20)]
CHANGED_AT = 1  # FinalizeBlock(1) returns the change: header 2 names the new set, it signs from 3


def validator_set_of(members: list[tuple[str, int]]) -> ValidatorSet:
    keys = [Ed25519PrivateKey.from_private_bytes(seed(label)) for label, _ in members]
    return ValidatorSet.sorted(
        Validator(k.public_key().public_bytes_raw(), p)
        for k, (_, p) in zip(keys, members, strict=True)
    )


KEYS = {
    Ed25519PrivateKey.from_private_bytes(seed(label)).public_key().public_bytes_raw(): seed(label)
    for label, _ in NEW_SET
}


class ChangingValidators(EmbeddedEngine):
    """The embedded engine run by several validators whose set changes once.

    The genesis set (a 10, b 10, c 5) is replaced after block ``CHANGED_AT`` by
    one with d 20 added, as a passed ``set_validator`` proposal would on
    CometBFT: header ``CHANGED_AT + 1`` names the new set as next, which signs
    from ``CHANGED_AT + 2``. The change is the script's, not a governance vote:
    a receipt's verifier sees only headers, commits and sets. Each commit has a
    nil vote or an absent slot: c votes nil under the old set and is absent
    under the new one.
    """

    def __init__(self, app: SenApp, blocks: BlockStore, genesis: Genesis) -> None:
        proposer = Ed25519PrivateKey.from_private_bytes(seed("validator a"))
        alone = dataclasses.replace(
            genesis,
            validators=(GenesisValidator(proposer.public_key().public_bytes_raw(), 10, "a"),),
        )
        super().__init__(app, blocks, alone, proposer)
        self.genesis = genesis
        self.old, self.new = validator_set_of(OLD_SET), validator_set_of(NEW_SET)

    def set_at(self, height: int) -> ValidatorSet:
        return self.old if height <= CHANGED_AT + 1 else self.new

    def _header(self, height: int, block_time: Timestamp, txs: Sequence[bytes]) -> Header:
        header = super()._header(height, block_time, txs)
        return dataclasses.replace(
            header,
            validators_hash=self.set_at(height).hash(),
            next_validators_hash=self.set_at(height + 1).hash(),
        )

    def _sign_and_save_commit(self, header: Header, this_id: BlockID) -> Commit:
        slots = []
        for validator in self.set_at(header.height).validators:
            key = Ed25519PrivateKey.from_private_bytes(KEYS[validator.pub_key])
            if validator.voting_power == 5 and self.set_at(header.height) is self.new:
                slots.append(CommitSig.absent())
                continue
            flag = BlockIDFlag.NIL if validator.voting_power == 5 else BlockIDFlag.COMMIT
            slots.append(
                sign_commit(key, header.chain_id, header.height, 0, this_id, header.time, flag)
            )
        commit = Commit(header.height, 0, this_id, tuple(slots))
        self.blocks.save_commit(header.height, commit.to_json())
        return commit

    def validator_set(self, height: int) -> dict[str, Any] | None:
        return self.set_at(height).to_json()

    def validator_history(self, until: int) -> list[dict[str, Any]]:
        height = CHANGED_AT + 1
        if height >= until:
            return []
        block, commit = self.blocks.load_block(height), self.blocks.load_commit(height)
        assert block is not None and commit is not None
        return [{"header": block.header, "commit": commit, "next_validators": self.new.to_json()}]


def open_history_chain(home: Path) -> tuple[Node, bytes, bytes]:
    """The chain, its genesis bytes and the anchored digest (its block 3; block 4 proves it)."""
    (home / "config").mkdir(parents=True)
    genesis_bytes = make_genesis(
        chain_id=HISTORY_CHAIN_ID,
        genesis_time=GENESIS_TIME,
        validators=[
            GenesisValidator(
                Ed25519PrivateKey.from_private_bytes(seed(label)).public_key().public_bytes_raw(),
                power,
                label,
            )
            for label, power in OLD_SET
        ],
    )
    (home / "config" / "genesis.json").write_bytes(genesis_bytes)
    write_settings(home / "config" / "sen.toml", host="127.0.0.1", port=26680, block_interval=0.05)
    genesis = load_genesis(genesis_bytes)
    db = Database(home / "data", sync=False)
    app = SenApp(db, genesis)
    engine = ChangingValidators(app, BlockStore(db), genesis)
    node = Node(load_config(home), db, app, engine, Index(db))
    times: Iterator[Timestamp] = iter(HISTORY_TIMES)
    engine.clock = lambda: next(times)
    engine.handshake()
    engine.produce_block()  # 1: FinalizeBlock(1) "returns" the change
    engine.produce_block()  # 2: names the new set as next (the hop)
    digest = sha256(DOCUMENTS["history"])
    sender = Ed25519Suite().load_private(SENDER_SEED)
    args = {"digest": digest, "title": "Biên bản họp hội đồng quản trị"}
    tx = sign_tx(
        sender, chain_id=HISTORY_CHAIN_ID, nonce=0, module="evidence", action="anchor", args=args
    )
    assert [r.code for r in engine.submit([tx.raw])] == [0]
    engine.produce_block()  # 3: the anchoring, signed by the new set
    engine.produce_block()  # 4: proves its result
    return node, genesis_bytes, digest


# -- worked examples ------------------------------------------------------------------------


def typed(value: Any) -> Any:
    """The typed JSON form of docs/spec/encoding.md's vectors."""
    if value is None:
        return {"null": None}
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, list):
        return {"array": [typed(v) for v in value]}
    assert isinstance(value, dict)
    from sen.ledger import encoding

    pairs = sorted(value.items(), key=lambda kv: encoding.encode(kv[0]))
    return {"map": [[k, typed(v)] for k, v in pairs]}


def transaction_vector(chain: Chain, index: int) -> dict[str, Any]:
    from sen.ledger.tx import decode_tx

    tx = decode_tx(chain.txs[index])
    return {
        "index": index,
        "suite": tx.suite,
        "public_key": tx.public_key.hex(),
        "sender_address": tx.sender.hex(),
        "nonce": tx.nonce,
        "module": tx.module,
        "action": tx.action,
        "args": typed(dict(tx.args)),
        "body": tx.sign_bytes[len(SIGN_DOMAIN) :].hex(),
        "sign_bytes": tx.sign_bytes.hex(),
        "signature": tx.signature.hex(),
        "wire": tx.raw.hex(),
        "hash": tx.hash.hex(),
    }


def merkle_vector(items: list[bytes]) -> dict[str, Any]:
    """Every level of the tree, leaves first; the root is the last level's one node."""
    levels = tree_levels([leaf_hash(item) for item in items])
    proofs = [merkle_proof_to_json(proof_from_byte_slices(items, i)[1]) for i in range(len(items))]
    return {
        "items": [item.hex() for item in items],
        "levels": [[node.hex() for node in level] for level in levels],
        "root": levels[-1][0].hex(),
        "proofs": proofs,
    }


def header_vector(name: str, header: Header) -> dict[str, Any]:
    leaves = header_hash_leaves(header)
    return {
        "name": name,
        "header": header.to_json(),
        "leaves": [
            {"field": f, "bytes": leaf.hex()} for f, leaf in zip(HEADER_FIELDS, leaves, strict=True)
        ],
        "tree": merkle_vector(leaves),
        "hash": header_hash(header).hex(),
    }


def seeds_of(members: list[tuple[str, int]]) -> list[str]:
    """The seeds of a set's validators, in the set's order."""
    ordered = validator_set_of(members).validators
    by_key = {
        Ed25519PrivateKey.from_private_bytes(seed(label)).public_key().public_bytes_raw(): label
        for label, _ in members
    }
    return [seed(by_key[v.pub_key]).hex() for v in ordered]


def validator_set_vector(name: str, validators: ValidatorSet, seeds: list[str]) -> dict[str, Any]:
    encoded = [encode_simple_validator(v) for v in validators.validators]
    return {
        "name": name,
        "seeds": seeds,
        "validators": validators.to_json(),
        "simple_validators": [e.hex() for e in encoded],
        "hash": validators.hash().hex(),
    }


def three_validators() -> dict[str, Any]:
    """Order and hash of a set whose powers tie: power descending, then address ascending."""
    labels = ["validator a", "validator b", "validator c"]
    powers = [10, 25, 10]
    keys = [Ed25519PrivateKey.from_private_bytes(seed(label)) for label in labels]
    given = [
        Validator(k.public_key().public_bytes_raw(), p) for k, p in zip(keys, powers, strict=True)
    ]
    ordered = ValidatorSet.sorted(given)
    order = [labels[given.index(v)] for v in ordered.validators]
    vector = validator_set_vector("three validators", ordered, [seed(x).hex() for x in order])
    vector["given_order"] = [
        {"seed": seed(label).hex(), "power": power}
        for label, power in zip(labels, powers, strict=True)
    ]
    return vector


def vote_vector(chain_id: str, commit: Commit, validators: ValidatorSet) -> dict[str, Any]:
    sig = commit.signatures[0]
    sign_bytes = commit_vote_sign_bytes(chain_id, commit, 0)
    nil = commit_vote_sign_bytes(
        chain_id, dataclasses.replace(commit, block_id=BlockID.zero()), 0
    )  # what a nil precommit (block_id_flag 3) signs: no block_id field
    return {
        "chain_id": chain_id,
        "type": 2,
        "height": commit.height,
        "round": commit.round,
        "block_id": commit.block_id.to_json(),
        "timestamp": sig.timestamp.to_rfc3339(),
        "timestamp_seconds": sig.timestamp.seconds,
        "timestamp_nanos": sig.timestamp.nanos,
        "sign_bytes": sign_bytes.hex(),
        "public_key": validators.validators[0].pub_key.hex(),
        "signature": sig.signature.hex(),
        "nil_vote_sign_bytes": nil.hex(),
    }


def results_vector(chain: Chain, height: int) -> dict[str, Any]:
    results = chain.node.app.store.load_results(height) or []
    encoded = [exec_tx_result_bytes(int(r.code), r.data, r.gas_wanted, r.gas_used) for r in results]
    return {
        "results": [
            {
                "code": int(r.code),
                "data": r.data.hex(),
                "gas_wanted": r.gas_wanted,
                "gas_used": r.gas_used,
                "exec_tx_result": e.hex(),
            }
            for r, e in zip(results, encoded, strict=True)
        ],
        "tree": merkle_vector(encoded),
        "last_results_hash": results_hash(encoded).hex(),
    }


def protobuf_examples() -> list[dict[str, Any]]:
    """The few protobuf rules everything above uses, each on one value."""
    return [
        {"name": "varint 300", "bytes": _proto.varint(300).hex()},
        {"name": "uint32 field 1 = 0 (omitted)", "bytes": _proto.uint_field(1, 0).hex()},
        {"name": "int64 field 5 = 150", "bytes": _proto.int_field(5, 150).hex()},
        {"name": "int64 field 1 = -1", "bytes": _proto.int_field(1, -1).hex()},
        {"name": "bytes field 2 = 0x0102", "bytes": _proto.bytes_field(2, b"\x01\x02").hex()},
        {"name": "bytes field 2 = empty (omitted)", "bytes": _proto.bytes_field(2, b"").hex()},
        {"name": "sfixed64 field 2 = 3", "bytes": _proto.sfixed64_field(2, 3).hex()},
        {"name": "message field 2 = empty (written)", "bytes": _proto.message_field(2, b"").hex()},
    ]


# -- receipts, and their tampered variants ---------------------------------------------------


def checks_of(receipt: dict[str, Any], genesis: Genesis, document: bytes | None) -> list[str]:
    report = verify_receipt(copy.deepcopy(receipt), genesis, document_digest=document)
    return [c.name for c in report.checks]


def failing_check(receipt: dict[str, Any], genesis: Genesis, document: bytes | None) -> str:
    try:
        verify_receipt(copy.deepcopy(receipt), genesis, document_digest=document)
    except ReceiptInvalid as exc:
        return exc.check
    raise AssertionError("a tampered receipt verified")


def apply(receipt: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply ``{"set": path, "value": v}`` and ``{"remove": path}`` changes (as a reader would)."""
    doc = copy.deepcopy(receipt)
    for change in changes:
        path = change.get("set", change.get("remove"))
        target = doc
        for key in path[:-1]:
            target = target[key]
        if "set" in change:
            target[path[-1]] = copy.deepcopy(change["value"])
        else:
            del target[path[-1]]
    return doc


def flip_hex(text: str, at: int = 0) -> str:
    """Change one hex digit, keeping the case the text uses."""
    digit = text[at]
    new = format((int(digit, 16) + 1) % 16, "x")
    return text[:at] + (new.upper() if digit.isupper() else new) + text[at + 1 :]


_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def respell_base64(text: str) -> str:
    """The same bytes with a padding bit set (the text must end in ``=``)."""
    body = text.rstrip("=")
    assert body != text, "no padding, no spare bits"
    last = _BASE64[_BASE64.index(body[-1]) ^ 1]
    return body[:-1] + last + text[len(body) :]


def flip_base64(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


@dataclasses.dataclass
class Forger:
    """Re-signs a changed block H with the validator key (a forgery only validators can make)."""

    chain: Chain
    height: int

    def forge(
        self,
        receipt: dict[str, Any],
        *,
        tx: bytes | None = None,
        data: bytes | None = None,
        header: Callable[[Header], Header] = lambda h: h,
    ) -> list[dict[str, Any]]:
        """The changes that turn ``receipt`` into a re-signed forgery (for ``apply``)."""
        index = receipt["transaction"]["index"]
        txs = list(self.chain.txs)
        if tx is not None:
            txs[index] = tx
        results = list(self.chain.node.app.store.load_results(self.height) or [])
        if data is not None:
            results[index] = dataclasses.replace(results[index], data=data)
        encoded = [
            exec_tx_result_bytes(int(r.code), r.data, r.gas_wanted, r.gas_used) for r in results
        ]
        block = header(
            dataclasses.replace(
                Header.from_json(receipt["block"]["header"]), data_hash=data_hash(txs)
            )
        )
        old_next = Header.from_json(receipt["next_block"]["header"])
        next_header = dataclasses.replace(
            old_next,
            last_block_id=BlockID(header_hash(block), old_next.last_block_id.part_set_header),
            last_results_hash=results_hash(encoded),
        )
        old_commit = Commit.from_json(receipt["next_block"]["commit"])
        block_id = BlockID(header_hash(next_header), old_commit.block_id.part_set_header)
        signature = sign_commit(
            self.chain.validator_key,
            CHAIN_ID,
            next_header.height,
            old_commit.round,
            block_id,
            old_commit.signatures[0].timestamp,
        )
        commit = Commit(next_header.height, old_commit.round, block_id, (signature,))
        result = dict(receipt["result"])
        result["data"] = results[index].data.hex()
        result["proof"] = merkle_proof_to_json(proof_from_byte_slices(encoded, index)[1])
        proof = tx_proof(txs, index).proof
        return [
            {"set": ["transaction", "tx"], "value": base64.b64encode(txs[index]).decode()},
            {"set": ["transaction", "hash"], "value": tx_hash(txs[index]).hex()},
            {"set": ["transaction", "proof"], "value": merkle_proof_to_json(proof)},
            {"set": ["result"], "value": result},
            {"set": ["block", "header"], "value": block.to_json()},
            {
                "set": ["next_block"],
                "value": {"header": next_header.to_json(), "commit": commit.to_json()},
            },
        ]


def tampered_variants(
    chain: Chain, receipts: dict[str, dict[str, Any]], geneses: dict[str, Genesis]
) -> list[dict[str, Any]]:
    single, batch, history = receipts["single"], receipts["batch-member"], receipts["history"]
    hop_commit = history["validator_history"][0]["commit"]["signatures"]
    hop_header = history["validator_history"][0]["header"]
    forger = Forger(chain, single["transaction"]["height"])
    sender = chain.sender

    def resigned(**changes: Any) -> bytes:
        action, args = anchoring_args()[0]
        fields: dict[str, Any] = {
            "chain_id": CHAIN_ID, "nonce": 0, "module": "evidence", "action": action, "args": args,
        }  # fmt: skip
        fields.update(changes)
        return sign_tx(sender, **fields).raw

    bad_signature = bytearray(chain.txs[0])
    bad_signature[-1] ^= 1
    padded = next(name for name, r in receipts.items() if r["transaction"]["tx"].endswith("="))
    respelled_b64 = respell_base64(receipts[padded]["transaction"]["tx"])
    header = single["block"]["header"]
    time_offset = header["time"].removesuffix("Z") + "+00:00"
    commit_signature = single["next_block"]["commit"]["signatures"][0]["signature"]
    replace = dataclasses.replace
    other_chain_tx = resigned(chain_id="sen-other")
    not_anchoring = resigned(module="evidence", action="revoke")
    text_digests = resigned(
        nonce=1,
        action="anchor_batch",
        args={"digests": [sha256(text).hex() for text in DOCUMENTS["batch"]]},
    )
    cases: list[tuple[str, str, str, list[dict[str, Any]], str | None]] = [
        # (name, receipt, what it does, changes, document) -> the expected failing check
        ("version-true", "single", "version is true, not 1",
         [{"set": ["version"], "value": True}], None),
        ("digest-upper-case", "single", "the receipt's own hex in upper case",
         [{"set": ["evidence", "digest"], "value": single["evidence"]["digest"].upper()}], None),
        ("extra-field", "single", "a field the format does not have",
         [{"set": ["note"], "value": ""}], None),
        ("time-offset", "single", "header time written +00:00 instead of Z",
         [{"set": ["block", "header", "time"], "value": time_offset}], None),
        ("header-hash-lower-case", "single", "a header hash in lower case",
         [{"set": ["block", "header", "app_hash"], "value": header["app_hash"].lower()}], None),
        ("tx-base64-respelled", padded, "transaction.tx with non-zero padding bits (same bytes)",
         [{"set": ["transaction", "tx"], "value": respelled_b64}], None),
        ("batch-missing", "single", "evidence.batch absent instead of null",
         [{"remove": ["evidence", "batch"]}], None),
        ("empty-validator-history", "single", "validator_history present but empty",
         [{"set": ["validator_history"], "value": []}], None),
        ("chain-id", "single", "another chain id",
         [{"set": ["chain_id"], "value": "sen-other"}], None),
        ("chain-id-missing", "single", "no chain_id (the chain check, not format, says so)",
         [{"remove": ["chain_id"]}], None),
        ("genesis-hash", "single", "another genesis hash",
         [{"set": ["genesis_hash"], "value": flip_hex(single["genesis_hash"])}], None),
        ("validator-power", "single", "the validator's power changed",
         [{"set": ["validators", "validators", 0, "voting_power"], "value": "11"}], None),
        ("commit-signature", "single", "one bit of the commit signature",
         [{"set": ["next_block", "commit", "signatures", 0, "signature"],
           "value": flip_base64(commit_signature)}], None),
        ("next-header-app-hash", "single", "next header changed (commit no longer for it)",
         [{"set": ["next_block", "header", "app_hash"],
           "value": flip_hex(single["next_block"]["header"]["app_hash"])}], None),
        ("header-app-hash", "single", "header H changed (H+1 does not name it)",
         [{"set": ["block", "header", "app_hash"], "value": flip_hex(header["app_hash"])}], None),
        ("forged-next-validators-hash", "single",
         "re-signed: H names another next validator set than H+1's",
         forger.forge(single, header=lambda h: replace(h, next_validators_hash=bytes(32))), None),
        ("forged-time-not-after", "single", "re-signed: H's time equals H+1's",
         forger.forge(single, header=lambda h: dataclasses.replace(
             h, time=Timestamp.from_rfc3339(single["next_block"]["header"]["time"]))), None),
        ("transaction-height", "single", "transaction.height is not the header's",
         [{"set": ["transaction", "height"], "value": single["transaction"]["height"] + 1}], None),
        ("transaction-hash", "single", "transaction.hash changed",
         [{"set": ["transaction", "hash"],
           "value": flip_hex(single["transaction"]["hash"])}], None),
        ("transaction-index", "single", "transaction.index changed",
         [{"set": ["transaction", "index"], "value": 1}], None),
        ("transaction-proof-aunt", "single", "an aunt of the inclusion proof changed",
         [{"set": ["transaction", "proof", "aunts", 0],
           "value": flip_hex(single["transaction"]["proof"]["aunts"][0])}], None),
        ("transaction-bytes", "single", "one byte of the transaction (and its hash) changed",
         [{"set": ["transaction", "tx"], "value": base64.b64encode(bytes(bad_signature)).decode()},
          {"set": ["transaction", "hash"], "value": tx_hash(bytes(bad_signature)).hex()}], None),
        ("result-code", "single", "result code 1", [{"set": ["result", "code"], "value": 1}], None),
        ("result-gas-used", "single", "gas_used changed",
         [{"set": ["result", "gas_used"], "value": single["result"]["gas_used"] + 1}], None),
        ("result-data", "batch-member", "result.data changed (not proven by last_results_hash)",
         [{"set": ["result", "data"], "value": flip_hex(batch["result"]["data"])}], None),
        ("result-proof-index", "single", "result proof index is not transaction.index",
         [{"set": ["result", "proof", "index"], "value": 1}], None),
        ("forged-bad-tx-signature", "single", "re-signed block holding a tx whose signature fails",
         forger.forge(single, tx=bytes(bad_signature)), None),
        ("forged-tx-other-chain", "single", "re-signed block holding a tx for another chain",
         forger.forge(single, tx=other_chain_tx), None),
        ("forged-not-an-anchoring", "single", "re-signed block holding evidence.revoke",
         forger.forge(single, tx=not_anchoring), None),
        ("evidence-digest", "single", "another digest",
         [{"set": ["evidence", "digest"], "value": flip_hex(single["evidence"]["digest"])}], None),
        ("evidence-algorithm", "single", "sha3-256 named, the tx anchors sha-256",
         [{"set": ["evidence", "algorithm"], "value": "sha3-256"}], None),
        ("single-with-batch", "single", "a single anchoring carrying a batch path",
         [{"set": ["evidence", "batch"], "value": batch["evidence"]["batch"]}], None),
        ("forged-single-result-data", "single", "re-signed: a single anchoring with result data",
         forger.forge(single, data=b"\x01"), None),
        ("batch-null", "batch-member", "a batch member without its path",
         [{"set": ["evidence", "batch"], "value": None}], None),
        ("batch-root", "batch-member", "another batch root",
         [{"set": ["evidence", "batch", "root"],
           "value": flip_hex(batch["evidence"]["batch"]["root"])}], None),
        ("batch-proof-aunt", "batch-member", "an aunt of the batch path changed",
         [{"set": ["evidence", "batch", "proof", "aunts", 0],
           "value": flip_hex(batch["evidence"]["batch"]["proof"]["aunts"][0])}], None),
        ("batch-proof-index", "batch-member", "the batch path's index changed",
         [{"set": ["evidence", "batch", "proof", "index"], "value": 3}], None),
        ("batch-digest", "batch-member", "another digest of the same batch, same path",
         [{"set": ["evidence", "digest"], "value": sha256(DOCUMENTS["batch"][3]).hex()}], None),
        ("forged-batch-digests-not-bytes", "batch-member",
         "re-signed: a batch transaction whose digests are text",
         Forger(chain, batch["transaction"]["height"]).forge(batch, tx=text_digests), None),
        ("forged-batch-result-data", "batch-member", "re-signed: result.data is not the batch root",
         Forger(chain, batch["transaction"]["height"]).forge(batch, data=bytes(32)), None),
        ("document", "single", "another document", [], "Bằng tốt nghiệp số 0002/2026\n"),
        ("history-removed", "history", "the validator_history left out",
         [{"remove": ["validator_history"]}], None),
        ("history-validators-old-set", "history", "the genesis set given as the signing set",
         [{"set": ["validators"], "value": validator_set_of(OLD_SET).to_json()}], None),
        ("history-hop-signature", "history", "one bit of a commit signature in the hop",
         [{"set": ["validator_history", 0, "commit", "signatures", 0, "signature"],
           "value": flip_base64(hop_commit[0]["signature"])}], None),
        ("history-hop-nil-vote", "history", "one bit of the nil vote's signature in the hop",
         [{"set": ["validator_history", 0, "commit", "signatures", 2, "signature"],
           "value": flip_base64(hop_commit[2]["signature"])}], None),
        ("history-hop-header", "history", "the hop header names another next set",
         [{"set": ["validator_history", 0, "header", "next_validators_hash"],
           "value": flip_hex(hop_header["next_validators_hash"])}], None),
        ("history-next-validators-power", "history", "a power in the hop's next set changed",
         [{"set": ["validator_history", 0, "next_validators", "validators", 0, "voting_power"],
           "value": "21"}], None),
        ("history-absent-slot-time", "history", "an absent slot given a time",
         [{"set": ["next_block", "commit", "signatures", 3, "timestamp"],
           "value": "0001-01-01T00:00:01Z"}], None),
    ]  # fmt: skip
    out = []
    for name, base, about, changes, document in cases:
        tampered = apply(receipts[base], changes)
        digest = sha256(document) if document is not None else None
        out.append(
            {
                "name": name,
                "receipt": base,
                "about": about,
                "changes": changes,
                "document": document,
                "check": failing_check(
                    tampered, geneses["history_genesis" if base == "history" else "genesis"], digest
                ),
            }
        )
    return out


# -- the file -------------------------------------------------------------------------------


def build_vectors() -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="sen-receipt-vectors-") as home,
        tempfile.TemporaryDirectory(prefix="sen-receipt-vectors-history-") as history_home,
    ):
        chain = open_chain(Path(home))
        history = open_history_chain(Path(history_home))
        try:
            return vectors_of(chain, history)
        finally:
            chain.node.close()
            history[0].close()


def vectors_of(chain: Chain, history: tuple[Node, bytes, bytes]) -> dict[str, Any]:
    node, genesis = chain.node, chain.genesis
    history_node, history_genesis_bytes, history_digest = history
    history_genesis = load_genesis(history_genesis_bytes)
    geneses = {"genesis": genesis, "history_genesis": history_genesis}
    batch_digests = [sha256(text) for text in DOCUMENTS["batch"]]
    sha3_digest = hashlib.sha3_512(DOCUMENTS["sha3-512"].encode()).digest()
    receipts = {
        "single": build_receipt(node, "sha-256", sha256(DOCUMENTS["single"])),
        "batch-member": build_receipt(node, "sha-256", batch_digests[2]),
        "sha3-512": build_receipt(node, "sha3-512", sha3_digest),
        "history": build_receipt(history_node, "sha-256", history_digest),
    }
    documents = {
        "single": DOCUMENTS["single"],
        "batch-member": DOCUMENTS["batch"][2],
        "sha3-512": DOCUMENTS["sha3-512"],
        "history": DOCUMENTS["history"],
    }
    height = receipts["single"]["transaction"]["height"]
    block = Header.from_json(receipts["single"]["block"]["header"])
    next_block = Header.from_json(receipts["single"]["next_block"]["header"])
    commit = Commit.from_json(receipts["single"]["next_block"]["commit"])
    validators = genesis.validator_set()
    receipt_vectors = []
    for name, receipt in receipts.items():
        document = documents[name]
        algorithm = receipt["evidence"]["algorithm"]
        digest = hashlib.new(
            {"sha-256": "sha256", "sha3-512": "sha3_512"}[algorithm], document.encode()
        )
        which = "history_genesis" if name == "history" else "genesis"
        receipt_vectors.append(
            {
                "name": name,
                "genesis": which,
                "document": document,
                "receipt": receipt,
                "checks": checks_of(receipt, geneses[which], digest.digest()),
            }
        )
    return {
        "about": (
            "Evidence receipts (docs/spec/receipt.md) with every intermediate value; "
            "written by scripts/make-receipt-vectors.py, checked by "
            "tests/conformance/test_receipt_vectors.py"
        ),
        "genesis": {
            "file": chain.genesis_bytes.decode(),
            "sha256": genesis.hash.hex(),
            "chain_id": genesis.chain_id,
            "validator_seed": VALIDATOR_SEED.hex(),
        },
        "history_genesis": {
            "file": history_genesis_bytes.decode(),
            "sha256": history_genesis.hash.hex(),
            "chain_id": history_genesis.chain_id,
            "validator_seeds": {label: seed(label).hex() for label, _ in NEW_SET},
        },
        "protobuf": protobuf_examples(),
        "transactions": [transaction_vector(chain, i) for i in range(len(chain.txs))],
        "sender_seed": SENDER_SEED.hex(),
        "block": {
            "height": height,
            "txs": [tx.hex() for tx in chain.txs],
            "tx_hashes": [tx_hash(tx).hex() for tx in chain.txs],
            "data_tree": merkle_vector([tx_hash(tx) for tx in chain.txs]),
            **results_vector(chain, height),
        },
        "batch_tree": {"algorithm": "sha-256", **merkle_vector(batch_digests)},
        "headers": [header_vector("H", block), header_vector("H+1", next_block)],
        "vote": vote_vector(CHAIN_ID, commit, validators),
        "validator_sets": [
            validator_set_vector("genesis", validators, [VALIDATOR_SEED.hex()]),
            three_validators(),
            validator_set_vector(
                "history: genesis set", validator_set_of(OLD_SET), seeds_of(OLD_SET)
            ),
            validator_set_vector(
                "history: changed set", validator_set_of(NEW_SET), seeds_of(NEW_SET)
            ),
        ],
        "receipts": receipt_vectors,
        "tampered": tampered_variants(chain, receipts, geneses),
    }


def render() -> str:
    return json.dumps(build_vectors(), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    options = parser.parse_args()
    text = render()
    if options.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date; run {sys.argv[0]}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
