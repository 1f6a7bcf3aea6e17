"""No human text in anything hashed: rewording every message leaves every hash unchanged.

A permissioned chain runs blocks full of refusals from every module —
governance proposals that pass but whose execution is refused, membership,
identity, trust, status, privacy and evidence refusals, envelope rejections — and a
few successes. The same blocks are then replayed into a fresh application in
which every ledger exception message and every code description is reworded.
App hashes, results hashes, result data and events must be identical at
every height; only the logs may (and must) differ (docs/spec/determinism.md D6).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "ledger" / "governance"))
sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "ledger" / "trust"))

from consortium import CHAIN_ID, VALIDATOR_KEY, issue, key
from cryptography.hazmat.primitives import serialization
from trust_chain import DEGREE, TrustChain, address, block_time, replay_blocks

from sen.abci.types import RequestFinalizeBlock
from sen.ledger import codes
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.errors import LedgerError, TxRejected
from sen.ledger.light.results import exec_tx_result_bytes, results_hash
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.governance.records import FAILED, list_proposals
from sen.ledger.modules.identity import encode_multikey
from sen.ledger.modules.privacy import ConsentTerms, consent_id_prefix, consent_message
from sen.ledger.modules.trust.paths import AccreditationPath
from sen.ledger.rules import load_nonce
from sen.ledger.tx import sign_tx
from sen.ledger.types import TxResult

MOET, HUST, UET = "did:sen:moet", "did:sen:hust", "did:sen:vnu.uet"
SCHEMA = {
    "id": "https://s.moet.gov.vn/d/1.json",
    "name": "Degree",
    "version": "1",
    "credential_type": DEGREE,
    "digest": bytes(range(32)),
    "issuer": MOET,
}

Step = tuple[SigningKey, str, str, dict[str, Any]] | bytes


def _der(cert: Any) -> bytes:
    return bytes(cert.public_bytes(serialization.Encoding.DER))


def _document(chain: TrustChain, name: str) -> dict[str, Any]:
    method = {
        "id": "key-1",
        "public_key_multibase": encode_multikey("ed25519", chain.signing_key.public_key),
    }
    return {
        "name": name,
        "verification_methods": [method],
        "relationships": {"assertionMethod": ["key-1"]},
    }


def _bad_key_document(chain: TrustChain) -> dict[str, Any]:
    method = {"id": "key-1", "public_key_multibase": "z0OIl"}  # not base58
    return {**_document(chain, "bad.key"), "verification_methods": [method]}


def _accreditation(accreditor: str, issuer: str) -> dict[str, Any]:
    return {"accreditor": accreditor, "issuer": issuer, "credential_types": [DEGREE]}


def _status_list(name: str, purpose: str) -> dict[str, Any]:
    return {"list": name, "issuer": MOET, "purpose": purpose}


def _send(chain: TrustChain, steps: list[Step]) -> list[TxResult]:
    """One block of ``steps``; a signer's transactions take consecutive nonces."""
    nonces: dict[bytes, int] = {}
    txs = []
    for step in steps:
        if isinstance(step, bytes):
            txs.append(step)
            continue
        signer, module, action, args = step
        sender = address(signer)
        nonce = nonces.get(sender, load_nonce(chain.store, sender))
        nonces[sender] = nonce + 1
        tx = sign_tx(
            signer, chain_id=CHAIN_ID, nonce=nonce, module=module, action=action, args=args
        )
        txs.append(tx.raw)
    chain.blocks.append(tuple(txs))
    height = chain.height + 1
    chain.app.finalize_block(
        RequestFinalizeBlock(
            txs=tuple(txs),
            hash=bytes(32),
            height=height,
            time=Timestamp(block_time(height), 0),
            next_validators_hash=bytes(32),
            proposer_address=bytes(20),
        )
    )
    chain.app.commit()
    chain.app_hashes.append(chain.app.app_hash)
    return list(chain.store.load_results(height) or [])


