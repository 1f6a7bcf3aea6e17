"""Governance over REST: a failed proposal shows the code the chain keeps and its log."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "ledger" / "governance"))

from consortium import Consortium

from sen.api.routes.governance import proposal, proposals
from sen.store.index import Index


@pytest.fixture
def consortium(tmp_path: Path) -> Iterator[Consortium]:
    made = Consortium(tmp_path / "db")
    try:
        yield made
    finally:
        made.close()


def _node(c: Consortium) -> Any:
    """The parts of a node the governance routes read: the application and its index."""
    return SimpleNamespace(app=c.app, index=Index(c.db))


def test_a_failed_proposal_shows_its_code_meaning_and_log(consortium: Consortium) -> None:
    c = consortium
    pid = c.propose(c.admins[0], "set_validator", {"pub_key": bytes([9]) * 32, "power": 0})
    for admin in c.admins[:3]:
        c.vote(admin, pid)
    view = proposal(pid, _node(c))
    assert view.status == "failed"
    assert (view.outcome_code, view.outcome_code_name) == (164, "INVALID_PROPOSAL")
    assert view.outcome == "invalid proposal"
    assert view.outcome_log.startswith(
        f"proposal {pid} passed, but executing it was refused with INVALID_PROPOSAL "
        "at args.payload.pub_key: not a validator"
    )


def test_a_passed_or_open_proposal_has_no_outcome(consortium: Consortium) -> None:
    c = consortium
    passed = c.propose(c.admins[0], "add_role", {"role": "notary"})
    for admin in c.admins[:3]:
        c.vote(admin, passed)
    still_open = c.propose(c.admins[1], "add_role", {"role": "auditor"})
    views = proposals(_node(c), status=None).proposals
    assert [(v.id, v.status) for v in views] == [(still_open, "open"), (passed, "passed")]
    for view in views:
        assert (view.outcome, view.outcome_code, view.outcome_code_name) == ("", None, None)
        assert view.outcome_log == ""
