"""A permissioned chain with a mango cooperative and a packer, each with its DID.

The cooperative (``did:sen:htx-xoai-son-la``) is controlled by org-0's issuer key, the
packer (``did:sen:dong-goi-moc-chau``) by org-1's. Prefixes are granted by governance:
the three organisations' admins vote.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from trust_chain import TrustChain

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.light.merkle import hash_from_byte_slices
from sen.ledger.modules.governance.records import Proposal, load_proposal
from sen.ledger.modules.trace import capture_leaf
from sen.ledger.types import TxResult

COOPERATIVE = "did:sen:htx-xoai-son-la"
PACKER = "did:sen:dong-goi-moc-chau"
COOPERATIVE_PREFIX = "8935678"
PACKER_PREFIX = "893999"


class TraceChain(TrustChain):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.cooperative, self.packer = self.issuers[0], self.issuers[1]
        self.create_did(self.cooperative, "htx-xoai-son-la")
        self.create_did(self.packer, "dong-goi-moc-chau")

    def govern(self, kind: str, payload: dict[str, Any]) -> Proposal:
        """Propose ``kind``, vote it through with every admin: the proposal as decided."""
        proposal = self.propose(self.admins[0], kind, payload)
        for admin in self.admins[:3]:
            self.vote(admin, proposal)
        record = load_proposal(self.store, proposal)
        assert record is not None
        return record

    def grant(self, prefix: str, holder: str) -> None:
        decided = self.govern("grant_gs1_prefix", {"prefix": prefix, "holder": holder})
        assert (decided.status, decided.outcome) == ("passed", ResultCode.OK), decided

    def capture(self, **changes: Any) -> dict[str, Any]:
        """Arguments of a capture job by the cooperative: two leaves, its own prefix."""
        capture = os.urandom(16)
        leaves = [
            capture_leaf(bytes([n]) * 32, bytes([n + 1]) * 32, 1_700_000_000_000 + n, capture,
                         COOPERATIVE)
            for n in range(2)
        ]  # fmt: skip
        args: dict[str, Any] = {
            "capture": capture,
            "capturer": COOPERATIVE,
            "root": hash_from_byte_slices(leaves),
            "count": len(leaves),
            "prefixes": [COOPERATIVE_PREFIX],
        }
        args.update(changes)
        return args

    def record(self, signer: SigningKey, args: dict[str, Any]) -> TxResult:
        return self.run(signer, "trace", "record_capture", args)
