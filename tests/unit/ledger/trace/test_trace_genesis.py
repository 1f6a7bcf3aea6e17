"""Prefixes granted in the genesis file (``app_state.trace``)."""

from __future__ import annotations

import pytest

from sen.ledger import encoding
from sen.ledger.modules.base import GenesisContext
from sen.ledger.modules.trace.governed import TraceGenesisError, trace_genesis
from sen.ledger.modules.trace.records import PrefixGrant, holder_key, prefix_key
from sen.ledger.types import ChainParams

AT = GenesisContext(ChainParams(chain_id="vn-agri"), 1_780_000_000, 0, 0)
COOP = "did:sen:htx-xoai-son-la"


def test_no_section_grants_nothing() -> None:
    assert trace_genesis(None, AT) == []


def test_each_prefix_is_granted_at_genesis_with_its_holder_index() -> None:
    section = {"prefixes": [{"prefix": "8935678", "holder": COOP}]}
    grant = PrefixGrant("8935678", COOP, 0)
    assert trace_genesis(section, AT) == [
        (prefix_key("8935678"), encoding.encode(grant.to_value())),
        (holder_key(COOP, "8935678"), encoding.encode(0)),
    ]


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ([], "app_state.trace"),
        ({"prefixes": [], "roots": []}, "app_state.trace"),
        ({"prefixes": {}}, "app_state.trace.prefixes"),
        ({"prefixes": [{"prefix": "8935678"}]}, "app_state.trace.prefixes[0]"),
        ({"prefixes": [{"prefix": "89", "holder": COOP}]}, "app_state.trace.prefixes[0].prefix"),
        ({"prefixes": [{"prefix": "8935678", "holder": "did:web:x"}]},
         "app_state.trace.prefixes[0].holder"),
        ({"prefixes": [{"prefix": "8935678", "holder": COOP},
                       {"prefix": "89356781", "holder": "did:sen:other"}]},
         "app_state.trace.prefixes[1].prefix"),
    ],
)  # fmt: skip
def test_a_bad_section_names_its_field(section: object, field: str) -> None:
    with pytest.raises(TraceGenesisError) as refused:
        trace_genesis(section, AT)
    assert refused.value.field == field
