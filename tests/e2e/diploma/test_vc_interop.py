"""Interoperability on a real node: a did:key issuer, VCDM 1.1, status options, ``checks``.

What the W3C test suites (and foreign issuers and wallets) need of the VC-API,
each as a regression test of a cause found when the suites were first run
(docs/guides/w3c-conformance.md): an issuer known by its key alone, whose
status lists are on chain under its did:key; VCDM 1.1 credentials issued and
verified; a caller's own ``credentialStatus`` kept and ``options.credentialStatus``
honoured; the suite's status-update form and the list "publish" call; and
``options.checks``, which turns Sen's policy checks (accreditation, status,
validity, issuer = signer) into warnings when the caller asks only for the
specifications' checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from diploma_chain import TOKENS, Chain, interop_issuer

from sen.cli.main import main

pytestmark = pytest.mark.slow

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
SUBJECT = "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"


def _post(chain: Chain, path: str, body: dict[str, Any], issuer: str | None = None) -> Any:
    headers = {} if issuer is None else {"authorization": f"Bearer {TOKENS[issuer]}"}
    return httpx.post(f"{chain.url}{path}", json=body, headers=headers, timeout=60)


def _issue(chain: Chain, credential: dict[str, Any], **options: Any) -> httpx.Response:
    did, _ = interop_issuer(chain)
    body: dict[str, Any] = {"credential": {"issuer": did, **credential}}
    if options:
        body["options"] = options
    return _post(chain, "/credentials/issue", body, did)


def _verify(chain: Chain, vc: dict[str, Any], checks: list[str] | None = None) -> httpx.Response:
    body: dict[str, Any] = {"verifiableCredential": vc}
    if checks is not None:
        body["options"] = {"checks": checks}
    return _post(chain, "/credentials/verify", body)


def _codes(findings: list[dict[str, Any]]) -> list[str]:
    return [f["code"] for f in findings]


def _sen(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out + captured.err


def test_a_did_key_issuer_issues_and_revokes_on_chain(
    chain: Chain, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    did, method = interop_issuer(chain)
    response = _issue(
        chain,
        {"@context": [V2], "type": ["VerifiableCredential"], "credentialSubject": {"id": SUBJECT}},
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["proof"]["verificationMethod"] == method
    revocation, suspension = vc["credentialStatus"]
    assert revocation["statusListCredential"].endswith(
        f"/v1/status-lists/{did}/interop-2025/credential"
    )
    assert suspension["statusPurpose"] == "suspension"
    assert _verify(chain, vc).status_code == 200
    list_credential = httpx.get(revocation["statusListCredential"], timeout=30).json()
    assert (
        list_credential["issuer"] == did
        and list_credential["proof"]["verificationMethod"] == method
    )
    assert _verify(chain, list_credential).status_code == 200

    # the W3C status-list suite's forms: {credentialId, credentialStatus: {type, statusPurpose}},
    # then POST <statusListCredential>/publish
    revoked = _post(
        chain,
        "/credentials/status",
        {
            "credentialId": vc["id"],
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        },
        did,
    )
    assert revoked.status_code == 200, revoked.text
    assert [e["status"] for e in revoked.json()["credentialStatus"]] == ["revoked", "active"]
    published = httpx.post(revocation["statusListCredential"] + "/publish", json={}, timeout=30)
    assert published.status_code == 204
    missing = httpx.post(
        revocation["statusListCredential"].replace("interop-2025", "no-such-list") + "/publish",
        json={},
        timeout=30,
    )
    assert missing.status_code == 404

    refused = _verify(chain, vc, ["proof", "credentialStatus"])
    assert refused.status_code == 400 and _codes(refused.json()["errors"]) == ["STATUS_REVOKED"]
    proof_only = _verify(chain, vc, ["proof"])
    assert proof_only.status_code == 200, proof_only.text
    assert "STATUS_REVOKED" in _codes(proof_only.json()["warnings"])

    # the same policy from the CLI
    file = tmp_path / "vc.json"
    file.write_text(json.dumps(vc), encoding="utf-8")
    verify = ["--node", chain.url, "vc", "verify", str(file), "--json"]
    code, out = _sen(verify, capsys)
    assert code != 0 and "STATUS_REVOKED" in out
    code, out = _sen([*verify, "--checks", "proof"], capsys)
    assert code == 0, out
    assert json.loads(out)["verified"] and "STATUS_REVOKED" in out
    code, out = _sen([*verify, "--checks", "proof,vibes"], capsys)
    assert code == 2 and "--checks[1]: unknown check 'vibes'" in out


def test_accreditation_is_policy_the_caller_may_leave_out(
    chain: Chain, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A did:key issuer is not accredited: issued anyway (its setting), and verified by the
    specifications alone when the caller asks only for them."""
    response = _issue(
        chain,
        {
            "@context": [V2, EXAMPLES],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "credentialSubject": {"id": SUBJECT, "alumniOf": "Đại học Quốc gia Hà Nội"},
        },
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    full = _verify(chain, vc)
    assert full.status_code == 400 and _codes(full.json()["errors"]) == ["ISSUER_NOT_ACCREDITED"]
    spec_only = _verify(chain, vc, ["proof"])
    assert spec_only.status_code == 200
    assert "ISSUER_NOT_ACCREDITED" in _codes(spec_only.json()["warnings"])
    # the CLI too: a did:key issuer is not accredited (nothing to ask the registry)
    file = tmp_path / "alumni.json"
    file.write_text(json.dumps(vc), encoding="utf-8")
    verify = ["--node", chain.url, "vc", "verify", str(file), "--json"]
    code, out = _sen(verify, capsys)
    assert code == 1, out
    assert [e["code"] for e in json.loads(out)["errors"]] == ["ISSUER_NOT_ACCREDITED"]
    code, out = _sen([*verify, "--checks", "proof"], capsys)
    assert code == 0, out
    unknown = _verify(chain, vc, ["proof", "vibes"])
    assert unknown.status_code == 422, unknown.text
    assert (unknown.json()["field"], unknown.json()["got"]) == ("body.options.checks[1]", "'vibes'")
    # an empty list would waive every policy check: refused, as an empty ?checks= is
    for empty in ([], None):
        if empty is None:
            waived = httpx.post(
                f"{chain.url}/credentials/verify?checks=", json={"verifiableCredential": vc}
            )
        else:
            waived = _verify(chain, vc, empty)
        assert waived.status_code == 422, waived.text
        assert waived.json()["expected"].startswith("one or more of")
    # a verifier endpoint whose URL carries its policy, for clients that send no options
    by_url = httpx.post(
        f"{chain.url}/credentials/verify?checks=proof",
        json={"verifiableCredential": vc},
        timeout=60,
    )
    assert by_url.status_code == 200, by_url.text
    body_wins = httpx.post(
        f"{chain.url}/credentials/verify?checks=proof",
        json={"verifiableCredential": vc, "options": {"checks": ["accreditation"]}},
        timeout=60,
    )
    assert body_wins.status_code == 400
    bad_query = httpx.post(
        f"{chain.url}/credentials/verify?checks=proof,vibes",
        json={"verifiableCredential": vc},
        timeout=60,
    )
    assert bad_query.status_code == 422 and bad_query.json()["field"] == "checks[1]"


def test_vcdm_1_1_is_issued_and_verified(chain: Chain) -> None:
    response = _issue(
        chain,
        {
            "@context": [V1, {"name": "https://schema.org/name"}],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": SUBJECT, "name": "Alice"},
        },
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert "issuanceDate" in vc and "validFrom" not in vc
    assert "credentialStatus" not in vc  # 1.1's context defines no BitstringStatusListEntry
    assert _verify(chain, vc).status_code == 200
    tampered = {**vc, "credentialSubject": {"id": SUBJECT, "name": "Mallory"}}
    assert _codes(_verify(chain, tampered).json()["errors"]) == ["INVALID_SIGNATURE"]
    no_date = {k: v for k, v in vc.items() if k != "issuanceDate"}
    assert "MISSING_PROPERTY" in _codes(_verify(chain, no_date).json()["errors"])
    asked = _issue(
        chain,
        {"@context": [V1], "type": ["VerifiableCredential"], "credentialSubject": {"id": SUBJECT}},
        credentialStatus={"type": "BitstringStatusListEntry"},
    )
    assert asked.status_code == 422 and asked.json()["field"] == "options.credentialStatus"


def test_status_entries_given_asked_for_and_refused(chain: Chain) -> None:
    did, _ = interop_issuer(chain)
    base = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": SUBJECT},
    }
    foreign = {
        "id": "https://status.example.vn/lists/3#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://status.example.vn/lists/3",
    }
    kept = _issue(chain, {**base, "credentialStatus": foreign})
    assert kept.status_code == 201, kept.text
    assert kept.json()["verifiableCredential"]["credentialStatus"] == foreign

    suspension_only = _issue(
        chain,
        base,
        credentialStatus={"type": "BitstringStatusListEntry", "statusPurpose": "suspension"},
    )
    assert suspension_only.status_code == 201, suspension_only.text
    entry = suspension_only.json()["verifiableCredential"]["credentialStatus"]
    assert (
        entry["statusPurpose"] == "suspension" and "interop-2025-s" in entry["statusListCredential"]
    )
    none = _issue(chain, base, credentialStatus=[])
    assert "credentialStatus" not in none.json()["verifiableCredential"]

    own = entry["statusListCredential"]
    for variant in (own, own + "?x=1", own + "/", own.replace("/v1/", "/x/../v1/"), own[:-11]):
        refused = _issue(
            chain, {**base, "credentialStatus": {**foreign, "statusListCredential": variant}}
        )
        assert refused.status_code == 422, (variant, refused.text)
        assert refused.json()["field"] == "credential.credentialStatus.statusListCredential"
    vnu_list = own.replace(did, "did:sen:vnu")  # another issuer's list on this node
    assert (
        _issue(
            chain, {**base, "credentialStatus": [{**foreign, "statusListCredential": vnu_list}]}
        ).status_code
        == 422
    )
    empty = _issue(chain, {**base, "credentialStatus": []})  # kept as given: no entries
    assert (
        empty.status_code == 201 and empty.json()["verifiableCredential"]["credentialStatus"] == []
    )
    revoked = _post(
        chain,
        "/credentials/status",
        {
            "credentialId": empty.json()["verifiableCredential"]["id"],
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
        },
        did,
    )
    assert revoked.status_code == 409 and "without a revocation entry" in revoked.text
    loose = _issue(
        chain, base, credentialStatus={"type": "BitstringStatusListEntry", "statusListIndex": "7"}
    )
    assert loose.status_code == 422, loose.text  # the node allocates: no index may be asked for
    hidden = _issue(
        chain,
        {
            **base,
            "statusEntry": {
                "type": "BitstringStatusListEntry",
                "statusListIndex": True,
                "statusListCredential": "https://example.com",
            },
        },
    )
    assert hidden.status_code == 422, hidden.text
    assert "MALFORMED_STATUS" in hidden.text
    upper = _issue(chain, {**base, "id": "URN:UUID:B4C6E3B0-6A5F-4E0E-9C51-1C7B3A9F0D11"})
    assert upper.status_code == 422 and upper.json()["field"] == "credential.id"
    backslash = {**foreign, "statusListCredential": own.replace("/v1/", "\\v1/", 1)}
    assert _issue(chain, {**base, "credentialStatus": backslash}).status_code == 422
    unknown = _issue(
        chain,
        base,
        credentialStatus={"type": "BitstringStatusListEntry", "statusPurpose": "refresh"},
    )
    assert unknown.status_code == 422, unknown.text
    assert did in TOKENS
