"""An outside reviewer's checks (issue 14) on the directory dataset's new ``jurisdiction``:
consensus must not move for entries that do not use it, and the field takes nothing but a
code.

Tests that pass show an attack refused (or the encoding kept).
"""

from __future__ import annotations

from typing import Any

import pytest
from directory_entries import entry, passes, sha
from trust_chain import TrustChain

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.modules.directory import chain_key, dataset_key, load_dataset
from sen.ledger.modules.governance.records import load_proposal, next_proposal_id

EDU = "sen://vn-edu"


def _old_dataset(uri: str, record_type: str, module: str, digest: bytes | None) -> dict[str, Any]:
    """A dataset's value as the directory wrote it before ``jurisdiction`` existed (the five
    fields of commit c63609e's parent), written out by hand."""
    return {
        "uri": uri, "chain_id": "vn-edu", "record_type": record_type, "module": module,
        "schema_digest": digest,
    }  # fmt: skip


def _old_entry(height: int, sequence: int = 1) -> dict[str, Any]:
    made = entry()
    return {
        "chain_id": "vn-edu", "genesis_hash": made["genesis_hash"], "operator": "org-1",
        "sector": "education", "endpoints": made["endpoints"],
        "validators_hash": made["validators_hash"], "links": made["links"],
        "datasets": [
            _old_dataset(f"{EDU}/evidence/diploma", "diploma", "evidence", sha("diploma schema")),
            _old_dataset(f"{EDU}/status/credential-status/2025", "credential-status", "status",
                         None),
        ],
        "sequence": sequence, "registered_height": height, "updated_height": height,
    }  # fmt: skip


def test_an_entry_without_jurisdiction_keeps_the_old_bytes(chain: TrustChain) -> None:
    """The state a node wrote before the field existed is the state a new node writes for the
    same proposal: the entry, each dataset and the proposal's stored payload."""
    proposal = next_proposal_id(chain.store)
    passes(chain, "register_chain", entry())
    height = chain.height
    assert chain.store.get(chain_key("vn-edu")) == encoding.encode(_old_entry(height))
    old = _old_entry(height)["datasets"]
    for dataset in old:
        assert chain.store.get(dataset_key(dataset["uri"])) == encoding.encode(dataset)
    stored = load_proposal(chain.store, proposal)
    assert stored is not None
    assert all("jurisdiction" not in d for d in stored.payload["datasets"])


def test_an_update_of_other_fields_keeps_the_datasets_bytes(chain: TrustChain) -> None:
    passes(chain, "register_chain", entry())
    before = {d["uri"]: chain.store.get(dataset_key(d["uri"])) for d in entry()["datasets"]}
    passes(chain, "update_chain", {"chain_id": "vn-edu", "sector": "vocational"})
    after = {uri: chain.store.get(dataset_key(uri)) for uri in before}
    assert after == before
    raw = chain.store.get(chain_key("vn-edu"))
    assert raw is not None
    for dataset in encoding.decode(raw)["datasets"]:
        assert "jurisdiction" not in dataset


@pytest.mark.parametrize(
    "value",
    [None, "", "vn", "VN ", "VN\n", "VNM", "VN-HANOI", "ＶＮ", "VN-Hà", ["VN"], b"VN", 84, True],
)
def test_a_jurisdiction_that_is_not_a_code_is_refused(chain: TrustChain, value: Any) -> None:
    """Including an explicit null: it would otherwise be a third encoding (absent, code,
    null) of the same meaning."""
    dataset = {"uri": f"{EDU}/privacy/vault/a", "record_type": "vault", "module": "privacy",
               "jurisdiction": value}  # fmt: skip
    before = next_proposal_id(chain.store)
    chain.refuse(
        chain.admins[0], "governance", "propose",
        {"kind": "register_chain", "payload": entry(datasets=[dataset])},
        ResultCode.INVALID_PROPOSAL, "args.payload.datasets[0].jurisdiction",
    )  # fmt: skip
    assert next_proposal_id(chain.store) == before
    assert load_dataset(chain.store, dataset["uri"]) is None


def test_a_declared_jurisdiction_is_kept_and_can_be_removed(chain: TrustChain) -> None:
    dataset = {"uri": f"{EDU}/privacy/vault/a", "record_type": "vault", "module": "privacy",
               "jurisdiction": "VN-HN"}  # fmt: skip
    passes(chain, "register_chain", entry(datasets=[dataset]))
    found = load_dataset(chain.store, dataset["uri"])
    assert found is not None and found.jurisdiction == "VN-HN"
    plain = {k: v for k, v in dataset.items() if k != "jurisdiction"}
    passes(chain, "update_chain", {"chain_id": "vn-edu", "datasets": [plain]})
    raw = chain.store.get(dataset_key(dataset["uri"]))
    assert raw == encoding.encode(
        {"uri": dataset["uri"], "chain_id": "vn-edu", "record_type": "vault",
         "module": "privacy", "schema_digest": None}
    )  # fmt: skip


def test_replaying_blocks_with_and_without_jurisdictions_gives_the_same_app_hashes(
    chain: TrustChain, tmp_path: Any
) -> None:
    from trust_chain import replay_blocks

    passes(chain, "register_chain", entry())
    dataset = {"uri": "sen://vn-moit/privacy/vault/a", "record_type": "vault",
               "module": "privacy", "jurisdiction": "VN-SG"}  # fmt: skip
    passes(chain, "register_chain", entry("vn-moit", operator="org-2", sector="trade",
                                          datasets=[dataset], links=[]))  # fmt: skip
    passes(chain, "update_chain", {"chain_id": "vn-moit", "datasets": []})
    replayed = replay_blocks(chain, tmp_path / "replay")
    assert [app_hash for app_hash, _ in replayed] == chain.app_hashes
