"""Sen's canonical encoding: every allowed value has one encoding, everything else is refused."""

from __future__ import annotations

import pytest

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.errors import EncodingError, NonCanonical

# (label, value, canonical hex) — RFC 8949 Appendix A examples that fall in Sen's subset,
# plus the boundaries of Sen's integer range.
CANONICAL = [
    ("zero", 0, "00"),
    ("largest one-byte int", 23, "17"),
    ("smallest two-byte int", 24, "1818"),
    ("255", 255, "18ff"),
    ("256", 256, "190100"),
    ("65536", 65536, "1a00010000"),
    ("2^32", 2**32, "1b0000000100000000"),
    ("max int 2^64-1", 2**64 - 1, "1bffffffffffffffff"),
    ("-1", -1, "20"),
    ("-24", -24, "37"),
    ("-25", -25, "3818"),
    ("min int -2^63", -(2**63), "3b7fffffffffffffff"),
    ("false", False, "f4"),
    ("true", True, "f5"),
    ("null", None, "f6"),
    ("empty bytes", b"", "40"),
    ("bytes", b"\x01\x02\x03\x04", "4401020304"),
    ("24 bytes use a 1-byte length", b"\x00" * 24, "5818" + "00" * 24),
    ("empty text", "", "60"),
    ("text", "IETF", "6449455446"),
    ("non-ASCII text", "Sen \u00fc", "6653656e20c3bc"),
    ("empty array", [], "80"),
    ("array", [1, [2, 3]], "8201820203"),
    ("empty map", {}, "a0"),
    ("map sorted by encoded key", {"b": 1, "a": 2}, "a2616102616201"),
    ("shorter key sorts first", {"aa": 1, "b": 2}, "a261620262616101"),
]


@pytest.mark.parametrize(("label", "value", "hex_"), CANONICAL, ids=[c[0] for c in CANONICAL])
def test_allowed_values_encode_to_their_one_canonical_form(
    label: str, value: object, hex_: str
) -> None:
    assert encoding.encode(value).hex() == hex_
    assert encoding.decode(bytes.fromhex(hex_)) == value


# (label, bytes in hex, exception class, words the reason contains, field at fault)
REJECTED = [
    ("half float", "f93c00", EncodingError, "float", ""),
    ("double float", "fb3ff0000000000000", EncodingError, "float", ""),
    ("float inside an array", "81fb3ff0000000000000", EncodingError, "float", "[0]"),
    ("tag 0 date", "c074323031332d30332d32315432303a30343a30305a", EncodingError, "datetime", ""),
    ("tag 24 embedded CBOR", "d8184100", EncodingError, "CBORTag", ""),
    ("bignum tag for a small int", "c24101", NonCanonical, "canonical", ""),
    ("undefined", "f7", EncodingError, "not allowed", ""),
    ("simple value 16", "f0", EncodingError, "not allowed", ""),
    ("indefinite array", "9f01ff", NonCanonical, "canonical", ""),
    ("indefinite byte string", "5f4101ff", NonCanonical, "canonical", ""),
    ("indefinite text string", "7f6161ff", NonCanonical, "canonical", ""),
    ("indefinite map", "bf616101ff", NonCanonical, "canonical", ""),
    ("non-minimal int 1 in two bytes", "1801", NonCanonical, "canonical", ""),
    ("non-minimal int 23 in two bytes", "1817", NonCanonical, "canonical", ""),
    ("non-minimal int in 8 bytes", "1b0000000000000001", NonCanonical, "canonical", ""),
    ("non-minimal negative int", "3800", NonCanonical, "canonical", ""),
    ("non-minimal byte length", "580101", NonCanonical, "canonical", ""),
    ("non-minimal array length", "980100", NonCanonical, "canonical", ""),
    ("unsorted map keys", "a2616201616101", NonCanonical, "canonical", ""),
    ("longer key before shorter", "a262616101616202", NonCanonical, "canonical", ""),
    ("duplicate keys, same value", "a2616101616101", NonCanonical, "canonical", ""),
    ("duplicate keys, other value", "a2616101616102", NonCanonical, "canonical", ""),
    ("integer map key", "a10101", EncodingError, "text strings", ""),
    ("byte-string map key", "a1410101", EncodingError, "text strings", ""),
    ("array map key", "a1810101", EncodingError, "text strings", ""),
    ("nested non-text key", "a16161a10101", EncodingError, "text strings", "a"),
    ("trailing byte", "0100", NonCanonical, "canonical", ""),
    ("two items", "8080", NonCanonical, "canonical", ""),
    ("empty input", "", EncodingError, "not valid CBOR", ""),
    ("truncated array", "8201", EncodingError, "not valid CBOR", ""),
    ("truncated byte string", "4401", EncodingError, "not valid CBOR", ""),
    ("reserved additional info", "1c", EncodingError, "not valid CBOR", ""),
    ("lone break", "ff", EncodingError, "not valid CBOR", ""),
    ("negative below -2^63", "3b8000000000000000", EncodingError, "out of range", ""),
    ("most negative CBOR int", "3bffffffffffffffff", EncodingError, "out of range", ""),
    ("invalid UTF-8", "62c328", EncodingError, "not valid CBOR", ""),
    ("UTF-8 surrogate", "63eda080", EncodingError, "not valid CBOR", ""),
    ("overlong UTF-8", "62c0af", EncodingError, "not valid CBOR", ""),
    ("17 nested arrays", "81" * 16 + "80", EncodingError, "deeper than 16", "[0]" * 16),
    (
        "17 nested arrays around an int",
        "81" * 17 + "00",
        EncodingError,
        "deeper than 16",
        "[0]" * 16,
    ),
    ("17 nested maps", "a16161" * 16 + "a0", EncodingError, "deeper than 16", ".".join("a" * 16)),
]


