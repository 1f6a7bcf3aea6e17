"""Evidence receipts: self-contained proof that a digest was anchored, checked offline.

A receipt (format in ``docs/spec/receipt.md``) carries everything needed to
check an anchoring with nothing but the chain's genesis file: the digest and
its Merkle path to the transaction, the transaction and its inclusion proof
to the header's ``data_hash``, the transaction's result and its proof to the
next header's ``last_results_hash``, both headers, the commit that signed the
next header (which names the first by hash) and the validator set.

:func:`verify_receipt` runs every check and reports each one by name; any
failure raises :class:`ReceiptInvalid` naming what did not match.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sen.ledger.codes import ResultCode, describe
from sen.ledger.errors import LedgerError
from sen.ledger.modules.evidence.digests import DIGEST_ALGORITHMS
from sen.ledger.rules import verify_signature
from sen.ledger.tx import Tx, decode_tx
from sen.light.commit import verify_commit
from sen.light.errors import LightError, ReceiptInvalid
from sen.light.genesis import Genesis
from sen.light.header import header_hash
from sen.light.merkle import MerkleProof, hash_from_byte_slices
from sen.light.results import exec_tx_result_bytes
from sen.light.txs import tx_hash
from sen.light.types import Commit, Header, ValidatorSet

FORMAT = "sen-evidence-receipt"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(slots=True)
class ReceiptReport:
    checks: list[Check] = field(default_factory=list)
    chain_id: str = ""
    algorithm: str = ""
    digest: str = ""
    height: int = 0
    time: str = ""
    tx_hash: str = ""
    title: str = ""
    organisation: str = ""
    reference: str = ""

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def _hex(value: object, where: str, size: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise ReceiptInvalid("format", f"{where}: expected a hex string")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise ReceiptInvalid("format", f"{where}: not hex") from None
    if size is not None and len(raw) != size:
        raise ReceiptInvalid("format", f"{where}: expected {size} bytes, got {len(raw)}")
    return raw


def _int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReceiptInvalid("format", f"{where}: expected a non-negative integer")
    return value


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ReceiptInvalid("format", f"{where}: expected an object")
    return value


def merkle_proof_to_json(proof: MerkleProof) -> dict[str, Any]:
    return {
        "total": proof.total,
        "index": proof.index,
        "leaf_hash": proof.leaf_hash.hex(),
        "aunts": [a.hex() for a in proof.aunts],
    }


def _proof(value: object, where: str) -> MerkleProof:
    obj = _object(value, where)
    aunts = obj.get("aunts")
    if not isinstance(aunts, list):
        raise ReceiptInvalid("format", f"{where}.aunts: expected a list")
    return MerkleProof(
        total=_int(obj.get("total"), f"{where}.total"),
        index=_int(obj.get("index"), f"{where}.index"),
        leaf_hash=_hex(obj.get("leaf_hash"), f"{where}.leaf_hash", 32),
        aunts=tuple(_hex(a, f"{where}.aunts[{i}]", 32) for i, a in enumerate(aunts)),
    )


class _Run:
    """Runs named checks in order, recording each; the first failure stops the run."""

    def __init__(self, report: ReceiptReport) -> None:
        self.report = report

    def check(self, name: str, action: Callable[[], str]) -> None:
        try:
            detail = action()
        except ReceiptInvalid as exc:
            self.report.checks.append(Check(exc.check, False, exc.reason))
            raise ReceiptInvalid(exc.check, exc.reason, self.report) from None
        except (LightError, LedgerError, ValueError) as exc:
            self.report.checks.append(Check(name, False, str(exc)))
            raise ReceiptInvalid(name, str(exc), self.report) from None
        self.report.checks.append(Check(name, True, detail))


_GENESIS_VALIDATORS: dict[bytes, bytes] = {}


def _genesis_validators_hash(genesis: Genesis) -> bytes:
    """The genesis validator set's hash, computed once per genesis file."""
    found = _GENESIS_VALIDATORS.get(genesis.hash)
    if found is None:
        found = _GENESIS_VALIDATORS[genesis.hash] = genesis.validator_set().hash()
    return found


