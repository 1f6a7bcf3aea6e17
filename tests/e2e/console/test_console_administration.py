"""The network-administration pages on a consortium chain: organisations and their members,
governance proposals and votes, validators; in Vietnamese and English, accessible, read-only.

The chain (``consortium_chain``) was built with real certificates and real transactions: a
revoked member, an expired one, proposals that passed, were rejected, failed, expired or are
still open.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from console_support import axe_violations, screenshot
from consortium_chain import (
    BANK,
    EXPIRED,
    NEWCOMER,
    REVOKED,
    UNIVERSITY,
    WRITER,
    Consortium,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def _route(template: str, consortium: Consortium) -> str:
    return template.format(
        open=consortium.proposals["open"],
        failed=consortium.proposals["failed"],
        passed=consortium.proposals["passed"],
        writer=consortium.members[WRITER[0]],
    )


ADMIN_PAGES = [
    ("organisations", "#/orgs", "Tổ chức và thành viên"),
    ("organisation", f"#/org/{UNIVERSITY[0]}", UNIVERSITY[1]),
    ("member", "#/member/{writer}", WRITER[0]),
    ("governance", "#/gov", "Quản trị"),
    ("proposal-open", "#/gov/{open}", "Đề xuất số {open}"),
    ("proposal-failed", "#/gov/{failed}", "Đề xuất số {failed}"),
    ("proposal-passed", "#/gov/{passed}", "Đề xuất số {passed}"),
    ("consortium-validators", "#/validators", "Nút xác thực"),
]


def _settled(page: Any) -> None:
    page.wait_for_selector("#page-title")
    page.wait_for_load_state("networkidle")
    # live pages refresh themselves; wait (with retries) until nothing is loading
    expect(page.locator("main .loading")).to_have_count(0, timeout=15_000)


@pytest.mark.parametrize(("name", "route", "heading"), ADMIN_PAGES, ids=[p[0] for p in ADMIN_PAGES])
def test_admin_page_renders_accessibly(
    consortium_page: Any, consortium: Consortium, name: str, route: str, heading: str
) -> None:
    page = consortium_page
    page.goto("/" + _route(route, consortium))
    expect(page.locator("#page-title")).to_have_text(_route(heading, consortium))
    _settled(page)
    assert page.locator("#unavailable").count() == 0
    screenshot(page, f"admin-{name}")
    assert axe_violations(page) == []


def test_organisations_are_listed_with_status_roles_and_members(
    consortium_page: Any, consortium: Consortium
) -> None:
    page = consortium_page
    page.goto("/#/orgs")
    table = page.locator("#orgs-table")
    table.wait_for()
    rows = {
        row.locator("td").first.inner_text(): row.inner_text()
        for row in table.locator("tbody tr").all()
    }
    assert set(rows) == {UNIVERSITY[0], "bo-gddt", BANK[0], NEWCOMER[0]}
    university = rows[UNIVERSITY[0]]
    assert UNIVERSITY[1] in university and "Đang hoạt động" in university
    assert "có từ khi khởi tạo chuỗi (genesis)" in university
    assert "quản trị viên (admin)" in university and "Còn hiệu lực" in university
    assert university.rstrip().endswith("4")  # members: two valid, one revoked, one expired
    newcomer = rows[NEWCOMER[0]]
    assert NEWCOMER[1] in newcomer and "kết nạp tại khối #" in newcomer
    assert newcomer.rstrip().endswith("0")
    main = page.inner_text("main")
    assert "gov propose admit_organisation" in main and "--key ADMIN" in main
    assert "sen ca init-org --id ID" in main
    page.click(f"#orgs-table a[href='#/org/{NEWCOMER[0]}']")
    expect(page.locator("#page-title")).to_have_text(NEWCOMER[1])


def test_an_organisation_shows_each_member_and_certificate_state(
    consortium_page: Any, consortium: Consortium
) -> None:
    page = consortium_page
    page.goto(f"/#/org/{UNIVERSITY[0]}")
    table = page.locator("#members-table")
    table.wait_for()
    states = {}
    for row in table.locator("tbody tr").all():
        cells = row.locator("td")
        states[cells.nth(0).inner_text()] = (cells.nth(3).inner_text(), cells.nth(5).inner_text())
    assert states[REVOKED[0]][0] == str(REVOKED[1])
    assert states[REVOKED[0]][1].startswith("Đã thu hồi tại khối #")
    assert states[EXPIRED[0]] == (str(EXPIRED[1]), "Hết hạn")
    assert states[WRITER[0]] == (str(WRITER[1]), "Còn hiệu lực")
    assert states["Nguyễn Thị Hoà"] == ("1", "Còn hiệu lực")  # the name exactly as certified
    assert "Tình trạng được xét tại thời điểm của khối gần nhất" in page.inner_text("main")
    main = page.inner_text("main")
    assert f"member revoke --org {UNIVERSITY[0]} --serial N --key ADMIN" in main
    assert f"sen ca issue --org-dir ./ca-{UNIVERSITY[0]}" in main
    assert f'remove_organisation --payload \'{{"id":"{UNIVERSITY[0]}"}}\' --key ADMIN' in main
    page.click(f"#members-table a[href='#/member/{consortium.members[WRITER[0]]}']")
    expect(page.locator("#page-title")).to_have_text(WRITER[0])
    expect(page.locator("main")).to_contain_text(
        f"member revoke --org {UNIVERSITY[0]} --serial {WRITER[1]} --key ADMIN"
    )
    page.goto(f"/#/member/{consortium.members[REVOKED[0]]}")
    expect(page.locator("main .facts")).to_contain_text("Đã thu hồi tại khối #")
    assert "member revoke" not in page.inner_text("main")  # nothing left to revoke


def test_governance_lists_proposals_with_status_deadline_and_votes(
    consortium_page: Any, consortium: Consortium
) -> None:
    page = consortium_page
    page.goto("/#/gov")
    table = page.locator("#proposals-table")
    table.wait_for()
    expect(page.locator("#gov-rules")).to_contain_text("hơn 2/3 số tổ chức")
    expect(page.locator("#gov-rules")).to_contain_text("50.000 khối")
    rows = {
        int(row.locator("td").first.inner_text()): row.inner_text()
        for row in table.locator("tbody tr").all()
    }
    ids = list(rows)
    assert ids == sorted(ids, reverse=True)  # newest first
    labels = {
        "passed": "Đã thông qua",
        "rejected": "Bị bác",
        "failed": "Không thực thi được",
        "expired": "Hết hạn",
        "open": "Đang biểu quyết",
    }
    for status, proposal in consortium.proposals.items():
        assert labels[status] in rows[proposal], rows[proposal]
    opened = rows[consortium.proposals["open"]]
    assert "Thay đổi quy tắc quản trị" in opened and "Rút ngắn thời gian biểu quyết" in opened
    assert "1 tán thành · 1 phản đối (cần 3/4 tổ chức tán thành)" in opened
    assert "còn " in opened and " khối" in opened
    assert "0 tán thành · 2 phản đối" in rows[consortium.proposals["rejected"]]
    page.click("nav.filters a[href='#/gov?status=open']")
    page.wait_for_url("**/#/gov?status=open")
    # polled from Python: a string predicate would need eval, which the page's CSP forbids
    rows = page.locator("#proposals-table tbody tr")
    expect(rows.first).to_be_visible()
    expect(rows.filter(has_not_text="Đang biểu quyết")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("gov list --status open")


def test_a_proposal_shows_its_payload_votes_and_outcome(
    consortium_page: Any, consortium: Consortium
) -> None:
    page = consortium_page
    page.goto(f"/#/gov/{consortium.proposals['passed']}")
    votes = page.locator("#votes-table")
    votes.wait_for()
    rows = [row.inner_text() for row in votes.locator("tbody tr").all()]
    assert [r.split("\t")[0] for r in rows] == [UNIVERSITY[0], "bo-gddt", BANK[0]]
    assert all("Tán thành" in r for r in rows)
    facts = page.inner_text("#proposal-facts")
    assert "Đã thông qua" in facts and "Quyết định tại khối" in facts
    assert "Kết nạp tổ chức" in facts and UNIVERSITY[0] in facts  # kind, proposing organisation
    payload = page.inner_text("#proposal-payload")
    assert NEWCOMER[1] in payload and "chứng thư DER" in payload
    assert "quản trị viên (admin), ghi nhận tài liệu (writer)" in payload
    assert "gov vote" not in page.inner_text("main")  # decided: nothing to vote on
    assert f"gov show {consortium.proposals['passed']}" in page.inner_text("main")

    page.goto(f"/#/gov/{consortium.proposals['failed']}")
    outcome = page.locator("#proposal-outcome")
    outcome.wait_for()
    assert "organisation already exists" in outcome.inner_text()  # the deciding vote's log
    # the code the chain keeps: its meaning in the reader's language, and its name
    assert "tổ chức đã tồn tại" in outcome.inner_text()
    assert "ORGANISATION_EXISTS" in outcome.inner_text()
    expect(page.locator("#proposal-facts")).to_contain_text("Không thực thi được")

    opened = consortium.proposals["open"]
    page.goto(f"/#/gov/{opened}")
    page.locator("#votes-table").wait_for()
    main = page.inner_text("main")
    assert f"gov vote {opened} yes --key ADMIN" in main
    assert f"gov vote {opened} no --key ADMIN" in main
    assert "cần 3/4 tổ chức tán thành" in page.inner_text("#proposal-facts")


def test_a_new_vote_appears_without_reloading(consortium_page: Any, consortium: Consortium) -> None:
    page = consortium_page
    first, _, third = consortium.admins
    with consortium.client() as client:
        info = client.send(
            third,
            "governance",
            "propose",
            {"kind": "add_role", "title": "Thêm vai trò lưu trữ", "payload": {"role": "luu-tru"}},
        )
        assert info.result is not None
        proposal = int(info.result.data, 16)
        page.goto(f"/#/gov/{proposal}")
        expect(page.locator("main")).to_contain_text("Chưa có phiếu nào.")
        client.send(first, "governance", "vote", {"proposal": proposal, "choice": "yes"})
    expect(page.locator("#votes-table tbody tr")).to_have_count(1)
    assert UNIVERSITY[0] in page.inner_text("#votes-table")
    assert page.url.endswith(f"#/gov/{proposal}")


def test_vietnamese_and_english_on_the_admin_pages(
    consortium_page: Any, consortium: Consortium
) -> None:
    page = consortium_page
    opened = consortium.proposals["open"]
    page.goto(f"/#/gov/{opened}")
    expect(page.locator("#page-title")).to_have_text(f"Đề xuất số {opened}")
    page.click("button[data-lang='en']")
    expect(page.locator("#page-title")).to_have_text(f"Proposal {opened}")
    expect(page.locator("#proposal-facts")).to_contain_text("Open")
    expect(page.locator("#proposal-facts")).to_contain_text("1 yes · 1 no")
    expect(page.locator("#proposal-facts")).to_contain_text("needs 3 of 4 organisations")
    assert axe_violations(page) == []
    screenshot(page, "admin-proposal-english")
    page.goto("/#/gov")
    expect(page.locator("#gov-rules")).to_contain_text("more than 2/3 of organisations")
    expect(page.locator("#proposals-table")).to_contain_text("Expired")
    page.goto(f"/#/org/{UNIVERSITY[0]}")
    expect(page.locator("#members-table")).to_contain_text("Expired")
    expect(page.locator("#members-table")).to_contain_text("Revoked at block #")
    expect(page.locator("#members-table")).to_contain_text(REVOKED[0])  # names never translated
    assert axe_violations(page) == []
    screenshot(page, "admin-organisation-english")
    page.click("button[data-lang='vi']")
    expect(page.locator("#members-table")).to_contain_text("Hết hạn")
    assert page.evaluate("window.senConsole.missingKeys()") == []


@pytest.mark.parametrize(
    ("route", "vietnamese", "english"),
    [
        ("#/org/khong-co", "Chuỗi này không có tổ chức nào mang mã “khong-co”.", "no organisation"),
        ("#/org/Sai_Ma", "không phải mã tổ chức", "is not one"),
        ("#/gov/999999", "Chuỗi này không có đề xuất số 999999.", "has no proposal 999999"),
        ("#/gov/abc", "không phải số đề xuất", "is not one"),
        ("#/member/" + "00" * 20, "Tài khoản này không phải thành viên", "is not a member"),
    ],
    ids=["organisation", "organisation-id", "proposal", "proposal-id", "member"],
)
def test_unknown_ids_are_explained(
    consortium_page: Any, route: str, vietnamese: str, english: str
) -> None:
    page = consortium_page
    page.goto("/" + route)
    notice = page.locator("main .notice")
    expect(notice).to_contain_text(vietnamese)
    page.click("button[data-lang='en']")
    expect(notice).to_contain_text(english)
    text = page.inner_text("main")
    for leak in ("Traceback", "undefined", "null", "[object"):
        assert leak not in text, text


def test_search_finds_an_organisation_by_id(consortium_page: Any) -> None:
    page = consortium_page
    page.goto("/#/")
    page.fill("#search-input", BANK[0])
    page.press("#search-input", "Enter")
    page.wait_for_url(f"**/#/org/{BANK[0]}")
    expect(page.locator("#page-title")).to_have_text(BANK[1])


def test_validators_show_source_and_the_governance_command(consortium_page: Any) -> None:
    page = consortium_page
    page.goto("/#/validators")
    page.locator("#validators-table").wait_for()
    expect(page.locator("#validators-source")).to_contain_text("trạng thái chuỗi")
    assert "nút-hà-nội" in page.inner_text("#validators-table")
    assert "100%" in page.inner_text("#validators-table")
    payload = json.dumps(
        {"pub_key": "hex:…", "power": 10}, separators=(",", ":"), ensure_ascii=False
    )
    assert f"gov propose set_validator --payload '{payload}' --key ADMIN" in page.inner_text("main")
    page.click("#validators-table a")
    expect(page.locator("main")).to_contain_text('"power":10}\' --key ADMIN')


def test_admin_pages_fit_a_phone(consortium_page: Any, consortium: Consortium) -> None:
    page = consortium_page
    page.set_viewport_size({"width": 390, "height": 844})
    for name, route in (
        ("organisation", f"#/org/{UNIVERSITY[0]}"),
        ("governance", "#/gov"),
        ("proposal", f"#/gov/{consortium.proposals['passed']}"),
    ):
        page.goto("/" + route)
        _settled(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways on a phone by {overflow}px"
        screenshot(page, f"phone-admin-{name}")
