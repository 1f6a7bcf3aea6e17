"""The public verification portal: a file dropped (valid, tampered, unknown, too large) and
a receipt uploaded (valid, tampered, with a changed document, malformed), as a citizen would."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from console_support import BATCH_ORGANISATION, ORGANISATION, Console, screenshot

from sen.light.genesis import load_genesis
from sen.light.receipt import verify_receipt

pytestmark = pytest.mark.slow


def drop_document(page: Any, payload: bytes | Path, name: str = "tai-lieu.pdf") -> None:
    page.goto("/#/verify")
    page.locator("#document-file").wait_for()
    if isinstance(payload, Path):
        page.set_input_files("#document-file", str(payload))
    else:
        page.set_input_files(
            "#document-file", {"name": name, "mimeType": "application/pdf", "buffer": payload}
        )


def test_anchored_file_is_found_and_its_receipt_downloads(
    page: Any, console: Console, tmp_path: Path
) -> None:
    requests: list[tuple[str, str]] = []
    page.on("request", lambda r: requests.append((r.method, r.url)))
    drop_document(page, console.diploma)
    found = page.locator("#document-result .notice.ok")
    found.wait_for()
    assert "Tài liệu đã được ghi nhận 1 lần" in found.inner_text()
    digest = console.digest(console.diploma)
    assert page.inner_text("#document-digest") == digest
    assert ORGANISATION in page.inner_text("ol.anchorings")
    # the document itself never left the browser: only its digest was looked up
    assert not [r for r in requests if r[0] != "GET"], requests
    assert any(url.endswith(f"/v1/evidence/sha-256/{digest}") for _, url in requests)
    screenshot(page, "verify-document-found")
    with page.expect_download() as download_info:
        page.click("ol.anchorings button[data-anchoring='0']")
    download = download_info.value
    assert download.suggested_filename == f"receipt-{digest[:16]}-0.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    receipt = json.loads(saved.read_text(encoding="utf-8"))
    genesis = load_genesis((console.home / "config" / "genesis.json").read_bytes())
    report = verify_receipt(receipt, genesis, document_digest=bytes.fromhex(digest))
    assert report.valid and report.organisation == ORGANISATION


def test_file_of_a_batch_is_found(page: Any, console: Console) -> None:
    drop_document(page, console.batch[2])
    page.locator("#document-result .notice.ok").wait_for()
    card = page.inner_text("ol.anchorings")
    assert BATCH_ORGANISATION in card
    assert "Trong một lô, vị trí 2" in card


@pytest.mark.parametrize("kind", ["tampered", "unknown"])
def test_tampered_or_unknown_file_is_not_found(page: Any, console: Console, kind: str) -> None:
    original = console.diploma.read_bytes()
    payload = (
        original[:-1] + bytes([original[-1] ^ 1])
        if kind == "tampered"
        else secrets.token_bytes(999)
    )
    drop_document(page, payload)
    missing = page.locator("#document-result .notice.warn")
    missing.wait_for()
    assert "Không tìm thấy tài liệu trên chuỗi" in missing.inner_text()
    assert "đã bị thay đổi" in missing.inner_text()
    assert page.inner_text("#document-digest") == hashlib.sha256(payload).hexdigest()
    screenshot(page, f"verify-document-{kind}")


def test_dropping_a_file_on_the_zone(page: Any, console: Console) -> None:
    page.goto("/#/verify")
    content = console.diploma.read_bytes()
    transfer = page.evaluate_handle(
        """(bytes) => {
            const data = new DataTransfer();
            const file = new File([new Uint8Array(bytes)], 'bang.pdf', {type: 'application/pdf'});
            data.items.add(file);
            return data;
        }""",
        list(content),
    )
    page.dispatch_event(".dropzone", "drop", {"dataTransfer": transfer})
    page.locator("#document-result .notice.ok").wait_for()
    assert page.inner_text("#document-digest") == console.digest(console.diploma)


def test_chunked_hashing_gives_the_same_digest(page: Any, console: Console) -> None:
    page.goto("/#/verify")
    page.evaluate(
        "() => Object.assign(window.senConsole.limits, {forceIncremental: true, chunkBytes: 333})"
    )
    page.set_input_files("#document-file", str(console.batch[1]))
    page.locator("#document-result .notice.ok").wait_for()
    assert page.inner_text("#document-digest") == console.digest(console.batch[1])


def test_too_large_file_is_refused_with_a_message(page: Any) -> None:
    page.goto("/#/verify")
    page.evaluate("() => { window.senConsole.limits.documentBytes = 1000; }")
    page.set_input_files(
        "#document-file",
        {"name": "lon.bin", "mimeType": "application/octet-stream", "buffer": bytes(2000)},
    )
    refused = page.locator("#document-result .notice.bad")
    refused.wait_for()
    assert "Tệp quá lớn để băm trong trình duyệt" in refused.inner_text()
    assert "sen evidence lookup" in refused.inner_text()


# -- receipts -------------------------------------------------------------------------------


def receipt_of(console: Console, path: Path) -> dict[str, Any]:
    with console.client() as client:
        return client.receipt(console.digest(path), wait=True, timeout=30)


def check_receipt(
    page: Any, receipt: bytes, document: bytes | Path | None = None, name: str = "bien-nhan.json"
) -> Any:
    page.goto("/#/verify?tab=receipt")
    page.locator("#receipt-file").wait_for()
    page.set_input_files(
        "#receipt-file", {"name": name, "mimeType": "application/json", "buffer": receipt}
    )
    if isinstance(document, Path):
        page.set_input_files("#receipt-document", str(document))
    elif document is not None:
        page.set_input_files(
            "#receipt-document",
            {"name": "bang-tot-nghiep.pdf", "mimeType": "application/pdf", "buffer": document},
        )
    page.click("#receipt-submit")
    result = page.locator("#receipt-result .notice")
    result.wait_for()
    return result


def test_valid_receipt_with_its_document(page: Any, console: Console) -> None:
    receipt = json.dumps(receipt_of(console, console.diploma)).encode()
    result = check_receipt(page, receipt, console.diploma)
    assert "HỢP LỆ: biên nhận đạt mọi bước kiểm tra" in result.inner_text()
    assert "trùng khớp chính xác" in result.inner_text()
    checks = page.locator("#receipt-checks li")
    names = [checks.nth(i).get_attribute("data-check") for i in range(checks.count())]
    assert names == [
        "format",
        "chain",
        "validators",
        "commit",
        "inclusion",
        "result",
        "transaction",
        "evidence",
        "document",
    ]
    assert page.locator("#receipt-checks li.ok").count() == 9
    screenshot(page, "verify-receipt-valid")


def test_tampered_receipt_names_the_failed_check(page: Any, console: Console) -> None:
    receipt = receipt_of(console, console.diploma)
    receipt["evidence"]["digest"] = console.digest(console.batch[0])
    result = check_receipt(page, json.dumps(receipt).encode())
    assert "KHÔNG HỢP LỆ" in result.inner_text()
    assert "giá trị băm được ghi nhận" in result.inner_text()
    failed = page.locator("#receipt-checks li.bad")
    assert failed.count() == 1
    assert failed.get_attribute("data-check") == "evidence"
    assert "the transaction anchors a different digest" in failed.inner_text()
    assert page.locator("#receipt-checks li.skipped[data-check='document']").count() == 1
    screenshot(page, "verify-receipt-tampered")


def test_changed_document_fails_the_document_check(page: Any, console: Console) -> None:
    receipt = json.dumps(receipt_of(console, console.diploma)).encode()
    changed = console.diploma.read_bytes().replace("Hoà".encode(), b"Hoa", 1)
    result = check_receipt(page, receipt, changed)
    assert "KHÔNG HỢP LỆ" in result.inner_text()
    failed = page.locator("#receipt-checks li.bad")
    assert failed.get_attribute("data-check") == "document"
    assert "đã bị thay đổi" in failed.inner_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "sen-evidence-receipt", "version": ', "nội dung không phải JSON hợp lệ"),
        (b"[1, 2, 3]", "nội dung JSON không phải một đối tượng"),
        ("Biên nhận giả".encode(), "nội dung không phải JSON hợp lệ"),
    ],
    ids=["truncated", "array", "text"],
)
def test_malformed_receipt_is_explained(page: Any, content: bytes, message: str) -> None:
    result = check_receipt(page, content)
    assert "Không đọc được biên nhận" in result.inner_text()
    assert message in result.inner_text()


def test_receipt_of_another_format_fails_the_format_check(page: Any) -> None:
    result = check_receipt(page, b'{"format": "something-else", "version": 1}')
    assert "KHÔNG HỢP LỆ" in result.inner_text()
    assert page.locator("#receipt-checks li.bad").get_attribute("data-check") == "format"


def test_submitting_without_a_receipt(page: Any) -> None:
    page.goto("/#/verify?tab=receipt")
    page.click("#receipt-submit")
    assert "Hãy chọn một tệp biên nhận" in page.locator("#receipt-result").inner_text()
