"""Evidence receipts: self-contained proof that a digest was anchored, checked offline.

A receipt (format in ``docs/spec/receipt.md``) carries everything needed to
check an anchoring with nothing but the chain's genesis file: the digest and
its Merkle path to the transaction, the transaction and its inclusion proof
to the header's ``data_hash``, the transaction's result and its proof to the
next header's ``last_results_hash``, both headers, the commit that signed the
next header (which names the first by hash) and the validator set.

A receipt is read once into a frozen :class:`ParsedReceipt`, then checked in
this order, each check reported by name (the first failure stops the run):

1. ``format``: :func:`parse_receipt`: format and version known, every field
   of the right type and length.
2. ``chain``: :func:`check_chain`: the chain id, both headers' and the genesis
   hash are the genesis file's.
3. ``validators``: :func:`check_validators`: the set is the genesis set, or
   the one reached through the signed changes in ``validator_history``.
4. ``commit``: :func:`check_heights`, then :func:`check_commit`: more than 2/3
   of the set signed the next header, which names the anchoring's header by hash.
5. ``inclusion``: :func:`check_inclusion`: the transaction is in the block.
6. ``result``: :func:`check_result`: it succeeded, proven by the next header.
7. ``transaction``: :func:`check_signed_tx` (this chain's, its signature
   verifies), then :func:`check_anchoring` (an evidence anchoring).
8. ``evidence``: :func:`check_algorithm`, then :func:`check_single_anchor`, or
   :func:`batch_digests` and :func:`check_batch_path`: it anchors this digest.
9. ``document``: :func:`check_document`: the document given is the one anchored.

:func:`verify_receipt` runs every check; any failure raises
:class:`~sen.light.errors.ReceiptInvalid` naming what did not match.
:class:`ReceiptVerifier` does the same for many receipts, checking the blocks
and the transaction they share once.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any

from sen.ledger.codes import ResultCode, describe
from sen.ledger.errors import LedgerError
from sen.ledger.light.commit import verify_commit
from sen.ledger.light.errors import LightError
from sen.ledger.light.header import header_hash
from sen.ledger.light.merkle import MerkleProof, hash_from_byte_slices
from sen.ledger.light.results import exec_tx_result_bytes
from sen.ledger.light.txs import tx_hash
from sen.ledger.light.types import GO_ZERO_TIME, BlockIDFlag, Commit, Header, ValidatorSet
from sen.ledger.modules.evidence.digests import DIGEST_ALGORITHMS
from sen.ledger.rules import verify_signature
from sen.ledger.tx import Tx, decode_tx
from sen.light.errors import ReceiptInvalid
from sen.light.genesis import Genesis

FORMAT = "sen-evidence-receipt"
VERSION = 1

Hop = tuple[Header, Commit, ValidatorSet]
"""One validator-set change: a header, its commit, and the set it names as next."""


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


def read_receipt_json(text: str | bytes) -> object:
    """A receipt's JSON text as a value, refusing what plain ``json`` lets through.

    A repeated member name (``json`` keeps the last, so two readers could see
    two receipts), ``NaN``/``Infinity`` and numbers with a fraction or exponent
    (a receipt has none) raise ``ReceiptInvalid("format", ...)``. Anything
    that is not JSON raises ``ValueError``.
    """

    def members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, value in pairs:
            if name in found:
                raise ReceiptInvalid("format", f"member {name!r} is repeated in one object")
            found[name] = value
        return found

    def no_float(text: str) -> Any:
        raise ReceiptInvalid("format", f"a receipt has no number like {text[:20]!r}")

    return json.loads(
        text, object_pairs_hook=members, parse_float=no_float, parse_constant=no_float
    )


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


def _verify(
    receipt: object,
    genesis: Genesis,
    document_digest: bytes | None,
    cache: _Cache | None,
) -> ReceiptReport:
    """The checks in the order of the module docstring, each reported under its name."""
    report = ReceiptReport()
    run = _Run(report)
    with run.step("format") as step:
        r = parse_receipt(receipt, cache)
        step.passed("receipt is well formed (version 1)")
    report.chain_id, report.algorithm = str(r.chain_id), r.algorithm
    report.digest, report.height = r.digest.hex(), r.height
    with run.step("chain") as step:
        step.passed(check_chain(r, genesis))
    with run.step("validators") as step:
        step.passed(check_validators(r, genesis))
    with run.step("commit") as step:
        check_heights(r)
        report.time = r.header.time.to_rfc3339()
        step.passed(check_commit(r, genesis))
    if cache is not None and not r.blocks_verified:
        cache.remember_block(r.block_key, (r.header, r.next_header, r.next_commit, r.validators))
    with run.step("inclusion") as step:
        step.passed(check_inclusion(r))
    report.tx_hash = tx_hash(r.raw_tx).hex()
    with run.step("result") as step:
        step.passed(check_result(r))
    known = cache.txs.get(r.claimed_tx_hash) if cache is not None else None
    with run.step("transaction") as step:
        tx, batch_root = known if known is not None else (check_signed_tx(r.raw_tx, genesis), None)
        step.passed(check_anchoring(tx))
    report.title = str(tx.args.get("title", ""))
    report.organisation = str(tx.args.get("organisation", ""))
    report.reference = str(tx.args.get("reference", ""))
    with run.step("evidence") as step:
        check_algorithm(tx, r.algorithm)
        if tx.action == "anchor":
            step.passed(check_single_anchor(tx, r))
        else:
            digests = batch_digests(tx, r.batch)
            if batch_root is None:
                batch_root = hash_from_byte_slices(digests)
                if cache is not None:
                    cache.remember_tx(tx.hash, (tx, batch_root))
            step.passed(check_batch_path(r.batch, digests, batch_root, r.digest, r.data))
    with run.step("document") as step:
        step.passed(check_document(document_digest, r))
    return report


# -- the one parse step -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommittedTx:
    """What proves one transaction committed with its result: the part every receipt of a
    transaction shares (evidence receipts, event receipts), typed (nothing checked yet)."""

    chain_id: object  # as written; the chain check compares it with the genesis
    genesis_hash: bytes
    raw_tx: bytes
    claimed_tx_hash: bytes
    height: int
    index: int
    tx_proof: MerkleProof
    code: int
    data: bytes
    gas_wanted: int
    gas_used: int
    result_proof: MerkleProof
    header: Header
    next_header: Header
    next_commit: Commit
    validators: ValidatorSet
    history: tuple[Hop, ...]
    block_key: str  # the content key of the blocks and validators (for a ReceiptVerifier)
    blocks_verified: bool  # a ReceiptVerifier checked these blocks for an earlier receipt


@dataclass(frozen=True, slots=True)
class ParsedReceipt(CommittedTx):
    """A receipt's values, typed: what the checks read (none of them is checked yet).

    ``batch`` stays the JSON object of ``evidence.batch``: its root and path are
    read by the evidence check, so that a malformed one is reported there, after
    the transaction checks, as receipts always reported it.
    """

    algorithm: str
    digest: bytes
    batch: Mapping[str, Any] | None


COMMITTED_TX_FIELDS = frozenset(
    {
        "chain_id", "genesis_hash", "transaction", "result", "block", "next_block", "validators",
        "validator_history",
    }
)  # fmt: skip
"""The members of a receipt document that :func:`parse_committed_tx` reads."""


def parse_receipt(receipt: object, cache: _Cache | None = None) -> ParsedReceipt:
    """Read every field (raises ``ReceiptInvalid("format", ...)``, or a LightError)."""
    doc = _object(receipt, "receipt", _RECEIPT_FIELDS)
    if doc.get("format") != FORMAT:
        raise ReceiptInvalid("format", f"format: expected {FORMAT!r}, got {doc.get('format')!r}")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:  # not True, not 1.0
        raise ReceiptInvalid("format", f"version: expected {VERSION}, got {version!r}")
    evidence = _object(doc.get("evidence"), "evidence", _EVIDENCE_FIELDS)
    algorithm = evidence.get("algorithm")
    if not isinstance(algorithm, str) or algorithm not in DIGEST_ALGORITHMS:
        raise ReceiptInvalid("format", f"evidence.algorithm: unknown {algorithm!r}")
    committed = parse_committed_tx(doc, cache)
    if "batch" not in evidence:
        raise ReceiptInvalid("format", "evidence.batch: expected null or an object, missing")
    batch = evidence.get("batch")
    return ParsedReceipt(
        **{f.name: getattr(committed, f.name) for f in fields(CommittedTx)},
        algorithm=algorithm,
        digest=_hex(evidence.get("digest"), "evidence.digest", DIGEST_ALGORITHMS[algorithm][0]),
        batch=None if batch is None else _object(batch, "evidence.batch", _BATCH_FIELDS),
    )


def parse_committed_tx(doc: dict[str, Any], cache: _Cache | None = None) -> CommittedTx:
    """Read the members of :data:`COMMITTED_TX_FIELDS` (raises ``ReceiptInvalid("format",
    ...)``, or a LightError); the caller has refused members it does not know."""
    transaction = _object(doc.get("transaction"), "transaction", _TRANSACTION_FIELDS)
    result = _object(doc.get("result"), "result", _RESULT_FIELDS)
    block = _object(doc.get("block"), "block", frozenset({"header"}))
    next_block = _object(doc.get("next_block"), "next_block", frozenset({"header", "commit"}))
    raw_tx = _base64(transaction.get("tx"), "transaction.tx")
    block_key = _block_key(doc) if cache is not None else ""
    known = cache.blocks.get(block_key) if cache is not None else None
    header, next_header, next_commit, validators = known or (
        _canonical(Header, block.get("header"), "block.header"),
        _canonical(Header, next_block.get("header"), "next_block.header"),
        _canonical(Commit, next_block.get("commit"), "next_block.commit"),
        _canonical(ValidatorSet, doc.get("validators"), "validators"),
    )
    history = doc.get("validator_history")
    if history is None and "validator_history" in doc:
        raise ReceiptInvalid("format", "validator_history: expected a non-empty list, got null")
    history = [] if history is None else history
    if not isinstance(history, list) or (not history and "validator_history" in doc):
        raise ReceiptInvalid(
            "format", "validator_history: expected a non-empty list (omitted when no change)"
        )
    return CommittedTx(
        history=tuple(_hop(hop, f"validator_history[{i}]") for i, hop in enumerate(history)),
        block_key=block_key,
        blocks_verified=known is not None,
        chain_id=doc.get("chain_id"),
        genesis_hash=_hex(doc.get("genesis_hash"), "genesis_hash", 32),
        claimed_tx_hash=_hex(transaction.get("hash"), "transaction.hash", 32),
        raw_tx=raw_tx,
        height=_int(transaction.get("height"), "transaction.height"),
        index=_int(transaction.get("index"), "transaction.index"),
        tx_proof=read_merkle_proof(transaction.get("proof"), "transaction.proof"),
        code=_int(result.get("code"), "result.code"),
        data=_hex(result.get("data"), "result.data"),
        gas_wanted=_int(result.get("gas_wanted"), "result.gas_wanted"),
        gas_used=_int(result.get("gas_used"), "result.gas_used"),
        result_proof=read_merkle_proof(result.get("proof"), "result.proof"),
        header=header,
        next_header=next_header,
        next_commit=next_commit,
        validators=validators,
    )


def _base64(value: object, where: str) -> bytes:
    if not isinstance(value, str):
        raise ReceiptInvalid("format", f"{where}: expected base64 text")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ReceiptInvalid("format", f"{where}: not base64") from None
    if base64.b64encode(raw).decode() != value:  # padding bits set: another spelling of raw
        raise ReceiptInvalid("format", f"{where}: not in canonical base64 (padding bits set)")
    return raw


_RECEIPT_FIELDS = frozenset(
    {
        "format", "version", "chain_id", "genesis_hash", "evidence", "transaction", "result",
        "block", "next_block", "validators", "validator_history",
    }
)  # fmt: skip
_EVIDENCE_FIELDS = frozenset({"algorithm", "digest", "batch"})
_BATCH_FIELDS = frozenset({"root", "proof"})
_TRANSACTION_FIELDS = frozenset({"tx", "hash", "height", "index", "proof"})
_RESULT_FIELDS = frozenset({"code", "data", "gas_wanted", "gas_used", "proof"})
_PROOF_FIELDS = frozenset({"total", "index", "leaf_hash", "aunts"})
_HOP_FIELDS = frozenset({"header", "commit", "next_validators"})
_LOWER_HEX = re.compile(r"(?:[0-9a-f]{2})*")


def _canonical(kind: Any, value: object, where: str) -> Any:
    """``kind.from_json(value)``, refused unless writing it back gives ``value`` exactly.

    CometBFT's JSON forms admit spellings that parse to the same values (hex in
    either case, a time with an offset, an extra field); a receipt allows only
    the one its writer produces, so that a changed byte anywhere fails.
    """
    parsed = kind.from_json(value)
    if parsed.to_json() != value:
        raise ReceiptInvalid(
            "format", f"{where}: not in canonical form (as the node writes it: {kind.__name__})"
        )
    return parsed


def _hex(value: object, where: str, size: int | None = None) -> bytes:
    if not isinstance(value, str) or _LOWER_HEX.fullmatch(value) is None:
        raise ReceiptInvalid("format", f"{where}: expected lower-case hex")
    raw = bytes.fromhex(value)
    if size is not None and len(raw) != size:
        raise ReceiptInvalid("format", f"{where}: expected {size} bytes, got {len(raw)}")
    return raw


def _int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReceiptInvalid("format", f"{where}: expected a non-negative integer")
    return value


def _object(value: object, where: str, fields: frozenset[str] | None = None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ReceiptInvalid("format", f"{where}: expected an object")
    if fields is not None:
        unexpected = sorted(str(k) for k in value if k not in fields)
        if unexpected:
            raise ReceiptInvalid("format", f"{where}: unexpected field {unexpected[0]!r}")
    return value


def merkle_proof_to_json(proof: MerkleProof) -> dict[str, Any]:
    return {
        "total": proof.total,
        "index": proof.index,
        "leaf_hash": proof.leaf_hash.hex(),
        "aunts": [a.hex() for a in proof.aunts],
    }


def read_merkle_proof(value: object, where: str) -> MerkleProof:
    obj = _object(value, where, _PROOF_FIELDS)
    aunts = obj.get("aunts")
    if not isinstance(aunts, list):
        raise ReceiptInvalid("format", f"{where}.aunts: expected a list")
    return MerkleProof(
        total=_int(obj.get("total"), f"{where}.total"),
        index=_int(obj.get("index"), f"{where}.index"),
        leaf_hash=_hex(obj.get("leaf_hash"), f"{where}.leaf_hash", 32),
        aunts=tuple(_hex(a, f"{where}.aunts[{i}]", 32) for i, a in enumerate(aunts)),
    )


def _hop(value: object, where: str) -> Hop:
    hop = _object(value, where, _HOP_FIELDS)
    try:
        return (
            _canonical(Header, hop.get("header"), f"{where}.header"),
            _canonical(Commit, hop.get("commit"), f"{where}.commit"),
            _canonical(ValidatorSet, hop.get("next_validators"), f"{where}.next_validators"),
        )
    except (LightError, ValueError) as exc:
        raise ReceiptInvalid("format", f"{where}: {exc}") from None


# -- the checks, in order ---------------------------------------------------------------


def check_chain(r: CommittedTx, genesis: Genesis) -> str:
    if r.chain_id != genesis.chain_id:
        raise ReceiptInvalid(
            "chain", f"receipt is for chain {r.chain_id!r}, genesis is {genesis.chain_id!r}"
        )
    if r.genesis_hash != genesis.hash:
        raise ReceiptInvalid(
            "chain", "genesis_hash does not match the genesis file given to the verifier"
        )
    for name, header in (("header", r.header), ("next_header", r.next_header)):
        if header.chain_id != genesis.chain_id:
            raise ReceiptInvalid("chain", f"{name}.chain_id is {header.chain_id!r}")
    return f"chain {genesis.chain_id}"


def check_validators(r: CommittedTx, genesis: Genesis) -> str:
    if r.blocks_verified:
        return f"{len(r.validators.validators)} validator(s) (checked for an earlier receipt)"
    valset_hash = r.validators.hash()
    if valset_hash != trusted_validators_hash(genesis, r.history, r.next_header.height):
        raise ReceiptInvalid(
            "validators",
            "validator set differs from the genesis set"
            + (" after the changes in validator_history" if r.history else ""),
        )
    made_by_it = [("next_header", r.next_header)]
    if not r.history:  # after a change, only the next header is made by the current set
        made_by_it.insert(0, ("header", r.header))
    for name, header in made_by_it:
        if header.validators_hash != valset_hash:
            raise ReceiptInvalid(
                "validators", f"{name}.validators_hash does not match the validator set"
            )
    power = r.validators.total_voting_power()
    origin = f"genesis and {len(r.history)} signed change(s)" if r.history else "genesis"
    return f"{len(r.validators.validators)} validator(s) from {origin}, total power {power}"


_GENESIS_VALIDATORS: dict[bytes, bytes] = {}


def _genesis_validators_hash(genesis: Genesis) -> bytes:
    """The genesis validator set's hash, computed once per genesis file."""
    found = _GENESIS_VALIDATORS.get(genesis.hash)
    if found is None:
        found = _GENESIS_VALIDATORS[genesis.hash] = genesis.validator_set().hash()
    return found


