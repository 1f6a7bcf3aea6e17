"""The same blocks give the same results and app hashes in another application (determinism)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trust_chain import DEGREE, TRANSCRIPT, TrustChain, replay_blocks

MOET, DEPT, UET, HUST = "did:sen:moet", "did:sen:moet.dept", "did:sen:vnu.uet", "did:sen:hust"


def _scenario(chain: TrustChain) -> list[int]:
    """Accreditations, a refusal, a revocation, a schema and a status list; the result codes."""
    for index, name in ((0, "moet"), (0, "moet.dept"), (1, "vnu.uet"), (1, "hust")):
        chain.create_did(chain.issuers[index], name)
    steps: list[tuple[int, str, str, dict[str, Any]]] = [
        (
            0,
            "trust",
            "accredit",
            {
                "accreditor": MOET,
                "issuer": DEPT,
                "credential_types": [DEGREE, TRANSCRIPT],
                "may_accredit": True,
            },
        ),
        (
            0,
            "trust",
            "accredit",
            {
                "accreditor": DEPT,
                "issuer": UET,
                "credential_types": [DEGREE],
                "valid_until": 1_900_000_000,
            },
        ),
        (1, "trust", "accredit", {"accreditor": HUST, "issuer": UET, "credential_types": [DEGREE]}),
        (0, "trust", "revoke_accreditation", {"issuer": UET, "id": 1}),
        (
            0,
            "trust",
            "register_schema",
            {
                "id": "https://s.moet.gov.vn/d/1.json",
                "name": "Degree",
                "version": "1",
                "credential_type": DEGREE,
                "digest": bytes(range(32)),
                "issuer": MOET,
            },
        ),
        (0, "status", "create_list", {"list": "r", "issuer": MOET, "purpose": "revocation"}),
        (0, "status", "update", {"list": "r", "issuer": MOET, "set": [5, 17, 131_071]}),
        (0, "status", "update", {"list": "r", "issuer": MOET, "clear": [5]}),
    ]
    return [chain.run(chain.issuers[i], m, a, args).code for i, m, a, args in steps]


def test_a_replay_reaches_the_same_app_hash_at_every_height(tmp_path: Path) -> None:
    chain = TrustChain(tmp_path / "chain")
    try:
        codes = _scenario(chain)
        assert codes == [0, 0, 223, 0, 0, 0, 0, 248]  # hust may not accredit; no un-revoking
        replayed = replay_blocks(chain, tmp_path / "replay")
        again = replay_blocks(chain, tmp_path / "again")
        assert replayed == again
        assert [app_hash for app_hash, _ in replayed] == chain.app_hashes
        assert [results for _, results in replayed] == [
            chain.store.load_results(h) for h in range(1, chain.height + 1)
        ]
    finally:
        chain.close()
