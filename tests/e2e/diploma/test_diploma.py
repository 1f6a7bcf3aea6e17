"""The national diploma, end to end, on a real node (docs/guides/diplomas.md).

The Ministry accredits the university; the university's node issues a
bachelor's diploma to a graduate's did:key; the graduate presents it to an
employer, who verifies it (on the node, and with ``sen vc verify`` — again
with no network at all from saved material); the university revokes it and
verification fails with ``STATUS_REVOKED``. Around the story: an issuer that
is not accredited is refused, a revoked accreditation fails later
credentials but not earlier ones, an expired, a tampered, a suspended
credential, a wrong challenge, the bearer token, and the printable QR code.
"""

from __future__ import annotations

import copy
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import segno
from diploma_chain import COLLEGE, MINISTRY, REVOCATION_LIST, TOKENS, Chain, auth, diploma

from sen.cli.main import main
from sen.ledger.crypto import SigningKey
from sen.ledger.modules.status import decode_list
from sen.sdk import generate_key
from sen.vc import did_key, sign_credential, sign_presentation

pytestmark = pytest.mark.slow

NAME = "Nguyễn Thị Minh Khai"
CHALLENGE = "a3f1c2d4-tuyen-dung-2025"
DOMAIN = "https://tuyendung.fpt.example"