def trusted_validators_hash(genesis: Genesis, history: tuple[Hop, ...], until: int) -> bytes:
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
        check_absent_slots(commit, "validators", f"{where}.commit")
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


def check_heights(r: CommittedTx) -> None:
    if r.next_header.height != r.header.height + 1:
        raise ReceiptInvalid(
            "headers", f"next header height {r.next_header.height}, expected {r.header.height + 1}"
        )
    if r.header.height != r.height:
        raise ReceiptInvalid(
            "headers", f"header height {r.header.height} != transaction.height {r.height}"
        )


def check_commit(r: CommittedTx, genesis: Genesis) -> str:
    header, next_header, next_commit = r.header, r.next_header, r.next_commit
    if r.blocks_verified:
        return f"blocks {header.height} and {next_header.height} (checked for an earlier receipt)"
    if next_commit.block_id.hash != header_hash(next_header):
        raise ReceiptInvalid("commit", "next_block.commit is not for next_block.header")
    check_absent_slots(next_commit, "commit", "next_block.commit")
    verify_commit(
        genesis.chain_id, r.validators, next_commit.block_id, next_header.height, next_commit
    )
    # The signed next header names this header by hash (CometBFT's adjacent-header
    # link), so this header is authenticated without a commit of its own.
    if next_header.last_block_id.hash != header_hash(header):
        raise ReceiptInvalid(
            "headers", "next_block.header.last_block_id does not name block.header"
        )
    if header.next_validators_hash != next_header.validators_hash:
        raise ReceiptInvalid(
            "headers",
            "block.header.next_validators_hash is not next_block.header.validators_hash",
        )
    if (next_header.time.seconds, next_header.time.nanos) <= (
        header.time.seconds,
        header.time.nanos,
    ):
        raise ReceiptInvalid("headers", "next_block.header.time is not after block.header.time")
    return (
        f"block {next_header.height} signed by more than 2/3 of voting power "
        f"and linked by hash to block {header.height}"
    )