def _hop(value: object, where: str) -> tuple[Header, Commit, ValidatorSet]:
    """One validator-set change: a header, its commit, and the set it names as next."""
    hop = _object(value, where)
    try:
        return (
            Header.from_json(hop.get("header")),
            Commit.from_json(hop.get("commit")),
            ValidatorSet.from_json(hop.get("next_validators")),
        )
    except (LightError, ValueError) as exc:
        raise ReceiptInvalid("format", f"{where}: {exc}") from None


def _trusted_validators_hash(
    genesis: Genesis, history: list[tuple[Header, Commit, ValidatorSet]], until: int
) -> bytes:
    """Follow the validator set from genesis through each signed change (light-client style).

    A change is trusted when its header is made by the set trusted so far, is
    signed by more than 2/3 of that set's power, and names the new set as its
    next validators; the new set then signs from two heights on (CometBFT).
    """
    if not history:
        return _genesis_validators_hash(genesis)
    trusted = genesis.validator_set()
    last = 0
    for i, (header, commit, next_set) in enumerate(history):
        where = f"validator_history[{i}]"
        if header.height <= last or header.height >= until:
            raise ReceiptInvalid(
                "validators",
                f"{where}: height {header.height} out of order (after {last}, before {until})",
            )
        if header.chain_id != genesis.chain_id:
            raise ReceiptInvalid("validators", f"{where}: header is for chain {header.chain_id!r}")
        if header.validators_hash != trusted.hash():
            raise ReceiptInvalid("validators", f"{where}: header not made by the trusted set")
        if commit.height != header.height or commit.block_id.hash != header_hash(header):
            raise ReceiptInvalid("validators", f"{where}: commit is not for this header")
        try:
            verify_commit(genesis.chain_id, trusted, commit.block_id, header.height, commit)
        except LightError as exc:
            raise ReceiptInvalid("validators", f"{where}: {exc}") from None
        if next_set.hash() != header.next_validators_hash:
            raise ReceiptInvalid(
                "validators", f"{where}: next_validators do not match header.next_validators_hash"
            )
        trusted = next_set
        last = header.height
    return trusted.hash()


def verify_receipt(
    receipt: object, genesis: Genesis, *, document_digest: bytes | None = None
) -> ReceiptReport:
    """Check a receipt against a genesis (and optionally a document's digest).

    Returns the report when every check passes; raises :class:`ReceiptInvalid`
    (with ``.report`` listing the checks run so far) at the first failure.
    """
    return _verify(receipt, genesis, document_digest, None)


class ReceiptVerifier:
    """Verifies many receipts against one genesis, remembering what it already checked.

    Receipts from one batch share their blocks, commit and transaction; the
    verifier checks each distinct (headers, commit, validators) and each
    distinct transaction once, keyed by their exact content, so a class of
    10,000 diplomas anchored in one transaction costs one commit and one
    batch-root check. Every receipt still gets all its own checks (its
    digest, Merkle paths, document); the answers are those of
    :func:`verify_receipt`.
    """

    def __init__(self, genesis: Genesis, *, cache_size: int = 4096) -> None:
        self.genesis = genesis
        self.cache = _Cache(cache_size)

    def verify(self, receipt: object, *, document_digest: bytes | None = None) -> ReceiptReport:
        return _verify(receipt, self.genesis, document_digest, self.cache)


