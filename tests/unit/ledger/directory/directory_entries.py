"""Directory entries for the tests, and passing proposals on a :class:`TrustChain`.

The chain has three organisations (``org-0`` … ``org-2``); the default
threshold of 2/3 needs all three votes.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from sen.ledger.codes import ResultCode
from sen.ledger.modules.governance.records import load_proposal

if TYPE_CHECKING:  # the REST tests import the entries without the unit tests' chain
    from trust_chain import TrustChain


def sha(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def entry(chain_id: str = "vn-edu", **changes: Any) -> dict[str, Any]:
    """A whole ``register_chain`` payload; ``changes`` replace or add fields."""
    made: dict[str, Any] = {
        "chain_id": chain_id,
        "genesis_hash": sha(f"genesis of {chain_id}"),
        "operator": "org-1",
        "sector": "education",
        "endpoints": [
            {"kind": "rest", "url": f"https://api.{chain_id}.sen.gov.vn"},
            {"kind": "p2p", "url": "ab" * 20 + "@10.0.0.1:26656"},
        ],
        "validators_hash": sha(f"validators of {chain_id}"),
        "links": [
            {
                "counterparty": "vn-labour",
                "client_id": "sen-client-0",
                "counterparty_client_id": "sen-client-3",
            }
        ],
        "datasets": [
            {
                "uri": f"sen://{chain_id}/evidence/diploma",
                "record_type": "diploma",
                "module": "evidence",
                "schema_digest": sha("diploma schema"),
            },
            {
                "uri": f"sen://{chain_id}/status/credential-status/2025",
                "record_type": "credential-status",
                "module": "status",
            },
        ],
    }
    made.update(changes)
    return made


def decide(chain: TrustChain, kind: str, payload: dict[str, Any]) -> tuple[str, str]:
    """Propose and vote until decided: (status, the refusal's code name or "")."""
    proposal = chain.propose(chain.admins[0], kind, payload)
    status = ""
    for admin in chain.admins[:3]:
        result = chain.vote(admin, proposal)
        assert result.code == 0, result.log
        status = result.data.decode()
        if status != "open":
            break
    found = load_proposal(chain.store, proposal)
    assert found is not None
    return status, "" if not found.outcome else ResultCode(found.outcome).name


def passes(chain: TrustChain, kind: str, payload: dict[str, Any]) -> None:
    assert decide(chain, kind, payload) == ("passed", "")