@pytest.mark.parametrize(
    ("label", "hex_", "error", "reason", "field"), REJECTED, ids=[r[0] for r in REJECTED]
)
def test_non_canonical_or_disallowed_bytes_are_rejected_with_a_reason(
    label: str, hex_: str, error: type[EncodingError], reason: str, field: str
) -> None:
    with pytest.raises(error) as caught:
        encoding.decode(bytes.fromhex(hex_))
    assert type(caught.value) is error
    assert reason in caught.value.reason
    assert caught.value.field == field


def test_hugely_nested_input_is_rejected_not_a_crash() -> None:
    with pytest.raises(EncodingError):
        encoding.decode(b"\x81" * 100_000 + b"\x00")


@pytest.mark.parametrize(
    "hex_", ["81" * 16 + "00", "81" * 16 + "40", "81" * 15 + "80", "81" * 15 + "a0"]
)
def test_sixteen_nested_containers_are_allowed(hex_: str) -> None:
    sixteen_deep = bytes.fromhex(hex_)
    value = encoding.decode(sixteen_deep)
    assert encoding.encode(value) == sixteen_deep


UNENCODABLE = [
    ("float", 1.0, "float"),
    ("nan", float("nan"), "float"),
    ("int above 2^64-1", 2**64, "out of range"),
    ("int below -2^63", -(2**63) - 1, "out of range"),
    ("integer map key", {1: 2}, "text strings"),
    ("bytes map key", {b"k": 2}, "text strings"),
    ("bytearray", bytearray(b"x"), "bytearray"),
    ("set", {1}, "set"),
    ("int subclass", ResultCode.OK, "ResultCode"),
    ("17 nested arrays", [[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]], "deeper than 16"),
    ("float nested in a map", {"a": [1, 2.5]}, "float"),
]


@pytest.mark.parametrize(("label", "value", "reason"), UNENCODABLE, ids=[u[0] for u in UNENCODABLE])
def test_values_outside_the_subset_cannot_be_encoded(
    label: str, value: object, reason: str
) -> None:
    with pytest.raises(EncodingError) as caught:
        encoding.encode(value)
    assert reason in caught.value.reason


def test_float_field_is_named_in_the_error() -> None:
    with pytest.raises(EncodingError) as caught:
        encoding.encode({"args": {"amount": 1.5}})
    assert caught.value.field == "args.amount"


def test_text_with_a_lone_surrogate_is_an_encoding_error() -> None:
    # "\ud800" is a Python str but not Unicode text; JSON input can carry it ("\\ud800").
    with pytest.raises(EncodingError):
        encoding.encode({"title": "\ud800"})


def test_tuples_encode_as_arrays() -> None:
    assert encoding.encode((1, 2)) == encoding.encode([1, 2])


@pytest.mark.parametrize(
    ("length", "header"),
    [(0, 1), (23, 1), (24, 2), (255, 2), (256, 3), (65535, 3), (65536, 5), (2**32, 9)],
)
def test_bytes_header_length_matches_the_encoder(length: int, header: int) -> None:
    assert encoding.bytes_header_length(length) == header
    if length <= 65536:
        assert len(encoding.encode(b"\x00" * length)) == header + length


def test_as_sequence_names_the_field_when_not_an_array() -> None:
    with pytest.raises(EncodingError) as caught:
        encoding.as_sequence({"a": 1}, "body")
    assert caught.value.field == "body"
    assert encoding.as_sequence([1], "body") == [1]