def check_absent_slots(commit: Commit, check: str, where: str) -> None:
    """An absent slot carries nothing (CometBFT's ``CommitSig.ValidateBasic``).

    `verify_commit` skips absent slots, so without this a receipt's absent slot
    could carry any address, time or signature and still verify.
    """
    for i, sig in enumerate(commit.signatures):
        if sig.block_id_flag == BlockIDFlag.ABSENT and (
            sig.validator_address or sig.signature or sig.timestamp != GO_ZERO_TIME
        ):
            raise ReceiptInvalid(check, f"{where}.signatures[{i}]: an absent slot carries a vote")


def check_inclusion(r: CommittedTx) -> str:
    proof = r.tx_proof
    if proof.index != r.index:
        raise ReceiptInvalid("inclusion", "proof index differs from transaction.index")
    if proof.total != r.result_proof.total:
        raise ReceiptInvalid(
            "inclusion", "transaction proof and result proof disagree on the block's tx count"
        )
    hashed = tx_hash(r.raw_tx)
    if r.claimed_tx_hash != hashed:
        raise ReceiptInvalid("inclusion", "transaction.hash is not the SHA-256 of transaction.tx")
    proof.verify(r.header.data_hash, hashed)
    return f"transaction {hashed.hex()[:16]}… is #{proof.index} of block {r.height}"