class _Cache:
    """Content-keyed results of the checks that receipts of one block or batch share."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.blocks: dict[str, tuple[Header, Header, Commit, ValidatorSet]] = {}
        self.txs: dict[bytes, tuple[Tx, bytes | None]] = {}

    def remember_block(self, key: str, value: tuple[Header, Header, Commit, ValidatorSet]) -> None:
        if len(self.blocks) >= self.size:
            self.blocks.clear()
        self.blocks[key] = value

    def remember_tx(self, tx_hash: bytes, value: tuple[Tx, bytes | None]) -> None:
        if len(self.txs) >= self.size:
            self.txs.clear()
        self.txs[tx_hash] = value


def _block_key(doc: dict[str, Any]) -> str:
    parts = [
        doc.get("block"),
        doc.get("next_block"),
        doc.get("validators"),
        doc.get("validator_history"),
    ]
    return json.dumps(parts, sort_keys=True, separators=(",", ":"))


def _verify(
    receipt: object,
    genesis: Genesis,
    document_digest: bytes | None,
    cache: _Cache | None,
) -> ReceiptReport:
    report = ReceiptReport()
    run = _Run(report)
    parsed: dict[str, Any] = {}

    def structure() -> str:
        doc = _object(receipt, "receipt")
        if doc.get("format") != FORMAT:
            raise ReceiptInvalid(
                "format", f"format: expected {FORMAT!r}, got {doc.get('format')!r}"
            )
        if doc.get("version") != VERSION:
            raise ReceiptInvalid(
                "format", f"version: expected {VERSION}, got {doc.get('version')!r}"
            )
        evidence = _object(doc.get("evidence"), "evidence")
        transaction = _object(doc.get("transaction"), "transaction")
        result = _object(doc.get("result"), "result")
        block = _object(doc.get("block"), "block")
        next_block = _object(doc.get("next_block"), "next_block")
        algorithm = evidence.get("algorithm")
        if not isinstance(algorithm, str) or algorithm not in DIGEST_ALGORITHMS:
            raise ReceiptInvalid("format", f"evidence.algorithm: unknown {algorithm!r}")
        raw_tx_text = transaction.get("tx")
        if not isinstance(raw_tx_text, str):
            raise ReceiptInvalid("format", "transaction.tx: expected base64 text")
        try:
            raw_tx = base64.b64decode(raw_tx_text, validate=True)
        except (binascii.Error, ValueError):
            raise ReceiptInvalid("format", "transaction.tx: not base64") from None
        batch = evidence.get("batch")
        block_key = _block_key(doc) if cache is not None else ""
        known = cache.blocks.get(block_key) if cache is not None else None
        if known is None:
            blocks = (
                Header.from_json(block.get("header")),
                Header.from_json(next_block.get("header")),
                Commit.from_json(next_block.get("commit")),
                ValidatorSet.from_json(doc.get("validators")),
            )
        else:
            blocks = known
        history = doc.get("validator_history", [])
        if not isinstance(history, list):
            raise ReceiptInvalid("format", "validator_history: expected a list")
        parsed.update(
            history=[_hop(hop, f"validator_history[{i}]") for i, hop in enumerate(history)],
            block_key=block_key,
            blocks_verified=known is not None,
            chain_id=doc.get("chain_id"),
            genesis_hash=_hex(doc.get("genesis_hash"), "genesis_hash", 32),
            claimed_tx_hash=_hex(transaction.get("hash"), "transaction.hash", 32),
            algorithm=algorithm,
            digest=_hex(evidence.get("digest"), "evidence.digest", DIGEST_ALGORITHMS[algorithm][0]),
            batch=None if batch is None else _object(batch, "evidence.batch"),
            raw_tx=raw_tx,
            height=_int(transaction.get("height"), "transaction.height"),
            index=_int(transaction.get("index"), "transaction.index"),
            tx_proof=_proof(transaction.get("proof"), "transaction.proof"),
            code=_int(result.get("code"), "result.code"),
            data=_hex(result.get("data", ""), "result.data"),
            gas_wanted=_int(result.get("gas_wanted", 0), "result.gas_wanted"),
            gas_used=_int(result.get("gas_used", 0), "result.gas_used"),
            result_proof=_proof(result.get("proof"), "result.proof"),
            header=blocks[0],
            next_header=blocks[1],
            next_commit=blocks[2],
            validators=blocks[3],
        )
        report.chain_id = str(parsed["chain_id"])
        report.algorithm = algorithm
        report.digest = parsed["digest"].hex()
        report.height = parsed["height"]
        return "receipt is well formed (version 1)"

    def chain() -> str:
        if parsed["chain_id"] != genesis.chain_id:
            raise ReceiptInvalid(
                "chain",
                f"receipt is for chain {parsed['chain_id']!r}, genesis is {genesis.chain_id!r}",
            )
        if parsed["genesis_hash"] != genesis.hash:
            raise ReceiptInvalid(
                "chain", "genesis_hash does not match the genesis file given to the verifier"
            )
        for name in ("header", "next_header"):
            if parsed[name].chain_id != genesis.chain_id:
                raise ReceiptInvalid("chain", f"{name}.chain_id is {parsed[name].chain_id!r}")
        return f"chain {genesis.chain_id}"

    def validators() -> str:
        valset: ValidatorSet = parsed["validators"]
        history: list[tuple[Header, Commit, ValidatorSet]] = parsed["history"]
        if parsed["blocks_verified"]:
            count = len(valset.validators)
            return f"{count} validator(s) (checked for an earlier receipt)"
        valset_hash = valset.hash()
        trusted_hash = _trusted_validators_hash(genesis, history, parsed["next_header"].height)
        if valset_hash != trusted_hash:
            raise ReceiptInvalid(
                "validators",
                "validator set differs from the genesis set"
                + (" after the changes in validator_history" if history else ""),
            )
        names = ("next_header",) if history else ("header", "next_header")
        for name in names:
            if parsed[name].validators_hash != valset_hash:
                raise ReceiptInvalid(
                    "validators", f"{name}.validators_hash does not match the validator set"
                )
        power = valset.total_voting_power()
        origin = f"genesis and {len(history)} signed change(s)" if history else "genesis"
        return f"{len(valset.validators)} validator(s) from {origin}, total power {power}"

    def commits() -> str:
        header: Header = parsed["header"]
        next_header: Header = parsed["next_header"]
        next_commit: Commit = parsed["next_commit"]
        valset: ValidatorSet = parsed["validators"]
        if next_header.height != header.height + 1:
            raise ReceiptInvalid(
                "headers", f"next header height {next_header.height}, expected {header.height + 1}"
            )
        if header.height != parsed["height"]:
            raise ReceiptInvalid(
                "headers", f"header height {header.height} != transaction.height {parsed['height']}"
            )
        report.time = header.time.to_rfc3339()
        if parsed["blocks_verified"]:
            return (
                f"blocks {header.height} and {next_header.height} (checked for an earlier receipt)"
            )
        if next_commit.block_id.hash != header_hash(next_header):
            raise ReceiptInvalid("commit", "next_block.commit is not for next_block.header")
        verify_commit(
            genesis.chain_id, valset, next_commit.block_id, next_header.height, next_commit
        )
        # The signed next header names this header by hash (CometBFT's adjacent-header
        # link), so this header is authenticated without a commit of its own.
        if next_header.last_block_id.hash != header_hash(header):
            raise ReceiptInvalid(
                "headers", "next_block.header.last_block_id does not name block.header"
            )
        if cache is not None:
            cache.remember_block(parsed["block_key"], (header, next_header, next_commit, valset))
        return (
            f"block {next_header.height} signed by more than 2/3 of voting power "
            f"and linked by hash to block {header.height}"
        )

    def inclusion() -> str:
        raw_tx: bytes = parsed["raw_tx"]
        proof: MerkleProof = parsed["tx_proof"]
        if proof.index != parsed["index"]:
            raise ReceiptInvalid("inclusion", "proof index differs from transaction.index")
        if proof.total != parsed["result_proof"].total:
            raise ReceiptInvalid(
                "inclusion", "transaction proof and result proof disagree on the block's tx count"
            )
        if parsed["claimed_tx_hash"] != tx_hash(raw_tx):
            raise ReceiptInvalid(
                "inclusion", "transaction.hash is not the SHA-256 of transaction.tx"
            )
        proof.verify(parsed["header"].data_hash, tx_hash(raw_tx))
        report.tx_hash = tx_hash(raw_tx).hex()
        return f"transaction {report.tx_hash[:16]}… is #{proof.index} of block {parsed['height']}"

    def result() -> str:
        if parsed["code"] != ResultCode.OK:
            raise ReceiptInvalid(
                "result",
                f"transaction failed with code {parsed['code']} ({describe(parsed['code'])})",
            )
        proof: MerkleProof = parsed["result_proof"]
        if proof.index != parsed["index"]:
            raise ReceiptInvalid("result", "result proof index differs from transaction.index")
        leaf = exec_tx_result_bytes(
            parsed["code"], parsed["data"], parsed["gas_wanted"], parsed["gas_used"]
        )
        proof.verify(parsed["next_header"].last_results_hash, leaf)
        return "the transaction succeeded (code 0), proven by the next header"

    def transaction() -> str:
        known = cache.txs.get(parsed["claimed_tx_hash"]) if cache is not None else None
        if known is not None:
            tx, parsed["batch_root"] = known
        else:
            tx = decode_tx(parsed["raw_tx"])
            if tx.chain_id != genesis.chain_id:
                raise ReceiptInvalid("transaction", f"transaction is for chain {tx.chain_id!r}")
            if not verify_signature(tx):
                raise ReceiptInvalid("transaction", "the transaction's signature does not verify")
            parsed["batch_root"] = None
        if tx.module != "evidence" or tx.action not in ("anchor", "anchor_batch"):
            raise ReceiptInvalid(
                "transaction", f"not an evidence anchoring: {tx.module}.{tx.action}"
            )
        parsed["tx"] = tx
        report.title = str(tx.args.get("title", ""))
        report.organisation = str(tx.args.get("organisation", ""))
        report.reference = str(tx.args.get("reference", ""))
        return f"signed by {tx.sender.hex()} ({tx.suite}), {tx.module}.{tx.action}"

    def evidence() -> str:
        tx: Tx = parsed["tx"]
        digest: bytes = parsed["digest"]
        algorithm = tx.args.get("algorithm", "sha-256")
        if algorithm != parsed["algorithm"]:
            raise ReceiptInvalid(
                "evidence",
                f"transaction anchors {algorithm} digests, receipt says {parsed['algorithm']}",
            )
        if tx.action == "anchor":
            if parsed["batch"] is not None:
                raise ReceiptInvalid("evidence", "a single anchoring must not carry a batch path")
            if tx.args.get("digest") != digest:
                raise ReceiptInvalid("evidence", "the transaction anchors a different digest")
            return "the transaction anchors this digest"
        batch = parsed["batch"]
        if batch is None:
            raise ReceiptInvalid("evidence", "batch anchoring without evidence.batch path")
        digests = tx.args.get("digests")
        if not isinstance(digests, list):
            raise ReceiptInvalid("evidence", "batch transaction has no digest list")
        root = parsed["batch_root"]
        if root is None:
            root = hash_from_byte_slices(digests)
            if cache is not None:
                cache.remember_tx(tx.hash, (tx, root))
        claimed_root = _hex(batch.get("root"), "evidence.batch.root", 32)
        if claimed_root != root:
            raise ReceiptInvalid(
                "evidence", "evidence.batch.root is not the transaction's batch root"
            )
        path = _proof(batch.get("proof"), "evidence.batch.proof")
        path.verify(root, digest)
        if path.total != len(digests) or digests[path.index] != digest:
            raise ReceiptInvalid("evidence", "the batch path does not lead to this digest")
        return f"digest is leaf {path.index} of {path.total} under batch root {root.hex()[:16]}…"

    def document() -> str:
        if document_digest is None:
            return "no document given"
        if document_digest != parsed["digest"]:
            raise ReceiptInvalid(
                "document",
                f"the document's {parsed['algorithm']} digest {document_digest.hex()} "
                f"does not match the receipt's {parsed['digest'].hex()}",
            )
        return "the document matches the anchored digest"

    for name, step in (
        ("format", structure),
        ("chain", chain),
        ("validators", validators),
        ("commit", commits),
        ("inclusion", inclusion),
        ("result", result),
        ("transaction", transaction),
        ("evidence", evidence),
        ("document", document),
    ):
        run.check(name, step)
    return report
