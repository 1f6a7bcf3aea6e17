"""Who speaks for which GS1 Company Prefix: grants and revocations by governance."""

from __future__ import annotations

import pytest
from trace_chain import COOPERATIVE, COOPERATIVE_PREFIX, PACKER, PACKER_PREFIX, TraceChain

from sen.ledger.codes import ResultCode
from sen.ledger.modules.trace import holder_of, load_grant, prefixes_of


def test_a_granted_prefix_names_its_holder_for_every_key_under_it(chain: TraceChain) -> None:
    chain.grant(COOPERATIVE_PREFIX, COOPERATIVE)
    decided_at = chain.height  # the deciding vote's block
    chain.grant(PACKER_PREFIX, PACKER)
    grant = load_grant(chain.store, COOPERATIVE_PREFIX)
    assert grant is not None and (grant.holder, grant.prefix) == (COOPERATIVE, COOPERATIVE_PREFIX)
    assert grant.height == decided_at
    # A GTIN's digits after its indicator digit start with the company prefix.
    found = holder_of(chain.store, "893567800015")
    assert found is not None and found.holder == COOPERATIVE
    assert holder_of(chain.store, "893999123450") is not None
    assert holder_of(chain.store, "893600000000") is None
    assert [g.prefix for g in prefixes_of(chain.store, COOPERATIVE)] == [COOPERATIVE_PREFIX]


@pytest.mark.parametrize("other", ["8935678", "89356781", "893567", "8935678000"])
def test_a_prefix_that_overlaps_a_grant_is_refused(chain: TraceChain, other: str) -> None:
    chain.grant(COOPERATIVE_PREFIX, COOPERATIVE)
    decided = chain.govern("grant_gs1_prefix", {"prefix": other, "holder": PACKER})
    assert (decided.status, decided.outcome) == ("failed", ResultCode.PREFIX_OVERLAPS)
    assert prefixes_of(chain.store, PACKER) == ()


def test_a_prefix_for_a_did_that_does_not_exist_is_refused(chain: TraceChain) -> None:
    decided = chain.govern("grant_gs1_prefix", {"prefix": "893111", "holder": "did:sen:ai-do"})
    assert (decided.status, decided.outcome) == ("failed", ResultCode.UNKNOWN_DID)
    assert load_grant(chain.store, "893111") is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"prefix": "893", "holder": COOPERATIVE}, "args.payload.prefix"),
        ({"prefix": "8935678901234", "holder": COOPERATIVE}, "args.payload.prefix"),
        ({"prefix": "89356a8", "holder": COOPERATIVE}, "args.payload.prefix"),
        ({"prefix": "８９３５６７８", "holder": COOPERATIVE}, "args.payload.prefix"),  # full width
        ({"prefix": 8935678, "holder": COOPERATIVE}, "args.payload.prefix"),
        ({"prefix": "8935678", "holder": "did:web:example.com"}, "args.payload.holder"),
        ({"prefix": "8935678"}, "args.payload.holder"),
        ({"prefix": "8935678", "holder": COOPERATIVE, "name": "x"}, "args.payload.name"),
    ],
)
def test_a_bad_grant_is_refused_when_proposed(
    chain: TraceChain, payload: dict[str, object], field: str
) -> None:
    result = chain.run(
        chain.admins[0], "governance", "propose", {"kind": "grant_gs1_prefix", "payload": payload}
    )
    assert result.code == ResultCode.INVALID_PROPOSAL
    assert field in result.log, result.log


def test_a_revoked_prefix_speaks_for_nobody_and_may_be_granted_again(chain: TraceChain) -> None:
    chain.grant(COOPERATIVE_PREFIX, COOPERATIVE)
    decided = chain.govern("revoke_gs1_prefix", {"prefix": COOPERATIVE_PREFIX})
    assert (decided.status, decided.outcome) == ("passed", ResultCode.OK)
    assert load_grant(chain.store, COOPERATIVE_PREFIX) is None
    assert prefixes_of(chain.store, COOPERATIVE) == ()
    chain.grant(COOPERATIVE_PREFIX, PACKER)
    assert [g.prefix for g in prefixes_of(chain.store, PACKER)] == [COOPERATIVE_PREFIX]


def test_revoking_a_prefix_never_granted_fails(chain: TraceChain) -> None:
    decided = chain.govern("revoke_gs1_prefix", {"prefix": "893111"})
    assert (decided.status, decided.outcome) == ("failed", ResultCode.UNKNOWN_PREFIX)
