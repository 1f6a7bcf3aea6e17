"""Event receipts: proof that one EPCIS event was captured, when, and by whom, checked
offline with the chain's genesis file alone (``docs/spec/traceability.md`` §5).

An event receipt carries the event exactly as the repository stored it (its JSON text),
its CBV 2.0 event hash, the leaf's other fields (record time, capture id, capturing
DID), the Merkle path from the leaf to the capture job's root, and, as an evidence
receipt does, the ``trace.record_capture`` transaction that recorded that root with its
inclusion and result proofs, the two headers, the commit and the validators.

Checks, in order (the first failure stops the run):

1. ``format``: :func:`parse_event_receipt`.
2. ``chain``, ``validators``, ``commit``, ``inclusion``, ``result``: as an evidence
   receipt's (:mod:`sen.light.receipt`): the transaction is in a block the genesis
   validators signed, and it succeeded.
3. ``transaction``: it is this chain's, its signature verifies, it is a
   ``trace.record_capture`` of this capture id and capturing DID.
4. ``event``: the event's CBV 2.0 hash, computed here, is the receipt's; its
   ``recordTime`` is the leaf's.
5. ``capture``: the leaf, made here from the event's hash and the SHA-256 of its text,
   is at the path's place under the transaction's root, of as many leaves as it says.
6. ``entitlement``: every GS1 key the event speaks for (its places, the identities it
   creates: :func:`sen.light.gs1_keys.claimed_keys`) is under one of the prefixes the
   transaction named, which the chain checked the capturer held at that block.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sen.ledger.errors import LedgerError
from sen.ledger.light.errors import LightError
from sen.ledger.light.merkle import MerkleProof
from sen.ledger.modules.trace import capture_leaf
from sen.ledger.tx import Tx
from sen.light.epcis_hash import event_hash
from sen.light.errors import EventHashError, ReceiptInvalid
from sen.light.genesis import Genesis
from sen.light.gs1_keys import claimed_keys, holder_prefix
from sen.light.packet_receipt import read_hex, read_object
from sen.light.receipt import (
    COMMITTED_TX_FIELDS,
    Check,
    CommittedTx,
    check_chain,
    check_commit,
    check_heights,
    check_inclusion,
    check_result,
    check_signed_tx,
    check_validators,
    merkle_proof_to_json,
    parse_committed_tx,
    read_merkle_proof,
)

FORMAT = "sen-event-receipt"
VERSION = 1
HASH_PREFIX = "ni:///sha-256;"
HASH_SUFFIX = "?ver=CBV2.0"
_FIELDS = COMMITTED_TX_FIELDS | {"format", "version", "event", "event_hash", "leaf", "path"}
_LEAF_FIELDS = frozenset({"record_time", "capture", "capturer"})


@dataclass(frozen=True, slots=True)
class ParsedEventReceipt:
    event_text: str
    event: dict[str, Any]
    event_hash: str
    record_time: int
    capture: bytes
    capturer: str
    path: MerkleProof
    committed: CommittedTx


@dataclass(slots=True)
class EventReceiptReport:
    checks: list[Check] = field(default_factory=list)
    chain_id: str = ""
    event_hash: str = ""
    event_id: str = ""
    event_type: str = ""
    event_time: str = ""
    record_time: str = ""
    capturer: str = ""
    capture: str = ""
    height: int = 0
    time: str = ""  # the block's
    tx_hash: str = ""

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def event_receipt_document(
    event_text: str,
    hashed: str,
    record_time: int,
    capture: bytes,
    capturer: str,
    path: MerkleProof,
    committed: dict[str, Any],
) -> dict[str, Any]:
    """An event receipt in its JSON form, from the repository's part and the node's
    (``committed``: the members of :data:`~sen.light.receipt.COMMITTED_TX_FIELDS`)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "event": event_text,
        "event_hash": hashed,
        "leaf": {"record_time": record_time, "capture": capture.hex(), "capturer": capturer},
        "path": merkle_proof_to_json(path),
        **committed,
    }


