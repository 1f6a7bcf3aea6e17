"""The consumer page a product's QR code opens, on a phone (360 × 740), served by a real EPCIS
repository (``sen trace serve``) beside a real node, with a mango's journey captured by
``sen trace capture`` (``mango_chain``): the product as declared, its origin with its
coordinates as text, the journey in order with each event verified on the chain, the
correction of a mistaken event, the "sold twice" warning, receipts that ``sen verify``
accepts, certificates (an OCOP rating attached with ``sen trace certify``, verified, then
revoked on chain and shown revoked at the next view; every other status in words), both
languages, and no serious accessibility violation."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from console_support import SEN, axe_violations, screenshot
from mango_chain import (
    CERTIFIER,
    CERTIFIER_NAME,
    COOP,
    FARM_LATITUDE,
    FARM_LONGITUDE,
    FARM_NAME,
    GTIN_URI,
    LOT_PATH,
    PRODUCT_NAME,
    SERIAL_PATH,
    STATUS_LIST,
    MangoRepository,
    certificate,
    certify,
)
from playwright.sync_api import expect

from sen.sdk.client import Client

pytestmark = pytest.mark.slow

PHONE = {"width": 360, "height": 740}
VERIFIED = "Đã xác thực trên chuỗi"
CERTIFIED = "Đã xác minh: cơ quan cấp được công nhận trên chuỗi, chưa bị thu hồi"
FARM_VIETGAP = f"Nơi sản xuất: {FARM_NAME} (GLN 8935678000019)"
LOT_STEPS = [
    "1. Thu hoạch / đóng lô",
    "2. Đóng gói",
    "3. Chế biến",
    "4. Vận chuyển",
    "5. Nhận hàng",
    "6. Nhận hàng",
]
SERIAL_STEPS = [
    *LOT_STEPS[:2],
    "3. Vận chuyển",
    "4. Nhận hàng",
    "5. Nhận hàng",
    "6. Bán lẻ",
    "7. Bán lẻ",
]


def _open(page: Any, path: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"/{path}")
    expect(page.locator("#timeline > li").first).to_be_visible()


def _fits_the_phone(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 360 px phone"


def test_a_lots_page_shows_the_product_its_origin_and_its_journey_verified(
    mango_page: Any,
) -> None:
    page = mango_page
    _open(page, LOT_PATH)
    assert page.evaluate("document.documentElement.lang") == "vi"
    expect(page.locator("h1")).to_have_text(PRODUCT_NAME)
    expect(page.locator("#product-key")).to_have_text(
        "Lô L2026-06 · mã sản phẩm (GTIN) 18935678012347"
    )
    product = page.locator("#product")
    expect(product).to_contain_text("Tên theo quy định")
    expect(product).to_contain_text("Xoài quả tươi")
    expect(product).to_contain_text("Do did:sen:htx-xoai-son-la tự khai báo")
    origin = page.locator("#origin")
    expect(origin).to_contain_text(FARM_NAME)
    expect(origin).to_contain_text("Bản Chiềng Hặc, Yên Châu, Sơn La, Việt Nam")
    expect(origin).to_contain_text(f"vĩ độ {FARM_LATITUDE}, kinh độ {FARM_LONGITUDE}")
    expect(origin).to_contain_text("06:30 05/06/2026 (giờ Việt Nam)")
    events = page.locator("#timeline > li")
    expect(events.locator("h3")).to_have_text(LOT_STEPS)
    # every event's receipt checked against the genesis (it needs the block after the job's)
    expect(events.locator(".proof-box")).to_contain_text([VERIFIED] * len(LOT_STEPS))
    expect(page.locator("#proof-summary")).to_have_text(
        "Cả 6 sự kiện của hành trình đã được xác thực trên chuỗi vn-agri."
    )
    expect(events.nth(1)).to_contain_text("480 kg")
    expect(events.nth(2).locator("dl")).to_contain_text("20 kg")
    expect(events.nth(2).locator("dl")).to_contain_text("2,5 kg")
    dried = events.nth(2).get_by_role("link", name="01/28935678012344/10/D2026-06")
    expect(dried).to_have_attribute("href", "/01/28935678012344/10/D2026-06")
    shipped = events.nth(3)  # written in UTC (09:00Z): shown in Vietnam time
    expect(shipped).to_contain_text("16:00 05/06/2026 (giờ Việt Nam)")
    expect(shipped).to_contain_text("Múi giờ ghi nhận UTC+07:00")
    expect(shipped.locator(".badge")).to_have_text("Thùng/pallet chứa sản phẩm")
    expect(page.locator("#signals")).to_have_count(0)
    vietgap = page.locator("#certificates > ul > li", has_text=FARM_VIETGAP)
    expect(vietgap.get_by_role("heading", name="VietGAP")).to_be_visible()
    expect(vietgap.locator(".cert-status")).to_have_text(f"✓{CERTIFIED}")
    expect(vietgap).to_contain_text("Số giấy chứng nhận")
    expect(vietgap).to_contain_text("VietGAP-TT-26-01-14-0042")
    expect(vietgap).to_contain_text(CERTIFIER_NAME)
    expect(vietgap).to_contain_text("từ 01/06/2026 đến 01/06/2029")
    qr = page.locator("#qr img")
    expect(qr).to_have_attribute("src", f"/trace/v1/qr/{LOT_PATH}.svg")
    assert page.evaluate("document.querySelector('#qr img').naturalWidth") > 0
    expect(page.locator("#qr-print")).to_have_attribute("href", f"/trace/v1/qr/{LOT_PATH}.svg")
    _fits_the_phone(page)
    screenshot(page, "trace-lot-phone")
    assert axe_violations(page) == []


def test_a_mistaken_event_is_shown_corrected_never_hidden(mango_page: Any) -> None:
    page = mango_page
    _open(page, LOT_PATH)
    mistaken, corrective = page.locator("#event-5"), page.locator("#event-6")
    expect(mistaken.locator(".badge")).to_have_text(
        ["Thùng/pallet chứa sản phẩm", "Đã được đính chính"]
    )
    expect(mistaken).to_contain_text("Cửa hàng Trái cây Bến Thành")
    expect(mistaken.locator(".correction")).to_contain_text(
        "Bên ghi nhận đã khai báo sự kiện này là sai (lúc 15:00 06/06/2026)"
    )
    expect(mistaken.locator(".correction")).to_contain_text("Lý do: dữ liệu bị sai")
    expect(mistaken.locator(".correction .proof")).to_contain_text(VERIFIED)
    mistaken.locator(".correction a").click()
    assert page.evaluate("window.location.hash") == "#event-6"
    expect(corrective).to_contain_text("Kho lạnh Long Biên")
    expect(corrective.locator(".badge")).to_have_text(["Thùng/pallet chứa sản phẩm"])


def test_a_serial_sold_in_two_shops_warns_first_with_its_evidence(mango_page: Any) -> None:
    page = mango_page
    _open(page, SERIAL_PATH)
    expect(page.locator("#product-key")).to_have_text(
        "Mã cá thể 7001 · mã sản phẩm (GTIN) 18935678012347"
    )
    warning = page.locator("#signals .signal")
    expect(warning).to_have_count(1)
    expect(warning.locator("h3")).to_have_text("⚠ Mã này đã được bán nhiều lần")
    expect(warning).to_contain_text("Cùng một mã cá thể đã được bán ở 2 nơi khác nhau.")
    first = page.evaluate("document.querySelector('main > section').id")
    assert first == "signals", "the warning comes before anything else"
    evidence = warning.locator(".evidence li a")
    expect(evidence.first).not_to_be_visible()
    warning.locator("summary").click()
    expect(evidence).to_have_text(["Bán lẻ · 10:05 07/06/2026", "Bán lẻ · 16:40 08/06/2026"])
    expect(warning.locator(".evidence li")).to_contain_text(
        ["Cửa hàng Nông sản sạch Hàng Bè", "Cửa hàng Trái cây Bến Thành"]
    )
    events = page.locator("#timeline > li")
    expect(events.locator("h3")).to_have_text(SERIAL_STEPS)
    expect(events.locator(".proof-box")).to_contain_text([VERIFIED] * len(SERIAL_STEPS))
    expect(events.nth(5)).to_contain_text("Cửa hàng Nông sản sạch Hàng Bè")
    expect(events.nth(6)).to_contain_text("Cửa hàng Trái cây Bến Thành")
    evidence.nth(1).click()
    assert page.evaluate("window.location.hash") == "#event-7"
    _fits_the_phone(page)
    screenshot(page, "trace-serial-phone")
    assert axe_violations(page) == []


def test_english_on_request_and_remembered(mango_page: Any) -> None:
    page = mango_page
    _open(page, SERIAL_PATH)
    page.click("button[data-lang='en']")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#product-key")).to_have_text(
        "Serial 7001 · product code (GTIN) 18935678012347"
    )
    expect(page.locator("h1")).to_have_text(PRODUCT_NAME)  # declared by the business, as is
    expect(page.locator("#signals h3")).to_have_text("⚠ This code was sold more than once")
    expect(page.locator("#origin")).to_contain_text(
        f"latitude {FARM_LATITUDE}, longitude {FARM_LONGITUDE}"
    )
    events = page.locator("#timeline > li")
    expect(events.locator("h3")).to_have_text(
        ["1. Harvest / lot created", "2. Packed", "3. Shipped", "4. Received", "5. Received",
         "6. Sold in a shop", "7. Sold in a shop"]
    )  # fmt: skip
    expect(events.locator(".proof-box")).to_contain_text(["Verified on the chain"] * 7)
    expect(events.nth(2)).to_contain_text("05/06/2026, 16:00 (Vietnam time)")
    expect(events.nth(3).locator(".badge")).to_have_text(["Its carton/pallet", "Corrected"])
    vietgap = page.locator("#certificates > ul > li", has_text="VietGAP")
    expect(vietgap.locator(".cert-status")).to_have_text(
        "✓Verified: the issuer is accredited on the chain, and it is not revoked"
    )
    expect(vietgap).to_contain_text(f"Where it is produced: {FARM_NAME} (GLN 8935678000019)")
    expect(vietgap).to_contain_text("from 01/06/2026 to 01/06/2029")
    assert page.evaluate("window.senConsole.missingKeys()") == []
    _fits_the_phone(page)
    screenshot(page, "trace-serial-phone-english")
    assert axe_violations(page) == []
    page.goto(f"/{LOT_PATH}")
    expect(page.locator("#product-key")).to_have_text(
        "Lot L2026-06 · product code (GTIN) 18935678012347"
    )  # remembered
    expect(page.locator("#timeline h3").first).to_have_text("1. Harvest / lot created")
    page.click("button[data-lang='vi']")
    expect(page.locator("#timeline h3").first).to_have_text("1. Thu hoạch / đóng lô")


def test_a_downloaded_receipt_is_checked_by_sen_verify_with_the_genesis_alone(
    mango_page: Any, mango: MangoRepository, tmp_path: Path
) -> None:
    page = mango_page
    _open(page, LOT_PATH)
    expect(page.locator("#receipt-hint")).to_contain_text(
        "lệnh sen verify kiểm tra biên nhận đó chỉ với tệp genesis của chuỗi"
    )
    saved = []
    for event, link in (("#event-1", "Tải biên nhận"),
                        ("#event-5", "Tải biên nhận của lời đính chính")):  # fmt: skip
        with page.expect_download() as download:
            page.locator(event).get_by_role("link", name=link, exact=False).first.click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        saved.append(path)
    receipts = [json.loads(p.read_text(encoding="utf-8")) for p in saved]
    assert [r["format"] for r in receipts] == ["sen-event-receipt"] * 2
    assert "errorDeclaration" in json.loads(receipts[1]["event"])
    for path in saved:
        done = subprocess.run(
            [str(SEN), "verify", str(path), "--genesis", str(mango.genesis)],
            env={**os.environ, "SEN_HOME": str(tmp_path / "no-home"), "SEN_LANG": "vi"},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "HỢP LỆ" in done.stdout


def test_a_product_nobody_recorded_says_so(mango_page: Any, mango: MangoRepository) -> None:
    page = mango_page
    page.set_viewport_size(PHONE)
    answer = page.goto("/01/18935678012347/10/CHUA-CO")
    assert answer is not None and answer.status == 200
    headers = answer.headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["vary"] == "Accept"
    expect(page.locator(".notice h2")).to_have_text("Chưa có thông tin về sản phẩm này")
    expect(page.locator("h1")).to_have_text(PRODUCT_NAME)  # the GTIN's declared name
    assert axe_violations(page) == []
    # the same address answers the journey as data to a machine
    data = httpx.get(f"{mango.url}/{LOT_PATH}", headers={"Accept": "application/json"})
    assert data.json()["key"] == LOT_PATH


def test_an_event_recorded_in_another_time_zone_shows_its_local_time_too(
    mango_page: Any,
) -> None:
    page = mango_page
    _open(page, LOT_PATH)
    shown = page.evaluate(
        """async () => {
            const { eventTime } = await import('/console/js/trace/format.js');
            const shown = eventTime({eventTime: '2026-06-10T08:00:00.000+09:00',
                                     eventTimeZoneOffset: '+09:00'});
            return [...shown.querySelectorAll('.line')].map((line) => line.textContent);
        }"""
    )
    assert shown == [
        "06:00 10/06/2026 (giờ Việt Nam)",
        "giờ tại nơi ghi nhận: 08:00 10/06/2026 (UTC+09:00)",
    ]


def test_each_proof_status_and_signal_says_what_it_means_until_the_proof_arrives(
    mango_page: Any,
) -> None:
    """The journey's first answer rewritten (a pending proof, a failed check, a chain out of
    reach, the two other signals); the page asks again while a proof is pending and shows
    the real answer's proofs when it comes, without a reload."""
    page = mango_page
    answers: list[int] = []

    def rewrite(route: Any) -> None:
        real = route.fetch()
        view = real.json()
        answers.append(len(answers) + 1)
        if len(answers) == 1:
            events = view["events"]
            events[0]["proof"] = {"status": "pending", "reason": "the block after is not made"}
            events[1]["proof"] = {"status": "failed", "check": "event", "reason": "hash differs"}
            events[2]["proof"] = {"status": "unknown", "reason": "no node"}
            view["signals"] = [
                {"kind": "quantities-do-not-add-up", "severity": "danger",
                 "evidence": [events[0]["eventID"], events[1]["eventID"]],
                 "detail": "600 KGM packed, but 500 KGM produced"},
                {"kind": "scanned-after-sale", "severity": "warning",
                 "evidence": [events[0]["eventID"], "9 scans"],
                 "detail": "its page was opened in 9 separate 10-minute periods since it was "
                           "sold on 2026-06-07T03:05:00.000Z; anyone can open a page, so this "
                           "is a hint to check the label, not evidence"},
            ]  # fmt: skip
        route.fulfill(response=real, json=view)

    page.route("**/trace/v1/view/**", rewrite)
    _open(page, LOT_PATH)
    events = page.locator("#timeline > li .proof-box")
    expect(events.nth(0)).to_contain_text("Đang chờ xác thực")
    expect(events.nth(1)).to_contain_text("CẢNH BÁO: không khớp với chuỗi khối")
    expect(events.nth(1)).to_contain_text("Bước kiểm tra không đạt: sự kiện và giá trị băm của nó.")
    expect(events.nth(2)).to_contain_text("Chưa kiểm tra được")
    expect(page.locator("#proof-summary")).to_contain_text("Có sự kiện KHÔNG khớp với chuỗi khối")
    signals = page.locator("#signals .signal")
    expect(signals.locator("h3")).to_have_text(
        ["⚠ Số lượng không khớp", "⚠ Mã này được quét nhiều lần sau khi đã bán"]
    )
    expect(signals.nth(0)).to_contain_text(
        "Lô này được ghi nhận đóng gói nhiều hơn số lượng đã sản xuất (600 kg so với 500 kg)."
    )
    expect(signals.nth(1)).to_contain_text(
        "Trang này đã được mở trong 9 khoảng 10 phút khác nhau kể từ khi sản phẩm được bán."
    )
    assert "notice warn" in (signals.nth(1).get_attribute("class") or "")
    screenshot(page, "trace-lot-statuses")
    assert axe_violations(page) == []
    # a pending proof is asked for again: the real answer's proofs replace the rewritten ones
    expect(events).to_contain_text([VERIFIED] * len(LOT_STEPS))
    expect(page.locator("#proof-summary")).to_contain_text("Cả 6 sự kiện")
    assert len(answers) >= 2


