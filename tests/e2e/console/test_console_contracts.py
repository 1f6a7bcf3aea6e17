"""The Contracts pages (#/contracts, #/contracts/<address>, #/contracts/code/<hash>) and a
contract call in the explorer, on a node that runs contracts (``contracts_chain``: the example
registry and workflow deployed, an asset minted, transferred, and a transfer refused), and the
notice on the console's node, which does not; in Vietnamese and English, accessible.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from console_support import axe_violations, screenshot
from contracts_chain import (
    ADMIN_LABEL,
    ASSET,
    MARKUP_SOURCE,
    MINTED,
    REGISTRY,
    REGISTRY_LABEL,
    SENT,
    WORKFLOW_LABEL,
    ContractsChain,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def vi_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def test_a_chain_without_contracts_says_how_to_make_one(page: Any) -> None:
    page.goto("/#/contracts")
    expect(page.locator("#page-title")).to_have_text("Hợp đồng thông minh")
    expect(page.locator("#site-nav a[href='#/contracts']")).to_have_attribute(
        "aria-current", "page"
    )
    notice = page.locator("#contracts-disabled")
    expect(notice).to_contain_text("Chuỗi này không chạy hợp đồng")
    expect(notice).to_contain_text("CONTRACTS_NOT_ENABLED")
    expect(page.locator(".cli pre").first).to_have_text("sen node init --contracts")
    expect(page.locator("#instances-table")).to_have_count(0)
    assert axe_violations(page) == []
    page.locator("button[data-lang=en]").click()
    expect(notice).to_contain_text("This chain does not run contracts")
    expect(page.locator(".cli-label").first).to_have_text(
        "Create a chain that runs contracts (one node)"
    )
    assert axe_violations(page) == []


def test_the_list_shows_settings_instances_and_codes_a_page_at_a_time(
    contracts_page: Any, contracts_node: ContractsChain
) -> None:
    page, chain = contracts_page, contracts_node
    settings = httpx.get(f"{chain.url}/v1/contracts").json()
    page.goto("/#/contracts")
    expect(page.locator("#page-title")).to_have_text("Hợp đồng thông minh")
    facts = page.locator("#contracts-settings")
    expect(facts).to_contain_text(settings["runtime"])
    expect(facts).to_contain_text("Mọi tài khoản")
    expect(facts).to_contain_text(vi_number(settings["max_gas"]))
    expect(facts).to_contain_text(f"{vi_number(settings['max_code_bytes'])} byte (256 KB)")
    instances = page.locator("#instances-table")
    expect(instances.locator("tbody tr")).to_have_count(3)
    for label in (REGISTRY_LABEL, ADMIN_LABEL, WORKFLOW_LABEL):
        expect(instances).to_contain_text(label)
    expect(instances.locator(f"a[href='#/contracts/{chain.registry}']")).to_have_count(1)
    expect(instances.locator(f"a[href='#/contracts/code/{chain.registry_code}']")).to_have_count(2)
    codes = page.locator("#codes-table")
    expect(codes.locator("tbody tr")).to_have_count(4)
    registry_row = codes.locator(
        "tr", has=page.locator(f"a[href='#/contracts/code/{chain.registry_code}']")
    )
    expect(registry_row.locator(f"a[href='#/account/{chain.holder}']")).to_have_count(1)
    size = len(REGISTRY.read_bytes())
    expect(registry_row.locator("td.num")).to_contain_text(f"{vi_number(size)} byte")
    expect(page.locator("nav.pager")).to_have_count(0)  # everything fits on one page
    expect(page.locator(".cli pre").last).to_contain_text("contract deploy ./my_contract --key KEY")
    assert axe_violations(page) == []
    screenshot(page, "contracts-vi")

    page.locator("button[data-lang=en]").click()
    expect(page.locator("#page-title")).to_have_text("Smart contracts")
    expect(facts).to_contain_text("Any account")
    expect(page.locator("#codes-table caption")).to_have_text("Uploaded code")
    assert axe_violations(page) == []
    screenshot(page, "contracts-en")

    # a page at a time: `next` is the last address of a page, passed back as `after`
    addresses = sorted([chain.registry, chain.administered, chain.workflow])
    page.goto("/#/contracts?limit=1")
    rows = page.locator("#instances-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("a").first).to_have_attribute("href", f"#/contracts/{addresses[0]}")
    instances_pager = page.locator("nav[aria-label='Pages of contracts']")
    expect(page.locator("nav[aria-label='Pages of code']")).to_have_count(1)
    instances_pager.locator("a[rel=next]").click()
    expect(rows.first.locator("a").first).to_have_attribute("href", f"#/contracts/{addresses[1]}")
    expect(page.locator("#codes-table tbody tr")).to_have_count(1)  # the other list stays put
    instances_pager.locator("a[rel=next]").click()
    expect(rows.first.locator("a").first).to_have_attribute("href", f"#/contracts/{addresses[2]}")
    expect(instances_pager.locator("a[rel=next]")).to_have_count(0)  # the last page
    instances_pager.get_by_text("First page").click()
    expect(rows.first.locator("a").first).to_have_attribute("href", f"#/contracts/{addresses[0]}")
    assert axe_violations(page) == []


def test_an_instance_page_runs_queries_from_the_form(
    contracts_page: Any, contracts_node: ContractsChain
) -> None:
    page, chain = contracts_page, contracts_node
    page.goto("/#/contracts")
    page.locator(f"#instances-table a[href='#/contracts/{chain.registry}']").click()
    expect(page.locator("#page-title")).to_have_text("Hợp đồng")
    facts = page.locator("#contract-facts")
    expect(facts).to_contain_text(REGISTRY_LABEL)
    expect(page.locator("#contract-address")).to_have_text(chain.registry)
    expect(facts.locator(f"a[href='#/contracts/code/{chain.registry_code}']")).to_have_text(
        chain.registry_code
    )
    expect(page.locator("#contract-immutable")).to_have_text("không có: hợp đồng bất biến")
    expect(facts.locator(f"a[href='#/account/{chain.holder}']")).to_have_count(1)  # creator
    expect(page.locator("#contract-entries")).to_contain_text("transfer(asset, to, amount)")
    commands = page.locator(".cli pre")
    expect(commands.nth(0)).to_contain_text(f"contract query {chain.registry} balance")
    expect(commands.nth(1)).to_contain_text(f"contract execute {chain.registry} mint --key KEY")

    # a query from the form: the answer and the gas it used
    page.fill("#query-entry", "balance")
    page.fill("#query-args", f'{{"asset": "{ASSET}", "holder": "{chain.other}"}}')
    page.click("#query-submit")
    answer = page.locator("#query-answer")
    expect(answer).to_have_text(str(SENT))
    expect(page.locator("#query-gas")).to_have_text(re.compile(r"^[1-9][\d.]*$"))
    assert int(page.inner_text("#query-gas").replace(".", "")) > 0
    expect(page.locator("#query-result .cli pre")).to_contain_text(
        f"contract query {chain.registry} balance --args"
    )
    assert axe_violations(page) == []
    screenshot(page, "contract-query-vi")

    # the language switch redraws the page: the form and the answer stay
    page.locator("button[data-lang=en]").click()
    expect(page.locator("#query-result h2")).to_have_text("Query result")
    expect(answer).to_have_text(str(SENT))
    expect(page.locator("#query-entry")).to_have_value("balance")
    expect(page.locator("#contract-immutable")).to_have_text("none: immutable")

    # an entry picked from the source fills the form
    page.get_by_role("button", name="Use supply_of").click()
    expect(page.locator("#query-entry")).to_have_value("supply_of")
    expect(page.locator("#query-args")).to_have_value('{"asset": null}')
    page.fill("#query-args", f'{{"asset": "{ASSET}"}}')
    page.click("#query-submit")
    expect(answer).to_contain_text(f'"circulating": {MINTED}')

    # a failed query: the result code's name, its meaning and the contract's detail
    page.fill("#query-entry", "khong_co")
    page.fill("#query-args", "{}")
    page.click("#query-submit")
    failed = page.locator("#query-result .notice.bad")
    expect(failed.locator("h2")).to_have_text("The query failed")
    expect(page.locator("#query-code")).to_have_text("313 NO_SUCH_ENTRY")
    expect(failed).to_contain_text("the contract has no such entry point")
    expect(page.locator("#query-detail")).to_contain_text("khong_co")
    assert axe_violations(page) == []
    screenshot(page, "contract-query-failed-en")

    page.locator("button[data-lang=vi]").click()
    expect(failed.locator("h2")).to_have_text("Truy vấn thất bại")
    expect(failed).to_contain_text("hợp đồng không có điểm vào này")
    page.fill("#query-entry", "balance")
    page.fill("#query-args", f'{{"asset": "{ASSET}"}}')  # holder missing
    page.click("#query-submit")
    refused = httpx.post(
        f"{chain.url}/v1/contracts/instances/{chain.registry}/query",
        json={"entry": "balance", "args": {"asset": ASSET}},
    )
    assert refused.status_code == 422
    problem = refused.json()
    expect(page.locator("#query-code")).to_have_text(f"{problem['code']} {problem['code_name']}")
    page.fill("#query-args", '{"asset": ')
    page.click("#query-submit")
    expect(page.locator("#query-result")).to_contain_text("Tham số không phải là JSON hợp lệ.")
    page.fill("#query-args", "[1, 2]")
    page.click("#query-submit")
    expect(page.locator("#query-result")).to_contain_text("Tham số phải là một đối tượng JSON")
    assert axe_violations(page) == []

    # the instance with an admin, and an address that is no contract
    page.goto(f"/#/contracts/{chain.administered}")
    expect(page.locator("#contract-facts")).to_contain_text(ADMIN_LABEL)
    expect(page.locator("#contract-immutable")).to_have_count(0)
    expect(page.locator(f"#contract-facts a[href='#/account/{chain.holder}']")).to_have_count(2)
    page.goto(f"/#/contracts/{chain.other}")
    expect(page.locator("main .notice.warn h2")).to_have_text("Không có hợp đồng này")
    # a contract's address searched for opens as an account, which links to the contract
    page.goto(f"/#/account/{chain.registry}")
    expect(
        page.locator(f"#account-contract a[href='#/contracts/{chain.registry}']")
    ).to_be_visible()


def test_the_code_page_shows_the_source_as_text(
    contracts_page: Any, contracts_node: ContractsChain
) -> None:
    page, chain = contracts_page, contracts_node
    page.goto("/#/contracts")
    page.locator(f"#codes-table a[href='#/contracts/code/{chain.registry_code}']").click()
    expect(page.locator("#page-title")).to_have_text("Mã hợp đồng")
    facts = page.locator("#code-facts")
    expect(facts).to_contain_text(chain.registry_code)
    expect(facts.locator(f"a[href='#/account/{chain.holder}']")).to_have_count(1)
    source = page.locator("#code-source")
    expect(source).to_contain_text("def transfer(asset, to, amount):")
    assert source.text_content() == REGISTRY.read_text(encoding="utf-8")
    expect(page.locator("#code-hash-check")).to_contain_text("đúng bằng mã băm")
    expect(page.locator(".cli pre").last).to_have_text(
        f"sen --node {chain.url} contract show {chain.registry_code} --source"
    )
    assert axe_violations(page) == []
    screenshot(page, "contract-code-vi")
    page.locator("button[data-lang=en]").click()
    expect(page.locator("#page-title")).to_have_text("Contract code")
    expect(page.locator("#code-hash-check")).to_contain_text("equals the code hash")
    assert axe_violations(page) == []

    # markup in a source is text: no element made from it, nothing run
    page.goto(f"/#/contracts/code/{chain.markup_code}")
    expect(source).to_contain_text('<img src=x onerror="alert(1)">')
    assert source.text_content() == MARKUP_SOURCE.decode("utf-8")
    expect(page.locator("main img, main b, main i")).to_have_count(0)
    expect(page.locator("#code-hash-check")).to_contain_text("equals the code hash")
    # a component has no source: its bytes are hashed in the browser instead
    page.goto(f"/#/contracts/code/{chain.component_code}")
    expect(page.locator("#code-hash-check")).to_contain_text("This is a WebAssembly component")
    expect(page.locator("#code-hash-check")).to_contain_text("equals the code hash")
    expect(page.locator("#code-source")).to_have_count(0)
    page.goto(f"/#/contracts/code/{'0' * 64}")
    expect(page.locator("main .notice.warn h2")).to_have_text("No such code")


def test_the_explorer_shows_gas_and_the_decoded_call(
    contracts_page: Any, contracts_node: ContractsChain
) -> None:
    page, chain = contracts_page, contracts_node
    page.goto(f"/#/tx/{chain.transfer_tx}")
    expect(page.locator("#tx-gas")).to_have_text(
        f"{vi_number(chain.gas_used)} / {vi_number(chain.gas_wanted)}"
    )
    call = page.locator("#tx-contract-call")
    expect(call.locator(f"a[href='#/contracts/{chain.registry}']")).to_have_text(chain.registry)
    expect(page.locator("#tx-contract-entry")).to_have_text("transfer")
    args = page.locator("#tx-contract-args")
    expect(args).to_contain_text(f'"amount": {SENT}')
    expect(args).to_contain_text(chain.other)
    expect(page.locator("#tx-contract-answer")).to_have_text(str(MINTED - SENT))
    emitted = page.locator("#tx-contract-events")
    expect(emitted.locator("tbody tr")).to_have_count(1)
    expect(emitted).to_contain_text("transfer")
    expect(emitted).to_contain_text(f"to = {chain.other}")
    expect(emitted).to_contain_text(f"amount = {SENT}")
    expect(page.locator(f"#tx-args a[href='#/contracts/{chain.registry}']")).to_have_count(1)
    assert axe_violations(page) == []
    screenshot(page, "contract-tx-vi")
    page.locator("button[data-lang=en]").click()
    expect(page.locator("main h2", has_text="Contract call")).to_be_visible()
    expect(page.locator("#tx-gas")).to_have_text(f"{chain.gas_used:,} / {chain.gas_wanted:,}")
    assert axe_violations(page) == []

    # a refused call: gas recorded, no answer, no event
    page.goto(f"/#/tx/{chain.refused_tx}")
    expect(page.locator("main .card").nth(1)).to_contain_text("CONTRACT_REFUSED")
    expect(page.locator("#tx-gas")).to_contain_text(f" / {chain.gas_wanted:,}")
    expect(page.locator("#tx-contract-entry")).to_have_text("transfer")
    expect(page.locator("#tx-contract-answer")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("The contract emitted no event.")

    # from the call to the contract's page
    page.goto(f"/#/tx/{chain.mint_tx}")
    expect(page.locator("#tx-contract-entry")).to_have_text("mint")
    page.locator(f"#tx-contract-call a[href='#/contracts/{chain.registry}']").click()
    expect(page.locator("#page-title")).to_have_text("Contract")
    expect(page.locator("#contract-address")).to_have_text(chain.registry)
    assert axe_violations(page) == []
