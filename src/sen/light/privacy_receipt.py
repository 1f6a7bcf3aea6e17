"""Privacy receipts: a consent record or an erasure's tombstone, checked offline.

A privacy receipt (``docs/spec/privacy.md`` §8) carries one record of the ``privacy``
module as the chain's state holds it, with its state proof, and the header whose app hash
the proof leads to, signed by the chain's validators (and ``validator_history`` when the set
changed since genesis). It is checked with the chain's genesis file and nothing else — no
node, no vault — so a data subject keeps it as the proof that its consent was recorded (and
in which state), or that its data was erased, and an auditor checks it years later.

Checks, in order (the first failure stops the run):

1. ``format``: :func:`parse_privacy_receipt`.
2. ``chain``: the chain id and the genesis hash are the genesis file's.
3. ``header``: :func:`sen.light.packet_receipt.check_signed_header`: more than 2/3 of the
   trusted validator set signed the header.
4. ``state``: the record is under its key in the state whose root is the header's app hash.
5. ``record``: the value is a record of the kind named, stored under its own key (a
   tombstone under ``privacy/erasure/<controller>/<subject_ref>``, a consent under
   ``privacy/consent/<id>``). A consent's signature by its data subject was checked by
   the chain when it was recorded (the state keeps the terms, not the signature).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sen.ledger import encoding
from sen.ledger.errors import LedgerError
from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.modules.privacy.actions import erasure_digest
from sen.ledger.modules.privacy.records import Consent, Erasure, consent_key, erasure_key
from sen.light.errors import ReceiptInvalid
from sen.light.genesis import Genesis
from sen.light.packet_receipt import (
    Side,
    StateProof,
    check_signed_header,
    read_hex,
    read_object,
    read_state_proof,
    shown_value,
    side_from_json,
)
from sen.light.receipt import Check

FORMAT = "sen-privacy-receipt"
VERSION = 1
KINDS = ("consent", "erasure")


@dataclass(frozen=True, slots=True)
class ParsedPrivacyReceipt:
    kind: str
    side: Side
    key: bytes
    value: bytes
    proof: StateProof


@dataclass(slots=True)
class PrivacyReceiptReport:
    checks: list[Check] = field(default_factory=list)
    kind: str = ""
    chain_id: str = ""
    height: int = 0  # the signed header's
    record: dict[str, Any] = field(default_factory=dict)  # what the record says, for people

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def verify_privacy_receipt(receipt: object, genesis: Genesis) -> PrivacyReceiptReport:
    """Run every check; :class:`ReceiptInvalid` carries the report so far on the first failure."""
    report = PrivacyReceiptReport()

    def step(name: str, check: Any, *args: Any) -> Any:
        try:
            result = check(*args)
        except RecursionError:
            failed = ReceiptInvalid("format", "nested too deeply to be a receipt")
            report.checks.append(Check("format", False, failed.reason))
            raise ReceiptInvalid("format", failed.reason, report) from None  # type: ignore[arg-type]
        except ReceiptInvalid as exc:
            report.checks.append(Check(exc.check, False, exc.reason))
            raise ReceiptInvalid(exc.check, exc.reason, report) from None  # type: ignore[arg-type]
        report.checks.append(Check(name, True, result if isinstance(result, str) else "read"))
        return result

    parsed: ParsedPrivacyReceipt = step("format", parse_privacy_receipt, receipt)
    report.kind, report.chain_id = parsed.kind, parsed.side.chain_id
    step("chain", check_chain, parsed, genesis)
    step("header", check_signed_header, parsed.side, genesis, "header")
    report.height = parsed.side.signed.header.height
    step("state", check_state, parsed)
    report.record = step("record", _record, parsed)
    report.checks[-1] = Check("record", True, _said(report.record))
    return report


def parse_privacy_receipt(receipt: object) -> ParsedPrivacyReceipt:
    doc = read_object(receipt, "receipt")
    if doc.get("format") != FORMAT:
        raise _bad("format", f"expected {FORMAT!r}, got {shown_value(doc.get('format'))}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version != VERSION:
        raise _bad("version", f"expected {VERSION}, got {shown_value(version)}")
    kind = doc.get("kind")
    if kind not in KINDS:
        raise _bad("kind", f"expected one of {', '.join(KINDS)}, got {shown_value(kind)}")
    if doc.get("genesis_hash") is None:
        raise _bad("genesis_hash", "missing: the chain's genesis hash")
    return ParsedPrivacyReceipt(
        kind=str(kind),
        side=side_from_json(doc, "receipt"),
        key=read_hex(doc.get("key"), "key"),
        value=read_hex(doc.get("value"), "value"),
        proof=read_state_proof(doc.get("proof"), "proof"),
    )


def _bad(where: str, reason: str) -> ReceiptInvalid:
    return ReceiptInvalid("format", f"{where}: {reason}")


def check_chain(parsed: ParsedPrivacyReceipt, genesis: Genesis) -> str:
    side = parsed.side
    if side.chain_id != genesis.chain_id or side.signed.header.chain_id != genesis.chain_id:
        raise ReceiptInvalid(
            "chain",
            f"the receipt is of chain {side.chain_id!r}; the genesis is {genesis.chain_id!r}",
        )
    if side.genesis_hash != genesis.hash:
        raise ReceiptInvalid("chain", "the receipt's genesis_hash is not the genesis file given")
    return f"chain {genesis.chain_id}"


def check_state(parsed: ParsedPrivacyReceipt) -> str:
    header = parsed.side.signed.header
    proof = parsed.proof
    try:
        verify_state_proof(
            header.app_hash, parsed.key, parsed.value, proof.siblings, proof.leaf_path,
            proof.leaf_value_hash,
        )  # fmt: skip
    except StateProofError as exc:
        raise ReceiptInvalid("state", f"the record is not in the signed state: {exc}") from None
    return f"in the state signed at block {header.height} (app hash {header.app_hash.hex()[:16]}…)"


def _record(parsed: ParsedPrivacyReceipt) -> dict[str, Any]:
    try:
        value = encoding.decode(parsed.value)
        if not isinstance(value, dict):
            raise ValueError("not a map")
        if parsed.kind == "erasure":
            return _erasure(Erasure.from_value(value), parsed.key)
        return _consent(Consent.from_value(value), parsed.key)
    except (LedgerError, ValueError, TypeError, KeyError, AssertionError) as exc:
        raise ReceiptInvalid(
            "record", f"the value is not a {parsed.kind} record: {str(exc)[:120]}"
        ) from None


def _erasure(tombstone: Erasure, key: bytes) -> dict[str, Any]:
    if key != erasure_key(tombstone.controller, tombstone.subject_ref):
        raise ReceiptInvalid("record", "the tombstone is not stored under its own key")
    return {
        "controller": tombstone.controller,
        "subject_ref": tombstone.subject_ref.hex(),
        "records": [[r.hex(), c.hex()] for r, c in tombstone.records],
        "erased_at": tombstone.erased_at,
        "recorded_height": tombstone.recorded[0],
        "request": None if tombstone.request is None else tombstone.request.hex(),
        "digest": erasure_digest(tombstone).hex(),
    }


def _consent(consent: Consent, key: bytes) -> dict[str, Any]:
    terms = consent.terms
    if key != consent_key(terms.id):
        raise ReceiptInvalid("record", "the consent is not stored under its own key")
    return {
        "id": terms.id.hex(),
        "subject": terms.subject,
        "controller": terms.controller,
        "recipients": list(terms.recipients),
        "purposes": list(terms.purposes),
        "categories": list(terms.categories),
        "legal_basis": terms.legal_basis,
        "decision": terms.decision,
        "expires": terms.expires,
        "state": consent.state,
        "recorded_height": consent.recorded[0],
    }


def _said(record: dict[str, Any]) -> str:
    if "subject_ref" in record:
        return (
            f"the erasure of {len(record['records'])} record(s) of subject "
            f"{record['subject_ref']} by {record['controller']}, recorded at block "
            f"{record['recorded_height']}"
        )
    return (
        f"consent {record['id']} of {record['subject'][:24]}… to {record['controller']}: "
        f"{record['state']}"
    )