def verify_event_receipt(receipt: object, genesis: Genesis) -> EventReceiptReport:
    """Run every check; :class:`ReceiptInvalid` carries the report so far on the first failure."""
    report = EventReceiptReport()

    def step(name: str, check: Any, *args: Any) -> Any:
        try:
            result = check(*args)
        except RecursionError:
            reason = "nested too deeply to be a receipt"
            report.checks.append(Check("format", False, reason))
            raise ReceiptInvalid("format", reason, report) from None  # type: ignore[arg-type]
        except ReceiptInvalid as exc:
            report.checks.append(Check(exc.check, False, exc.reason))
            raise ReceiptInvalid(exc.check, exc.reason, report) from None  # type: ignore[arg-type]
        except (LightError, LedgerError, ValueError, LookupError) as exc:
            # a proof that does not lead to its root, a transaction that does not read
            report.checks.append(Check(name, False, str(exc)))
            raise ReceiptInvalid(name, str(exc), report) from None  # type: ignore[arg-type]
        report.checks.append(Check(name, True, result if isinstance(result, str) else "read"))
        return result

    parsed: ParsedEventReceipt = step("format", parse_event_receipt, receipt)
    r = parsed.committed
    report.chain_id = str(r.chain_id)
    report.event_hash, report.capturer = parsed.event_hash, parsed.capturer
    report.capture, report.height = parsed.capture.hex(), r.height
    report.event_id = str(parsed.event.get("eventID", ""))
    report.event_type = str(parsed.event.get("type", ""))
    report.event_time = str(parsed.event.get("eventTime", ""))
    report.record_time = str(parsed.event.get("recordTime", ""))
    step("chain", check_chain, r, genesis)
    step("validators", check_validators, r, genesis)
    step("commit", _commit, r, genesis)
    report.time = r.header.time.to_rfc3339()
    step("inclusion", check_inclusion, r)
    step("result", check_result, r)
    tx: Tx = step("transaction", check_signed_tx, r.raw_tx, genesis)
    report.tx_hash = tx.hash.hex()
    report.checks[-1] = Check("transaction", True, step_detail(check_capture_tx, tx, parsed))
    step("event", check_event, parsed)
    step("capture", check_path, parsed, tx)
    step("entitlement", check_entitlement, parsed, tx)
    return report


def step_detail(check: Any, *args: Any) -> str:
    detail: str = check(*args)
    return detail


def _commit(r: CommittedTx, genesis: Genesis) -> str:
    check_heights(r)
    return check_commit(r, genesis)


def parse_event_receipt(receipt: object) -> ParsedEventReceipt:
    doc = _fields(receipt, "receipt", _FIELDS)
    if doc.get("format") != FORMAT:
        raise ReceiptInvalid("format", f"format: expected {FORMAT!r}, got {doc.get('format')!r}")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise ReceiptInvalid("format", f"version: expected {VERSION}, got {version!r}")
    text = doc.get("event")
    if not isinstance(text, str):
        raise ReceiptInvalid("format", "event: expected the event's JSON text")
    event = _event_object(text)
    hashed = doc.get("event_hash")
    if (
        not isinstance(hashed, str)
        or not hashed.startswith(HASH_PREFIX)
        or not hashed.endswith(HASH_SUFFIX)
    ):
        raise ReceiptInvalid(
            "format", f"event_hash: expected {HASH_PREFIX}<64 hex>{HASH_SUFFIX}, got {hashed!r}"
        )
    _hash_bytes(hashed)
    leaf = _fields(doc.get("leaf"), "leaf", _LEAF_FIELDS)
    capturer = leaf.get("capturer")
    if not isinstance(capturer, str) or not capturer.startswith("did:sen:"):
        raise ReceiptInvalid("format", "leaf.capturer: expected a did:sen DID")
    return ParsedEventReceipt(
        event_text=text,
        event=event,
        event_hash=hashed,
        record_time=_count(leaf.get("record_time"), "leaf.record_time"),
        capture=read_hex(leaf.get("capture"), "leaf.capture", 16),
        capturer=capturer,
        path=read_merkle_proof(doc.get("path"), "path"),
        committed=parse_committed_tx(doc),
    )


def _fields(value: object, where: str, known: frozenset[str]) -> dict[str, Any]:
    found = read_object(value, where)
    unexpected = sorted(str(k) for k in found if k not in known)
    if unexpected:
        raise ReceiptInvalid("format", f"{where}: unexpected field {unexpected[0]!r}")
    return found


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReceiptInvalid("format", f"{where}: expected a non-negative integer")
    return value


