"""Accreditation at issuance and Bitstring Status List checks, over stand-in sources."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from sen.ledger.crypto import SigningKey, get_suite
from sen.services.credentials.verification import (
    AccreditationAnswer,
    StatusListState,
    issuance_time,
    parse_status_list_url,
    status_list_url,
    verify_credential_report,
    verify_presentation_report,
)
from sen.vc import (
    DIPLOMA_V1,
    Authorizer,
    InvalidDocument,
    KeyResolver,
    did_key,
    is_did_key,
    resolve_did_key,
    sign_credential,
    sign_presentation,
)
from sen.vc.datamodel import check_credential

ISSUER = "did:sen:hust"
METHOD = f"{ISSUER}#key-1"
SIGNED_AT = datetime(2025, 6, 30, 9, 0, tzinfo=UTC)
NOW = datetime(2025, 9, 1, tzinfo=UTC)
LIST_URL = status_list_url("https://vc.hust.edu.vn", ISSUER, "bang-2025")
SIZE = 131_072


@dataclass
class Sources:
    key: SigningKey
    accredited_until: int | None = None  # None: always
    lists: dict[tuple[str, str], StatusListState] = field(default_factory=dict)
    asked: list[tuple[str, str, int]] = field(default_factory=list)
    offline: bool = False

    def resolvers(self, at: int | None) -> tuple[KeyResolver, Authorizer]:
        def resolve(method: str) -> tuple[str, bytes, str]:
            if is_did_key(method):
                return resolve_did_key(method)
            if method != METHOD:
                raise LookupError(method)
            return self.key.suite, self.key.public_key, ISSUER

        return resolve, lambda method, purpose: True

    def accreditation(
        self, issuer: str, credential_type: str, at: int
    ) -> AccreditationAnswer | None:
        if self.offline:
            return None
        self.asked.append((issuer, credential_type, at))
        if self.accredited_until is not None and at >= self.accredited_until:
            return AccreditationAnswer(False, "revoked", "accreditation 1 was revoked")
        return AccreditationAnswer(True, root="did:sen:moet", path=("did:sen:moet",))

    def status_list(self, issuer: str, name: str) -> StatusListState | None:
        return self.lists.get((issuer, name))


def status_list(purpose: str = "revocation", set_bits: tuple[int, ...] = ()) -> StatusListState:
    bits = bytearray(SIZE // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    return StatusListState(ISSUER, "bang-2025", purpose, SIZE, bytes(bits), 1_751_000_000)


def credential(key: SigningKey, entry: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2", DIPLOMA_V1],
        "id": "urn:uuid:5a3c8f2e-1d7b-4c39-9e61-2b8f0d4a7c15",
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "issuer": ISSUER,
        "validFrom": "2025-06-30T00:00:00+07:00",
        "credentialSubject": {
            "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "name": "Nguyễn Thị Minh Khai",
        },
        "credentialStatus": entry
        or {
            "id": f"{LIST_URL}#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": LIST_URL,
        },
    }
    return sign_credential(document, key, METHOD, "eddsa-rdfc-2022", created=SIGNED_AT)


@pytest.fixture
def key() -> SigningKey:
    return get_suite("ed25519").generate()


@pytest.fixture
def sources(key: SigningKey) -> Sources:
    return Sources(key, lists={(ISSUER, "bang-2025"): status_list()})


def codes(report: Any) -> list[str]:
    return [f.code for f in report.errors]


def test_a_good_credential_passes_every_check(key: SigningKey, sources: Sources) -> None:
    report = verify_credential_report(credential(key), sources, now=NOW)
    assert report.verified, report.errors
    assert set(report.checks) >= {"proof", "validity", "accreditation", "status"}
    assert sources.asked == [(ISSUER, "DiplomaCredential", int(SIGNED_AT.timestamp()))]


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        ({"statusListIndex": "9"}, None, None),
        ({"statusListIndex": "94567"}, "STATUS_REVOKED", "$.credentialStatus"),
        ({"statusListIndex": str(SIZE)}, "STATUS_INDEX_OUT_OF_RANGE", None),
        ({"statusListIndex": "9" * 5000}, "STATUS_INDEX_OUT_OF_RANGE", None),  # was a 500
        ({"statusPurpose": "suspension"}, "STATUS_PURPOSE_MISMATCH", None),
        (
            {"statusSize": 2, "statusMessage": [{"status": "0x0"}, {"status": "0x1"}]},
            "UNSUPPORTED_STATUS",
            None,
        ),
        ({"statusListCredential": "https://x.vn/lists/1"}, "STATUS_LIST_NOT_RECOGNISED", None),
        (
            {"statusListCredential": status_list_url("https://x.vn", "did:sen:moet", "a")},
            "STATUS_LIST_ISSUER_MISMATCH",
            None,
        ),
        (
            {"statusListCredential": status_list_url("https://x.vn", ISSUER, "other")},
            "STATUS_LIST_NOT_FOUND",
            None,
        ),
    ],
)
def test_status_entries(
    key: SigningKey, sources: Sources, change: dict[str, Any], code: str | None, path: str | None
) -> None:
    sources.lists[(ISSUER, "bang-2025")] = status_list(set_bits=(94567,))
    entry = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
        **change,
    }
    report = verify_credential_report(credential(key, entry), sources, now=NOW)
    assert codes(report) == ([] if code is None else [code])
    assert report.verified == (code is None)
    if path is not None:
        assert report.errors[0].path == path


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"statusListIndex": "x1"}, "statusListIndex"),
        ({"statusListIndex": 7}, "statusListIndex"),
        ({"statusListIndex": True}, "statusListIndex"),
        ({"statusPurpose": ""}, "statusPurpose"),
        ({"statusListCredential": "not a url"}, "statusListCredential"),
        ({"statusSize": 0}, "statusSize"),
        ({"statusSize": 2}, "statusMessage"),
    ],
)
def test_a_malformed_entry_is_never_signed(
    key: SigningKey, change: dict[str, Any], field: str
) -> None:
    """Wherever a BitstringStatusListEntry is (the W3C suite hides one under an
    undefined property), a malformed one is refused before anything is signed."""
    entry = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
        **change,
    }
    with pytest.raises(InvalidDocument) as refused:
        credential(key, entry)
    [problem] = refused.value.problems
    assert (problem.code, problem.path) == ("MALFORMED_STATUS", f"$.credentialStatus.{field}")
    document = {**credential(key), "statusEntry": entry}
    assert ("MALFORMED_STATUS", f"$.statusEntry.{field}") in [
        (p.code, p.path) for p in check_credential(document)
    ]


def test_checks_leave_policy_out_as_warnings(key: SigningKey, sources: Sources) -> None:
    """options.checks: the core always decides; a policy check not asked for is a warning."""
    sources.lists[(ISSUER, "bang-2025")] = status_list(set_bits=(94567,))
    revoked = credential(key)
    assert codes(verify_credential_report(revoked, sources, now=NOW)) == ["STATUS_REVOKED"]
    proof_only = verify_credential_report(revoked, sources, now=NOW, checks=["proof"])
    assert proof_only.verified and proof_only.errors == ()
    assert [(w.code, w.path) for w in proof_only.warnings] == [
        ("STATUS_REVOKED", "$.credentialStatus")
    ]
    assert "was not requested" in proof_only.warnings[0].message
    asked = verify_credential_report(revoked, sources, now=NOW, checks=["credentialStatus"])
    assert not asked.verified and codes(asked) == ["STATUS_REVOKED"]
    early = verify_credential_report(
        revoked, sources, now=datetime(2020, 1, 1, tzinfo=UTC), checks=["proof"]
    )
    assert early.verified and "NOT_YET_VALID" in [w.code for w in early.warnings]
    assert "NOT_YET_VALID" in codes(
        verify_credential_report(revoked, sources, now=datetime(2020, 1, 1, tzinfo=UTC))
    )
    tampered = copy.deepcopy(revoked)
    tampered["credentialSubject"]["name"] = "Nguyễn Văn A"
    core = verify_credential_report(tampered, sources, now=NOW, checks=["proof"])
    assert not core.verified and "INVALID_SIGNATURE" in codes(core)
    with pytest.raises(ValueError, match=r"options.checks\[1\]: unknown check 'vibes'"):
        verify_credential_report(revoked, sources, now=NOW, checks=["proof", "vibes"])
    with pytest.raises(ValueError, match="names no check"):  # [] would waive every policy check
        verify_credential_report(revoked, sources, now=NOW, checks=[])


def test_a_finding_is_reported_once(key: SigningKey, sources: Sources) -> None:
    document = credential(key)
    document["type"] = ["VerifiableCredential"] + ["DiplomaCredential"] * 500
    report = verify_credential_report(document, sources, now=NOW)
    assert len(report.errors) == len({(f.code, f.message, f.path) for f in report.errors})
    assert len(report.errors) < 10


def test_suspension_is_its_own_code(key: SigningKey, sources: Sources) -> None:
    sources.lists[(ISSUER, "bang-2025")] = status_list("suspension", (3,))
    entry = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "3",
        "statusListCredential": LIST_URL,
    }
    report = verify_credential_report(credential(key, entry), sources, now=NOW)
    assert codes(report) == ["STATUS_SUSPENDED"]


def test_accreditation_is_judged_at_issuance(key: SigningKey, sources: Sources) -> None:
    signed = credential(key)
    sources.accredited_until = int(SIGNED_AT.timestamp()) + 1
    assert verify_credential_report(signed, sources, now=NOW).verified
    sources.accredited_until = int(SIGNED_AT.timestamp())
    report = verify_credential_report(signed, sources, now=NOW)
    assert codes(report) == ["ISSUER_NOT_ACCREDITED"] and "revoked" in report.errors[0].message
    assert "accreditation" not in report.checks


def test_offline_accreditation_is_a_warning_and_not_a_pass(
    key: SigningKey, sources: Sources
) -> None:
    sources.offline = True
    signed = credential(key)
    strict = verify_credential_report(signed, sources, now=NOW)
    assert not strict.verified and not strict.errors
    assert [w.code for w in strict.warnings] == ["ACCREDITATION_NOT_CHECKED"]
    relaxed = verify_credential_report(signed, sources, now=NOW, require_accreditation=False)
    assert relaxed.verified and "accreditation" not in relaxed.checks


def test_a_presentation_checks_each_credential(key: SigningKey, sources: Sources) -> None:
    holder = get_suite("ed25519").generate()
    did, method = did_key(holder.suite, holder.public_key)
    signed = credential(key)
    presentation = sign_presentation(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": did,
            "verifiableCredential": [signed],
        },
        holder,
        method,
        "eddsa-rdfc-2022",
        challenge="c",
        domain="d",
    )
    report = verify_presentation_report(presentation, sources, "c", "d", now=NOW)
    assert report.verified, report.errors
    assert [w.code for w in report.warnings] == ["HOLDER_NOT_SUBJECT"]
    sources.lists[(ISSUER, "bang-2025")] = status_list(set_bits=(94567,))
    report = verify_presentation_report(presentation, sources, "c", "d", now=NOW)
    assert codes(report) == ["STATUS_REVOKED"]
    assert report.errors[0].path == "$.verifiableCredential[0].credentialStatus"
    unbound = verify_presentation_report(presentation, sources, None, None, now=NOW)
    assert "NO_CHALLENGE" in [w.code for w in unbound.warnings]


def test_a_signed_presentation_without_credentials_verifies(sources: Sources) -> None:
    """The holder's proof alone: no credential check is demanded of no credentials."""
    holder = get_suite("ed25519").generate()
    did, method = did_key(holder.suite, holder.public_key)
    presentation = sign_presentation(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": did,
        },
        holder,
        method,
        "eddsa-rdfc-2022",
        challenge="c",
        domain="d",
    )
    report = verify_presentation_report(presentation, sources, "c", "d", now=NOW)
    assert (report.verified, report.errors) == (True, ())
    tampered = {**presentation, "holder": "did:example:someone-else"}
    refused = verify_presentation_report(tampered, sources, "c", "d", now=NOW)
    assert not refused.verified and refused.errors


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (LIST_URL, (ISSUER, "bang-2025")),
        ("http://127.0.0.1:26680/v1/status-lists/did%3Asen%3Ahust/a/credential", (ISSUER, "a")),
        ("https://x.vn/base/v1/status-lists/did:sen:a/b/credential", ("did:sen:a", "b")),
        ("https://x.vn/v1/status-lists/did:sen:a/b", None),
        ("https://x.vn/v1/status-lists/did:sen:a/b/credential?x=1", None),
        ("ftp://x.vn/v1/status-lists/did:sen:a/b/credential", None),
        ("https://x.vn/v1/status-lists//b/credential", None),
    ],
)
def test_status_list_urls(url: str, expected: tuple[str, str] | None) -> None:
    assert parse_status_list_url(url) == expected


def test_issuance_time_prefers_the_issuers_proof(key: SigningKey) -> None:
    signed = credential(key)
    assert issuance_time(signed) == int(SIGNED_AT.timestamp())
    unsigned = {k: v for k, v in copy.deepcopy(signed).items() if k != "proof"}
    assert issuance_time(unsigned) == int(datetime(2025, 6, 29, 17, tzinfo=UTC).timestamp())
    assert issuance_time({}) is None