def check_result(r: CommittedTx) -> str:
    if r.code != ResultCode.OK:
        raise ReceiptInvalid(
            "result", f"transaction failed with code {r.code} ({describe(r.code)})"
        )
    if r.result_proof.index != r.index:
        raise ReceiptInvalid("result", "result proof index differs from transaction.index")
    leaf = exec_tx_result_bytes(r.code, r.data, r.gas_wanted, r.gas_used)
    r.result_proof.verify(r.next_header.last_results_hash, leaf)
    return "the transaction succeeded (code 0), proven by the next header"


def check_signed_tx(raw_tx: bytes, genesis: Genesis) -> Tx:
    tx = decode_tx(raw_tx)
    if tx.chain_id != genesis.chain_id:
        raise ReceiptInvalid("transaction", f"transaction is for chain {tx.chain_id!r}")
    if not verify_signature(tx):
        raise ReceiptInvalid("transaction", "the transaction's signature does not verify")
    return tx


def check_anchoring(tx: Tx) -> str:
    if tx.module != "evidence" or tx.action not in ("anchor", "anchor_batch"):
        raise ReceiptInvalid("transaction", f"not an evidence anchoring: {tx.module}.{tx.action}")
    return f"signed by {tx.sender.hex()} ({tx.suite}), {tx.module}.{tx.action}"


