"""The credential tab and the QR page, as an employer would use them: a diploma issued by the
university's node through the VC-API, pasted into the portal (valid, tampered, revoked, in a
presentation), unreadable input, and the QR link #/credential?id=…, in Vietnamese and English."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
from console_support import axe_violations, screenshot
from diploma_chain import Chain, auth, diploma

from sen.sdk import generate_key
from sen.vc import did_key, sign_presentation

pytestmark = pytest.mark.slow

NAME = "Nguyễn Thị Minh Khai"
ALL_CHECKS = ["dataModel", "proof", "proofPurpose", "controller", "validity", "accreditation"]


def issue(chain: Chain) -> dict[str, Any]:
    holder = generate_key()
    holder_did, _ = did_key(holder.suite, holder.public_key)
    response = httpx.post(
        f"{chain.url}/credentials/issue",
        json={"credential": diploma(holder_did)},
        headers=auth(),
        timeout=60,
    )
    assert response.status_code == 201, response.text
    signed: dict[str, Any] = response.json()["verifiableCredential"]
    return signed


def paste(page: Any, text: str, **options: str) -> None:
    page.goto("/#/verify?tab=credential")
    page.locator("#credential-json").wait_for()
    page.fill("#credential-json", text)
    for name, value in options.items():
        page.fill(f"#credential-{name}", value)
    page.click("#credential-submit")


def check_classes(page: Any) -> dict[str, str]:
    page.locator("#credential-checks").wait_for()
    classes: dict[str, str] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#credential-checks li')]
            .map(li => [li.dataset.check, li.className]))"""
    )
    return classes


def test_an_issued_diploma_verifies_with_every_check(
    diploma_page: Any, diploma_node: Chain
) -> None:
    page = diploma_page
    signed = issue(diploma_node)
    paste(page, json.dumps(signed, ensure_ascii=False, indent=2))
    verdict = page.locator("#credential-verdict.notice.ok")
    verdict.wait_for()
    assert "Chứng chỉ hợp lệ" in verdict.inner_text()
    classes = check_classes(page)
    assert classes == {name: "ok" for name in [*ALL_CHECKS, "status"]}, classes
    content = page.inner_text("#credential-content")
    assert NAME in content  # exactly as signed, diacritics included
    assert "Đại học Quốc gia Hà Nội" in content and "Cử nhân Khoa học Máy tính" in content
    assert "QĐ 1234/ĐHQGHN" in content
    assert axe_violations(page) == []
    screenshot(page, "credential-valid")
    page.click(".lang-switch button[data-lang='en']")
    page.locator("#credential-verdict").wait_for()
    assert "The credential is valid" in page.inner_text("#credential-verdict")
    assert "issuer accredited at issuance" in page.inner_text("#credential-checks")
    assert page.input_value("#credential-json").startswith("{")  # nothing typed was lost
    screenshot(page, "credential-valid-en")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "credential-valid-phone")


def test_a_tampered_diploma_fails_its_proof(diploma_page: Any, diploma_node: Chain) -> None:
    page = diploma_page
    tampered = copy.deepcopy(issue(diploma_node))
    tampered["credentialSubject"]["diploma"]["classification"] = "Xuất sắc"
    paste(page, json.dumps(tampered, ensure_ascii=False))
    page.locator("#credential-verdict.notice.bad").wait_for()
    classes = check_classes(page)
    assert classes["proof"] == "bad" and classes["dataModel"] == "ok"
    proof = page.inner_text("#credential-checks li[data-check='proof']")
    assert "nội dung đã bị sửa sau khi ký" in proof and "INVALID_SIGNATURE" in proof
    assert page.locator("#credential-errors li[data-code='INVALID_SIGNATURE']").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "credential-tampered")


def test_a_revoked_diploma_fails_its_status(diploma_page: Any, diploma_node: Chain) -> None:
    page = diploma_page
    signed = issue(diploma_node)
    revoked = httpx.post(
        f"{diploma_node.url}/credentials/status",
        json={
            "credentialId": signed["id"],
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
        },
        headers=auth(),
        timeout=60,
    )
    assert revoked.status_code == 200, revoked.text
    paste(page, json.dumps(signed, ensure_ascii=False))
    page.locator("#credential-verdict.notice.bad").wait_for()
    classes = check_classes(page)
    assert classes["status"] == "bad"
    assert all(classes[name] == "ok" for name in ALL_CHECKS), classes
    assert "đã bị bên cấp thu hồi" in page.inner_text("#credential-checks li[data-check='status']")
    screenshot(page, "credential-revoked")
    # the QR page says the same, with the status now and the transaction that changed it
    page.goto(f"/#/credential?id={signed['id']}")
    page.locator("#credential-verdict.notice.bad").wait_for()
    assert check_classes(page)["status"] == "bad"
    assert "Thu hồi: đã bật" in page.inner_text("#credential-status-now")