def test_an_ocop_rating_attached_with_the_cli_shows_verified_then_revoked_at_the_next_view(
    mango_page: Any, mango: MangoRepository, tmp_path: Path
) -> None:
    """The department rates the mango 4 stars OCOP and the cooperative attaches the rating
    with ``sen trace certify``: the lot's page shows the stars, verified. The department sets
    its revocation bit on chain: the page's next view shows it revoked, struck through,
    without its stars, the farm's VietGAP still verified."""
    page = mango_page
    certifier = mango.certifier()
    rating = certificate(certifier, "OCOPCertificate", {"id": GTIN_URI, "ocopRating": 4}, 4242)
    said = certify(mango, rating, tmp_path / "ocop.json")
    assert "attached: OCOPCertificate of 01/18935678012347" in said, said
    _open(page, LOT_PATH)
    ocop = page.locator("#certificates > ul > li", has_text="OCOP")
    expect(ocop.get_by_role("heading", name="4 sao OCOP")).to_be_visible()
    expect(ocop.locator(".stars")).to_have_text("★★★★☆")
    expect(ocop.locator(".cert-status")).to_have_text(f"✓{CERTIFIED}")
    expect(ocop).to_contain_text("Sản phẩm này, mọi lô (GTIN 18935678012347)")
    expect(ocop).to_contain_text(f"{CERTIFIER_NAME}{CERTIFIER}")
    expect(ocop).to_contain_text("từ 01/06/2026 đến 01/06/2029")
    expect(page.locator("#certificates > ul > li")).to_have_count(2)  # the GTIN's, then the farm's
    expect(page.locator("#certificates > ul > li").nth(1)).to_contain_text(FARM_VIETGAP)
    order = page.evaluate("[...document.querySelectorAll('main > section')].map((s) => s.id)")
    assert order.index("certificates") == order.index("product") + 1, order
    _fits_the_phone(page)
    screenshot(page, "trace-certificate-verified")
    assert axe_violations(page) == []

    revocation = {"list": STATUS_LIST, "issuer": CERTIFIER, "set": [4242]}
    with Client.http(mango.node) as client:
        revoked = client.send(certifier, "status", "update", revocation)
    assert revoked.result is not None and revoked.result.ok, revoked.result
    page.reload()
    status = ocop.locator(".cert-status")
    expect(status).to_contain_text("Đã bị thu hồi")
    expect(status).to_contain_text("Cơ quan cấp đã thu hồi chứng nhận này trên chuỗi khối")
    expect(status).to_have_attribute("role", "alert")
    expect(ocop.locator(".stars")).to_have_count(0)
    expect(ocop.locator("h3 s")).to_have_text("OCOP · 4 sao")
    expect(ocop.get_by_role("heading", name="OCOP · 4 sao — Đã bị thu hồi")).to_be_visible()
    expect(ocop).to_contain_text("STATUS_REVOKED")  # the verifier's finding, folded
    farm = page.locator("#certificates > ul > li", has_text=FARM_VIETGAP)
    expect(farm.locator(".cert-status")).to_have_text(f"✓{CERTIFIED}")
    _fits_the_phone(page)
    screenshot(page, "trace-certificate-revoked")
    assert axe_violations(page) == []


