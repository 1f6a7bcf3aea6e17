"""Trust roots: from genesis, changed by the governance kind ``set_trust_roots``, with history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from trust_chain import DEGREE, TrustChain, block_time

from sen.ledger.codes import ResultCode
from sen.ledger.modules.governance.records import load_proposal
from sen.ledger.modules.trust import (
    TrustGenesisError,
    accreditation_at,
    load_roots,
    load_roots_version,
    roots_at,
    trust_changes,
)
from sen.ledger.state import EmptyState
from sen.light.genesis import load_genesis


def _pass(chain: TrustChain, roots: list[str]) -> str:
    """Propose set_trust_roots and vote it through (3 organisations: all three vote)."""
    proposal = chain.propose(chain.admins[0], "set_trust_roots", {"roots": roots})
    status, log = "", ""
    for admin in chain.admins[:3]:
        result = chain.vote(admin, proposal)
        assert result.code == 0, result.log
        status, log = result.data.decode(), result.log
        if status != "open":
            break
    found = load_proposal(chain.store, proposal)
    assert found is not None
    return status if not found.outcome else f"{status}: {found.outcome.name}: {log}"


def test_genesis_roots_are_version_one(chain: TrustChain) -> None:
    roots = load_roots(chain.store)
    assert roots is not None
    assert (roots.version, roots.roots, roots.height) == (1, ("did:sen:moet",), 0)
    assert roots.time_seconds == chain.genesis.genesis_time.seconds
    assert chain.genesis.trust == {"roots": ["did:sen:moet"]}
    assert json.loads(chain.genesis.app_state_bytes())["trust"] == {"roots": ["did:sen:moet"]}


def test_governance_changes_the_roots_and_history_answers_for_the_past(
    chain: TrustChain,
) -> None:
    chain.create_did(chain.issuers[0], "moet")
    chain.create_did(chain.issuers[1], "moh")
    chain.create_did(chain.issuers[1], "bachmai")
    chain.accredit(chain.issuers[0], "did:sen:moet", "did:sen:bachmai", DEGREE)
    granted_at = block_time(chain.height)
    refused = chain.trust(
        chain.issuers[1],
        "accredit",
        {"accreditor": "did:sen:moh", "issuer": "did:sen:bachmai", "credential_types": ["X"]},
    )
    assert refused.code == ResultCode.NOT_ACCREDITED  # moh is not a root yet

    assert _pass(chain, ["did:sen:moh"]) == "passed"  # moet is dropped, moh added
    changed_at = block_time(chain.height)
    roots = load_roots(chain.store)
    assert roots is not None and (roots.version, roots.roots) == (2, ("did:sen:moh",))
    assert (roots.height, roots.time_seconds) == (chain.height, changed_at)
    first = load_roots_version(chain.store, 1)
    assert first is not None and first.roots == ("did:sen:moet",)
    assert roots_at(chain.store, changed_at - 1) == ("did:sen:moet",)
    assert roots_at(chain.store, changed_at) == ("did:sen:moh",)
    assert roots_at(chain.store, chain.genesis.genesis_time.seconds - 1) == ()

    chain.accredit(chain.issuers[1], "did:sen:moh", "did:sen:bachmai", "MedicalLicenceCredential")
    # what moet granted held while moet was a root, and no longer does
    assert accreditation_at(chain.store, "did:sen:bachmai", DEGREE, granted_at).ok
    later = accreditation_at(chain.store, "did:sen:bachmai", DEGREE, block_time(chain.height))
    assert (later.ok, later.error) == (False, "not_accredited")
    assert "holds no accreditation" in later.reason


def test_a_new_root_must_exist_but_a_current_one_may_be_kept(tmp_path: Path) -> None:
    chain = TrustChain(tmp_path / "db", roots=["did:sen:moet", "did:sen:mic"])
    try:
        chain.create_did(chain.issuers[0], "moet")
        failed = _pass(chain, ["did:sen:mic", "did:sen:moet", "did:sen:nobody"])
        assert failed.startswith("failed: UNKNOWN_DID") and "did:sen:nobody" in failed
        roots = load_roots(chain.store)
        assert roots is not None and roots.version == 1  # nothing of it was applied
        # did:sen:mic does not exist on chain, but genesis made it a root: it may stay
        assert _pass(chain, ["did:sen:moet", "did:sen:mic"]) == "passed"
        roots = load_roots(chain.store)
        assert roots is not None and (roots.version, roots.roots) == (
            2,
            ("did:sen:mic", "did:sen:moet"),
        )
    finally:
        chain.close()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "args.payload.roots"),
        ({"roots": "did:sen:moet"}, "args.payload.roots"),
        ({"roots": ["did:sen:moet", "did:sen:moet"]}, "args.payload.roots[1]"),
        ({"roots": ["did:web:moet.gov.vn"]}, "args.payload.roots[0]"),
        ({"roots": ["did:sen:Moet"]}, "args.payload.roots[0]"),
        ({"roots": [f"did:sen:r{i}" for i in range(33)]}, "args.payload.roots"),
        ({"roots": [], "extra": 1}, "args.payload.extra"),
    ],
)
def test_a_bad_payload_is_refused_when_proposed(
    chain: TrustChain, payload: dict[str, object], field: str
) -> None:
    chain.refuse(
        chain.admins[0],
        "governance",
        "propose",
        {"kind": "set_trust_roots", "payload": payload},
        ResultCode.INVALID_PROPOSAL,
        field,
    )


def test_genesis_trust_section_is_checked() -> None:
    assert trust_changes(None, 0, 0) == []
    for document, field in (
        ([], "app_state.trust"),
        ({"roots": ["moet"]}, "app_state.trust.roots[0]"),
        ({"root": []}, "app_state.trust.root"),
    ):
        with pytest.raises(TrustGenesisError) as refused:
            trust_changes(document, 0, 0)
        assert refused.value.field == field
    assert roots_at(EmptyState(), 10**10) == ()


def test_a_genesis_without_trust_keeps_its_app_state(chain: TrustChain) -> None:
    document = json.loads(chain.genesis.raw)
    del document["app_state"]["trust"]
    genesis = load_genesis(json.dumps(document).encode())
    assert genesis.trust is None and "trust" not in json.loads(genesis.app_state_bytes())