def test_a_presentation_with_challenge_and_domain(diploma_page: Any, diploma_node: Chain) -> None:
    page = diploma_page
    holder = generate_key()
    did, method = did_key(holder.suite, holder.public_key)
    signed_for_holder = httpx.post(
        f"{diploma_node.url}/credentials/issue",
        json={"credential": diploma(did)},
        headers=auth(),
        timeout=60,
    ).json()["verifiableCredential"]
    presentation = sign_presentation(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": did,
            "verifiableCredential": [signed_for_holder],
        },
        holder,
        method,
        "eddsa-rdfc-2022",
        challenge="tuyen-dung-42",
        domain="https://tuyendung.example",
    )
    text = json.dumps(presentation, ensure_ascii=False)
    paste(page, text, challenge="tuyen-dung-42", domain="https://tuyendung.example")
    page.locator("#credential-verdict.notice.ok").wait_for()
    assert "Bản trình diện hợp lệ" in page.inner_text("#credential-verdict")
    assert NAME in page.inner_text("#credential-content")
    paste(page, text, challenge="another", domain="https://tuyendung.example")
    page.locator("#credential-verdict.notice.bad").wait_for()
    assert check_classes(page)["proof"] == "bad"
    assert "Chuỗi thử thách không khớp" in page.inner_text("#credential-checks")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": ["VerifiableCredential"', "không phải JSON hợp lệ"),
        ("[1, 2]", "không phải một đối tượng chứng chỉ"),
        ('{"hello": "world"}', "không phải chứng chỉ số hay bản trình diện"),
        ("   ", "Hãy dán hoặc chọn một chứng chỉ"),
    ],
)
def test_unreadable_input_is_explained(diploma_page: Any, text: str, message: str) -> None:
    requests: list[str] = []
    diploma_page.on("request", lambda r: requests.append(r.method))
    paste(diploma_page, text)
    box = diploma_page.locator("#credential-result .notice.bad")
    box.wait_for()
    assert message in box.inner_text()
    assert "POST" not in requests  # explained without a request


def test_a_huge_file_is_refused(diploma_page: Any) -> None:
    page = diploma_page
    page.goto("/#/verify?tab=credential")
    page.locator("#credential-file").wait_for()
    huge = b'{"x": "' + b"a" * 1_000_000 + b'"}'
    page.set_input_files(
        "#credential-file", {"name": "lon.json", "mimeType": "application/json", "buffer": huge}
    )
    box = page.locator("#credential-result .notice.bad")
    box.wait_for()
    assert "Nội dung quá lớn" in box.inner_text() and "1.000.009 byte" in box.inner_text()


def test_the_qr_page(diploma_page: Any, diploma_node: Chain) -> None:
    page = diploma_page
    signed = issue(diploma_node)
    page.goto(f"/#/credential?id={signed['id']}")
    page.locator("#credential-verdict.notice.ok").wait_for()
    assert check_classes(page) == {name: "ok" for name in [*ALL_CHECKS, "status"]}
    assert NAME in page.inner_text("#credential-content")
    assert "Thu hồi: chưa bật" in page.inner_text("#credential-status-now")
    assert axe_violations(page) == []
    screenshot(page, "credential-qr")
    page.goto(f"/#/credential/{signed['id']}")  # the path form opens the same
    page.locator("#credential-verdict.notice.ok").wait_for()
    page.goto("/#/credential?id=urn:uuid:00000000-0000-4000-8000-000000000000")
    unknown = page.locator("#credential-unknown")
    unknown.wait_for()
    assert "không công bố chứng chỉ nào" in unknown.inner_text()
    page.click(".lang-switch button[data-lang='en']")
    page.locator("#credential-unknown").wait_for()
    assert "publishes no credential" in page.inner_text("#credential-unknown")
    page.goto("/#/credential")
    page.locator("main .notice.warn").wait_for()
    assert "no credential id" in page.inner_text("main")


def test_a_did_is_found_by_the_search_box(diploma_page: Any) -> None:
    page = diploma_page
    page.goto("/#/")
    page.fill("#search-input", "did:sen:vnu")
    page.click("#search-form button[type='submit']")
    page.locator("#did-facts").wait_for()
    assert page.url.endswith("#/did/did%3Asen%3Avnu")
    assert page.inner_text("#page-title") == "Định danh (DID)"
    assert "đang hoạt động" in page.inner_text("#did-facts")
    assert "key-1" in page.inner_text("#did-versions")
    assert "did:sen:vnu#key-1" in page.inner_text("#did-document")
    assert "sen --node" in page.inner_text("main") and "did resolve did:sen:vnu" in page.inner_text(
        "main"
    )
    assert axe_violations(page) == []
    screenshot(page, "did")
    page.click(".lang-switch button[data-lang='en']")
    page.locator("#did-facts").wait_for()
    assert "active" in page.inner_text("#did-facts")
    assert page.inner_text("#page-title") == "Identifier (DID)"
    # a did:key resolves from itself; an unknown did:sen is said plainly
    holder = generate_key()
    key_did, _ = did_key(holder.suite, holder.public_key)
    page.fill("#search-input", key_did)
    page.click("#search-form button[type='submit']")
    page.locator("#did-document").wait_for()
    assert key_did in page.inner_text("#did-document")
    assert page.locator("#did-versions").count() == 0
    page.goto("/#/did/did:sen:khong-co")
    assert "no such DID" in page.locator("#did-unknown").inner_text()