def issue(chain: Chain, credential: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.post(
        f"{chain.url}/credentials/issue",
        json={"credential": credential},
        headers=headers or auth(_token_issuer(credential)),
        timeout=60,
    )


def _token_issuer(credential: dict[str, Any]) -> str:
    """The credential's issuer if it has a token on the node, else did:sen:vnu."""
    party = credential.get("issuer")
    did = party.get("id") if isinstance(party, dict) else party
    return did if did in TOKENS else "did:sen:vnu"


def verify(chain: Chain, credential: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{chain.url}/credentials/verify", json={"verifiableCredential": credential}, timeout=60
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == (200 if body["verified"] else 400), response.text
    return body


def verify_presentation(
    chain: Chain, presentation: dict[str, Any], challenge: str = CHALLENGE
) -> dict[str, Any]:
    response = httpx.post(
        f"{chain.url}/presentations/verify",
        json={
            "verifiablePresentation": presentation,
            "options": {"challenge": challenge, "domain": DOMAIN},
        },
        timeout=60,
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == (200 if body["verified"] else 400), response.text
    return body


def present(credential: dict[str, Any], holder: SigningKey) -> dict[str, Any]:
    did, method = did_key(holder.suite, holder.public_key)
    return sign_presentation(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": did,
            "verifiableCredential": [credential],
        },
        holder,
        method,
        "eddsa-rdfc-2022",
        challenge=CHALLENGE,
        domain=DOMAIN,
    )


def codes(result: dict[str, Any]) -> list[str]:
    return [e["code"] for e in result["errors"]]


def sen(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def test_a_diploma_from_accreditation_to_revocation(
    chain: Chain, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graduate = generate_key()
    graduate_did, _ = did_key(graduate.suite, graduate.public_key)

    # the university's node issues the diploma
    response = issue(chain, diploma(graduate_did))
    assert response.status_code == 201, response.text
    assert NAME.encode("utf-8") in response.content  # UTF-8 on the wire, not \u escapes
    signed = response.json()["verifiableCredential"]
    assert signed["credentialSubject"]["name"] == NAME  # byte for byte, in NFC
    assert signed["credentialSubject"]["name"].encode() == NAME.encode()
    assert signed["id"].startswith("urn:uuid:")
    revocation, suspension = signed["credentialStatus"]
    list_url = f"{chain.url}/v1/status-lists/did:sen:vnu/{REVOCATION_LIST}/credential"
    assert revocation["type"] == "BitstringStatusListEntry"
    assert revocation["statusPurpose"] == "revocation"
    assert revocation["statusListCredential"] == list_url
    assert suspension["statusPurpose"] == "suspension"
    assert signed["proof"]["verificationMethod"] == "did:sen:vnu#key-1"

    # the employer verifies the credential, and the graduate's presentation
    result = verify(chain, signed)
    assert result["verified"], result
    assert {"proof", "validity", "accreditation", "status"} <= set(result["checks"])
    presentation = present(signed, graduate)
    result = verify_presentation(chain, presentation)
    assert result["verified"], result
    assert {"proof", "credentials", "accreditation", "status"} <= set(result["checks"])

    # a wrong challenge, a tampered credential
    result = verify_presentation(chain, presentation, challenge="another")
    assert not result["verified"] and "INVALID_CHALLENGE" in codes(result)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["diploma"]["classification"] = "Xuất sắc"
    result = verify(chain, tampered)
    assert not result["verified"] and codes(result) == ["INVALID_SIGNATURE"]

    # the status list credential: signed by vnu, the list on chain, all zeros yet
    listed = httpx.get(list_url, timeout=30)
    assert listed.status_code == 200
    assert 'rel="alternate"' in listed.headers["link"]
    list_credential = listed.json()
    assert list_credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = decode_list(list_credential["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= 131_072 and not any(bits)
    assert verify(chain, list_credential)["verified"]

    # sen vc verify: signatures checked here; then again with no network at all
    vp_file, material = tmp_path / "vp.json", tmp_path / "material.json"
    vp_file.write_text(json.dumps(presentation, ensure_ascii=False), encoding="utf-8")
    node = ["--node", chain.url]
    common = ["vc", "verify", str(vp_file), "--challenge", CHALLENGE, "--domain", DOMAIN]
    code, out, err = sen([*node, *common, "--save", str(material)], capsys)
    assert code == 0, out + err
    assert out.startswith("VERIFIED") and "accreditation" in out and "status" in out
    assert "matches the chain's at height" in out  # the list is the current one, by state proof
    offline = [*common, "--offline", "--material", str(material)]
    code, out, err = sen(["--node", "http://127.0.0.1:9", *offline], capsys)
    assert code == 0, out + err
    assert "ACCREDITATION_NOT_CHECKED" in out and "proof" in out

    # the printable QR code links to the credential on the issuing node
    credential_file, svg = tmp_path / "diploma.json", tmp_path / "diploma.svg"
    credential_file.write_text(json.dumps(signed, ensure_ascii=False), encoding="utf-8")
    code, out, err = sen(["vc", "qr", str(credential_file), "-o", str(svg)], capsys)
    assert code == 0, out + err
    link = f"{chain.url}/v1/credentials/{quote(signed['id'], safe=':')}"
    assert out.strip() == link
    assert svg.read_text().startswith("<?xml") and "<svg" in svg.read_text()
    expected = segno.make_qr(link, error="q", boost_error=False)
    assert expected.designator and expected.error == "Q"
    shown = httpx.get(link, timeout=30)
    assert shown.status_code == 200
    assert shown.json()["verifiableCredential"]["credentialSubject"]["name"] == NAME
    assert shown.json()["verification"]["verified"]

    # the university revokes it; every verification now fails, naming the reason
    code, out, err = sen(
        [
            *node,
            "vc",
            "revoke",
            "--credential",
            str(credential_file),
            "--token",
            TOKENS["did:sen:vnu"],
        ],
        capsys,
    )
    assert code == 0, out + err
    assert "now revoked" in out
    result = verify(chain, signed)
    assert not result["verified"] and codes(result) == ["STATUS_REVOKED"]
    assert result["errors"][0]["path"] == "$.credentialStatus[0]"
    result = verify_presentation(chain, presentation)
    assert codes(result) == ["STATUS_REVOKED"]
    assert result["errors"][0]["path"] == "$.verifiableCredential[0].credentialStatus[0]"
    code, out, err = sen([*node, *common], capsys)
    assert code == 1 and "STATUS_REVOKED" in out
    bits = decode_list(httpx.get(list_url, timeout=30).json()["credentialSubject"]["encodedList"])
    assert bits[int(revocation["statusListIndex"]) // 8]
    # the state-management statistics count it (from the status list on chain)
    stats = httpx.get(f"{chain.url}/v1/statistics", timeout=60).json()["totals"]
    assert stats["credentials_revoked"] >= 1 and stats["credentials_issued"] is None
    # revocation is final
    refused = httpx.post(
        f"{chain.url}/credentials/status",
        json={
            "credentialId": signed["id"],
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "active"}],
        },
        headers=auth(),
        timeout=60,
    )
    assert refused.status_code == 409, refused.text


def test_issue_and_present_with_the_cli(
    chain: Chain,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "graduate-keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-của-người-học")
    node = ["--node", chain.url]
    assert sen(["keys", "new", "tot-nghiep"], capsys)[0] == 0
    code, out, _ = sen(["did", "key", "--key", "tot-nghiep"], capsys)
    holder_did = out.strip()
    assert code == 0 and holder_did.startswith("did:key:z6Mk")
    unsigned, signed_file, vp_file = (tmp_path / n for n in ("bang.json", "da-ky.json", "vp.json"))
    unsigned.write_text(json.dumps(diploma(holder_did), ensure_ascii=False), encoding="utf-8")
    code, out, err = sen(
        [
            *node,
            "vc",
            "issue",
            str(unsigned),
            "--token",
            TOKENS["did:sen:vnu"],
            "-o",
            str(signed_file),
        ],
        capsys,
    )
    assert code == 0, out + err
    signed = json.loads(signed_file.read_text(encoding="utf-8"))
    assert signed["credentialSubject"]["name"] == NAME
    code, out, err = sen(
        [
            "vc",
            "present",
            str(signed_file),
            "--key",
            "tot-nghiep",
            "--challenge",
            CHALLENGE,
            "--domain",
            DOMAIN,
            "-o",
            str(vp_file),
        ],
        capsys,
    )
    assert code == 0, out + err
    presentation = json.loads(vp_file.read_text(encoding="utf-8"))
    result = verify_presentation(chain, presentation)
    assert result["verified"] and result["warnings"] == [], result
    code, _, err = sen([*node, "vc", "issue", str(unsigned), "--token", "wrong"], capsys)
    assert code == 1 and "401" in err


def test_suspension_expiry_and_the_token(chain: Chain) -> None:
    holder_did, _ = did_key("ed25519", generate_key().public_key)
    expired = diploma(
        holder_did, validFrom="2020-06-30T00:00:00+07:00", validUntil="2021-06-30T00:00:00+07:00"
    )
    # a validity period may have ended (VCDM 2.0 §4.9, and its test suite): issued, not valid
    signed = issue(chain, expired).json()["verifiableCredential"]
    result = verify(chain, signed)
    assert not result["verified"] and codes(result) == ["EXPIRED"]

    current = issue(chain, diploma(holder_did)).json()["verifiableCredential"]
    for status, expected in (("suspended", ["STATUS_SUSPENDED"]), ("active", [])):
        changed = httpx.post(
            f"{chain.url}/credentials/status",
            json={
                "credential": current,
                "credentialStatus": [{"type": "BitstringStatusListEntry", "status": status}],
            },
            headers=auth(),
            timeout=60,
        )
        assert changed.status_code == 200, changed.text
        assert codes(verify(chain, current)) == expected

    assert issue(chain, diploma(holder_did), authorization="Bearer wrong").status_code == 401
    no_token = httpx.post(f"{chain.url}/credentials/issue", json={"credential": {}}, timeout=30)
    assert no_token.status_code == 401 and "Bearer" in no_token.headers["www-authenticate"]
    unknown = issue(chain, diploma(holder_did, issuer="did:sen:moet"))  # with vnu's token
    assert unknown.status_code == 403 and unknown.json()["field"] == "credential.issuer"
    assert unknown.json()["type"] == "urn:sen:problem:token-not-for-issuer"
    as_college = issue(chain, diploma(holder_did, issuer="did:sen:college"), **auth())
    assert as_college.status_code == 403, as_college.text
    assert as_college.json()["detail"] == (
        "this token is for did:sen:vnu; it cannot act for did:sen:college"
    )
    college_revokes_vnu = httpx.post(
        f"{chain.url}/credentials/status",
        json={
            "credential": current,
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
        },
        headers=auth("did:sen:college"),
        timeout=60,
    )
    assert college_revokes_vnu.status_code == 403, college_revokes_vnu.text
    assert codes(verify(chain, current)) == []  # still valid: nothing was revoked
    malformed = httpx.post(
        f"{chain.url}/credentials/verify", json={"verifiableCredential": "not a VC"}, timeout=30
    )
    assert malformed.status_code == 422
    dropped = issue(chain, {**diploma(holder_did), "studentNumber": "20210001"})
    assert dropped.status_code == 422 and dropped.json()["type"].endswith("invalid-credential")


def test_accreditation_at_issuance(chain: Chain) -> None:
    holder_did, _ = did_key("ed25519", generate_key().public_key)
    college_diploma = diploma(holder_did, issuer="did:sen:college")
    refused = issue(chain, college_diploma)
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"].endswith("issuer-not-accredited")

    accreditation = chain.send(
        MINISTRY[2],
        "trust",
        "accredit",
        {
            "accreditor": "did:sen:moet",
            "issuer": "did:sen:college",
            "credential_types": ["DiplomaCredential"],
        },
    )
    before = issue(chain, college_diploma)
    assert before.status_code == 201, before.text
    earlier = before.json()["verifiableCredential"]
    assert verify(chain, earlier)["verified"]

    time.sleep(1.1)  # accreditation is judged in whole seconds
    chain.send(
        MINISTRY[2],
        "trust",
        "revoke_accreditation",
        {"issuer": "did:sen:college", "id": int(accreditation)},
    )
    assert issue(chain, college_diploma).status_code == 422
    time.sleep(1.1)
    # the college signs one anyway, with its own key, after the revocation
    later = {k: v for k, v in earlier.items() if k != "proof"}
    later["id"] = "urn:uuid:0b6e0c52-8d3e-4a57-9d7e-2f1f0f3a9b11"
    later = sign_credential(
        later,
        chain.key(COLLEGE[2]),
        "did:sen:college#key-1",
        "eddsa-jcs-2022",
        created=datetime.now(UTC).replace(microsecond=0),
    )
    result = verify(chain, later)
    assert not result["verified"] and codes(result) == ["ISSUER_NOT_ACCREDITED"]
    assert "revoked" in result["errors"][0]["message"]
    assert verify(chain, earlier)["verified"]  # issued while accredited: still good
