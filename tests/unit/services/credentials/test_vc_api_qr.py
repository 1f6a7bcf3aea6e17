"""The QR code's link: the issuing node (from the status list URL) and the credential's id."""

from __future__ import annotations

from pathlib import Path

import pytest

from sen.services.credentials.qr import credential_link, make_qr, node_url_of, save_qr

CREDENTIAL = {
    "id": "urn:uuid:5a3c8f2e-1d7b-4c39-9e61-2b8f0d4a7c15",
    "credentialStatus": [
        {
            "type": "BitstringStatusListEntry",
            "statusListCredential": "https://vc.vnu.edu.vn/v1/status-lists/did:sen:vnu/a/credential",
        }
    ],
}
LINK = "https://vc.vnu.edu.vn/v1/credentials/urn:uuid:5a3c8f2e-1d7b-4c39-9e61-2b8f0d4a7c15"


def test_the_link_names_the_issuing_node_and_the_id() -> None:
    assert node_url_of(CREDENTIAL) == "https://vc.vnu.edu.vn"
    assert credential_link(CREDENTIAL) == LINK
    assert credential_link(CREDENTIAL, "https://other.vn/").startswith("https://other.vn/v1/")


@pytest.mark.parametrize(
    ("credential", "reason"),
    [({"credentialStatus": []}, "no id"), ({"id": "urn:uuid:1"}, "no issuing node")],
)
def test_no_link_without_id_or_node(credential: dict[str, object], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        credential_link(credential)


def test_the_svg_is_the_qr_code_of_the_link(tmp_path: Path) -> None:
    path = tmp_path / "bang.svg"
    code = save_qr(LINK, path, title="Bằng tốt nghiệp")
    assert code.error == "Q" and code.matrix == make_qr(LINK).matrix
    text = path.read_text(encoding="utf-8")
    assert "<svg" in text and "Bằng tốt nghiệp" in text
