"""The chain directory, changed only by governance: register, update, remove, and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from directory_entries import decide, entry, passes, sha
from trust_chain import TrustChain, replay_blocks

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.modules.directory import (
    ChainEntry,
    chain_key,
    dataset_key,
    list_chains,
    load_chain,
    load_counts,
    load_dataset,
    load_type_index,
    type_key,
)
from sen.ledger.modules.directory.records import COUNT_KEY, sequence_key
from sen.ledger.modules.governance.records import next_proposal_id

EDU_URIS = ("sen://vn-edu/evidence/diploma", "sen://vn-edu/status/credential-status/2025")
TYPES = ("diploma", "credential-status", "product-lot")


def _directory_state(chain: TrustChain, *chain_ids: str) -> list[bytes | None]:
    """Every directory key the tests can reach, with its value (None: absent)."""
    keys = [COUNT_KEY, *(sequence_key(n) for n in range(1, 6))]
    keys += [chain_key(c) for c in chain_ids]
    keys += [type_key(t) for t in TYPES]
    keys += [dataset_key(u) for c in chain_ids for u in _uris(c)]
    return [chain.store.get(key) for key in keys]


def _uris(chain_id: str) -> list[str]:
    return [d["uri"] for d in entry(chain_id)["datasets"]] + [f"sen://{chain_id}/trace/product-lot"]


def test_a_registered_chain_is_stored_with_its_catalogue_and_indexes(chain: TrustChain) -> None:
    passes(chain, "register_chain", entry())
    found = load_chain(chain.store, "vn-edu")
    assert found is not None
    assert (found.operator, found.sector, found.sequence) == ("org-1", "education", 1)
    assert found.genesis_hash == sha("genesis of vn-edu")
    assert [e.kind for e in found.endpoints] == ["rest", "p2p"]
    assert [(link.counterparty, link.client_id) for link in found.links] == [
        ("vn-labour", "sen-client-0")
    ]
    assert found.registered_height == found.updated_height == chain.height
    assert tuple(d.uri for d in found.datasets) == EDU_URIS
    diploma = load_dataset(chain.store, EDU_URIS[0])
    assert diploma is not None and diploma.schema_digest == sha("diploma schema")
    assert (diploma.chain_id, diploma.module, diploma.record_type) == (
        "vn-edu",
        "evidence",
        "diploma",
    )
    status = load_dataset(chain.store, EDU_URIS[1])
    assert status is not None and status.schema_digest is None
    assert load_type_index(chain.store, "diploma") == (EDU_URIS[0],)
    assert load_counts(chain.store) == (1, 1)
    # the stored value is the canonical encoding of the entry, nothing else
    raw = chain.store.get(chain_key("vn-edu"))
    assert raw is not None and ChainEntry.from_value(encoding.decode(raw)) == found
    assert encoding.encode(found.to_value()) == raw


def test_a_dataset_may_say_where_its_data_lives(chain: TrustChain) -> None:
    """A personal-data vault's dataset declares its jurisdiction (ISO 3166); a dataset that
    does not keeps the encoding it had before the field existed."""
    vault = {
        "uri": "sen://vn-health/privacy/vault/benh-vien-a", "record_type": "vault",
        "module": "privacy", "jurisdiction": "VN-HN",
    }  # fmt: skip
    health = entry("vn-health", sector="health", datasets=[vault], links=[])
    passes(chain, "register_chain", health)
    found = load_dataset(chain.store, vault["uri"])
    assert found is not None and found.jurisdiction == "VN-HN"
    status = entry()["datasets"][1]
    passes(chain, "register_chain", {**entry(), "datasets": [status]})
    plain = load_dataset(chain.store, status["uri"])
    assert plain is not None and plain.jurisdiction is None
    assert "jurisdiction" not in plain.to_value()
    raw = chain.store.get(dataset_key(status["uri"]))
    assert raw == encoding.encode(plain.to_value())


def test_update_replaces_the_fields_given_and_reindexes_the_catalogue(chain: TrustChain) -> None:
    passes(chain, "register_chain", entry())
    moit = entry("vn-moit", operator="org-2", sector="trade")
    passes(chain, "register_chain", {**moit, "datasets": moit["datasets"][:1]})
    assert load_type_index(chain.store, "diploma") == (
        "sen://vn-edu/evidence/diploma",
        "sen://vn-moit/evidence/diploma",
    )
    lot = {"uri": "sen://vn-edu/trace/product-lot", "record_type": "product-lot", "module": "trace"}
    passes(
        chain,
        "update_chain",
        {"chain_id": "vn-edu", "sector": "vocational", "datasets": [lot], "links": []},
    )
    found = load_chain(chain.store, "vn-edu")
    assert found is not None
    assert (found.sector, found.links, found.operator, found.sequence) == (
        "vocational",
        (),
        "org-1",
        1,
    )
    assert found.updated_height == chain.height > found.registered_height
    assert load_dataset(chain.store, EDU_URIS[0]) is None
    assert load_dataset(chain.store, EDU_URIS[1]) is None
    assert chain.store.get(type_key("credential-status")) is None  # no URI of it is left
    assert load_type_index(chain.store, "diploma") == ("sen://vn-moit/evidence/diploma",)
    assert load_type_index(chain.store, "product-lot") == ("sen://vn-edu/trace/product-lot",)
    assert load_counts(chain.store) == (2, 2)


def test_remove_deletes_the_entry_its_catalogue_and_its_place(chain: TrustChain) -> None:
    passes(chain, "register_chain", entry())
    passes(chain, "register_chain", entry("vn-moit", operator="org-2"))
    passes(chain, "remove_chain", {"chain_id": "vn-edu"})
    assert load_chain(chain.store, "vn-edu") is None
    assert all(load_dataset(chain.store, uri) is None for uri in EDU_URIS)
    assert chain.store.get(sequence_key(1)) is None
    assert load_type_index(chain.store, "diploma") == ("sen://vn-moit/evidence/diploma",)
    assert load_counts(chain.store) == (2, 1)
    listed, following = list_chains(chain.store)
    assert [e.chain_id for e in listed] == ["vn-moit"] and following is None
    # registered again, it takes a new place at the end
    passes(chain, "register_chain", entry())
    listed, _ = list_chains(chain.store)
    assert [(e.chain_id, e.sequence) for e in listed] == [("vn-moit", 2), ("vn-edu", 3)]


def test_listing_pages_in_registration_order(chain: TrustChain) -> None:
    for name in ("vn-c", "vn-a", "vn-b"):
        passes(chain, "register_chain", entry(name, links=[], datasets=[]))
    first, following = list_chains(chain.store, limit=2)
    assert [e.chain_id for e in first] == ["vn-c", "vn-a"] and following == 2
    rest, following = list_chains(chain.store, after=2, limit=2)
    assert [e.chain_id for e in rest] == ["vn-b"] and following is None


@pytest.mark.parametrize(
    ("kind", "payload", "code", "setup"),
    [
        ("register_chain", entry(), "CHAIN_EXISTS", True),
        ("register_chain", entry("vn-moh", operator="org-9"), "UNKNOWN_ORGANISATION", False),
        ("update_chain", {"chain_id": "vn-moh", "sector": "health"}, "UNKNOWN_CHAIN", False),
        ("update_chain", {"chain_id": "vn-edu", "operator": "org-9"}, "UNKNOWN_ORGANISATION", True),
        ("remove_chain", {"chain_id": "vn-moh"}, "UNKNOWN_CHAIN", True),
    ],
)
def test_a_passed_proposal_the_state_refuses_fails_and_changes_nothing(
    chain: TrustChain, kind: str, payload: dict[str, Any], code: str, setup: bool
) -> None:
    if setup:
        passes(chain, "register_chain", entry())
    before = _directory_state(chain, "vn-edu", "vn-moh")
    assert decide(chain, kind, payload) == ("failed", code)
    assert _directory_state(chain, "vn-edu", "vn-moh") == before


def test_a_removed_organisation_cannot_operate_a_chain(chain: TrustChain) -> None:
    passes(chain, "remove_organisation", {"id": "org-2"})
    before = _directory_state(chain, "vn-moit")
    assert decide(chain, "register_chain", entry("vn-moit", operator="org-2")) == (
        "failed",
        "ORGANISATION_REMOVED",
    )
    assert _directory_state(chain, "vn-moit") == before


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != key}


def _dataset(**changes: Any) -> dict[str, Any]:
    return {
        "uri": "sen://vn-edu/evidence/diploma",
        "record_type": "diploma",
        "module": "evidence",
    } | changes


def _link(**changes: Any) -> dict[str, Any]:
    return {
        "counterparty": "vn-labour",
        "client_id": "sen-client-0",
        "counterparty_client_id": "sen-client-1",
    } | changes


REST = {"kind": "rest", "url": "https://api.vn-edu.sen.gov.vn"}


@pytest.mark.parametrize(
    ("kind", "payload", "field"),
    [
        ("register_chain", {}, "args.payload.chain_id"),
        ("register_chain", entry(name="Bộ Giáo dục"), "args.payload.name"),  # no names
        ("register_chain", entry("vn edu"), "args.payload.chain_id"),
        ("register_chain", entry("x" * 51), "args.payload.chain_id"),
        ("register_chain", entry(chain_id=7), "args.payload.chain_id"),
        ("register_chain", _without(entry(), "genesis_hash"), "args.payload.genesis_hash"),
        ("register_chain", entry(genesis_hash=bytes(31)), "args.payload.genesis_hash"),
        ("register_chain", entry(genesis_hash="ab" * 32), "args.payload.genesis_hash"),
        ("register_chain", _without(entry(), "validators_hash"), "args.payload.validators_hash"),
        ("register_chain", entry(operator="Org 1"), "args.payload.operator"),
        ("register_chain", entry(sector=""), "args.payload.sector"),
        ("register_chain", entry(endpoints=[]), "args.payload.endpoints"),
        ("register_chain", entry(endpoints=REST), "args.payload.endpoints"),
        ("register_chain", entry(endpoints=[REST] * 9), "args.payload.endpoints"),
        ("register_chain", entry(endpoints=[REST, REST]), "args.payload.endpoints[1]"),
        (
            "register_chain",
            entry(endpoints=[{"kind": "grpc", "url": "https://x"}]),
            "args.payload.endpoints[0].kind",
        ),
        (
            "register_chain",
            entry(endpoints=[{"kind": "rest", "url": "ftp://x"}]),
            "args.payload.endpoints[0].url",
        ),
        (
            "register_chain",
            entry(endpoints=[REST, {"kind": "p2p", "url": "https://node.vn"}]),
            "args.payload.endpoints[1].url",
        ),
        (
            "register_chain",
            entry(endpoints=[{**REST, "label": "main"}]),
            "args.payload.endpoints[0].label",
        ),
        ("register_chain", entry(endpoints=[{"kind": "rest"}]), "args.payload.endpoints[0].url"),
        (
            "register_chain",
            entry(endpoints=[{"kind": "rest", "url": "https://a.vn/" + "x" * 250}]),
            "args.payload.endpoints[0].url",
        ),
        ("register_chain", entry(links={}), "args.payload.links"),
        (
            "register_chain",
            entry(links=[_link(counterparty="vn-edu")]),
            "args.payload.links[0].counterparty",
        ),
        ("register_chain", entry(links=[_link(client_id="x")]), "args.payload.links[0].client_id"),
        (
            "register_chain",
            entry(links=[_without(_link(), "counterparty_client_id")]),
            "args.payload.links[0].counterparty_client_id",
        ),
        (
            "register_chain",
            entry(links=[_link(), _link(counterparty="vn-moh")]),
            "args.payload.links[1]",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(uri="sen://vn-moh/evidence/diploma")]),
            "args.payload.datasets[0].uri",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(module="status")]),
            "args.payload.datasets[0].uri",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(uri="https://vn-edu/evidence/diploma")]),
            "args.payload.datasets[0].uri",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(uri="sen://vn-edu/evidence/diplomas")]),
            "args.payload.datasets[0].uri",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(), _dataset()]),
            "args.payload.datasets[1]",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(schema_digest=bytes(16))]),
            "args.payload.datasets[0].schema_digest",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(jurisdiction="Hà Nội")]),
            "args.payload.datasets[0].jurisdiction",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(jurisdiction="ZZ-HN")]),  # no country has ZZ
            "args.payload.datasets[0].jurisdiction",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(record_type="")]),
            "args.payload.datasets[0].record_type",
        ),
        (
            "register_chain",
            entry(datasets=[_dataset(title="Văn bằng")]),
            "args.payload.datasets[0].title",
        ),
        ("register_chain", entry(datasets=[_dataset()] * 257), "args.payload.datasets"),
        ("update_chain", {"chain_id": "vn-edu"}, "args.payload"),
        (
            "update_chain",
            {"chain_id": "vn-edu", "registered_height": 1},
            "args.payload.registered_height",
        ),
        ("update_chain", {"sector": "health"}, "args.payload.chain_id"),
        ("update_chain", {"chain_id": "vn-edu", "sector": "Y tế"}, "args.payload.sector"),
        ("remove_chain", {"chain_id": "vn-edu", "sector": "x"}, "args.payload.sector"),
        ("remove_chain", {"chain_id": ""}, "args.payload.chain_id"),
    ],
)
def test_a_bad_payload_is_refused_when_proposed_and_nothing_is_written(
    chain: TrustChain, kind: str, payload: dict[str, Any], field: str
) -> None:
    before = (next_proposal_id(chain.store), _directory_state(chain, "vn-edu"))
    chain.refuse(
        chain.admins[0],
        "governance",
        "propose",
        {"kind": kind, "payload": payload},
        ResultCode.INVALID_PROPOSAL,
        field,
    )
    assert (next_proposal_id(chain.store), _directory_state(chain, "vn-edu")) == before


def test_replaying_the_blocks_gives_the_same_app_hashes(chain: TrustChain, tmp_path: Path) -> None:
    passes(chain, "register_chain", entry())
    passes(chain, "register_chain", entry("vn-moit", operator="org-2", sector="trade"))
    assert decide(chain, "register_chain", entry()) == ("failed", "CHAIN_EXISTS")
    passes(chain, "update_chain", {"chain_id": "vn-edu", "datasets": []})
    passes(chain, "remove_chain", {"chain_id": "vn-moit"})
    replayed = replay_blocks(chain, tmp_path / "replay")
    assert [app_hash for app_hash, _ in replayed] == chain.app_hashes
    for height, (_, results) in enumerate(replayed, start=1):
        stored = chain.store.load_results(height) or []
        assert [(r.code, r.data) for r in results] == [(r.code, r.data) for r in stored]