def _passed_but_refused(chain: TrustChain) -> list[tuple[str, dict[str, Any]]]:
    """Proposals with a valid payload whose execution the state of the moment refuses."""
    _, ca = chain.cas[0]
    return [
        ("set_validator", {"pub_key": bytes([9]) * 32, "power": 0}),  # not a validator
        ("set_validator", {"pub_key": VALIDATOR_KEY, "power": 0}),  # the last validator
        ("admit_organisation", {"id": "org-0", "name": "Again", "ca": _der(ca), "roles": ["x"]}),
        ("remove_organisation", {"id": "org-9"}),
        ("set_organisation_roles", {"id": "org-9", "roles": ["writer"]}),
        ("add_role", {"role": "admin"}),
        ("set_params", {"max_tx_bytes": 64 << 20}),  # larger than a block
        ("set_governance", {"voting_period": 200_000}),  # longer than the maximum
        ("set_trust_roots", {"roots": ["did:sen:nobody"]}),  # not an active DID
        ("update_chain", {"chain_id": "vn-none", "sector": "health"}),  # not in the directory
        ("remove_chain", {"chain_id": "vn-none"}),
    ]


def _privacy_steps(chain: TrustChain) -> list[Step]:
    """A consent the patient signs, withdraws and files against, and privacy refusals."""
    issuer, patient, stranger = chain.issuers[0], key(80), key(81)
    subject = "did:key:" + encode_multikey(patient.suite, patient.public_key)
    consent_id = consent_id_prefix(subject, MOET) + bytes(range(8))
    terms = {
        "id": consent_id, "subject": subject, "controller": MOET, "recipients": [HUST],
        "purposes": ["dpv:ServiceProvision"], "categories": ["pd:HealthRecord"],
        "legal_basis": "dpv:ExplicitlyExpressedConsent", "decision": "given",
        "expires": block_time(10_000),
    }  # fmt: skip
    signature = patient.sign(consent_message(CHAIN_ID, ConsentTerms.from_value(terms)))
    consent = {**terms, "signature": signature}
    request = {"id": bytes(16), "controller": MOET, "subject": subject, "kind": "access"}
    future = block_time(10_000)
    return [
        (issuer, "privacy", "record_consent", consent),
        (issuer, "privacy", "record_consent", consent),  # CONSENT_EXISTS
        (issuer, "privacy", "record_consent", {**consent, "id": bytes(15) + b"x"}),  # signature
        (issuer, "privacy", "record_consent", {**consent, "purposes": ["điều trị"]}),
        (stranger, "privacy", "withdraw_consent", {"consent": consent_id}),
        (patient, "privacy", "withdraw_consent", {"consent": consent_id}),
        (patient, "privacy", "withdraw_consent", {"consent": consent_id}),  # not live
        (patient, "privacy", "file_request", {**request, "consent": bytes(16)}),
        (patient, "privacy", "file_request", request),
        (issuer, "privacy", "answer_request", {"request": bytes([1]) * 16, "outcome":
         "refused", "answer": bytes(32)}),
        (issuer, "privacy", "report_breach", {"id": bytes(16), "controller": MOET, "detected":
         future, "categories": ["pd:HealthRecord"], "subjects": 1, "digest": bytes(32)}),
        (issuer, "privacy", "record_erasure", {"controller": MOET, "subject_ref": bytes(16),
         "records": [], "erased_at": future}),
    ]  # fmt: skip