def check_algorithm(tx: Tx, algorithm: str) -> None:
    anchored = tx.args.get("algorithm", "sha-256")
    if anchored != algorithm:
        raise ReceiptInvalid(
            "evidence", f"transaction anchors {anchored} digests, receipt says {algorithm}"
        )


def check_single_anchor(tx: Tx, r: ParsedReceipt) -> str:
    if r.batch is not None:
        raise ReceiptInvalid("evidence", "a single anchoring must not carry a batch path")
    if tx.args.get("digest") != r.digest:
        raise ReceiptInvalid("evidence", "the transaction anchors a different digest")
    if r.data:
        raise ReceiptInvalid("evidence", "result.data of a single anchoring must be empty")
    return "the transaction anchors this digest"


def batch_digests(tx: Tx, batch: Mapping[str, Any] | None) -> list[bytes]:
    """The batch transaction's digest list (a batch receipt must carry its path)."""
    if batch is None:
        raise ReceiptInvalid("evidence", "batch anchoring without evidence.batch path")
    digests = tx.args.get("digests")
    if not isinstance(digests, list) or not all(isinstance(d, bytes) for d in digests):
        raise ReceiptInvalid("evidence", "batch transaction has no list of digests")
    return digests


def check_batch_path(
    batch: Mapping[str, Any] | None,
    digests: list[bytes],
    root: bytes,
    digest: bytes,
    result_data: bytes,
) -> str:
    assert batch is not None  # batch_digests refused a batch receipt without one
    if _hex(batch.get("root"), "evidence.batch.root", 32) != root:
        raise ReceiptInvalid("evidence", "evidence.batch.root is not the transaction's batch root")
    if result_data != root:
        raise ReceiptInvalid("evidence", "result.data is not the batch root the chain recorded")
    path = read_merkle_proof(batch.get("proof"), "evidence.batch.proof")
    path.verify(root, digest)
    if path.total != len(digests) or digests[path.index] != digest:
        raise ReceiptInvalid("evidence", "the batch path does not lead to this digest")
    return f"digest is leaf {path.index} of {path.total} under batch root {root.hex()[:16]}…"