def _shown_as(real: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**real, "errors": [], **changes}


def test_each_certificate_status_says_what_it_means_and_only_a_verified_one_looks_good(
    mango_page: Any,
) -> None:
    """The view's certificates rewritten from the farm's real one: each status in words, each
    kind named, each subject said; stars only on a verified rating."""
    page = mango_page

    def rewrite(route: Any) -> None:
        real = route.fetch()
        view = real.json()
        (farm,) = [c for c in view["certificates"] if c["key"] == "414/8935678000019"]
        failed = [{"code": "INVALID_SIGNATURE", "message": "the signature does not verify",
                   "path": "$.proof.proofValue"}]  # fmt: skip
        unasked = [{"code": "CHAIN_UNAVAILABLE", "message": "no node", "path": "$"}]
        view["certificates"] = [
            _shown_as(farm, types=["OCOPCertificate"], key="01/18935678012347",
                      claims={"ocopRating": 5}, status="suspended"),
            _shown_as(farm, types=["OrganicCertificate"], key=LOT_PATH, claims={},
                      status="verified"),
            _shown_as(farm, types=["OrganicCertificate"], key=LOT_PATH, claims={},
                      status="expired", validUntil="2026-11-30T00:00:00+07:00"),
            _shown_as(farm, types=["VietGAPCertificate"], key=COOP, status="not-accredited",
                      issuerName=None, issuer="did:sen:tu-chung-nhan"),
            _shown_as(farm, types=["OCOPCertificate"], key="01/18935678012347",
                      claims={"ocopRating": 3}, status="invalid", errors=failed),
            _shown_as(farm, types=["HalalCertificate"], key="417/8935678000026",
                      claims={}, status="unknown", errors=unasked, validFrom=None),
            _shown_as(farm, status="a-new-status"),
            _shown_as(farm, types=["OrganicCertificate"], key=LOT_PATH, claims={},
                      status="not-yet-valid", validFrom="2027-01-01T00:00:00+07:00"),
        ]  # fmt: skip
        route.fulfill(response=real, json=view)

    page.route("**/trace/v1/view/**", rewrite)
    _open(page, LOT_PATH)
    shown = page.locator("#certificates > ul > li")
    expect(shown.locator("h3")).to_have_text([
        "OCOP · 5 sao — Đang bị tạm đình chỉ", "Hữu cơ", "Hữu cơ — Đã hết hạn",
        "VietGAP — Cơ quan cấp không được công nhận", "OCOP · 3 sao — Không hợp lệ",
        "HalalCertificate — Chưa kiểm tra được", "VietGAP — Chưa kiểm tra được",
        "Hữu cơ — Chưa có hiệu lực",
    ])  # fmt: skip
    expect(shown.locator(".cert-status strong")).to_have_text([
        "Đang bị tạm đình chỉ", "Đã xác minh", "Đã hết hạn", "Cơ quan cấp không được công nhận",
        "Không hợp lệ", "Chưa kiểm tra được", "Chưa kiểm tra được", "Chưa có hiệu lực",
    ])  # fmt: skip
    expect(page.locator("#certificates .stars")).to_have_count(0)
    expect(shown.locator("h3 s")).to_have_count(5)  # not the verified one, nor the unchecked
    expect(shown.nth(0)).to_contain_text("trong thời gian đình chỉ, nó không có giá trị")
    expect(shown.nth(1)).to_contain_text("Lô này (L2026-06)")
    expect(shown.nth(1)).to_contain_text("Sản xuất nông nghiệp hữu cơ (TCVN 11041).")
    expect(shown.nth(2)).to_contain_text("từ 01/06/2026 đến 30/11/2026")
    expect(shown.nth(2)).to_contain_text("Thời hạn hiệu lực của chứng nhận đã hết")
    expect(shown.nth(3)).to_contain_text(f"Nhà sản xuất {COOP}")
    expect(shown.nth(3)).to_contain_text("Cơ quan cấpdid:sen:tu-chung-nhan")  # no name: the DID
    expect(shown.nth(3).locator(".cert-status")).to_have_attribute("role", "alert")
    expect(shown.nth(4)).to_contain_text("có thể đã bị sửa hoặc bị làm giả")
    shown.nth(4).locator("summary").click()
    expect(shown.nth(4).locator(".evidence li")).to_have_text(
        "INVALID_SIGNATURE: the signature does not verify"
    )
    expect(shown.nth(5)).to_contain_text("Doanh nghiệp có mã GLN 8935678000026")
    expect(shown.nth(5)).to_contain_text("đến 01/06/2029")
    expect(shown.nth(5)).to_contain_text("Hiện không hỏi được chuỗi khối")
    expect(shown.nth(7)).to_contain_text("Chứng nhận chỉ có giá trị từ ngày ghi trên đó")
    _fits_the_phone(page)
    screenshot(page, "trace-certificate-statuses")
    assert axe_violations(page) == []
    page.click("button[data-lang='en']")
    expect(shown.locator("h3")).to_have_text([
        "OCOP · 5 stars — Suspended", "Organic", "Organic — Expired",
        "VietGAP — Issuer not accredited", "OCOP · 3 stars — Invalid",
        "HalalCertificate — Could not be checked yet", "VietGAP — Could not be checked yet",
        "Organic — Not valid yet",
    ])  # fmt: skip
    expect(shown.nth(1)).to_contain_text("This lot (L2026-06)")
    expect(shown.nth(3)).to_contain_text(f"The producer, {COOP}")