def _event_object(text: str) -> dict[str, Any]:
    def members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, value in pairs:
            if name in found:
                raise ReceiptInvalid("format", f"event: member {name!r} is repeated")
            found[name] = value
        return found

    def no_constant(name: str) -> Any:
        raise ReceiptInvalid("format", f"event: {name} is not JSON")

    try:
        value = json.loads(text, object_pairs_hook=members, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        raise ReceiptInvalid("format", f"event: not JSON ({exc.msg})") from None
    if not isinstance(value, dict):
        raise ReceiptInvalid("format", "event: expected a JSON object")
    return value


def _hash_bytes(hashed: str) -> bytes:
    digest = hashed[len(HASH_PREFIX) : -len(HASH_SUFFIX)]
    try:
        raw = bytes.fromhex(digest)
    except ValueError:
        raw = b""
    if len(raw) != 32 or raw.hex() != digest:
        raise ReceiptInvalid("format", "event_hash: expected 64 lower-case hex digits")
    return raw


def check_capture_tx(tx: Tx, parsed: ParsedEventReceipt) -> str:
    if (tx.module, tx.action) != ("trace", "record_capture"):
        raise ReceiptInvalid("transaction", f"not a capture job: {tx.module}.{tx.action}")
    if tx.args.get("capture") != parsed.capture:
        raise ReceiptInvalid("transaction", "the transaction records another capture job")
    if tx.args.get("capturer") != parsed.capturer:
        raise ReceiptInvalid(
            "transaction", f"the capture job speaks for {tx.args.get('capturer')!r}, "
            f"the receipt says {parsed.capturer!r}",
        )  # fmt: skip
    return f"signed by {tx.sender.hex()} for {parsed.capturer}, trace.record_capture"


def check_event(parsed: ParsedEventReceipt) -> str:
    context = parsed.event.get("@context", [])
    try:
        computed = event_hash(parsed.event, context)
    except EventHashError as exc:
        raise ReceiptInvalid("event", f"the event's hash cannot be computed: {exc}") from None
    if computed != parsed.event_hash:
        raise ReceiptInvalid(
            "event", f"the event hashes to {computed}, the receipt says {parsed.event_hash}"
        )
    if epcis_time_ms(parsed.event.get("recordTime")) != parsed.record_time:
        raise ReceiptInvalid("event", "the event's recordTime is not the leaf's record_time")
    return f"{parsed.event.get('type')} hashes to {computed}"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def epcis_time_ms(value: object) -> int | None:
    """An EPCIS time (RFC 3339 with an offset or Z) in ms since the epoch; None if it is
    not one. Sub-millisecond digits are cut, as the event hash cuts them."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (moment - _EPOCH) // _MS


def epcis_time(ms: int) -> str:
    """``ms`` since the epoch as the repository writes times: UTC, milliseconds, ``Z``."""
    moment = _EPOCH + ms * _MS
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def check_path(parsed: ParsedEventReceipt, tx: Tx) -> str:
    leaf = capture_leaf(
        _hash_bytes(parsed.event_hash),
        hashlib.sha256(parsed.event_text.encode()).digest(),
        parsed.record_time,
        parsed.capture,
        parsed.capturer,
    )
    if parsed.path.total != tx.args.get("count"):
        raise ReceiptInvalid(
            "capture", f"the path is in a tree of {parsed.path.total} leaves, the job has "
            f"{tx.args.get('count')}",
        )  # fmt: skip
    root = tx.args.get("root")
    if not isinstance(root, bytes):
        raise ReceiptInvalid("capture", "the transaction has no root")
    parsed.path.verify(root, leaf)
    place = f"event {parsed.path.index + 1} of {parsed.path.total}"
    return f"{place} in capture job {parsed.capture.hex()}"


def check_entitlement(parsed: ParsedEventReceipt, tx: Tx) -> str:
    prefixes = [p for p in tx.args.get("prefixes", []) if isinstance(p, str)]
    claims = claimed_keys(parsed.event)
    for claim in claims:
        if holder_prefix(claim.digits, prefixes) is None:
            raise ReceiptInvalid(
                "entitlement", f"{claim.pointer} {claim.identifier} is under none of the "
                f"prefixes the capture job named ({', '.join(prefixes) or 'none'})",
            )  # fmt: skip
    if not claims:
        return "the event claims no GS1 place or identity of its own"
    return (
        f"{len(claims)} GS1 key(s) the event speaks for are under {parsed.capturer}'s "
        f"prefixes {', '.join(prefixes)}, checked by the chain at the block"
    )