def check_document(document_digest: bytes | None, r: ParsedReceipt) -> str:
    if document_digest is None:
        return "no document given"
    if document_digest != r.digest:
        raise ReceiptInvalid(
            "document",
            f"the document's {r.algorithm} digest {document_digest.hex()} "
            f"does not match the receipt's {r.digest.hex()}",
        )
    return "the document matches the anchored digest"


# -- running the checks, and what a ReceiptVerifier remembers ------------------------------


class _Step:
    """What a passing check reports."""

    def __init__(self) -> None:
        self.detail: str | None = None

    def passed(self, detail: str) -> None:
        self.detail = detail


class _Run:
    """Runs named checks in order, recording each; the first failure stops the run.

    A failure is recorded under the name its :class:`ReceiptInvalid` gives (the
    commit check reports a broken header link as ``headers``), any other
    LightError or LedgerError (a proof, a commit, a transaction that does not
    decode) under the step's own name, with the error's text.
    """

    def __init__(self, report: ReceiptReport) -> None:
        self.report = report

    @contextmanager
    def step(self, name: str) -> Iterator[_Step]:
        outcome = _Step()
        try:
            yield outcome
        except ReceiptInvalid as exc:
            self.report.checks.append(Check(exc.check, False, exc.reason))
            raise ReceiptInvalid(exc.check, exc.reason, self.report) from None
        except (LightError, LedgerError, ValueError) as exc:
            self.report.checks.append(Check(name, False, str(exc)))
            raise ReceiptInvalid(name, str(exc), self.report) from None
        assert outcome.detail is not None, f"the {name} check passed without saying so"
        self.report.checks.append(Check(name, True, outcome.detail))


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
