"""JSON-LD in safe mode (nothing silently dropped), RDFC-1.0 output, and JCS."""

from __future__ import annotations

import time
from typing import Any

import pytest
from vc_support import HOLDER_NAME, diploma

from sen.vc import ErrorCode, InvalidDocument, default_loader
from sen.vc.canonical import canonicalize_jcs, canonicalize_rdfc, expand

V2 = "https://www.w3.org/ns/credentials/v2"


def _credential(**extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:sen:hust",
        "credentialSubject": {"id": "did:example:1", "name": "Khai"},
    }
    document.update(extra)
    return document


def _dropped(document: dict[str, Any]) -> list[tuple[ErrorCode, str, str]]:
    with pytest.raises(InvalidDocument) as raised:
        expand(document, default_loader())
    return [(p.code, p.path, p.message) for p in raised.value.problems]


def test_a_property_no_context_defines_is_a_dropped_term() -> None:
    document = _credential()
    document["credentialSubject"]["studentNumber"] = "20210001"

    [(code, path, message)] = _dropped(document)

    assert (code, path) == (ErrorCode.TERM_DROPPED, "$.credentialSubject.studentNumber")
    assert "'studentNumber' is not defined by any context" in message


def test_a_top_level_undefined_property_is_dropped_too() -> None:
    [(code, path, _)] = _dropped(_credential(issuanceDate="2025-01-01T00:00:00Z"))  # VCDM 1.1 term
    assert (code, path) == (ErrorCode.TERM_DROPPED, "$.issuanceDate")


def test_a_property_a_context_maps_to_null_is_a_dropped_term() -> None:
    document = _credential(secret="hidden")
    document["@context"] = [V2, {"secret": None}]

    [(code, path, message)] = _dropped(document)

    assert (code, path) == (ErrorCode.TERM_DROPPED, "$.secret")
    assert "'secret'" in message


def test_an_undefined_type_is_a_dropped_term() -> None:
    [(code, path, message)] = _dropped(
        _credential(type=["VerifiableCredential", "MadeUpCredential"])
    )

    assert (code, path) == (ErrorCode.TERM_DROPPED, "$.type[1]")
    assert "type 'MadeUpCredential' is not defined" in message


def test_a_relative_identifier_is_a_dropped_term_not_a_guessed_iri() -> None:
    [(code, path, message)] = _dropped(_credential(id="credential-1"))

    assert (code, path) == (ErrorCode.TERM_DROPPED, "$.id")
    assert "not an absolute IRI" in message


def test_every_dropped_term_is_listed() -> None:
    document = _credential(extra=1)
    document["credentialSubject"]["other"] = 2

    assert [path for _, path, _ in _dropped(document)] == [
        "$.credentialSubject.other",
        "$.extra",
    ]  # document order


@pytest.mark.parametrize(
    ("context", "fragment"),
    [
        ([V2, {"name": "https://evil.example/name"}], "protected term redefinition"),
        ([V2, {"@version": 2.0}], "invalid @version value"),
        ([V2, 42], "invalid"),
    ],
)
def test_malformed_json_ld_is_rejected(context: list[Any], fragment: str) -> None:
    [(code, path, message)] = _dropped(_credential(**{"@context": context}))
    assert (code, path) == (ErrorCode.MALFORMED_JSON_LD, "$")
    assert fragment in message.lower()


def test_rdfc_keeps_vietnamese_text_byte_for_byte() -> None:
    nquads = canonicalize_rdfc(diploma(), default_loader())

    assert f'<https://schema.org/name> "{HOLDER_NAME}" .' in nquads
    assert '<https://sen.gov.vn/vocab#classification> "Giỏi" .' in nquads
    assert '"2025"^^<http://www.w3.org/2001/XMLSchema#gYear>' in nquads
    assert '"2003-05-19"^^<http://www.w3.org/2001/XMLSchema#date>' in nquads


def test_rdfc_is_independent_of_key_order_and_blank_node_naming() -> None:
    document = diploma()
    reordered = dict(reversed(list(document.items())))
    reordered["credentialSubject"] = dict(reversed(list(document["credentialSubject"].items())))

    assert canonicalize_rdfc(reordered, default_loader()) == canonicalize_rdfc(
        document, default_loader()
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # RFC 8785 §3.2.2.3 number serialization, and §3.2.3 sorting by UTF-16 code units
        ({"b": 1, "a": [1.0, 1e21, 1e-7, -0.0]}, '{"a":[1,1e+21,1e-7,0],"b":1}'),
        (
            {"\u20ac": 1, "\r": 2, "\U0001f600": 3, "\ufb33": 4},
            '{"\\r":2,"\u20ac":1,"\U0001f600":3,"\ufb33":4}',
        ),
        ({"name": HOLDER_NAME}, '{"name":"Nguyễn Thị Minh Khai"}'),
    ],
)
def test_jcs_follows_rfc_8785(value: dict[str, Any], expected: str) -> None:
    assert canonicalize_jcs(value) == expected.encode("utf-8")


def test_jcs_rejects_numbers_it_cannot_represent() -> None:
    with pytest.raises(InvalidDocument) as raised:
        canonicalize_jcs({"n": 2**64})
    assert raised.value.problems[0].code == ErrorCode.MALFORMED_JSON_LD


def test_a_poisoned_dataset_is_refused_quickly() -> None:
    """Eight blank nodes that all know each other: hours of RDFC-1.0 work without a limit."""
    nodes = [
        {"@id": f"_:b{i}", "knows": [{"@id": f"_:b{j}"} for j in range(8) if j != i]}
        for i in range(8)
    ]
    document = {"@context": [V2, "https://www.w3.org/ns/credentials/examples/v2"], "@graph": nodes}
    started = time.monotonic()

    with pytest.raises(InvalidDocument) as raised:
        canonicalize_rdfc(document, default_loader())

    assert raised.value.problems[0].code == ErrorCode.MALFORMED_JSON_LD
    assert "poisoned" in raised.value.problems[0].message
    assert time.monotonic() - started < 5


def test_blank_nodes_that_differ_need_no_deep_iterations() -> None:
    document = _credential()
    document["credentialSubject"] = [{"name": f"Sinh viên {i}"} for i in range(50)]

    assert canonicalize_rdfc(document, default_loader()).count("<https://schema.org/name>") == 50