def _scenario(chain: TrustChain) -> list[TxResult]:
    """Blocks of refusals from every module, and the successes they need; every result."""
    admins, issuers, writer = chain.admins, chain.issuers, chain.writer
    seen: list[TxResult] = []
    seen += _send(
        chain,
        [
            (issuers[0], "identity", "create", _document(chain, "moet")),
            (issuers[1], "identity", "create", _document(chain, "hust")),
            (issuers[1], "identity", "create", _document(chain, "vnu.uet")),
            (writer, "evidence", "anchor", {"digest": bytes(32)}),
            (admins[0], "governance", "propose", {"kind": "add_role", "payload": {"role": "n"}}),
        ],
    )
    refused = _passed_but_refused(chain)
    proposals = _send(
        chain,
        [(admins[0], "governance", "propose", {"kind": k, "payload": p}) for k, p in refused],
    )
    seen += proposals
    ids = [int.from_bytes(r.data, "big") for r in proposals]
    foreign = issue(*chain.cas[3], chain.admins[3], ["admin"], 77)  # a CA never admitted
    seen += _send(
        chain,
        [
            (admin, "governance", "vote", {"proposal": pid, "choice": "yes"})
            for pid in (1, *ids)
            for admin in admins[:3]
        ],
    )
    refusals: list[Step] = [
        (admins[1], "governance", "vote", {"proposal": 1, "choice": "no"}),  # decided
        (admins[1], "governance", "vote", {"proposal": 999, "choice": "no"}),
        # membership
        (admins[3], "membership", "enroll", {"certificate": b"not a certificate"}),
        (admins[3], "membership", "enroll", {"certificate": _der(foreign)}),
        (admins[0], "membership", "revoke", {"organisation": "org-0", "serial": "4242"}),
        (admins[0], "membership", "revoke", {"organisation": "org-1", "serial": "2"}),
        (writer, "membership", "revoke", {"organisation": "org-0", "serial": "1"}),
        # identity
        (issuers[0], "identity", "create", _document(chain, "moet")),
        (issuers[0], "identity", "create", _document(chain, "Not A Name!")),
        (issuers[0], "identity", "update", _document(chain, "hust")),
        (issuers[0], "identity", "deactivate", {"name": "nobody"}),
        (issuers[0], "identity", "create", _bad_key_document(chain)),
        # trust
        (issuers[1], "trust", "accredit", _accreditation(HUST, UET)),
        (issuers[0], "trust", "accredit", _accreditation(MOET, MOET)),
        (issuers[0], "trust", "revoke_accreditation", {"issuer": UET, "id": 7}),
        (issuers[0], "trust", "register_schema", SCHEMA),
        (issuers[0], "trust", "register_schema", SCHEMA),
        (issuers[0], "trust", "deprecate_schema", {"id": "https://s.moet.gov.vn/none"}),
        # status
        (issuers[0], "status", "create_list", _status_list("r", "revocation")),
        (issuers[0], "status", "create_list", _status_list("r", "revocation")),
        (issuers[0], "status", "create_list", _status_list("s", "fame")),
        (issuers[0], "status", "update", {"list": "r", "issuer": MOET, "set": [5]}),
        (issuers[0], "status", "update", {"list": "r", "issuer": MOET, "clear": [5]}),
        (issuers[0], "status", "update", {"list": "r", "issuer": MOET, "set": [1 << 40]}),
        (issuers[1], "status", "update", {"list": "r", "issuer": MOET, "set": [6]}),
        # privacy
        *_privacy_steps(chain),
        # evidence
        (writer, "evidence", "anchor", {"digest": bytes(7)}),
        (writer, "evidence", "anchor", {"digest": bytes(32), "algorithm": "md5"}),
        (writer, "evidence", "anchor_batch", {"digests": []}),
        (writer, "evidence", "anchor_batch", {"digests": [bytes(32), bytes(32)]}),
        (admins[3], "evidence", "anchor", {"digest": bytes(32)}),  # not a member
        # the envelope
        (writer, "nowhere", "anchor", {"digest": bytes(32)}),
        (writer, "evidence", "nothing", {}),
        b"\xff\x00 not a transaction",
        b"\x82\x01",
    ]
    for step in refusals:  # one a block: a refusal before the action consumes no nonce
        seen += _send(chain, [step])
    return seen


def _hashed(results: list[TxResult]) -> tuple[bytes, list[Any]]:
    """What consensus and the indexes see of a block's results: everything but the logs."""
    encoded = [exec_tx_result_bytes(r.code, r.data, r.gas_wanted, r.gas_used) for r in results]
    seen = [(r.code, r.data, r.events, r.validator_updates) for r in results]
    return results_hash(encoded), seen


