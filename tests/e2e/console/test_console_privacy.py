"""The personal-data pages (#/privacy, a data subject's consents and "who read my data", a
controller's queue, an auditor's view) on a node where a hospital, a patient and an auditor
left records over days (``personal_data_chain``), in Vietnamese and English, accessible; the
72-hour clocks judged by the chain's time, not the browser's; the vault's answer checked in
the browser, and every way it can be wrong said plainly; a chain without the module.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from console_support import axe_violations, screenshot
from personal_data_chain import HealthRecords
from playwright.sync_api import expect

pytestmark = pytest.mark.slow

BROWSER_TIME = datetime(2020, 1, 1, 8, 0, tzinfo=UTC)  # years before the chain's blocks


def vi_duration(seconds: int) -> str:
    minutes = seconds // 60
    return f"{minutes // 60} giờ {minutes % 60} phút"


def en_duration(seconds: int) -> str:
    minutes = seconds // 60
    return f"{minutes // 60} h {minutes % 60} min"


def chain_seconds(page: Any) -> int:
    """The time the page judged its clocks at, from the <time> it shows."""
    shown = page.locator("#privacy-clock time").get_attribute("datetime")
    assert shown is not None
    whole = re.sub(r"\.\d+", "", shown).replace("Z", "+00:00")
    return int(datetime.fromisoformat(whole).timestamp())


def api(chain: HealthRecords, path: str) -> Any:
    return httpx.get(f"{chain.url}{path}").json()


def answer_file(name: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/json", "buffer": json.dumps(body).encode()}


def test_the_landing_page_names_what_each_door_expects(
    privacy_page: Any, privacy_node: HealthRecords
) -> None:
    page, chain = privacy_page, privacy_node
    page.goto("/#/privacy")
    expect(page.locator("#page-title")).to_have_text("Dữ liệu cá nhân")
    expect(page.locator("#site-nav a[href='#/privacy']")).to_have_attribute("aria-current", "page")
    expect(page.locator("form.door")).to_have_count(3)
    expect(page.locator(".cli pre")).to_have_text("sen did key --key KEY")
    assert axe_violations(page) == []
    screenshot(page, "privacy-vi")

    # a did:sen where a did:key is expected: the message names what was expected, no move
    page.fill("#privacy-subject", chain.hospital_a)
    page.locator("#privacy-subject-form button").click()
    expect(page.locator("#privacy-subject-error")).to_contain_text("Cần một did:key")
    expect(page.locator("#privacy-subject")).to_have_attribute("aria-invalid", "true")
    assert page.url.endswith("#/privacy")
    page.fill("#privacy-controller", "")
    page.locator("#privacy-controller-form button").click()
    expect(page.locator("#privacy-controller-error")).to_contain_text("Cần một did:sen")
    page.fill("#privacy-audit", "benh-vien-a")
    page.locator("#privacy-audit-form button").click()
    expect(page.locator("#privacy-audit-error")).to_contain_text("did:sen:benh-vien-a")
    assert axe_violations(page) == []

    # the language switch redraws the page: what was typed and the message stay, translated
    page.locator("button[data-lang=en]").click()
    expect(page.locator("#page-title")).to_have_text("Personal data")
    expect(page.locator("#privacy-audit")).to_have_value("benh-vien-a")
    expect(page.locator("#privacy-audit-error")).to_contain_text(
        "A controller's did:sen is expected"
    )
    assert axe_violations(page) == []
    screenshot(page, "privacy-en")

    page.fill("#privacy-subject", f"  {chain.patient} ")
    page.locator("#privacy-subject-form button").click()
    expect(page.locator("#page-title")).to_have_text("My personal data")
    assert page.url.endswith(f"#/privacy/subject/{chain.patient}")
    page.goto("/#/privacy")
    page.fill("#privacy-controller", chain.hospital_a)
    page.locator("#privacy-controller-form button").click()
    expect(page.locator("#page-title")).to_have_text("A controller's queue")
    page.goto("/#/privacy")
    page.fill("#privacy-audit", chain.hospital_a)
    page.locator("#privacy-audit-form button").click()
    expect(page.locator("#page-title")).to_have_text("Auditing a controller")

    # a page whose address holds no DID of the right kind says so
    page.goto(f"/#/privacy/subject/{chain.hospital_a}")
    expect(page.locator("main .notice.warn h2")).to_have_text("This address holds no valid DID")
    expect(page.locator("main .notice.warn")).to_contain_text("A did:key is expected")
    page.goto("/#/privacy/controller/did:key:z6Mk")
    expect(page.locator("main .notice.warn")).to_contain_text("A did:sen is expected")

    # a phone: three doors one under the other, nothing scrolls sideways
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/#/privacy")
    expect(page.locator("form.door")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_the_subject_sees_its_consents_and_how_to_act(
    privacy_page: Any, privacy_node: HealthRecords
) -> None:
    page, chain = privacy_page, privacy_node
    consents = {c["id"]: c for c in api(chain, f"/v1/privacy/subjects/{chain.patient}/consents")}
    page.goto(f"/#/privacy/subject/{chain.patient}")
    expect(page.locator("#page-title")).to_have_text("Dữ liệu của tôi")
    expect(page.locator("#privacy-subject")).to_have_text(chain.patient)
    rows = page.locator("#consents-table tbody tr")
    expect(rows).to_have_count(3)
    given = rows.filter(has_text=chain.given_consent)
    expect(given.locator(".badge.ok")).to_have_text("đã đồng ý")
    expect(given).to_contain_text("Cung cấp dịch vụ (dpv:ServiceProvision)")
    expect(given).to_contain_text("Hồ sơ sức khoẻ (pd:HealthRecord)")
    expect(given).to_contain_text("Đồng ý rõ ràng (dpv:ExplicitlyExpressedConsent)")
    expect(given.locator(f"a[href='#/did/{chain.hospital_a}']")).to_have_count(1)
    expect(given.locator(f"a[href='#/did/{chain.hospital_b}']")).to_have_count(1)
    recorded = consents[chain.given_consent]["recorded_height"]
    expect(given.locator(f"a[href='#/block/{recorded}']")).to_have_count(1)
    withdrawn = rows.filter(has_text=chain.withdrawn_consent)
    expect(withdrawn.locator(".badge.warn")).to_have_text("đã rút lại")
    expect(withdrawn).to_contain_text("rút lại bởi chủ thể ở khối")
    refused = rows.filter(has_text=chain.refused_consent)
    expect(refused.locator(".badge.neutral")).to_have_text("đã từ chối")
    expect(refused).to_contain_text("chỉ bên kiểm soát")
    expect(refused).to_contain_text("dpv:ResearchAndDevelopment")

    # only the consent in force can be withdrawn; requests go to its controller
    commands = page.locator(".cli pre")
    withdraw = f"sen --node {chain.url} consent withdraw {chain.given_consent} --key KEY"
    expect(commands.filter(has_text="consent withdraw")).to_have_text([withdraw])
    expect(commands.filter(has_text="privacy request")).to_have_text(
        [f"sen --node {chain.url} privacy request {chain.hospital_a} --kind access --key KEY"]
    )
    assert axe_violations(page) == []
    screenshot(page, "privacy-subject-vi")

    page.locator("button[data-lang=en]").click()
    expect(page.locator("#page-title")).to_have_text("My personal data")
    expect(given.locator(".badge.ok")).to_have_text("given")
    expect(withdrawn).to_contain_text("withdrawn by the subject at block")
    expect(refused.locator(".badge.neutral")).to_have_text("refused")
    assert axe_violations(page) == []
    screenshot(page, "privacy-subject-en")


def test_who_read_my_data_is_checked_in_the_browser(
    privacy_page: Any, privacy_node: HealthRecords
) -> None:
    page, chain = privacy_page, privacy_node
    answer = chain.who_read
    page.goto(f"/#/privacy/subject/{chain.patient}")
    expect(page.locator("#who-read-title")).to_have_text("Ai đã đọc dữ liệu của tôi")
    page.set_input_files("#who-read-file", files=[answer_file("ai-da-doc.json", answer)])
    summary = page.locator("#who-read-summary")
    expect(summary).to_contain_text(
        "5 lần đọc: 3 đã chứng minh và neo trên chuỗi, 1 chưa neo, 1 chờ lô sau, "
        "0 không kiểm chứng được, 0 không khớp với JSON."
    )
    expect(summary).to_have_class(re.compile(r"\binfo\b"))
    rows = page.locator("#who-read-table tbody tr")
    expect(rows).to_have_count(5)
    statuses = ["anchored"] * 3 + ["notAnchored", "waiting"]
    for row, status in zip(rows.all(), statuses, strict=True):
        expect(row.locator("[data-status]")).to_have_attribute("data-status", status)
        expect(row.locator(f"a[href='#/did/{chain.hospital_b}']")).to_have_count(1)
        expect(row).to_contain_text(chain.given_consent)
        expect(row).to_contain_text("Cung cấp dịch vụ")
    anchored = rows.first
    expect(anchored.locator("[data-status]")).to_have_text(
        f"đã chứng minh, neo ở khối #{chain.anchored_height}"
    )
    expect(anchored.locator(f"a[href='#/block/{chain.anchored_height}']")).to_have_count(1)
    expect(rows.nth(3)).to_contain_text("gốc của lô 2 chưa được neo trên chuỗi")
    expect(rows.nth(4)).to_contain_text("chờ lô sau của nhật ký")
    # the root the page proved is the one anchored with the vault's reference
    evidence = api(chain, f"/v1/evidence/sha-256/{chain.anchored_root}")
    assert [a["reference"] for a in evidence["anchorings"]] == ["vault-access-log/1"]
    assert axe_violations(page) == []
    screenshot(page, "privacy-who-read-vi")

    page.locator("button[data-lang=en]").click()
    expect(summary).to_contain_text("5 reads: 3 proven and anchored on chain, 1 not anchored")
    expect(anchored.locator("[data-status]")).to_have_text(
        f"proven, anchored at block #{chain.anchored_height}"
    )
    assert axe_violations(page) == []
    page.locator("button[data-lang=vi]").click()

    def check(name: str, body: dict[str, Any]) -> None:
        page.set_input_files("#who-read-file", files=[answer_file(name, body)])
        expect(page.locator("#who-read-result")).to_contain_text(f"Tệp: {name}")
        expect(page.locator("#who-read-result [role=status]")).to_have_count(0)

    # an entry altered: its fields say so, its proof fails
    altered = copy.deepcopy(answer)
    reader_hex = chain.hospital_b.encode().hex()
    other_hex = chain.hospital_b.replace("benh-vien-b", "benh-vien-c").encode().hex()
    altered["reads"][0]["entry"] = altered["reads"][0]["entry"].replace(reader_hex, other_hex)
    check("sua-muc.json", altered)
    expect(summary).to_have_class(re.compile(r"\bbad\b"))
    expect(summary).to_contain_text("1 không kiểm chứng được, 1 không khớp với JSON.")
    first = rows.first
    expect(first.locator("[data-status]")).to_have_attribute("data-status", "proofFails")
    expect(first).to_contain_text("không dẫn tới gốc của lô")
    expect(first.locator("[data-field=reader]")).to_contain_text(
        f"JSON của kho ghi reader = {chain.hospital_b}"
    )
    assert axe_violations(page) == []

    # the JSON's copy altered, the entry not: the proven entry is shown, the copy flagged
    copied = copy.deepcopy(answer)
    copied["reads"][1]["purpose"] = "dpv:Marketing"
    check("sua-ban-sao.json", copied)
    second = rows.nth(1)
    expect(second.locator("[data-status]")).to_have_attribute("data-status", "anchored")
    expect(second).to_contain_text("Cung cấp dịch vụ (dpv:ServiceProvision)")
    expect(second.locator("[data-field=purpose]")).to_contain_text(
        "ghi purpose = dpv:Marketing, nhưng mục đã chứng minh ghi dpv:ServiceProvision"
    )
    expect(summary).to_have_class(re.compile(r"\bbad\b"))

    # a proof altered
    proof = copy.deepcopy(answer)
    aunt = proof["reads"][2]["proof"]["aunts"][0]
    proof["reads"][2]["proof"]["aunts"][0] = ("0" if aunt[0] != "0" else "1") + aunt[1:]
    check("sua-bang-chung.json", proof)
    third = rows.nth(2)
    expect(third.locator("[data-status]")).to_have_attribute("data-status", "proofFails")
    expect(third).to_contain_text("bằng chứng, đã bị sửa")
    expect(third.locator(".mismatch")).to_have_count(0)
    expect(summary).to_contain_text("1 không kiểm chứng được, 0 không khớp với JSON.")

    # a root nobody anchored, with a proof that leads to it: not anchored
    lone = copy.deepcopy(answer)
    lone["reads"] = [lone["reads"][3]]
    check("lo-chua-neo.json", lone)
    expect(rows).to_have_count(1)
    expect(rows.first.locator("[data-status]")).to_have_text("chưa neo trên chuỗi")
    assert httpx.get(f"{chain.url}/v1/evidence/sha-256/{chain.unanchored_root}").status_code == 404

    # entries that are not the access log's canonical CBOR
    broken = copy.deepcopy(answer)
    broken["reads"][0]["entry"] = "zz"
    broken["reads"][1]["entry"] = "1817" + broken["reads"][1]["entry"][4:]
    check("hong.json", broken)
    expect(rows.first).to_contain_text("không phải chuỗi hex")
    expect(rows.nth(1)).to_contain_text("không phải CBOR chuẩn tắc của Sen")
    for row in (rows.first, rows.nth(1)):
        expect(row.locator("[data-status]")).to_have_attribute("data-status", "unreadable")

    # another subject's answer, and files that are no answer at all
    other = {**answer, "subject": chain.patient[:-1] + ("A" if chain.patient[-1] != "A" else "B")}
    check("cua-nguoi-khac.json", other)
    expect(page.locator("#who-read-result .notice.bad h2")).to_have_text(
        "Câu trả lời này là của chủ thể khác"
    )
    expect(page.locator("#who-read-table")).to_have_count(0)
    page.set_input_files(
        "#who-read-file",
        files=[{"name": "khong-phai.json", "mimeType": "application/json", "buffer": b"{"}],
    )
    expect(page.locator("#who-read-result .notice.bad")).to_contain_text("Tệp không phải JSON.")
    check("mang.json", {"reads": []})
    expect(page.locator("#who-read-result .notice.bad")).to_contain_text(
        'cần một đối tượng JSON có "subject"'
    )
    assert axe_violations(page) == []


def test_the_queue_is_judged_by_the_chains_clock(
    privacy_page: Any, privacy_node: HealthRecords
) -> None:
    page, chain = privacy_page, privacy_node
    page.clock.set_fixed_time(BROWSER_TIME)  # the browser's clock is years off: no matter
    queue = api(chain, f"/v1/privacy/controllers/{chain.hospital_a}/requests")
    requests = {r["id"]: r for r in queue["requests"]}
    page.goto(f"/#/privacy/controller/{chain.hospital_a}")
    expect(page.locator("#page-title")).to_have_text("Hàng đợi của bên kiểm soát")
    expect(page.locator("#privacy-clock")).to_contain_text("Không theo đồng hồ máy của bạn")
    now = chain_seconds(page)
    status = api(chain, "/v1/status")
    assert now == int(
        datetime.fromisoformat(
            re.sub(r"\.\d+", "", status["latest_block_time"]).replace("Z", "+00:00")
        ).timestamp()
    )
    counts = page.locator("#privacy-counts .value")
    expect(counts).to_have_text(["3", "2", "1", "2"])  # open, overdue, answered late, breaches

    rows = page.locator("#requests-table tbody tr")
    expect(rows).to_have_count(6)
    expect(page.locator("#requests-table tr.overdue")).to_have_count(2)
    for request in (chain.overdue_access, chain.overdue_objection):
        row = page.locator("#requests-table tr.overdue", has_text=request)
        over = now - requests[request]["due"]
        assert over > 0
        expect(row.locator(".badge.bad")).to_have_text(f"quá hạn {vi_duration(over)}")
    expect(rows.nth(2)).to_contain_text(chain.open_portability)  # then the open one
    left = requests[chain.open_portability]["due"] - now
    expect(rows.nth(2)).to_contain_text(f"còn {vi_duration(left)}")
    assert 71 * 3600 < left <= 72 * 3600
    objection = rows.filter(has_text=chain.overdue_objection)
    acknowledged = requests[chain.overdue_objection]["acknowledged_height"]
    expect(objection.locator(f"a[href='#/block/{acknowledged}']")).to_have_count(1)
    expect(rows.filter(has_text=chain.overdue_access)).to_contain_text("chưa")
    late = requests[chain.late_correction]
    expect(rows.filter(has_text=chain.late_correction).locator(".badge.bad")).to_have_text(
        f"trễ {vi_duration(late['answered_time'] - late['due'])}"
    )
    timely = rows.filter(has_text=chain.timely_access)
    expect(timely.locator(".badge.ok")).to_have_text("đúng hạn")
    expect(timely.locator(".badge.info")).to_have_text("không giữ dữ liệu")
    deletion = rows.filter(has_text=chain.deletion_request)
    expect(deletion).to_contain_text("xoá dữ liệu")
    expect(deletion.locator(".badge.ok").first).to_have_text("đã đáp ứng")

    breaches = {
        b["id"]: b for b in api(chain, f"/v1/privacy/controllers/{chain.hospital_a}/breaches")
    }
    late_breach, timely_breach = breaches[chain.late_breach], breaches[chain.timely_breach]
    breach_rows = page.locator("#breaches-table tbody tr")
    expect(breach_rows.filter(has_text=chain.late_breach).locator(".badge.bad")).to_have_text(
        f"trễ {vi_duration(late_breach['reported_time'] - late_breach['due'])}"
    )
    expect(breach_rows.filter(has_text=chain.timely_breach).locator(".badge.ok")).to_have_text(
        f"đúng hạn, sớm {vi_duration(timely_breach['due'] - timely_breach['reported_time'])}"
    )
    expect(page.locator("#vaults-table")).to_contain_text("VN-HN")

    commands = page.locator(".cli pre")
    expect(commands.nth(0)).to_have_text(
        f"sen --node {chain.url} privacy ack {chain.overdue_access} --key KEY"
    )
    expect(commands.nth(1)).to_have_text(
        f"sen --node {chain.url} privacy answer {chain.overdue_access} --outcome fulfilled "
        "--document tra-loi.json --key KEY"
    )
    expect(commands.nth(2)).to_have_text(f"sen --node {chain.url} privacy queue {chain.hospital_a}")
    assert axe_violations(page) == []
    screenshot(page, "privacy-queue-vi")

    page.locator("button[data-lang=en]").click()
    expect(page.locator("#page-title")).to_have_text("A controller's queue")
    over = now - requests[chain.overdue_access]["due"]
    expect(
        page.locator("#requests-table tr.overdue", has_text=chain.overdue_access).locator(".badge")
    ).to_have_text(f"overdue by {en_duration(over)}")
    expect(rows.nth(2)).to_contain_text(f"{en_duration(left)} left")
    assert axe_violations(page) == []
    screenshot(page, "privacy-queue-en")


def test_the_auditor_sees_dossiers_and_what_was_late(
    privacy_page: Any, privacy_node: HealthRecords
) -> None:
    page, chain = privacy_page, privacy_node
    page.goto(f"/#/privacy/audit/{chain.hospital_a}")
    expect(page.locator("#page-title")).to_have_text("Kiểm toán bên kiểm soát")
    # awaiting review, accepted, returned, breaches late, answered late, overdue
    expect(page.locator("#privacy-counts .value")).to_have_text(["1", "1", "1", "1", "1", "2"])
    dossiers = page.locator("#dossiers-table tbody tr")
    expect(dossiers).to_have_count(3)
    accepted = dossiers.filter(has_text=chain.accepted_dossier)
    expect(accepted.locator(".badge.ok")).to_have_text("đã chấp nhận")
    expect(accepted.locator(f"a[href='#/account/{chain.auditor}']")).to_have_count(1)
    expect(dossiers.filter(has_text=chain.returned_dossier).locator(".badge.warn")).to_have_text(
        "bị trả lại"
    )
    amended = dossiers.filter(has_text=chain.amended_dossier)
    expect(amended.locator(".badge.info")).to_have_text("đã sửa, chờ thẩm định")
    expect(amended).to_contain_text("chuyển ra nước ngoài")
    expect(amended).to_contain_text(chain.amended_digest)
    expect(amended.locator("td.num")).to_have_text("2")
    late = page.locator("#late-requests-table tbody tr")
    expect(late).to_have_count(3)
    for request in (chain.overdue_access, chain.overdue_objection, chain.late_correction):
        expect(late.filter(has_text=request)).to_have_count(1)
    expect(page.locator("#breaches-table tbody tr .badge.bad")).to_have_count(1)

    review = page.locator(".cli pre").first
    expect(review).to_have_text(
        f"sen --node {chain.url} privacy review {chain.hospital_a} {chain.amended_dossier} "
        "--decision accepted --document ho-so.json --key KEY"
    )
    expect(page.locator("main .notice.info")).to_contain_text("sen.ledger.pii.scan_chain")
    expect(page.locator(f"a[href='#/privacy/controller/{chain.hospital_a}']")).to_have_count(1)
    assert axe_violations(page) == []
    screenshot(page, "privacy-audit-vi")

    page.locator("button[data-lang=en]").click()
    expect(page.locator("#page-title")).to_have_text("Auditing a controller")
    expect(amended.locator(".badge.info")).to_have_text("amended, awaiting review")
    expect(page.locator("main .notice.info h2")).to_have_text(
        "Sweeping the chain for personal data"
    )
    assert axe_violations(page) == []
    screenshot(page, "privacy-audit-en")


def test_a_controller_with_nothing_on_chain_and_a_chain_without_the_module(page: Any) -> None:
    # the console's node runs the module, and holds no personal-data record
    page.goto("/#/privacy/controller/did:sen:khong-co")
    expect(page.locator("#page-title")).to_have_text("Hàng đợi của bên kiểm soát")
    expect(page.locator("main")).to_contain_text("Bên kiểm soát này chưa nhận yêu cầu nào.")
    expect(page.locator("main")).to_contain_text("Không có thông báo vi phạm nào.")
    expect(page.locator(".cli pre").first).to_contain_text("privacy ack REQUEST --key KEY")
    page.goto("/#/privacy/subject/did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH")
    expect(page.locator("main")).to_contain_text("Chưa có sự đồng ý nào được ghi cho DID này.")
    assert axe_violations(page) == []

    # a node that does not run it (GET /v1/node lists the modules a node runs)
    def without_privacy(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        body["modules"] = [m for m in body["modules"] if m["name"] != "privacy"]
        route.fulfill(response=response, json=body)

    page.route("**/v1/node", without_privacy)
    page.reload()  # the console reads the node's description once per page load
    for address in ("#/privacy", "#/privacy/controller/did:sen:benh-vien-a"):
        page.goto("/" + address)
        notice = page.locator("#unavailable")
        expect(notice.locator("h2")).to_have_text("Chưa có trên chuỗi này")
        expect(notice).to_contain_text("không chạy mô-đun dữ liệu cá nhân (privacy)")
        expect(page.locator("form.door, #requests-table")).to_have_count(0)
    assert axe_violations(page) == []
