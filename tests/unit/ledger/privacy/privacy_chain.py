"""A permissioned chain with two hospitals, a patient's pairwise did:key and an auditor.

Hospital A (``did:sen:benh-vien-a``, controlled by org-0's issuer) holds the patient's
records; hospital B (``did:sen:benh-vien-b``, org-1's issuer) asks to read them. The patient
is no member: its wallet key signs consents and sends its own withdrawals and requests.
Blocks are ten seconds apart unless a test moves the clock on (:meth:`PrivacyChain.wait`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from consortium import CHAIN_ID, GENESIS_SECONDS, VALIDATOR_KEY, issue, key
from cryptography.hazmat.primitives.serialization import Encoding
from trust_chain import TrustChain

from sen.abci.types import RequestCheckTx, RequestFinalizeBlock, RequestInitChain, ValidatorUpdate
from sen.consensus.app import SenApp
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.identity import encode_multikey
from sen.ledger.modules.privacy import ConsentTerms, consent_message
from sen.ledger.tx import Tx
from sen.ledger.types import TxResult
from sen.sdk.privacy import new_consent_id
from sen.services.vault.vault import Vault
from sen.store.db import Database

HOSPITAL_A = "did:sen:benh-vien-a"
HOSPITAL_B = "did:sen:benh-vien-b"
TREATMENT = "dpv:ServiceProvision"
SUMMARY = "pd:HealthRecord"
DAY = 24 * 3600


def did_key(signer: SigningKey) -> str:
    return "did:key:" + encode_multikey(signer.suite, signer.public_key)


class PrivacyChain(TrustChain):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.times: list[int] = []  # each block's time, for replays
        self.skew = 0  # seconds added to every block's time from now on
        self.patient = key(80)
        self.stranger = key(81)
        self.auditor = key(82)
        self.hospital_a, self.hospital_b = self.issuers[0], self.issuers[1]
        self.create_did(self.hospital_a, "benh-vien-a")
        self.create_did(self.hospital_b, "benh-vien-b")
        certificate = issue(*self.cas[2], self.auditor, ["auditor"], 820, "Thanh tra")
        enrolled = self.run(
            self.auditor, "membership", "enroll",
            {"certificate": certificate.public_bytes(Encoding.DER)},
        )  # fmt: skip
        assert enrolled.code == 0, enrolled.log

    def next_time(self) -> int:
        return GENESIS_SECONDS + 10 * (self.height + 1) + self.skew

    def wait(self, seconds: int) -> None:
        """Move the clock on: the next block is ``seconds`` later than it would have been."""
        self.skew += seconds

    def block(self, *txs: Tx) -> list[TxResult]:
        seconds = self.next_time()
        self.blocks.append(tuple(t.raw for t in txs))
        self.times.append(seconds)
        response = self.app.finalize_block(
            RequestFinalizeBlock(
                txs=tuple(t.raw for t in txs), hash=bytes(32), height=self.height + 1,
                time=Timestamp(seconds, 0), next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        )  # fmt: skip
        self.app.commit()
        self.last_updates = response.validator_updates
        self.app_hashes.append(self.app.app_hash)
        return list(self.app.store.load_results(self.height) or [])

    def check(self, signer: SigningKey, module: str, action: str, args: dict[str, Any]) -> int:
        """CheckTx's code for this transaction (0: it would enter the mempool)."""
        raw = self.tx(signer, module, action, args).raw
        return int(self.app.check_tx(RequestCheckTx(raw)).code)

    def refuse(
        self,
        signer: SigningKey,
        module: str,
        action: str,
        args: dict[str, Any],
        code: ResultCode,
        field: str,
    ) -> TxResult:
        """The trust chain's refusal (code, field, expected, got, at this chain's next block
        time), and no privacy state written by it."""
        before = {k: self.store.get(k) for k in _privacy_keys(self)}
        result = super().refuse(signer, module, action, args, code, field)
        assert {k: self.store.get(k) for k in _privacy_keys(self)} == before
        return result

    def terms(self, **changes: Any) -> dict[str, Any]:
        """Consent arguments, hospital B reading A's summaries for treatment for 30 days."""
        terms: dict[str, Any] = {
            "subject": did_key(self.patient),
            "controller": HOSPITAL_A,
            "recipients": [HOSPITAL_B],
            "purposes": [TREATMENT],
            "categories": [SUMMARY],
            "legal_basis": "dpv:ExplicitlyExpressedConsent",
            "decision": "given",
            "expires": self.next_time() + 30 * DAY,
        }
        terms.update(changes)
        if "id" not in changes:  # bound to the subject and controller, as the chain asks
            terms["id"] = new_consent_id(str(terms["subject"]), str(terms["controller"]))
        return terms

    def signed(self, terms: dict[str, Any], signer: SigningKey | None = None) -> dict[str, Any]:
        """``terms`` with the patient's (or ``signer``'s) signature for this chain."""
        message = consent_message(CHAIN_ID, ConsentTerms.from_value(terms))
        return {**terms, "signature": (signer or self.patient).sign(message)}

    def consent(self, by: SigningKey | None = None, **changes: Any) -> bytes:
        """Record (as hospital A, or ``by``) a consent the patient signed; its id."""
        args = self.signed(self.terms(**changes))
        self.ok(by or self.hospital_a, "privacy", "record_consent", args)
        return bytes(args["id"])

    def replay(self, path: Path) -> list[bytes]:
        """The app hashes a fresh application computes from the same blocks."""
        db = Database(path, sync=False)
        app = SenApp(db, self.genesis)
        try:
            app.init_chain(
                RequestInitChain(
                    time=self.genesis.genesis_time, chain_id=CHAIN_ID,
                    validators=(ValidatorUpdate("ed25519", VALIDATOR_KEY, 10),),
                    app_state_bytes=self.genesis.app_state_bytes(), initial_height=1,
                )
            )  # fmt: skip
            hashes = []
            for height, (txs, seconds) in enumerate(zip(self.blocks, self.times, strict=True), 1):
                app.finalize_block(
                    RequestFinalizeBlock(
                        txs=txs, hash=bytes(32), height=height, time=Timestamp(seconds, 0),
                        next_validators_hash=bytes(32), proposer_address=bytes(20),
                    )
                )  # fmt: skip
                app.commit()
                hashes.append(app.app_hash)
            return hashes
        finally:
            app.verifier.close()
            db.close()


def _privacy_keys(chain: PrivacyChain) -> list[bytes]:
    return [k for k, _ in chain.store.scan(b"privacy/", b"privacy0", 10_000)]


def digest(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def read_for(
    chain: PrivacyChain, vault: Vault, reference: bytes, consent: bytes, **asked: Any
) -> bytes:
    """``vault.read`` as hospital B for treatment, at the last block's time, unless ``asked``
    says otherwise (``reader``, ``purpose``, ``at``)."""
    wanted: dict[str, Any] = {"reader": HOSPITAL_B, "purpose": TREATMENT}
    wanted.update(asked)
    at = wanted.pop("at", chain.times[-1])
    return vault.read(reference, consent=consent, state=chain.store, at=at, **wanted)