def reword_every_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ledger message says something else: exceptions (same code, same field), the
    reasons of accreditation paths and the descriptions of codes."""
    original_init = TxRejected.__init__
    original_str = LedgerError.__str__

    def reworded_init(
        self: TxRejected,
        code: ResultCode,
        reason: str,
        *,
        field: str = "",
        expected: object = None,
        got: object = None,
    ) -> None:
        original_init(
            self,
            code,
            f"reworded «{reason[::-1]}»",
            field=field,
            expected=None if expected is None else f"«{expected}» (reworded)",
            got=None if got is None else f"«{got}» (reworded)",
        )

    monkeypatch.setattr(TxRejected, "__init__", reworded_init)
    original_path = AccreditationPath.__init__

    def reworded_path(self: AccreditationPath, *args: Any, **fields: Any) -> None:
        original_path(self, *args, **fields)
        if self.reason:  # why an issuer is not accredited, in English: text, like messages
            object.__setattr__(self, "reason", f"reworded «{self.reason[::-1]}»")

    monkeypatch.setattr(AccreditationPath, "__init__", reworded_path)
    monkeypatch.setattr(LedgerError, "__str__", lambda self: f"REWORDED {original_str(self)}!")
    for code, (english, vietnamese) in list(codes.DESCRIPTIONS.items()):
        monkeypatch.setitem(
            codes.DESCRIPTIONS, code, (f"{english}, reworded", f"{vietnamese} (mới)")
        )


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[TrustChain]:
    made = TrustChain(tmp_path / "chain")
    try:
        yield made
    finally:
        made.close()


def test_rewording_every_message_changes_no_hash(
    chain: TrustChain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = _scenario(chain)
    reword_every_message(monkeypatch)
    replayed = replay_blocks(chain, tmp_path / "reworded")
    for height, (app_hash, again) in enumerate(replayed, start=1):
        assert app_hash == chain.app_hashes[height - 1], f"app hash differs at height {height}"
        stored = list(chain.store.load_results(height) or [])
        assert _hashed(again) == _hashed(stored), f"results differ at height {height}"
    assert len(replayed) == len(chain.app_hashes)
    logs = [r.log for _, again in replayed for r in again]
    assert len(logs) == len(results)
    changed = [(a, b.log) for a, b in zip(logs, results, strict=True) if a != b.log]
    assert changed, "the rewording did not reach the logs: the test would prove nothing"


def test_the_scenario_reaches_refusals_of_every_module(chain: TrustChain) -> None:
    """Failed proposals and refusals of each module, or rewording proves little."""
    found = {ResultCode(r.code) for r in _scenario(chain)}
    assert found >= {
        ResultCode.OK,
        ResultCode.PROPOSAL_CLOSED,
        ResultCode.UNKNOWN_PROPOSAL,
        ResultCode.BAD_CERTIFICATE,
        ResultCode.WRONG_CA,
        ResultCode.NOT_ORGANISATION_ADMIN,
        ResultCode.ROLE_REQUIRED,
        ResultCode.DID_EXISTS,
        ResultCode.INVALID_DID_NAME,
        ResultCode.NOT_DID_CONTROLLER,
        ResultCode.UNKNOWN_DID,
        ResultCode.INVALID_VERIFICATION_METHOD,
        ResultCode.NOT_ACCREDITED,
        ResultCode.SELF_ACCREDITATION,
        ResultCode.UNKNOWN_ACCREDITATION,
        ResultCode.SCHEMA_EXISTS,
        ResultCode.UNKNOWN_SCHEMA,
        ResultCode.STATUS_LIST_EXISTS,
        ResultCode.INVALID_STATUS_PURPOSE,
        ResultCode.STATUS_IRREVERSIBLE,
        ResultCode.STATUS_INDEX_OUT_OF_RANGE,
        ResultCode.WRONG_DIGEST_LENGTH,
        ResultCode.UNKNOWN_DIGEST_ALGORITHM,
        ResultCode.BATCH_EMPTY,
        ResultCode.DUPLICATE_IN_BATCH,
        ResultCode.CONSENT_EXISTS,
        ResultCode.INVALID_CONSENT_SIGNATURE,
        ResultCode.INVALID_PRIVACY_TERM,
        ResultCode.NOT_DATA_SUBJECT,
        ResultCode.CONSENT_NOT_LIVE,
        ResultCode.UNKNOWN_CONSENT,
        ResultCode.UNKNOWN_REQUEST,
        ResultCode.TIME_IN_FUTURE,
        ResultCode.UNKNOWN_SIGNER,
        ResultCode.UNKNOWN_MODULE,
        ResultCode.UNKNOWN_ACTION,
        ResultCode.MALFORMED,
    }
    failed = [p for p in list_proposals(chain.store) if p.status == FAILED]
    assert len(failed) == len(_passed_but_refused(chain))
