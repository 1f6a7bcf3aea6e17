"""VCDM 2.0 normative rules: each broken rule gives its code and the JSON path at fault."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from vc_support import NOW, Issuer, diploma

from sen.vc import ErrorCode, verify_credential
from sen.vc.datamodel import check_credential, check_presentation, is_url
from sen.vc.dates import format_datetime_stamp, parse_datetime_stamp

Change = Callable[[dict[str, Any]], None]


def _set(path: str, value: object) -> Change:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = document
        for name in parents:
            node = node[name]
        node[last] = value

    return change


def _delete(name: str) -> Change:
    def change(document: dict[str, Any]) -> None:
        del document[name]

    return change


STATUS_ENTRY = {
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": "https://vnu.edu.vn/status/1",
}
CASES: list[tuple[str, Change, ErrorCode, str]] = [
    (
        "a backslash in a URL (WHATWG parsers read it as a slash)",
        _set("id", "https://vnu.edu.vn\\credentials/1"),
        ErrorCode.INVALID_URL,
        "$.id",
    ),
    ("no @context", _delete("@context"), ErrorCode.INVALID_CONTEXT, "$.@context"),
    (
        "VCDM 1.1 without issuanceDate",
        _set("@context", ["https://www.w3.org/2018/credentials/v1"]),
        ErrorCode.MISSING_PROPERTY,
        "$.issuanceDate",
    ),
    (
        "an unknown data model version first",
        _set("@context", ["https://www.w3.org/2018/credentials/v3"]),
        ErrorCode.INVALID_CONTEXT,
        "$.@context",
    ),
    (
        "v2 context not first",
        _set(
            "@context",
            ["https://sen.gov.vn/contexts/diploma/v1", "https://www.w3.org/ns/credentials/v2"],
        ),
        ErrorCode.INVALID_CONTEXT,
        "$.@context",
    ),
    (
        "context item a number",
        _set("@context", ["https://www.w3.org/ns/credentials/v2", 7]),
        ErrorCode.INVALID_CONTEXT,
        "$.@context[1]",
    ),
    ("no type", _delete("type"), ErrorCode.MISSING_TYPE, "$.type"),
    (
        "type without VerifiableCredential",
        _set("type", ["DiplomaCredential"]),
        ErrorCode.MISSING_TYPE,
        "$.type",
    ),
    ("type a number", _set("type", 3), ErrorCode.MISSING_TYPE, "$.type"),
    ("id not a URL", _set("id", "diploma 42"), ErrorCode.INVALID_URL, "$.id"),
    ("no issuer", _delete("issuer"), ErrorCode.INVALID_ISSUER, "$.issuer"),
    ("issuer a number", _set("issuer", 12), ErrorCode.INVALID_ISSUER, "$.issuer"),
    (
        "issuer object without id",
        _set("issuer", {"name": "ĐHBK"}),
        ErrorCode.INVALID_ISSUER,
        "$.issuer.id",
    ),
    ("issuer id not a URL", _set("issuer", {"id": "hust"}), ErrorCode.INVALID_URL, "$.issuer.id"),
    ("no subject", _delete("credentialSubject"), ErrorCode.EMPTY_SUBJECT, "$.credentialSubject"),
    (
        "empty subject array",
        _set("credentialSubject", []),
        ErrorCode.EMPTY_SUBJECT,
        "$.credentialSubject",
    ),
    (
        "empty subject object",
        _set("credentialSubject", {}),
        ErrorCode.EMPTY_SUBJECT,
        "$.credentialSubject",
    ),
    (
        "related resources with one id twice",
        _set(
            "relatedResource",
            [
                {"id": "https://a.example/x", "digestSRI": "sha384-AAAA"},
                {"id": "https://a.example/x", "digestMultibase": "uEiAAAA"},
            ],
        ),
        ErrorCode.INVALID_RELATED_RESOURCE,
        "$.relatedResource[1].id",
    ),
    (
        "related resource without a digest",
        _set("relatedResource", [{"id": "https://a.example/x"}]),
        ErrorCode.INVALID_RELATED_RESOURCE,
        "$.relatedResource[0]",
    ),
    (
        "related resource digestSRI not SRI",
        _set("relatedResource", {"id": "https://a.example/x", "digestSRI": "md5:abc"}),
        ErrorCode.INVALID_RELATED_RESOURCE,
        "$.relatedResource.digestSRI",
    ),
    (
        "related resource digestMultibase not multibase",
        _set("relatedResource", {"id": "https://a.example/x", "digestMultibase": 12}),
        ErrorCode.INVALID_RELATED_RESOURCE,
        "$.relatedResource.digestMultibase",
    ),
    (
        "subject array with a string",
        _set("credentialSubject", [{"name": "A"}, "B"]),
        ErrorCode.EMPTY_SUBJECT,
        "$.credentialSubject[1]",
    ),
    (
        "subject id not a URL",
        _set("credentialSubject.id", "sv 2021"),
        ErrorCode.INVALID_URL,
        "$.credentialSubject.id",
    ),
    (
        "validFrom a date only",
        _set("validFrom", "2025-06-30"),
        ErrorCode.INVALID_DATE,
        "$.validFrom",
    ),
    (
        "validFrom without zone",
        _set("validFrom", "2025-06-30T00:00:00"),
        ErrorCode.INVALID_DATE,
        "$.validFrom",
    ),
    ("validUntil a number", _set("validUntil", 1751241600), ErrorCode.INVALID_DATE, "$.validUntil"),
    (
        "validUntil Feb 30",
        _set("validUntil", "2030-02-30T00:00:00Z"),
        ErrorCode.INVALID_DATE,
        "$.validUntil",
    ),
    (
        "validUntil before validFrom",
        _set("validUntil", "2025-06-29T16:59:59Z"),
        ErrorCode.INVALID_VALIDITY_PERIOD,
        "$.validUntil",
    ),
    (
        "status without type",
        _set("credentialStatus", {"id": "https://sen.gov.vn/status/1#94567"}),
        ErrorCode.MISSING_TYPE,
        "$.credentialStatus.type",
    ),
    (
        "second status without type",
        _set(
            "credentialStatus",
            [
                {**STATUS_ENTRY},
                {"statusPurpose": "suspension"},
            ],
        ),
        ErrorCode.MISSING_TYPE,
        "$.credentialStatus[1].type",
    ),
    (
        "status id not a URL",
        _set("credentialStatus", {**STATUS_ENTRY, "id": "status 1"}),
        ErrorCode.INVALID_URL,
        "$.credentialStatus.id",
    ),
    (
        "schema without id",
        _set("credentialSchema", {"type": "JsonSchema"}),
        ErrorCode.MISSING_PROPERTY,
        "$.credentialSchema.id",
    ),
    (
        "schema without type",
        _set("credentialSchema", {"id": "https://sen.gov.vn/schemas/diploma.json"}),
        ErrorCode.MISSING_TYPE,
        "$.credentialSchema.type",
    ),
    (
        "evidence without type",
        _set("evidence", [{"id": "https://sen.gov.vn/e/1"}]),
        ErrorCode.MISSING_TYPE,
        "$.evidence[0].type",
    ),
    (
        "termsOfUse without type",
        _set("termsOfUse", {"prohibition": []}),
        ErrorCode.MISSING_TYPE,
        "$.termsOfUse.type",
    ),
    (
        "refreshService without type",
        _set("refreshService", {"url": "https://x"}),
        ErrorCode.MISSING_TYPE,
        "$.refreshService.type",
    ),
    (
        "confidenceMethod without type",
        _set("confidenceMethod", {}),
        ErrorCode.MISSING_TYPE,
        "$.confidenceMethod.type",
    ),
    (
        "renderMethod without type",
        _set("renderMethod", {"name": "svg"}),
        ErrorCode.MISSING_TYPE,
        "$.renderMethod.type",
    ),
    (
        "relatedResource without id",
        _set("relatedResource", [{"digestSRI": "sha384-x"}]),
        ErrorCode.MISSING_PROPERTY,
        "$.relatedResource[0].id",
    ),
    (
        "evidence a string",
        _set("evidence", "exam passed"),
        ErrorCode.MALFORMED_CREDENTIAL,
        "$.evidence",
    ),
]


@pytest.mark.parametrize(("name", "change", "code", "path"), CASES, ids=[case[0] for case in CASES])
def test_each_rule_is_enforced_with_its_code_and_path(
    name: str, change: Change, code: ErrorCode, path: str
) -> None:
    credential = diploma()
    change(credential)

    assert [(p.code, p.path) for p in check_credential(credential)] == [(code, path)]


@pytest.mark.parametrize(
    ("name", "change", "code", "path"), CASES[:6], ids=[case[0] for case in CASES[:6]]
)
def test_verification_reports_the_same_problem(
    issuer: Issuer, name: str, change: Change, code: ErrorCode, path: str
) -> None:
    credential = diploma()
    change(credential)

    result = verify_credential(
        credential, issuer.resolve, now=NOW, is_authorized=issuer.is_authorized
    )

    assert not result.verified and "dataModel" not in result.checks
    assert (code, path) in [(p.code, p.path) for p in result.errors]


def test_the_sen_diploma_passes_every_rule() -> None:
    assert check_credential(diploma()) == []


def test_well_formed_optional_properties_pass() -> None:
    credential = diploma()
    credential["credentialStatus"] = {
        "id": "https://sen.gov.vn/status/hust/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://sen.gov.vn/status/hust/1",
    }
    credential["credentialSchema"] = [
        {"id": "https://sen.gov.vn/schemas/diploma.json", "type": "JsonSchema"}
    ]
    credential["credentialSubject"] = [credential["credentialSubject"], {"name": "Trần Văn Bình"}]
    credential["issuer"] = "did:sen:hust"
    credential["@context"] = credential["@context"][0]
    credential["relatedResource"] = [
        {"id": "https://sen.gov.vn/a.pdf", "digestSRI": "sha384-AbCd+/9=", "mediaType": "x/y"},
        {"id": "https://sen.gov.vn/b.pdf", "digestMultibase": "zQmXyz"},
    ]

    assert check_credential(credential) == []


@pytest.mark.parametrize(
    "subject", [{"id": "did:example:1"}, [{"id": "did:example:1"}, {"id": "did:example:2"}]]
)
def test_a_subject_with_only_an_id_is_a_subject(subject: object) -> None:
    """VCDM 2.0 §4.8 and its test suite: ``{"id": ...}`` names a subject; ``{}`` does not."""
    credential = diploma()
    credential["credentialSubject"] = subject
    assert check_credential(credential) == []


@pytest.mark.parametrize("value", [None, "a credential", 7, ["list"]])
def test_a_credential_must_be_an_object(value: object) -> None:
    [problem] = check_credential(value)
    assert (problem.code, problem.path) == (ErrorCode.MALFORMED_CREDENTIAL, "$")


def test_verifying_a_non_object_reports_malformed_credential(issuer: Issuer) -> None:
    result = verify_credential("not json", issuer.resolve, now=NOW)
    assert [(p.code, p.path) for p in result.errors] == [(ErrorCode.MALFORMED_CREDENTIAL, "$")]
    assert result.checks == ()


def test_presentation_rules() -> None:
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": {"name": "no id"},
        "verifiableCredential": [diploma(), {"type": "VerifiableCredential"}],
    }
    problems = [(p.code, p.path) for p in check_presentation(presentation)]

    assert problems == [
        (ErrorCode.INVALID_HOLDER, "$.holder.id"),
        (ErrorCode.INVALID_CONTEXT, "$.verifiableCredential[1].@context"),
        (ErrorCode.INVALID_ISSUER, "$.verifiableCredential[1].issuer"),
        (ErrorCode.EMPTY_SUBJECT, "$.verifiableCredential[1].credentialSubject"),
    ]
    presentation["type"] = "VerifiableCredential"
    assert (ErrorCode.MISSING_TYPE, "$.type") in [
        (p.code, p.path) for p in check_presentation(presentation)
    ]
    assert [(p.code, p.path) for p in check_presentation([])] == [
        (ErrorCode.MALFORMED_PRESENTATION, "$")
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://sen.gov.vn/x", True),
        ("did:sen:hust#key-1", True),
        ("urn:uuid:5a3c8f2e-1d7b-4c39-9e61-2b8f0d4a7c15", True),
        ("hust", False),
        ("https://sen.gov.vn/a b", False),
        ("1http://x", False),
        ("did:", False),
        (42, False),
    ],
)
def test_url_recognition(value: object, expected: bool) -> None:
    assert is_url(value) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-06-30T00:00:00Z", datetime(2025, 6, 30, tzinfo=UTC)),
        ("2025-06-30T07:00:00+07:00", datetime(2025, 6, 30, tzinfo=UTC)),
        ("2025-06-29T19:00:00-05:00", datetime(2025, 6, 30, tzinfo=UTC)),
        ("2025-06-30T00:00:00.123456789Z", datetime(2025, 6, 30, 0, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_date_time_stamps_parse_to_the_same_instant(text: str, expected: datetime) -> None:
    assert parse_datetime_stamp(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-06-30",
        "2025-06-30T00:00:00",
        "2025-06-30 00:00:00Z",
        "2025-06-30T24:00:00Z",
        "2025-06-30T00:00:60Z",
        "2025-13-01T00:00:00Z",
        "2025-06-30T00:00:00+15:00",
        "2025-06-30T00:00:00+0700",
        "20250630T000000Z",
        "２０２５-06-30T00:00:00Z",
        "",
    ],
)
def test_anything_but_a_date_time_stamp_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime_stamp(text)


def test_stamps_are_written_in_utc_whole_seconds() -> None:
    hanoi = timezone(timedelta(hours=7))
    assert (
        format_datetime_stamp(datetime(2025, 6, 30, 9, 0, 1, 999, tzinfo=hanoi))
        == "2025-06-30T02:00:01Z"
    )
    with pytest.raises(ValueError):
        format_datetime_stamp(datetime(2025, 6, 30))


def test_cases_do_not_share_state() -> None:
    first = diploma()
    second = copy.deepcopy(first)
    CASES[0][1](first)
    assert "@context" in second
