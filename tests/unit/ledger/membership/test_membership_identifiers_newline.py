"""Identifiers are matched whole: a trailing newline is not a valid organisation id."""

from __future__ import annotations

import pytest

from sen.ledger.errors import TxRejected
from sen.ledger.modules.membership.registry import identifier


@pytest.mark.parametrize("bad", ["org\n", "org\n\n", "\norg", "Org", ""])
def test_an_identifier_with_a_newline_or_capitals_is_refused(bad: str) -> None:
    with pytest.raises(TxRejected):
        identifier(bad, "args.organisation", "organisation id")


def test_a_plain_identifier_is_accepted() -> None:
    assert identifier("uni-hanoi", "args.organisation", "organisation id") == "uni-hanoi"
