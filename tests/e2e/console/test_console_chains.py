"""The Chains page (#/chains) on the consortium chain: its light clients, live, and the map of
the chain directory; in Vietnamese and English, accessible, read-only.

The consortium gets, through real transactions, a light client of ``sen-lao-dong`` (made
from headers signed by that chain's validators, ``counterparty.py``) and, by governance, a
directory of two chains linked to each other through that client.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
from console_support import axe_violations, screenshot
from consortium_chain import CHAIN_ID, MINISTRY, Consortium, _propose, _vote
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "ledger" / "interchain"))
from counterparty import signed_header, validator_key

pytestmark = pytest.mark.slow

LABOUR = "sen-lao-dong"
V = [validator_key(n) for n in range(4)]


def _entry(chain_id: str, client: str, counterparty: str, other_client: str) -> dict[str, Any]:
    return {
        "chain_id": chain_id,
        "genesis_hash": bytes(32),
        "operator": MINISTRY[0],
        "sector": "education" if chain_id == CHAIN_ID else "labour",
        "endpoints": [{"kind": "rest", "url": f"https://api.{chain_id}.example.vn"}],
        "validators_hash": bytes(range(32)),
        "links": [
            {
                "counterparty": counterparty,
                "client_id": client,
                "counterparty_client_id": other_client,
            }
        ],
    }


@pytest.fixture(scope="module")
def linked(consortium: Consortium) -> str:
    """The client id of sen-lao-dong on the consortium, and both chains in its directory."""
    first = consortium.admins[0]
    with consortium.client() as client:
        header = signed_header(7, int(time.time()) - 60, V, chain_id=LABOUR)
        made = client.send(
            first, "interchain", "create_client", {**header, "trusting_period": 86_400}
        )
        assert made.result is not None
        client_id = bytes.fromhex(made.result.data).decode()
        for entry in (
            _entry(CHAIN_ID, client_id, LABOUR, "sen-client-3"),
            _entry(LABOUR, "sen-client-3", CHAIN_ID, client_id),
        ):
            proposal = _propose(client, first, {"kind": "register_chain", "payload": entry})
            for key in consortium.admins:
                _vote(client, key, proposal, "yes")
    return client_id


def test_the_chains_page_shows_clients_and_the_directory_map(
    consortium_page: Any, linked: str
) -> None:
    page = consortium_page
    page.goto("/#/chains")
    expect(page.locator("#page-title")).to_have_text("Liên chuỗi")
    clients = page.locator("#clients-table")
    expect(clients).to_contain_text(linked)
    expect(clients).to_contain_text(LABOUR)
    expect(clients).to_contain_text("Đang hoạt động")
    expect(page.locator("#chain-map circle")).to_have_count(2)
    expect(page.locator("#chain-map line")).to_have_count(1)
    expect(page.locator("#members-table")).to_contain_text(MINISTRY[0])
    links = page.locator("#links-table")
    expect(links).to_contain_text(f"{CHAIN_ID} ({linked})")
    expect(links.locator("td.num").first).to_have_text("7")  # the client's verified height
    assert axe_violations(page) == []
    screenshot(page, "chains-vi")

    page.locator("button[data-lang=en]").click()
    expect(page.locator("#page-title")).to_have_text("Chains")
    expect(page.locator("#clients-table")).to_contain_text("Active")
    assert axe_violations(page) == []
    screenshot(page, "chains-en")
